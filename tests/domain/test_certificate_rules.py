# SPDX-License-Identifier: MIT
"""Pure certificate rules: serials, honour levels reached in a period, titles, gift wording, hours."""

from __future__ import annotations

from datetime import date

from redcross_desktop.domain import certificates as rules

LADDER = [10, 15, 20]


def test_serials_are_six_digits_and_parse_back() -> None:
    assert rules.serial_text("CN", 2026, 123) == "CN-2026-000123"
    assert rules.serial_text("HM", 2026, 1_234_567) == "HM-2026-1234567"
    assert rules.parse_serial(" cn-2026-000123 ") == ("CN", 2026, 123)
    assert rules.parse_serial("CN-26-1") is None


def test_highest_level_without_a_period() -> None:
    dates = [date(2026, m, 1) for m in range(1, 4)]
    assert rules.honour_reached(dates, 8, LADDER) == 10
    assert rules.honour_reached(dates, 6, LADDER) is None
    assert rules.honour_reached(dates, 13, LADDER) == 15


def test_level_reached_in_a_period_is_the_date_of_the_nth_donation() -> None:
    dates = [date(2025, 11, 1), date(2026, 2, 1), date(2026, 5, 1)]  # 8 prior: 9th, 10th, 11th
    assert rules.honour_reached(dates, 8, LADDER, date(2026, 1, 1), date(2026, 12, 31)) == 10
    assert rules.honour_reached(dates, 8, LADDER, date(2026, 3, 1), date(2026, 12, 31)) is None
    assert rules.honour_reached(dates, 8, LADDER, date(2026, 2, 1), date(2026, 2, 1)) == 10  # inclusive
    # Unsorted input and a level passed by the prior count alone (no date, never "in" a period).
    assert rules.honour_reached(list(reversed(dates)), 12, LADDER, date(2025, 1, 1), date(2026, 12, 31)) == 15
    assert rules.honour_reached([], 12, LADDER, date(2025, 1, 1), date(2026, 12, 31)) is None


def test_titles_gifts_and_hours() -> None:
    assert [rules.recipient_title(s, False) for s in ("M", "F", None)] == ["Ông", "Bà", "Ông/Bà"]
    assert rules.recipient_title("M", True) == "Đơn vị"
    assert [rules.gift_kind(1, 0), rules.gift_kind(0, 1), rules.gift_kind(1, 1)] == [
        "cash",
        "in_kind",
        "mixed",
    ]
    assert [rules.whole_hours(m) for m in (59, 60, 165, -5)] == [0, 1, 2, 0]
