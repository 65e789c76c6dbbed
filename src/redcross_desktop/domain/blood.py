# SPDX-License-Identifier: MIT
"""Blood donation rules (domain.md §2.7, Thông tư 26/2013/TT-BYT): donation intervals, donor age,
volume limits, honour thresholds and units.

Pure functions on dates and numbers; the intervals, ages and ladder come from the branch settings,
so the province can change them without a code change. Qt-free.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import Protocol, TypeVar

from ..core.i18n import _

# TT 26/2013 values, used when a setting is missing (domain.md §8: changeable only by the province).
DEFAULT_INTERVAL_DAYS: Mapping[str, int] = {"whole": 84, "red_cells": 84, "platelets": 14, "plasma": 14}
DEFAULT_MIN_AGE = 18
DEFAULT_MAX_AGE = 60
MAX_WHOLE_BLOOD_ML = 500


class HasCount(Protocol):
    """A ladder level: only its donation count matters to the rules."""

    @property
    def count(self) -> int: ...


LevelT = TypeVar("LevelT", bound=HasCount)


def next_eligible_date(last_kind: str, last_date: date, intervals: Mapping[str, int]) -> date:
    """The first day a donor may give again. The LAST donation's type decides (TT 26/2013 Art. 6):
    whole blood then plasma waits only the plasma interval, counted from the plasma."""
    if last_kind not in intervals:
        raise ValueError(f"no interval configured for blood donation type {last_kind!r}")
    return last_date + timedelta(days=int(intervals[last_kind]))


def age_on(birth: date, on: date) -> int:
    """Completed years on `on` (a birthday counts on the day itself; 29/02 births turn on 01/03)."""
    years = on.year - birth.year
    if (on.month, on.day) < (birth.month, birth.day):
        years -= 1
    return years


def check_donor(
    on: date,
    *,
    birth_date: date | None = None,
    birth_year: int | None = None,
    min_age: int = DEFAULT_MIN_AGE,
    max_age: int = DEFAULT_MAX_AGE,
) -> list[str]:
    """Problems with the donor's age on `on`; empty when fine or unknown.

    With only the year of birth known the age is `on.year - birth_year`: the exact day cannot be
    checked, and refusing a donor on a guess would be worse than letting the facility screen them.
    """
    if birth_date is not None:
        age = age_on(birth_date, on)
    elif birth_year is not None:
        age = on.year - birth_year
    else:
        return []
    if age < min_age:
        return [_("Người hiến mới {age} tuổi; phải đủ {min} tuổi trở lên.").format(age=age, min=min_age)]
    if age > max_age:
        return [
            _("Người hiến đã {age} tuổi; chỉ nhận người hiến đến {max} tuổi.").format(age=age, max=max_age)
        ]
    return []


def check_volume(kind: str, ml: int) -> list[str]:
    """Problems with the volume given: it must be positive, and whole blood at most 500 ml."""
    if ml <= 0:
        return [_("Lượng máu hiến phải lớn hơn 0 ml.")]
    if kind == "whole" and ml > MAX_WHOLE_BLOOD_ML:
        return [_("Hiến máu toàn phần tối đa {max} ml mỗi lần.").format(max=MAX_WHOLE_BLOOD_ML)]
    return []


def honours_reached(count_before: int, count_after: int, ladder: Iterable[LevelT]) -> list[LevelT]:
    """Levels whose threshold this donation crosses (before < threshold ≤ after), lowest first."""
    return sorted(
        (level for level in ladder if count_before < level.count <= count_after), key=lambda lv: lv.count
    )


def highest_level(count: int, ladder: Iterable[LevelT]) -> LevelT | None:
    """The highest level a donor with `count` donations has reached, or None."""
    reached = [level for level in ladder if level.count <= count]
    return max(reached, key=lambda lv: lv.count) if reached else None


def units(ml: int, ml_per_unit: int | None = None) -> float:
    """Units for a donation: 1 per successful donation (default, domain.md §8), or `ml / ml_per_unit`
    rounded to two decimals when the province sets a conversion (some reports count 350 ml units)."""
    if ml <= 0:
        return 0.0
    if not ml_per_unit:
        return 1.0
    return round(ml / ml_per_unit, 2)


def drive_total_ml(units_250: int, units_350: int, units_450: int) -> int:
    return 250 * units_250 + 350 * units_350 + 450 * units_450
