# SPDX-License-Identifier: MIT
"""Donation intervals across a donor's history (TT 26/2013 Art. 6), as checked for bulk imports."""

from __future__ import annotations

from datetime import date, timedelta

from redcross_desktop.domain.blood_sequence import BloodEvent, IntervalConflict, interval_conflicts

DAYS = {"whole": 84, "red_cells": 84, "platelets": 14, "plasma": 14}
START = date(2026, 1, 5)


def test_twelve_weeks_after_whole_blood_is_the_first_allowed_day() -> None:
    events = [
        BloodEvent("old", START, "whole", False),
        BloodEvent("new", START + timedelta(weeks=12), "whole", True),
    ]
    assert interval_conflicts(events, DAYS) == []
    early = [
        BloodEvent("old", START, "whole", False),
        BloodEvent("new", START + timedelta(days=83), "whole", True),
    ]
    assert interval_conflicts(early, DAYS) == [
        IntervalConflict("new", START, "whole", False, START + timedelta(weeks=12))
    ]


def test_the_last_donations_type_decides() -> None:
    # Plasma 2 weeks after plasma is fine; whole blood 4 weeks after whole blood is not.
    plasma = [BloodEvent(1, START, "plasma", True), BloodEvent(2, START + timedelta(weeks=2), "plasma", True)]
    assert interval_conflicts(plasma, DAYS) == []
    # Whole blood then plasma 4 weeks later: the plasma is too soon (the whole blood's 12 weeks).
    mixed = [BloodEvent(1, START, "whole", True), BloodEvent(2, START + timedelta(weeks=4), "plasma", True)]
    assert [c.key for c in interval_conflicts(mixed, DAYS)] == [2]


def test_a_new_row_before_a_stored_donation_is_blamed_not_the_stored_one() -> None:
    events = [
        BloodEvent("stored", START, "whole", False),
        BloodEvent("new", START - timedelta(weeks=4), "whole", True),
    ]
    assert interval_conflicts(events, DAYS) == [
        IntervalConflict("new", START, "whole", False, START - timedelta(weeks=4) + timedelta(weeks=12))
    ]


def test_stored_history_alone_is_never_reported_and_order_of_input_does_not_matter() -> None:
    stored = [BloodEvent(i, START + timedelta(days=10 * i), "whole", False) for i in range(3)]
    assert interval_conflicts(stored, DAYS) == []
    events = [
        BloodEvent("c", START + timedelta(weeks=30), "whole", True),
        BloodEvent("a", START, "whole", True),
        BloodEvent("b", START + timedelta(weeks=13), "whole", True),
    ]
    assert interval_conflicts(events, DAYS) == []
    events.append(BloodEvent("d", START + timedelta(weeks=31), "platelets", True))
    assert [c.key for c in interval_conflicts(events, DAYS)] == ["d"]


def test_an_unconfigured_type_waits_twelve_weeks() -> None:
    events = [
        BloodEvent(1, START, "unknown", True),
        BloodEvent(2, START + timedelta(weeks=11), "whole", True),
    ]
    assert [c.key for c in interval_conflicts(events, {})] == [2]
