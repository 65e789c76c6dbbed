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
from dataclasses import dataclass, field
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


@dataclass
class _Person:
    branch: str
    person_id: str
    names: list[str] = field(default_factory=list)
    birth_date: str | None = None
    birth_year: str | None = None
    sex: str | None = None
    thon: str | None = None
    hmac: str | None = None
    sheets: set[str] = field(default_factory=set)
    periods: set[str] = field(default_factory=set)
    record_ids: set[str] = field(default_factory=set)

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
        people: dict[tuple[str, str], _Person] = {}
        fields = ("person_id", "full_name", "sex", "thon", "birth_year", CCCD_HMAC_KEY)
        sheets: Sequence[tuple[str, tuple[str, ...]]] = (
            ("relief", fields),
            ("members", (*fields, "birth_date", "joined_on", "left_on")),
        )
        for sheet, keys in sheets:
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
            stmt = select(rows).where(rows.c.person_id.is_not(None), rows.c.full_name.is_not(None))
            if month is not None and sheet == "members":
                stmt = stmt.where(
                    rows.c.joined_on <= month[2], or_(rows.c.left_on.is_(None), rows.c.left_on >= month[1])
                )
            for r in session.execute(stmt).mappings():
                _add(people, sheet, r)
        return people


def _add(people: dict[tuple[str, str], _Person], sheet: str, r: Any) -> None:
    key = (str(r["branch"]), str(r["person_id"]))
    person = people.get(key)
    if person is None:
        person = people[key] = _Person(*key)
    person.names.append(str(r["full_name"]))
    birth_date = r.get("birth_date")
    if birth_date:
        person.birth_date = str(birth_date)
    if r.get("birth_year") is not None and person.birth_year is None:
        person.birth_year = str(r["birth_year"])
    person.sex = person.sex or r.get("sex")
    person.thon = person.thon or r.get("thon")
    person.hmac = person.hmac or r.get(CCCD_HMAC_KEY)
    person.sheets.add(sheet)
    person.periods.add(str(r["period"]))
    person.record_ids.add(str(r["rid"]))


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
    found: list[tuple[tuple[str, str], DuplicateHint]] = []
    emitted: set[frozenset[tuple[str, str]]] = set()

    def emit(basis: str, group: Sequence[_Person], sort_key: tuple[str, str]) -> None:
        members = frozenset(p.key for p in group)
        if len({p.branch for p in group}) < 2 or members in emitted:
            return
        emitted.add(members)
        found.append((sort_key, _hint(basis, group, names)))

    by_hmac: dict[str, list[_Person]] = defaultdict(list)
    for person in everyone:
        if person.hmac:
            by_hmac[person.hmac].append(person)
    for group in by_hmac.values():
        emit(BASIS_CCCD, group, (fold(group[0].names[-1]), group[0].birth_date or group[0].year or ""))

    by_name: dict[tuple[str, str], list[_Person]] = defaultdict(list)
    for person in everyone:
        year = person.year
        if year:
            for name in {fold(n) for n in person.names if n.strip()}:
                by_name[(name, year)].append(person)
    for (name, year), group in by_name.items():
        # Different full dates, or different HMACs, are different people; a row with only the
        # year (or no HMAC) may be any of them.
        for candidate in _split(group, lambda p: p.birth_date):
            for subgroup in _split(candidate, lambda p: p.hmac):
                basis = BASIS_DATE if all(p.birth_date for p in subgroup) else BASIS_YEAR
                birth = next((p.birth_date for p in subgroup if p.birth_date), year)
                emit(basis, subgroup, (name, birth or year))
    found.sort(key=lambda item: (item[0], item[1].branch_codes))
    return [hint for _key, hint in found]


def _split(group: Sequence[_Person], attribute: Any) -> list[list[_Person]]:
    """One candidate group per distinct non-empty value of `attribute`, each with the persons
    that have no value; the whole group when there is at most one value."""
    values = {attribute(p) for p in group if attribute(p)}
    if len(values) <= 1:
        return [list(group)]
    blank = [p for p in group if not attribute(p)]
    return [[p for p in group if attribute(p) == v] + blank for v in sorted(values)]
