# SPDX-License-Identifier: MIT
"""People queries: accent-insensitive search and keyset pages. Dialect-specific SQL lives here.
Repositories take a Session and never commit. Qt-free."""

from __future__ import annotations

import re
from array import array
from collections.abc import Iterable
from dataclasses import dataclass
from typing import cast

from sqlalchemy import and_, literal, or_, select, text, tuple_
from sqlalchemy.orm import Session

from ...core.vn import fold
from ..models import Person

_TOKEN = re.compile(r"[0-9a-z]+")


def search_terms(query: str) -> list[str]:
    """The folded words of a query; punctuation is dropped (it cannot reach FTS5 syntax)."""
    return _TOKEN.findall(fold(query))


def search_ids(session: Session, query: str, *, limit: int = 200) -> list[int]:
    """Ids of live people whose folded name, phone or CCCD has a word starting with each term."""
    terms = search_terms(query)
    if not terms:
        return []
    if session.get_bind().dialect.name == "sqlite":
        match = " AND ".join(f'"{t}"*' for t in terms)
        rows = session.execute(
            text(
                "SELECT p.id FROM people_fts JOIN people p ON p.id = people_fts.rowid "
                "WHERE people_fts MATCH :match AND p.deleted = 0 LIMIT :limit"
            ),
            {"match": match, "limit": limit},
        )
        return [int(r[0]) for r in rows]
    padded = literal(" ") + Person.search_key
    conditions = [padded.like(f"% {t}%") for t in terms]
    stmt = select(Person.id).where(and_(*conditions), Person.deleted.is_(False)).limit(limit)
    return list(session.scalars(stmt))


@dataclass(frozen=True)
class IdPage:
    ids: list[int]
    cursor: tuple[str, int] | None
    last: bool


def page_ids(session: Session, *, after: tuple[str, int] | None, limit: int) -> IdPage:
    """Keyset page in Vietnamese name order: row 1,000,000 costs what row 10 does."""
    stmt = select(Person.sort_key, Person.id).where(Person.deleted.is_(False))
    if after is not None:
        stmt = stmt.where(
            or_(Person.sort_key > after[0], and_(Person.sort_key == after[0], Person.id > after[1]))
            if session.get_bind().dialect.name != "sqlite"
            else tuple_(Person.sort_key, Person.id) > tuple_(literal(after[0]), literal(after[1]))
        )
    rows = session.execute(stmt.order_by(Person.sort_key, Person.id).limit(limit + 1)).all()
    last = len(rows) <= limit
    rows = rows[:limit]
    cursor = (rows[-1][0], rows[-1][1]) if rows else after
    return IdPage([r[1] for r in rows], cursor, last)


def all_ids(session: Session) -> array[int]:
    """Every live person's id in Vietnamese name order, as one packed array (8 bytes an id).

    On SQLite this is one scan of the covering index people(sort_key, id, deleted) through a raw
    DB-API cursor on a connection of its own: no ORM rows or SQLAlchemy `Row` objects (a million of
    them cost seconds), and outside the session's BEGIN IMMEDIATE, so a quarter-second read never
    holds the write lock."""
    bind = session.get_bind()
    if bind.dialect.name != "sqlite":
        stmt = select(Person.id).where(Person.deleted.is_(False)).order_by(Person.sort_key, Person.id)
        return array("q", session.scalars(stmt))
    raw = bind.engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("SELECT id FROM people WHERE deleted = 0 ORDER BY sort_key, id")
        rows = cast(Iterable[tuple[int]], cursor)  # sqlite3 cursors iterate; the DB-API stub omits it
        return array("q", (row_id for (row_id,) in rows))
    finally:
        raw.close()  # back to the pool


def page_ids_before(session: Session, *, before: tuple[str, int] | None, limit: int) -> IdPage:
    """The keyset page just before `before` (None: the last page), in name order; `cursor` is its
    first row's key and `last` says nothing comes before it. Jumping to the end of a million names
    costs one page, read backwards along the same index."""
    stmt = select(Person.sort_key, Person.id).where(Person.deleted.is_(False))
    if before is not None:
        stmt = stmt.where(
            or_(Person.sort_key < before[0], and_(Person.sort_key == before[0], Person.id < before[1]))
            if session.get_bind().dialect.name != "sqlite"
            else tuple_(Person.sort_key, Person.id) < tuple_(literal(before[0]), literal(before[1]))
        )
    rows = session.execute(stmt.order_by(Person.sort_key.desc(), Person.id.desc()).limit(limit + 1)).all()
    first = len(rows) <= limit
    rows = rows[:limit][::-1]
    cursor = (rows[0][0], rows[0][1]) if rows else before
    return IdPage([r[1] for r in rows], cursor, first)
