# SPDX-License-Identifier: MIT
"""Blood drives and donations (domain.md §2.7): the counts of each drive, each donor's history,
eligibility for the next donation, call lists and honours. Qt-free.

The branch mobilises donors; the facility collects the blood and its figures are authoritative,
so drive counts are stored as the facility reports them and individual donations separately.
Donation history is sensitive data (domain.md §6): call lists carry a consent flag.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import func, select, union
from sqlalchemy.orm import Session

from ..core.errors import NotEligibleError, NotFoundError, ValidationError
from ..core.i18n import _
from ..core.vn import format_date, normalize_text
from ..db.audit import set_audit_reason
from ..db.models import BloodDonation, BloodDrive, Person
from ..db.repositories.people import search_terms
from ..domain import blood as rules
from ..domain.codes import BLOOD_TYPES
from .context import ServiceContext, ensure_period_open, live
from .people import PersonRow, get_person
from .settings import HonourLevel, read_setting

# ---------------------------------------------------------------- drives


@dataclass(frozen=True)
class DriveInput:
    held_on: date
    place: str
    facility: str = ""
    target_units: int = 0
    registered: int = 0
    screened: int = 0
    donated: int = 0
    first_time: int = 0
    units_250: int = 0
    units_350: int = 0
    units_450: int = 0
    note: str = ""


@dataclass(frozen=True)
class DriveRow:
    id: int
    uuid: str
    held_on: date
    place: str
    facility: str
    target_units: int
    registered: int
    screened: int
    donated: int
    first_time: int
    units_250: int
    units_350: int
    units_450: int
    note: str
    version: int

    @property
    def deferred(self) -> int:
        """Tạm hoãn: screened but not donated."""
        return self.screened - self.donated

    @property
    def total_ml(self) -> int:
        return rules.drive_total_ml(self.units_250, self.units_350, self.units_450)

    @classmethod
    def from_model(cls, d: BloodDrive) -> DriveRow:
        return cls(
            d.id,
            d.uuid,
            d.held_on,
            d.place,
            d.facility,
            d.target_units,
            d.registered,
            d.screened,
            d.donated,
            d.first_time,
            d.units_250,
            d.units_350,
            d.units_450,
            d.note,
            d.version,
        )


@dataclass(frozen=True)
class SavedDrive:
    row: DriveRow
    warnings: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class DriveSummary:
    drive: DriveRow
    deferred: int
    units_total: int  # bags by size
    total_ml: int
    recorded_donations: int  # individual donation records linked to the drive (kept apart, never added)
    target_reached_percent: int | None


# ---------------------------------------------------------------- donations


@dataclass(frozen=True)
class BloodDonationInput:
    person_id: int
    donated_on: date
    kind: str = "whole"
    ml: int = 350
    drive_id: int | None = None
    facility: str = ""
    certificate_no: str = ""
    certificate_date: date | None = None
    override_reason: str = ""


@dataclass(frozen=True)
class BloodDonationRow:
    id: int
    uuid: str
    person_id: int
    drive_id: int | None
    donated_on: date
    facility: str
    kind: str
    kind_label: str
    ml: int
    certificate_no: str
    certificate_date: date | None
    override_reason: str
    version: int

    @classmethod
    def from_model(cls, d: BloodDonation) -> BloodDonationRow:
        return cls(
            d.id,
            d.uuid,
            d.person_id,
            d.drive_id,
            d.donated_on,
            d.facility,
            d.kind,
            _(BLOOD_TYPES.get(d.kind, d.kind)),
            d.ml,
            d.certificate_no,
            d.certificate_date,
            d.override_reason,
            d.version,
        )


@dataclass(frozen=True)
class SavedBloodDonation:
    row: BloodDonationRow
    honours_reached: tuple[HonourLevel, ...] = field(default=())


@dataclass(frozen=True)
class Eligibility:
    last_date: date | None
    last_kind: str | None
    next_eligible: date | None  # None: no donation recorded in the app
    eligible: bool
    donation_count: int  # includes the evidenced donations made before the app was used
    age_problems: tuple[str, ...]


@dataclass(frozen=True)
class EligibleDonor:
    person_id: int
    full_name: str
    thon: str
    phone: str
    last_date: date | None
    last_kind: str | None
    next_eligible: date | None
    donation_count: int
    may_contact: bool  # consent given (domain.md §6: legacy "chưa rõ" stays off call lists)


@dataclass(frozen=True)
class DonationListRow:
    """A donation with its donor, for the list of donations in a period."""

    donation: BloodDonationRow
    full_name: str
    thon: str
    drive_place: str

    @property
    def id(self) -> int:
        return self.donation.id


@dataclass(frozen=True)
class HonourCandidate:
    person: PersonRow
    count: int
    level: HonourLevel  # the highest level reached


# ---------------------------------------------------------------- settings and helpers


@dataclass(frozen=True)
class _BloodRules:
    intervals: Mapping[str, int]
    min_age: int
    max_age: int


def _rules(session: Session) -> _BloodRules:
    data: Mapping[str, Any] = read_setting(session, "blood") or {}
    intervals = dict(rules.DEFAULT_INTERVAL_DAYS)
    intervals.update({str(k): int(v) for k, v in (data.get("interval_days") or {}).items()})
    return _BloodRules(
        intervals,
        int(data.get("min_age", rules.DEFAULT_MIN_AGE)),
        int(data.get("max_age", rules.DEFAULT_MAX_AGE)),
    )


def _ladder(session: Session) -> list[HonourLevel]:
    levels = [
        HonourLevel(int(x["count"]), str(x["award"]), str(x.get("body", "")), str(x.get("rule", "")))
        for x in read_setting(session, "honour_ladder") or []
    ]
    return sorted(levels, key=lambda level: level.count)


def _live_donations(
    session: Session, person_id: int, *, exclude_id: int | None = None
) -> list[BloodDonation]:
    stmt = select(BloodDonation).where(BloodDonation.person_id == person_id, BloodDonation.deleted.is_(False))
    if exclude_id is not None:
        stmt = stmt.where(BloodDonation.id != exclude_id)
    return list(session.scalars(stmt.order_by(BloodDonation.donated_on, BloodDonation.id)))


def _eligibility(
    session: Session, person: Person, on_date: date, *, exclude_id: int | None = None
) -> Eligibility:
    settings = _rules(session)
    history = [
        d for d in _live_donations(session, person.id, exclude_id=exclude_id) if d.donated_on <= on_date
    ]
    last = history[-1] if history else None
    next_eligible = rules.next_eligible_date(last.kind, last.donated_on, settings.intervals) if last else None
    problems = rules.check_donor(
        on_date,
        birth_date=person.birth_date,
        birth_year=person.birth_year,
        min_age=settings.min_age,
        max_age=settings.max_age,
    )
    return Eligibility(
        last.donated_on if last else None,
        last.kind if last else None,
        next_eligible,
        (next_eligible is None or on_date >= next_eligible) and not problems,
        person.blood_prior_donations + len(history),
        tuple(problems),
    )


def _get_drive(session: Session, drive_id: int) -> BloodDrive:
    drive = live(session, BloodDrive, drive_id)
    if drive is None:
        raise NotFoundError(_("Đợt hiến máu này không còn trong dữ liệu."))
    return drive


def _get_donation(session: Session, donation_id: int) -> BloodDonation:
    donation = live(session, BloodDonation, donation_id)
    if donation is None:
        raise NotFoundError(_("Lần hiến máu này không còn trong dữ liệu."))
    return donation


def _apply_drive(drive: BloodDrive, data: DriveInput) -> list[str]:
    errors: dict[str, str] = {}
    if not normalize_text(data.place):
        errors["place"] = _("Hãy nhập địa điểm tổ chức.")
    counts = {
        "target_units": data.target_units,
        "registered": data.registered,
        "screened": data.screened,
        "donated": data.donated,
        "first_time": data.first_time,
        "units_250": data.units_250,
        "units_350": data.units_350,
        "units_450": data.units_450,
    }
    for name, value in counts.items():
        if value < 0:
            errors[name] = _("Các số liệu không được âm.")
    if data.donated > data.screened:
        errors["donated"] = _(
            "Số người hiến được ({donated}) không thể lớn hơn số người được khám sàng lọc ({screened}); "
            "hãy kiểm tra lại báo cáo của cơ sở tiếp nhận máu."
        ).format(donated=data.donated, screened=data.screened)
    if errors:
        raise ValidationError(
            _("Số liệu đợt hiến máu chưa hợp lệ: {details}").format(
                details="; ".join(dict.fromkeys(errors.values()))
            ),
            fields=errors,
        )
    warnings: list[str] = []
    bags = data.units_250 + data.units_350 + data.units_450
    if bags and bags != data.donated:
        warnings.append(
            _(
                "Tổng số đơn vị theo túi ({bags}) khác số người hiến được ({donated}); "
                "hãy đối chiếu với cơ sở tiếp nhận máu."
            ).format(bags=bags, donated=data.donated)
        )
    if data.first_time > data.donated:
        warnings.append(
            _("Số người hiến lần đầu ({first}) lớn hơn số người hiến được ({donated}).").format(
                first=data.first_time, donated=data.donated
            )
        )
    for name, value in counts.items():
        setattr(drive, name, value)
    drive.held_on, drive.place = data.held_on, normalize_text(data.place)
    drive.facility, drive.note = normalize_text(data.facility), normalize_text(data.note)
    return warnings


def _not_eligible(person: Person, on_date: date, eligibility: Eligibility) -> NotEligibleError:
    if eligibility.next_eligible is not None and on_date < eligibility.next_eligible:
        return NotEligibleError(
            _(
                "{name} chưa đủ thời gian giữa hai lần hiến: lần trước ngày {last} ({kind}), "
                "được hiến lại từ ngày {next}. Nếu cơ sở tiếp nhận máu vẫn cho hiến sớm hơn, "
                "hãy ghi lý do để lưu."
            ).format(
                name=person.full_name,
                last=format_date(eligibility.last_date or on_date),
                kind=_(BLOOD_TYPES.get(eligibility.last_kind or "", eligibility.last_kind or "")),
                next=format_date(eligibility.next_eligible),
            )
        )
    return NotEligibleError(
        _(
            "{name} không đủ điều kiện tuổi: {problems} Nếu ngày sinh đúng và cơ sở vẫn cho hiến, "
            "hãy ghi lý do để lưu."
        ).format(name=person.full_name, problems=" ".join(eligibility.age_problems))
    )


def _check_donation(session: Session, data: BloodDonationInput, *, exclude_id: int | None = None) -> Person:
    """Validates `data` and the donation interval; returns the donor (errors raise)."""
    errors: dict[str, str] = {}
    person = live(session, Person, data.person_id)
    if person is None:
        errors["person_id"] = _("Người hiến không còn trong dữ liệu; hãy chọn lại.")
    if data.kind not in BLOOD_TYPES:
        errors["kind"] = _("Hãy chọn hình thức hiến trong danh mục.")
    volume = rules.check_volume(data.kind, data.ml)
    if volume:
        errors["ml"] = volume[0]
    if data.donated_on > date.today():
        errors["donated_on"] = _("Ngày hiến ở tương lai; hãy kiểm tra lại.")
    if data.certificate_date is not None and data.certificate_date < data.donated_on:
        errors["certificate_date"] = _("Ngày cấp giấy chứng nhận không thể trước ngày hiến.")
    if data.drive_id is not None and live(session, BloodDrive, data.drive_id) is None:
        errors["drive_id"] = _("Đợt hiến máu không còn trong dữ liệu; hãy chọn lại.")
    if errors:
        raise ValidationError(
            _("Thông tin lần hiến máu chưa hợp lệ: {details}").format(details="; ".join(errors.values())),
            fields=errors,
        )
    assert person is not None
    ensure_period_open(session, data.donated_on)
    if normalize_text(data.override_reason):
        return person
    eligibility = _eligibility(session, person, data.donated_on, exclude_id=exclude_id)
    if not eligibility.eligible:
        raise _not_eligible(person, data.donated_on, eligibility)
    # A certificate entered late may predate a donation already recorded: that later one must
    # still respect the interval after this one.
    intervals = _rules(session).intervals
    later = [
        d
        for d in _live_donations(session, person.id, exclude_id=exclude_id)
        if d.donated_on > data.donated_on
    ]
    if later and later[0].donated_on < rules.next_eligible_date(data.kind, data.donated_on, intervals):
        raise NotEligibleError(
            _(
                "Lần hiến ngày {later} đã ghi của {name} sẽ quá sát lần hiến ngày {day} này. "
                "Hãy kiểm tra lại ngày; nếu đúng, hãy ghi lý do để lưu."
            ).format(
                later=format_date(later[0].donated_on),
                name=person.full_name,
                day=format_date(data.donated_on),
            )
        )
    return person


def _apply_donation(session: Session, donation: BloodDonation, data: BloodDonationInput) -> None:
    facility = normalize_text(data.facility)
    if not facility and data.drive_id is not None:
        facility = _get_drive(session, data.drive_id).facility
    donation.person_id, donation.drive_id, donation.donated_on = (
        data.person_id,
        data.drive_id,
        data.donated_on,
    )
    donation.facility, donation.kind, donation.ml = facility, data.kind, data.ml
    donation.certificate_no = normalize_text(data.certificate_no)
    donation.certificate_date = data.certificate_date
    donation.override_reason = normalize_text(data.override_reason)


def _year_bounds(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


class BloodService:
    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    # ------------------------------------------------------------ drives

    def create_drive(self, data: DriveInput) -> SavedDrive:
        """Records a drive with the facility's counts. One transaction; the writer thread."""
        with self._ctx.sessions.begin() as session:
            ensure_period_open(session, data.held_on)
            drive = BloodDrive()
            warnings = _apply_drive(drive, data)
            session.add(drive)
            session.flush()
            return SavedDrive(DriveRow.from_model(drive), tuple(warnings))

    def update_drive(self, drive_id: int, data: DriveInput) -> SavedDrive:
        """Corrects a drive's counts. One transaction; the writer thread."""
        with self._ctx.sessions.begin() as session:
            drive = _get_drive(session, drive_id)
            ensure_period_open(session, drive.held_on, data.held_on)
            warnings = _apply_drive(drive, data)
            session.flush()
            return SavedDrive(DriveRow.from_model(drive), tuple(warnings))

    def delete_drive(self, drive_id: int) -> None:
        """Tombstones a drive; donations recorded against it keep their own records. One transaction;
        the writer thread."""
        with self._ctx.sessions.begin() as session:
            drive = _get_drive(session, drive_id)
            ensure_period_open(session, drive.held_on)
            drive.deleted = True

    def list_drives(self, year: int | None = None) -> list[DriveRow]:
        """Drives by date. Read-only; any thread."""
        with self._ctx.sessions() as session:
            stmt = select(BloodDrive).where(BloodDrive.deleted.is_(False))
            if year is not None:
                first, last = _year_bounds(year)
                stmt = stmt.where(BloodDrive.held_on >= first, BloodDrive.held_on <= last)
            return [
                DriveRow.from_model(d)
                for d in session.scalars(stmt.order_by(BloodDrive.held_on, BloodDrive.id))
            ]

    def drive_summary(self, drive_id: int) -> DriveSummary:
        """Read-only; any thread."""
        with self._ctx.sessions() as session:
            drive = _get_drive(session, drive_id)
            recorded = session.scalar(
                select(func.count())
                .select_from(BloodDonation)
                .where(BloodDonation.drive_id == drive.id, BloodDonation.deleted.is_(False))
            )
            row = DriveRow.from_model(drive)
            return DriveSummary(
                row,
                row.deferred,
                row.units_250 + row.units_350 + row.units_450,
                row.total_ml,
                int(recorded or 0),
                round(100 * row.donated / row.target_units) if row.target_units else None,
            )

    # ------------------------------------------------------------ donations

    def eligibility(self, person_id: int, on_date: date) -> Eligibility:
        """When the person may give again, from their last donation's type. Read-only; any thread."""
        with self._ctx.sessions() as session:
            return _eligibility(session, get_person(session, person_id), on_date)

    def record_donation(self, data: BloodDonationInput) -> SavedBloodDonation:
        """Records a donation; refused (BLOOD_NOT_ELIGIBLE) before the next eligible date or outside the
        age limits unless an override reason is given. Returns the honour levels just reached.
        One transaction; the writer thread."""
        with self._ctx.sessions.begin() as session:
            person = _check_donation(session, data)
            count_before = person.blood_prior_donations + len(_live_donations(session, person.id))
            donation = BloodDonation()
            _apply_donation(session, donation, data)
            session.add(donation)
            session.flush()
            reached = rules.honours_reached(count_before, count_before + 1, _ladder(session))
            return SavedBloodDonation(BloodDonationRow.from_model(donation), tuple(reached))

    def edit_donation(self, donation_id: int, data: BloodDonationInput) -> SavedBloodDonation:
        """Corrects a donation, re-checking the interval without counting itself. One transaction;
        the writer thread."""
        with self._ctx.sessions.begin() as session:
            donation = _get_donation(session, donation_id)
            ensure_period_open(session, donation.donated_on)
            _check_donation(session, data, exclude_id=donation.id)
            _apply_donation(session, donation, data)
            session.flush()
            return SavedBloodDonation(BloodDonationRow.from_model(donation))

    def delete_donation(self, donation_id: int, reason: str = "") -> None:
        """Tombstones a donation entered in error. One transaction; the writer thread."""
        with self._ctx.sessions.begin() as session:
            donation = _get_donation(session, donation_id)
            ensure_period_open(session, donation.donated_on)
            if normalize_text(reason):
                set_audit_reason(session, normalize_text(reason))
            donation.deleted = True

    def donations_of(self, person_id: int) -> list[BloodDonationRow]:
        """A donor's history, oldest first. Read-only; any thread."""
        with self._ctx.sessions() as session:
            return [BloodDonationRow.from_model(d) for d in _live_donations(session, person_id)]

    def eligible_donors(self, on_date: date) -> list[EligibleDonor]:
        """Known donors (a donation recorded, or an evidenced earlier count) who may give on `on_date`,
        in name order, for call lists; `may_contact` is False unless consent was given. Read-only;
        any thread."""
        with self._ctx.sessions() as session:
            settings = _rules(session)
            ranked = (
                select(
                    BloodDonation.person_id,
                    BloodDonation.donated_on,
                    BloodDonation.kind,
                    func.row_number()
                    .over(
                        partition_by=BloodDonation.person_id,
                        order_by=(BloodDonation.donated_on.desc(), BloodDonation.id.desc()),
                    )
                    .label("rank"),
                    func.count().over(partition_by=BloodDonation.person_id).label("n"),
                )
                .where(BloodDonation.deleted.is_(False), BloodDonation.donated_on <= on_date)
                .subquery()
            )
            last = select(ranked).where(ranked.c.rank == 1).subquery()
            # Start from the donors, not from everyone: joining all people to the ranked donations
            # scanned a 1,000,000-person branch for seconds to find a few thousand donors.
            donors = union(
                select(BloodDonation.person_id).where(
                    BloodDonation.deleted.is_(False), BloodDonation.donated_on <= on_date
                ),
                select(Person.id).where(Person.blood_prior_donations > 0),
            )
            rows = session.execute(
                select(Person, last.c.donated_on, last.c.kind, last.c.n)
                .outerjoin(last, last.c.person_id == Person.id)
                .where(Person.deleted.is_(False), Person.id.in_(donors))
                .order_by(Person.sort_key, Person.id)
            )
            result: list[EligibleDonor] = []
            for person, last_date, last_kind, n in rows:
                next_eligible = (
                    rules.next_eligible_date(last_kind, last_date, settings.intervals) if last_date else None
                )
                if next_eligible is not None and next_eligible > on_date:
                    continue
                if rules.check_donor(
                    on_date,
                    birth_date=person.birth_date,
                    birth_year=person.birth_year,
                    min_age=settings.min_age,
                    max_age=settings.max_age,
                ):
                    continue
                result.append(
                    EligibleDonor(
                        person.id,
                        person.full_name,
                        person.thon,
                        person.phone,
                        last_date,
                        last_kind,
                        next_eligible,
                        person.blood_prior_donations + int(n or 0),
                        person.consent_status == "given",
                    )
                )
            return result

    def honour_candidates(self) -> list[HonourCandidate]:
        """Donors whose count (earlier evidenced donations included) reaches a ladder level, highest
        count first. Read-only; any thread."""
        with self._ctx.sessions() as session:
            ladder = _ladder(session)
            if not ladder:
                return []
            counts = (
                select(BloodDonation.person_id, func.count().label("n"))
                .where(BloodDonation.deleted.is_(False))
                .group_by(BloodDonation.person_id)
                .subquery()
            )
            total = Person.blood_prior_donations + func.coalesce(counts.c.n, 0)
            rows = session.execute(
                select(Person, total)
                .outerjoin(counts, counts.c.person_id == Person.id)
                .where(Person.deleted.is_(False), total >= ladder[0].count)
                .order_by(total.desc(), Person.sort_key, Person.id)
            )
            result: list[HonourCandidate] = []
            for person, count in rows:
                level = rules.highest_level(int(count), ladder)
                if level is not None:
                    result.append(HonourCandidate(PersonRow.from_model(person), int(count), level))
            return result

    def list_donations(
        self,
        date_from: date | None = None,
        date_to: date | None = None,
        *,
        text: str = "",
        limit: int = 5000,
    ) -> list[DonationListRow]:
        """Donations within the dates (either bound optional), newest first; `text` narrows to
        donors whose name, phone or CCCD matches (accent-insensitive). Read-only; any thread."""
        with self._ctx.sessions() as session:
            stmt = (
                select(BloodDonation, Person.full_name, Person.thon, BloodDrive.place)
                .join(Person, Person.id == BloodDonation.person_id)
                .outerjoin(BloodDrive, BloodDrive.id == BloodDonation.drive_id)
                .where(BloodDonation.deleted.is_(False))
            )
            if date_from is not None:
                stmt = stmt.where(BloodDonation.donated_on >= date_from)
            if date_to is not None:
                stmt = stmt.where(BloodDonation.donated_on <= date_to)
            for term in search_terms(text):  # every word typed, in any order, accents optional
                stmt = stmt.where(Person.search_key.contains(term, autoescape=True))
            stmt = stmt.order_by(BloodDonation.donated_on.desc(), BloodDonation.id.desc()).limit(limit)
            return [
                DonationListRow(BloodDonationRow.from_model(d), name, thon, place or "")
                for d, name, thon, place in session.execute(stmt)
            ]
