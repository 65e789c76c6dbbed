# SPDX-License-Identifier: MIT
"""The completeness board: every commune of the official list, registered or not, reported on
time, late or not at all, last bundle, quarantine and conflicts; on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

from openpyxl import load_workbook
from province_rows import branch_code, bundle, conflict, donation, register, report_row

from redcross_desktop.db.models import ProvinceBranch
from redcross_desktop.domain import areas
from redcross_desktop.services.container import Services
from redcross_desktop.services.province.completeness import BoardRow, CompletenessService, report_deadline

PERIOD = "2026-03"
A = branch_code("00070")  # Phường Hoàn Kiếm: on time (last minute, Vietnam time)
B = branch_code("00073")  # Phường Cửa Nam: one day late (on time by the UTC date!)
C = branch_code("00004")  # Phường Ba Đình: nothing (a rejected bundle does not count)
D = branch_code("00008")  # Phường Ngọc Hà: the month came with a later bundle
E = branch_code("00025")  # Phường Giảng Võ: not registered, its bundle is held (UNKNOWN_BRANCH)
OUTSIDE = "01-KHAC"  # registered without a commune of the official list


def _fill(services: Services) -> None:
    with services.ctx.sessions.begin() as session:
        for commune, name in (
            ("00070", "Hoàn Kiếm"),
            ("00073", "Cửa Nam"),
            ("00004", "Ba Đình"),
            ("00008", "Ngọc Hà"),
        ):
            register(session, commune, f"Hội Chữ thập đỏ phường {name}")
        session.add(ProvinceBranch(branch_code=OUTSIDE, commune_code=None, name="Hội CTĐ Bệnh viện X"))
        # A: January's bundle, then March's at 23:59 on the deadline day (16:59 UTC), then an
        # older February bundle arriving late, and a quarantined April bundle.
        bundle(session, A, "2026-01", 3, datetime(2026, 2, 3, 2, 0))
        bundle(session, A, "2026-03", 5, datetime(2026, 4, 5, 16, 59))
        bundle(session, A, "2026-02", 4, datetime(2026, 4, 7, 1, 30))
        bundle(session, A, "2026-04", 6, datetime(2026, 4, 7, 2, 0), status="quarantined")
        # B: March's bundle received at 00:00 on 6 April in Vietnam (17:00 UTC on the 5th),
        # held first and accepted by the officer later.
        bundle(session, B, "2026-03", 2, datetime(2026, 4, 5, 17, 0), status="accepted")
        # C: only a rejected bundle.
        bundle(session, C, "2026-03", 1, datetime(2026, 4, 2, 3, 0), status="rejected")
        # D: no March bundle, but March's report rows arrived with the April bundle.
        april = bundle(session, D, "2026-04", 9, datetime(2026, 5, 2, 3, 0))
        session.add(report_row(D, PERIOD, "VD.TIEN", 0, digest=april.bundle_digest))
        # E: a bundle held because the branch is not registered.
        bundle(session, E, "2026-03", 1, datetime(2026, 4, 3, 3, 0), status="quarantined")
        # A's open conflicts: one open, one resolved.
        stored = donation(A, date(2026, 3, 2), 500_000)
        other = donation(A, date(2026, 3, 3), 100_000)
        session.add_all([stored, other])
        session.flush()
        conflict(session, stored)
        conflict(session, other, status="resolved")


def _by_code(rows: list[BoardRow]) -> dict[str, BoardRow]:
    return {r.commune_code or r.branch_code: r for r in rows}


def test_board_lists_every_commune_with_its_status(province_db: Services) -> None:
    _fill(province_db)
    rows = CompletenessService(province_db.ctx).board(PERIOD, today=date(2026, 4, 8))
    official = [a.code for a in areas.communes("01")]
    assert [r.commune_code for r in rows[: len(official)]] == official  # the official list, in order
    assert len(rows) == len(official) + 1 and rows[-1].branch_code == OUTSIDE
    by = _by_code(rows)
    a, b, c, d, e = by["00070"], by["00073"], by["00004"], by["00008"], by["00025"]

    assert (a.status, a.registered, a.reported, a.days_late) == ("on_time", True, True, None)
    assert a.reported_at is not None and a.reported_at.isoformat() == "2026-04-05T23:59:00+07:00"
    assert a.deadline == date(2026, 4, 5)
    # The last bundle is the highest number (the late February one does not hide it), the last
    # reception the latest one; the quarantined April bundle is counted as held, not received.
    assert (a.last_seq, a.last_period, a.quarantined, a.open_conflicts) == (5, "2026-03", 1, 1)
    assert a.last_received_at is not None and a.last_received_at.isoformat() == "2026-04-07T08:30:00+07:00"

    assert (b.status, b.reported, b.days_late, b.last_seq) == ("late", True, 1, 2)
    assert (c.status, c.reported, c.days_late, c.last_seq, c.quarantined) == ("missing", False, 3, None, 0)
    assert (d.status, d.reported, d.days_late, d.last_seq, d.last_period) == ("late", True, 27, 9, "2026-04")
    assert (e.status, e.registered, e.branch_code, e.reported, e.quarantined) == (
        "unregistered",
        False,
        None,
        False,
        1,
    )
    assert e.commune_name == "Phường Giảng Võ"
    outside = rows[-1]
    assert (outside.commune_code, outside.commune_name, outside.status) == (
        None,
        "Hội CTĐ Bệnh viện X",
        "missing",
    )
    unregistered = [r for r in rows if not r.registered]
    assert len(unregistered) == len(official) - 4 and {r.status for r in unregistered} == {"unregistered"}


def test_before_the_deadline_unreported_communes_are_waiting(province_db: Services) -> None:
    _fill(province_db)
    by = _by_code(CompletenessService(province_db.ctx).board(PERIOD, today=date(2026, 4, 5)))
    assert (by["00004"].status, by["00004"].days_late) == ("waiting", None)
    assert by["00070"].status == "on_time"


def test_deadline_day_comes_from_the_settings(province_db: Services) -> None:
    _fill(province_db)
    province_db.settings.set("report", {"deadline_day": 10, "number_suffix": "BC-CTĐ"})
    by = _by_code(CompletenessService(province_db.ctx).board(PERIOD, today=date(2026, 4, 8)))
    assert by["00073"].deadline == date(2026, 4, 10)
    assert (by["00073"].status, by["00004"].status) == ("on_time", "waiting")


def test_deadline_is_day_n_of_the_next_month() -> None:
    assert report_deadline("2026-03", 5) == date(2026, 4, 5)
    assert report_deadline("2026-12", 5) == date(2027, 1, 5)
    assert report_deadline("2026-01", 31) == date(2026, 2, 28)
    assert report_deadline("2027-12", 31) == date(2028, 1, 31)


def test_board_as_json_and_excel(province_db: Services, tmp_path: Path) -> None:
    _fill(province_db)
    service = CompletenessService(province_db.ctx)
    data = json.loads(json.dumps([r.as_dict() for r in service.board(PERIOD, today=date(2026, 4, 8))]))
    first = data[0]
    assert (first["commune_code"], first["status"], first["status_label"]) == ("00070", "on_time", "Đúng hạn")
    assert first["reported_at"] == "2026-04-05T23:59:00+07:00"

    folder = tmp_path / "out"
    folder.mkdir()
    out = service.write_board(PERIOD, folder / "bang-theo-doi.xlsx", today=date(2026, 4, 8))
    assert [p.name for p in folder.iterdir()] == ["bang-theo-doi.xlsx"]
    ws = load_workbook(out)["Theo dõi nộp báo cáo"]
    header = next(r for r in range(1, 10) if ws.cell(r, 1).value == "STT")
    assert [ws.cell(header + 1, col).value for col in (2, 3, 4, 5, 6, 8)] == [
        "00070",
        "Phường Hoàn Kiếm",
        A,
        "Đúng hạn",
        "05/04/2026 23:59",
        5,
    ]
    assert ws.cell(header + 2, 5).value == "Muộn" and ws.cell(header + 2, 7).value == 1
    summary = " ".join(str(ws.cell(r, 1).value) for r in range(1, header))
    assert "Hạn nộp: 05/04/2026" in summary
    assert "Đã nộp 3/5 đơn vị đã đăng ký (đúng hạn 1, muộn 2); quá hạn chưa nộp 2" in summary
    assert ws.auto_filter.ref == f"A{header}:L{header + len(areas.communes('01')) + 1}"
