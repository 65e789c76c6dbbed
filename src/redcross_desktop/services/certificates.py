# SPDX-License-Identifier: MIT
"""Certificates, receipts and distribution lists on paper (domain.md §4).

- **Numbers** come at issue, never at preview: one transaction takes a batch's consecutive numbers
  from the gapless counter of the kind (`CN` donor, `HM` blood, `TN` volunteer) and year, signs
  each certificate with the branch key, stores it and renders the PDF into a temporary file
  beside the target. Only after the commit is the file renamed into place, so a refused
  passphrase, a render error or a cancel leaves neither numbers nor a file.
- **Reprints** keep the number and the very same verification code, say "BẢN SAO" and count;
  **voids** keep the number with the reason (audited, action "void").
- **Batches** come from filters: donors of a campaign or period above an amount, blood donors who
  reached an honour level (in a period), active volunteers with at least N hours. A recipient who
  already holds a valid certificate for the same thing (campaign, honour level, period) is left
  out and listed in `skipped`.
- **Receipts** print the donation's own `BN` number and count through `DonationService`;
  **distribution lists** print the list for signatures and mark it printed.
- **Verification** checks the signed QR text with the branch's public key, and with this store's
  records also looks up short codes and reports voided certificates.

Qt-free.
"""

from __future__ import annotations

import base64
import builtins
import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..certificates import codes
from ..certificates.codes import CodeCheck, CodeFields
from ..certificates.dto import (
    BranchHeader,
    CertificateDTO,
    DistributionSheetDTO,
    ReceiptDTO,
    ReceiptLineDTO,
    SheetLineDTO,
)
from ..certificates.render import reason_text, render_certificates, render_distribution_list, render_receipt
from ..certificates.templates import (
    DEFAULT_TEMPLATES,
    CertificateTemplate,
    load_certificate_template,
    load_document_template,
)
from ..core.errors import DocumentVoidedError, NotFoundError, RedCrossError, ValidationError
from ..core.i18n import _
from ..core.progress import NullProgress, Progress
from ..core.vn import amount_in_words, format_date, format_vnd, mask_cccd, normalize_text
from ..db.audit import set_audit_reason
from ..db.base import utcnow
from ..db.models import BloodDonation, Campaign, Certificate, Donation, DonationLine, Person, SigningKey
from ..domain import certificates as rules
from ..domain.codes import DONATION_CHANNELS
from ..sync import keys as crypto
from .blood import BloodService
from .branch import load_branch
from .context import ServiceContext
from .distributions import DistributionService
from .donations import DonationService
from .keys import KeyService
from .members import MembershipService
from .numbering import next_number
from .settings import SettingsService, read_setting

KINDS = tuple(DEFAULT_TEMPLATES)


class OutputFileError(RedCrossError):
    """The PDF could not be put in place after the records were saved."""

    code = "OUTPUT_FILE_FAILED"


# ---------------------------------------------------------------- DTOs


@dataclass(frozen=True)
class CertificateRequest:
    """Who gets a certificate. With `person_ids` only those people are considered (the filters
    still apply); without, everyone the filters select.

    - donor: valid, named donations (cash + in-kind value) in `campaign_id` and/or the period,
      summed per donor, at least `min_amount_vnd` (and above zero);
    - blood: the highest honour-ladder level reached (within the period, when one is given);
    - volunteer: active volunteers with at least `min_hours` logged in the period (default: the
      calendar year of the issue date).
    """

    kind: str
    person_ids: tuple[int, ...] = ()
    campaign_id: int | None = None
    min_amount_vnd: int = 0
    date_from: date | None = None
    date_to: date | None = None
    min_hours: int = 0
    issued_on: date | None = None  # default: today
    template: str = ""  # default: the kind's template; e.g. "donor_thanks" for a thank-you letter


@dataclass(frozen=True)
class CertificateCandidate:
    person_id: int
    name: str
    title: str  # Ông, Bà, Ông/Bà, Đơn vị
    address: str
    value: int  # amount in đồng (donor), donations (blood), whole hours (volunteer)
    amount_vnd: int  # donor only
    subject: str  # what the certificate is for; one valid certificate per person and subject
    values: Mapping[str, str] = field(default_factory=dict)  # template placeholders


@dataclass(frozen=True)
class IssuedCertificate:
    serial: str
    kind: str
    recipient: str
    recipient_person_id: int | None
    fields: Mapping[str, Any]  # the signed essential fields (JSON-ready)
    code: str  # the short code printed beside the QR
    qr_text: str  # the signed payload in the QR


@dataclass(frozen=True)
class IssueResult:
    certificates: tuple[IssuedCertificate, ...]
    skipped: tuple[str, ...]  # recipients left out: they already hold this certificate
    path: Path


@dataclass(frozen=True)
class CertificateRow:
    id: int
    uuid: str
    kind: str
    serial: str
    serial_year: int
    serial_no: int
    recipient_person_id: int | None
    recipient_name: str
    reason: str
    amount_vnd: int
    issued_on: date
    template: str
    key_id: str
    verification_code: str
    qr_text: str
    status: str
    void_reason: str
    voided_by: str
    print_count: int
    version: int

    @classmethod
    def from_model(cls, c: Certificate) -> CertificateRow:
        return cls(
            c.id,
            c.uuid,
            c.kind,
            c.serial,
            c.serial_year,
            c.serial_no,
            c.recipient_person_id,
            c.recipient_name,
            c.reason,
            c.amount_vnd,
            c.issued_on,
            c.template,
            c.key_id,
            c.verification_code,
            c.qr_text,
            c.status,
            c.void_reason,
            c.voided_by,
            c.print_count,
            c.version,
        )

    @property
    def fields(self) -> dict[str, Any]:
        decoded = codes.decode(self.qr_text)[0]
        return _fields_json(decoded)


@dataclass(frozen=True)
class ReceiptPrint:
    receipt_code: str
    print_count: int
    copy: bool  # printed as "BẢN SAO"
    path: Path


# ---------------------------------------------------------------- helpers


def _fields_json(fields: CodeFields) -> dict[str, Any]:
    return {
        "serial": fields.serial,
        "kind": fields.kind,
        "branch_code": fields.branch_code,
        "key_id": fields.key_id,
        "issued_on": fields.issued_on.isoformat(),
        "recipient_name": fields.recipient_name,
        "value": fields.value,
    }


def _temp_path(out: Path) -> Path:
    """A temporary file in the target's folder, so the final rename stays on one file system."""
    return out.with_name(f".{out.name}.{os.getpid()}.tmp")


def _put_in_place(tmp: Path, out: Path, what: str) -> None:
    try:
        os.replace(tmp, out)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise OutputFileError(
            _(
                "Đã lưu {what} nhưng không ghi được tệp {path} ({detail}). "
                "Hãy chọn thư mục khác và in lại (số đã cấp được giữ nguyên)."
            ).format(what=what, path=out, detail=exc.strerror or exc)
        ) from exc


def _commune_kind(commune_name: str | None) -> str:
    for prefix, kind in (("Phường ", "phường"), ("Đặc khu ", "đặc khu"), ("Xã ", "xã")):
        if commune_name and commune_name.startswith(prefix):
            return kind
    return "xã"


def _branch_header(session: Session) -> BranchHeader:
    branch = load_branch(session)
    if branch is None:
        raise NotFoundError(_("Cơ sở dữ liệu chưa có chi hội. Hãy khởi tạo chi hội trước khi in."))
    return BranchHeader(
        branch_code=branch.branch_code,
        name=branch.name,
        parent_line=branch.parent_line,
        place_name=branch.place_name,
        chair_name=branch.chair_name,
        chair_title=branch.chair_title or "Chủ tịch",
        officer_name=branch.officer_name,
        officer_title=branch.officer_title,
        commune_kind=_commune_kind(branch.commune_name),
    )


def _words(session: Session, amount: int) -> str:
    setting: Mapping[str, Any] = read_setting(session, "amount_in_words") or {}
    return amount_in_words(
        amount,
        southern=bool(setting.get("southern", False)),
        tu_for_four=bool(setting.get("tu_for_four", True)),
    )


def _address(person: Person) -> str:
    return person.address or person.thon


def _find(session: Session, serial: str) -> Certificate:
    parsed = rules.parse_serial(serial)
    found = None
    if parsed is not None:
        found = session.scalar(
            select(Certificate).where(
                Certificate.serial == rules.serial_text(*parsed), Certificate.deleted.is_(False)
            )
        )
    if found is None:
        raise NotFoundError(
            _(
                "Không có giấy chứng nhận số {serial} trong dữ liệu. "
                "Hãy kiểm tra lại số (ví dụ CN-2026-000123)."
            ).format(serial=serial)
        )
    return found


def _refuse_void(cert: Certificate) -> None:
    if cert.status == "void":
        raise DocumentVoidedError(
            _("Giấy {serial} đã bị hủy ({reason}); không in lại được. Hãy cấp giấy mới nếu cần.").format(
                serial=cert.serial, reason=cert.void_reason
            )
        )


def _page_from_record(cert: Certificate, branch: BranchHeader, *, copy: bool) -> CertificateDTO:
    stored: Mapping[str, Any] = json.loads(cert.print_values or "{}")
    return CertificateDTO(
        branch=branch,
        recipient_name=cert.recipient_name,
        recipient_title=str(stored.get("title", "Ông/Bà")),
        issued_on=cert.issued_on,
        values={str(k): str(v) for k, v in (stored.get("values") or {}).items()},
        recipient_address=str(stored.get("address", "")),
        serial=cert.serial,
        short_code=cert.verification_code,
        qr_text=cert.qr_text,
        copy=copy,
    )


# ---------------------------------------------------------------- the service


class CertificateService:
    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    # ------------------------------------------------------------ recipients

    def _template(self, request: CertificateRequest) -> CertificateTemplate:
        if request.kind not in KINDS:
            raise ValidationError(
                _(
                    "Loại giấy chứng nhận phải là donor (ủng hộ), blood (hiến máu) "
                    "hoặc volunteer (tình nguyện viên)."
                ),
                fields={"kind": request.kind},
            )
        template = load_certificate_template(request.template or DEFAULT_TEMPLATES[request.kind])
        if template.kind != request.kind:
            raise ValidationError(
                _("Mẫu {name} dùng cho loại {kind}, không dùng được cho loại {wanted}.").format(
                    name=template.name, kind=template.kind, wanted=request.kind
                ),
                fields={"template": template.name},
            )
        return template

    def _check_request(self, request: CertificateRequest) -> None:
        errors: dict[str, str] = {}
        if request.min_amount_vnd < 0:
            errors["min_amount_vnd"] = _("Số tiền tối thiểu không được âm.")
        if request.min_hours < 0:
            errors["min_hours"] = _("Số giờ tối thiểu không được âm.")
        if request.date_from and request.date_to and request.date_from > request.date_to:
            errors["date_to"] = _("Ngày kết thúc trước ngày bắt đầu; hãy kiểm tra lại khoảng thời gian.")
        if errors:
            raise ValidationError(
                _("Điều kiện chọn người nhận chưa hợp lệ: {details}").format(
                    details="; ".join(errors.values())
                ),
                fields=errors,
            )

    def candidates(self, request: CertificateRequest) -> builtins.list[CertificateCandidate]:
        """Who the request selects, in name order (blood and volunteer: the services' order), with
        the values their certificate will print. Read-only; any thread."""
        self._check_request(request)
        template = self._template(request)
        if request.kind == "donor":
            return self._donor_candidates(request, template)
        if request.kind == "blood":
            return self._blood_candidates(request)
        return self._volunteer_candidates(request, template)

    def _people(self, session: Session, ids: Sequence[int]) -> dict[int, Person]:
        if not ids:
            return {}
        rows = session.scalars(select(Person).where(Person.id.in_(set(ids)), Person.deleted.is_(False)))
        return {p.id: p for p in rows}

    def _donor_candidates(
        self, request: CertificateRequest, template: CertificateTemplate
    ) -> builtins.list[CertificateCandidate]:
        def scoped(stmt: Any) -> Any:
            stmt = stmt.where(
                Donation.deleted.is_(False), Donation.status == "valid", Donation.donor_id.is_not(None)
            )
            if request.campaign_id is not None:
                stmt = stmt.where(Donation.campaign_id == request.campaign_id)
            if request.date_from is not None:
                stmt = stmt.where(Donation.received_on >= request.date_from)
            if request.date_to is not None:
                stmt = stmt.where(Donation.received_on <= request.date_to)
            if request.person_ids:
                stmt = stmt.where(Donation.donor_id.in_(request.person_ids))
            return stmt

        with self._ctx.sessions() as session:
            campaign = None
            if request.campaign_id is not None:
                campaign = session.get(Campaign, request.campaign_id)
                if campaign is None or campaign.deleted:
                    raise NotFoundError(_("Đợt vận động này không còn trong dữ liệu; hãy chọn lại."))
            cash: dict[int, int] = {
                donor: int(total or 0)
                for donor, total in session.execute(
                    scoped(select(Donation.donor_id, func.sum(Donation.cash_vnd))).group_by(Donation.donor_id)
                )
            }
            goods: dict[int, int] = {
                donor: int(total or 0)
                for donor, total in session.execute(
                    scoped(
                        select(Donation.donor_id, func.sum(DonationLine.value_vnd))
                        .join(DonationLine, DonationLine.donation_id == Donation.id)
                        .where(DonationLine.deleted.is_(False))
                    ).group_by(Donation.donor_id)
                )
            }
            people = self._people(session, [*cash, *goods])
            if campaign is not None:
                subject = f"campaign:{campaign.id}"
                campaign_phrase = template.phrase("campaign", {"campaign_name": campaign.name})
            else:
                subject = f"period:{request.date_from or ''}:{request.date_to or ''}"
                campaign_phrase = template.phrase("no_campaign")
            result = []
            for person_id, person in people.items():
                cash_vnd, goods_vnd = int(cash.get(person_id) or 0), int(goods.get(person_id) or 0)
                total = cash_vnd + goods_vnd
                if total <= 0 or total < request.min_amount_vnd:
                    continue
                values = {
                    "campaign_name": campaign.name if campaign else "",
                    "campaign_phrase": campaign_phrase,
                    "gift_phrase": template.phrase(rules.gift_kind(cash_vnd, goods_vnd)),
                    "amount": format_vnd(total, suffix=False),
                    "amount_words": _words(session, total),
                }
                result.append(
                    CertificateCandidate(
                        person.id,
                        person.full_name,
                        rules.recipient_title(person.sex, person.is_organisation),
                        _address(person),
                        total,
                        total,
                        subject,
                        values,
                    )
                )
            order = {p.id: (p.sort_key, p.id) for p in people.values()}
            return sorted(result, key=lambda c: order[c.person_id])

    def _blood_candidates(self, request: CertificateRequest) -> builtins.list[CertificateCandidate]:
        honours = BloodService(self._ctx).honour_candidates()
        if request.person_ids:
            wanted = set(request.person_ids)
            honours = [h for h in honours if h.person.id in wanted]
        ladder = [level.count for level in SettingsService(self._ctx).honour_ladder()]
        awards = {level.count: level.award for level in SettingsService(self._ctx).honour_ladder()}
        with self._ctx.sessions() as session:
            dates: dict[int, list[date]] = {}
            ids = [h.person.id for h in honours]
            if ids:
                for person_id, day in session.execute(
                    select(BloodDonation.person_id, BloodDonation.donated_on).where(
                        BloodDonation.person_id.in_(ids), BloodDonation.deleted.is_(False)
                    )
                ):
                    dates.setdefault(person_id, []).append(day)
            people = self._people(session, ids)
            result = []
            for honour in honours:
                person = people.get(honour.person.id)
                if person is None:
                    continue
                level = rules.honour_reached(
                    dates.get(person.id, []),
                    person.blood_prior_donations,
                    ladder,
                    request.date_from,
                    request.date_to,
                )
                if level is None:
                    continue
                result.append(
                    CertificateCandidate(
                        person.id,
                        person.full_name,
                        rules.recipient_title(person.sex, person.is_organisation),
                        _address(person),
                        level,
                        0,
                        f"level:{level}",
                        {"count": str(level), "award": awards.get(level, "")},
                    )
                )
            return result

    def _volunteer_candidates(
        self, request: CertificateRequest, template: CertificateTemplate
    ) -> builtins.list[CertificateCandidate]:
        issued_on = request.issued_on or date.today()
        date_from = request.date_from or date(issued_on.year, 1, 1)
        date_to = request.date_to or date(issued_on.year, 12, 31)
        rows = MembershipService(self._ctx).volunteers_with_hours(
            date_from, date_to, min_minutes=max(request.min_hours, 0) * 60
        )
        wanted = set(request.person_ids)
        rows = [
            (m, minutes)
            for m, minutes in rows
            if m.category == "volunteer" and m.left_on is None and (not wanted or m.person_id in wanted)
        ]
        period = {"period_from": format_date(date_from), "period_to": format_date(date_to)}
        with self._ctx.sessions() as session:
            people = self._people(session, [m.person_id for m, _minutes in rows])
        result = []
        seen: set[int] = set()
        for membership, minutes in rows:
            person = people.get(membership.person_id)
            hours = rules.whole_hours(minutes)
            if person is None or person.id in seen or hours <= 0:
                continue
            seen.add(person.id)
            result.append(
                CertificateCandidate(
                    person.id,
                    person.full_name,
                    rules.recipient_title(person.sex, person.is_organisation),
                    _address(person),
                    hours,
                    0,
                    f"period:{date_from.isoformat()}:{date_to.isoformat()}",
                    {"hours": str(hours), "period_phrase": template.phrase("period", period), **period},
                )
            )
        return result

    def _already_certified(self, session: Session, kind: str) -> set[tuple[int | None, str]]:
        held = set()
        for person_id, stored in session.execute(
            select(Certificate.recipient_person_id, Certificate.print_values).where(
                Certificate.kind == kind, Certificate.status == "valid", Certificate.deleted.is_(False)
            )
        ):
            held.add((person_id, str(json.loads(stored or "{}").get("subject", ""))))
        return held

    # ------------------------------------------------------------ preview and issue

    def _page(
        self, candidate: CertificateCandidate, branch: BranchHeader, issued_on: date, **extra: Any
    ) -> CertificateDTO:
        return CertificateDTO(
            branch=branch,
            recipient_name=candidate.name,
            recipient_title=candidate.title,
            issued_on=issued_on,
            values=candidate.values,
            recipient_address=candidate.address,
            **extra,
        )

    def _no_recipients(self) -> ValidationError:
        return ValidationError(
            _(
                "Không có người nào đủ điều kiện nhận giấy chứng nhận. "
                "Hãy nới điều kiện chọn (đợt, số tiền, thời gian)."
            )
        )

    def preview(
        self, request: CertificateRequest, out: Path, progress: Progress | None = None
    ) -> builtins.list[CertificateCandidate]:
        """Renders the batch marked "BẢN XEM TRƯỚC", without numbers or codes: no serial is consumed
        and nothing is stored. Read-only; any thread (the PDF is written to `out`)."""
        template = self._template(request)
        candidates = self.candidates(request)
        if not candidates:
            raise self._no_recipients()
        issued_on = request.issued_on or date.today()
        with self._ctx.sessions() as session:
            branch = _branch_header(session)
        pages = [self._page(c, branch, issued_on, preview=True) for c in candidates]
        tmp = _temp_path(out)
        try:
            render_certificates(tmp, pages, template, progress or NullProgress())
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        _put_in_place(tmp, out, _("bản xem trước"))
        return candidates

    def issue(
        self, request: CertificateRequest, passphrase: str, out: Path, progress: Progress | None = None
    ) -> IssueResult:
        """Numbers, signs, stores and prints a batch: consecutive serials of the kind and year, one
        certificate a page. One transaction; the writer thread (long: run it off the GUI thread).
        WRONG_PASSPHRASE / NO_SIGNING_KEY before anything is taken; a cancel or an error leaves
        neither numbers nor a file."""
        template = self._template(request)
        candidates = self.candidates(request)
        if not candidates:
            raise self._no_recipients()
        keys = KeyService(self._ctx)
        private = keys.unlock(passphrase)
        key_id = crypto.key_id(crypto.public_raw(private))
        issued_on = request.issued_on or date.today()
        series = codes.SERIES[request.kind]
        tmp = _temp_path(out)
        issued: list[IssuedCertificate] = []
        skipped: list[str] = []
        try:
            with self._ctx.sessions.begin() as session:
                branch = _branch_header(session)
                held = self._already_certified(session, request.kind)
                pages: list[CertificateDTO] = []
                for candidate in candidates:
                    if (candidate.person_id, candidate.subject) in held:
                        skipped.append(candidate.name)
                        continue
                    number = next_number(session, series, issued_on.year)
                    serial = rules.serial_text(series, issued_on.year, number)
                    fields = CodeFields(
                        serial,
                        branch.branch_code,
                        key_id,
                        issued_on,
                        normalize_text(candidate.name),
                        candidate.value,
                    )
                    signature = crypto.sign(private, crypto.CERTIFICATE_DOMAIN, fields.message())
                    qr_text = codes.encode(fields, signature)
                    short = codes.short_code(signature)
                    page = self._page(
                        candidate, branch, issued_on, serial=serial, short_code=short, qr_text=qr_text
                    )
                    pages.append(page)
                    session.add(
                        Certificate(
                            kind=request.kind,
                            serial_year=issued_on.year,
                            serial_no=number,
                            serial=serial,
                            recipient_person_id=candidate.person_id,
                            recipient_name=fields.recipient_name,
                            reason=reason_text(template, page),
                            amount_vnd=candidate.amount_vnd,
                            essential_fields=json.dumps(
                                _fields_json(fields), ensure_ascii=False, sort_keys=True
                            ),
                            print_values=json.dumps(
                                {
                                    "title": candidate.title,
                                    "address": candidate.address,
                                    "subject": candidate.subject,
                                    "values": dict(candidate.values),
                                },
                                ensure_ascii=False,
                                sort_keys=True,
                            ),
                            template=template.name,
                            key_id=key_id,
                            verification_code=short,
                            qr_text=qr_text,
                            issued_on=issued_on,
                            status="valid",
                            print_count=1,
                        )
                    )
                    issued.append(
                        IssuedCertificate(
                            serial,
                            request.kind,
                            fields.recipient_name,
                            candidate.person_id,
                            _fields_json(fields),
                            short,
                            qr_text,
                        )
                    )
                if not pages:
                    raise ValidationError(
                        _(
                            "Tất cả người được chọn đã có giấy chứng nhận này ({names}); không cấp thêm."
                        ).format(names=", ".join(skipped))
                    )
                session.flush()
                render_certificates(tmp, pages, template, progress or NullProgress())
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        _put_in_place(tmp, out, _("{n} giấy chứng nhận").format(n=len(issued)))
        return IssueResult(tuple(issued), tuple(skipped), out)

    # ------------------------------------------------------------ records

    def get(self, serial: str) -> CertificateRow:
        """Read-only; any thread."""
        with self._ctx.sessions() as session:
            return CertificateRow.from_model(_find(session, serial))

    def list(
        self, *, kind: str = "", year: int | None = None, status: str = ""
    ) -> builtins.list[CertificateRow]:
        """Certificates in serial order (kind, year, number). Read-only; any thread."""
        stmt = select(Certificate).where(Certificate.deleted.is_(False))
        if kind:
            stmt = stmt.where(Certificate.kind == kind)
        if year is not None:
            stmt = stmt.where(Certificate.serial_year == year)
        if status:
            stmt = stmt.where(Certificate.status == status)
        stmt = stmt.order_by(Certificate.kind, Certificate.serial_year, Certificate.serial_no)
        with self._ctx.sessions() as session:
            return [CertificateRow.from_model(c) for c in session.scalars(stmt)]

    def reprint(self, serial: str, out: Path, progress: Progress | None = None) -> CertificateRow:
        """Prints a certificate again: same number, same code, marked "BẢN SAO"; counts the print.
        One transaction; the writer thread. Refused for a voided certificate (DOCUMENT_VOIDED)."""
        tmp = _temp_path(out)
        try:
            with self._ctx.sessions.begin() as session:
                cert = _find(session, serial)
                _refuse_void(cert)
                template = load_certificate_template(cert.template)
                page = _page_from_record(cert, _branch_header(session), copy=True)
                cert.print_count = (cert.print_count or 0) + 1
                session.flush()
                render_certificates(tmp, [page], template, progress or NullProgress())
                row = CertificateRow.from_model(cert)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        _put_in_place(tmp, out, _("lần in lại giấy {serial}").format(serial=row.serial))
        return row

    def void(self, serial: str, reason: str) -> CertificateRow:
        """Voids a certificate: the number stays used and the reason is kept (audit action "void").
        One transaction; the writer thread."""
        reason = normalize_text(reason)
        if not reason:
            raise ValidationError(
                _("Hãy ghi lý do hủy giấy chứng nhận (ví dụ: ghi sai tên, cấp nhầm người)."),
                fields={"reason": _("Bắt buộc.")},
            )
        with self._ctx.sessions.begin() as session:
            cert = _find(session, serial)
            if cert.status == "void":
                raise DocumentVoidedError(
                    _("Giấy {serial} đã bị hủy trước đó ({reason}).").format(
                        serial=cert.serial, reason=cert.void_reason
                    )
                )
            set_audit_reason(session, reason, action="void")
            cert.status = "void"
            cert.void_reason = reason
            cert.voided_by = self._ctx.actor
            cert.voided_at = utcnow()
            session.flush()
            return CertificateRow.from_model(cert)

    # ------------------------------------------------------------ verification

    def _own_key(self, session: Session, key_id: str) -> bytes | None:
        key = session.get(SigningKey, key_id)
        return base64.b64decode(key.public_key) if key is not None else None

    def verify(self, code_or_qr: str, public_key_raw: bytes | None = None) -> CodeCheck:
        """Checks a QR text (offline, with `public_key_raw` or this branch's own key of the code's
        key id) or a short code (looked up in this store). A genuine code of a certificate this
        store has voided is reported invalid with status "void". Read-only; any thread."""
        text = code_or_qr.strip()
        with self._ctx.sessions() as session:
            stored: Certificate | None = None
            if not codes.is_full_code(text):
                short = codes.normalise_short_code(text)
                if short is None:
                    return codes.verify_code(text, public_key_raw or b"")
                stored = session.scalar(
                    select(Certificate).where(
                        Certificate.verification_code == f"{short[:5]}-{short[5:]}",
                        Certificate.deleted.is_(False),
                    )
                )
                if stored is None:
                    return CodeCheck(
                        False,
                        _(
                            "Không có giấy chứng nhận nào mang mã {code} trong dữ liệu của chi hội này."
                        ).format(code=f"{short[:5]}-{short[5:]}"),
                        None,
                        "unknown",
                    )
                text = stored.qr_text
            try:
                fields = codes.decode(text)[0]
            except codes.CodeFormatError as exc:
                return CodeCheck(False, str(exc), None, "malformed")
            key = public_key_raw or self._own_key(session, fields.key_id)
            if key is None:
                return CodeCheck(
                    False,
                    _(
                        "Chi hội này không có khóa {key_id}. Hãy kiểm tra bằng khóa công khai đã đăng ký "
                        "của chi hội {branch}."
                    ).format(key_id=fields.key_id, branch=fields.branch_code),
                    fields,
                    "wrong_key",
                )
            check = codes.verify_code(text, key)
            if not check.valid:
                return check
            if stored is None and fields.branch_code == self._ctx.branch_code:
                stored = session.scalar(
                    select(Certificate).where(
                        Certificate.serial == fields.serial, Certificate.deleted.is_(False)
                    )
                )
                if stored is not None and codes.decode(stored.qr_text)[2] != codes.decode(text)[2]:
                    return CodeCheck(
                        False,
                        _(
                            "Mã hợp lệ về chữ ký nhưng không khớp với giấy {serial} trong sổ của chi hội."
                        ).format(serial=fields.serial),
                        fields,
                        "mismatch",
                    )
            if stored is not None and stored.status == "void":
                return CodeCheck(
                    False,
                    _("Giấy {serial} đã bị chi hội hủy: {reason}.").format(
                        serial=stored.serial, reason=stored.void_reason
                    ),
                    fields,
                    "void",
                )
            return check

    # ------------------------------------------------------------ receipts and lists

    def _receipt_dto(self, donation_id: int, copy: bool) -> ReceiptDTO:
        row = DonationService(self._ctx).get(donation_id)
        with self._ctx.sessions() as session:
            branch = _branch_header(session)
            person = session.get(Person, row.donor_id) if row.donor_id is not None else None
            return ReceiptDTO(
                branch=branch,
                receipt_code=row.receipt_code,
                received_on=row.received_on,
                donor_name=row.donor_name,
                donor_title=rules.recipient_title(person.sex, person.is_organisation) if person else "",
                cash_vnd=row.cash_vnd,
                cash_words=_words(session, row.cash_vnd),
                in_kind_vnd=row.in_kind_vnd,
                in_kind_words=_words(session, row.in_kind_vnd),
                lines=tuple(
                    ReceiptLineDTO(
                        line.item_name, line.unit, line.quantity, line.unit_value_vnd, line.value_vnd
                    )
                    for line in row.lines
                ),
                donor_address=_address(person) if person else "",
                campaign_name=row.campaign_name,
                channel_label=_(DONATION_CHANNELS.get(row.channel, row.channel)),
                designation=row.designation,
                collector=row.collector,
                anonymous=person is None,
                copy=copy,
            )

    def receipt(self, donation_id: int, out: Path) -> ReceiptPrint:
        """Prints a donation's receipt (its own BN number) and counts the print through
        `DonationService.mark_printed`; from the second print on it says "BẢN SAO". Refused for a
        voided receipt (DOCUMENT_VOIDED). One transaction (the count); the writer thread."""
        donations = DonationService(self._ctx)
        row = donations.get(donation_id)
        if row.is_void:
            raise DocumentVoidedError(
                _(
                    "Biên nhận {code} đã bị hủy ({reason}); không in được. Hãy lập biên nhận mới nếu cần."
                ).format(code=row.receipt_code, reason=row.void_reason)
            )
        copy = row.next_print_is_copy
        tmp = _temp_path(out)
        try:
            render_receipt(tmp, self._receipt_dto(donation_id, copy))
            count = donations.mark_printed(donation_id)
            if (count >= 2) != copy:  # someone printed it in between: the paper must say so
                copy = count >= 2
                render_receipt(tmp, self._receipt_dto(donation_id, copy))
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        _put_in_place(tmp, out, _("lần in biên nhận {code}").format(code=row.receipt_code))
        return ReceiptPrint(row.receipt_code, count, copy, out)

    def distribution_sheet(self, list_id: int, out: Path) -> DistributionSheetDTO:
        """Prints the distribution list for signatures and marks a draft list printed (frozen for
        signatures; later prints change nothing). One transaction (the status); the writer thread."""
        distributions = DistributionService(self._ctx)
        detail = distributions.get(list_id)
        if not detail.lines:
            raise ValidationError(_("Danh sách chưa có người nhận nào; hãy thêm người trước khi in."))
        template = load_document_template("distribution")
        ids: dict[int, str] = {}
        with self._ctx.sessions() as session:
            branch = _branch_header(session)
            if template.options.get("show_id"):
                people = self._people(session, [line.person_id for line in detail.lines])
                ids = {pid: mask_cccd(p.cccd) for pid, p in people.items() if p.cccd}
        goods: dict[int, tuple[str, str, int]] = {}
        lines = []
        for line in detail.lines:
            parts = [format_vnd(line.cash_vnd)] if line.cash_vnd else []
            if line.item_id is not None and line.quantity:
                parts.append(f"{line.item_name} {line.quantity:,} {line.unit}".replace(",", "."))
                name, unit, quantity = goods.get(line.item_id, (line.item_name, line.unit, 0))
                goods[line.item_id] = (name, unit, quantity + line.quantity)
            note = line.note
            if line.proxy_name:
                note = "; ".join(x for x in (note, _("Nhận thay: {name}").format(name=line.proxy_name)) if x)
            lines.append(
                SheetLineDTO(
                    line.line_no,
                    line.full_name,
                    line.thon,
                    line.group_code,
                    line.group_label,
                    "; ".join(parts),
                    note,
                    ids.get(line.person_id, ""),
                )
            )
        sheet = DistributionSheetDTO(
            branch=branch,
            title=detail.distribution.title,
            programme=detail.distribution.programme,
            planned_on=detail.distribution.planned_on,
            lines=tuple(lines),
            total_cash_vnd=detail.planned_cash_vnd,
            goods_totals=tuple(goods.values()),
        )
        tmp = _temp_path(out)
        try:
            render_distribution_list(tmp, sheet, template)
            if detail.distribution.status in ("draft", "printed"):
                distributions.mark_printed(list_id)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        _put_in_place(tmp, out, _("danh sách cấp phát"))
        return sheet
