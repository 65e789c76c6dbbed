# SPDX-License-Identifier: MIT
"""Gapless document numbers (receipts `BN`, certificates `CN`, `HM`, `TN`…), per series and year.

The number comes from the `number_series` counter row, incremented inside the caller's
transaction: a rollback gives the number back, a commit uses it for good, and a voided document
keeps its number, so the next one is always the last plus one. Qt-free.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..db.models import NumberSeries


def next_number(session: Session, series: str, year: int) -> int:
    """The next number of `series` in `year` (1 for the first), reserved in the caller's transaction.

    On SQLite the writer transaction is `BEGIN IMMEDIATE`, so no other writer can read the counter
    between our read and our write; on PostgreSQL `FOR UPDATE` locks the row (and the primary key
    turns a concurrent first-of-the-year insert into an error instead of a duplicate number).
    """
    counter = session.scalar(
        select(NumberSeries).where(NumberSeries.series == series, NumberSeries.year == year).with_for_update()
    )
    if counter is None:
        counter = NumberSeries(series=series, year=year, last_number=0)
        session.add(counter)
    counter.last_number = (counter.last_number or 0) + 1
    session.flush()
    return counter.last_number
