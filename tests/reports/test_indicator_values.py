# SPDX-License-Identifier: MIT
"""Every indicator of catalogue 2026.1 computed from the known branch (tests/reports/conftest.py):
the month (03/2026), the year to date and the same period of 2025, worked out by hand from the
records. Voided receipts (d5, d10), tombstoned records (membership m7, relief r6, drive of 28/3,
donation dn6, a first-aid activity, a cancelled dues payment) must count nowhere."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import event

from conftest import Known
from redcross_desktop.reports.catalogue import AGGREGATES, load_catalogue
from redcross_desktop.services.donations import DonationInput, DonationService
from redcross_desktop.services.reports import _AGGREGATES, IndicatorValue, percent

# code -> (month, year to date, same period last year); None = not entered by hand.
EXPECTED: dict[str, tuple[int | None, int | None, int | None]] = {
    # I. organisation: sub-units have no dates, so every column counts the live ones
    "TC.CHI_HOI": (2, 2, 2),
    "TC.DOI_CLB": (2, 2, 2),
    "TC.HV.TONG": (4, 4, 5),  # 31/3/2026: m1 m2 m3 m4 (m5 left 20/3); 31/3/2025: m1 m2 m5 m6 m8
    "TC.HV.MOI": (1, 2, 2),  # m4; m3 m4; m2 m6 (m7 tombstoned)
    "TC.HV.GIAM": (1, 1, 0),  # m5
    "TC.TNV.TONG": (3, 3, 1),
    "TC.TNV.MOI": (1, 2, 1),
    "TC.TTN.TONG": (2, 2, 0),  # y1 (youth), j1 (junior, joined 9/2025)
    "TC.TNV.GIO": (2, 3, 2),  # 120 min; 165 min -> 2.75 -> 3; 120 min
    "TC.HP.THU": (3000, 4000, 3000),  # the cancelled 2.000 đ payment is out
    "TC.HP.NOP": (1500, 2000, 1000),  # hand-entered
    # II. resources
    "VD.TIEN": (7_000_000, 10_500_000, 4_000_000),  # d1 + d2; + d4 + d9; d7 (d5 voided)
    "VD.HIEN_VAT": (3_000_000, 3_000_000, 1_000_000),  # d3; d3; d8 (d10 voided)
    "VD.TONG": (10_000_000, 13_500_000, 5_000_000),
    "VD.LUOT": (3, 5, 2),
    "KHO.XUAT": (500_000, 500_000, 200_000),  # 400.000 + 200.000 − 100.000 returned; r5 200.000
    "KHO.TON": (3_300_000, 3_300_000, 800_000),
    # III. relief (health kind excluded, r6 tombstoned)
    "CT.NGUOI": (2, 2, 1),  # b1, b3 (r2 is a household); b1
    "CT.HO": (3, 3, 1),  # h1 (via b1), h2, h3 (via b3)
    "CT.KC.LUOT": (1, 1, 0),
    "CT.KC.GT": (1_400_000, 1_400_000, 0),
    "CT.ND.LUOT": (5, 6, 1),  # r2 covers its household of 4, r7 1; + r4 1; r5 1
    "CT.ND.GT": (1_600_000, 11_600_000, 800_000),  # r2 500.000 + 1 thùng kept (100.000), r7 1.000.000
    "CT.GT": (3_000_000, 13_000_000, 800_000),
    "CT.TIEN": (2_500_000, 12_500_000, 600_000),
    "CT.SUAT_QUA": (None, None, None),
    "CT.NHA": (0, 1, 0),
    "CT.SINH_KE": (0, 0, 0),
    "CT.HOC_BONG": (1, 1, 0),
    "CT.TNA.SUAT": (1, 1, 1),
    "CT.TNA.GT": (600_000, 600_000, 800_000),
    "CT.TNA.CT": (1, 1, 1),
    # IV. health: the health relief record (1 person, 300.000 đ) plus the health event (50, 5.000.000 đ)
    "SK.LUOT": (51, 51, 30),
    "SK.GT": (5_300_000, 5_300_000, 2_000_000),
    # V. blood: drives' summaries plus the donations recorded outside a drive (dn2, dn3, dn4; dn5)
    "HM.DOT": (1, 2, 1),
    "HM.DANG_KY": (123, 173, 61),
    "HM.THAM_GIA": (113, 158, 56),
    "HM.HIEN": (98, 138, 51),
    "HM.TAM_HOAN": (15, 20, 5),
    "HM.LAN_DAU": (22, 27, 11),  # dn4 had 3 earlier donations: not a first time
    "HM.DON_VI": (98, 138, 51),
    "HM.ML": (33_700, 47_700, 12_850),
    "HM.KH": (50, 50, 26),  # 138 / 276; 51 / 200 = 25.5 -> 26
    "HM.TON_VINH": (2, 2, None),
    # VI–XI. activities and tracing
    "SCC.LOP": (2, 3, 1),  # the 99 entered by hand is ignored: first-aid activities are recorded
    "SCC.HOC_VIEN": (40, 65, 30),
    "SCC.THUC_TE": (3, 3, 1),
    "TH.HD": (1, 1, 0),
    "TH.LUOT": (60, 60, 0),
    "TK.NHAN": (1, 2, 2),
    "TK.CO_KQ": (1, 1, 1),
    "TK.DANG": (2, 2, 1),
    "TT.BUOI": (4, 6, None),  # no communication activity kept: the hand-entered figures
    "TT.LUOT": (None, None, None),
    "TT.TIN_BAI": (None, None, None),
    "TN.HD": (1, 2, 0),
    "TN.LUOT": (100, 300, 0),
    "KT.CAP": (None, None, None),
}

EXPECTED_BREAKDOWNS: dict[tuple[str, str], tuple[int, int, int]] = {
    ("TC.DOI_CLB", "kind=first_aid_team"): (1, 1, 1),
    ("TC.DOI_CLB", "kind=blood_club"): (1, 1, 1),
    ("TC.TNV.TONG", "rank=gold"): (1, 1, 1),
    ("TC.TNV.TONG", "rank=silver"): (1, 1, 0),
    ("TC.TNV.TONG", "rank=none"): (1, 1, 0),
    ("VD.TONG", "campaign=LULUT2026"): (7_000_000, 7_000_000, 0),
    ("VD.TONG", "campaign=TNA2025"): (0, 0, 5_000_000),
    ("VD.TONG", "campaign=TNA2026"): (3_000_000, 6_000_000, 0),
    ("VD.TONG", "campaign=_none"): (0, 500_000, 0),
    ("CT.ND.LUOT", "group=poor"): (4, 5, 1),
    ("CT.ND.LUOT", "group=elderly_alone"): (4, 4, 0),
    ("CT.ND.LUOT", "group=orphan"): (1, 1, 0),
    ("HM.DON_VI", "bag=250"): (11, 11, 50),
    ("HM.DON_VI", "bag=350"): (80, 120, 1),
    ("HM.DON_VI", "bag=450"): (6, 6, 0),
    ("HM.DON_VI", "bag=other"): (1, 1, 0),
}


def test_every_indicator_of_the_catalogue_is_expected() -> None:
    assert [i.code for i in load_catalogue("2026.1").indicators] == list(EXPECTED)


def test_every_indicator_value_month_ytd_and_last_year(known: Known) -> None:
    report = known.reports.report("2026-03")
    got = {x.code: (x.month, x.ytd, x.last_year) for x in report.lines if not x.disagg}
    assert got == EXPECTED
    breakdowns = {(x.code, x.disagg): (x.month, x.ytd, x.last_year) for x in report.lines if x.disagg}
    assert breakdowns == EXPECTED_BREAKDOWNS
    assert report.period == "2026-03" and report.period_label == "tháng 03/2026"
    assert (report.date_from, report.date_to) == (date(2026, 3, 1), date(2026, 3, 31))
    assert report.catalogue_version == "2026.1"


def test_comparison_and_plan_columns(known: Known) -> None:
    report = known.reports.report("2026-03")
    for line in report.lines:
        if line.is_percent or line.ytd is None:
            assert line.compare_pct is None
        else:
            assert line.compare_pct == percent(line.ytd, line.last_year)
    plans = {x.code: (x.plan, x.plan_pct) for x in report.lines if not x.disagg and x.plan is not None}
    assert plans == {
        "TC.HV.TONG": (8, 50.0),
        "TC.HP.THU": (8000, 50.0),
        "VD.TONG": (27_000_000, 50.0),
        "CT.GT": (26_000_000, 50.0),
        "HM.DON_VI": (276, 50.0),
    }
    tien = report.line("VD.TIEN")
    assert tien is not None and tien.compare_pct == 262.5 and tien.is_money
    assert report.line("TC.HV.GIAM") is not None and report.line("TC.HV.GIAM").compare_pct is None  # type: ignore[union-attr]
    assert percent(2, 3) == 66.7 and percent(1, 8) == 12.5 and percent(5, 0) is None


def test_indicator_values_for_the_bundle(known: Known) -> None:
    values = known.reports.indicators("2026-03")
    assert all(isinstance(v, IndicatorValue) for v in values)
    totals = {v.code: v.value for v in values if not v.disagg}
    # Hand-entered figures not entered are left out; every other indicator is there.
    assert totals == {code: month for code, (month, _ytd, _ly) in EXPECTED.items() if month is not None}
    by_key = {(v.code, v.disagg): v for v in values if v.disagg}
    # Fixed breakdowns are all listed, zeros included; campaigns as present in the month.
    assert by_key[("HM.DON_VI", "bag=350")].value == 80
    assert by_key[("CT.ND.LUOT", "group=disabled")].value == 0
    assert by_key[("TC.TNV.TONG", "rank=platinum")].value == 0
    assert by_key[("VD.TONG", "campaign=LULUT2026")].value == 7_000_000
    assert by_key[("VD.TONG", "campaign=LULUT2026")].label == "Ủng hộ đồng bào bị lũ lụt"
    assert len([k for k in by_key if k[0] == "CT.ND.LUOT"]) == 10
    hm = next(v for v in values if v.code == "HM.DON_VI" and not v.disagg)
    assert (hm.label, hm.unit, hm.value) == ("Đơn vị máu tiếp nhận", "đơn vị", 98)


def test_quarter_and_year_to_date(known: Known) -> None:
    march = known.reports.report("2026-03")
    q1 = known.reports.quarter(2026, 1)
    ytd = known.reports.year_to_date("2026-03")
    last_q1 = known.reports.quarter(2025, 1)
    assert q1.period == "2026-Q1" and q1.period_label == "quý I/2026"
    assert ytd.period == "2026-03/YTD" and ytd.period_label == "từ tháng 01 đến tháng 03/2026"
    for line in march.lines:
        for other in (q1, ytd):
            same = other.line(line.code, line.disagg)
            assert same is not None and same.month == line.ytd and same.last_year == line.last_year, line.code
        previous = last_q1.line(line.code, line.disagg)
        if line.code not in ("HM.KH",) and not line.disagg:
            assert previous is not None and previous.month == line.last_year, line.code
    assert known.reports.quarter(2026, 2).line("VD.TIEN").month == 0  # type: ignore[union-attr]


def test_months_report_their_own_month(known: Known) -> None:
    february = known.reports.report("2026-02")
    got = {x.code: x.month for x in february.lines if not x.disagg}
    assert got["VD.TIEN"] == 3_000_000
    assert got["HM.DOT"] == 1 and got["HM.DON_VI"] == 40
    assert got["CT.NHA"] == 1 and got["CT.ND.GT"] == 10_000_000
    assert got["TC.HP.NOP"] == 500 and got["TT.BUOI"] is None
    assert got["TK.DANG"] == 3  # T2 and T5 open, T3 closed only on 10/3
    assert got["TC.HV.TONG"] == 4  # m1 m2 m3 m5
    january = known.reports.report("2026-01")
    assert january.line("TT.BUOI").month == 2  # type: ignore[union-attr]
    jan_lines = {x.code: (x.month, x.ytd) for x in january.lines if not x.disagg}
    assert all(month == ytd for month, ytd in jan_lines.values())  # January: the month is the year to date


def test_the_engine_implements_every_aggregate_the_catalogue_may_name() -> None:
    assert set(_AGGREGATES) == set(AGGREGATES)


def test_statement_count_does_not_grow_with_the_records(known: Known) -> None:
    """SQL aggregates: the number of statements depends on the catalogue, not on the data."""
    engine = known.services.engine
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(engine, "before_cursor_execute", count)
    try:
        known.reports.report("2026-03")
        before = len(statements)
        donations = DonationService(known.services.ctx)
        for day in range(1, 21):
            donations.record(DonationInput(received_on=date(2026, 3, day), cash_vnd=10_000 * day))
        statements.clear()
        report = known.reports.report("2026-03")
        after = len(statements)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert after == before
    assert report.line("VD.LUOT").month == 23  # type: ignore[union-attr]
    assert report.line("VD.TIEN").month == 7_000_000 + 10_000 * 210  # type: ignore[union-attr]
    # Roughly three statements per indicator (one per column), never one per record.
    assert after < 3 * len(EXPECTED) + 20


@pytest.mark.parametrize("period", ["2026-13", "2026-3", "26-03", "", "2026-00"])
def test_invalid_periods_are_refused(known: Known, period: str) -> None:
    from redcross_desktop.core.errors import ValidationError

    with pytest.raises(ValidationError) as caught:
        known.reports.report(period)
    assert caught.value.code == "VALIDATION_FAILED"
    assert "period" in caught.value.fields
