# SPDX-License-Identifier: MIT
"""Members, volunteers and youth (domain.md §2.8): enrolment and leaving, sub-units (chi hội,
teams and clubs), dues (hội phí) and volunteer hours. Qt-free.

A person holds at most one active membership per category; a person who is both hội viên and
TNV has two memberships. Dues and hours point at the membership, not the person.
"""

from __future__ import annotations

import builtins
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, selectinload

from ..core.errors import DuplicateError, NotFoundError, ValidationError
from ..core.i18n import _
from ..core.vn import collation_key, fold, format_date, format_vnd, normalize_text
from ..db.audit import set_audit_reason
from ..db.models import Activity, DuesPayment, Membership, Person, SubUnit, VolunteerHours
from ..domain import dues as rules
from ..domain.codes import MEMBER_CATEGORIES, SUB_UNIT_KINDS, VOLUNTEER_RANKS
from .context import ServiceContext, ensure_period_open
from .settings import read_setting

VOLUNTEER = "volunteer"


# ---------------------------------------------------------------- DTOs


@dataclass(frozen=True)
class MembershipInput:
    person_id: int
    category: str
    joined_on: date
    member_no: str = ""
    sub_unit_id: int | None = None
    volunteer_rank: str = ""
    skills: str = ""
    dues_exempt: bool = False
    exempt_reason: str = ""


@dataclass(frozen=True)
class MembershipRow:
    id: int
    uuid: str
    person_id: int
    person_name: str
    category: str
    category_label: str
    member_no: str
    sub_unit_id: int | None
    sub_unit_name: str
    joined_on: date
    left_on: date | None
    leave_reason: str
    rank: str
    skills: str
    exempt: bool
    exempt_reason: str
    version: int

    @classmethod
    def from_model(cls, m: Membership) -> MembershipRow:
        return cls(
            m.id,
            m.uuid,
            m.person_id,
            m.person.full_name,
            m.category,
            _(MEMBER_CATEGORIES.get(m.category, m.category)),
            m.member_no,
            m.sub_unit_id,
            m.sub_unit.name if m.sub_unit else "",
            m.joined_on,
            m.left_on,
            m.leave_reason,
            m.volunteer_rank,
            m.skills,
            m.dues_exempt,
            m.exempt_reason,
            m.version,
        )

    @property
    def rank_label(self) -> str:
        return _(VOLUNTEER_RANKS[self.rank]) if self.rank in VOLUNTEER_RANKS else ""


@dataclass(frozen=True)
class SavedMembership:
    row: MembershipRow
    warnings: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class MemberQuery:
    category: str | None = None
    sub_unit_id: int | None = None
    active_on: date | None = None
    text: str = ""


@dataclass(frozen=True)
class SubUnitRow:
    id: int
    uuid: str
    kind: str
    kind_label: str
    name: str
    note: str
    version: int

    @classmethod
    def from_model(cls, s: SubUnit) -> SubUnitRow:
        return cls(s.id, s.uuid, s.kind, _(SUB_UNIT_KINDS.get(s.kind, s.kind)), s.name, s.note, s.version)


@dataclass(frozen=True)
class DuesInput:
    membership_id: int
    paid_on: date
    first_month: str  # YYYY-MM
    months: int
    amount_vnd: int
    collector: str = ""


@dataclass(frozen=True)
class DuesRow:
    id: int
    uuid: str
    membership_id: int
    paid_on: date
    first_month: str
    months: int
    months_covered: tuple[str, ...]
    amount_vnd: int
    collector: str
    version: int

    @classmethod
    def from_model(cls, p: DuesPayment) -> DuesRow:
        covered = tuple(rules.months_covered(p.first_month, p.months))
        return cls(
            p.id,
            p.uuid,
            p.membership_id,
            p.paid_on,
            p.first_month,
            p.months,
            covered,
            p.amount_vnd,
            p.collector,
            p.version,
        )


@dataclass(frozen=True)
class SavedDues:
    row: DuesRow
    warnings: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class DuesStatus:
    paid_months: tuple[str, ...]  # every month paid, prepaid months after `up_to_month` included
    unpaid_months: tuple[str, ...]  # owed from the join month to `up_to_month`
    amount_due: int
    exempt: bool = False


@dataclass(frozen=True)
class HoursInput:
    membership_id: int
    worked_on: date
    minutes: int
    description: str = ""
    activity_id: int | None = None
    verified_by: str = ""


@dataclass(frozen=True)
class HoursRow:
    id: int
    uuid: str
    membership_id: int
    worked_on: date
    minutes: int
    description: str
    activity_id: int | None
    verified_by: str
    version: int

    @classmethod
    def from_model(cls, h: VolunteerHours) -> HoursRow:
        return cls(
            h.id,
            h.uuid,
            h.membership_id,
            h.worked_on,
            h.minutes,
            h.description,
            h.activity_id,
            h.verified_by,
            h.version,
        )


# ---------------------------------------------------------------- helpers


def _get_membership(session: Session, membership_id: int) -> Membership:
    membership = session.get(Membership, membership_id)
    if membership is None or membership.deleted:
        raise NotFoundError(_("Hội viên/tình nguyện viên này không còn trong dữ liệu."))
    return membership


def _active_clause(day: date) -> Any:
    return (Membership.joined_on <= day) & (Membership.left_on.is_(None) | (Membership.left_on > day))


def _row_query() -> Select[Membership]:
    return (
        select(Membership)
        .join(Person, Person.id == Membership.person_id)
        .where(Membership.deleted.is_(False))
        .options(selectinload(Membership.person), selectinload(Membership.sub_unit))
        .order_by(Person.sort_key, Membership.id)
    )


def _dues_settings(session: Session) -> dict[str, Any]:
    value = read_setting(session, "dues") or {}
    return dict(value)


def _validate(session: Session, data: MembershipInput) -> tuple[Person, dict[str, Any]]:
    """Checks `data`; returns the person and the cleaned values (errors raise)."""
    errors: dict[str, str] = {}
    person = session.get(Person, data.person_id)
    if person is None or person.deleted:
        raise NotFoundError(_("Người này không còn trong dữ liệu. Hãy chọn lại người."))
    if data.category not in MEMBER_CATEGORIES:
        errors["category"] = _("Hãy chọn loại: hội viên, tình nguyện viên, thanh niên hoặc thiếu niên CTĐ.")
    rank = data.volunteer_rank.strip()
    if rank and rank not in VOLUNTEER_RANKS:
        errors["volunteer_rank"] = _("Hạng tình nguyện viên không hợp lệ.")
    elif rank and data.category != VOLUNTEER:
        errors["volunteer_rank"] = _("Chỉ tình nguyện viên mới có hạng TNV.")
    if data.category == VOLUNTEER and not rules.old_enough(
        person.birth_date, person.birth_year, data.joined_on
    ):
        errors["joined_on"] = _(
            "{name} chưa đủ 18 tuổi vào ngày {day}; tình nguyện viên phải từ 18 tuổi. "
            "Hãy đăng ký là thanh niên hoặc thiếu niên CTĐ."
        ).format(name=person.full_name, day=format_date(data.joined_on))
    if data.joined_on > date.today():
        errors["joined_on"] = _("Ngày vào Hội ở tương lai; hãy kiểm tra lại.")
    exempt_reason = normalize_text(data.exempt_reason)
    if data.dues_exempt and not exempt_reason:
        errors["exempt_reason"] = _(
            "Miễn hội phí cần ghi lý do (ví dụ: hoàn cảnh khó khăn, theo quyết định của BTV)."
        )
    if data.sub_unit_id is not None:
        unit = session.get(SubUnit, data.sub_unit_id)
        if unit is None or unit.deleted:
            errors["sub_unit_id"] = _("Chi hội/đội đã chọn không còn trong dữ liệu. Hãy chọn lại.")
    if errors:
        raise ValidationError(
            _("Thông tin hội viên chưa hợp lệ: {details}").format(details="; ".join(errors.values())),
            fields=errors,
        )
    values: dict[str, Any] = {
        "person_id": person.id,
        "category": data.category,
        "member_no": normalize_text(data.member_no),
        "sub_unit_id": data.sub_unit_id,
        "joined_on": data.joined_on,
        "volunteer_rank": rank,
        "skills": normalize_text(data.skills),
        "dues_exempt": data.dues_exempt,
        "exempt_reason": exempt_reason if data.dues_exempt else "",
    }
    return person, values


def _ensure_single_active(
    session: Session, person: Person, category: str, joined_on: date, own_id: int | None
) -> None:
    """A person has one membership per category at a time: any other one still running on or
    after the new join date is a duplicate."""
    other = session.scalar(
        select(Membership).where(
            Membership.person_id == person.id,
            Membership.category == category,
            Membership.deleted.is_(False),
            Membership.id != (own_id or -1),
            Membership.left_on.is_(None) | (Membership.left_on > joined_on),
        )
    )
    if other is not None:
        raise DuplicateError(
            _("{name} đã là {category} (vào ngày {day}). Hãy mở hồ sơ đó thay vì đăng ký lần nữa.").format(
                name=person.full_name,
                category=_(MEMBER_CATEGORIES[category]).lower(),
                day=format_date(other.joined_on),
            )
        )


def _cap_warnings(session: Session, category: str) -> list[str]:
    """The exemption cap is counted among the current members of the same category."""
    current = (Membership.deleted.is_(False), Membership.category == category, Membership.left_on.is_(None))
    active = session.scalar(select(func.count()).select_from(Membership).where(*current)) or 0
    exempt = (
        session.scalar(
            select(func.count()).select_from(Membership).where(*current, Membership.dues_exempt.is_(True))
        )
        or 0
    )
    cap = int(_dues_settings(session).get("exemption_cap_percent", 10))
    if rules.exemption_cap_exceeded(exempt, active, cap):
        return [
            _(
                "Số được miễn hội phí ({exempt}/{active}) vượt mức {cap} % số {category}. "
                "Hãy xem lại danh sách miễn hội phí với Ban Thường vụ."
            ).format(exempt=exempt, active=active, cap=cap, category=_(MEMBER_CATEGORIES[category]).lower())
        ]
    return []


def _paid_months(session: Session, membership_id: int, *, exclude_id: int | None = None) -> set[str]:
    paid: set[str] = set()
    payments = session.scalars(
        select(DuesPayment).where(
            DuesPayment.membership_id == membership_id,
            DuesPayment.deleted.is_(False),
            DuesPayment.id != (exclude_id or -1),
        )
    )
    for payment in payments:
        paid.update(rules.months_covered(payment.first_month, payment.months))
    return paid


# ---------------------------------------------------------------- service


class MembershipService:
    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    # ------------------------------------------------------------ memberships

    def enrol(self, data: MembershipInput) -> SavedMembership:
        """One transaction; the writer thread. One active membership per person and category
        (DUPLICATE); a volunteer is 18 or older on the join date; an exemption needs a reason;
        exemptions over the cap warn."""
        with self._ctx.sessions.begin() as session:
            person, values = _validate(session, data)
            _ensure_single_active(session, person, data.category, data.joined_on, None)
            ensure_period_open(session, data.joined_on)
            membership = Membership(**values)
            session.add(membership)
            session.flush()
            warnings = _cap_warnings(session, data.category) if data.dues_exempt else []
            return SavedMembership(MembershipRow.from_model(membership), tuple(warnings))

    def update(self, membership_id: int, data: MembershipInput) -> SavedMembership:
        """One transaction; the writer thread. Same rules as `enrol`; bumps the version."""
        with self._ctx.sessions.begin() as session:
            membership = _get_membership(session, membership_id)
            person, values = _validate(session, data)
            _ensure_single_active(session, person, data.category, data.joined_on, membership.id)
            if data.joined_on != membership.joined_on or data.category != membership.category:
                # Joins are counted in the month of the join date; both months' figures change.
                ensure_period_open(session, membership.joined_on, data.joined_on)
            if membership.left_on is not None and membership.left_on < data.joined_on:
                raise ValidationError(
                    _("Ngày vào Hội phải trước ngày ra Hội ({day}).").format(
                        day=format_date(membership.left_on)
                    ),
                    fields={"joined_on": _("Ngày vào sau ngày ra Hội.")},
                )
            for key, value in values.items():
                if getattr(membership, key) != value:
                    setattr(membership, key, value)
            session.flush()
            warnings = _cap_warnings(session, data.category) if data.dues_exempt else []
            return SavedMembership(MembershipRow.from_model(membership), tuple(warnings))

    def leave(self, membership_id: int, left_on: date, reason: str) -> MembershipRow:
        """One transaction; the writer thread. A reason is required and the date cannot precede
        the join date."""
        reason = normalize_text(reason)
        if not reason:
            raise ValidationError(
                _("Hãy ghi lý do ra Hội (ví dụ: chuyển nơi ở, xin thôi)."), fields={"reason": _("Cần lý do.")}
            )
        with self._ctx.sessions.begin() as session:
            membership = _get_membership(session, membership_id)
            if membership.left_on is not None:
                raise ValidationError(
                    _("{name} đã ra Hội ngày {day}.").format(
                        name=membership.person.full_name, day=format_date(membership.left_on)
                    )
                )
            if left_on < membership.joined_on:
                raise ValidationError(
                    _("Ngày ra Hội phải từ ngày vào Hội ({day}) trở đi.").format(
                        day=format_date(membership.joined_on)
                    ),
                    fields={"left_on": _("Ngày ra trước ngày vào Hội.")},
                )
            ensure_period_open(session, left_on)
            set_audit_reason(session, reason)
            membership.left_on, membership.leave_reason = left_on, reason
            session.flush()
            return MembershipRow.from_model(membership)

    def get(self, membership_id: int) -> MembershipRow:
        """Read-only; any thread."""
        with self._ctx.sessions() as session:
            return MembershipRow.from_model(_get_membership(session, membership_id))

    def list(self, query: MemberQuery | None = None) -> list[MembershipRow]:
        """Memberships in name order, filtered by category, sub-unit, active date and text (name,
        phone, CCCD accent-insensitive, or member number). Read-only; any thread."""
        query = query or MemberQuery()
        stmt = _row_query()
        if query.category:
            stmt = stmt.where(Membership.category == query.category)
        if query.sub_unit_id is not None:
            stmt = stmt.where(Membership.sub_unit_id == query.sub_unit_id)
        if query.active_on is not None:
            stmt = stmt.where(_active_clause(query.active_on))
        text = fold(query.text)
        if text:
            stmt = stmt.where(
                Person.search_key.contains(text) | Membership.member_no.contains(query.text.strip())
            )
        with self._ctx.sessions() as session:
            return [MembershipRow.from_model(m) for m in session.scalars(stmt)]

    def counts(self, on_date: date) -> dict[str, int]:
        """Active memberships by category on `on_date` (every category present). Read-only; any thread."""
        with self._ctx.sessions() as session:
            result = dict.fromkeys(MEMBER_CATEGORIES, 0)
            rows = session.execute(
                select(Membership.category, func.count())
                .where(Membership.deleted.is_(False), _active_clause(on_date))
                .group_by(Membership.category)
            )
            for category, count in rows:
                result[category] = int(count)
            return result

    def new_members(self, date_from: date, date_to: date) -> builtins.list[MembershipRow]:
        """Memberships that started within the dates (kết nạp mới). Read-only; any thread."""
        stmt = _row_query().where(Membership.joined_on >= date_from, Membership.joined_on <= date_to)
        with self._ctx.sessions() as session:
            return [MembershipRow.from_model(m) for m in session.scalars(stmt)]

    def left_members(self, date_from: date, date_to: date) -> builtins.list[MembershipRow]:
        """Memberships that ended within the dates (giảm). Read-only; any thread."""
        stmt = _row_query().where(Membership.left_on >= date_from, Membership.left_on <= date_to)
        with self._ctx.sessions() as session:
            return [MembershipRow.from_model(m) for m in session.scalars(stmt)]

    # ------------------------------------------------------------ sub-units

    def create_sub_unit(self, kind: str, name: str, note: str = "") -> SubUnitRow:
        """One transaction; the writer thread. Names are unique (accent-insensitive) per kind."""
        name = normalize_text(name)
        errors: dict[str, str] = {}
        if kind not in SUB_UNIT_KINDS:
            errors["kind"] = _("Hãy chọn loại: chi hội, đội hoặc câu lạc bộ.")
        if not name:
            errors["name"] = _("Hãy nhập tên chi hội/đội.")
        if errors:
            raise ValidationError(
                _("Thông tin chi hội chưa hợp lệ: {details}").format(details="; ".join(errors.values())),
                fields=errors,
            )
        with self._ctx.sessions.begin() as session:
            same_kind = session.scalars(
                select(SubUnit).where(SubUnit.kind == kind, SubUnit.deleted.is_(False))
            )
            if any(fold(unit.name) == fold(name) for unit in same_kind):
                raise DuplicateError(
                    _("Đã có {kind} tên '{name}'. Hãy dùng tên khác hoặc chọn đơn vị đã có.").format(
                        kind=_(SUB_UNIT_KINDS[kind]).lower(), name=name
                    )
                )
            unit = SubUnit(kind=kind, name=name, note=normalize_text(note))
            session.add(unit)
            session.flush()
            return SubUnitRow.from_model(unit)

    def list_sub_units(self) -> builtins.list[SubUnitRow]:
        """Sub-units by kind (chi hội first), then name in Vietnamese order. Read-only; any thread."""
        order = {kind: i for i, kind in enumerate(SUB_UNIT_KINDS)}
        with self._ctx.sessions() as session:
            units = session.scalars(select(SubUnit).where(SubUnit.deleted.is_(False)))
            rows = [SubUnitRow.from_model(u) for u in units]
        return sorted(rows, key=lambda r: (order.get(r.kind, len(order)), collation_key(r.name), r.id))

    # ------------------------------------------------------------ dues

    def record_dues(self, data: DuesInput) -> SavedDues:
        """One transaction; the writer thread. Refuses months already paid, exempt members and
        closed months; an amount other than months × the monthly rate warns."""
        errors: dict[str, str] = {}
        covered = rules.months_covered(data.first_month, data.months)  # validates both fields
        if data.amount_vnd <= 0:
            errors["amount_vnd"] = _("Số tiền hội phí phải lớn hơn 0.")
        if data.paid_on > date.today():
            errors["paid_on"] = _("Ngày thu ở tương lai; hãy kiểm tra lại.")
        if errors:
            raise ValidationError(
                _("Phiếu thu hội phí chưa hợp lệ: {details}").format(details="; ".join(errors.values())),
                fields=errors,
            )
        with self._ctx.sessions.begin() as session:
            membership = _get_membership(session, data.membership_id)
            name = membership.person.full_name
            if membership.dues_exempt:
                raise ValidationError(
                    _(
                        "{name} được miễn hội phí ({reason}); không thu hội phí của người này. "
                        "Nếu hết miễn, hãy bỏ đánh dấu miễn trong hồ sơ hội viên trước."
                    ).format(name=name, reason=membership.exempt_reason),
                    fields={"membership_id": _("Hội viên được miễn hội phí.")},
                )
            overlap = sorted(set(covered) & _paid_months(session, membership.id))
            if overlap:
                months_text = ", ".join(rules.format_month(m) for m in overlap)
                raise ValidationError(
                    _("{name} đã đóng hội phí các tháng {months}. Hãy chọn tháng bắt đầu khác.").format(
                        name=name, months=months_text
                    ),
                    fields={"first_month": _("Trùng tháng đã đóng: {months}").format(months=months_text)},
                )
            ensure_period_open(session, data.paid_on)
            warnings: list[str] = []
            rate = int(_dues_settings(session).get("monthly_rate_vnd", 1000))
            expected = rules.expected_dues(rate, data.months)
            if data.amount_vnd != expected:
                warnings.append(
                    _(
                        "Số tiền {amount} khác mức hội phí {months} tháng × {rate} = {expected}. "
                        "Hãy kiểm tra lại trước khi in phiếu."
                    ).format(
                        amount=format_vnd(data.amount_vnd),
                        months=data.months,
                        rate=format_vnd(rate),
                        expected=format_vnd(expected),
                    )
                )
            owed = set(rules.due_months(membership.joined_on, membership.left_on, covered[-1]))
            outside = [m for m in covered if m not in owed]
            if outside:
                warnings.append(
                    _("Các tháng {months} nằm ngoài thời gian sinh hoạt của {name}.").format(
                        months=", ".join(rules.format_month(m) for m in outside), name=name
                    )
                )
            payment = DuesPayment(
                membership_id=membership.id,
                paid_on=data.paid_on,
                first_month=covered[0],
                months=data.months,
                amount_vnd=data.amount_vnd,
                collector=normalize_text(data.collector),
            )
            session.add(payment)
            session.flush()
            return SavedDues(DuesRow.from_model(payment), tuple(warnings))

    def cancel_dues(self, payment_id: int, reason: str) -> None:
        """One transaction; the writer thread. Tombstones a payment entered by mistake, with a reason."""
        reason = normalize_text(reason)
        if not reason:
            raise ValidationError(
                _("Hãy ghi lý do hủy phiếu thu hội phí."), fields={"reason": _("Cần lý do.")}
            )
        with self._ctx.sessions.begin() as session:
            payment = session.get(DuesPayment, payment_id)
            if payment is None or payment.deleted:
                raise NotFoundError(_("Phiếu thu hội phí này không còn trong dữ liệu."))
            ensure_period_open(session, payment.paid_on)
            set_audit_reason(session, reason)
            payment.deleted = True

    def dues_payments(self, membership_id: int) -> builtins.list[DuesRow]:
        """A member's payments, oldest month first. Read-only; any thread."""
        with self._ctx.sessions() as session:
            payments = session.scalars(
                select(DuesPayment)
                .where(DuesPayment.membership_id == membership_id, DuesPayment.deleted.is_(False))
                .order_by(DuesPayment.first_month, DuesPayment.id)
            )
            return [DuesRow.from_model(p) for p in payments]

    def dues_status(self, membership_id: int, up_to_month: str) -> DuesStatus:
        """Paid and unpaid months from the join month to `up_to_month` and the amount still due at
        the current rate; an exempt member owes nothing. Read-only; any thread."""
        rules.parse_month(up_to_month)
        with self._ctx.sessions() as session:
            membership = _get_membership(session, membership_id)
            paid = _paid_months(session, membership.id)
            if membership.dues_exempt:
                return DuesStatus(tuple(sorted(paid)), (), 0, exempt=True)
            owed = rules.due_months(membership.joined_on, membership.left_on, up_to_month)
            unpaid = tuple(m for m in owed if m not in paid)
            rate = int(_dues_settings(session).get("monthly_rate_vnd", 1000))
            return DuesStatus(tuple(sorted(paid)), unpaid, rules.expected_dues(rate, len(unpaid)))

    def dues_collected(self, date_from: date, date_to: date) -> int:
        """Σ dues paid within the dates (TC.HP.THU). Read-only; any thread."""
        with self._ctx.sessions() as session:
            total = session.scalar(
                select(func.coalesce(func.sum(DuesPayment.amount_vnd), 0)).where(
                    DuesPayment.deleted.is_(False),
                    DuesPayment.paid_on >= date_from,
                    DuesPayment.paid_on <= date_to,
                )
            )
            return int(total or 0)

    def dues_split(self, date_from: date, date_to: date) -> dict[str, int]:
        """The dues collected within the dates shared out by the configured percentages (chi hội,
        commune, province), summing exactly to the amount collected. Read-only; any thread."""
        collected = self.dues_collected(date_from, date_to)
        with self._ctx.sessions() as session:
            split = _dues_settings(session).get("split_percent") or {
                "chi_hoi": 50,
                "commune": 30,
                "province": 20,
            }
        return rules.split_dues(collected, {str(k): int(v) for k, v in dict(split).items()})

    # ------------------------------------------------------------ volunteer hours

    def log_hours(self, data: HoursInput) -> HoursRow:
        """One transaction; the writer thread. Only a volunteer membership active on the day may
        log hours; minutes must be positive; the month must be open."""
        if data.minutes <= 0:
            raise ValidationError(
                _("Số phút phải lớn hơn 0."), fields={"minutes": _("Số phút phải lớn hơn 0.")}
            )
        if data.worked_on > date.today():
            raise ValidationError(
                _("Ngày làm việc ở tương lai; hãy kiểm tra lại."),
                fields={"worked_on": _("Ngày ở tương lai.")},
            )
        with self._ctx.sessions.begin() as session:
            membership = _get_membership(session, data.membership_id)
            name = membership.person.full_name
            if membership.category != VOLUNTEER:
                raise ValidationError(
                    _(
                        "{name} không phải tình nguyện viên; chỉ ghi giờ tình nguyện cho TNV. "
                        "Hãy đăng ký người này là tình nguyện viên trước."
                    ).format(name=name),
                    fields={"membership_id": _("Không phải tình nguyện viên.")},
                )
            if not rules.active_on(membership.joined_on, membership.left_on, data.worked_on):
                raise ValidationError(
                    _(
                        "Ngày {day} {name} không phải là tình nguyện viên đang hoạt động "
                        "(vào ngày {joined}{left}). Hãy kiểm tra ngày."
                    ).format(
                        day=format_date(data.worked_on),
                        name=name,
                        joined=format_date(membership.joined_on),
                        left=_(", ra ngày {day}").format(day=format_date(membership.left_on))
                        if membership.left_on
                        else "",
                    ),
                    fields={"worked_on": _("Ngoài thời gian hoạt động.")},
                )
            if data.activity_id is not None:
                activity = session.get(Activity, data.activity_id)
                if activity is None or activity.deleted:
                    raise NotFoundError(_("Hoạt động đã chọn không còn trong dữ liệu. Hãy chọn lại."))
            ensure_period_open(session, data.worked_on)
            hours = VolunteerHours(
                membership_id=membership.id,
                worked_on=data.worked_on,
                minutes=data.minutes,
                description=normalize_text(data.description),
                activity_id=data.activity_id,
                verified_by=normalize_text(data.verified_by),
            )
            session.add(hours)
            session.flush()
            return HoursRow.from_model(hours)

    def hours_of(self, membership_id: int, year: int) -> int:
        """Minutes logged by one volunteer in a calendar year. Read-only; any thread."""
        with self._ctx.sessions() as session:
            total = session.scalar(
                select(func.coalesce(func.sum(VolunteerHours.minutes), 0)).where(
                    VolunteerHours.membership_id == membership_id,
                    VolunteerHours.deleted.is_(False),
                    VolunteerHours.worked_on >= date(year, 1, 1),
                    VolunteerHours.worked_on <= date(year, 12, 31),
                )
            )
            return int(total or 0)

    def hours_total(self, date_from: date, date_to: date) -> int:
        """Minutes logged by all volunteers within the dates (TC.TNV.GIO × 60). Read-only; any thread."""
        with self._ctx.sessions() as session:
            total = session.scalar(
                select(func.coalesce(func.sum(VolunteerHours.minutes), 0)).where(
                    VolunteerHours.deleted.is_(False),
                    VolunteerHours.worked_on >= date_from,
                    VolunteerHours.worked_on <= date_to,
                )
            )
            return int(total or 0)

    def volunteers_with_hours(
        self, date_from: date, date_to: date, min_minutes: int = 0
    ) -> builtins.list[tuple[MembershipRow, int]]:
        """Volunteers with at least `min_minutes` logged within the dates, most minutes first (for
        commendations). Read-only; any thread."""
        minutes = func.sum(VolunteerHours.minutes).label("minutes")
        totals = (
            select(VolunteerHours.membership_id, minutes)
            .where(
                VolunteerHours.deleted.is_(False),
                VolunteerHours.worked_on >= date_from,
                VolunteerHours.worked_on <= date_to,
            )
            .group_by(VolunteerHours.membership_id)
            .having(minutes >= max(min_minutes, 1))
            .subquery()
        )
        stmt = (
            select(Membership, totals.c.minutes)
            .join(totals, totals.c.membership_id == Membership.id)
            .join(Person, Person.id == Membership.person_id)
            .where(Membership.deleted.is_(False))
            .order_by(totals.c.minutes.desc(), Person.sort_key, Membership.id)
        )
        with self._ctx.sessions() as session:
            return [(MembershipRow.from_model(m), int(total)) for m, total in session.execute(stmt)]
