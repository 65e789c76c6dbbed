# SPDX-License-Identifier: MIT
"""The signed bundle the commune carries to the province (bundle-format.md §7): selects the snapshot
of the open periods (tombstones included) with personal data kept to what the province needs
(domain.md §6), takes the next bundle number before writing, signs with the branch key and writes a
self-verified file; verifies any bundle; exports the public key registration file. Qt-free.

Bundle numbers: a wrong passphrase is found before a number is taken, so it consumes none; any
later failure (disk full, a value that cannot be written) leaves that number skipped, never reused.
"""

from __future__ import annotations

import hashlib
import os
import re
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session, aliased

from .. import __version__
from ..certificates.codes import parse_public_key
from ..core.errors import NotFoundError, ValidationError
from ..core.i18n import _
from ..core.progress import NullProgress, Progress, check_cancelled
from ..db.models import (
    Activity,
    BloodDonation,
    Branch,
    BundleExport,
    BundleRowState,
    BundleSequence,
    Campaign,
    Donation,
    DonationLine,
    DuesPayment,
    Household,
    Membership,
    PeriodLock,
    Person,
    ReliefRecord,
    StockMovement,
    VolunteerHours,
)
from ..domain.codes import HEALTH_GROUPS
from ..sync import keys as crypto
from ..sync.canonical import ID_RE
from ..sync.keyfile import KeyRegistration, read_key_file, write_key_file
from ..sync.verify import TrustedKey, VerificationResult, render_verification, verify_bundle
from ..sync.writer import ManifestFields, write_bundle
from .context import ServiceContext
from .keys import KeyService, active_key

VN_TZ = timezone(timedelta(hours=7))  # Vietnam keeps no daylight saving time
PERIOD_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")

__all__ = ["BundleService", "ExportResult", "render_verification", "load_trusted_key"]


@dataclass(frozen=True)
class ExportResult:
    path: Path
    seq: int
    bundle_id: str
    bundle_digest: str
    file_sha256: str
    key_id: str
    fingerprint: str
    period: str
    periods_included: tuple[str, ...]
    rows: dict[str, int]


@dataclass(frozen=True)
class BundleExportRow:
    seq: int
    period: str
    bundle_id: str
    key_id: str
    created_at: datetime
    status: str
    bundle_digest: str | None
    file_sha256: str | None
    file_name: str


@dataclass
class _SheetRows:
    """Rows of one sheet before versions are assigned: envelope parts and business values."""

    record_ids: list[str]
    origins: list[str]
    record_versions: list[int]
    deleted: list[bool]
    periods: list[str | None]  # None: register sheets take the month of the row's last change
    updated: list[datetime]
    business: list[tuple[Any, ...]]


def _new_rows() -> _SheetRows:
    return _SheetRows([], [], [], [], [], [], [])


def _stamp(moment: datetime) -> str:
    """Naive UTC from the store → local ISO text with offset (§3 datetime)."""
    return moment.replace(tzinfo=UTC).astimezone(VN_TZ).replace(microsecond=0).isoformat()


def _month(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def _periods_included(period: str, locked: set[str]) -> tuple[str, ...]:
    """Months of the previous and the current calendar year up to `period`, minus locked ones; the
    exported month itself is always included (it is often closed just before it is sent)."""
    year, month = int(period[:4]), int(period[5:])
    months = [f"{y:04d}-{m:02d}" for y in (year - 1, year) for m in range(1, 13) if (y, m) <= (year, month)]
    return tuple(p for p in months if p == period or p not in locked)


def _report_record_id(branch: str, period: str, code: str, disagg: str) -> str:
    # §3 ids allow no "=", which breakdown keys use ("bag=350"): it becomes ":"; anything else
    # outside the id alphabet is replaced and a short hash keeps distinct keys distinct.
    key = disagg.replace("=", ":")
    if not re.fullmatch(r"[0-9A-Za-z:_.-]*", key):
        key = re.sub(r"[^0-9A-Za-z:_.-]", "_", key) + "." + hashlib.sha256(disagg.encode()).hexdigest()[:8]
    record_id = f"{branch}|{period}|{code}|{key}"
    if not ID_RE.fullmatch(record_id):
        raise ValidationError(_("Mã chỉ tiêu {code} không dùng được làm mã bản ghi.").format(code=code))
    return record_id


def _content_hash(deleted: bool, period: str | None, business: tuple[Any, ...]) -> str:
    return hashlib.sha256(repr((deleted, period, business)).encode("utf-8")).hexdigest()


class BundleService:
    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    # ------------------------------------------------------------ export

    def export(
        self, period: str, out: Path, passphrase: str, progress: Progress | None = None
    ) -> ExportResult:
        """Exports the signed bundle of `period` (YYYY-MM) to `out`. The key is created under
        `passphrase` at the first export. One transaction takes the snapshot, the row versions and
        the bundle number (committed before the file is written); the file is written to a temporary
        name in the target folder, verified, then renamed; a second small transaction records its
        digests. The writer thread."""
        progress = progress or NullProgress()
        if not PERIOD_RE.match(period or ""):
            raise ValidationError(
                _("Kỳ phải có dạng YYYY-MM, ví dụ 2026-03."), fields={"period": _("Kỳ không hợp lệ.")}
            )
        out = Path(out)
        if not out.parent.is_dir():
            raise NotFoundError(
                _("Không có thư mục {folder}. Hãy chọn thư mục khác.").format(folder=out.parent)
            )
        keys = KeyService(self._ctx)
        keys.ensure(passphrase)
        private_key = keys.unlock(passphrase)  # WRONG_PASSPHRASE here: nothing taken, nothing written
        public_raw = crypto.public_raw(private_key)
        progress.report(0, None, _("Đang chuẩn bị số liệu báo cáo…"))
        with self._ctx.sessions() as session:
            locked = set(session.scalars(select(PeriodLock.period)))
        included = _periods_included(period, locked)
        reports = self._report_rows(period, included)
        check_cancelled(progress)
        progress.report(0, None, _("Đang đọc dữ liệu…"))
        bundle_id = str(uuid.uuid4())
        created_at = datetime.now(VN_TZ).replace(microsecond=0)
        with self._ctx.sessions.begin() as session:
            branch = session.scalars(select(Branch)).one()
            datasets = self._datasets(session, included, reports)
            check_cancelled(progress)
            seq = self._take_seq(session, branch.branch_code)
            session.add(
                BundleExport(
                    seq=seq,
                    period=period,
                    bundle_id=bundle_id,
                    key_id=crypto.key_id(public_raw),
                    exported_by=self._ctx.actor,
                    status="started",
                    file_name=out.name,
                )
            )
            fields = ManifestFields(
                province_code=branch.province_code,
                branch_code=branch.branch_code,
                branch_name=branch.name,
                period=period,
                periods_included=included,
                seq=seq,
                bundle_id=bundle_id,
                created_at=created_at.isoformat(),
                exported_by=self._ctx.actor,
                app_version=__version__,
                install_id=branch.install_id,
            )
        progress.report(0, None, _("Đang ghi và kiểm tra gói dữ liệu…"))
        temp = out.with_name(f".{out.name}.{bundle_id}.tmp")
        try:
            written = write_bundle(temp, fields, datasets, private_key)
            os.replace(temp, out)
        finally:
            temp.unlink(missing_ok=True)
        with self._ctx.sessions.begin() as session:
            session.execute(
                update(BundleExport)
                .where(BundleExport.seq == seq)
                .values(
                    status="written", bundle_digest=written.bundle_digest, file_sha256=written.file_sha256
                )
            )
        return ExportResult(
            path=out,
            seq=seq,
            bundle_id=bundle_id,
            bundle_digest=written.bundle_digest,
            file_sha256=written.file_sha256,
            key_id=written.key_id,
            fingerprint=written.fingerprint,
            period=period,
            periods_included=included,
            rows=written.rows,
        )

    def history(self) -> list[BundleExportRow]:
        """Every export attempt, newest first. Read-only; any thread."""
        with self._ctx.sessions() as session:
            rows = session.scalars(select(BundleExport).order_by(BundleExport.seq.desc()))
            return [
                BundleExportRow(
                    r.seq,
                    r.period,
                    r.bundle_id,
                    r.key_id,
                    r.created_at,
                    r.status,
                    r.bundle_digest,
                    r.file_sha256,
                    r.file_name,
                )
                for r in rows
            ]

    @staticmethod
    def _take_seq(session: Session, branch_code: str) -> int:
        state = session.get(BundleSequence, branch_code)
        if state is None:
            state = BundleSequence(branch_code=branch_code, last_seq=0)
            session.add(state)
        state.last_seq += 1
        session.flush()
        return state.last_seq

    def _report_rows(self, period: str, included: Sequence[str]) -> dict[str, list[Any]]:
        """Indicator rows of the exported month and of every earlier open month already reported,
        so a correction to an earlier month reaches the province with a higher version."""
        try:
            from .reports import ReportService
        except ModuleNotFoundError as exc:  # the report engine is another module of this release
            if exc.name != f"{__package__}.reports":
                raise
            return {}
        with self._ctx.sessions() as session:
            earlier = {
                rid.split("|")[1]
                for rid in session.scalars(
                    select(BundleRowState.record_id).where(BundleRowState.sheet_key == "report")
                )
            }
        service = ReportService(self._ctx)
        return {
            p: list(service.indicators(p)) for p in included if p == period or (p in earlier and p < period)
        }

    # ------------------------------------------------------------ snapshot

    def _datasets(
        self, session: Session, included: Sequence[str], reports: dict[str, list[Any]]
    ) -> dict[str, list[tuple[Any, ...]]]:
        scope = set(included)
        first = date(int(included[0][:4]), int(included[0][5:]), 1)
        last_period = included[-1]
        year, month = int(last_period[:4]), int(last_period[5:])
        end = date(year + (month == 12), month % 12 + 1, 1)
        branch_code = self._ctx.branch_code
        sheets = {
            "report": self._report_sheet(session, branch_code, reports),
            "donations": self._donations(session, first, end, scope),
            "relief": self._relief(session, first, end, scope),
            "blood": self._blood(session, first, end, scope),
            "members": self._members(session),
            "activities": self._activities(session, first, end, scope),
        }
        return {key: self._versioned(session, key, rows) for key, rows in sheets.items()}

    def _versioned(self, session: Session, sheet_key: str, rows: _SheetRows) -> list[tuple[Any, ...]]:
        """Assigns each row its bundle version and updated_at from the stored row state: unchanged
        content keeps them; changed content gets max(last + 1, record version) and its last change."""
        stored = {
            r.record_id: (r.content_hash, r.version, r.updated_at)
            for r in session.execute(
                select(
                    BundleRowState.record_id,
                    BundleRowState.content_hash,
                    BundleRowState.version,
                    BundleRowState.updated_at,
                ).where(BundleRowState.sheet_key == sheet_key)
            )
        }
        inserts: list[dict[str, Any]] = []
        changes: list[dict[str, Any]] = []
        out: list[tuple[Any, ...]] = []
        for i, record_id in enumerate(rows.record_ids):
            deleted = rows.deleted[i]
            business = rows.business[i]
            period = rows.periods[i]
            content = _content_hash(deleted, period, business)
            previous = stored.get(record_id)
            if previous is not None and previous[0] == content:
                version, stamp = previous[1], previous[2]
            else:
                version = (
                    max(previous[1] + 1, rows.record_versions[i]) if previous else rows.record_versions[i]
                )
                stamp = _stamp(rows.updated[i])
                state = {
                    "sheet_key": sheet_key,
                    "record_id": record_id,
                    "content_hash": content,
                    "version": version,
                    "updated_at": stamp,
                }
                (changes if previous else inserts).append(state)
            row_period = period if period is not None else stamp[:7]
            if deleted:
                business = (None,) * len(business)  # §3: a tombstone carries its envelope only
            out.append((record_id, rows.origins[i], version, deleted, row_period, stamp, *business))
        if inserts:
            session.execute(insert(BundleRowState), inserts)
        for state in changes:
            session.execute(
                update(BundleRowState)
                .where(BundleRowState.sheet_key == sheet_key, BundleRowState.record_id == state["record_id"])
                .values(
                    content_hash=state["content_hash"],
                    version=state["version"],
                    updated_at=state["updated_at"],
                )
            )
        return out

    @staticmethod
    def _append(
        rows: _SheetRows,
        record_id: str,
        origin: str,
        version: int,
        deleted: bool,
        period: str | None,
        updated: Iterable[datetime | None],
        business: tuple[Any, ...],
    ) -> None:
        rows.record_ids.append(record_id)
        rows.origins.append(origin)
        rows.record_versions.append(version)
        rows.deleted.append(bool(deleted))
        rows.periods.append(period)
        rows.updated.append(max(u for u in updated if u is not None))
        rows.business.append(business)

    def _report_sheet(self, session: Session, branch_code: str, reports: dict[str, list[Any]]) -> _SheetRows:
        rows = _new_rows()
        now = datetime.now(UTC).replace(tzinfo=None)
        for period, values in reports.items():
            for v in values:
                rid = _report_record_id(branch_code, period, v.code, v.disagg)
                self._append(
                    rows,
                    rid,
                    branch_code,
                    1,
                    False,
                    period,
                    [now],
                    (v.code, v.label, v.unit, int(v.value), v.disagg or None),
                )
        # A breakdown row sent before can vanish (its only donation voided, moved to another
        # campaign…). Without a tombstone the province would keep adding up the old figure (§3).
        present = set(rows.record_ids)
        for rid in session.scalars(
            select(BundleRowState.record_id).where(BundleRowState.sheet_key == "report")
        ):
            period = rid.split("|")[1]
            if period in reports and rid not in present:
                self._append(rows, rid, branch_code, 1, True, period, [now], (None,) * 5)
        return rows

    def _donations(self, session: Session, first: date, end: date, scope: set[str]) -> _SheetRows:
        donor = aliased(Person)
        in_kind: dict[int, int] = dict(
            session.execute(
                select(DonationLine.donation_id, func.sum(DonationLine.value_vnd))
                .where(DonationLine.deleted.is_(False))
                .group_by(DonationLine.donation_id)
            ).all()
        )
        query = (
            select(
                Donation.id,
                Donation.uuid,
                Donation.origin_branch,
                Donation.version,
                Donation.deleted,
                Donation.received_on,
                Donation.updated_at,
                Donation.receipt_year,
                Donation.receipt_no,
                Donation.donor_display,
                Donation.channel,
                Donation.cash_vnd,
                Donation.status,
                Donation.void_reason,
                donor.uuid,
                donor.full_name,
                donor.is_organisation,
                donor.deleted,
                donor.updated_at,
                Campaign.code,
                Campaign.updated_at,
            )
            .outerjoin(donor, donor.id == Donation.donor_id)
            .outerjoin(Campaign, Campaign.id == Donation.campaign_id)
            .where(Donation.received_on >= first, Donation.received_on < end)
            .order_by(Donation.received_on, Donation.id)
        )
        rows = _new_rows()
        for (
            did,
            rid,
            origin,
            version,
            deleted,
            on,
            updated,
            year,
            number,
            display,
            channel,
            cash,
            status,
            void_reason,
            donor_id,
            donor_name,
            is_org,
            donor_deleted,
            donor_updated,
            campaign,
            campaign_updated,
        ) in session.execute(query):
            period = _month(on)
            if period not in scope:
                continue
            name: str | None = display
            if donor_id is None:
                kind = "anonymous"
            else:
                kind = "organisation" if is_org else "person"
                name = None if donor_deleted else donor_name
            business = (
                f"BN-{year}-{number:06d}",
                on,
                kind,
                donor_id,
                name,
                campaign,
                channel,
                cash,
                int(in_kind.get(did) or 0),
                status,
                void_reason,
            )
            self._append(
                rows,
                rid,
                origin,
                version,
                deleted,
                period,
                (updated, donor_updated, campaign_updated),
                business,
            )
        return rows

    def _relief(self, session: Session, first: date, end: date, scope: set[str]) -> _SheetRows:
        goods = dict(
            session.execute(
                select(StockMovement.relief_id, -func.sum(StockMovement.value_vnd))
                .where(StockMovement.relief_id.is_not(None), StockMovement.deleted.is_(False))
                .group_by(StockMovement.relief_id)
            ).all()
        )
        query = (
            select(
                ReliefRecord.id,
                ReliefRecord.uuid,
                ReliefRecord.origin_branch,
                ReliefRecord.version,
                ReliefRecord.deleted,
                ReliefRecord.given_on,
                ReliefRecord.updated_at,
                ReliefRecord.programme,
                ReliefRecord.kind,
                ReliefRecord.groups,
                ReliefRecord.cash_vnd,
                ReliefRecord.people_covered,
                Person.uuid,
                Person.full_name,
                Person.sex,
                Person.thon,
                Person.birth_date,
                Person.birth_year,
                Person.deleted,
                Person.updated_at,
                Household.uuid,
                Campaign.code,
                Campaign.updated_at,
            )
            .outerjoin(Person, Person.id == ReliefRecord.person_id)
            .outerjoin(Household, Household.id == ReliefRecord.household_id)
            .outerjoin(Campaign, Campaign.id == ReliefRecord.campaign_id)
            .where(ReliefRecord.given_on >= first, ReliefRecord.given_on < end)
            .order_by(ReliefRecord.given_on, ReliefRecord.id)
        )
        rows = _new_rows()
        for (
            rel_id,
            rid,
            origin,
            version,
            deleted,
            on,
            updated,
            programme,
            kind,
            groups,
            cash,
            covered,
            person_id,
            name,
            sex,
            thon,
            birth_date,
            birth_year,
            person_deleted,
            person_updated,
            household_id,
            campaign,
            campaign_updated,
        ) in session.execute(query):
            period = _month(on)
            if period not in scope:
                continue
            # Health-related groups never leave the commune (domain.md §6).
            shared_groups = ",".join(
                g for g in (x.strip() for x in groups.split(",")) if g and g not in HEALTH_GROUPS
            )
            personal = (
                (None, None, None, None)
                if person_deleted or person_id is None
                else (name, sex, thon, birth_date.year if birth_date else birth_year)
            )
            business = (
                on,
                person_id,
                *personal,
                household_id,
                programme,
                kind,
                shared_groups,
                campaign,
                cash,
                int(goods.get(rel_id) or 0),
                covered,
            )
            self._append(
                rows,
                rid,
                origin,
                version,
                deleted,
                period,
                (updated, person_updated, campaign_updated),
                business,
            )
        return rows

    def _blood(self, session: Session, first: date, end: date, scope: set[str]) -> _SheetRows:
        query = (
            select(
                BloodDonation.uuid,
                BloodDonation.origin_branch,
                BloodDonation.version,
                BloodDonation.deleted,
                BloodDonation.donated_on,
                BloodDonation.updated_at,
                BloodDonation.kind,
                BloodDonation.ml,
                Person.uuid,
                Person.sex,
                Person.birth_date,
                Person.birth_year,
                Person.updated_at,
            )
            .join(Person, Person.id == BloodDonation.person_id)
            .where(BloodDonation.donated_on >= first, BloodDonation.donated_on < end)
            .order_by(BloodDonation.donated_on, BloodDonation.id)
        )
        rows = _new_rows()
        for (
            rid,
            origin,
            version,
            deleted,
            on,
            updated,
            kind,
            ml,
            donor_id,
            sex,
            birth_date,
            birth_year,
            person_updated,
        ) in session.execute(query):
            period = _month(on)
            if period not in scope:
                continue
            # No names: a donor leaves the commune only as a record id, sex and year of birth (§6).
            business = (donor_id, sex, birth_date.year if birth_date else birth_year, on, kind, ml)
            self._append(rows, rid, origin, version, deleted, period, (updated, person_updated), business)
        return rows

    def _members(self, session: Session) -> _SheetRows:
        dues: dict[int, tuple[int, str | None, datetime | None]] = {}
        for membership_id, amount, first_month, months, deleted, updated in session.execute(
            select(
                DuesPayment.membership_id,
                DuesPayment.amount_vnd,
                DuesPayment.first_month,
                DuesPayment.months,
                DuesPayment.deleted,
                DuesPayment.updated_at,
            )
        ):
            total, through, last = dues.get(membership_id, (0, None, None))
            if not deleted:
                total += amount
                y, m = int(first_month[:4]), int(first_month[5:])
                index = y * 12 + m - 1 + months - 1
                covered = f"{index // 12:04d}-{index % 12 + 1:02d}"
                through = max(through or covered, covered)
            dues[membership_id] = (total, through, max(last or updated, updated))
        hours: dict[int, tuple[int, datetime | None]] = {}
        for membership_id, minutes, deleted, updated in session.execute(
            select(
                VolunteerHours.membership_id,
                VolunteerHours.minutes,
                VolunteerHours.deleted,
                VolunteerHours.updated_at,
            )
        ):
            total_minutes, last = hours.get(membership_id, (0, None))
            hours[membership_id] = (
                total_minutes + (0 if deleted else minutes),
                max(last or updated, updated),
            )
        query = (
            select(
                Membership.id,
                Membership.uuid,
                Membership.origin_branch,
                Membership.version,
                Membership.deleted,
                Membership.updated_at,
                Membership.category,
                Membership.member_no,
                Membership.volunteer_rank,
                Membership.joined_on,
                Membership.left_on,
                Person.uuid,
                Person.full_name,
                Person.sex,
                Person.birth_date,
                Person.birth_year,
                Person.thon,
                Person.updated_at,
            )
            .join(Person, Person.id == Membership.person_id)
            .order_by(Membership.id)
        )
        rows = _new_rows()
        for (
            mid,
            rid,
            origin,
            version,
            deleted,
            updated,
            category,
            member_no,
            rank,
            joined,
            left,
            person_id,
            name,
            sex,
            birth_date,
            birth_year,
            thon,
            person_updated,
        ) in session.execute(query):
            paid, through, dues_updated = dues.get(mid, (0, None, None))
            minutes, hours_updated = hours.get(mid, (0, None))
            business = (
                person_id,
                name,
                sex,
                birth_date,
                birth_date.year if birth_date else birth_year,
                thon,
                category,
                member_no,
                rank or None,
                joined,
                left,
                paid,
                through,
                minutes,
            )
            self._append(
                rows,
                rid,
                origin,
                version,
                deleted,
                None,
                (updated, person_updated, dues_updated, hours_updated),
                business,
            )
        return rows

    def _activities(self, session: Session, first: date, end: date, scope: set[str]) -> _SheetRows:
        query = (
            select(
                Activity.uuid,
                Activity.origin_branch,
                Activity.version,
                Activity.deleted,
                Activity.start_date,
                Activity.updated_at,
                Activity.type,
                Activity.title,
                Activity.end_date,
                Activity.sessions,
                Activity.participants,
                Activity.cases,
                Activity.people_served,
                Activity.value_vnd,
            )
            .where(Activity.start_date >= first, Activity.start_date < end)
            .order_by(Activity.start_date, Activity.id)
        )
        rows = _new_rows()
        for (
            rid,
            origin,
            version,
            deleted,
            start,
            updated,
            kind,
            title,
            end_date,
            sessions,
            participants,
            cases,
            served,
            value,
        ) in session.execute(query):
            period = _month(start)
            if period not in scope:
                continue
            business = (kind, title, start, end_date, sessions, participants, cases, served, value)
            self._append(rows, rid, origin, version, deleted, period, (updated,), business)
        return rows

    # ------------------------------------------------------------ verify and keys

    def verify(self, path: Path, key_file: Path | None = None) -> VerificationResult:
        """Stages 0–7 of any bundle; with `key_file` (a key registration file or a text file holding
        the public key) the signature is checked against that key. Reads no database; any thread."""
        path = Path(path)
        if not path.is_file():
            raise NotFoundError(_("Không tìm thấy tệp {path}.").format(path=path))
        trusted = load_trusted_key(key_file) if key_file is not None else None
        return verify_bundle(path, trusted_key=trusted)

    def export_key_file(self, out: Path, passphrase: str) -> KeyRegistration:
        """Writes the public key registration file (§8.2) signed by the branch key, which is
        created under `passphrase` if the branch has none. Unlocking proves the passphrase. One
        transaction at most (key creation); the writer thread."""
        out = Path(out)
        keys = KeyService(self._ctx)
        keys.ensure(passphrase)
        private_key = keys.unlock(passphrase)
        with self._ctx.sessions() as session:
            branch = session.scalars(select(Branch)).one()
            key = active_key(session)
            assert key is not None
            created = key.created_at.replace(tzinfo=UTC).astimezone(VN_TZ).replace(microsecond=0).isoformat()
            reg = KeyRegistration(
                branch_code=branch.branch_code,
                branch_name=branch.name,
                province_code=branch.province_code,
                public_raw=crypto.public_raw(private_key),
                key_id=key.key_id,
                created_at=created,
                install_id=branch.install_id,
                officer_name=branch.officer_name or self._ctx.actor,
                app_version=__version__,
            )
        temp = out.with_name(f".{out.name}.{uuid.uuid4()}.tmp")
        try:
            write_key_file(temp, private_key, reg)
            os.replace(temp, out)
        finally:
            temp.unlink(missing_ok=True)
        return reg


def load_trusted_key(path: Path) -> TrustedKey:
    """A key to verify against: a `vnrc-keyreg` file (its self-signature checked; it also names the
    branch), or a text file holding the base64 public key or the QR text `VNRCKEY1:…`."""
    path = Path(path)
    if not path.is_file():
        raise NotFoundError(_("Không tìm thấy tệp khóa {path}.").format(path=path))
    data = path.read_bytes()
    if data[:2] == b"PK":
        reg = read_key_file(path)
        return TrustedKey(reg.public_raw, reg.branch_code)
    text = data.decode("utf-8", errors="replace").strip()
    try:
        raw = parse_public_key(text)
    except ValueError as exc:
        raise ValidationError(
            _("Tệp khóa không đúng định dạng (cần tệp đăng ký khóa .xlsx hoặc khóa công khai).")
        ) from exc
    branch = text.split(":")[1] if text.startswith("VNRCKEY1:") else None
    return TrustedKey(raw, branch)
