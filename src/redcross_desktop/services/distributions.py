# SPDX-License-Identifier: MIT
"""Distribution lists (danh sách cấp phát, domain.md §2.6): plan who gets what, print the list for
signatures, then reconcile it into relief records. Qt-free.

Lifecycle: draft → printed → (signed, implied by reconciling) → reconciled → closed. Goods leave
stock only at reconciliation and only for the rows marked received, so goods not collected never
leave stock and the reconciled totals equal what was issued.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..core.errors import NotFoundError, ValidationError
from ..core.i18n import _
from ..core.vn import normalize_text
from ..db.models import (
    Campaign,
    DistributionLine,
    DistributionList,
    Item,
    Person,
    ReliefRecord,
    StockMovement,
)
from ..domain.codes import DISTRIBUTION_STATUSES, RELIEF_KINDS, VULNERABLE_GROUPS
from .context import ServiceContext, ensure_period_open, live
from .relief import ReliefInput, ReliefItemInput, create_relief
from .stock import stock_balance


@dataclass(frozen=True)
class DistributionLineInput:
    person_id: int
    group_code: str = ""
    cash_vnd: int = 0
    item_id: int | None = None
    quantity: int = 0
    note: str = ""


@dataclass(frozen=True)
class DistributionListRow:
    id: int
    uuid: str
    title: str
    planned_on: date
    programme: str
    relief_kind: str
    campaign_id: int | None
    campaign_name: str
    status: str
    status_label: str
    line_count: int
    version: int

    @classmethod
    def from_model(cls, d: DistributionList, line_count: int, campaign_name: str) -> DistributionListRow:
        return cls(
            d.id,
            d.uuid,
            d.title,
            d.planned_on,
            d.programme,
            d.relief_kind,
            d.campaign_id,
            campaign_name,
            d.status,
            _(DISTRIBUTION_STATUSES.get(d.status, d.status)),
            line_count,
            d.version,
        )


@dataclass(frozen=True)
class DistributionLineRow:
    id: int
    line_no: int  # STT on the printed list
    person_id: int
    full_name: str
    thon: str
    group_code: str
    group_label: str
    cash_vnd: int
    item_id: int | None
    item_name: str
    unit: str
    quantity: int
    received: bool | None  # None until reconciled
    proxy_name: str  # "nhận thay"
    note: str
    relief_id: int | None
    version: int


@dataclass(frozen=True)
class DistributionDetail:
    distribution: DistributionListRow
    lines: tuple[DistributionLineRow, ...]
    planned_cash_vnd: int
    received_cash_vnd: int  # cash on the rows marked received
    planned_goods: Mapping[int, int]  # item id -> quantity on the list
    received_goods: Mapping[int, int]  # item id -> quantity on the rows marked received
    issued_goods: Mapping[int, int]  # item id -> quantity actually issued from stock for this list
    issued_goods_vnd: int


@dataclass(frozen=True)
class SavedLine:
    line: DistributionLineRow
    warnings: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class ReconcileResult:
    detail: DistributionDetail
    relief_ids: tuple[int, ...]
    warnings: tuple[str, ...] = field(default=())


def _get_list(session: Session, list_id: int) -> DistributionList:
    found = live(session, DistributionList, list_id)
    if found is None:
        raise NotFoundError(_("Danh sách cấp phát này không còn trong dữ liệu."))
    return found


def _get_line(session: Session, line_id: int) -> DistributionLine:
    found = live(session, DistributionLine, line_id)
    if found is None:
        raise NotFoundError(_("Dòng này không còn trong danh sách cấp phát."))
    return found


def _status_error(d: DistributionList, detail: str) -> ValidationError:
    return ValidationError(
        _('Danh sách "{title}" đang ở trạng thái "{status}": {detail}').format(
            title=d.title, status=_(DISTRIBUTION_STATUSES.get(d.status, d.status)), detail=detail
        ),
        fields={"status": d.status},
    )


def _live_lines(d: DistributionList) -> list[DistributionLine]:
    return [line for line in d.lines if not line.deleted]


def _line_row(line: DistributionLine, line_no: int, items: Mapping[int, Item]) -> DistributionLineRow:
    item = items.get(line.item_id) if line.item_id is not None else None
    return DistributionLineRow(
        line.id,
        line_no,
        line.person_id,
        line.person.full_name,
        line.person.thon,
        line.group_code,
        _(VULNERABLE_GROUPS.get(line.group_code, line.group_code)) if line.group_code else "",
        line.cash_vnd,
        line.item_id,
        item.name if item else "",
        item.unit if item else "",
        line.quantity,
        line.received,
        line.proxy_name,
        line.note,
        line.relief_id,
        line.version,
    )


def _items_of(session: Session, lines: list[DistributionLine]) -> dict[int, Item]:
    ids = {line.item_id for line in lines if line.item_id is not None}
    if not ids:
        return {}
    return {item.id: item for item in session.scalars(select(Item).where(Item.id.in_(ids)))}


def _list_row(session: Session, d: DistributionList) -> DistributionListRow:
    campaign = session.get(Campaign, d.campaign_id) if d.campaign_id is not None else None
    return DistributionListRow.from_model(d, len(_live_lines(d)), campaign.name if campaign else "")


def _detail(session: Session, d: DistributionList) -> DistributionDetail:
    lines = _live_lines(d)
    # One query puts the people in the (weak-referencing) identity map, held here so that
    # `line.person` below costs no query per row.
    _people = list(session.scalars(select(Person).where(Person.id.in_({line.person_id for line in lines}))))
    items = _items_of(session, lines)
    planned: dict[int, int] = {}
    received: dict[int, int] = {}
    for line in lines:
        if line.item_id is not None and line.quantity:
            planned[line.item_id] = planned.get(line.item_id, 0) + line.quantity
            if line.received:
                received[line.item_id] = received.get(line.item_id, 0) + line.quantity
    relief_ids = [line.relief_id for line in lines if line.relief_id is not None]
    issued: dict[int, int] = {}
    issued_vnd = 0
    if relief_ids:
        for item_id, quantity, value in session.execute(
            select(
                StockMovement.item_id, -func.sum(StockMovement.quantity), -func.sum(StockMovement.value_vnd)
            )
            .join(ReliefRecord, ReliefRecord.id == StockMovement.relief_id)
            .where(
                StockMovement.relief_id.in_(relief_ids),
                StockMovement.deleted.is_(False),
                ReliefRecord.deleted.is_(False),
            )
            .group_by(StockMovement.item_id)
        ):
            if quantity:
                issued[int(item_id)] = int(quantity)
            issued_vnd += int(value or 0)
    return DistributionDetail(
        _list_row(session, d),
        tuple(_line_row(line, n, items) for n, line in enumerate(lines, start=1)),
        sum(line.cash_vnd for line in lines),
        sum(line.cash_vnd for line in lines if line.received),
        planned,
        received,
        issued,
        issued_vnd,
    )


class DistributionService:
    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    def create_list(
        self,
        title: str,
        planned_on: date,
        programme: str = "",
        relief_kind: str = "regular",
        campaign_id: int | None = None,
    ) -> DistributionListRow:
        """A new draft list. One transaction; the writer thread."""
        errors: dict[str, str] = {}
        if not normalize_text(title):
            errors["title"] = _("Hãy nhập tên danh sách (ví dụ: Cấp quà Tết Nhân ái 2026 - thôn Đông).")
        if relief_kind not in RELIEF_KINDS:
            errors["relief_kind"] = _("Hãy chọn loại hỗ trợ trong danh mục.")
        with self._ctx.sessions.begin() as session:
            if campaign_id is not None and live(session, Campaign, campaign_id) is None:
                errors["campaign_id"] = _("Đợt vận động không còn trong dữ liệu; hãy chọn lại.")
            if errors:
                raise ValidationError(
                    _("Danh sách cấp phát chưa hợp lệ: {details}").format(details="; ".join(errors.values())),
                    fields=errors,
                )
            d = DistributionList(
                title=normalize_text(title),
                planned_on=planned_on,
                programme=normalize_text(programme),
                relief_kind=relief_kind,
                campaign_id=campaign_id,
                status="draft",
            )
            session.add(d)
            session.flush()
            return _list_row(session, d)

    def delete_list(self, list_id: int) -> None:
        """Tombstones a draft list and its lines; a printed list is kept. One transaction; the
        writer thread."""
        with self._ctx.sessions.begin() as session:
            d = _get_list(session, list_id)
            if d.status != "draft":
                raise _status_error(d, _("chỉ xóa được danh sách nháp."))
            for line in _live_lines(d):
                line.deleted = True
            d.deleted = True

    def add_line(self, list_id: int, data: DistributionLineInput) -> SavedLine:
        """Adds a beneficiary to a draft list; warns when the person is already on it or the goods on
        the list exceed the stock. One transaction; the writer thread."""
        with self._ctx.sessions.begin() as session:
            d = _get_list(session, list_id)
            if d.status != "draft":
                raise _status_error(d, _("không thêm người được nữa; hãy lập danh sách bổ sung."))
            errors: dict[str, str] = {}
            person = live(session, Person, data.person_id)
            if person is None:
                errors["person_id"] = _("Người nhận không còn trong dữ liệu; hãy chọn lại.")
            if data.group_code and data.group_code not in VULNERABLE_GROUPS:
                errors["group_code"] = _("Nhóm đối tượng không có trong danh mục.")
            if data.cash_vnd < 0:
                errors["cash_vnd"] = _("Số tiền không được âm.")
            if data.item_id is not None:
                if live(session, Item, data.item_id) is None:
                    errors["item_id"] = _("Mặt hàng không còn trong danh mục kho; hãy chọn lại.")
                if data.quantity <= 0:
                    errors["quantity"] = _("Số lượng hiện vật phải lớn hơn 0.")
            elif data.quantity:
                errors["item_id"] = _("Hãy chọn mặt hàng cho số lượng đã nhập.")
            if data.cash_vnd <= 0 and data.item_id is None:
                errors["cash_vnd"] = _("Hãy nhập số tiền hoặc hiện vật cấp cho người này.")
            if errors:
                raise ValidationError(
                    _("Dòng cấp phát chưa hợp lệ: {details}").format(details="; ".join(errors.values())),
                    fields=errors,
                )
            assert person is not None
            warnings: list[str] = []
            if any(line.person_id == person.id for line in _live_lines(d)):
                warnings.append(
                    _("{name} đã có trong danh sách này. Hãy kiểm tra để tránh cấp trùng.").format(
                        name=person.full_name
                    )
                )
            line = DistributionLine(
                distribution=d,
                person_id=person.id,
                group_code=data.group_code,
                cash_vnd=data.cash_vnd,
                item_id=data.item_id,
                quantity=data.quantity if data.item_id is not None else 0,
                note=normalize_text(data.note),
            )
            session.add(line)
            session.flush()
            if data.item_id is not None:
                needed = sum(x.quantity for x in _live_lines(d) if x.item_id == data.item_id)
                balance, _value = stock_balance(session, data.item_id)
                if needed > balance:
                    item = session.get(Item, data.item_id)
                    assert item is not None
                    warnings.append(
                        _(
                            "Danh sách cần {needed} {unit} {name} nhưng kho chỉ còn {balance}. "
                            "Hãy nhập thêm hàng trước khi cấp phát."
                        ).format(needed=needed, unit=item.unit, name=item.name, balance=balance)
                    )
            lines = _live_lines(d)
            return SavedLine(
                _line_row(line, lines.index(line) + 1, _items_of(session, [line])), tuple(warnings)
            )

    def remove_line(self, line_id: int) -> None:
        """Tombstones a line of a draft list. One transaction; the writer thread."""
        with self._ctx.sessions.begin() as session:
            line = _get_line(session, line_id)
            d = line.distribution
            if d.status != "draft":
                raise _status_error(
                    d,
                    _(
                        "không bỏ người khỏi danh sách được nữa; người không đến nhận thì đánh dấu "
                        '"không nhận" khi đối chiếu.'
                    ),
                )
            line.deleted = True

    def mark_printed(self, list_id: int) -> DistributionListRow:
        """Draft → printed: the list is frozen for signatures (a reprint changes nothing).
        One transaction; the writer thread."""
        with self._ctx.sessions.begin() as session:
            d = _get_list(session, list_id)
            if d.status == "printed":  # a reprint changes nothing
                return _list_row(session, d)
            if d.status != "draft":
                raise _status_error(d, _("danh sách đã đối chiếu, không quay lại trạng thái đã in."))
            if not _live_lines(d):
                raise ValidationError(_("Danh sách chưa có người nhận nào; hãy thêm người trước khi in."))
            d.status = "printed"
            session.flush()
            return _list_row(session, d)

    def reconcile(
        self,
        list_id: int,
        received: Mapping[int, tuple[bool, str]],
        *,
        given_on: date | None = None,
        review_minutes_ref: str = "",
        confirmation_ref: str = "",
    ) -> ReconcileResult:
        """Marks each row received (with the proxy's name) or not, creates a relief record for each
        received row and issues its goods; rows missing from `received` count as not received.
        All or nothing: short stock on any row (STOCK_INSUFFICIENT) writes nothing. Regular aid
        needs the bình xét minutes and the UBND confirmation. One transaction; the writer thread."""
        with self._ctx.sessions.begin() as session:
            d = _get_list(session, list_id)
            if d.status == "draft":
                raise _status_error(d, _("hãy in danh sách để lấy chữ ký nhận trước khi đối chiếu."))
            if d.status not in ("printed", "signed"):
                raise _status_error(d, _("danh sách đã được đối chiếu rồi."))
            lines = _live_lines(d)
            known = {line.id for line in lines}
            strangers = sorted(set(received) - known)
            if strangers:
                raise ValidationError(
                    _("Có dòng không thuộc danh sách này ({ids}); hãy mở lại danh sách.").format(
                        ids=", ".join(str(x) for x in strangers)
                    )
                )
            day = given_on or d.planned_on
            ensure_period_open(session, day)
            relief_ids: list[int] = []
            warnings: list[str] = []
            for line in lines:
                got, proxy = received.get(line.id, (False, ""))
                line.received = bool(got)
                line.proxy_name = normalize_text(proxy) if got else ""
                if not got:
                    continue
                household = line.person.household
                note_parts = [line.note]
                if line.proxy_name:
                    note_parts.append(_("Nhận thay: {name}").format(name=line.proxy_name))
                record, record_warnings = create_relief(
                    session,
                    ReliefInput(
                        given_on=day,
                        kind=d.relief_kind,
                        person_id=line.person_id,
                        household_id=household.id
                        if household is not None and not household.deleted
                        else None,
                        programme=d.programme,
                        groups=(line.group_code,) if line.group_code else (),
                        cash_vnd=line.cash_vnd,
                        items=(ReliefItemInput(line.item_id, line.quantity),)
                        if line.item_id is not None and line.quantity > 0
                        else (),
                        campaign_id=d.campaign_id,
                        people_covered=1,
                        review_minutes_ref=review_minutes_ref,
                        confirmation_ref=confirmation_ref,
                        note="; ".join(p for p in note_parts if p),
                    ),
                )
                line.relief_id = record.id
                relief_ids.append(record.id)
                warnings.extend(f"{line.person.full_name}: {w}" for w in record_warnings)
            d.status = "reconciled"
            session.flush()
            return ReconcileResult(_detail(session, d), tuple(relief_ids), tuple(warnings))

    def close(self, list_id: int) -> DistributionListRow:
        """Reconciled → closed: no further change. One transaction; the writer thread."""
        with self._ctx.sessions.begin() as session:
            d = _get_list(session, list_id)
            if d.status != "reconciled":
                raise _status_error(d, _("hãy đối chiếu danh sách trước khi đóng."))
            d.status = "closed"
            session.flush()
            return _list_row(session, d)

    def get(self, list_id: int) -> DistributionDetail:
        """The list with its rows (STT order) and planned, received and issued totals. Read-only;
        any thread."""
        with self._ctx.sessions() as session:
            return _detail(session, _get_list(session, list_id))

    def lists(self, *, year: int | None = None, status: str = "") -> list[DistributionListRow]:
        """Lists, newest planned date first. Read-only; any thread."""
        with self._ctx.sessions() as session:
            stmt = select(DistributionList).where(DistributionList.deleted.is_(False))
            if year is not None:
                stmt = stmt.where(
                    DistributionList.planned_on >= date(year, 1, 1),
                    DistributionList.planned_on <= date(year, 12, 31),
                )
            if status:
                stmt = stmt.where(DistributionList.status == status)
            stmt = stmt.order_by(DistributionList.planned_on.desc(), DistributionList.id.desc())
            return [_list_row(session, d) for d in session.scalars(stmt)]
