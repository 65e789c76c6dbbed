# SPDX-License-Identifier: MIT
"""Cross-commune duplicate hints: folded name + birth date or year, or the CCCD HMAC; only across
communes, never merged; on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import date

from province_rows import branch_code, member, register, relief
from sqlalchemy import func, select

from redcross_desktop.db.models import ProvinceRecord
from redcross_desktop.services.container import Services
from redcross_desktop.services.province.duplicates import DuplicateHint, DuplicateHintService

# Occurrences are listed by branch code: C (01-00004) before A (01-00070) before B (01-00073).
A = branch_code("00070")  # Phường Hoàn Kiếm
B = branch_code("00073")  # Phường Cửa Nam
C = branch_code("00004")  # Phường Ba Đình
MARCH = date(2026, 3, 10)


def _fill(services: Services) -> None:
    with services.ctx.sessions.begin() as session:
        for commune, name in (("00070", "Hoàn Kiếm"), ("00073", "Cửa Nam"), ("00004", "Ba Đình")):
            register(session, commune, f"Hội Chữ thập đỏ phường {name}")
        session.add_all(
            [
                # The same name, folded ("Nguyễn Văn  An" = "NGUYEN VAN AN"): a year and a date.
                relief(A, MARCH, "regular", person_id="a1", full_name="Nguyễn Văn An", birth_year=1960),
                member(B, "b1", "NGUYỄN VĂN  AN", "member", date(2010, 1, 1), birth_date=date(1960, 5, 2)),
                relief(
                    C,
                    MARCH,
                    "regular",
                    person_id="c1",
                    full_name="Nguyễn Văn An",
                    birth_year=1960,
                    deleted=True,
                ),
                # Twice in one commune only: the commune's own business, no hint.
                relief(A, MARCH, "regular", person_id="a7", full_name="Trần Thị Bình", birth_year=1975),
                member(A, "a8", "Trần Thị Bình", "member", date(2015, 1, 1), birth_date=date(1975, 1, 1)),
                # Two different full dates are two people; a year-only row may be either.
                member(A, "a3", "Lê Văn Cường", "member", date(2015, 1, 1), birth_date=date(1980, 1, 1)),
                member(B, "b3", "Lê Văn Cường", "volunteer", date(2015, 1, 1), birth_date=date(1980, 2, 2)),
                relief(C, MARCH, "emergency", person_id="c3", full_name="Lê Văn Cường", birth_year=1980),
                # A name without any birth data is too weak to match.
                relief(B, MARCH, "regular", person_id="b4", full_name="Phạm Văn Dũng"),
                relief(C, MARCH, "regular", person_id="c4", full_name="Phạm Văn Dũng"),
                # The same full date: the strongest name match.
                member(A, "a5", "Hoàng Thị Em", "member", date(2020, 1, 1), birth_date=date(1990, 7, 7)),
                member(C, "c5", "Hoàng Thị Em", "member", date(2026, 4, 10), birth_date=date(1990, 7, 7)),
                # The CCCD HMAC decides over the name: same HMAC, different spelling → one person;
                # same name, different HMACs → two people.
                relief(
                    A,
                    MARCH,
                    "regular",
                    person_id="a6",
                    full_name="Đỗ Văn Phúc",
                    birth_year=1970,
                    cccd_hmac="h1",
                ),
                relief(
                    B,
                    MARCH,
                    "regular",
                    person_id="b6",
                    full_name="Đỗ Văn Phú",
                    birth_year=1971,
                    cccd_hmac="h1",
                ),
                relief(
                    A,
                    MARCH,
                    "regular",
                    person_id="a9",
                    full_name="Vũ Văn Giang",
                    birth_year=1965,
                    cccd_hmac="h2",
                ),
                relief(
                    B,
                    MARCH,
                    "regular",
                    person_id="b9",
                    full_name="Vũ Văn Giang",
                    birth_year=1965,
                    cccd_hmac="h3",
                ),
                # February and March.
                relief(
                    C, date(2026, 2, 3), "regular", person_id="c8", full_name="Ngô Thị Hoa", birth_year=1985
                ),
                relief(B, MARCH, "regular", person_id="b8", full_name="Ngô Thị Hoa", birth_year=1985),
                relief(
                    B, date(2026, 3, 20), "health", person_id="b8", full_name="Ngô Thị Hoa", birth_year=1985
                ),
            ]
        )


def _summary(hints: list[DuplicateHint]) -> list[tuple[str, str, str, tuple[str, ...], tuple[str, ...]]]:
    return [
        (h.basis, h.full_name, h.birth, h.branch_codes, tuple(o.person_id for o in h.occurrences))
        for h in hints
    ]


def test_hints_across_communes_only(province_db: Services) -> None:
    _fill(province_db)
    hints = DuplicateHintService(province_db.ctx).hints()
    assert _summary(hints) == [
        ("cccd_hmac", "Đỗ Văn Phúc", "1970", (A, B), ("a6", "b6")),
        ("name_birth_date", "Hoàng Thị Em", "1990-07-07", (C, A), ("c5", "a5")),
        ("name_birth_year", "Lê Văn Cường", "1980-01-01", (C, A), ("c3", "a3")),
        ("name_birth_year", "Lê Văn Cường", "1980-02-02", (C, B), ("c3", "b3")),
        ("name_birth_year", "Ngô Thị Hoa", "1985", (C, B), ("c8", "b8")),
        ("name_birth_year", "Nguyễn Văn An", "1960-05-02", (A, B), ("a1", "b1")),
    ]
    an = hints[-1]
    a_row, b_row = an.occurrences
    assert (a_row.commune_name, a_row.sheets, a_row.periods, a_row.birth) == (
        "Phường Hoàn Kiếm",
        ("relief",),
        ("2026-03",),
        "1960",
    )
    assert (b_row.commune_name, b_row.sheets, b_row.full_name, b_row.birth) == (
        "Phường Cửa Nam",
        ("members",),
        "NGUYỄN VĂN  AN",
        "1960-05-02",
    )
    hoa = hints[4]
    assert len(hoa.occurrences[1].record_ids) == 2  # b8's two relief rows, one person
    data = json.loads(json.dumps([h.as_dict() for h in hints]))
    assert data[-1]["occurrences"][1]["sheets"] == ["members"] and data[0]["basis"] == "cccd_hmac"


def test_period_limits_to_the_month_and_running_memberships(province_db: Services) -> None:
    _fill(province_db)
    hints = DuplicateHintService(province_db.ctx).hints("2026-03")
    # Ngô Thị Hoa's C row is February's; Hoàng Thị Em's C membership starts in April.
    assert [(h.full_name, h.branch_codes) for h in hints] == [
        ("Đỗ Văn Phúc", (A, B)),
        ("Lê Văn Cường", (C, A)),
        ("Lê Văn Cường", (C, B)),
        ("Nguyễn Văn An", (A, B)),
    ]
    assert DuplicateHintService(province_db.ctx).hints("2025-01") == []


def test_hints_change_nothing(province_db: Services) -> None:
    _fill(province_db)

    def snapshot() -> list[tuple[str, str, int, str]]:
        with province_db.ctx.sessions() as session:
            return [
                (r[0], r[1], r[2], r[3])
                for r in session.execute(
                    select(
                        ProvinceRecord.origin_branch,
                        ProvinceRecord.record_id,
                        ProvinceRecord.version,
                        ProvinceRecord.data,
                    ).order_by(ProvinceRecord.record_id)
                )
            ]

    before = snapshot()
    DuplicateHintService(province_db.ctx).hints()
    assert snapshot() == before
    with province_db.ctx.sessions() as session:
        assert session.scalar(select(func.count()).select_from(ProvinceRecord)) == len(before) == 19
