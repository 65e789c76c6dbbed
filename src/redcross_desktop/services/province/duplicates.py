# SPDX-License-Identifier: MIT
"""Cross-commune duplicate hints (issue 5, item 6; domain.md §6): the same person appearing in
the records of several communes — supported by two communes, a member in two — listed for an
officer to review. Nothing is ever merged or changed: each commune owns its records.

**Who is a person.** Within one commune, a person is its record id (`person_id` of the relief and
members rows). Across communes, people match by:

1. the CCCD HMAC (`cccd_hmac`, computed at the commune under the province's pseudonymisation
   key) when both rows carry one — exact; schema 2026.1 carries no such column, so this applies
   once a schema adds it (read from the stored row, whichever schema it came with);
2. otherwise the folded name (`core.vn.fold`: no tones, đ→d, case and spaces folded) and the
   birth date, or the birth year when a row has only the year (relief rows carry the year only,
   domain.md §6). Two rows with different full dates, or different HMACs, are different people.
   A row without a name or a birth year is not matched: a name alone is too weak.

Blood rows carry no names and donations no birth data, so they take no part. Hints are only
across communes: the same name twice in one commune is that commune's own business.

**Period.** With a period, only relief rows of that month and memberships running during it are
considered; without, every live row. Read through `json_text` (the dialect switch), one query per
sheet. Qt-free.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from ...core.vn import fold
from ...db.models import ProvinceRecord
from ...db.repositories.province import json_document, json_text
from ..context import ServiceContext
from ..reports import parse_period
from .consolidation import commune_columns, province_branch

__all__ = ["CCCD_HMAC_KEY", "DuplicateHint", "DuplicateHintService", "PersonOccurrence"]

CCCD_HMAC_KEY = "cccd_hmac"
BASIS_CCCD = "cccd_hmac"
BASIS_DATE = "name_birth_date"
BASIS_YEAR = "name_birth_year"


@dataclass(frozen=True)
class PersonOccurrence:
    """One person as one commune records them (their relief and membership rows together)."""

    branch_code: str
    commune_name: str
    person_id: str
    full_name: str
    birth: str  # "1960-05-02", or "1960" when only the year is known
    sex: str | None
    thon: str | None
    sheets: tuple[str, ...]  # "members", "relief"
    periods: tuple[str, ...]  # months of the rows considered
    record_ids: tuple[str, ...]


@dataclass(frozen=True)
class DuplicateHint:
    """People of two or more communes who may be the same person: for review, never merged."""

    basis: str  # cccd_hmac | name_birth_date | name_birth_year
    full_name: str
    birth: str
    branch_codes: tuple[str, ...]
    occurrences: tuple[PersonOccurrence, ...]

    def as_dict(self) -> dict[str, Any]:
        """Plain data for `--json`."""
        return asdict(self)


class _Person:
    """One (commune, person id) while rows are gathered; slots: there are ~1,000 per commune."""

    __slots__ = (
        "birth_date",
        "birth_year",
        "branch",
        "hmac",
        "names",
        "periods",
        "person_id",
        "record_ids",
        "sex",
        "sheets",
        "thon",
    )

    def __init__(self, branch: str, person_id: str) -> None:
        self.branch = branch
        self.person_id = person_id
        self.names: list[str] = []
        self.birth_date: str | None = None
        self.birth_year: str | None = None
        self.sex: str | None = None
        self.thon: str | None = None
        self.hmac: str | None = None
        self.sheets: set[str] = set()
        self.periods: set[str] = set()
        self.record_ids: list[str] = []

    @property
    def key(self) -> tuple[str, str]:
        return self.branch, self.person_id

    @property
    def year(self) -> str | None:
        return self.birth_date[:4] if self.birth_date else self.birth_year


def _month_range(period: str) -> tuple[str, str, str]:
    first, _last = parse_period(period)
    end = date(first.year, first.month, calendar.monthrange(first.year, first.month)[1])
    return f"{first:%Y-%m}", first.isoformat(), end.isoformat()


class DuplicateHintService:
    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    def hints(self, period: str | None = None) -> list[DuplicateHint]:
        """People appearing in several communes (for the month, or in every live record), sorted
        by folded name and birth. Read-only; any thread."""
        month = _month_range(period) if period is not None else None
        with self._ctx.sessions() as session:
            province = province_branch(session)
            people = self._people(session, month)
            names = {
                c.branch_code: c.name
                for c in commune_columns(session, province.province_code, {p.branch for p in people.values()})
            }
        return _hints(people.values(), names)

    @staticmethod
    def _people(session: Session, month: tuple[str, str, str] | None) -> dict[tuple[str, str], _Person]:
        found: list[Any] = []
        fields = ("person_id", "full_name", "sex", "thon", "birth_year", "birth_date", CCCD_HMAC_KEY)
        for sheet in ("relief", "members"):
            conditions: list[ColumnElement[bool]] = [
                ProvinceRecord.sheet_key == sheet,
                ProvinceRecord.deleted.is_(False),
            ]
            if month is not None and sheet == "relief":
                conditions.append(ProvinceRecord.period == month[0])
            docs = (
                select(
                    ProvinceRecord.origin_branch.label("branch"),
                    ProvinceRecord.record_id.label("rid"),
                    ProvinceRecord.period.label("period"),
                    json_document(ProvinceRecord.data).label("doc"),
                )
                .where(*conditions)
                .offset(0)
                .subquery("d")
            )
            keys = (*fields, "joined_on", "left_on") if sheet == "members" else fields
            rows = (
                select(
                    docs.c.branch,
                    docs.c.rid,
                    docs.c.period,
                    *(json_text(docs.c.doc, k).label(k) for k in keys),
                )
                .offset(0)
                .subquery("r")
            )
            stmt = (
                select(rows.c.branch, rows.c.rid, rows.c.period, *(rows.c[k] for k in fields))
                .where(rows.c.person_id.is_not(None), rows.c.full_name.is_not(None))
                .order_by(rows.c.branch, rows.c.rid)
            )
            if month is not None and sheet == "members":
                stmt = stmt.where(
                    rows.c.joined_on <= month[2], or_(rows.c.left_on.is_(None), rows.c.left_on >= month[1])
                )
            found.extend((sheet, *row) for row in session.execute(stmt))
        return _candidates(found)


def _candidates(rows: Sequence[Any]) -> dict[tuple[str, str], _Person]:
    """The people whose HMAC or (folded name, birth year) also occurs in another commune, with all
    their rows. Most people of a province are in one commune only: they are dropped before any
    per-person object is built (130,000 member rows cost seconds of allocation and GC otherwise)."""
    keys_of: list[tuple[object, ...]] = []
    first_branch: dict[object, str] = {}
    shared: set[object] = set()
    for _sheet, branch, _rid, _period, _pid, name, _sex, _thon, year, birth_date, hmac in rows:
        keys: list[object] = []
        if hmac:
            keys.append(("h", hmac))
        birth_year = str(birth_date)[:4] if birth_date else (str(year) if year is not None else None)
        if birth_year:
            keys.append((_folded(str(name)), birth_year))
        for key in keys:
            seen = first_branch.setdefault(key, branch)
            if seen != branch:
                shared.add(key)
        keys_of.append(tuple(keys))
    wanted = {
        (str(row[1]), str(row[4]))
        for row, keys in zip(rows, keys_of, strict=True)
        if any(k in shared for k in keys)
    }
    people: dict[tuple[str, str], _Person] = {}
    for sheet, branch, rid, period, person_id, name, sex, thon, year, birth_date, hmac in rows:
        key = (str(branch), str(person_id))
        if key not in wanted:
            continue
        person = people.get(key)
        if person is None:
            person = people[key] = _Person(*key)
        person.names.append(str(name))
        if birth_date:
            person.birth_date = str(birth_date)
        if year is not None and person.birth_year is None:
            person.birth_year = str(year)
        person.sex = person.sex or sex
        person.thon = person.thon or thon
        person.hmac = person.hmac or hmac
        person.sheets.add(sheet)
        person.periods.add(str(period))
        person.record_ids.append(str(rid))
    return people


_FOLDED: dict[str, str] = {}


def _folded(name: str) -> str:
    """`fold` memoised: names repeat a lot across a province, and folding is the costly part."""
    value = _FOLDED.get(name)
    if value is None:
        if len(_FOLDED) > 200_000:  # bounded: a long-running GUI must not grow without limit
            _FOLDED.clear()
        value = _FOLDED[name] = fold(name)
    return value


def _occurrence(person: _Person, names: dict[str, str]) -> PersonOccurrence:
    return PersonOccurrence(
        branch_code=person.branch,
        commune_name=names.get(person.branch, person.branch),
        person_id=person.person_id,
        full_name=person.names[-1],
        birth=person.birth_date or person.year or "",
        sex=person.sex,
        thon=person.thon,
        sheets=tuple(sorted(person.sheets)),
        periods=tuple(sorted(person.periods)),
        record_ids=tuple(sorted(person.record_ids)),
    )


def _hint(basis: str, group: Sequence[_Person], names: dict[str, str]) -> DuplicateHint:
    ordered = sorted(group, key=lambda p: p.key)
    dated = next((p.birth_date for p in ordered if p.birth_date), None)
    return DuplicateHint(
        basis=basis,
        full_name=ordered[0].names[-1],
        birth=dated or (ordered[0].year or ""),
        branch_codes=tuple(sorted({p.branch for p in ordered})),
        occurrences=tuple(_occurrence(p, names) for p in ordered),
    )


def _hints(people: Iterable[_Person], names: dict[str, str]) -> list[DuplicateHint]:
    everyone = list(people)
    found: list[DuplicateHint] = []
    emitted: set[frozenset[tuple[str, str]]] = set()

    def emit(basis: str, group: Sequence[_Person]) -> None:
        members = frozenset(p.key for p in group)
        if len({p.branch for p in group}) < 2 or members in emitted:
            return
        emitted.add(members)
        found.append(_hint(basis, group, names))

    by_hmac: dict[str, list[_Person]] = defaultdict(list)
    for person in everyone:
        if person.hmac:
            by_hmac[person.hmac].append(person)
    for group in by_hmac.values():
        emit(BASIS_CCCD, group)

    by_name: dict[tuple[str, str], list[_Person]] = defaultdict(list)
    for person in everyone:
        year = person.year
        if year:
            for name in {_folded(n) for n in person.names}:
                if name:
                    by_name[(name, year)].append(person)
    for group in by_name.values():
        # Different full dates, or different HMACs, are different people; a row with only the
        # year (or no HMAC) may be any of them.
        for candidate in _split(group, lambda p: p.birth_date):
            for subgroup in _split(candidate, lambda p: p.hmac):
                emit(BASIS_DATE if all(p.birth_date for p in subgroup) else BASIS_YEAR, subgroup)
    found.sort(key=lambda h: (fold(h.full_name), h.birth, h.branch_codes))
    return found


def _split(group: Sequence[_Person], attribute: Any) -> list[list[_Person]]:
    """One candidate group per distinct non-empty value of `attribute`, each with the persons
    that have no value; the whole group when there is at most one value."""
    values = {attribute(p) for p in group if attribute(p)}
    if len(values) <= 1:
        return [list(group)]
    blank = [p for p in group if not attribute(p)]
    return [[p for p in group if attribute(p) == v] + blank for v in sorted(values)]
