# SPDX-License-Identifier: MIT
"""Donation intervals across a donor's whole history (Thông tư 26/2013 Art. 6), for checking many
donations at once: a bulk import adds rows that may fall between donations already recorded.

Each pair of consecutive donations must be at least the interval of the earlier one's type apart
(the last donation's type decides). A pair is checked only when one side is new, and the new side is
the one blamed, so a history already recorded is never reported. Qt-free.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

# TT 26/2013: 12 weeks after whole blood or red cells, 2 weeks after plasma or platelets.
DEFAULT_INTERVAL_DAYS = 84


@dataclass(frozen=True)
class BloodEvent:
    key: Hashable  # the caller's handle (an Excel row, a record id)
    day: date
    kind: str
    new: bool  # being added now (False: already recorded)


@dataclass(frozen=True)
class IntervalConflict:
    key: Hashable  # the new event that is too close
    other_day: date  # the donation it is too close to
    other_kind: str
    other_new: bool
    earliest: date  # when the later of the two could have been given at the soonest


def interval_conflicts(
    events: Iterable[BloodEvent], interval_days: Mapping[str, int]
) -> list[IntervalConflict]:
    """Conflicts between consecutive donations of ONE donor, in date order (ties keep input order)."""
    ordered = sorted(events, key=lambda e: e.day)
    conflicts: list[IntervalConflict] = []
    for earlier, later in zip(ordered, ordered[1:], strict=False):
        if not (earlier.new or later.new):
            continue
        earliest = earlier.day + timedelta(days=int(interval_days.get(earlier.kind, DEFAULT_INTERVAL_DAYS)))
        if later.day >= earliest:
            continue
        if later.new:
            conflicts.append(IntervalConflict(later.key, earlier.day, earlier.kind, earlier.new, earliest))
        else:
            conflicts.append(IntervalConflict(earlier.key, later.day, later.kind, later.new, earliest))
    return conflicts
