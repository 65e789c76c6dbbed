# SPDX-License-Identifier: MIT
"""The commune data model (domain.md §2). Money is whole VND in integer columns, quantities are
integers in the item's unit, dates are `date`. Synced tables carry the `Synced` envelope. Qt-free.

Derived figures (stock balance, donation totals, next eligible blood date) are computed from the
rows, never stored, so they cannot drift.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, Synced, utcnow

# ---------------------------------------------------------------- branch, settings, numbering


class Branch(Base):
    """The one branch this store belongs to (a province store has one row too, mode 'province')."""

    __tablename__ = "branch"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    branch_code: Mapped[str] = mapped_column(String(40), unique=True)
    mode: Mapped[str] = mapped_column(String(12), default="commune")
    province_code: Mapped[str] = mapped_column(String(4))
    province_name: Mapped[str] = mapped_column(String(120))
    commune_code: Mapped[str | None] = mapped_column(String(8))
    commune_name: Mapped[str | None] = mapped_column(String(120))
    name: Mapped[str] = mapped_column(String(200))
    parent_line: Mapped[str] = mapped_column(String(200), default="")
    address: Mapped[str] = mapped_column(String(300), default="")
    phone: Mapped[str] = mapped_column(String(20), default="")
    email: Mapped[str] = mapped_column(String(120), default="")
    place_name: Mapped[str] = mapped_column(String(120), default="")
    chair_name: Mapped[str] = mapped_column(String(120), default="")
    chair_title: Mapped[str] = mapped_column(String(120), default="Chủ tịch")
    vice_chair_name: Mapped[str] = mapped_column(String(120), default="")
    officer_name: Mapped[str] = mapped_column(String(120), default="")
    officer_title: Mapped[str] = mapped_column(String(120), default="")
    former_communes: Mapped[str] = mapped_column(Text, default="")  # merged units, free text
    install_id: Mapped[str] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Setting(Base):
    """Domain settings (dues rate, honour ladder, thresholds) as JSON values, so they are migrated
    and backed up with the data."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


class NumberSeries(Base):
    """Gapless counters (receipts, certificates): incremented in the transaction that uses the
    number, so a rollback gives it back and a committed number is never reused."""

    __tablename__ = "number_series"

    series: Mapped[str] = mapped_column(String(10), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_number: Mapped[int] = mapped_column(Integer, default=0)


class PeriodLock(Base):
    __tablename__ = "period_locks"

    period: Mapped[str] = mapped_column(String(7), primary_key=True)  # YYYY-MM
    locked_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    locked_by: Mapped[str] = mapped_column(String(120))
    reason: Mapped[str] = mapped_column(Text, default="")


class AuditEntry(Base):
    """One row per changed record per flush: who, when, what, before and after (JSON)."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_record", "table_name", "record_uuid"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(String(120))
    table_name: Mapped[str] = mapped_column(String(60))
    record_uuid: Mapped[str] = mapped_column(String(36))
    action: Mapped[str] = mapped_column(String(12))  # create, update, delete, void, restore
    before: Mapped[str | None] = mapped_column(Text)
    after: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text, default="")


# ---------------------------------------------------------------- organisation, people


class SubUnit(Synced, Base):
    """Chi hội (one per thôn, school or agency) or a team/club."""

    __tablename__ = "sub_units"

    kind: Mapped[str] = mapped_column(String(20), default="chi_hoi")
    name: Mapped[str] = mapped_column(String(200))
    note: Mapped[str] = mapped_column(Text, default="")


class Household(Synced, Base):
    __tablename__ = "households"

    thon: Mapped[str] = mapped_column(String(120), default="")
    address: Mapped[str] = mapped_column(String(300), default="")
    size: Mapped[int] = mapped_column(Integer, default=1)
    poverty_status: Mapped[str] = mapped_column(String(12), default="none")
    poverty_year: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (CheckConstraint("size >= 1", name="size_positive"),)


class Person(Synced, Base):
    """A person or an organisation. Roles (donor, beneficiary, blood donor, member, volunteer)
    come from the records that point here."""

    __tablename__ = "people"
    __table_args__ = (
        # Covering for the keyset pages (WHERE deleted … ORDER BY sort_key, id): no table lookups.
        Index("ix_people_sort", "sort_key", "id", "deleted"),
        Index("ix_people_search_key", "search_key"),
        Index("ix_people_phone", "phone"),
        UniqueConstraint("cccd", name="uq_people_cccd"),
    )

    ho: Mapped[str] = mapped_column(String(60), default="")
    dem: Mapped[str] = mapped_column(String(80), default="")
    ten: Mapped[str] = mapped_column(String(80))
    full_name: Mapped[str] = mapped_column(String(250))
    sex: Mapped[str | None] = mapped_column(String(1))
    birth_date: Mapped[date | None] = mapped_column(Date)
    birth_year: Mapped[int | None] = mapped_column(Integer)  # alone when only the year is known
    cccd: Mapped[str | None] = mapped_column(String(12))
    phone: Mapped[str] = mapped_column(String(15), default="")
    email: Mapped[str] = mapped_column(String(120), default="")
    thon: Mapped[str] = mapped_column(String(120), default="")
    address: Mapped[str] = mapped_column(String(300), default="")
    household_id: Mapped[int | None] = mapped_column(ForeignKey("households.id"))
    is_household_head: Mapped[bool] = mapped_column(Boolean, default=False)
    is_organisation: Mapped[bool] = mapped_column(Boolean, default=False)
    tax_code: Mapped[str] = mapped_column(String(20), default="")
    contact_name: Mapped[str] = mapped_column(String(120), default="")
    consent_status: Mapped[str] = mapped_column(String(12), default="unknown")
    consent_date: Mapped[date | None] = mapped_column(Date)
    consent_purposes: Mapped[str] = mapped_column(String(200), default="")
    consent_recorded_by: Mapped[str] = mapped_column(String(120), default="")
    # Evidenced donations made before the branch used this app; counted towards honours.
    blood_prior_donations: Mapped[int] = mapped_column(Integer, default=0)
    blood_prior_evidence: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(Text, default="")
    # Derived from the name/phone/CCCD on every save: folded search text and Vietnamese sort key.
    search_key: Mapped[str] = mapped_column(String(400), default="")
    sort_key: Mapped[str] = mapped_column(String(800), default="")

    household: Mapped[Household | None] = relationship()


class Campaign(Synced, Base):
    __tablename__ = "campaigns"

    code: Mapped[str] = mapped_column(String(30), unique=True)
    name: Mapped[str] = mapped_column(String(250))
    kind: Mapped[str] = mapped_column(String(24), default="regular")
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    restricted: Mapped[bool] = mapped_column(Boolean, default=False)
    purpose: Mapped[str] = mapped_column(Text, default="")
    target_vnd: Mapped[int] = mapped_column(default=0)
    min_gift_vnd: Mapped[int] = mapped_column(default=0)
    documents: Mapped[str] = mapped_column(Text, default="")
    decree93: Mapped[bool] = mapped_column(Boolean, default=False)


class DisclosurePosting(Synced, Base):
    """Decree 93 Art. 14 disclosure log: what was posted, where, between which dates."""

    __tablename__ = "disclosure_postings"

    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id"))
    what: Mapped[str] = mapped_column(Text)
    channel: Mapped[str] = mapped_column(String(200))
    from_date: Mapped[date] = mapped_column(Date)
    to_date: Mapped[date | None] = mapped_column(Date)


# ---------------------------------------------------------------- donations and stock


class Item(Synced, Base):
    __tablename__ = "items"
    __table_args__ = (UniqueConstraint("name", "unit", name="uq_items_name_unit"),)

    name: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(30))
    category: Mapped[str] = mapped_column(String(20), default="other")
    suggested_value_vnd: Mapped[int] = mapped_column(default=0)
    tracks_expiry: Mapped[bool] = mapped_column(Boolean, default=False)
    low_stock_level: Mapped[int] = mapped_column(Integer, default=0)


class Donation(Synced, Base):
    """A receipt (biên nhận). The number is assigned on save and survives a void."""

    __tablename__ = "donations"
    __table_args__ = (
        UniqueConstraint("receipt_year", "receipt_no", name="uq_donations_receipt"),
        Index("ix_donations_date", "received_on"),
        CheckConstraint("cash_vnd >= 0", name="cash_not_negative"),
    )

    receipt_year: Mapped[int] = mapped_column(Integer)
    receipt_no: Mapped[int] = mapped_column(Integer)
    received_on: Mapped[date] = mapped_column(Date)
    donor_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))  # None = anonymous
    donor_display: Mapped[str] = mapped_column(String(250), default="")  # e.g. a box's label
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id"))
    channel: Mapped[str] = mapped_column(String(12))
    cash_vnd: Mapped[int] = mapped_column(default=0)
    designation: Mapped[str] = mapped_column(Text, default="")  # "ủng hộ có địa chỉ"
    designated_person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    collector: Mapped[str] = mapped_column(String(120), default="")
    status: Mapped[str] = mapped_column(String(8), default="valid")  # valid | void
    void_reason: Mapped[str] = mapped_column(Text, default="")
    voided_by: Mapped[str] = mapped_column(String(120), default="")
    voided_at: Mapped[datetime | None] = mapped_column(DateTime)
    print_count: Mapped[int] = mapped_column(Integer, default=0)
    note: Mapped[str] = mapped_column(Text, default="")

    donor: Mapped[Person | None] = relationship(foreign_keys=[donor_id])
    campaign: Mapped[Campaign | None] = relationship()
    lines: Mapped[list[DonationLine]] = relationship(back_populates="donation", order_by="DonationLine.id")

    @property
    def receipt_code(self) -> str:
        return f"BN-{self.receipt_year}-{self.receipt_no:06d}"


class DonationLine(Synced, Base):
    """An in-kind line; its goods enter stock through a receipt movement."""

    __tablename__ = "donation_lines"
    __table_args__ = (CheckConstraint("quantity > 0", name="quantity_positive"),)

    donation_id: Mapped[int] = mapped_column(ForeignKey("donations.id"))
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"))
    quantity: Mapped[int] = mapped_column(Integer)
    unit_value_vnd: Mapped[int] = mapped_column(default=0)
    value_vnd: Mapped[int] = mapped_column(default=0)
    valuation_basis: Mapped[str] = mapped_column(String(10), default="declared")

    donation: Mapped[Donation] = relationship(back_populates="lines")
    item: Mapped[Item] = relationship()


class StockMovement(Synced, Base):
    """Signed quantity: receipts and returns positive, issues negative, adjustments either way."""

    __tablename__ = "stock_movements"
    __table_args__ = (Index("ix_stock_movements_item", "item_id", "moved_on"),)

    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"))
    moved_on: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(12))
    quantity: Mapped[int] = mapped_column(Integer)
    value_vnd: Mapped[int] = mapped_column(default=0)  # signed like quantity
    donation_line_id: Mapped[int | None] = mapped_column(ForeignKey("donation_lines.id"))
    relief_id: Mapped[int | None] = mapped_column(ForeignKey("relief_records.id"))
    reason: Mapped[str] = mapped_column(Text, default="")

    item: Mapped[Item] = relationship()


# ---------------------------------------------------------------- relief and distributions


class DistributionList(Synced, Base):
    __tablename__ = "distribution_lists"

    title: Mapped[str] = mapped_column(String(250))
    planned_on: Mapped[date] = mapped_column(Date)
    programme: Mapped[str] = mapped_column(String(200), default="")
    relief_kind: Mapped[str] = mapped_column(String(16), default="regular")
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id"))
    status: Mapped[str] = mapped_column(String(12), default="draft")

    lines: Mapped[list[DistributionLine]] = relationship(back_populates="distribution", order_by="DistributionLine.id")


class DistributionLine(Synced, Base):
    __tablename__ = "distribution_lines"

    distribution_id: Mapped[int] = mapped_column(ForeignKey("distribution_lists.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    group_code: Mapped[str] = mapped_column(String(20), default="")
    cash_vnd: Mapped[int] = mapped_column(default=0)
    item_id: Mapped[int | None] = mapped_column(ForeignKey("items.id"))
    quantity: Mapped[int] = mapped_column(Integer, default=0)
    received: Mapped[bool | None] = mapped_column(Boolean)  # None until reconciled
    proxy_name: Mapped[str] = mapped_column(String(120), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    relief_id: Mapped[int | None] = mapped_column(ForeignKey("relief_records.id"))

    distribution: Mapped[DistributionList] = relationship(back_populates="lines")
    person: Mapped[Person] = relationship()


class ReliefRecord(Synced, Base):
    """Support given to a person and/or household; goods given are stock issues pointing here."""

    __tablename__ = "relief_records"
    __table_args__ = (
        Index("ix_relief_records_date", "given_on"),
        CheckConstraint("cash_vnd >= 0", name="cash_not_negative"),
    )

    given_on: Mapped[date] = mapped_column(Date)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    household_id: Mapped[int | None] = mapped_column(ForeignKey("households.id"))
    programme: Mapped[str] = mapped_column(String(200), default="")
    kind: Mapped[str] = mapped_column(String(16))
    groups: Mapped[str] = mapped_column(String(200), default="")  # comma-separated group codes
    cash_vnd: Mapped[int] = mapped_column(default=0)
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id"))
    people_covered: Mapped[int] = mapped_column(Integer, default=1)
    review_minutes_ref: Mapped[str] = mapped_column(String(200), default="")  # bình xét
    confirmation_ref: Mapped[str] = mapped_column(String(200), default="")  # UBND xã
    note: Mapped[str] = mapped_column(Text, default="")

    person: Mapped[Person | None] = relationship()
    household: Mapped[Household | None] = relationship()
    campaign: Mapped[Campaign | None] = relationship()
    issues: Mapped[list[StockMovement]] = relationship(foreign_keys=[StockMovement.relief_id])


# ---------------------------------------------------------------- blood


class BloodDrive(Synced, Base):
    """Counts come from the facility's summary (authoritative) or from individual records."""

    __tablename__ = "blood_drives"
    __table_args__ = (
        CheckConstraint("donated <= screened", name="donated_le_screened"),
        Index("ix_blood_drives_date", "held_on"),
    )

    held_on: Mapped[date] = mapped_column(Date)
    place: Mapped[str] = mapped_column(String(250))
    facility: Mapped[str] = mapped_column(String(250), default="")
    target_units: Mapped[int] = mapped_column(Integer, default=0)
    registered: Mapped[int] = mapped_column(Integer, default=0)
    screened: Mapped[int] = mapped_column(Integer, default=0)
    donated: Mapped[int] = mapped_column(Integer, default=0)
    first_time: Mapped[int] = mapped_column(Integer, default=0)
    units_250: Mapped[int] = mapped_column(Integer, default=0)
    units_350: Mapped[int] = mapped_column(Integer, default=0)
    units_450: Mapped[int] = mapped_column(Integer, default=0)
    note: Mapped[str] = mapped_column(Text, default="")


class BloodDonation(Synced, Base):
    __tablename__ = "blood_donations"
    __table_args__ = (Index("ix_blood_donations_person", "person_id", "donated_on"),)

    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    drive_id: Mapped[int | None] = mapped_column(ForeignKey("blood_drives.id"))
    donated_on: Mapped[date] = mapped_column(Date)
    facility: Mapped[str] = mapped_column(String(250), default="")
    kind: Mapped[str] = mapped_column(String(12), default="whole")
    ml: Mapped[int] = mapped_column(Integer)
    certificate_no: Mapped[str] = mapped_column(String(60), default="")
    certificate_date: Mapped[date | None] = mapped_column(Date)
    override_reason: Mapped[str] = mapped_column(Text, default="")  # given before the eligible date

    person: Mapped[Person] = relationship()


# ---------------------------------------------------------------- members, volunteers, dues


class Membership(Synced, Base):
    __tablename__ = "memberships"
    __table_args__ = (Index("ix_memberships_person", "person_id"),)

    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    category: Mapped[str] = mapped_column(String(12))
    member_no: Mapped[str] = mapped_column(String(40), default="")
    sub_unit_id: Mapped[int | None] = mapped_column(ForeignKey("sub_units.id"))
    joined_on: Mapped[date] = mapped_column(Date)
    left_on: Mapped[date | None] = mapped_column(Date)
    leave_reason: Mapped[str] = mapped_column(Text, default="")
    volunteer_rank: Mapped[str] = mapped_column(String(12), default="")
    skills: Mapped[str] = mapped_column(Text, default="")
    dues_exempt: Mapped[bool] = mapped_column(Boolean, default=False)
    exempt_reason: Mapped[str] = mapped_column(Text, default="")

    person: Mapped[Person] = relationship()
    sub_unit: Mapped[SubUnit | None] = relationship()


class DuesPayment(Synced, Base):
    __tablename__ = "dues_payments"

    membership_id: Mapped[int] = mapped_column(ForeignKey("memberships.id"))
    paid_on: Mapped[date] = mapped_column(Date)
    first_month: Mapped[str] = mapped_column(String(7))  # YYYY-MM
    months: Mapped[int] = mapped_column(Integer)
    amount_vnd: Mapped[int] = mapped_column()
    collector: Mapped[str] = mapped_column(String(120), default="")

    __table_args__ = (CheckConstraint("months >= 1", name="months_positive"),)


class VolunteerHours(Synced, Base):
    __tablename__ = "volunteer_hours"

    membership_id: Mapped[int] = mapped_column(ForeignKey("memberships.id"))
    worked_on: Mapped[date] = mapped_column(Date)
    activity_id: Mapped[int | None] = mapped_column(ForeignKey("activities.id"))
    description: Mapped[str] = mapped_column(String(300), default="")
    minutes: Mapped[int] = mapped_column(Integer)
    verified_by: Mapped[str] = mapped_column(String(120), default="")

    __table_args__ = (CheckConstraint("minutes > 0", name="minutes_positive"),)


# ---------------------------------------------------------------- activities, tracing


class Activity(Synced, Base):
    """An event with counts; which counts apply depends on the type (domain.md §2.9)."""

    __tablename__ = "activities"
    __table_args__ = (Index("ix_activities_date", "start_date"),)

    type: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(250))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    place: Mapped[str] = mapped_column(String(250), default="")
    partners: Mapped[str] = mapped_column(String(250), default="")
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id"))
    sessions: Mapped[int] = mapped_column(Integer, default=1)  # courses, drills, talks (buổi)
    participants: Mapped[int] = mapped_column(Integer, default=0)  # trainees, people reached
    cases: Mapped[int] = mapped_column(Integer, default=0)  # real first-aid cases, news items
    people_served: Mapped[int] = mapped_column(Integer, default=0)  # examined or given gifts
    value_vnd: Mapped[int] = mapped_column(default=0)
    cost_vnd: Mapped[int] = mapped_column(default=0)
    note: Mapped[str] = mapped_column(Text, default="")


class TracingCase(Synced, Base):
    """Family tracing register; only counts leave the commune."""

    __tablename__ = "tracing_cases"

    received_on: Mapped[date] = mapped_column(Date)
    requester: Mapped[str] = mapped_column(String(250))
    sought_person: Mapped[str] = mapped_column(String(250))
    status: Mapped[str] = mapped_column(String(12), default="received")
    closed_on: Mapped[date | None] = mapped_column(Date)
    narrative: Mapped[str] = mapped_column(Text, default="")


SYNCED_MODELS: tuple[type[Synced], ...] = (
    SubUnit, Household, Person, Campaign, DisclosurePosting, Item, Donation, DonationLine, StockMovement,
    DistributionList, DistributionLine, ReliefRecord, BloodDrive, BloodDonation, Membership, DuesPayment,
    VolunteerHours, Activity, TracingCase,
)


# ---------------------------------------------------------------- bulk import bookkeeping


class ImportedRow(Base):
    """One row of a bulk-entry workbook that has been imported: re-importing a file skips the rows
    whose content hash is here, so nothing is created twice. Local bookkeeping, never exported.
    `import_uuid` is the record_uuid of that import's audit row (file, sha256, counts)."""

    __tablename__ = "import_rows"

    row_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    sheet: Mapped[str] = mapped_column(String(20))
    record_uuid: Mapped[str] = mapped_column(String(36))
    import_uuid: Mapped[str] = mapped_column(String(36))
    imported_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


# ---------------------------------------------------------------- signing keys


class SigningKey(Base):
    """The branch's Ed25519 keys. The private key is stored only as passphrase-encrypted PKCS#8;
    at most one key is `active`. Local, never exported except the public half."""

    __tablename__ = "signing_keys"

    key_id: Mapped[str] = mapped_column(String(16), primary_key=True)
    public_key: Mapped[str] = mapped_column(String(64))  # base64 of the raw 32 bytes
    encrypted_private_key: Mapped[str] = mapped_column(Text)  # PEM, PKCS#8 BestAvailableEncryption
    status: Mapped[str] = mapped_column(String(10), default="active")  # active | retired
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    retired_at: Mapped[datetime | None] = mapped_column(DateTime)


# ---------------------------------------------------------------- certificates


class Certificate(Synced, Base):
    """An issued certificate (domain.md §4): donor thank-you `CN`, blood donor honour `HM`,
    volunteer commendation `TN`. The serial is taken at issue from the gapless counter of its kind
    and year; a void keeps the number with the reason; a reprint keeps the number and counts.

    `essential_fields` is the canonical JSON that the branch key signs; `qr_text` is the signed,
    self-contained payload printed as the QR code and `verification_code` the short code printed
    beside it, both kept so that a reprint carries the very same code. `print_values` holds what
    the template needs to print the certificate again (campaign, period, address…)."""

    __tablename__ = "certificates"
    __table_args__ = (
        UniqueConstraint("kind", "serial_year", "serial_no", name="uq_certificates_number"),
        Index("ix_certificates_recipient", "recipient_person_id"),
        Index("ix_certificates_code", "verification_code"),
    )

    kind: Mapped[str] = mapped_column(String(12))  # donor | blood | volunteer
    serial_year: Mapped[int] = mapped_column(Integer)
    serial_no: Mapped[int] = mapped_column(Integer)
    serial: Mapped[str] = mapped_column(String(24), unique=True)  # CN-2026-000123
    recipient_person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    recipient_name: Mapped[str] = mapped_column(String(250))
    reason: Mapped[str] = mapped_column(Text, default="")  # the printed reason, plain text
    amount_vnd: Mapped[int] = mapped_column(default=0)
    essential_fields: Mapped[str] = mapped_column(Text)  # JSON, signed
    print_values: Mapped[str] = mapped_column(Text, default="{}")  # JSON, for reprints
    template: Mapped[str] = mapped_column(String(40))
    key_id: Mapped[str] = mapped_column(String(16))
    verification_code: Mapped[str] = mapped_column(String(16))
    qr_text: Mapped[str] = mapped_column(Text)
    issued_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(8), default="valid")  # valid | void
    void_reason: Mapped[str] = mapped_column(Text, default="")
    voided_by: Mapped[str] = mapped_column(String(120), default="")
    voided_at: Mapped[datetime | None] = mapped_column(DateTime)
    print_count: Mapped[int] = mapped_column(Integer, default=0)

    recipient: Mapped[Person | None] = relationship()


# ---------------------------------------------------------------- monthly report


class ReportValue(Synced, Base):
    """A figure entered by hand for one period (an indicator with no record kind, or a narrative
    section in `text`). Computed indicators are never stored: they are recomputed from the records.
    Synced for its envelope (version, audit, tombstone); it travels in bundles as report rows."""

    __tablename__ = "report_values"
    __table_args__ = (UniqueConstraint("period", "code", "disagg"),)

    period: Mapped[str] = mapped_column(String(7))  # YYYY-MM
    code: Mapped[str] = mapped_column(String(40))
    disagg: Mapped[str] = mapped_column(String(60), default="")
    value: Mapped[int] = mapped_column(default=0)
    text: Mapped[str] = mapped_column(Text, default="")


class ReportPeriod(Base):
    """The catalogue version a period was closed with (kept across a reopening, so the report
    issued for it can be rebuilt as it was). The lock itself is the `PeriodLock` row."""

    __tablename__ = "report_periods"

    period: Mapped[str] = mapped_column(String(7), primary_key=True)
    catalogue_version: Mapped[str] = mapped_column(String(12))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    closed_by: Mapped[str] = mapped_column(String(120), default="")


# ---------------------------------------------------------------- signed bundle export state


class BundleSequence(Base):
    """The branch's last bundle number. Taken (+1) and committed before a file is written, so a
    crash skips a number and never reuses one (bundle-format.md §7). Local, never exported."""

    __tablename__ = "bundle_sequence"

    branch_code: Mapped[str] = mapped_column(String(40), primary_key=True)
    last_seq: Mapped[int] = mapped_column(Integer, default=0)


class BundleExport(Base):
    """One export attempt: `status` is 'started' when the number is taken and 'written' once the
    verified file is in place, with its digests. Local, never exported."""

    __tablename__ = "bundle_exports"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    period: Mapped[str] = mapped_column(String(7))
    bundle_id: Mapped[str] = mapped_column(String(36), unique=True)
    key_id: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    exported_by: Mapped[str] = mapped_column(String(120), default="")
    status: Mapped[str] = mapped_column(String(10), default="started")  # started | written
    bundle_digest: Mapped[str | None] = mapped_column(String(64))
    file_sha256: Mapped[str | None] = mapped_column(String(64))
    file_name: Mapped[str] = mapped_column(String(260), default="")


class BundleRowState(Base):
    """What each exported row last looked like. A bundle row joins a record with related ones
    (donor name, goods value, dues total), so its `version` is kept here: it rises whenever the row's
    content changes, which keeps "same id and version ⇒ same content" true at the province."""

    __tablename__ = "bundle_row_state"

    sheet_key: Mapped[str] = mapped_column(String(20), primary_key=True)
    record_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    content_hash: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[str] = mapped_column(String(25))  # as exported, YYYY-MM-DDTHH:MM:SS+07:00


# ---------------------------------------------------------------- province mode (bundle-format.md §8–§11)


class ProvinceBranch(Base):
    """A commune branch the province receives bundles from (unknown branches are UNKNOWN_BRANCH)."""

    __tablename__ = "province_branches"

    branch_code: Mapped[str] = mapped_column(String(40), primary_key=True)
    commune_code: Mapped[str | None] = mapped_column(String(8))
    name: Mapped[str] = mapped_column(String(200))
    registered_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class ProvinceKey(Base):
    """Trust store: a commune key and its state (pending, active, retired, revoked), all audited."""

    __tablename__ = "province_keys"
    __table_args__ = (Index("ix_province_keys_branch", "branch_code", "status"),)

    key_id: Mapped[str] = mapped_column(String(16), primary_key=True)
    branch_code: Mapped[str] = mapped_column(String(40))
    public_key: Mapped[str] = mapped_column(String(64))  # base64 raw 32 bytes
    status: Mapped[str] = mapped_column(String(10), default="pending")
    registered_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    confirmed_by: Mapped[str] = mapped_column(String(120), default="")
    confirm_method: Mapped[str] = mapped_column(String(40), default="")
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime)
    effective_seq: Mapped[int | None] = mapped_column(Integer)  # first seq signed by this key (rotation)
    retired_at_seq: Mapped[int | None] = mapped_column(Integer)  # KEY_RETIRED for seq >= this
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)
    revoke_reason: Mapped[str] = mapped_column(Text, default="")


class BundleState(Base):
    """Per (branch, key) sequence state for stage 8 (replay, gaps, conflicts)."""

    __tablename__ = "bundle_state"

    branch_code: Mapped[str] = mapped_column(String(40), primary_key=True)
    key_id: Mapped[str] = mapped_column(String(16), primary_key=True)
    last_seq: Mapped[int] = mapped_column(Integer, default=0)
    last_digest: Mapped[str] = mapped_column(String(64), default="")
    last_imported_at: Mapped[datetime | None] = mapped_column(DateTime)


class ImportedBundle(Base):
    """Every bundle seen, with its result; the original file is archived read-only under its SHA-256."""

    __tablename__ = "imported_bundles"
    __table_args__ = (Index("ix_imported_bundles_branch", "branch_code", "period"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    bundle_digest: Mapped[str] = mapped_column(String(64))
    file_sha256: Mapped[str] = mapped_column(String(64))
    branch_code: Mapped[str] = mapped_column(String(40))
    key_id: Mapped[str] = mapped_column(String(16))
    seq: Mapped[int] = mapped_column(Integer)
    period: Mapped[str] = mapped_column(String(7))
    periods_included: Mapped[str] = mapped_column(Text)  # JSON list
    created_at: Mapped[str] = mapped_column(String(32))  # as signed in the manifest
    received_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    officer: Mapped[str] = mapped_column(String(120))
    status: Mapped[str] = mapped_column(String(12))  # committed | quarantined | rejected | accepted | refused
    result_code: Mapped[str] = mapped_column(String(40))
    summary: Mapped[str] = mapped_column(Text)  # the DHIS2-style import summary (JSON)
    archive_path: Mapped[str] = mapped_column(String(400), default="")
    decided_by: Mapped[str] = mapped_column(String(120), default="")
    decision_reason: Mapped[str] = mapped_column(Text, default="")


class ProvinceRecord(Base):
    """The latest version of each commune record (origin owns it; strictly higher version wins).
    `data` holds the row's canonical values by column key (JSON), exactly as signed."""

    __tablename__ = "province_records"
    __table_args__ = (Index("ix_province_records_branch", "origin_branch", "sheet_key", "period"),)

    sheet_key: Mapped[str] = mapped_column(String(20), primary_key=True)
    record_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    origin_branch: Mapped[str] = mapped_column(String(40))
    version: Mapped[int] = mapped_column(Integer)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    period: Mapped[str] = mapped_column(String(7))
    row_hash: Mapped[str] = mapped_column(String(64))
    data: Mapped[str] = mapped_column(Text)
    bundle_digest: Mapped[str] = mapped_column(String(64))
    imported_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class ProvinceRecordHistory(Base):
    """Versions replaced by a newer one (kept for review after a key loss or a dispute)."""

    __tablename__ = "province_record_history"
    __table_args__ = (Index("ix_province_record_history_record", "sheet_key", "record_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sheet_key: Mapped[str] = mapped_column(String(20))
    record_id: Mapped[str] = mapped_column(String(200))
    version: Mapped[int] = mapped_column(Integer)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    row_hash: Mapped[str] = mapped_column(String(64))
    data: Mapped[str] = mapped_column(Text)
    bundle_digest: Mapped[str] = mapped_column(String(64))
    replaced_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class ProvinceConflict(Base):
    """Same record id and version with other content (VERSION_CONFLICT), queued for resolution."""

    __tablename__ = "province_conflicts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sheet_key: Mapped[str] = mapped_column(String(20))
    record_id: Mapped[str] = mapped_column(String(200))
    version: Mapped[int] = mapped_column(Integer)
    incoming_hash: Mapped[str] = mapped_column(String(64))
    incoming_data: Mapped[str] = mapped_column(Text)
    bundle_digest: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(10), default="open")  # open | resolved
    resolution: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class ProvincePeriodLock(Base):
    """A commune period locked (khóa sổ) at the province: changes to it are PERIOD_LOCKED rows."""

    __tablename__ = "province_period_locks"

    branch_code: Mapped[str] = mapped_column(String(40), primary_key=True)
    period: Mapped[str] = mapped_column(String(7), primary_key=True)
    locked_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    locked_by: Mapped[str] = mapped_column(String(120))
    reason: Mapped[str] = mapped_column(Text, default="")
