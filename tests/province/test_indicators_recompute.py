# SPDX-License-Identifier: MIT
"""Indicators recomputed at the province from imported commune records (REPORT_MISMATCH), on
SQLite and PostgreSQL. Every expected figure is worked out next to the rows that make it."""

from __future__ import annotations

import json
from datetime import date

from province_rows import activity, blood, branch_code, donation, member, record, relief, report_row

from redcross_desktop.reports.catalogue import load_catalogue
from redcross_desktop.services.container import Services
from redcross_desktop.services.province.indicators import (
    recomputable,
    recompute,
    recompute_many,
    report_mismatches,
)

PERIOD = "2026-03"
A = branch_code("00070")  # Phường Hoàn Kiếm
B = branch_code("00073")  # Phường Cửa Nam


def _fill(services: Services) -> None:
    d = date
    rows = [
        # Donations of A in March: 500,000 + (200,000 cash, 300,000 goods) count; the void one,
        # the tombstone and February's do not.
        donation(A, d(2026, 3, 2), 500_000),
        donation(A, d(2026, 3, 9), 200_000, 300_000, campaign="LULUT2026"),
        donation(A, d(2026, 3, 10), 1_000_000, status="void", void_reason="Ghi nhầm"),
        donation(A, d(2026, 3, 11), 700_000, deleted=True),
        donation(A, d(2026, 2, 27), 400_000),
        donation(B, d(2026, 3, 5), 900_000),
        # Relief of A in March.
        relief(A, d(2026, 3, 3), "emergency", cash=1_000_000, goods=500_000, covered=4, person_id="p1"),
        relief(A, d(2026, 3, 4), "recovery", goods=200_000, covered=2, person_id="p2"),
        relief(A, d(2026, 3, 5), "regular", cash=300_000, covered=1, person_id="p1"),
        relief(A, d(2026, 3, 6), "house", cash=5_000_000, covered=5, household_id="h1"),
        relief(A, d(2026, 3, 7), "health", cash=100_000, covered=1, person_id="p3"),
        relief(A, d(2026, 3, 8), "livelihood", cash=800_000, covered=1, person_id="p5", deleted=True),
        relief(A, d(2026, 2, 8), "scholarship", cash=2_000_000, covered=1, person_id="p4"),
        # Activities of A: first aid and health in March; communication only in February (so
        # the TT rows are computed at the commune, as zeros for March).
        activity(A, d(2026, 3, 12), "first_aid", sessions=2, participants=40, cases=3),
        activity(A, d(2026, 3, 13), "health", people_served=25, value_vnd=2_500_000),
        activity(A, d(2026, 2, 14), "communication", sessions=1, participants=60, cases=2),
        # The members register of A (every membership whatever its period).
        member(A, "m1", "Nguyễn Văn An", "member", d(2020, 1, 1)),
        member(A, "m2", "Lê Thị Bình", "member", d(2026, 3, 10)),
        member(A, "m3", "Trần Văn Cường", "member", d(2019, 5, 1), left=d(2026, 3, 20)),
        member(A, "m4", "Phạm Thị Dung", "member", d(2026, 4, 2)),
        member(A, "m5", "Hoàng Văn Em", "member", d(2020, 1, 1), deleted=True),
        member(A, "v1", "Vũ Thị Gấm", "volunteer", d(2025, 6, 1), rank="gold"),
        member(A, "y1", "Đỗ Minh Hải", "youth", d(2024, 9, 5)),
        # Blood rows travel too, but blood indicators are not recomputable (no drive summaries).
        blood(A, d(2026, 3, 15), "p1"),
    ]
    with services.ctx.sessions.begin() as session:
        session.add_all(rows)


EXPECTED_A = {
    "TC.HV.TONG": 2,  # m1, m2 (m3 left in March, m4 joins in April, m5 is a tombstone)
    "TC.HV.MOI": 1,  # m2
    "TC.HV.GIAM": 1,  # m3
    "TC.TNV.TONG": 1,
    "TC.TNV.MOI": 0,
    "TC.TTN.TONG": 1,
    "VD.TIEN": 700_000,
    "VD.HIEN_VAT": 300_000,
    "VD.TONG": 1_000_000,
    "VD.LUOT": 2,
    "CT.NGUOI": 2,  # p1 (twice), p2; the house went to a household, health is not counted here
    "CT.KC.LUOT": 6,
    "CT.KC.GT": 1_700_000,
    "CT.ND.LUOT": 6,
    "CT.ND.GT": 5_300_000,
    "CT.GT": 7_000_000,
    "CT.TIEN": 6_300_000,
    "CT.NHA": 1,
    "CT.SINH_KE": 0,
    "CT.HOC_BONG": 0,
    "SK.LUOT": 26,  # 1 health relief + 25 served at the health event
    "SK.GT": 2_600_000,
    "SCC.LOP": 2,
    "SCC.HOC_VIEN": 40,
    "SCC.THUC_TE": 3,
    "TT.BUOI": 0,
    "TT.LUOT": 0,
    "TT.TIN_BAI": 0,
}


def test_recompute_gives_every_derivable_indicator_of_one_commune(province_db: Services) -> None:
    _fill(province_db)
    with province_db.ctx.sessions() as session:
        assert recompute(session, A, PERIOD) == EXPECTED_A


def test_other_communes_and_months_do_not_leak(province_db: Services) -> None:
    _fill(province_db)
    with province_db.ctx.sessions() as session:
        only_b = recompute(session, B, PERIOD)
        february = recompute(session, A, "2026-02")
        nobody = recompute(session, branch_code("00004"), PERIOD)
    assert only_b["VD.TIEN"] == 900_000 and only_b["VD.LUOT"] == 1
    assert {k: v for k, v in only_b.items() if k not in ("VD.TIEN", "VD.TONG", "VD.LUOT")} == {
        k: 0 for k in only_b if k not in ("VD.TIEN", "VD.TONG", "VD.LUOT")
    }
    # B keeps no activity records: its activity rows may have been typed in, so none is checked.
    assert not any(k.startswith(("SCC.", "TT.", "TH.", "TN.")) for k in only_b)
    assert february["VD.TIEN"] == 400_000 and february["CT.HOC_BONG"] == 1 and february["TT.BUOI"] == 1
    assert february["TC.HV.TONG"] == 2  # m1, m3 (m2 joined in March)
    assert nobody["VD.TIEN"] == 0 and "SCC.LOP" not in nobody


def test_recompute_many_equals_one_by_one(province_db: Services) -> None:
    _fill(province_db)
    with province_db.ctx.sessions() as session:
        together = recompute_many(session, PERIOD)
        assert set(together) == {A, B}
        assert together[A] == recompute(session, A, PERIOD) == EXPECTED_A
        assert together[B] == recompute(session, B, PERIOD)


def test_blood_household_campaign_kind_and_manual_rows_are_not_recomputed() -> None:
    codes = {i.code for i in recomputable(load_catalogue("2026.1"))}
    assert codes == set(EXPECTED_A) | {"TH.HD", "TH.LUOT", "TN.HD", "TN.LUOT"}
    for absent in ("HM.DON_VI", "HM.TAM_HOAN", "HM.KH", "CT.HO", "CT.TNA.SUAT", "TC.HP.THU", "KT.CAP"):
        assert absent not in codes


def test_json_numbers_read_like_canonical_text(province_db: Services) -> None:
    """An importer storing ints as JSON numbers instead of canonical strings reads the same."""
    row = donation(A, date(2026, 3, 2), 0)
    data = json.loads(row.data)
    data.update(cash_vnd=1_234_567, in_kind_vnd=10)
    row.data = json.dumps(data)
    with province_db.ctx.sessions.begin() as session:
        session.add(row)
    with province_db.ctx.sessions() as session:
        figures = recompute(session, A, PERIOD)
    assert (figures["VD.TIEN"], figures["VD.HIEN_VAT"], figures["VD.LUOT"]) == (1_234_567, 10, 1)


def test_report_mismatch_lists_only_differing_recomputable_rows(province_db: Services) -> None:
    _fill(province_db)
    with province_db.ctx.sessions.begin() as session:
        session.add_all(
            [
                report_row(A, PERIOD, "VD.TIEN", 700_000),  # agrees
                report_row(A, PERIOD, "CT.KC.GT", 1_600_000),  # the records say 1,700,000
                report_row(A, PERIOD, "TC.HV.TONG", 2),
                report_row(A, PERIOD, "HM.DON_VI", 10, unit="đơn vị"),  # cannot be checked
                report_row(A, PERIOD, "HM.DON_VI", 10, "bag=350", unit="đơn vị"),
                report_row(A, PERIOD, "VD.TONG", 999, "campaign=LULUT2026"),  # breakdowns: not compared
                report_row(A, "2026-02", "VD.TIEN", 1),  # another month
            ]
        )
    with province_db.ctx.sessions() as session:
        found = report_mismatches(session, A, PERIOD)
        none_for_b = report_mismatches(session, B, PERIOD)  # B sent no report rows
    assert [(m.code, m.branch_code, m.indicator, m.reported, m.recomputed) for m in found] == [
        ("REPORT_MISMATCH", A, "CT.KC.GT", 1_600_000, 1_700_000)
    ]
    assert found[0].difference == -100_000
    assert found[0].message_vi.startswith("Báo cáo tháng không khớp số liệu chi tiết (CT.KC.GT")
    assert none_for_b == []


def test_tombstoned_report_rows_are_not_reported(province_db: Services) -> None:
    _fill(province_db)
    with province_db.ctx.sessions.begin() as session:
        session.add(record("report", A, PERIOD, record_id=f"{A}|{PERIOD}|VD.TIEN|", version=2, deleted=True))
    with province_db.ctx.sessions() as session:
        assert report_mismatches(session, A, PERIOD) == []
