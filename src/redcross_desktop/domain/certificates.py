# SPDX-License-Identifier: MIT
"""Pure rules for certificates (domain.md §4): serial numbers, who is honoured in a period, how a
recipient is addressed, which wording a gift takes. No database, no I/O. Qt-free."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

_SERIAL_RE = re.compile(r"^([A-Z]{2,4})-(\d{4})-(\d{6,})$")


def serial_text(series: str, year: int, number: int) -> str:
    """CN-2026-000123: series, year of issue, six-digit gapless number."""
    return f"{series}-{year:04d}-{number:06d}"


def parse_serial(text: str) -> tuple[str, int, int] | None:
    """(series, year, number) of a serial typed in any case with stray spaces, else None."""
    match = _SERIAL_RE.match("".join(text.split()).upper())
    if match is None:
        return None
    return match.group(1), int(match.group(2)), int(match.group(3))


def recipient_title(sex: str | None, is_organisation: bool) -> str:
    """How the name line addresses the recipient: Ông, Bà, Ông/Bà when the sex is unknown, Đơn vị."""
    if is_organisation:
        return "Đơn vị"
    return {"M": "Ông", "F": "Bà"}.get(sex or "", "Ông/Bà")


def gift_kind(cash_vnd: int, in_kind_vnd: int) -> str:
    """cash, in_kind or mixed: picks the template phrase ("số tiền", "hiện vật trị giá"…)."""
    if cash_vnd and in_kind_vnd:
        return "mixed"
    return "in_kind" if in_kind_vnd else "cash"


def whole_hours(minutes: int) -> int:
    """Hours printed on a commendation: whole hours, never rounded up past what was logged."""
    return max(minutes, 0) // 60


def honour_reached(
    donation_dates: Sequence[date],
    prior: int,
    ladder: Sequence[int],
    date_from: date | None = None,
    date_to: date | None = None,
) -> int | None:
    """The highest ladder count reached, or with a period, reached within it (inclusive).

    `prior` evidenced donations from before the app count first, so the level `n` is reached on
    the (n - prior)-th recorded donation; a level already passed by the prior count alone has no
    date and is never "reached in" a period.
    """
    dates = sorted(donation_dates)
    total = prior + len(dates)
    best: int | None = None
    for count in sorted(ladder):
        if count > total:
            break
        if date_from is None and date_to is None:
            best = count
            continue
        index = count - prior
        if index <= 0:
            continue
        reached_on = dates[index - 1]
        if (date_from is None or reached_on >= date_from) and (date_to is None or reached_on <= date_to):
            best = count
    return best
