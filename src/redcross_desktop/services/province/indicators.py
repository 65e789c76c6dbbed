# SPDX-License-Identifier: MIT
"""Indicators recomputed at the province from a commune's imported records, to check the commune's
own report rows (bundle-format.md §11: `REPORT_MISMATCH`, like a DHIS2 validation rule).

**What can be recomputed.** Only what the bundle carries (schema 2026.1, data minimised per
domain.md §6). Driven by the catalogue: an indicator is recomputed when every aggregate it adds up
is in `PROVINCE_AGGREGATES` below with filters the bundle can apply, and a derived add/sub row when
all its parts are. Left out, because the bundle does not carry what they need:

- blood (HM.*): blood drives and their facility summaries are not exported, and a blood row does
  not say whether it belongs to a drive, so units and donors cannot be counted without double
  counting (the commune counts a drive's summary and only the donations outside any drive);
- CT.HO: a relief row for a person carries the record's own household, not the person's;
- CT.TNA.*: campaign kinds are not exported (only campaign codes);
- TC.HP.THU, TC.TNV.GIO: the members register carries lifetime totals, not monthly payments;
- stock, sub-units, tracing, hand-entered (manual) and plan-percent rows.

An activities row that falls back to manual entry at the commune (`fallback_manual`) is recomputed
only when the province holds a live activity of its type from that commune: the commune then had
one too, so it computed the row rather than typed it.

**How.** One SQL statement per aggregate with the JSON fields read by
`db.repositories.province.json_text` (the dialect switch), grouped by commune, so checking one
commune at import and 150 communes in the consolidated report cost the same ~20 statements.
Measured on SQLite against loading the rows and aggregating in Python (150 communes × 300 rows
of the month + 1,000 members each): SQL 0.23 s, Python 1.4 s for the whole province — SQL kept.
Tombstones and void receipts never count, as at the commune. Qt-free.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, distinct, func, or_, select
from sqlalchemy.orm import Session

from ...db.models import ProvinceRecord
from ...db.repositories.province import json_int, json_text
from ...reports.catalogue import Catalogue, Indicator, Source, load_catalogue
from ...sync.codes import CODES
from ..reports import parse_period
from ..settings import read_setting

__all__ = [
    "PROVINCE_AGGREGATES",
    "ReportMismatch",
    "province_catalogue",
    "recomputable",
    "recompute",
    "recompute_many",
    "report_mismatches",
    "reported_values",
]

PerBranch = dict[str, int]  # origin_branch -> value
Branches = Collection[str] | None  # None: every commune


@dataclass(frozen=True)
class _Range:
    period: str
    start: str  # ISO dates compare as text on both back ends
    end: str


def _range(period: str) -> _Range:
    first, _last = parse_period(period)
    last_day = calendar.monthrange(first.year, first.month)[1]
    return _Range(f"{first:%Y-%m}", first.isoformat(), date(first.year, first.month, last_day).isoformat())


def _field(key: str) -> ColumnElement[str]:
    return json_text(ProvinceRecord.data, key)


def _int(key: str) -> ColumnElement[int]:
    return json_int(ProvinceRecord.data, key)


def _rows(sheet: str, branches: Branches) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [
        ProvinceRecord.sheet_key == sheet,
        ProvinceRecord.deleted.is_(False),
    ]
    if branches is not None:
        conditions.append(ProvinceRecord.origin_branch.in_(sorted(branches)))
    return conditions


def _grouped(
    session: Session, measure: ColumnElement[Any], conditions: Sequence[ColumnElement[bool]]
) -> PerBranch:
    stmt = (
        select(ProvinceRecord.origin_branch, func.coalesce(measure, 0))
        .where(*conditions)
        .group_by(ProvinceRecord.origin_branch)
    )
    return {str(branch): int(value or 0) for branch, value in session.execute(stmt)}


# ---------------------------------------------------------------- the province aggregates

Aggregate = Callable[[Session, Source, _Range, Branches], PerBranch]


def _donations(measure: str) -> Aggregate:
    def aggregate(session: Session, source: Source, rng: _Range, branches: Branches) -> PerBranch:
        expression: ColumnElement[Any] = {
            "cash": func.sum(_int("cash_vnd")),
            "in_kind": func.sum(_int("in_kind_vnd")),
            "total": func.sum(_int("cash_vnd") + _int("in_kind_vnd")),
            "count": func.count(),
        }[measure]
        conditions = [*_rows("donations", branches), ProvinceRecord.period == rng.period]
        return _grouped(session, expression, [*conditions, _field("status") == "valid"])

    return aggregate


def _relief(measure: str) -> Aggregate:
    def aggregate(session: Session, source: Source, rng: _Range, branches: Branches) -> PerBranch:
        expression: ColumnElement[Any] = {
            "people_covered": func.sum(_int("people_covered")),
            "value": func.sum(_int("cash_vnd") + _int("goods_vnd")),
            "cash": func.sum(_int("cash_vnd")),
            "records": func.count(),
            "people_distinct": func.count(distinct(_field("person_id"))),
        }[measure]
        conditions = [*_rows("relief", branches), ProvinceRecord.period == rng.period]
        if source.param("kinds"):
            conditions.append(_field("kind").in_(source.param("kinds")))
        return _grouped(session, expression, conditions)

    return aggregate


def _members(measure: str) -> Aggregate:
    def aggregate(session: Session, source: Source, rng: _Range, branches: Branches) -> PerBranch:
        # The register carries every membership whatever its period, so the dates decide.
        conditions = [*_rows("members", branches), _field("category").in_(source.param("category"))]
        joined, left = _field("joined_on"), _field("left_on")
        if measure == "active":
            conditions += [joined <= rng.end, or_(left.is_(None), left > rng.end)]
        elif measure == "joined":
            conditions += [joined >= rng.start, joined <= rng.end]
        else:
            conditions += [left >= rng.start, left <= rng.end]
        return _grouped(session, func.count(), conditions)

    return aggregate


def _activities(measure: str) -> Aggregate:
    def aggregate(session: Session, source: Source, rng: _Range, branches: Branches) -> PerBranch:
        column = "value_vnd" if measure == "value" else measure
        expression: ColumnElement[Any] = func.count() if measure == "count" else func.sum(_int(column))
        conditions = [
            *_rows("activities", branches),
            ProvinceRecord.period == rng.period,
            _field("type").in_(source.param("type")),
        ]
        return _grouped(session, expression, conditions)

    return aggregate


# The catalogue aggregates (reports/catalogue.py AGGREGATES) the bundle lets the province redo.
PROVINCE_AGGREGATES: Mapping[str, Aggregate] = {
    "donations.cash": _donations("cash"),
    "donations.in_kind": _donations("in_kind"),
    "donations.total": _donations("total"),
    "donations.count": _donations("count"),
    "relief.people_covered": _relief("people_covered"),
    "relief.value": _relief("value"),
    "relief.cash": _relief("cash"),
    "relief.records": _relief("records"),
    "relief.people_distinct": _relief("people_distinct"),
    "members.active": _members("active"),
    "members.joined": _members("joined"),
    "members.left": _members("left"),
    "activities.count": _activities("count"),
    "activities.sessions": _activities("sessions"),
    "activities.participants": _activities("participants"),
    "activities.cases": _activities("cases"),
    "activities.people_served": _activities("people_served"),
    "activities.value": _activities("value"),
}
# Filters a bundle cannot apply (campaign kinds are not exported).
_UNSUPPORTED_PARAMS = frozenset({"campaign_kind"})


def _part_ok(part: Source) -> bool:
    return part.agg in PROVINCE_AGGREGATES and not any(key in _UNSUPPORTED_PARAMS for key, _v in part.params)


def recomputable(catalogue: Catalogue) -> tuple[Indicator, ...]:
    """The catalogue's indicators the province can recompute from imported records, in order."""
    ok: dict[str, bool] = {}

    def check(indicator: Indicator) -> bool:
        if indicator.code not in ok:
            source = indicator.source
            if source.kind in ("agg", "sum"):
                ok[indicator.code] = all(_part_ok(p) for p in source.aggregates)
            elif source.kind == "derived" and source.op in ("add", "sub"):
                parts = [catalogue.indicator(code) for code in source.of]
                ok[indicator.code] = all(p is not None and check(p) for p in parts)
            else:
                ok[indicator.code] = False
        return ok[indicator.code]

    return tuple(i for i in catalogue.indicators if check(i))


def province_catalogue(session: Session) -> Catalogue:
    """The catalogue the province reports with: the version chosen in its settings ("report" →
    "catalogue_version"), else the newest shipped."""
    settings = read_setting(session, "report") or {}
    version = settings.get("catalogue_version") if isinstance(settings, Mapping) else None
    return load_catalogue(str(version) if version else None)


def _activity_types(session: Session, branches: Branches) -> dict[str, set[str]]:
    """Per commune, the activity types it keeps records of (live, any period) at the province."""
    stmt = select(ProvinceRecord.origin_branch, _field("type")).where(*_rows("activities", branches))
    stmt = stmt.distinct()
    result: dict[str, set[str]] = {}
    for branch, kind in session.execute(stmt):
        result.setdefault(str(branch), set()).add(str(kind))
    return result


def recompute_many(
    session: Session,
    period: str,
    branch_codes: Iterable[str] | None = None,
    *,
    catalogue: Catalogue | None = None,
) -> dict[str, dict[str, int]]:
    """`recompute` for several communes at once (all communes with records when None): commune →
    indicator code → value. A commune with no record of the month still gets every indicator
    (zeros), except fallback-manual activities rows it keeps no records for. Read-only."""
    rng = _range(period)
    catalogue = catalogue or province_catalogue(session)
    branches: set[str] | None = set(branch_codes) if branch_codes is not None else None
    if branches is None:
        branches = set(session.scalars(select(ProvinceRecord.origin_branch).distinct()))
    if not branches:
        return {}
    cache: dict[Source, PerBranch] = {}

    def aggregate(part: Source) -> PerBranch:
        if part not in cache:
            cache[part] = PROVINCE_AGGREGATES[part.agg](session, part, rng, branches)
        return cache[part]

    indicators = recomputable(catalogue)
    types = _activity_types(session, branches) if any(i.fallback_manual for i in indicators) else {}
    result: dict[str, dict[str, int]] = {}
    for branch in sorted(branches):
        values: dict[str, int | None] = {}

        def figure(part: Source, branch: str = branch) -> int:
            return aggregate(part).get(branch, 0)

        for indicator in indicators:
            _value(indicator, catalogue, values, figure, types.get(branch))
        result[branch] = {code: v for code, v in values.items() if v is not None}
    return result


def _value(
    indicator: Indicator,
    catalogue: Catalogue,
    values: dict[str, int | None],
    aggregate: Callable[[Source], int],
    activity_types: set[str] | None,
) -> int | None:
    """One commune's figure of `indicator` (None: not recomputed), memoised in `values`. Derived
    rows may name codes listed after them, so their parts are computed on demand."""
    if indicator.code in values:
        return values[indicator.code]
    source = indicator.source
    figure: int | None
    if source.kind == "derived":
        parts = [catalogue.indicator(code) for code in source.of]
        figures = [_value(p, catalogue, values, aggregate, activity_types) if p else None for p in parts]
        signs = [1] + [(-1 if source.op == "sub" else 1)] * (len(figures) - 1)
        figure = (
            None
            if any(f is None for f in figures)
            else sum(s * int(f or 0) for s, f in zip(signs, figures, strict=True))
        )
    else:
        wanted = {t for part in source.aggregates for t in part.param("type")}
        if indicator.fallback_manual and not (wanted & (activity_types or set())):
            figure = None  # typed in by hand at the commune: nothing to check it against
        else:
            figure = sum(aggregate(part) for part in source.aggregates)
    values[indicator.code] = figure
    return figure


def recompute(
    session: Session, branch_code: str, period: str, *, catalogue: Catalogue | None = None
) -> dict[str, int]:
    """The indicators of one commune's month that can be recomputed from its imported records
    (see the module docstring for which): indicator code → value. Runs in the caller's session
    (e.g. the import transaction, after the merge has been flushed). Read-only."""
    return recompute_many(session, period, [branch_code], catalogue=catalogue).get(branch_code, {})


def reported_values(
    session: Session, period: str, branch_codes: Iterable[str] | None = None
) -> dict[str, dict[tuple[str, str], int]]:
    """The communes' own report rows of the month (live ones): commune → (indicator, disagg) →
    value; disagg is "" for the indicator's own figure. Read-only."""
    conditions = [*_rows("report", set(branch_codes) if branch_codes is not None else None)]
    stmt = select(ProvinceRecord.origin_branch, _field("indicator"), _field("disagg"), _field("value")).where(
        *conditions, ProvinceRecord.period == period
    )
    result: dict[str, dict[tuple[str, str], int]] = {}
    for branch, code, disagg, value in session.execute(stmt):
        if code is None or value is None:
            continue
        result.setdefault(str(branch), {})[(str(code), str(disagg or ""))] = int(value)
    return result


@dataclass(frozen=True)
class ReportMismatch:
    """A commune's reported figure that differs from the one recomputed from its records."""

    branch_code: str
    period: str
    indicator: str
    label: str
    reported: int
    recomputed: int
    code: str = "REPORT_MISMATCH"

    @property
    def message_vi(self) -> str:
        return CODES["REPORT_MISMATCH"].message_vi.format(indicator=f"{self.indicator} – {self.label}")

    @property
    def message_en(self) -> str:
        return CODES["REPORT_MISMATCH"].message_en.format(indicator=self.indicator)


def mismatches_of(
    catalogue: Catalogue,
    branch_code: str,
    period: str,
    reported: Mapping[tuple[str, str], int],
    recomputed: Mapping[str, int],
) -> list[ReportMismatch]:
    """Compares one commune's own figures with the recomputed ones, in catalogue order. An
    indicator the commune did not report is not a mismatch (it may be on an older catalogue)."""
    found: list[ReportMismatch] = []
    for indicator in catalogue.indicators:
        value = recomputed.get(indicator.code)
        own = reported.get((indicator.code, ""))
        if value is None or own is None or own == value:
            continue
        found.append(ReportMismatch(branch_code, period, indicator.code, indicator.label_vi, own, value))
    return found


def report_mismatches(
    session: Session, branch_code: str, period: str, *, catalogue: Catalogue | None = None
) -> list[ReportMismatch]:
    """`REPORT_MISMATCH` warnings of one commune's month: its report rows against `recompute`.
    Empty when the commune sent no report rows for the month. Read-only; the caller's session."""
    catalogue = catalogue or province_catalogue(session)
    reported = reported_values(session, period, [branch_code]).get(branch_code, {})
    if not reported:
        return []
    recomputed = recompute(session, branch_code, period, catalogue=catalogue)
    return mismatches_of(catalogue, branch_code, period, reported, recomputed)
