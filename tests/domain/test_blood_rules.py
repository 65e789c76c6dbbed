# SPDX-License-Identifier: MIT
"""Blood donation rules (domain.md §2.7, TT 26/2013): intervals, age, volume, honours, units."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from redcross_desktop.domain.blood import (
    DEFAULT_INTERVAL_DAYS,
    age_on,
    check_donor,
    check_volume,
    drive_total_ml,
    highest_level,
    honours_reached,
    next_eligible_date,
    units,
)

INTERVALS = {"whole": 84, "red_cells": 84, "platelets": 14, "plasma": 14}


@dataclass(frozen=True)
class Level:
    count: int
    award: str


LADDER = [Level(20, "Bằng khen UBND"), Level(10, "Cúp bạc"), Level(15, "Cúp vàng")]


def test_whole_blood_waits_twelve_weeks() -> None:
    assert next_eligible_date("whole", date(2026, 1, 5), INTERVALS) == date(2026, 3, 30)
    assert next_eligible_date("whole", date(2026, 1, 5), INTERVALS) - date(2026, 1, 5) == timedelta(weeks=12)


def test_red_cells_wait_like_whole_blood() -> None:
    assert next_eligible_date("red_cells", date(2026, 1, 5), INTERVALS) == date(2026, 3, 30)


def test_plasma_and_platelets_wait_two_weeks() -> None:
    assert next_eligible_date("plasma", date(2026, 1, 5), INTERVALS) == date(2026, 1, 19)
    assert next_eligible_date("platelets", date(2026, 12, 25), INTERVALS) == date(2027, 1, 8)


def test_intervals_come_from_settings() -> None:
    assert next_eligible_date("whole", date(2026, 1, 1), {"whole": 90}) == date(2026, 4, 1)


def test_unknown_type_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        next_eligible_date("bone_marrow", date(2026, 1, 1), INTERVALS)


def test_default_intervals_match_tt26() -> None:
    assert dict(DEFAULT_INTERVAL_DAYS) == INTERVALS


def test_age_counts_completed_years() -> None:
    assert age_on(date(2008, 3, 10), date(2026, 3, 9)) == 17
    assert age_on(date(2008, 3, 10), date(2026, 3, 10)) == 18
    assert age_on(date(2004, 2, 29), date(2026, 2, 28)) == 21
    assert age_on(date(2004, 2, 29), date(2026, 3, 1)) == 22


def test_donor_age_limits() -> None:
    on = date(2026, 6, 1)
    assert check_donor(on, birth_date=date(2008, 6, 1)) == []
    assert len(check_donor(on, birth_date=date(2008, 6, 2))) == 1  # 17 years
    assert "18" in check_donor(on, birth_date=date(2008, 6, 2))[0]
    assert check_donor(on, birth_date=date(1966, 6, 2)) == []  # 59 → still 59 until the birthday
    assert check_donor(on, birth_date=date(1965, 6, 2)) == []  # 60
    assert len(check_donor(on, birth_date=date(1965, 6, 1))) == 1  # 61 today
    assert "60" in check_donor(on, birth_date=date(1965, 6, 1))[0]


def test_year_only_uses_the_year() -> None:
    on = date(2026, 1, 2)
    assert check_donor(on, birth_year=2008) == []  # 2026 − 2008 = 18
    assert len(check_donor(on, birth_year=2009)) == 1
    assert len(check_donor(on, birth_year=1965)) == 1  # 61
    assert check_donor(on, birth_year=1966) == []


def test_unknown_birth_is_not_a_problem() -> None:
    assert check_donor(date(2026, 1, 1)) == []


def test_age_limits_are_configurable() -> None:
    assert len(check_donor(date(2026, 1, 1), birth_year=1961, max_age=65)) == 0
    assert len(check_donor(date(2026, 1, 1), birth_year=2009, min_age=17)) == 0


def test_volume_limits() -> None:
    assert check_volume("whole", 500) == []
    assert len(check_volume("whole", 501)) == 1
    assert len(check_volume("whole", 0)) == 1
    assert len(check_volume("plasma", -1)) == 1
    assert check_volume("plasma", 600) == []


def test_honours_reached_when_a_threshold_is_crossed() -> None:
    assert honours_reached(9, 10, LADDER) == [Level(10, "Cúp bạc")]
    assert honours_reached(10, 11, LADDER) == []
    assert honours_reached(8, 9, LADDER) == []
    assert honours_reached(14, 15, LADDER) == [Level(15, "Cúp vàng")]
    # An opening balance entered at once can cross several levels, lowest first.
    assert honours_reached(0, 20, LADDER) == [
        Level(10, "Cúp bạc"),
        Level(15, "Cúp vàng"),
        Level(20, "Bằng khen UBND"),
    ]


def test_highest_level() -> None:
    assert highest_level(9, LADDER) is None
    assert highest_level(16, LADDER) == Level(15, "Cúp vàng")
    assert highest_level(40, LADDER) == Level(20, "Bằng khen UBND")


def test_units_default_one_per_donation() -> None:
    assert units(250) == 1.0
    assert units(450) == 1.0
    assert units(0) == 0.0


def test_units_with_a_province_conversion() -> None:
    assert units(350, 350) == 1.0
    assert units(250, 350) == 0.71
    assert units(450, 350) == 1.29


def test_drive_total_ml() -> None:
    assert drive_total_ml(2, 3, 4) == 2 * 250 + 3 * 350 + 4 * 450
