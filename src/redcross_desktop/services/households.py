# SPDX-License-Identifier: MIT
"""Households (domain.md §2.2): thôn, size, poverty status with its year, members and the one
head. Qt-free.

Membership is stored on the person (`Person.household_id`, `is_household_head`), changed through
the ORM so each person's version bumps and the change is audited and synced.
"""

from __future__ import annotations

import builtins
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..core.errors import NotFoundError, ValidationError
from ..core.i18n import _
from ..core.vn import collation_key, normalize_text
from ..db.models import Household, Person
from ..domain.codes import POVERTY_STATUSES
from .context import ServiceContext
from .people import PersonRow, get_person

POOR_STATUSES = frozenset({"poor", "near_poor"})


@dataclass(frozen=True)
class HouseholdInput:
    thon: str = ""
    address: str = ""
    size: int = 1
    poverty_status: str = "none"
    poverty_year: int | None = None  # the year of the commune People's Committee's list
    note: str = ""


@dataclass(frozen=True)
class HouseholdRow:
    id: int
    uuid: str
    thon: str
    address: str
    size: int
    poverty_status: str
    poverty_label: str
    poverty_year: int | None
    note: str
    head_person_id: int | None
    head_name: str
    member_count: int
    version: int


def _rows(session: Session, households: list[Household]) -> list[HouseholdRow]:
    """Rows with head and member count from two grouped queries, not one query per household."""
    ids = [h.id for h in households]
    live = (Person.household_id.in_(ids), Person.deleted.is_(False))
    count_rows = session.execute(
        select(Person.household_id, func.count()).where(*live).group_by(Person.household_id)
    )
    counts: dict[int | None, int] = {hid: int(n) for hid, n in count_rows}
    heads = {
        hid: (pid, name)
        for hid, pid, name in session.execute(
            select(Person.household_id, Person.id, Person.full_name).where(
                *live, Person.is_household_head.is_(True)
            )
        )
    }
    rows = []
    for h in households:
        head_id, head_name = heads.get(h.id, (None, ""))
        rows.append(
            HouseholdRow(
                h.id,
                h.uuid,
                h.thon,
                h.address,
                h.size,
                h.poverty_status,
                _(POVERTY_STATUSES.get(h.poverty_status, h.poverty_status)),
                h.poverty_year,
                h.note,
                head_id,
                head_name,
                int(counts.get(h.id, 0)),
                h.version,
            )
        )
    return rows


def _row(session: Session, household: Household) -> HouseholdRow:
    return _rows(session, [household])[0]


def _members(session: Session, household_id: int) -> list[Person]:
    """The head first, then in name order."""
    return list(
        session.scalars(
            select(Person)
            .where(Person.household_id == household_id, Person.deleted.is_(False))
            .order_by(Person.is_household_head.desc(), Person.sort_key, Person.id)
        )
    )


def _get(session: Session, household_id: int) -> Household:
    household = session.get(Household, household_id)
    if household is None or household.deleted:
        raise NotFoundError(_("Hộ gia đình này không còn trong dữ liệu."))
    return household


def _apply(household: Household, data: HouseholdInput) -> None:
    errors: dict[str, str] = {}
    if data.size < 1:
        errors["size"] = _("Số nhân khẩu phải từ 1 trở lên.")
    if data.poverty_status not in POVERTY_STATUSES:
        errors["poverty_status"] = _("Hãy chọn: hộ nghèo, hộ cận nghèo hoặc không.")
    elif data.poverty_status in POOR_STATUSES:
        if data.poverty_year is None:
            errors["poverty_year"] = _("Hộ nghèo/cận nghèo cần năm của danh sách UBND xã phê duyệt.")
        elif not 1990 <= data.poverty_year <= date.today().year + 1:
            errors["poverty_year"] = _("Năm xét duyệt hộ nghèo/cận nghèo không hợp lệ.")
    if errors:
        raise ValidationError(
            _("Thông tin hộ gia đình chưa hợp lệ: {details}").format(details="; ".join(errors.values())),
            fields=errors,
        )
    household.thon, household.address = normalize_text(data.thon), normalize_text(data.address)
    household.size, household.poverty_status = data.size, data.poverty_status
    # A year only means something for a listed household; kept otherwise it would read as a status.
    household.poverty_year = data.poverty_year if data.poverty_status in POOR_STATUSES else None
    household.note = normalize_text(data.note)


class HouseholdService:
    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    def create(self, data: HouseholdInput) -> HouseholdRow:
        """One transaction; the writer thread. Size ≥ 1; a poor or near-poor household needs the
        year of the list."""
        with self._ctx.sessions.begin() as session:
            household = Household()
            _apply(household, data)
            session.add(household)
            session.flush()
            return _row(session, household)

    def update(self, household_id: int, data: HouseholdInput) -> HouseholdRow:
        """One transaction; the writer thread. Same rules as `create`; bumps the version."""
        with self._ctx.sessions.begin() as session:
            household = _get(session, household_id)
            _apply(household, data)
            session.flush()
            return _row(session, household)

    def add_member(self, household_id: int, person_id: int, is_head: bool = False) -> HouseholdRow:
        """One transaction; the writer thread. Moves the person into the household; a new head
        replaces the old one, so a household has at most one head."""
        with self._ctx.sessions.begin() as session:
            household = _get(session, household_id)
            person = get_person(session, person_id)
            if is_head:
                for other in _members(session, household.id):
                    if other.id != person.id and other.is_household_head:
                        other.is_household_head = False
            if person.household_id != household.id:
                person.household_id = household.id
            if person.is_household_head != is_head:
                person.is_household_head = is_head
            session.flush()
            return _row(session, household)

    def remove_member(self, household_id: int, person_id: int) -> HouseholdRow:
        """One transaction; the writer thread. The person stays; only the link goes."""
        with self._ctx.sessions.begin() as session:
            household = _get(session, household_id)
            person = get_person(session, person_id)
            if person.household_id != household.id:
                raise ValidationError(_("{name} không thuộc hộ này.").format(name=person.full_name))
            person.household_id, person.is_household_head = None, False
            session.flush()
            return _row(session, household)

    def members(self, household_id: int) -> builtins.list[PersonRow]:
        """The head first, then in name order. Read-only; any thread."""
        with self._ctx.sessions() as session:
            _get(session, household_id)
            return [PersonRow.from_model(p) for p in _members(session, household_id)]

    def get(self, household_id: int) -> HouseholdRow:
        """Read-only; any thread."""
        with self._ctx.sessions() as session:
            return _row(session, _get(session, household_id))

    def list(self, thon: str | None = None) -> builtins.list[HouseholdRow]:
        """Households by thôn, then address, in Vietnamese order. Read-only; any thread."""
        stmt = select(Household).where(Household.deleted.is_(False))
        if thon is not None:
            stmt = stmt.where(Household.thon == normalize_text(thon))
        with self._ctx.sessions() as session:
            rows = _rows(session, builtins.list(session.scalars(stmt)))
        return sorted(rows, key=lambda r: (collation_key(r.thon), collation_key(r.address), r.id))
