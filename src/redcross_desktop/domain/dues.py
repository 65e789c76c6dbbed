# SPDX-License-Identifier: MIT
"""Membership and dues rules (domain.md §2.8): months covered by a payment, the amount expected,
the 10 % exemption cap, the 50/30/20 split, the volunteer age and "active on a day".

Months are "YYYY-MM" text, the form stored in `DuesPayment.first_month`. Qt-free.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, timedelta

from ..core.errors import ValidationError
from ..core.i18n import _

VOLUNTEER_MIN_AGE = 18

_MONTH_RE = re.compile(r"(\d{4})-(\d{2})")


def parse_month(text: str) -> tuple[int, int]:
    """ "2026-03" -> (2026, 3); anything else is refused with a message the officer can act on."""
    match = _MONTH_RE.fullmatch(text.strip())
    if match is None or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < 1900:
        raise ValidationError(
            _("Tháng không hợp lệ: '{text}'. Hãy nhập theo dạng năm-tháng, ví dụ 2026-03.").format(text=text),
            fields={"first_month": _("Tháng không hợp lệ.")},
        )
    return int(match.group(1)), int(match.group(2))


def month_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def format_month(month: str) -> str:
    """ "2026-03" -> "03/2026", the way months are written on Vietnamese forms."""
    year, number = parse_month(month)
    return f"{number:02d}/{year:04d}"


def _shift(month: str, offset: int) -> str:
    year, number = parse_month(month)
    index = year * 12 + (number - 1) + offset
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def months_covered(first_month: str, months: int) -> list[str]:
    """The `months` consecutive months starting at `first_month`, across year ends."""
    if months < 1:
        raise ValidationError(
            _("Số tháng đóng phải từ 1 trở lên."), fields={"months": _("Số tháng phải từ 1 trở lên.")}
        )
    return [_shift(first_month, i) for i in range(months)]


def months_between(first: str, last: str) -> list[str]:
    """Every month from `first` to `last` inclusive; empty when `last` is before `first`."""
    y1, m1 = parse_month(first)
    y2, m2 = parse_month(last)
    count = (y2 * 12 + m2) - (y1 * 12 + m1) + 1
    return months_covered(first, count) if count > 0 else []


def expected_dues(rate: int, months: int) -> int:
    """Whole VND: the monthly rate times the number of months."""
    return rate * months


def exemption_cap_exceeded(exempt_count: int, active_count: int, cap_percent: int) -> bool:
    """True when exempt members are more than `cap_percent` % of active members.

    Compared in integers (exempt × 100 > cap × active), so exactly 10 % (1 of 10) is within the
    cap and 2 of 10 or 1 of 9 is over it; no rounding decides a borderline case.
    """
    return exempt_count * 100 > cap_percent * active_count


def split_dues(amount: int, split_percent: Mapping[str, int]) -> dict[str, int]:
    """Shares of `amount` by percentage (chi hội 50, commune 30, province 20 by default).

    Each share is rounded down and the rounding remainder goes to the "commune" share (the
    grassroots branch keeps the money), so the shares always add up to `amount` exactly.
    """
    if sum(split_percent.values()) != 100 or any(p < 0 for p in split_percent.values()):
        raise ValidationError(_("Tỷ lệ phân chia hội phí phải cộng lại đúng 100 %. Hãy sửa trong Cài đặt."))
    if "commune" not in split_percent:
        raise ValidationError(
            _("Tỷ lệ phân chia hội phí thiếu phần của cơ sở Hội (commune). Hãy sửa trong Cài đặt.")
        )
    shares = {key: amount * percent // 100 for key, percent in split_percent.items()}
    shares["commune"] += amount - sum(shares.values())
    return shares


def age_on(birth_date: date, day: date) -> int:
    """Completed years on `day`; someone born on 29/02 turns a year older on 01/03 in common years."""
    years = day.year - birth_date.year
    if (day.month, day.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years


def old_enough(
    birth_date: date | None, birth_year: int | None, day: date, min_age: int = VOLUNTEER_MIN_AGE
) -> bool:
    """Whether the person is at least `min_age` on `day`.

    Unknown birth data passes (the rule can only be checked when it is known). With the year
    only, the person passes from 1 January of the year they turn `min_age`: refusing someone who
    may well be of age would block a legitimate entry, and the year-only flag already marks the
    record for checking.
    """
    if birth_date is not None:
        return age_on(birth_date, day) >= min_age
    if birth_year is not None:
        return day.year - birth_year >= min_age
    return True


def active_on(joined_on: date, left_on: date | None, day: date) -> bool:
    """A member counts from the join date and no longer counts from the day they leave."""
    return joined_on <= day and (left_on is None or day < left_on)


def due_months(joined_on: date, left_on: date | None, up_to_month: str) -> list[str]:
    """Months a member owes dues for: the join month to `up_to_month`, ending with the month of
    the last day of membership when they have left."""
    last = up_to_month
    if left_on is not None:
        last_day = month_of(left_on - timedelta(days=1))
        last = min(last, last_day)
    return months_between(month_of(joined_on), last)
