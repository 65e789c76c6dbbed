# SPDX-License-Identifier: MIT
"""The province's consolidated report: every indicator per commune and in total, ratios
recomputed, REPORT_MISMATCH warnings, the Decree 30-style workbook; on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from province_rows import branch_code, donation, member, record, register, relief, report_row

from redcross_desktop.core.errors import ExportFailedError, ValidationError
from redcross_desktop.reports.catalogue import load_catalogue
from redcross_desktop.services.container import Services
from redcross_desktop.services.province.consolidation import ConsolidationService

PERIOD = "2026-03"
A = branch_code("00070")  # Phường Hoàn Kiếm, first in the official list
B = branch_code("00073")  # Phường Cửa Nam, second
C = branch_code("00004")  # Phường Ba Đình, third: registered, has not reported
U = "01-KHAC"  # report rows stored for a branch the province never registered


def _fill(services: Services) -> None:
    with services.ctx.sessions.begin() as session:
        register(session, "00004", "Hội Chữ thập đỏ phường Ba Đình")
        register(session, "00073", "Hội Chữ thập đỏ phường Cửa Nam")
        register(session, "00070", "Hội Chữ thập đỏ phường Hoàn Kiếm")
        session.add_all(
            [
                # A's records: the report agrees on VD.TIEN and TC.HV.TONG, not on CT.KC.GT.
                donation(A, date(2026, 3, 2), 700_000),
                relief(A, date(2026, 3, 3), "emergency", cash=1_700_000, covered=3, person_id="p1"),
                member(A, "m1", "Nguyễn Văn An", "member", date(2020, 1, 1)),
                member(A, "m2", "Lê Thị Bình", "member", date(2026, 3, 10)),
                report_row(A, PERIOD, "VD.TIEN", 700_000),
                report_row(A, PERIOD, "CT.KC.GT", 1_600_000),
                report_row(A, PERIOD, "TC.HV.TONG", 2, unit="người"),
                report_row(A, PERIOD, "HM.DON_VI", 10, unit="đơn vị"),
                report_row(A, PERIOD, "HM.DON_VI", 3, "bag=250", label="Túi 250 ml"),
                report_row(A, PERIOD, "HM.DON_VI", 7, "bag=350", label="Túi 350 ml"),
                report_row(A, PERIOD, "HM.DON_VI", 0, "bag=450", label="Túi 450 ml"),
                report_row(A, PERIOD, "HM.DON_VI", 0, "bag=other", label="Gạn tách thành phần"),
                report_row(A, PERIOD, "HM.KH", 25, unit="%"),
                report_row(A, PERIOD, "KT.CAP", 5, unit="bản"),
                report_row(A, "2026-02", "HM.DON_VI", 6, unit="đơn vị"),
                report_row(A, "2026-02", "VD.TIEN", 50_000),
                # B's records and report.
                donation(B, date(2026, 3, 5), 900_000, campaign="LULUT2026"),
                member(B, "m9", "Trần Văn Cường", "member", date(2018, 1, 1)),
                report_row(B, PERIOD, "VD.TIEN", 900_000),
                report_row(B, PERIOD, "VD.TONG", 900_000),
                report_row(
                    B, PERIOD, "VD.TONG", 900_000, "campaign=LULUT2026", label="Ủng hộ đồng bào lũ lụt"
                ),
                report_row(B, PERIOD, "TC.HV.TONG", 1, unit="người"),
                report_row(B, PERIOD, "HM.DON_VI", 4, unit="đơn vị"),
                report_row(B, PERIOD, "HM.DON_VI", 0, "bag=250", label="Túi 250 ml"),
                report_row(B, PERIOD, "HM.DON_VI", 0, "bag=350", label="Túi 350 ml"),
                report_row(B, PERIOD, "HM.DON_VI", 4, "bag=450", label="Túi 450 ml"),
                report_row(B, PERIOD, "HM.DON_VI", 0, "bag=other", label="Gạn tách thành phần"),
                record("report", B, PERIOD, record_id=f"{B}|{PERIOD}|VD.LUOT|", version=3, deleted=True),
                # An unregistered branch's stored rows still show (and are checked).
                report_row(U, PERIOD, "VD.TIEN", 100),
            ]
        )
        services.settings.set("plans", {"2026": {"HM.DON_VI": 100}})


def test_every_indicator_per_commune_and_in_total(province_db: Services) -> None:
    _fill(province_db)
    report = ConsolidationService(province_db.ctx).report(PERIOD, report_date=date(2026, 4, 10))
    assert [(c.branch_code, c.name, c.reported) for c in report.communes] == [
        (A, "Phường Hoàn Kiếm", True),
        (B, "Phường Cửa Nam", True),
        (C, "Phường Ba Đình", False),
        (U, U, True),
    ]
    assert report.reported_count == 3
    vd = report.line("VD.TIEN")
    assert vd is not None and (vd.values, vd.total) == ((700_000, 900_000, None, 100), 1_600_100)
    assert vd.label == "Tiền mặt, chuyển khoản tiếp nhận" and vd.is_money
    members = report.line("TC.HV.TONG")  # an `end` indicator: summed over the communes too
    assert members is not None and (members.values, members.total) == ((2, 1, None, None), 3)
    units = report.line("HM.DON_VI")
    assert units is not None and (units.values, units.total) == ((10, 4, None, None), 14)
    # Breakdowns with a figure somewhere, in the catalogue's order; all-zero ones left out.
    bags = [x for x in report.lines if x.code == "HM.DON_VI" and x.disagg]
    assert [(x.disagg, x.label, x.values, x.total) for x in bags] == [
        ("bag=250", "Túi 250 ml", (3, 0, None, None), 3),
        ("bag=350", "Túi 350 ml", (7, 0, None, None), 7),
        ("bag=450", "Túi 450 ml", (0, 4, None, None), 4),
    ]
    campaign = report.line("VD.TONG", "campaign=LULUT2026")
    assert campaign is not None and (campaign.label, campaign.total) == ("Ủng hộ đồng bào lũ lụt", 900_000)
    manual = report.line("KT.CAP")
    assert manual is not None and (manual.values, manual.total) == ((5, None, None, None), 5)
    # A row no commune sent (B's is a tombstone) stays empty rather than 0.
    count = report.line("VD.LUOT")
    assert count is not None and (count.values, count.total) == ((None, None, None, None), None)
    assert report.value("VD.TIEN", B) == 900_000
    own = [x.code for x in report.lines if not x.disagg]
    assert own == [i.code for i in load_catalogue("2026.1").indicators]  # the whole catalogue


def test_ratio_is_recomputed_from_the_province_target_never_summed(province_db: Services) -> None:
    _fill(province_db)
    service = ConsolidationService(province_db.ctx)
    ratio = service.report(PERIOD).line("HM.KH")
    # Year to date 6 (A, February) + 10 + 4 = 20 units of a province target of 100.
    assert ratio is not None and (ratio.values, ratio.total, ratio.summed) == (
        (25, None, None, None),
        20,
        False,
    )
    province_db.settings.set("plans", {})
    no_target = service.report(PERIOD).line("HM.KH")
    assert no_target is not None and no_target.total is None


def test_report_mismatch_warnings_for_reporting_communes(province_db: Services) -> None:
    _fill(province_db)
    report = ConsolidationService(province_db.ctx).report(PERIOD)
    assert [(m.code, m.branch_code, m.indicator, m.reported, m.recomputed) for m in report.mismatches] == [
        ("REPORT_MISMATCH", A, "CT.KC.GT", 1_600_000, 1_700_000),
        ("REPORT_MISMATCH", U, "VD.TIEN", 100, 0),
    ]


def test_a_province_with_no_reports_has_empty_columns(province_db: Services) -> None:
    with province_db.ctx.sessions.begin() as session:
        register(session, "00070", "Hội Chữ thập đỏ phường Hoàn Kiếm")
    report = ConsolidationService(province_db.ctx).report(PERIOD)
    assert [(c.branch_code, c.reported) for c in report.communes] == [(A, False)]
    assert all(line.total is None and line.values == (None,) for line in report.lines)
    assert report.mismatches == ()


def test_bad_period_is_refused(province_db: Services) -> None:
    with pytest.raises(ValidationError) as caught:
        ConsolidationService(province_db.ctx).report("03/2026")
    assert caught.value.code == "VALIDATION_FAILED"


def test_json_form_carries_every_indicator_per_commune(province_db: Services) -> None:
    _fill(province_db)
    data = json.loads(json.dumps(ConsolidationService(province_db.ctx).report(PERIOD).as_dict()))
    line = next(x for x in data["lines"] if x["code"] == "VD.TIEN" and x["disagg"] == "")
    assert line["communes"] == {A: 700_000, B: 900_000, C: None, U: 100} and line["total"] == 1_600_100
    assert [w["indicator"] for w in data["warnings"]] == ["CT.KC.GT", "VD.TIEN"]
    assert data["reported"] == 3


def test_workbook_has_summary_per_commune_and_warning_sheets(province_db: Services, tmp_path: Path) -> None:
    _fill(province_db)
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / "tong-hop-2026-03.xlsx"
    written = ConsolidationService(province_db.ctx).write_report(PERIOD, out, report_date=date(2026, 4, 10))
    assert written == out and [p.name for p in folder.iterdir()] == [out.name]  # no temporary file left
    wb = load_workbook(out)
    assert wb.sheetnames == ["Tổng hợp", "Theo xã", "Cảnh báo"]
    ws = wb["Tổng hợp"]
    cells = {(c.row, c.column): c.value for row in ws.iter_rows() for c in row if c.value is not None}
    header = next(r for (r, col), v in cells.items() if v == "Toàn tỉnh")
    assert [cells.get((header, col)) for col in range(5, 9)] == [
        "Phường Hoàn Kiếm",
        "Phường Cửa Nam",
        "Phường Ba Đình",
        U,
    ]
    assert cells[(header + 1, 7)] == "00004 (chưa BC)"
    vd_row = next(r for (r, col), v in cells.items() if col == 2 and v == "Tiền mặt, chuyển khoản tiếp nhận")
    assert [cells.get((vd_row, col)) for col in range(3, 9)] == [
        "đồng",
        1_600_100,
        700_000,
        900_000,
        None,
        100,
    ]
    assert ws.cell(vd_row, 4).number_format == "#,##0"
    assert "ngày 10 tháng 4 năm 2026" in " ".join(str(v) for v in cells.values())
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 8  # A3
    assert ws.print_title_cols == "$A:$D" and ws.freeze_panes == f"E{header + 2}"
    by_commune = wb["Theo xã"]
    assert [by_commune.cell(r, 3).value for r in range(3, 7)] == [
        "Phường Hoàn Kiếm",
        "Phường Cửa Nam",
        "Phường Ba Đình",
        U,
    ]
    assert [by_commune.cell(r, 4).value for r in range(3, 7)] == ["có", "có", "chưa", "có"]
    warnings = wb["Cảnh báo"]
    assert [
        (warnings.cell(r, 2).value, warnings.cell(r, 4).value, warnings.cell(r, 8).value) for r in (5, 6)
    ] == [
        (A, "CT.KC.GT", -100_000),
        (U, "VD.TIEN", 100),
    ]


def test_workbook_into_a_missing_folder_fails_cleanly(province_db: Services, tmp_path: Path) -> None:
    with pytest.raises(ExportFailedError) as caught:
        ConsolidationService(province_db.ctx).write_report(PERIOD, tmp_path / "missing" / "x.xlsx")
    assert caught.value.code == "EXPORT_FAILED"
    assert not (tmp_path / "missing").exists()
