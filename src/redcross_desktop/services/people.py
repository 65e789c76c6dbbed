# SPDX-License-Identifier: MIT
"""People (and organisations): create, correct, tombstone, find. Qt-free.

One person can be donor, beneficiary, blood donor, member and volunteer: the roles come from the
records that point here, so a person is registered once and reused.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..core.errors import DuplicateError, NotFoundError, ValidationError
from ..core.i18n import _
from ..core.vn import fold, name_sort_key, normalize_text, split_name, validate_cccd, validate_phone
from ..db.audit import set_audit_reason
from ..db.models import BloodDonation, Donation, Membership, Person, ReliefRecord
from ..db.repositories import people as repo
from .context import ServiceContext


@dataclass(frozen=True)
class PersonInput:
    full_name: str
    sex: str | None = None
    birth_date: date | None = None
    birth_year: int | None = None
    cccd: str = ""
    phone: str = ""
    email: str = ""
    thon: str = ""
    address: str = ""
    household_id: int | None = None
    is_household_head: bool = False
    is_organisation: bool = False
    tax_code: str = ""
    contact_name: str = ""
    ten: str = ""  # overrides the given name when it is not the last word
    note: str = ""
    consent_status: str = "unknown"
    consent_date: date | None = None
    consent_purposes: str = ""
    blood_prior_donations: int = 0
    blood_prior_evidence: str = ""


@dataclass(frozen=True)
class PersonRow:
    id: int
    uuid: str
    full_name: str
    ho: str
    dem: str
    ten: str
    sex: str | None
    birth_date: date | None
    birth_year: int | None
    cccd: str
    phone: str
    thon: str
    address: str
    household_id: int | None
    is_organisation: bool
    consent_status: str
    blood_prior_donations: int
    version: int
    note: str

    @classmethod
    def from_model(cls, p: Person) -> PersonRow:
        return cls(
            p.id,
            p.uuid,
            p.full_name,
            p.ho,
            p.dem,
            p.ten,
            p.sex,
            p.birth_date,
            p.birth_year,
            p.cccd or "",
            p.phone,
            p.thon,
            p.address,
            p.household_id,
            p.is_organisation,
            p.consent_status,
            p.blood_prior_donations,
            p.version,
            p.note,
        )

    @property
    def year_of_birth(self) -> int | None:
        return self.birth_date.year if self.birth_date else self.birth_year


@dataclass(frozen=True)
class SavedPerson:
    person: PersonRow
    warnings: tuple[str, ...] = field(default=())


def _apply(person: Person, data: PersonInput) -> list[str]:
    """Validates and copies `data` onto `person`; returns warnings (errors raise)."""
    errors: dict[str, str] = {}
    warnings: list[str] = []
    full_name = normalize_text(data.full_name)
    if not full_name:
        errors["full_name"] = _("Hãy nhập họ và tên.")
    ho, dem, ten = ("", "", full_name) if data.is_organisation else split_name(full_name)
    if data.ten and not data.is_organisation:
        override = normalize_text(data.ten)
        if override not in full_name:
            errors["ten"] = _("Tên gọi phải là một phần của họ và tên.")
        ten = override
    if data.sex not in (None, "M", "F"):
        errors["sex"] = _("Giới tính phải là Nam hoặc Nữ.")
    if data.birth_date and data.birth_date > date.today():
        errors["birth_date"] = _("Ngày sinh ở tương lai; hãy kiểm tra lại.")
    birth_year = data.birth_date.year if data.birth_date else data.birth_year
    if birth_year is not None and not 1900 <= birth_year <= date.today().year:
        errors["birth_year"] = _("Năm sinh không hợp lệ.")
    cccd = "".join(data.cccd.split())
    if cccd:
        check = validate_cccd(cccd, birth_year=birth_year, sex=data.sex)
        if not check.valid:
            errors["cccd"] = "; ".join(check.errors)
        warnings.extend(check.warnings)
        cccd = check.normalized
    phone = ""
    if data.phone.strip():
        phone_check = validate_phone(data.phone)
        if not phone_check.valid:
            errors["phone"] = phone_check.message or _("Số điện thoại không hợp lệ.")
        phone = phone_check.normalized
    if data.blood_prior_donations < 0:
        errors["blood_prior_donations"] = _("Số lần hiến trước đây không được âm.")
    if errors:
        raise ValidationError(
            _("Thông tin người chưa hợp lệ: {details}").format(details="; ".join(errors.values())),
            fields=errors,
        )
    person.full_name, person.ho, person.dem, person.ten = full_name, ho, dem, ten
    person.sex, person.birth_date = data.sex, data.birth_date
    person.birth_year = None if data.birth_date else data.birth_year
    person.cccd = cccd or None
    person.phone = phone
    person.email = normalize_text(data.email)
    person.thon, person.address = normalize_text(data.thon), normalize_text(data.address)
    person.household_id, person.is_household_head = data.household_id, data.is_household_head
    person.is_organisation = data.is_organisation
    person.tax_code, person.contact_name = normalize_text(data.tax_code), normalize_text(data.contact_name)
    person.note = normalize_text(data.note)
    person.consent_status, person.consent_date = data.consent_status, data.consent_date
    person.consent_purposes = data.consent_purposes
    person.blood_prior_donations = data.blood_prior_donations
    person.blood_prior_evidence = normalize_text(data.blood_prior_evidence)
    refresh_keys(person)
    return warnings


def search_text(full_name: str, phone: str, cccd: str | None) -> str:
    """What people are found by: the folded name, the phone and the CCCD (bulk import uses it too)."""
    return " ".join(x for x in (fold(full_name), phone, cccd or "") if x)


def refresh_keys(person: Person) -> None:
    """The derived search text (folded name, phone, CCCD) and the Vietnamese sort key."""
    person.search_key = search_text(person.full_name, person.phone, person.cccd)
    person.sort_key = name_sort_key(person.ho, person.dem, person.ten)


def _duplicate_warnings(session: Session, person: Person) -> list[str]:
    if person.cccd:
        other = session.scalar(
            select(Person).where(Person.cccd == person.cccd, Person.id != (person.id or -1))
        )
        if other is not None:
            raise DuplicateError(
                _("Số CCCD {cccd} đã có trong dữ liệu ({name}). Hãy mở người đó thay vì tạo mới.").format(
                    cccd=person.cccd, name=other.full_name
                )
            )
    folded = fold(person.full_name)
    similar = select(Person).where(
        Person.deleted.is_(False),
        Person.id != (person.id or -1),
        func.substr(Person.search_key, 1, len(folded)) == folded,
    )
    warnings = []
    for other in session.scalars(similar.limit(50)):
        if fold(other.full_name) != folded:
            continue
        same_birth = person.birth_date is not None and other.birth_date == person.birth_date
        same_phone = bool(person.phone) and other.phone == person.phone
        if same_birth or same_phone:
            warnings.append(
                _("Có thể trùng với {name} (cùng {what}). Hãy kiểm tra trước khi tiếp tục.").format(
                    name=other.full_name, what=_("ngày sinh") if same_birth else _("số điện thoại")
                )
            )
    return warnings


def get_person(session: Session, person_id: int) -> Person:
    person = session.get(Person, person_id)
    if person is None or person.deleted:
        raise NotFoundError(_("Người này không còn trong dữ liệu."))
    return person


class PeopleService:
    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    def create(self, data: PersonInput) -> SavedPerson:
        """One transaction; the writer thread. Same CCCD is refused; likely duplicates warn."""
        with self._ctx.sessions.begin() as session:
            person = Person()
            warnings = _apply(person, data)
            warnings += _duplicate_warnings(session, person)
            session.add(person)
            session.flush()
            return SavedPerson(PersonRow.from_model(person), tuple(warnings))

    def update(self, person_id: int, data: PersonInput) -> SavedPerson:
        """One transaction; bumps the version and writes an audit row."""
        with self._ctx.sessions.begin() as session:
            person = get_person(session, person_id)
            warnings = _apply(person, data)
            warnings += _duplicate_warnings(session, person)
            session.flush()
            return SavedPerson(PersonRow.from_model(person), tuple(warnings))

    def delete(self, person_id: int) -> None:
        """Tombstones a person with no records; one with records must be kept (or anonymised)."""
        with self._ctx.sessions.begin() as session:
            person = get_person(session, person_id)
            for model, column in (
                (Donation, Donation.donor_id),
                (ReliefRecord, ReliefRecord.person_id),
                (BloodDonation, BloodDonation.person_id),
                (Membership, Membership.person_id),
            ):
                used = session.scalar(select(func.count()).select_from(model).where(column == person_id))
                if used:
                    raise ValidationError(
                        _(
                            "Không xóa được {name}: người này đã có quyên góp, hỗ trợ, hiến máu hoặc hội viên. "
                            "Hãy dùng 'Ẩn danh hóa' nếu người đó yêu cầu xóa dữ liệu."
                        ).format(name=person.full_name)
                    )
            person.deleted = True

    def anonymise(self, person_id: int, reason: str) -> PersonRow:
        """A deletion request (Law 91/2025): personal fields go, amounts and receipt numbers stay."""
        if not reason.strip():
            raise ValidationError(_("Hãy ghi lý do (ví dụ: yêu cầu xóa dữ liệu ngày …)."))
        with self._ctx.sessions.begin() as session:
            person = get_person(session, person_id)
            set_audit_reason(session, normalize_text(reason), action="anonymise")
            person.full_name, person.ho, person.dem, person.ten = (
                _("Người đã ẩn danh"),
                "",
                "",
                _("Người đã ẩn danh"),
            )
            person.birth_date, person.cccd, person.phone, person.email = None, None, "", ""
            person.address, person.note, person.contact_name, person.tax_code = "", "", "", ""
            person.consent_status = "withdrawn"
            refresh_keys(person)
            session.flush()
            return PersonRow.from_model(person)

    def input_for(self, person_id: int) -> PersonInput:
        """Every editable field as stored, so a form that edits some fields keeps the others.
        Read-only; any thread."""
        with self._ctx.sessions() as session:
            p = get_person(session, person_id)
            return PersonInput(
                full_name=p.full_name,
                sex=p.sex,
                birth_date=p.birth_date,
                birth_year=p.birth_year,
                cccd=p.cccd or "",
                phone=p.phone,
                email=p.email,
                thon=p.thon,
                address=p.address,
                household_id=p.household_id,
                is_household_head=p.is_household_head,
                is_organisation=p.is_organisation,
                tax_code=p.tax_code,
                contact_name=p.contact_name,
                ten=p.ten if p.ten != split_name(p.full_name)[2] else "",
                note=p.note,
                consent_status=p.consent_status,
                consent_date=p.consent_date,
                consent_purposes=p.consent_purposes,
                blood_prior_donations=p.blood_prior_donations,
                blood_prior_evidence=p.blood_prior_evidence,
            )

    def get(self, person_id: int) -> PersonRow:
        with self._ctx.sessions() as session:
            return PersonRow.from_model(get_person(session, person_id))

    def search(self, query: str, *, limit: int = 200) -> list[PersonRow]:
        """Accent-insensitive prefix search on name words, phone and CCCD; results in name order.
        Read-only; any thread."""
        with self._ctx.sessions() as session:
            ids = repo.search_ids(session, query, limit=limit)
            if not ids:
                return []
            people = session.scalars(
                select(Person).where(Person.id.in_(ids)).order_by(Person.sort_key, Person.id)
            )
            return [PersonRow.from_model(p) for p in people]

    def page_ids(self, *, after: tuple[str, int] | None, limit: int) -> repo.IdPage:
        with self._ctx.sessions() as session:
            return repo.page_ids(session, after=after, limit=limit)

    def all_ids(self) -> array[int]:
        """Every live person's id in name order (a million in about a quarter of a second), so a
        list can know its length and map its scroll bar to rows. Read-only; any thread."""
        with self._ctx.sessions() as session:
            return repo.all_ids(session)

    def page_ids_before(self, *, before: tuple[str, int] | None, limit: int) -> repo.IdPage:
        """The page of ids just before `before` (None: the last page), for jumping to the end of
        the list. Read-only; any thread."""
        with self._ctx.sessions() as session:
            return repo.page_ids_before(session, before=before, limit=limit)

    def rows(self, ids: list[int]) -> dict[int, PersonRow]:
        with self._ctx.sessions() as session:
            return {
                p.id: PersonRow.from_model(p)
                for p in session.scalars(select(Person).where(Person.id.in_(ids)))
            }

    def count(self) -> int:
        with self._ctx.sessions() as session:
            return int(
                session.scalar(select(func.count()).select_from(Person).where(Person.deleted.is_(False))) or 0
            )
