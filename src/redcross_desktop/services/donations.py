# SPDX-License-Identifier: MIT
"""Donations and their receipts (biên nhận, domain.md §2.4).

- The receipt number `BN-YYYY-nnnnnn` is gapless per year of the received date: it is taken from
  the counter row in the same transaction as the donation, so a refused save gives it back and a
  void keeps it.
- In-kind lines always pass through stock: each line is a receipt movement written in the same
  transaction; voiding or correcting the donation takes them out again, unless the goods were
  already issued.
- What is printed cannot change: a printed receipt's amount, goods, donor or date is corrected by
  voiding it and issuing a new one (`ReceiptPrintedError`). Other fields (campaign, collector,
  designation, note) may still be corrected; every change is audited.
- Lists page by keyset on the receipt number, newest first: `(receipt_year, receipt_no)` is unique
  and follows the order receipts were issued within a year.

Qt-free.
"""

from __future__ import annotations

import builtins
import re
from array import array
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    SQLColumnExpression,
    and_,
    case,
    func,
    literal,
    or_,
    select,
    tuple_,
)
from sqlalchemy.orm import Session, aliased, joinedload, selectinload

from ..core.errors import DocumentVoidedError, NotFoundError, ReceiptPrintedError, ValidationError
from ..core.i18n import _
from ..core.vn import collation_key, fold, name_sort_key, normalize_text
from ..db.audit import set_audit_reason
from ..db.base import utcnow
from ..db.models import Campaign, Donation, DonationLine, Item, Person, StockMovement
from ..domain.campaign_rules import decree93_warnings
from ..domain.codes import DONATION_CHANNELS, VALUATION_BASES
from .context import ServiceContext, ensure_period_open
from .numbering import next_number
from .stock import receive_stock, reverse_receipt

RECEIPT_SERIES = "BN"

# The orders a receipt list can take, one per column of the list; "receipt" (newest first) is the
# default and the only one paged by keyset.
DONATION_SORTS = ("receipt", "date", "donor", "campaign", "channel", "cash", "in_kind", "status")


def anonymous_donor() -> str:
    """How an anonymous gift is printed (domain.md §2.2)."""
    return _("Nhà hảo tâm (giấu tên)")


# ---------------------------------------------------------------- DTOs


@dataclass(frozen=True)
class DonationLineInput:
    item_id: int
    quantity: int
    unit_value_vnd: int = 0
    valuation_basis: str = "declared"  # VALUATION_BASES


@dataclass(frozen=True)
class DonationInput:
    received_on: date
    donor_id: int | None = None  # None = anonymous
    donor_display: str = ""  # a label for a gift without a person, e.g. a collection box
    campaign_id: int | None = None
    channel: str = "cash"  # DONATION_CHANNELS
    cash_vnd: int = 0
    lines: tuple[DonationLineInput, ...] = ()
    designation: str = ""  # "ủng hộ có địa chỉ": for whom
    designated_person_id: int | None = None
    collector: str = ""
    note: str = ""


@dataclass(frozen=True)
class DonationLineRow:
    id: int
    item_id: int
    item_name: str
    unit: str
    quantity: int
    unit_value_vnd: int
    value_vnd: int
    valuation_basis: str


@dataclass(frozen=True)
class DonationRow:
    id: int
    uuid: str
    receipt_code: str
    receipt_year: int
    receipt_no: int
    received_on: date
    donor_id: int | None
    donor_name: str  # the person, else the display label, else "Nhà hảo tâm (giấu tên)"
    donor_display: str
    campaign_id: int | None
    campaign_name: str
    channel: str
    cash_vnd: int
    in_kind_vnd: int
    total_vnd: int
    lines: tuple[DonationLineRow, ...]
    designation: str
    designated_person_id: int | None
    collector: str
    status: str  # valid | void
    void_reason: str
    voided_by: str
    voided_at: datetime | None
    print_count: int
    note: str
    version: int
    warnings: tuple[str, ...] = field(default=())  # Decree 93 warnings, filled on save only

    @property
    def is_void(self) -> bool:
        return self.status == "void"

    @property
    def next_print_is_copy(self) -> bool:
        """The next print is a reprint, marked "BẢN SAO"."""
        return self.print_count >= 1


@dataclass(frozen=True)
class DonationQuery:
    date_from: date | None = None
    date_to: date | None = None
    campaign_id: int | None = None
    status: str | None = None  # valid | void | None (both)
    text: str = ""  # receipt number ("BN-2026-000123", "2026-123" or "123"), donor name, label or note


@dataclass(frozen=True)
class DonationTotals:
    count: int
    cash_vnd: int
    in_kind_vnd: int

    @property
    def total_vnd(self) -> int:
        return self.cash_vnd + self.in_kind_vnd


@dataclass(frozen=True)
class DonationIdPage:
    ids: list[int]
    cursor: tuple[int, int] | None  # (receipt_year, receipt_no) of the last id
    last: bool


def _live_lines(donation: Donation) -> list[DonationLine]:
    return [line for line in donation.lines if not line.deleted]


def _to_row(donation: Donation, warnings: Sequence[str] = ()) -> DonationRow:
    lines = tuple(
        DonationLineRow(
            line.id,
            line.item_id,
            line.item.name,
            line.item.unit,
            line.quantity,
            line.unit_value_vnd,
            line.value_vnd,
            line.valuation_basis,
        )
        for line in _live_lines(donation)
    )
    in_kind = sum(line.value_vnd for line in lines)
    if donation.donor is not None:
        donor_name = donation.donor.full_name
    else:
        donor_name = donation.donor_display or anonymous_donor()
    return DonationRow(
        donation.id,
        donation.uuid,
        donation.receipt_code,
        donation.receipt_year,
        donation.receipt_no,
        donation.received_on,
        donation.donor_id,
        donor_name,
        donation.donor_display,
        donation.campaign_id,
        donation.campaign.name if donation.campaign is not None else "",
        donation.channel,
        donation.cash_vnd,
        in_kind,
        donation.cash_vnd + in_kind,
        lines,
        donation.designation,
        donation.designated_person_id,
        donation.collector,
        donation.status,
        donation.void_reason,
        donation.voided_by,
        donation.voided_at,
        donation.print_count,
        donation.note,
        donation.version,
        tuple(warnings),
    )


# ---------------------------------------------------------------- validation


def _validate(session: Session, data: DonationInput) -> Campaign | None:
    """Checks the input against the rules and the stored records; returns the campaign."""
    errors: dict[str, str] = {}
    if data.received_on > date.today():
        errors["received_on"] = _("Ngày nhận ở tương lai; hãy kiểm tra lại.")
    if data.channel not in DONATION_CHANNELS:
        errors["channel"] = _("Hình thức ủng hộ không hợp lệ; hãy chọn trong danh sách.")
    if data.cash_vnd < 0:
        errors["cash_vnd"] = _("Số tiền không được âm.")
    elif data.cash_vnd == 0 and not data.lines:
        errors["cash_vnd"] = _("Hãy nhập số tiền, hoặc thêm ít nhất một dòng hiện vật.")
    if data.channel == "in_kind" and not data.lines:
        errors["lines"] = _("Ủng hộ bằng hiện vật cần ít nhất một dòng hàng.")
    for number, line in enumerate(data.lines, start=1):
        item = session.get(Item, line.item_id)
        if item is None or item.deleted:
            errors[f"lines[{number}].item_id"] = _("Dòng {n}: mặt hàng không còn trong danh mục kho.").format(
                n=number
            )
        if line.quantity <= 0:
            errors[f"lines[{number}].quantity"] = _("Dòng {n}: số lượng phải lớn hơn 0.").format(n=number)
        if line.unit_value_vnd < 0:
            errors[f"lines[{number}].unit_value_vnd"] = _("Dòng {n}: đơn giá không được âm.").format(n=number)
        if line.valuation_basis not in VALUATION_BASES:
            errors[f"lines[{number}].valuation_basis"] = _(
                "Dòng {n}: căn cứ định giá không hợp lệ (kê khai, hóa đơn hoặc ước tính)."
            ).format(n=number)
    for key, person_id, message in (
        ("donor_id", data.donor_id, _("Người ủng hộ không còn trong dữ liệu; hãy chọn lại.")),
        (
            "designated_person_id",
            data.designated_person_id,
            _("Người được ủng hộ có địa chỉ không còn trong dữ liệu."),
        ),
    ):
        if person_id is not None:
            person = session.get(Person, person_id)
            if person is None or person.deleted:
                errors[key] = message
    campaign = None
    if data.campaign_id is not None:
        campaign = session.get(Campaign, data.campaign_id)
        if campaign is None or campaign.deleted:
            errors["campaign_id"] = _("Đợt vận động không còn trong dữ liệu; hãy chọn lại.")
    if errors:
        raise ValidationError(
            _("Khoản ủng hộ chưa hợp lệ: {details}").format(details="; ".join(errors.values())), fields=errors
        )
    return campaign


def _copy_fields(donation: Donation, data: DonationInput) -> None:
    donation.received_on = data.received_on
    donation.donor_id = data.donor_id
    donation.donor_display = normalize_text(data.donor_display)
    donation.campaign_id = data.campaign_id
    donation.channel = data.channel
    donation.cash_vnd = data.cash_vnd
    donation.designation = normalize_text(data.designation)
    donation.designated_person_id = data.designated_person_id
    donation.collector = normalize_text(data.collector)
    donation.note = normalize_text(data.note)


def _add_lines(session: Session, donation: Donation, lines: Sequence[DonationLineInput]) -> None:
    for data in lines:
        line = DonationLine(
            item_id=data.item_id,
            quantity=data.quantity,
            unit_value_vnd=data.unit_value_vnd,
            value_vnd=data.quantity * data.unit_value_vnd,
            valuation_basis=data.valuation_basis,
        )
        donation.lines.append(line)
        session.flush()
        receive_stock(session, line, donation.received_on)


def _reverse_receipts(session: Session, donation: Donation, lines: Sequence[DonationLine]) -> None:
    """Takes the goods of `lines` back out of stock; refused if they were already issued."""
    line_ids = [line.id for line in lines]
    if not line_ids:
        return
    receipts = session.scalars(
        select(StockMovement)
        .where(StockMovement.donation_line_id.in_(line_ids), StockMovement.deleted.is_(False))
        .order_by(StockMovement.id)
    )
    for movement in list(receipts):
        reverse_receipt(session, movement, receipt_code=donation.receipt_code)


def _remove_lines(session: Session, donation: Donation, lines: Sequence[DonationLine]) -> None:
    """Takes the goods of `lines` out of stock and tombstones the lines."""
    _reverse_receipts(session, donation, lines)
    for line in lines:
        line.deleted = True
    session.flush()


def _line_keys(
    lines: Sequence[DonationLine] | Sequence[DonationLineInput],
) -> list[tuple[int, int, int, str]]:
    return [(x.item_id, x.quantity, x.unit_value_vnd, x.valuation_basis) for x in lines]


def _warnings(campaign: Campaign | None, on_date: date) -> list[str]:
    return decree93_warnings(campaign, on_date, receiving=True) if campaign is not None else []


def _get(session: Session, donation_id: int) -> Donation:
    donation = session.get(Donation, donation_id)
    if donation is None or donation.deleted:
        raise NotFoundError(_("Khoản ủng hộ này không còn trong dữ liệu."))
    return donation


def _refuse_void(donation: Donation) -> None:
    if donation.status == "void":
        raise DocumentVoidedError(
            _("Biên nhận {code} đã bị hủy ({reason}). Hãy lập biên nhận mới nếu cần.").format(
                code=donation.receipt_code, reason=donation.void_reason
            )
        )


# ---------------------------------------------------------------- queries

_RECEIPT_RE = re.compile(r"^(?:BN\s*-?\s*)?(\d{4})\s*-\s*0*(\d{1,9})$", re.IGNORECASE)


def _filtered(query: DonationQuery) -> Select[int, int, int]:
    stmt = select(Donation.id, Donation.receipt_year, Donation.receipt_no).where(Donation.deleted.is_(False))
    if query.date_from is not None:
        stmt = stmt.where(Donation.received_on >= query.date_from)
    if query.date_to is not None:
        stmt = stmt.where(Donation.received_on <= query.date_to)
    if query.campaign_id is not None:
        stmt = stmt.where(Donation.campaign_id == query.campaign_id)
    if query.status is not None:
        stmt = stmt.where(Donation.status == query.status)
    text = normalize_text(query.text)
    if text:
        matches = []
        code = _RECEIPT_RE.match(text)
        if code is not None:
            matches.append(
                and_(Donation.receipt_year == int(code.group(1)), Donation.receipt_no == int(code.group(2)))
            )
        elif text.isdigit():
            matches.append(Donation.receipt_no == int(text))
        terms = fold(text).split()
        if terms:
            matches.append(and_(*(Person.search_key.like(f"%{t}%") for t in terms)))
        like = f"%{text}%"
        matches += [
            Donation.donor_display.like(like),
            Donation.note.like(like),
            Donation.designation.like(like),
        ]
        stmt = stmt.outerjoin(Person, Person.id == Donation.donor_id).where(or_(*matches))
    return stmt


def _label_rank(column: SQLColumnExpression[str], labels: Mapping[str, str]) -> ColumnElement[int]:
    """A code's place when its labels are sorted as read in the current language."""
    ranked = sorted(labels, key=lambda code: collation_key(_(labels[code])))
    return case({code: rank for rank, code in enumerate(ranked)}, value=column, else_=len(ranked))


def _in_kind_value() -> ColumnElement[int]:
    return (
        select(func.coalesce(func.sum(DonationLine.value_vnd), 0))
        .where(DonationLine.donation_id == Donation.id, DonationLine.deleted.is_(False))
        .scalar_subquery()
    )


def _load(session: Session, ids: Sequence[int]) -> list[Donation]:
    if not ids:
        return []
    return list(
        session.scalars(
            select(Donation)
            .where(Donation.id.in_(ids))
            .options(
                selectinload(Donation.lines).joinedload(DonationLine.item),
                joinedload(Donation.donor),
                joinedload(Donation.campaign),
            )
        ).unique()
    )


# ---------------------------------------------------------------- the service


class DonationService:
    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    def record(self, data: DonationInput) -> DonationRow:
        """Saves a donation and gives it the next receipt number of its year; in-kind lines enter
        stock. One transaction; the writer thread. The row carries Decree 93 warnings, if any."""
        with self._ctx.sessions.begin() as session:
            campaign = _validate(session, data)
            ensure_period_open(session, data.received_on)
            year = data.received_on.year
            donation = Donation(receipt_year=year, receipt_no=next_number(session, RECEIPT_SERIES, year))
            _copy_fields(donation, data)
            session.add(donation)
            session.flush()
            _add_lines(session, donation, data.lines)
            return _to_row(donation, _warnings(campaign, donation.received_on))

    def edit(self, donation_id: int, data: DonationInput) -> DonationRow:
        """Corrects a valid receipt. A printed one keeps its amount, goods, donor and date
        (ReceiptPrintedError: void and reissue). One transaction; the writer thread; bumps the
        version and writes an audit row."""
        with self._ctx.sessions.begin() as session:
            donation = _get(session, donation_id)
            _refuse_void(donation)
            campaign = _validate(session, data)
            ensure_period_open(session, donation.received_on, data.received_on)
            if data.received_on.year != donation.receipt_year:
                raise ValidationError(
                    _(
                        "Biên nhận {code} thuộc năm {year}; không đổi được ngày nhận sang năm khác. "
                        "Hãy hủy biên nhận này và lập biên nhận mới."
                    ).format(code=donation.receipt_code, year=donation.receipt_year),
                    fields={"received_on": _("Khác năm của số biên nhận.")},
                )
            old_lines = _live_lines(donation)
            lines_changed = _line_keys(old_lines) != _line_keys(data.lines)
            if donation.print_count > 0 and (
                lines_changed
                or data.cash_vnd != donation.cash_vnd
                or data.donor_id != donation.donor_id
                or normalize_text(data.donor_display) != donation.donor_display
                or data.received_on != donation.received_on
            ):
                raise ReceiptPrintedError(
                    _(
                        "Biên nhận {code} đã in và giao cho người ủng hộ nên không sửa được số tiền, "
                        "hiện vật, người ủng hộ hay ngày nhận. "
                        "Hãy hủy biên nhận này (ghi lý do) và lập biên nhận mới."
                    ).format(code=donation.receipt_code)
                )
            date_changed = data.received_on != donation.received_on
            _copy_fields(donation, data)
            session.flush()
            session.expire(donation, ["donor", "campaign"])  # follow the changed foreign keys
            if lines_changed or date_changed:
                # The new receipts go in before the old ones come out, so a correction that keeps the
                # goods in stock is not refused because some of them were already issued.
                _add_lines(session, donation, data.lines)
                _remove_lines(session, donation, old_lines)
            return _to_row(donation, _warnings(campaign, donation.received_on))

    def void(self, donation_id: int, reason: str) -> DonationRow:
        """Voids a receipt: its number stays used, its goods leave stock (refused if already
        issued). One transaction with its audit row (action "void", the reason); the writer thread."""
        reason = normalize_text(reason)
        if not reason:
            raise ValidationError(
                _("Hãy ghi lý do hủy biên nhận (ví dụ: ghi sai số tiền, lập lại biên nhận số …)."),
                fields={"reason": _("Bắt buộc.")},
            )
        with self._ctx.sessions.begin() as session:
            donation = _get(session, donation_id)
            _refuse_void(donation)
            ensure_period_open(session, donation.received_on)
            set_audit_reason(session, reason, action="void")
            donation.status = "void"
            donation.void_reason = reason
            donation.voided_by = self._ctx.actor
            donation.voided_at = utcnow()
            session.flush()  # the donation's audit row takes the reason, not a movement's
            # The lines stay: the voided receipt still shows what it was for.
            _reverse_receipts(session, donation, _live_lines(donation))
            return _to_row(donation)

    def mark_printed(self, donation_id: int) -> int:
        """Counts a print and returns the count; from 2 on the print is a copy ("BẢN SAO").
        One transaction; the writer thread."""
        with self._ctx.sessions.begin() as session:
            donation = _get(session, donation_id)
            _refuse_void(donation)
            donation.print_count = (donation.print_count or 0) + 1
            session.flush()
            return donation.print_count

    def get(self, donation_id: int) -> DonationRow:
        """Read-only; any thread."""
        with self._ctx.sessions() as session:
            _get(session, donation_id)
            return _to_row(_load(session, [donation_id])[0])

    def list(self, query: DonationQuery | None = None) -> builtins.list[DonationRow]:
        """Matching donations (voids included unless filtered) in receipt-number order.
        Read-only; any thread."""
        query = query or DonationQuery()
        with self._ctx.sessions() as session:
            keys = session.execute(
                _filtered(query).order_by(Donation.receipt_year, Donation.receipt_no)
            ).all()
            loaded = {d.id: d for d in _load(session, [k[0] for k in keys])}
            return [_to_row(loaded[k[0]]) for k in keys]

    def totals(self, query: DonationQuery | None = None) -> DonationTotals:
        """Count, cash and in-kind value of the matching valid donations (voids never count).
        Read-only; any thread."""
        query = query or DonationQuery()
        matching = _filtered(query).where(Donation.status == "valid").subquery()
        with self._ctx.sessions() as session:
            count, cash = session.execute(
                select(func.count(Donation.id), func.coalesce(func.sum(Donation.cash_vnd), 0)).where(
                    Donation.id.in_(select(matching.c.id))
                )
            ).one()
            in_kind = session.scalar(
                select(func.coalesce(func.sum(DonationLine.value_vnd), 0)).where(
                    DonationLine.donation_id.in_(select(matching.c.id)), DonationLine.deleted.is_(False)
                )
            )
            return DonationTotals(int(count), int(cash), int(in_kind or 0))

    def page_ids(
        self, query: DonationQuery | None, *, after: tuple[int, int] | None, limit: int
    ) -> DonationIdPage:
        """Keyset page, newest receipt first: (receipt_year, receipt_no) descending.
        Read-only; any thread."""
        stmt = _filtered(query or DonationQuery())
        with self._ctx.sessions() as session:
            if after is not None:
                if session.get_bind().dialect.name == "sqlite":
                    stmt = stmt.where(
                        tuple_(Donation.receipt_year, Donation.receipt_no)
                        < tuple_(literal(after[0]), literal(after[1]))
                    )
                else:
                    stmt = stmt.where(
                        or_(
                            Donation.receipt_year < after[0],
                            and_(Donation.receipt_year == after[0], Donation.receipt_no < after[1]),
                        )
                    )
            rows = session.execute(
                stmt.order_by(Donation.receipt_year.desc(), Donation.receipt_no.desc()).limit(limit + 1)
            ).all()
        last = len(rows) <= limit
        rows = rows[:limit]
        cursor = (int(rows[-1][1]), int(rows[-1][2])) if rows else after
        return DonationIdPage([int(r[0]) for r in rows], cursor, last)

    def ordered_ids(
        self, query: DonationQuery | None = None, *, sort: str = "receipt", descending: bool = False
    ) -> array[int]:
        """Every matching id in the order of `sort` (one of `DONATION_SORTS`), ties by receipt
        number in the same direction; voids included unless filtered. One query of ids, so a list
        sorted by any column still loads only the rows it paints. Donor and campaign names follow
        Vietnamese collation (a person's name by tên, họ, đệm, as the People list), which SQL
        cannot compute, so those two orders sort (key, id) pairs here. Read-only; any thread."""
        if sort not in DONATION_SORTS:
            raise ValueError(f"unknown donation sort {sort!r}")
        stmt = _filtered(query or DonationQuery())
        receipt = (Donation.receipt_year, Donation.receipt_no)
        with self._ctx.sessions() as session:
            if sort in ("donor", "campaign"):
                return self._ordered_by_name(session, stmt, sort, descending)
            primary: tuple[SQLColumnExpression[Any], ...] = {
                "receipt": (),
                "date": (Donation.received_on,),
                "channel": (_label_rank(Donation.channel, DONATION_CHANNELS),),
                "cash": (Donation.cash_vnd,),
                "in_kind": (_in_kind_value(),),
                # "Còn hiệu lực" sorts before "Đã hủy" as "valid" does before "void".
                "status": (Donation.status,),
            }[sort]
            order = [c.desc() if descending else c.asc() for c in (*primary, *receipt)]
            rows = session.execute(stmt.order_by(*order))
            return array("q", (row[0] for row in rows))

    def _ordered_by_name(
        self, session: Session, stmt: Select[int, int, int], sort: str, descending: bool
    ) -> array[int]:
        if sort == "donor":
            donor = aliased(Person)
            named = stmt.outerjoin(donor, donor.id == Donation.donor_id).add_columns(
                donor.sort_key, Donation.donor_display
            )
            anonymous = name_sort_key("", "", anonymous_donor())
            keyed = [
                (person_key or (name_sort_key("", "", display) if display else anonymous), year, no, row_id)
                for row_id, year, no, person_key, display in session.execute(named)
            ]
        else:
            titled = stmt.outerjoin(Campaign, Campaign.id == Donation.campaign_id).add_columns(Campaign.name)
            key_of = cache(collation_key)  # a few campaigns, thousands of receipts: collate each once
            keyed = [
                (key_of(name) if name else "", year, no, row_id)
                for row_id, year, no, name in session.execute(titled)
            ]
        keyed.sort(reverse=descending)
        return array("q", (entry[3] for entry in keyed))

    def rows(self, ids: builtins.list[int]) -> dict[int, DonationRow]:
        """Row DTOs for the given ids (missing ids are left out). Read-only; any thread."""
        with self._ctx.sessions() as session:
            return {d.id: _to_row(d) for d in _load(session, ids)}
