# SPDX-License-Identifier: MIT
"""Pure dues and membership rules (domain.md §2.8). Qt-free."""

from __future__ import annotations

from datetime import date

import pytest

from redcross_desktop.core.errors import ValidationError
from redcross_desktop.domain import dues

SPLIT = {"chi_hoi": 50, "commune": 30, "province": 20}


def test_months_covered_crosses_the_year_end() -> None:
    assert dues.months_covered("2025-11", 4) == ["2025-11", "2025-12", "2026-01", "2026-02"]
    assert dues.months_covered("2026-03", 1) == ["2026-03"]


@pytest.mark.parametrize("bad", ["2026-13", "2026-00", "2026-3", "03/2026", "", "2026-03-01"])
def test_malformed_month_is_refused(bad: str) -> None:
    with pytest.raises(ValidationError) as err:
        dues.months_covered(bad, 1)
    assert err.value.code == "VALIDATION_FAILED"
    assert "first_month" in err.value.fields


def test_zero_months_is_refused() -> None:
    with pytest.raises(ValidationError) as err:
        dues.months_covered("2026-01", 0)
    assert "months" in err.value.fields


def test_months_between_and_format() -> None:
    assert dues.months_between("2025-12", "2026-02") == ["2025-12", "2026-01", "2026-02"]
    assert dues.months_between("2026-03", "2026-02") == []
    assert dues.format_month("2026-03") == "03/2026"
    assert dues.month_of(date(2026, 3, 31)) == "2026-03"


def test_expected_dues_is_rate_times_months() -> None:
    assert dues.expected_dues(1000, 12) == 12000
    assert dues.expected_dues(1000, 0) == 0


def test_exemption_cap_is_strictly_above_ten_percent() -> None:
    assert dues.exemption_cap_exceeded(1, 10, 10) is False  # exactly 10 % is allowed
    assert dues.exemption_cap_exceeded(2, 10, 10) is True
    assert dues.exemption_cap_exceeded(1, 9, 10) is True  # 11.1 %
    assert dues.exemption_cap_exceeded(0, 0, 10) is False
    assert dues.exemption_cap_exceeded(1, 0, 10) is True
    assert dues.exemption_cap_exceeded(10, 100, 10) is False
    assert dues.exemption_cap_exceeded(11, 100, 10) is True


def test_split_rounding_remainder_goes_to_the_commune_share() -> None:
    assert dues.split_dues(1001, SPLIT) == {"chi_hoi": 500, "commune": 301, "province": 200}
    assert dues.split_dues(1000, SPLIT) == {"chi_hoi": 500, "commune": 300, "province": 200}
    assert dues.split_dues(0, SPLIT) == {"chi_hoi": 0, "commune": 0, "province": 0}
    for amount in (1, 3, 7, 999, 12_345, 1_000_001):
        assert sum(dues.split_dues(amount, SPLIT).values()) == amount


def test_split_percentages_must_total_100() -> None:
    with pytest.raises(ValidationError):
        dues.split_dues(1000, {"chi_hoi": 50, "commune": 30, "province": 10})
    with pytest.raises(ValidationError):
        dues.split_dues(1000, {"chi_hoi": 50, "province": 50})


def test_age_on_counts_completed_years() -> None:
    assert dues.age_on(date(2008, 3, 15), date(2026, 3, 14)) == 17
    assert dues.age_on(date(2008, 3, 15), date(2026, 3, 15)) == 18
    assert dues.age_on(date(2008, 2, 29), date(2026, 2, 28)) == 17
    assert dues.age_on(date(2008, 2, 29), date(2026, 3, 1)) == 18


def test_volunteer_age_18() -> None:
    assert dues.old_enough(date(2008, 3, 15), None, date(2026, 3, 14)) is False
    assert dues.old_enough(date(2008, 3, 15), None, date(2026, 3, 15)) is True
    # Year only: of age from 1 January of the year the person turns 18.
    assert dues.old_enough(None, 2008, date(2025, 12, 31)) is False
    assert dues.old_enough(None, 2008, date(2026, 1, 1)) is True
    assert dues.old_enough(None, None, date(2026, 1, 1)) is True


def test_active_on_counts_from_join_until_the_leaving_day() -> None:
    joined, left = date(2026, 1, 10), date(2026, 3, 1)
    assert dues.active_on(joined, None, date(2026, 1, 9)) is False
    assert dues.active_on(joined, None, date(2026, 1, 10)) is True
    assert dues.active_on(joined, left, date(2026, 2, 28)) is True
    assert dues.active_on(joined, left, date(2026, 3, 1)) is False


def test_due_months_stop_at_the_last_day_of_membership() -> None:
    assert dues.due_months(date(2026, 1, 10), None, "2026-03") == ["2026-01", "2026-02", "2026-03"]
    assert dues.due_months(date(2026, 1, 10), date(2026, 3, 1), "2026-06") == ["2026-01", "2026-02"]
    assert dues.due_months(date(2026, 1, 10), date(2026, 3, 2), "2026-06") == [
        "2026-01",
        "2026-02",
        "2026-03",
    ]
    assert dues.due_months(date(2026, 5, 1), None, "2026-03") == []
