# SPDX-License-Identifier: MIT
"""The monthly report (domain.md §3): indicator values computed from the records with SQL
aggregates, hand-entered figures per period, closing and reopening a month, and the Decree 30
report and Decree 93 disclosure workbooks. Qt-free.

**Computation.** Each indicator of the catalogue (`reports/catalogue.py`) names a fixed aggregate
(`_AGGREGATES` below). For every column the engine runs that aggregate once over the column's date
range, as one SQL statement (SUM / COUNT / COUNT DISTINCT with the range in the WHERE clause) over
the live records only: tombstoned rows (`deleted`) and voided receipts never count. Results are
cached per (aggregate, filters, range, disaggregation), so two indicators sharing an aggregate, or a
January whose month equals its year to date, cost one query.

**Columns.** "Tháng này" is the period; "Lũy kế từ đầu năm" runs from 1 January to the period's end;
"Cùng kỳ năm trước" is the same year-to-date range one year earlier, and "So sánh (%)" is
lũy kế ÷ cùng kỳ × 100. For an `end` indicator (a stock such as members or goods in store) every
column is the value on its last day. "% kế hoạch" is lũy kế (or the end value) ÷ the annual target
(setting "plans" → {year: {code: value}}) × 100.

**No double counting.** A count comes from individual records or from an event's own aggregate,
never both: a blood drive's figures are the facility's summary, and donation records linked to a
drive are not added to them; a donation recorded without a drive is an event of its own (one
registration, one screening, one donation, one unit of its volume). Health checks add the health
relief records (individuals) and the health events (their `people_served`), which are different
events.

**Closing.** `close_period` writes the `PeriodLock` row the other services already check
(`ensure_period_open`), records the catalogue version the month was closed with, and an audit row
"close"; `reopen_period` needs a reason and writes an audit row "reopen".
"""

from __future__ import annotations

import calendar
import json
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, and_, case, distinct, exists, func, literal, or_, select
from sqlalchemy.orm import Session, joinedload, selectinload

from ..core.errors import ExportFailedError, NotFoundError, ValidationError
from ..core.i18n import _
from ..core.vn import format_vnd, normalize_text
from ..db.base import utcnow
from ..db.models import (
    Activity,
    AuditEntry,
    BloodDonation,
    BloodDrive,
    Branch,
    Campaign,
    Donation,
    DonationLine,
    DuesPayment,
    Membership,
    PeriodLock,
    Person,
    ReliefRecord,
    ReportPeriod,
    ReportValue,
    StockMovement,
    SubUnit,
    TracingCase,
    VolunteerHours,
)
from ..domain.codes import (
    DONATION_CHANNELS,
    RELIEF_KINDS,
    SUB_UNIT_KINDS,
    VOLUNTEER_RANKS,
    VULNERABLE_GROUPS,
)
from ..reports.catalogue import (
    AGGREGATES,
    BAGS,
    DISAGG_VALUES,
    NO_CAMPAIGN,
    Catalogue,
    Indicator,
    Source,
    load_catalogue,
)
from ..reports.disclosure import write_disclosure_workbook
from ..reports.model import (
    DisclosureDTO,
    DonationDetail,
    Letterhead,
    MonthlyReport,
    NarrativeText,
    ReliefDetail,
    ReportDTO,
    ReportLine,
    ReportSection,
)
from ..reports.workbook import write_report_workbook
from .context import ServiceContext, ensure_period_open
from .donations import anonymous_donor
from .relief import relief_items
from .settings import read_setting, write_setting

__all__ = [
    "IndicatorValue",
    "MonthlyReport",
    "PeriodStatus",
    "ReportService",
    "parse_period",
]

Range = tuple[date, date]
Values = dict[str, int]  # disagg -> value; "" is the indicator's own total

_PERIOD_RE = re.compile(r"^(\d{4})-(\d{2})$")
_ROMAN_QUARTERS = ("I", "II", "III", "IV")


@dataclass(frozen=True)
class IndicatorValue:
    """One reported figure of a period: the indicator's own total (`disagg` "") or one of its
    breakdowns (e.g. "bag=350"). Bundle rows are keyed `branch|period|code|disagg`."""

    code: str
    label: str
    unit: str
    value: int
    disagg: str = ""


@dataclass(frozen=True)
class PeriodStatus:
    period: str
    closed: bool
    closed_by: str
    closed_at: datetime | None
    reason: str
    catalogue_version: str


# ---------------------------------------------------------------- periods and arithmetic


def parse_period(period: str) -> Range:
    """ "2026-03" -> (1 March, 31 March); anything else is a ValidationError."""
    match = _PERIOD_RE.match(period.strip()) if isinstance(period, str) else None
    month = int(match.group(2)) if match else 0
    if match is None or not 1 <= month <= 12 or int(match.group(1)) < 1900:
        raise ValidationError(
            _("Kỳ báo cáo '{period}' không hợp lệ. Hãy ghi theo dạng NĂM-THÁNG, ví dụ 2026-03.").format(
                period=period
            ),
            fields={"period": _("Dạng NĂM-THÁNG, ví dụ 2026-03.")},
        )
    year = int(match.group(1))
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def _period_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _year_before(day: date) -> date:
    """The same day one year earlier; 29 February becomes 28 February."""
    return (
        _month_end(day.year - 1, day.month)
        if day.month == 2 and day.day == 29
        else day.replace(year=day.year - 1)
    )


def percent(numerator: int, denominator: int | None) -> float | None:
    """numerator ÷ denominator × 100, one decimal rounded half up; None without a denominator."""
    if not denominator:
        return None
    value = (Decimal(numerator) * 100 / Decimal(denominator)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return float(value)


def _whole_percent(numerator: int, denominator: int | None) -> int | None:
    if not denominator:
        return None
    return int(
        (Decimal(numerator) * 100 / Decimal(denominator)).quantize(Decimal("1"), rounding=ROUND_HALF_UP)
    )


# ---------------------------------------------------------------- aggregates (one SQL statement each)

AggregateFn = Callable[[Session, Source, date, date, str | None], Values]


def _scalar(session: Session, stmt: Any) -> int:
    return int(session.scalar(stmt) or 0)


def _grouped(rows: Iterable[Any], dimension: str, key: Callable[[Any], str] = str) -> Values:
    result: Values = {"": 0}
    for group, value in rows:
        value = int(value or 0)
        result[""] += value
        name = f"{dimension}={key(group)}"
        result[name] = result.get(name, 0) + value
    return result


def _subunits_active(session: Session, source: Source, _start: date, end: date, disagg: str | None) -> Values:
    # Sub-units carry no founding or dissolution date, so every column counts the live ones; a
    # dated history needs those two columns on the model (see the report's open points).
    stmt = (
        select(SubUnit.kind, func.count())
        .where(SubUnit.deleted.is_(False), SubUnit.kind.in_(source.param("kind")))
        .group_by(SubUnit.kind)
    )
    return _grouped(session.execute(stmt), "kind")


def _active_members(end: date) -> ColumnElement[bool]:
    return and_(
        Membership.deleted.is_(False),
        Membership.joined_on <= end,
        or_(Membership.left_on.is_(None), Membership.left_on > end),
    )


def _members_active(session: Session, source: Source, _start: date, end: date, disagg: str | None) -> Values:
    stmt = (
        select(Membership.volunteer_rank, func.count())
        .where(_active_members(end), Membership.category.in_(source.param("category")))
        .group_by(Membership.volunteer_rank)
    )
    return _grouped(session.execute(stmt), "rank", lambda rank: str(rank or "none"))


def _members_joined(session: Session, source: Source, start: date, end: date, disagg: str | None) -> Values:
    return {
        "": _scalar(
            session,
            select(func.count()).where(
                Membership.deleted.is_(False),
                Membership.category.in_(source.param("category")),
                Membership.joined_on.between(start, end),
            ),
        )
    }


def _members_left(session: Session, source: Source, start: date, end: date, disagg: str | None) -> Values:
    return {
        "": _scalar(
            session,
            select(func.count()).where(
                Membership.deleted.is_(False),
                Membership.category.in_(source.param("category")),
                Membership.left_on.between(start, end),
            ),
        )
    }


def _volunteer_hours(session: Session, source: Source, start: date, end: date, disagg: str | None) -> Values:
    minutes = _scalar(
        session,
        select(func.coalesce(func.sum(VolunteerHours.minutes), 0)).where(
            VolunteerHours.deleted.is_(False), VolunteerHours.worked_on.between(start, end)
        ),
    )
    return {"": (2 * minutes + 60) // 120}  # whole hours, half up


def _dues_collected(session: Session, source: Source, start: date, end: date, disagg: str | None) -> Values:
    return {
        "": _scalar(
            session,
            select(func.coalesce(func.sum(DuesPayment.amount_vnd), 0)).where(
                DuesPayment.deleted.is_(False), DuesPayment.paid_on.between(start, end)
            ),
        )
    }


def _valid_donations(start: date, end: date) -> list[ColumnElement[bool]]:
    return [Donation.deleted.is_(False), Donation.status == "valid", Donation.received_on.between(start, end)]


def _donation_lines_value() -> Any:
    return (
        select(func.coalesce(func.sum(DonationLine.value_vnd), 0))
        .where(DonationLine.donation_id == Donation.id, DonationLine.deleted.is_(False))
        .scalar_subquery()
    )


def _donations(measure: str) -> AggregateFn:
    def aggregate(session: Session, source: Source, start: date, end: date, disagg: str | None) -> Values:
        expression: Any = {
            "cash": func.sum(Donation.cash_vnd),
            "in_kind": func.sum(_donation_lines_value()),
            "total": func.sum(Donation.cash_vnd + _donation_lines_value()),
            "count": func.count(Donation.id),
        }[measure]
        if disagg == "campaign":
            stmt = (
                select(Campaign.code, func.coalesce(expression, 0))
                .select_from(Donation)
                .outerjoin(Campaign, Campaign.id == Donation.campaign_id)
                .where(*_valid_donations(start, end))
                .group_by(Campaign.code)
            )
            return _grouped(session.execute(stmt), "campaign", lambda code: str(code or NO_CAMPAIGN))
        return {
            "": _scalar(session, select(func.coalesce(expression, 0)).where(*_valid_donations(start, end)))
        }

    return aggregate


def _stock_issued(session: Session, source: Source, start: date, end: date, disagg: str | None) -> Values:
    # Issues are negative and returns positive, so the negated sum is "issued − returned".
    return {
        "": _scalar(
            session,
            select(func.coalesce(-func.sum(StockMovement.value_vnd), 0)).where(
                StockMovement.deleted.is_(False),
                StockMovement.kind.in_(("issue", "return_")),
                StockMovement.moved_on.between(start, end),
            ),
        )
    }


def _stock_value_end(session: Session, source: Source, _start: date, end: date, disagg: str | None) -> Values:
    return {
        "": _scalar(
            session,
            select(func.coalesce(func.sum(StockMovement.value_vnd), 0)).where(
                StockMovement.deleted.is_(False), StockMovement.moved_on <= end
            ),
        )
    }


def _relief_filters(source: Source, start: date, end: date) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [
        ReliefRecord.deleted.is_(False),
        ReliefRecord.given_on.between(start, end),
    ]
    if source.param("kinds"):
        conditions.append(ReliefRecord.kind.in_(source.param("kinds")))
    if source.param("campaign_kind"):
        conditions.append(
            ReliefRecord.campaign_id.in_(
                select(Campaign.id).where(
                    Campaign.deleted.is_(False), Campaign.kind.in_(source.param("campaign_kind"))
                )
            )
        )
    return conditions


def _relief_goods_value() -> Any:
    """The goods of one relief record: its live issues net of returns (issues are negative)."""
    return (
        select(func.coalesce(-func.sum(StockMovement.value_vnd), 0))
        .where(StockMovement.relief_id == ReliefRecord.id, StockMovement.deleted.is_(False))
        .scalar_subquery()
    )


def _in_group(code: str) -> ColumnElement[bool]:
    return literal(",").concat(ReliefRecord.groups).concat(",").like(f"%,{code},%")


def _relief_measure(measure: str) -> AggregateFn:
    def aggregate(session: Session, source: Source, start: date, end: date, disagg: str | None) -> Values:
        expression: Any = {
            "people_covered": ReliefRecord.people_covered,
            "value": ReliefRecord.cash_vnd + _relief_goods_value(),
            "cash": ReliefRecord.cash_vnd,
            "records": literal(1),
        }[measure]
        columns: list[Any] = [func.coalesce(func.sum(expression), 0)]
        groups = list(VULNERABLE_GROUPS) if disagg == "group" else []
        # A record in two groups counts in both breakdowns (and once in the total).
        columns += [func.coalesce(func.sum(case((_in_group(g), expression), else_=0)), 0) for g in groups]
        row = session.execute(select(*columns).where(*_relief_filters(source, start, end))).one()
        result: Values = {"": int(row[0] or 0)}
        for code, value in zip(groups, row[1:], strict=True):
            result[f"group={code}"] = int(value or 0)
        return result

    return aggregate


def _relief_distinct(what: str) -> AggregateFn:
    def aggregate(session: Session, source: Source, start: date, end: date, disagg: str | None) -> Values:
        conditions = _relief_filters(source, start, end)
        if what == "people":
            stmt = select(func.count(distinct(ReliefRecord.person_id))).where(*conditions)
        elif what == "campaigns":
            stmt = select(func.count(distinct(ReliefRecord.campaign_id))).where(*conditions)
        else:
            # A record for a person counts that person's household, so a household helped once
            # through a member and once as a whole is one household.
            stmt = (
                select(func.count(distinct(func.coalesce(ReliefRecord.household_id, Person.household_id))))
                .select_from(ReliefRecord)
                .outerjoin(Person, Person.id == ReliefRecord.person_id)
                .where(*conditions)
            )
        return {"": _scalar(session, stmt)}

    return aggregate


def _drives(start: date, end: date) -> list[ColumnElement[bool]]:
    return [BloodDrive.deleted.is_(False), BloodDrive.held_on.between(start, end)]


def _lone_donations(start: date, end: date) -> list[ColumnElement[bool]]:
    """Donation records outside any drive: events of their own (a drive's records are already in
    the facility's summary of that drive)."""
    return [
        BloodDonation.deleted.is_(False),
        BloodDonation.drive_id.is_(None),
        BloodDonation.donated_on.between(start, end),
    ]


def _drive_sum(expression: Any, start: date, end: date) -> Any:
    return select(func.coalesce(func.sum(expression), 0)).where(*_drives(start, end)).scalar_subquery()


def _lone_count(start: date, end: date, *extra: ColumnElement[bool]) -> Any:
    return select(func.count(BloodDonation.id)).where(*_lone_donations(start, end), *extra).scalar_subquery()


def _blood(measure: str) -> AggregateFn:
    def aggregate(session: Session, source: Source, start: date, end: date, disagg: str | None) -> Values:
        if measure == "drives":
            return {"": _scalar(session, select(func.count(BloodDrive.id)).where(*_drives(start, end)))}
        if measure in ("registered", "screened", "donated"):
            column = getattr(BloodDrive, measure)
            return {"": _scalar(session, select(_drive_sum(column, start, end) + _lone_count(start, end)))}
        if measure == "first_time":
            earlier = BloodDonation.__table__.alias("earlier")
            first_ever = and_(
                BloodDonation.person_id.in_(select(Person.id).where(Person.blood_prior_donations == 0)),
                ~exists().where(
                    earlier.c.person_id == BloodDonation.person_id,
                    earlier.c.deleted.is_(False),
                    or_(
                        earlier.c.donated_on < BloodDonation.donated_on,
                        and_(
                            earlier.c.donated_on == BloodDonation.donated_on, earlier.c.id < BloodDonation.id
                        ),
                    ),
                ),
            )
            lone_first = select(func.count(BloodDonation.id)).where(*_lone_donations(start, end), first_ever)
            return {
                "": _scalar(
                    session,
                    select(_drive_sum(BloodDrive.first_time, start, end) + lone_first.scalar_subquery()),
                )
            }
        if measure == "ml":
            bags_ml = 250 * BloodDrive.units_250 + 350 * BloodDrive.units_350 + 450 * BloodDrive.units_450
            lone_ml = (
                select(func.coalesce(func.sum(BloodDonation.ml), 0))
                .where(*_lone_donations(start, end))
                .scalar_subquery()
            )
            return {"": _scalar(session, select(_drive_sum(bags_ml, start, end) + lone_ml))}
        # units: the facility's bags by size, and one unit per donation outside a drive, by volume.
        whole = BloodDonation.kind.in_(("whole", "red_cells"))
        lone = {
            "250": _lone_count(start, end, whole, BloodDonation.ml <= 250),
            "350": _lone_count(start, end, whole, BloodDonation.ml > 250, BloodDonation.ml <= 350),
            "450": _lone_count(start, end, whole, BloodDonation.ml > 350),
            "other": _lone_count(start, end, ~whole),
        }
        row = session.execute(
            select(
                _drive_sum(BloodDrive.units_250, start, end) + lone["250"],
                _drive_sum(BloodDrive.units_350, start, end) + lone["350"],
                _drive_sum(BloodDrive.units_450, start, end) + lone["450"],
                lone["other"],
            )
        ).one()
        result = {f"bag={bag}": int(value or 0) for bag, value in zip(BAGS, row, strict=True)}
        result[""] = sum(result.values())
        return result

    return aggregate


def _activities(measure: str) -> AggregateFn:
    def aggregate(session: Session, source: Source, start: date, end: date, disagg: str | None) -> Values:
        expression: Any = (
            func.count(Activity.id)
            if measure == "count"
            else func.coalesce(func.sum(getattr(Activity, "value_vnd" if measure == "value" else measure)), 0)
        )
        stmt = select(expression).where(
            Activity.deleted.is_(False),
            Activity.type.in_(source.param("type")),
            Activity.start_date.between(start, end),
        )
        return {"": _scalar(session, stmt)}

    return aggregate


def _tracing(measure: str) -> AggregateFn:
    def aggregate(session: Session, source: Source, start: date, end: date, disagg: str | None) -> Values:
        live = TracingCase.deleted.is_(False)
        condition: ColumnElement[bool]
        if measure == "received":
            condition = TracingCase.received_on.between(start, end)
        elif measure == "resolved":
            condition = and_(TracingCase.status == "found", TracingCase.closed_on.between(start, end))
        else:  # open at the end of the period
            condition = and_(
                TracingCase.received_on <= end,
                or_(TracingCase.closed_on.is_(None), TracingCase.closed_on > end),
            )
        return {"": _scalar(session, select(func.count(TracingCase.id)).where(live, condition))}

    return aggregate


_AGGREGATES: Mapping[str, AggregateFn] = {
    "subunits.active": _subunits_active,
    "members.active": _members_active,
    "members.joined": _members_joined,
    "members.left": _members_left,
    "volunteers.hours": _volunteer_hours,
    "dues.collected": _dues_collected,
    "donations.cash": _donations("cash"),
    "donations.in_kind": _donations("in_kind"),
    "donations.total": _donations("total"),
    "donations.count": _donations("count"),
    "stock.issued_value": _stock_issued,
    "stock.value_end": _stock_value_end,
    "relief.people_covered": _relief_measure("people_covered"),
    "relief.value": _relief_measure("value"),
    "relief.cash": _relief_measure("cash"),
    "relief.records": _relief_measure("records"),
    "relief.people_distinct": _relief_distinct("people"),
    "relief.households_distinct": _relief_distinct("households"),
    "relief.campaigns_distinct": _relief_distinct("campaigns"),
    "blood.drives": _blood("drives"),
    "blood.registered": _blood("registered"),
    "blood.screened": _blood("screened"),
    "blood.donated": _blood("donated"),
    "blood.first_time": _blood("first_time"),
    "blood.units": _blood("units"),
    "blood.ml": _blood("ml"),
    "activities.count": _activities("count"),
    "activities.sessions": _activities("sessions"),
    "activities.participants": _activities("participants"),
    "activities.cases": _activities("cases"),
    "activities.people_served": _activities("people_served"),
    "activities.value": _activities("value"),
    "tracing.received": _tracing("received"),
    "tracing.resolved": _tracing("resolved"),
    "tracing.open": _tracing("open"),
}
# The catalogue may only name what is implemented here (checked at import and by a test).
if set(_AGGREGATES) != set(AGGREGATES):  # pragma: no cover - a programming error
    raise RuntimeError(f"aggregates not implemented or unknown: {set(_AGGREGATES) ^ set(AGGREGATES)}")


# ---------------------------------------------------------------- the engine


@dataclass(frozen=True)
class _Ranges:
    current: Range
    ytd: Range
    last_year: Range


@dataclass(frozen=True)
class _Figures:
    current: Values | None
    ytd: Values | None
    last_year: Values | None


def _add(values: Sequence[Values | None], sign: Sequence[int]) -> Values | None:
    if any(v is None for v in values):
        return None
    return {"": sum(s * v[""] for s, v in zip(sign, values, strict=True) if v is not None)}


class _Engine:
    """Computes one report's figures inside one read session; every aggregate is cached per range."""

    def __init__(self, session: Session, catalogue: Catalogue, ranges: _Ranges) -> None:
        self.session = session
        self.catalogue = catalogue
        self.ranges = ranges
        self._cache: dict[tuple[Source, date, date, str | None], Values] = {}
        self._manual: dict[tuple[date, date, str], dict[tuple[str, str], int]] = {}
        self._figures: dict[str, _Figures] = {}
        self._types: set[str] | None = None
        plans = read_setting(session, "plans") or {}
        self.plans: Mapping[str, Mapping[str, Any]] = plans if isinstance(plans, Mapping) else {}

    def plan(self, indicator: Indicator, year: int) -> int | None:
        if indicator.plan_key is None:
            return None
        value = (self.plans.get(str(year)) or {}).get(indicator.plan_key)
        return int(value) if isinstance(value, int | float) and value > 0 else None

    def _aggregate(self, source: Source, rng: Range, disagg: str | None) -> Values:
        key = (source, rng[0], rng[1], disagg)
        if key not in self._cache:
            self._cache[key] = _AGGREGATES[source.agg](self.session, source, rng[0], rng[1], disagg)
        return self._cache[key]

    def _manual_values(self, rng: Range, temporal: str) -> dict[tuple[str, str], int]:
        """Hand-entered figures over a range: summed over its months for a flow, the latest month
        on or before its end for a stock. One query per range."""
        first, last = _period_of(rng[0]), _period_of(rng[1])
        key = (rng[0], rng[1], temporal)
        if key not in self._manual:
            live = [ReportValue.deleted.is_(False), ReportValue.text == ""]
            result: dict[tuple[str, str], int] = {}
            if temporal == "sum":
                rows = self.session.execute(
                    select(ReportValue.code, ReportValue.disagg, func.sum(ReportValue.value))
                    .where(*live, ReportValue.period.between(first, last))
                    .group_by(ReportValue.code, ReportValue.disagg)
                )
                result = {(code, dis): int(value or 0) for code, dis, value in rows}
            else:
                rows = self.session.execute(
                    select(ReportValue.code, ReportValue.disagg, ReportValue.value)
                    .where(*live, ReportValue.period <= last)
                    .order_by(ReportValue.period)
                )
                result = {(code, dis): int(value or 0) for code, dis, value in rows}  # latest wins
            self._manual[key] = result
        return self._manual[key]

    def uses_manual(self, indicator: Indicator) -> bool:
        if indicator.is_manual:
            return True
        if not indicator.fallback_manual:
            return False
        if self._types is None:
            self._types = set(
                self.session.scalars(select(Activity.type).where(Activity.deleted.is_(False)).distinct())
            )
        wanted = {t for s in indicator.source.aggregates for t in s.param("type")}
        return not (wanted & self._types)

    def _column(self, indicator: Indicator, rng: Range) -> Values | None:
        if self.uses_manual(indicator):
            temporal = "end" if indicator.period_agg == "end" else "sum"
            values = self._manual_values(rng, temporal)
            found = {dis: v for (code, dis), v in values.items() if code == indicator.code}
            return found or None
        total: Values = {}
        for part in indicator.source.aggregates:
            for key, value in self._aggregate(part, rng, indicator.disagg).items():
                total[key] = total.get(key, 0) + value
        return total

    def figures(self, indicator: Indicator) -> _Figures:
        if indicator.code in self._figures:
            return self._figures[indicator.code]
        source = indicator.source
        r = self.ranges
        if source.kind == "derived":
            parts = [self.catalogue.indicator(code) for code in source.of]
            part_figures = [self.figures(p) for p in parts if p is not None]
            if source.op == "plan_percent":
                base, target = part_figures[0], parts[0]
                assert target is not None
                year = r.current[1].year

                def share(values: Values | None, plan: int | None) -> Values | None:
                    if values is None or plan is None:
                        return None
                    result = _whole_percent(values[""], plan)
                    return None if result is None else {"": result}

                now = share(base.ytd, self.plan(target, year))
                figures = _Figures(now, now, share(base.last_year, self.plan(target, year - 1)))
            else:
                signs = [1] + [(-1 if source.op == "sub" else 1)] * (len(part_figures) - 1)
                figures = _Figures(
                    _add([f.current for f in part_figures], signs),
                    _add([f.ytd for f in part_figures], signs),
                    _add([f.last_year for f in part_figures], signs),
                )
        elif indicator.period_agg == "end":
            now = self._column(indicator, (r.current[1], r.current[1]))
            figures = _Figures(now, now, self._column(indicator, (r.last_year[1], r.last_year[1])))
        else:
            figures = _Figures(
                self._column(indicator, r.current),
                self._column(indicator, r.ytd),
                self._column(indicator, r.last_year),
            )
        self._figures[indicator.code] = figures
        return figures


def _value(values: Values | None, key: str) -> int | None:
    if values is None:
        return None
    return values.get(key, 0)


def _disagg_label(key: str, campaigns: Mapping[str, str]) -> str:
    dimension, _sep, code = key.partition("=")
    if dimension == "rank":
        return _(VOLUNTEER_RANKS[code]) if code in VOLUNTEER_RANKS else _("Chưa xếp hạng")
    if dimension == "kind":
        return _(SUB_UNIT_KINDS.get(code, code))
    if dimension == "group":
        return _(VULNERABLE_GROUPS.get(code, code))
    if dimension == "bag":
        return _("Túi {ml} ml").format(ml=code) if code != "other" else _("Gạn tách thành phần")
    if dimension == "campaign":
        return campaigns.get(code, code) if code != NO_CAMPAIGN else _("Không thuộc đợt vận động")
    return key


def _lines(engine: _Engine, catalogue: Catalogue, campaigns: Mapping[str, str]) -> list[ReportLine]:
    year = engine.ranges.current[1].year
    lines: list[ReportLine] = []
    for indicator in catalogue.indicators:
        f = engine.figures(indicator)
        plan = engine.plan(indicator, year)
        manual = engine.uses_manual(indicator)
        keys = [""]
        if indicator.disagg is not None:
            seen: dict[str, None] = {}
            for values in (f.current, f.ytd, f.last_year):
                for key, value in (values or {}).items():
                    if key and value:
                        seen[key] = None
            order = [f"{indicator.disagg}={v}" for v in DISAGG_VALUES[indicator.disagg]]
            keys += sorted(seen, key=lambda k: (order.index(k) if k in order else len(order), k))
        for key in keys:
            month, ytd, last = _value(f.current, key), _value(f.ytd, key), _value(f.last_year, key)
            own = key == ""
            lines.append(
                ReportLine(
                    code=indicator.code,
                    disagg=key,
                    label=indicator.label_vi if own else _disagg_label(key, campaigns),
                    unit=indicator.unit,
                    section=indicator.section,
                    month=month,
                    ytd=ytd,
                    last_year=last,
                    compare_pct=None if indicator.is_percent or ytd is None else percent(ytd, last),
                    plan=plan if own else None,
                    plan_pct=percent(ytd, plan) if own and ytd is not None else None,
                    is_money=indicator.is_money,
                    is_percent=indicator.is_percent,
                    manual=manual,
                )
            )
    return lines


# ---------------------------------------------------------------- detail lists


def _goods_text(lines: Iterable[tuple[int, str, str]]) -> str:
    return "; ".join(f"{quantity:,} {unit} {name}".replace(",", ".") for quantity, unit, name in lines)


def _donation_details(session: Session, conditions: Sequence[ColumnElement[bool]]) -> list[DonationDetail]:
    donations = session.scalars(
        select(Donation)
        .where(Donation.deleted.is_(False), Donation.status == "valid", *conditions)
        .options(
            selectinload(Donation.lines).joinedload(DonationLine.item),
            joinedload(Donation.donor),
            joinedload(Donation.campaign),
        )
        .order_by(Donation.received_on, Donation.receipt_year, Donation.receipt_no)
    ).unique()
    details = []
    for d in donations:
        lines = [line for line in d.lines if not line.deleted]
        donor = d.donor.full_name if d.donor is not None else (d.donor_display or anonymous_donor())
        details.append(
            DonationDetail(
                received_on=d.received_on,
                receipt_code=d.receipt_code,
                donor_name=donor,
                campaign_name=d.campaign.name if d.campaign is not None else "",
                goods=_goods_text((line.quantity, line.item.unit, line.item.name) for line in lines),
                cash_vnd=d.cash_vnd,
                goods_vnd=sum(line.value_vnd for line in lines),
            )
        )
    return details


def _relief_details(session: Session, conditions: Sequence[ColumnElement[bool]]) -> list[ReliefDetail]:
    records = list(
        session.scalars(
            select(ReliefRecord)
            .where(ReliefRecord.deleted.is_(False), *conditions)
            .options(joinedload(ReliefRecord.person), joinedload(ReliefRecord.household))
            .order_by(ReliefRecord.given_on, ReliefRecord.id)
        )
    )
    household_ids = {r.household_id for r in records if r.person is None and r.household_id is not None}
    heads: dict[int, str] = {}
    if household_ids:
        for household_id, name in session.execute(
            select(Person.household_id, Person.full_name).where(
                Person.household_id.in_(household_ids),
                Person.is_household_head.is_(True),
                Person.deleted.is_(False),
            )
        ):
            if household_id is not None:
                heads.setdefault(int(household_id), name)
    goods = relief_items(session, [r.id for r in records])
    details = []
    for r in records:
        items = goods.get(r.id, [])
        if r.person is not None:
            name = r.person.full_name
        elif r.household_id is not None and r.household_id in heads:
            name = _("Hộ {name}").format(name=heads[r.household_id])
        else:
            name = _("Hộ gia đình")
        thon = (r.person.thon if r.person is not None else "") or (
            r.household.thon if r.household is not None else ""
        )
        parts = [_("Tiền mặt {amount}").format(amount=format_vnd(r.cash_vnd))] if r.cash_vnd else []
        if items:
            parts.append(_goods_text((i.quantity, i.unit, i.name) for i in items))
        details.append(
            ReliefDetail(
                given_on=r.given_on,
                name=name,
                thon=thon,
                kind_label=_(RELIEF_KINDS.get(r.kind, r.kind)),
                support="; ".join(parts),
                cash_vnd=r.cash_vnd,
                goods_vnd=sum(i.value_vnd for i in items),
            )
        )
    return details


def _letterhead(session: Session) -> tuple[Letterhead, Branch]:
    branch = session.scalar(select(Branch).limit(1))
    if branch is None:
        raise NotFoundError(_("Chưa có thông tin Hội cơ sở. Hãy khai báo Hội trước khi in báo cáo."))
    return (
        Letterhead(
            parent_line=branch.parent_line,
            branch_name=branch.name,
            place_name=branch.place_name,
            chair_name=branch.chair_name,
            chair_title=branch.chair_title or "Chủ tịch",
            officer_name=branch.officer_name,
        ),
        branch,
    )


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def default_recipients(branch: Branch) -> tuple[str, ...]:
    """The default "Nơi nhận" (domain.md §3.3): the province Red Cross and the commune leadership
    for information, and the archive."""
    recipients = [f"- Hội CTĐ {_lower_first(branch.province_name)} (b/c);"]
    if branch.commune_name:
        recipients.append(f"- Đảng ủy, UBND {_lower_first(branch.commune_name)} (b/c);")
    recipients.append("- Lưu: VT.")
    return tuple(recipients)


def _atomic_write(out: Path, write: Callable[[Path], object]) -> Path:
    """Writes through a temporary file in the same folder, then renames it over `out`: a failed
    export leaves neither a partial file nor the temporary one."""
    out = Path(out)
    folder = out.parent
    if not folder.is_dir():
        raise ExportFailedError(
            _("Thư mục {folder} không tồn tại. Hãy chọn nơi lưu khác.").format(folder=folder)
        )
    handle, name = tempfile.mkstemp(prefix=".~", suffix=out.suffix or ".xlsx", dir=folder)
    os.close(handle)
    temporary = Path(name)
    try:
        write(temporary)
        os.replace(temporary, out)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise ExportFailedError(
            _(
                "Không ghi được tệp {name}: {error}. "
                "Hãy đóng tệp nếu đang mở trong Excel, hoặc chọn nơi lưu khác."
            ).format(name=out.name, error=exc.strerror or exc)
        ) from exc
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return out


# ---------------------------------------------------------------- the service


class ReportService:
    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    # ------------------------------------------------------------ catalogue

    @staticmethod
    def _catalogue_for(session: Session, period: str | None) -> Catalogue:
        """A closed (or once closed) month keeps the version it was closed with; otherwise the
        version chosen in the settings, else the newest shipped."""
        if period is not None:
            recorded = session.get(ReportPeriod, period)
            if recorded is not None:
                return load_catalogue(recorded.catalogue_version)
        settings = read_setting(session, "report") or {}
        version = settings.get("catalogue_version") if isinstance(settings, Mapping) else None
        return load_catalogue(str(version) if version else None)

    def catalogue(self, period: str | None = None) -> Catalogue:
        """The catalogue a period is reported with. Read-only; any thread."""
        if period is not None:
            parse_period(period)
        with self._ctx.sessions() as session:
            return self._catalogue_for(session, period)

    # ------------------------------------------------------------ figures

    def _build(
        self, session: Session, period: str, label: str, current: Range, catalogue_period: str
    ) -> MonthlyReport:
        catalogue = self._catalogue_for(session, catalogue_period)
        end = current[1]
        ytd = (date(end.year, 1, 1), end)
        ranges = _Ranges(current, ytd, (date(end.year - 1, 1, 1), _year_before(end)))
        engine = _Engine(session, catalogue, ranges)
        campaigns = {code: name for code, name in session.execute(select(Campaign.code, Campaign.name))}
        lines = _lines(engine, catalogue, campaigns)
        stored = {
            code: text
            for code, text in session.execute(
                select(ReportValue.code, ReportValue.text).where(
                    ReportValue.deleted.is_(False),
                    ReportValue.period == catalogue_period,
                    ReportValue.disagg == "",
                )
            )
        }
        narrative = tuple(
            NarrativeText(
                item.code, item.label_vi, stored.get(item.code, "") if period == catalogue_period else ""
            )
            for item in catalogue.narrative
        )
        lock = session.get(PeriodLock, period) if _PERIOD_RE.match(period) else None
        return MonthlyReport(
            period=period,
            period_label=label,
            date_from=current[0],
            date_to=current[1],
            catalogue_version=catalogue.version,
            sections=tuple(ReportSection(s.key, s.roman, s.label_vi) for s in catalogue.sections),
            lines=tuple(lines),
            narrative=narrative,
            closed=lock is not None,
            closed_by=lock.locked_by if lock is not None else "",
            closed_at=lock.locked_at if lock is not None else None,
        )

    def report(self, period: str) -> MonthlyReport:
        """Every indicator of the month with its year to date, the same period last year, the %
        comparison, the annual plan and the % of plan. Read-only; any thread."""
        first, last = parse_period(period)
        period = _period_of(first)
        with self._ctx.sessions() as session:
            return self._build(
                session, period, f"tháng {first.month:02d}/{first.year}", (first, last), period
            )

    def quarter(self, year: int, q: int) -> MonthlyReport:
        """The quarter's figures (period "YYYY-Qn"), year to date at its end. Read-only; any thread."""
        if q not in (1, 2, 3, 4) or not 1900 <= year <= 9999:
            raise ValidationError(
                _("Quý phải từ 1 đến 4 (đã nhập quý {q} năm {year}).").format(q=q, year=year),
                fields={"quarter": _("Từ 1 đến 4.")},
            )
        first, last = date(year, 3 * q - 2, 1), _month_end(year, 3 * q)
        with self._ctx.sessions() as session:
            return self._build(
                session,
                f"{year}-Q{q}",
                f"quý {_ROMAN_QUARTERS[q - 1]}/{year}",
                (first, last),
                _period_of(last),
            )

    def year_to_date(self, period: str) -> MonthlyReport:
        """From 1 January to the end of the month (period "YYYY-MM/YTD"). Read-only; any thread."""
        first, last = parse_period(period)
        start = date(first.year, 1, 1)
        label = f"từ tháng 01 đến tháng {first.month:02d}/{first.year}"
        with self._ctx.sessions() as session:
            return self._build(session, f"{_period_of(first)}/YTD", label, (start, last), _period_of(first))

    def indicators(self, period: str) -> list[IndicatorValue]:
        """The month's figure of every indicator and of each of its breakdowns (every fixed
        breakdown value, zeros included; campaign breakdowns as present), in catalogue order. A
        hand-entered indicator not yet entered is left out. Read-only; any thread."""
        report = self.report(period)
        with self._ctx.sessions() as session:
            catalogue = self._catalogue_for(session, _period_of(parse_period(period)[0]))
        result: list[IndicatorValue] = []
        for indicator in catalogue.indicators:
            own = report.line(indicator.code)
            if own is None or own.month is None:
                continue
            result.append(IndicatorValue(indicator.code, indicator.label_vi, indicator.unit, own.month))
            if indicator.disagg is None:
                continue
            present = {x.disagg: x for x in report.lines if x.code == indicator.code and x.disagg}
            fixed = [f"{indicator.disagg}={v}" for v in DISAGG_VALUES[indicator.disagg]]
            keys = fixed + [k for k in present if k not in fixed]
            for key in keys:
                line = present.get(key)
                result.append(
                    IndicatorValue(
                        indicator.code,
                        line.label if line is not None else _disagg_label(key, {}),
                        indicator.unit,
                        (line.month or 0) if line is not None else 0,
                        key,
                    )
                )
        return result

    # ------------------------------------------------------------ hand-entered figures

    def set_manual(self, period: str, code: str, value: int) -> IndicatorValue:
        """Stores a hand-entered figure of the month (an indicator with no record kind, or an
        activities row while the branch keeps no activity records). Refused in a closed month
        (PERIOD_LOCKED). One transaction; the writer thread; audited."""
        first, _last = parse_period(period)
        period = _period_of(first)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValidationError(
                _("Số liệu phải là số nguyên không âm."), fields={"value": _("Số nguyên từ 0 trở lên.")}
            )
        with self._ctx.sessions.begin() as session:
            catalogue = self._catalogue_for(session, period)
            indicator = catalogue.indicator(code)
            if indicator is None:
                raise ValidationError(
                    _("Không có chỉ tiêu mã {code} trong danh mục {version}.").format(
                        code=code, version=catalogue.version
                    ),
                    fields={"code": _("Mã không có trong danh mục.")},
                )
            if not (indicator.is_manual or indicator.fallback_manual):
                raise ValidationError(
                    _(
                        "Chỉ tiêu {code} ({label}) được tính tự động từ dữ liệu; không nhập tay. "
                        "Hãy sửa các bản ghi gốc nếu số liệu chưa đúng."
                    ).format(code=code, label=indicator.label_vi),
                    fields={"code": _("Chỉ tiêu tính tự động.")},
                )
            ensure_period_open(session, first)
            self._store(session, period, code, value=value)
            return IndicatorValue(code, indicator.label_vi, indicator.unit, value)

    def set_narrative(self, period: str, code: str, text: str) -> None:
        """Stores one of the text sections (ND.DANH_GIA…) of the month. Refused in a closed month.
        One transaction; the writer thread; audited."""
        first, _last = parse_period(period)
        period = _period_of(first)
        with self._ctx.sessions.begin() as session:
            catalogue = self._catalogue_for(session, period)
            if catalogue.narrative_item(code) is None:
                raise ValidationError(
                    _("Không có mục nội dung mã {code} trong danh mục {version}.").format(
                        code=code, version=catalogue.version
                    ),
                    fields={"code": _("Mã không có trong danh mục.")},
                )
            ensure_period_open(session, first)
            self._store(session, period, code, text=normalize_text(text))

    @staticmethod
    def _store(session: Session, period: str, code: str, *, value: int = 0, text: str = "") -> None:
        row = session.scalar(
            select(ReportValue).where(
                ReportValue.period == period, ReportValue.code == code, ReportValue.disagg == ""
            )
        )
        if row is None:
            session.add(ReportValue(period=period, code=code, disagg="", value=value, text=text))
        else:
            # Only changed attributes are set, so an unchanged save writes no audit row.
            for key, new in (("value", value), ("text", text), ("deleted", False)):
                if getattr(row, key) != new:
                    setattr(row, key, new)
        session.flush()

    def manual_values(self, period: str) -> dict[str, int]:
        """The figures entered by hand for the month, by code. Read-only; any thread."""
        first, _last = parse_period(period)
        with self._ctx.sessions() as session:
            rows = session.execute(
                select(ReportValue.code, ReportValue.value).where(
                    ReportValue.deleted.is_(False),
                    ReportValue.period == _period_of(first),
                    ReportValue.text == "",
                )
            )
            return {code: int(value) for code, value in rows}

    # ------------------------------------------------------------ plans

    def plans(self, year: int) -> dict[str, int]:
        """The annual targets of a year, by plan key. Read-only; any thread."""
        with self._ctx.sessions() as session:
            plans = read_setting(session, "plans") or {}
            return {str(k): int(v) for k, v in dict(plans.get(str(year)) or {}).items()}

    def set_plan(self, year: int, code: str, value: int) -> None:
        """Sets the annual target of an indicator that has one. One transaction; the writer thread."""
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValidationError(
                _("Kế hoạch phải là số nguyên không âm."), fields={"value": _("Số nguyên.")}
            )
        with self._ctx.sessions.begin() as session:
            indicator = self._catalogue_for(session, None).indicator(code)
            if indicator is None or indicator.plan_key is None:
                raise ValidationError(
                    _("Chỉ tiêu {code} không có kế hoạch năm.").format(code=code),
                    fields={"code": _("Không có kế hoạch năm.")},
                )
            plans = read_setting(session, "plans") or {}
            plans = {str(k): dict(v) for k, v in dict(plans).items()}
            plans.setdefault(str(year), {})[indicator.plan_key] = value
            write_setting(session, "plans", plans)

    # ------------------------------------------------------------ closing

    def period_status(self, period: str) -> PeriodStatus:
        """Read-only; any thread."""
        first, _last = parse_period(period)
        period = _period_of(first)
        with self._ctx.sessions() as session:
            lock = session.get(PeriodLock, period)
            recorded = session.get(ReportPeriod, period)
            version = recorded.catalogue_version if recorded else self._catalogue_for(session, None).version
            if lock is None:
                return PeriodStatus(period, False, "", None, "", version)
            return PeriodStatus(period, True, lock.locked_by, lock.locked_at, lock.reason, version)

    def close_period(self, period: str, reason: str = "") -> PeriodStatus:
        """The chair closes the month (chốt số liệu): every service then refuses changes dated in
        it (PERIOD_LOCKED), and the report keeps the catalogue version it was closed with.
        One transaction with its audit row (action "close"); the writer thread."""
        first, _last = parse_period(period)
        period = _period_of(first)
        if first > date.today():
            raise ValidationError(
                _("Tháng {month} chưa bắt đầu; chỉ chốt số liệu tháng đã qua hoặc tháng hiện tại.").format(
                    month=f"{first.month:02d}/{first.year}"
                ),
                fields={"period": _("Tháng chưa bắt đầu.")},
            )
        reason = normalize_text(reason)
        with self._ctx.sessions.begin() as session:
            lock = session.get(PeriodLock, period)
            if lock is not None:
                raise ValidationError(
                    _("Tháng {month} đã chốt số liệu ({who}).").format(
                        month=f"{first.month:02d}/{first.year}", who=lock.locked_by
                    ),
                    fields={"period": _("Đã chốt.")},
                )
            recorded = session.get(ReportPeriod, period)
            now = utcnow()
            if recorded is None:
                recorded = ReportPeriod(
                    period=period, catalogue_version=self._catalogue_for(session, period).version
                )
                session.add(recorded)
            recorded.closed_at, recorded.closed_by = now, self._ctx.actor
            lock = PeriodLock(period=period, locked_at=now, locked_by=self._ctx.actor, reason=reason)
            session.add(lock)
            session.add(
                AuditEntry(
                    actor=self._ctx.actor,
                    table_name=PeriodLock.__tablename__,
                    record_uuid=f"period:{period}",
                    action="close",
                    before=None,
                    after=json.dumps(
                        {"period": period, "catalogue_version": recorded.catalogue_version},
                        ensure_ascii=False,
                    ),
                    reason=reason,
                )
            )
            session.flush()
            return PeriodStatus(period, True, lock.locked_by, now, reason, recorded.catalogue_version)

    def reopen_period(self, period: str, reason: str) -> PeriodStatus:
        """Reopens a closed month; the reason is required and recorded. One transaction with its
        audit row (action "reopen"); the writer thread."""
        first, _last = parse_period(period)
        period = _period_of(first)
        reason = normalize_text(reason)
        if not reason:
            raise ValidationError(
                _("Hãy ghi lý do mở lại tháng đã chốt (ví dụ: bổ sung biên nhận bị sót)."),
                fields={"reason": _("Bắt buộc.")},
            )
        with self._ctx.sessions.begin() as session:
            lock = session.get(PeriodLock, period)
            if lock is None:
                raise ValidationError(
                    _("Tháng {month} chưa chốt số liệu nên không cần mở lại.").format(
                        month=f"{first.month:02d}/{first.year}"
                    ),
                    fields={"period": _("Chưa chốt.")},
                )
            before = {
                "period": period,
                "locked_by": lock.locked_by,
                "locked_at": lock.locked_at.isoformat(),
                "reason": lock.reason,
            }
            session.delete(lock)
            session.add(
                AuditEntry(
                    actor=self._ctx.actor,
                    table_name=PeriodLock.__tablename__,
                    record_uuid=f"period:{period}",
                    action="reopen",
                    before=json.dumps(before, ensure_ascii=False),
                    after=None,
                    reason=reason,
                )
            )
            session.flush()
            recorded = session.get(ReportPeriod, period)
            version = recorded.catalogue_version if recorded else self._catalogue_for(session, period).version
            return PeriodStatus(period, False, "", None, reason, version)

    # ------------------------------------------------------------ workbooks

    def report_dto(
        self,
        period: str,
        number: str = "",
        *,
        report_date: date | None = None,
        recipients: Sequence[str] | None = None,
    ) -> ReportDTO:
        """Everything the report workbook prints. Read-only; any thread."""
        report = self.report(period)
        with self._ctx.sessions() as session:
            head, branch = _letterhead(session)
            settings = read_setting(session, "report") or {}
            suffix = str(settings.get("number_suffix") or "BC-CTĐ")
            in_month = [Donation.received_on.between(report.date_from, report.date_to)]
            given = [ReliefRecord.given_on.between(report.date_from, report.date_to)]
            return ReportDTO(
                letterhead=head,
                number=normalize_text(number),
                number_suffix=suffix,
                report_date=report_date or date.today(),
                recipients=tuple(recipients) if recipients is not None else default_recipients(branch),
                report=report,
                donations=tuple(_donation_details(session, in_month)),
                relief=tuple(_relief_details(session, given)),
            )

    def write_report(
        self, period: str, out: Path, number: str = "", *, report_date: date | None = None
    ) -> Path:
        """Writes the Decree 30 report workbook of the month to `out` (atomically: a failed export
        leaves nothing, EXPORT_FAILED). Read-only; any thread."""
        dto = self.report_dto(period, number, report_date=report_date)
        return _atomic_write(Path(out), lambda path: write_report_workbook(path, dto))

    def disclosure_dto(self, target: int | str, *, disclosure_date: date | None = None) -> DisclosureDTO:
        """The Decree 93 disclosure of a campaign (its id) or of a month ("YYYY-MM").
        Read-only; any thread."""
        start: date | None
        end: date | None
        with self._ctx.sessions() as session:
            head, _branch = _letterhead(session)
            if isinstance(target, str):
                first, last = parse_period(target)
                donations = _donation_details(session, [Donation.received_on.between(first, last)])
                support = _relief_details(session, [ReliefRecord.given_on.between(first, last)])
                channel_rows = session.scalars(
                    select(Donation.channel).where(*_valid_donations(first, last)).distinct()
                )
                scope, documents, start, end = f"Tháng {first.month:02d}/{first.year}", "", first, last
            else:
                campaign = session.get(Campaign, target)
                if campaign is None or campaign.deleted:
                    raise NotFoundError(_("Đợt vận động này không còn trong dữ liệu."))
                donations = _donation_details(session, [Donation.campaign_id == campaign.id])
                support = _relief_details(session, [ReliefRecord.campaign_id == campaign.id])
                channel_rows = session.scalars(
                    select(Donation.channel)
                    .where(
                        Donation.deleted.is_(False),
                        Donation.status == "valid",
                        Donation.campaign_id == campaign.id,
                    )
                    .distinct()
                )
                scope = f"Đợt vận động: {campaign.name}"
                documents, start, end = campaign.documents, campaign.start_date, campaign.end_date
            used = set(channel_rows)
            channels = tuple(_(DONATION_CHANNELS[c]) for c in DONATION_CHANNELS if c in used)
            return DisclosureDTO(
                letterhead=head,
                disclosure_date=disclosure_date or date.today(),
                scope_label=scope,
                documents=documents,
                receiving_from=start,
                receiving_to=end,
                channels=channels,
                donations=tuple(donations),
                support=tuple(support),
            )

    def write_disclosure(self, target: int | str, out: Path, *, disclosure_date: date | None = None) -> Path:
        """Writes the "BẢNG CÔNG KHAI" workbook of a campaign (its id) or a month ("YYYY-MM") to
        `out`, atomically. Read-only; any thread."""
        dto = self.disclosure_dto(target, disclosure_date=disclosure_date)
        return _atomic_write(Path(out), lambda path: write_disclosure_workbook(path, dto))
