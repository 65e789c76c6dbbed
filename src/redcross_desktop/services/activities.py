# SPDX-License-Identifier: MIT
"""Activities with their counts (domain.md §2.9) and the family tracing register. Qt-free.

An activity is counted in the month of its start date. Tracing narratives are sensitive
(domain.md §6): only counts by status leave the commune.
"""

from __future__ import annotations

import builtins
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..core.errors import NotFoundError, ValidationError
from ..core.i18n import _
from ..core.vn import fold, format_date, normalize_text
from ..db.models import Activity, Campaign, TracingCase
from ..domain.codes import ACTIVITY_TYPES, TRACING_STATUSES
from .context import ServiceContext, ensure_period_open

# Statuses that end a case; they carry the closing date.
CLOSING_STATUSES = frozenset({"found", "closed"})
_COUNT_FIELDS = ("sessions", "participants", "cases", "people_served", "value_vnd", "cost_vnd")


@dataclass(frozen=True)
class ActivityInput:
    type: str
    title: str
    start_date: date
    end_date: date | None = None
    place: str = ""
    partners: str = ""
    campaign_id: int | None = None
    sessions: int = 1  # courses, drills, talks (buổi)
    participants: int = 0  # trainees, participants, people reached
    cases: int = 0  # real first-aid cases, news items
    people_served: int = 0  # people examined or given gifts
    value_vnd: int = 0
    cost_vnd: int = 0
    note: str = ""


@dataclass(frozen=True)
class ActivityRow:
    id: int
    uuid: str
    type: str
    type_label: str
    title: str
    start_date: date
    end_date: date | None
    place: str
    partners: str
    campaign_id: int | None
    sessions: int
    participants: int
    cases: int
    people_served: int
    value_vnd: int
    cost_vnd: int
    note: str
    version: int

    @classmethod
    def from_model(cls, a: Activity) -> ActivityRow:
        return cls(
            a.id,
            a.uuid,
            a.type,
            _(ACTIVITY_TYPES.get(a.type, a.type)),
            a.title,
            a.start_date,
            a.end_date,
            a.place,
            a.partners,
            a.campaign_id,
            a.sessions,
            a.participants,
            a.cases,
            a.people_served,
            a.value_vnd,
            a.cost_vnd,
            a.note,
            a.version,
        )


@dataclass(frozen=True)
class ActivityQuery:
    type: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    text: str = ""  # accent-insensitive, in title, place and partners


@dataclass(frozen=True)
class ActivityTotals:
    count: int
    sessions: int
    participants: int
    cases: int
    people_served: int
    value_vnd: int


@dataclass(frozen=True)
class TracingInput:
    received_on: date
    requester: str
    sought_person: str
    narrative: str = ""


@dataclass(frozen=True)
class TracingRow:
    id: int
    uuid: str
    received_on: date
    requester: str
    sought_person: str
    status: str
    status_label: str
    closed_on: date | None
    narrative: str
    version: int

    @classmethod
    def from_model(cls, c: TracingCase) -> TracingRow:
        return cls(
            c.id,
            c.uuid,
            c.received_on,
            c.requester,
            c.sought_person,
            c.status,
            _(TRACING_STATUSES.get(c.status, c.status)),
            c.closed_on,
            c.narrative,
            c.version,
        )


def _get(session: Session, activity_id: int) -> Activity:
    activity = session.get(Activity, activity_id)
    if activity is None or activity.deleted:
        raise NotFoundError(_("Hoạt động này không còn trong dữ liệu."))
    return activity


def _get_case(session: Session, case_id: int) -> TracingCase:
    case = session.get(TracingCase, case_id)
    if case is None or case.deleted:
        raise NotFoundError(_("Hồ sơ tìm kiếm thân nhân này không còn trong dữ liệu."))
    return case


def _apply(session: Session, activity: Activity, data: ActivityInput) -> None:
    errors: dict[str, str] = {}
    if data.type not in ACTIVITY_TYPES:
        errors["type"] = _("Hãy chọn loại hoạt động.")
    title = normalize_text(data.title)
    if not title:
        errors["title"] = _("Hãy nhập tên hoạt động.")
    if data.end_date is not None and data.end_date < data.start_date:
        errors["end_date"] = _("Ngày kết thúc phải từ ngày bắt đầu ({day}) trở đi.").format(
            day=format_date(data.start_date)
        )
    for name in _COUNT_FIELDS:
        if getattr(data, name) < 0:
            errors[name] = _("Số liệu không được âm.")
    if data.campaign_id is not None:
        campaign = session.get(Campaign, data.campaign_id)
        if campaign is None or campaign.deleted:
            errors["campaign_id"] = _("Đợt vận động đã chọn không còn trong dữ liệu. Hãy chọn lại.")
    if errors:
        raise ValidationError(
            _("Thông tin hoạt động chưa hợp lệ: {details}").format(details="; ".join(errors.values())),
            fields=errors,
        )
    values: dict[str, object] = {
        "type": data.type,
        "title": title,
        "start_date": data.start_date,
        "end_date": data.end_date,
        "place": normalize_text(data.place),
        "partners": normalize_text(data.partners),
        "campaign_id": data.campaign_id,
        "note": normalize_text(data.note),
    }
    values.update({name: getattr(data, name) for name in _COUNT_FIELDS})
    # Only changed attributes are set, so an unchanged save writes no audit row and keeps the version.
    for key, value in values.items():
        if getattr(activity, key, None) != value:
            setattr(activity, key, value)


class ActivityService:
    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    # ------------------------------------------------------------ activities

    def record(self, data: ActivityInput) -> ActivityRow:
        """One transaction; the writer thread. Counts ≥ 0, end ≥ start, the start month open."""
        with self._ctx.sessions.begin() as session:
            activity = Activity()
            _apply(session, activity, data)
            ensure_period_open(session, data.start_date)
            session.add(activity)
            session.flush()
            return ActivityRow.from_model(activity)

    def update(self, activity_id: int, data: ActivityInput) -> ActivityRow:
        """One transaction; the writer thread. Both the old and the new start month must be open;
        bumps the version."""
        with self._ctx.sessions.begin() as session:
            activity = _get(session, activity_id)
            ensure_period_open(session, activity.start_date, data.start_date)
            _apply(session, activity, data)
            session.flush()
            return ActivityRow.from_model(activity)

    def delete(self, activity_id: int) -> None:
        """One transaction; the writer thread. Leaves a tombstone; the month must be open."""
        with self._ctx.sessions.begin() as session:
            activity = _get(session, activity_id)
            ensure_period_open(session, activity.start_date)
            activity.deleted = True

    def get(self, activity_id: int) -> ActivityRow:
        """Read-only; any thread."""
        with self._ctx.sessions() as session:
            return ActivityRow.from_model(_get(session, activity_id))

    def list(self, query: ActivityQuery | None = None) -> builtins.list[ActivityRow]:
        """Newest first. Read-only; any thread."""
        query = query or ActivityQuery()
        stmt = select(Activity).where(Activity.deleted.is_(False))
        if query.type:
            stmt = stmt.where(Activity.type == query.type)
        if query.date_from is not None:
            stmt = stmt.where(Activity.start_date >= query.date_from)
        if query.date_to is not None:
            stmt = stmt.where(Activity.start_date <= query.date_to)
        stmt = stmt.order_by(Activity.start_date.desc(), Activity.id.desc())
        needle = fold(query.text)
        with self._ctx.sessions() as session:
            rows = [ActivityRow.from_model(a) for a in session.scalars(stmt)]
        if needle:
            # SQLite cannot fold Vietnamese accents; a commune's activities are few enough to filter here.
            rows = [r for r in rows if needle in fold(f"{r.title} {r.place} {r.partners}")]
        return rows

    def totals(self, date_from: date, date_to: date) -> dict[str, ActivityTotals]:
        """Counts and sums by type for activities starting within the dates (only types that have
        some). Read-only; any thread."""
        stmt = (
            select(
                Activity.type,
                func.count(),
                func.sum(Activity.sessions),
                func.sum(Activity.participants),
                func.sum(Activity.cases),
                func.sum(Activity.people_served),
                func.sum(Activity.value_vnd),
            )
            .where(
                Activity.deleted.is_(False), Activity.start_date >= date_from, Activity.start_date <= date_to
            )
            .group_by(Activity.type)
        )
        with self._ctx.sessions() as session:
            return {
                kind: ActivityTotals(*(int(x or 0) for x in figures))
                for kind, *figures in session.execute(stmt)
            }

    # ------------------------------------------------------------ tracing register

    def open_case(self, data: TracingInput) -> TracingRow:
        """One transaction; the writer thread. A new case starts as "received"."""
        errors: dict[str, str] = {}
        requester, sought = normalize_text(data.requester), normalize_text(data.sought_person)
        if not requester:
            errors["requester"] = _("Hãy nhập người yêu cầu tìm kiếm.")
        if not sought:
            errors["sought_person"] = _("Hãy nhập người cần tìm.")
        if data.received_on > date.today():
            errors["received_on"] = _("Ngày tiếp nhận ở tương lai; hãy kiểm tra lại.")
        if errors:
            raise ValidationError(
                _("Hồ sơ tìm kiếm chưa hợp lệ: {details}").format(details="; ".join(errors.values())),
                fields=errors,
            )
        with self._ctx.sessions.begin() as session:
            ensure_period_open(session, data.received_on)
            case = TracingCase(
                received_on=data.received_on,
                requester=requester,
                sought_person=sought,
                narrative=normalize_text(data.narrative),
                status="received",
            )
            session.add(case)
            session.flush()
            return TracingRow.from_model(case)

    def update_case(self, case_id: int, data: TracingInput) -> TracingRow:
        """One transaction; the writer thread. Corrects the requester, person sought or narrative."""
        requester, sought = normalize_text(data.requester), normalize_text(data.sought_person)
        if not requester or not sought:
            raise ValidationError(_("Hãy nhập người yêu cầu và người cần tìm."))
        with self._ctx.sessions.begin() as session:
            case = _get_case(session, case_id)
            if data.received_on != case.received_on:
                ensure_period_open(session, case.received_on, data.received_on)
            if case.closed_on is not None and case.closed_on < data.received_on:
                raise ValidationError(_("Ngày tiếp nhận phải trước ngày kết thúc hồ sơ."))
            values = {
                "received_on": data.received_on,
                "requester": requester,
                "sought_person": sought,
                "narrative": normalize_text(data.narrative),
            }
            for key, value in values.items():
                if getattr(case, key) != value:
                    setattr(case, key, value)
            session.flush()
            return TracingRow.from_model(case)

    def set_case_status(self, case_id: int, status: str, closed_on: date | None = None) -> TracingRow:
        """One transaction; the writer thread. "found" and "closed" end the case on `closed_on`
        (today when not given); any other status reopens it and clears the date."""
        if status not in TRACING_STATUSES:
            raise ValidationError(
                _("Trạng thái hồ sơ không hợp lệ."), fields={"status": _("Hãy chọn trạng thái.")}
            )
        with self._ctx.sessions.begin() as session:
            case = _get_case(session, case_id)
            new_closed = (closed_on or date.today()) if status in CLOSING_STATUSES else None
            if new_closed is not None and new_closed < case.received_on:
                raise ValidationError(
                    _("Ngày kết thúc hồ sơ phải từ ngày tiếp nhận ({day}) trở đi.").format(
                        day=format_date(case.received_on)
                    ),
                    fields={"closed_on": _("Trước ngày tiếp nhận.")},
                )
            if new_closed is not None and new_closed > date.today():
                raise ValidationError(
                    _("Ngày kết thúc hồ sơ ở tương lai; hãy kiểm tra lại."),
                    fields={"closed_on": _("Ngày ở tương lai.")},
                )
            # Results are counted in the month the case ends; both the old and new month change.
            if new_closed != case.closed_on or status != case.status:
                ensure_period_open(session, case.closed_on, new_closed)
            if case.status != status:
                case.status = status
            if case.closed_on != new_closed:
                case.closed_on = new_closed
            session.flush()
            return TracingRow.from_model(case)

    def get_case(self, case_id: int) -> TracingRow:
        """Read-only; any thread."""
        with self._ctx.sessions() as session:
            return TracingRow.from_model(_get_case(session, case_id))

    def cases(self, status: str | None = None) -> builtins.list[TracingRow]:
        """The register, newest first. Read-only; any thread."""
        stmt = select(TracingCase).where(TracingCase.deleted.is_(False))
        if status:
            stmt = stmt.where(TracingCase.status == status)
        stmt = stmt.order_by(TracingCase.received_on.desc(), TracingCase.id.desc())
        with self._ctx.sessions() as session:
            return [TracingRow.from_model(c) for c in session.scalars(stmt)]

    def case_counts(self, date_from: date, date_to: date) -> dict[str, int]:
        """Cases received within the dates, by their current status (every status present).
        Read-only; any thread."""
        result = dict.fromkeys(TRACING_STATUSES, 0)
        stmt = (
            select(TracingCase.status, func.count())
            .where(
                TracingCase.deleted.is_(False),
                TracingCase.received_on >= date_from,
                TracingCase.received_on <= date_to,
            )
            .group_by(TracingCase.status)
        )
        with self._ctx.sessions() as session:
            for status, count in session.execute(stmt):
                result[status] = int(count)
        return result
