# SPDX-License-Identifier: MIT
"""Decree 93 time limits: warnings at 90 days of receiving and 20 days of distribution."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from redcross_desktop.domain.campaign_rules import (
    decree93_plan_warnings,
    decree93_warnings,
    distribution_limit,
    receiving_limit,
)


@dataclass(frozen=True)
class C:
    start_date: date
    end_date: date | None = None
    decree93: bool = True


FLOOD = C(date(2026, 1, 1))  # 90 days from 01/01/2026 (first day not counted) -> 01/04/2026


def test_receiving_limit_counts_90_days_after_the_start() -> None:
    assert receiving_limit(date(2026, 1, 1)) == date(2026, 4, 1)
    assert receiving_limit(date(2024, 1, 1)) == date(2024, 3, 31)  # leap year


def test_no_warning_on_the_last_receiving_day() -> None:
    assert decree93_warnings(FLOOD, date(2026, 4, 1), receiving=True) == []


def test_warning_the_day_after_the_receiving_limit() -> None:
    warnings = decree93_warnings(FLOOD, date(2026, 4, 2), receiving=True)
    assert len(warnings) == 1
    assert "90 ngày" in warnings[0] and "01/04/2026" in warnings[0]


def test_warning_when_receiving_before_the_start() -> None:
    warnings = decree93_warnings(FLOOD, date(2025, 12, 31), receiving=True)
    assert len(warnings) == 1 and "trước ngày bắt đầu" in warnings[0]


def test_warning_when_receiving_after_the_campaigns_own_end() -> None:
    campaign = C(date(2026, 1, 1), date(2026, 2, 15))
    assert decree93_warnings(campaign, date(2026, 2, 15), receiving=True) == []
    warnings = decree93_warnings(campaign, date(2026, 2, 16), receiving=True)
    assert len(warnings) == 1 and "15/02/2026" in warnings[0]


def test_distribution_limit_is_20_days_after_receiving_ends() -> None:
    campaign = C(date(2026, 1, 1), date(2026, 2, 15))
    assert distribution_limit(campaign) == date(2026, 3, 7)
    assert decree93_warnings(campaign, date(2026, 3, 7), receiving=False) == []
    warnings = decree93_warnings(campaign, date(2026, 3, 8), receiving=False)
    assert len(warnings) == 1
    assert "20 ngày" in warnings[0] and "07/03/2026" in warnings[0]


def test_distribution_without_end_date_counts_from_the_legal_receiving_limit() -> None:
    assert distribution_limit(FLOOD) == date(2026, 4, 21)
    assert decree93_warnings(FLOOD, date(2026, 4, 21), receiving=False) == []
    assert len(decree93_warnings(FLOOD, date(2026, 4, 22), receiving=False)) == 1


def test_distribution_never_counts_from_beyond_the_legal_limit() -> None:
    assert distribution_limit(C(date(2026, 1, 1), date(2026, 6, 30))) == date(2026, 4, 21)


def test_campaigns_outside_decree_93_never_warn() -> None:
    regular = C(date(2026, 1, 1), date(2026, 12, 31), decree93=False)
    assert decree93_warnings(regular, date(2026, 12, 31), receiving=True) == []
    assert decree93_warnings(regular, date(2027, 6, 1), receiving=False) == []
    assert decree93_plan_warnings(regular) == []


def test_plan_warning_when_the_end_date_is_beyond_90_days() -> None:
    assert decree93_plan_warnings(C(date(2026, 1, 1), date(2026, 4, 1))) == []
    assert decree93_plan_warnings(FLOOD) == []
    warnings = decree93_plan_warnings(C(date(2026, 1, 1), date(2026, 4, 2)))
    assert len(warnings) == 1 and "01/04/2026" in warnings[0] and "02/04/2026" in warnings[0]
