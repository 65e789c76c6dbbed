# SPDX-License-Identifier: MIT
"""In-kind stock (kho hiện vật, domain.md §2.5): the item catalogue, movements and balances. Qt-free.

Every movement is a signed row of `stock_movements` (receipts and returns positive, issues
negative, adjustments either way, value signed like the quantity). The balance is a SQL SUM over
the live (non-tombstoned) movements, never a stored figure, so it cannot drift:

    balance = received − issued + returned ± adjustments

**Never negative.** A movement, or the removal of a receipt, that would make the balance negative
on any day from its date onwards is refused with `StockInsufficientError` before anything is
written. Checking every day (not only today's total) also refuses an issue dated before the goods
arrived.

**Valuation (weighted average, domain.md §8).** An issue (or a stock-count loss) takes
`quantity × stock value ÷ stock quantity` of the item's current stock, where the stock value is
the value of its receipts, returns and adjustments less the value already issued. The product is
rounded half-up to whole VND once, on the movement, rather than rounding a unit price first:
issuing the whole balance then takes exactly the remaining value, and the stock value never
drifts away from zero when the shelf is empty. Example: 10 kg at 20.000 đ and 5 kg at 23.000 đ
make 15 kg worth 315.000 đ; issuing 4 kg takes 84.000 đ.

The module-level helpers (`issue_stock`, `receive_stock`, `reverse_receipt`, `stock_balance`)
take the caller's session and never commit, so donation and relief services use them inside
their own transaction. Qt-free.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from ..core.errors import DuplicateError, NotFoundError, StockInsufficientError, ValidationError
from ..core.i18n import _
from ..core.vn import collation_key, fold, format_date, normalize_text
from ..db.models import Donation, DonationLine, Item, ReliefRecord, StockMovement
from ..domain.codes import ITEM_CATEGORIES
from .context import ServiceContext, ensure_period_open

# ---------------------------------------------------------------- DTOs


@dataclass(frozen=True)
class ItemInput:
    name: str
    unit: str
    category: str = "other"
    suggested_value_vnd: int = 0
    tracks_expiry: bool = False
    low_stock_level: int = 0


@dataclass(frozen=True)
class ItemRow:
    id: int
    uuid: str
    name: str
    unit: str
    category: str
    suggested_value_vnd: int
    tracks_expiry: bool
    low_stock_level: int
    deleted: bool
    version: int

    @classmethod
    def from_model(cls, i: Item) -> ItemRow:
        return cls(
            i.id,
            i.uuid,
            i.name,
            i.unit,
            i.category,
            i.suggested_value_vnd,
            i.tracks_expiry,
            i.low_stock_level,
            i.deleted,
            i.version,
        )


@dataclass(frozen=True)
class StockBalance:
    item_id: int
    name: str
    unit: str
    quantity: int
    value_vnd: int
    low_stock_level: int = 0

    @property
    def is_low(self) -> bool:
        return self.low_stock_level > 0 and self.quantity <= self.low_stock_level


@dataclass(frozen=True)
class MovementRow:
    id: int
    uuid: str
    item_id: int
    moved_on: date
    kind: str  # receipt | issue | return_ | adjustment (STOCK_MOVEMENTS)
    quantity: int  # signed
    value_vnd: int  # signed
    reason: str
    donation_line_id: int | None
    relief_id: int | None
    receipt_code: str  # the donation receipt a "receipt" movement comes from, else ""
    version: int

    @classmethod
    def from_model(cls, m: StockMovement, receipt_code: str = "") -> MovementRow:
        return cls(
            m.id,
            m.uuid,
            m.item_id,
            m.moved_on,
            m.kind,
            m.quantity,
            m.value_vnd,
            m.reason,
            m.donation_line_id,
            m.relief_id,
            receipt_code,
            m.version,
        )


# ---------------------------------------------------------------- pure valuation


def round_half_up(numerator: int, denominator: int) -> int:
    """`numerator / denominator` rounded half-up to an integer (both non-negative, denominator > 0)."""
    return (2 * numerator + denominator) // (2 * denominator)


def average_value(stock_quantity: int, stock_value: int, quantity: int) -> int:
    """The weighted-average value of `quantity` units taken from a stock of `stock_quantity` units
    worth `stock_value` đ, rounded half-up once. An empty stock has no average (0)."""
    if stock_quantity <= 0 or quantity <= 0:
        return 0
    # A stock value below zero can only come from reversing a receipt whose goods were partly
    # issued at a higher average; the goods themselves are never worth less than nothing.
    return round_half_up(quantity * max(stock_value, 0), stock_quantity)


# ---------------------------------------------------------------- helpers used inside transactions


def _locked_item(session: Session, item_id: int) -> Item:
    # On SQLite the writer transaction already holds the database write lock (BEGIN IMMEDIATE), so
    # the SELECTs below see every committed movement and no other writer can add one before we
    # commit; SQLite's dialect drops FOR UPDATE. On PostgreSQL FOR UPDATE serialises writers of
    # the same item, so two concurrent issues cannot both pass the balance check.
    item = session.scalar(select(Item).where(Item.id == item_id).with_for_update())
    if item is None or item.deleted:
        raise NotFoundError(_("Mặt hàng này không còn trong danh mục kho."))
    return item


def stock_balance(session: Session, item_id: int) -> tuple[int, int]:
    """(quantity, value in đ) of the item now: the SUM of its live movements."""
    row = session.execute(
        select(
            func.coalesce(func.sum(StockMovement.quantity), 0),
            func.coalesce(func.sum(StockMovement.value_vnd), 0),
        ).where(StockMovement.item_id == item_id, StockMovement.deleted.is_(False))
    ).one()
    return int(row[0]), int(row[1])


def _shortfall(
    session: Session, item_id: int, changes: Sequence[tuple[date, int]]
) -> tuple[date, int] | None:
    """The first day on which the running balance, with `changes` applied, would be negative, and
    that balance; None when the changes are safe."""
    daily: dict[date, int] = {}
    rows = session.execute(
        select(StockMovement.moved_on, func.sum(StockMovement.quantity))
        .where(StockMovement.item_id == item_id, StockMovement.deleted.is_(False))
        .group_by(StockMovement.moved_on)
    )
    for day, quantity in rows:
        daily[day] = daily.get(day, 0) + int(quantity)
    for day, quantity in changes:
        daily[day] = daily.get(day, 0) + quantity
    running = 0
    for day in sorted(daily):
        running += daily[day]
        if running < 0:
            return day, running
    return None


def _refuse_issue(session: Session, item: Item, quantity: int, on_date: date, *, what: str) -> None:
    """Raises when taking `quantity` out on `on_date` would make the stock negative on any day."""
    problem = _shortfall(session, item.id, [(on_date, -quantity)])
    if problem is None:
        return
    balance, _value = stock_balance(session, item.id)
    if balance < quantity:
        raise StockInsufficientError(
            _(
                "Kho chỉ còn {balance} {unit} {name}, không đủ để {what} {quantity} {unit}. "
                "Hãy giảm số lượng, hoặc ghi nhận hàng nhập kho trước."
            ).format(balance=balance, unit=item.unit, name=item.name, what=what, quantity=quantity)
        )
    day, running = problem
    raise StockInsufficientError(
        _(
            "Kho hiện còn {balance} {unit} {name}, nhưng nếu {what} {quantity} {unit} ngày {on} thì tồn kho "
            "ngày {day} sẽ âm ({running} {unit}) vì hàng về sau ngày đó hoặc đã xuất. "
            "Hãy sửa ngày cho sau ngày nhập hàng, hoặc giảm số lượng."
        ).format(
            balance=balance,
            unit=item.unit,
            name=item.name,
            what=what,
            quantity=quantity,
            on=format_date(on_date),
            day=format_date(day),
            running=running,
        )
    )


def issue_stock(
    session: Session, item_id: int, quantity: int, on_date: date, *, relief_id: int | None, reason: str = ""
) -> StockMovement:
    """Issues `quantity` units (to a relief record when given), valued at the weighted average.

    Runs in the caller's transaction and never commits. Refuses (StockInsufficientError, nothing
    written) when the balance would become negative; refuses a closed month (PeriodLockedError).
    """
    if quantity <= 0:
        raise ValidationError(_("Số lượng xuất phải lớn hơn 0."), fields={"quantity": _("Phải lớn hơn 0.")})
    ensure_period_open(session, on_date)
    item = _locked_item(session, item_id)
    _refuse_issue(session, item, quantity, on_date, what=_("xuất"))
    stock_qty, stock_value = stock_balance(session, item_id)
    value = average_value(stock_qty, stock_value, quantity)
    movement = StockMovement(
        item_id=item_id,
        moved_on=on_date,
        kind="issue",
        quantity=-quantity,
        value_vnd=-value,
        relief_id=relief_id,
        reason=normalize_text(reason),
    )
    session.add(movement)
    session.flush()
    return movement


def receive_stock(session: Session, line: DonationLine, on_date: date) -> StockMovement:
    """The receipt movement of an in-kind donation line (its quantity and value), in the caller's
    transaction. The line is flushed first so the movement can point at it."""
    ensure_period_open(session, on_date)
    _locked_item(session, line.item_id)
    if line.id is None:
        session.flush()
    movement = StockMovement(
        item_id=line.item_id,
        moved_on=on_date,
        kind="receipt",
        quantity=line.quantity,
        value_vnd=line.value_vnd,
        donation_line_id=line.id,
    )
    session.add(movement)
    session.flush()
    return movement


def reverse_receipt(session: Session, movement: StockMovement, *, receipt_code: str = "") -> None:
    """Tombstones a receipt movement (a voided or corrected donation), in the caller's transaction.

    Refused (StockInsufficientError) when its goods were already issued so that the stock would
    become negative: the issues have to be undone first.
    """
    if movement.deleted:
        return
    item = _locked_item(session, movement.item_id)
    if _shortfall(session, item.id, [(movement.moved_on, -movement.quantity)]) is not None:
        balance, _value = stock_balance(session, item.id)
        raise StockInsufficientError(
            _(
                "Không thể bỏ {quantity} {unit} {name} đã nhập theo biên nhận {code}: hàng đã được xuất, "
                "kho chỉ còn {balance} {unit}. Hãy hủy hoặc sửa các lần xuất kho mặt hàng này trước."
            ).format(
                quantity=movement.quantity,
                unit=item.unit,
                name=item.name,
                code=receipt_code or "…",
                balance=balance,
            )
        )
    movement.deleted = True
    session.flush()


# ---------------------------------------------------------------- the service


def _apply_item(item: Item, data: ItemInput) -> None:
    errors: dict[str, str] = {}
    name, unit = normalize_text(data.name), normalize_text(data.unit)
    if not name:
        errors["name"] = _("Hãy nhập tên mặt hàng.")
    if not unit:
        errors["unit"] = _("Hãy nhập đơn vị tính (kg, thùng, bao, chiếc, lít…).")
    if data.category not in ITEM_CATEGORIES:
        errors["category"] = _("Nhóm hàng không hợp lệ; hãy chọn trong danh sách.")
    if data.suggested_value_vnd < 0:
        errors["suggested_value_vnd"] = _("Đơn giá gợi ý không được âm.")
    if data.low_stock_level < 0:
        errors["low_stock_level"] = _("Mức tồn tối thiểu không được âm.")
    if errors:
        raise ValidationError(
            _("Thông tin mặt hàng chưa hợp lệ: {details}").format(details="; ".join(errors.values())),
            fields=errors,
        )
    item.name, item.unit, item.category = name, unit, data.category
    item.suggested_value_vnd, item.tracks_expiry = data.suggested_value_vnd, data.tracks_expiry
    item.low_stock_level = data.low_stock_level


def _ensure_item_unique(session: Session, item: Item) -> None:
    # "Gạo"/"gạo"/"Gao" in the same unit are one item; two would split its balance.
    folded = fold(item.name)
    with session.no_autoflush:  # the edited row must not reach the unique index before the check
        others = list(session.scalars(select(Item).where(Item.id != (item.id or -1))))
    for other in others:
        if fold(other.name) == folded and fold(other.unit) == fold(item.unit):
            raise DuplicateError(
                _('Mặt hàng "{name}" ({unit}) đã có trong danh mục. Hãy dùng mặt hàng đó.').format(
                    name=other.name, unit=other.unit
                )
            )


def _value_in(session: Session, item: Item, quantity: int) -> int:
    """Value of goods coming back in without a price of their own: the current average, or the
    item's suggested value when the shelf is empty."""
    stock_qty, stock_value = stock_balance(session, item.id)
    if stock_qty > 0:
        return average_value(stock_qty, stock_value, quantity)
    return quantity * item.suggested_value_vnd


class StockService:
    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    # ---- catalogue

    def create_item(self, data: ItemInput) -> ItemRow:
        """One transaction; the writer thread. Name and unit together are unique."""
        with self._ctx.sessions.begin() as session:
            item = Item()
            _apply_item(item, data)
            _ensure_item_unique(session, item)
            session.add(item)
            session.flush()
            return ItemRow.from_model(item)

    def update_item(self, item_id: int, data: ItemInput) -> ItemRow:
        """One transaction; the writer thread. Bumps the version and writes an audit row."""
        with self._ctx.sessions.begin() as session:
            item = session.get(Item, item_id)
            if item is None or item.deleted:
                raise NotFoundError(_("Mặt hàng này không còn trong danh mục kho."))
            _apply_item(item, data)
            _ensure_item_unique(session, item)
            session.flush()
            return ItemRow.from_model(item)

    def list_items(self, *, include_deleted: bool = False) -> list[ItemRow]:
        """In Vietnamese name order. Read-only; any thread."""
        with self._ctx.sessions() as session:
            stmt = select(Item)
            if not include_deleted:
                stmt = stmt.where(Item.deleted.is_(False))
            rows = [ItemRow.from_model(i) for i in session.scalars(stmt)]
        return sorted(rows, key=lambda r: (collation_key(r.name), collation_key(r.unit), r.id))

    # ---- balances

    def balance(self, item_id: int) -> StockBalance:
        """Read-only; any thread."""
        with self._ctx.sessions() as session:
            item = session.get(Item, item_id)
            if item is None or item.deleted:
                raise NotFoundError(_("Mặt hàng này không còn trong danh mục kho."))
            quantity, value = stock_balance(session, item_id)
            return StockBalance(item.id, item.name, item.unit, quantity, value, item.low_stock_level)

    def balances(self) -> list[StockBalance]:
        """Every live item with its balance (zero included), in name order. Read-only; any thread."""
        with self._ctx.sessions() as session:
            stmt = (
                select(
                    Item,
                    func.coalesce(func.sum(StockMovement.quantity), 0),
                    func.coalesce(func.sum(StockMovement.value_vnd), 0),
                )
                .outerjoin(
                    StockMovement, and_(StockMovement.item_id == Item.id, StockMovement.deleted.is_(False))
                )
                .where(Item.deleted.is_(False))
                .group_by(Item.id)
            )
            rows = [
                StockBalance(i.id, i.name, i.unit, int(q), int(v), i.low_stock_level)
                for i, q, v in session.execute(stmt)
            ]
        return sorted(rows, key=lambda r: (collation_key(r.name), collation_key(r.unit), r.item_id))

    def movements(self, item_id: int) -> list[MovementRow]:
        """Live movements of an item by date. Read-only; any thread."""
        with self._ctx.sessions() as session:
            stmt = (
                select(StockMovement, Donation)
                .outerjoin(DonationLine, DonationLine.id == StockMovement.donation_line_id)
                .outerjoin(Donation, Donation.id == DonationLine.donation_id)
                .where(StockMovement.item_id == item_id, StockMovement.deleted.is_(False))
                .order_by(StockMovement.moved_on, StockMovement.id)
            )
            return [
                MovementRow.from_model(m, d.receipt_code if d is not None else "")
                for m, d in session.execute(stmt)
            ]

    # ---- movements

    def adjust(self, item_id: int, quantity_delta: int, reason: str, on_date: date) -> MovementRow:
        """A stock-count or spoilage adjustment (kind "adjustment"); the reason (and minutes
        reference) is required. A loss is valued like an issue, a gain at the current average.
        One transaction; the writer thread."""
        reason = normalize_text(reason)
        if not reason:
            raise ValidationError(
                _("Hãy ghi lý do điều chỉnh (ví dụ: biên bản kiểm kê số …, hàng hư hỏng)."),
                fields={"reason": _("Bắt buộc.")},
            )
        if quantity_delta == 0:
            raise ValidationError(
                _("Số lượng điều chỉnh phải khác 0."), fields={"quantity_delta": _("Phải khác 0.")}
            )
        with self._ctx.sessions.begin() as session:
            ensure_period_open(session, on_date)
            item = _locked_item(session, item_id)
            if quantity_delta < 0:
                _refuse_issue(session, item, -quantity_delta, on_date, what=_("giảm"))
                stock_qty, stock_value = stock_balance(session, item_id)
                value = -average_value(stock_qty, stock_value, -quantity_delta)
            else:
                value = _value_in(session, item, quantity_delta)
            movement = StockMovement(
                item_id=item_id,
                moved_on=on_date,
                kind="adjustment",
                quantity=quantity_delta,
                value_vnd=value,
                reason=reason,
            )
            session.add(movement)
            session.flush()
            return MovementRow.from_model(movement)

    def return_goods(
        self, item_id: int, quantity: int, on_date: date, reason: str, relief_id: int | None = None
    ) -> MovementRow:
        """Goods not collected come back (kind "return_"). With `relief_id`, no more than was issued
        to that relief can come back, at the value it left with; otherwise at the current average.
        One transaction; the writer thread."""
        if quantity <= 0:
            raise ValidationError(
                _("Số lượng nhập lại phải lớn hơn 0."), fields={"quantity": _("Phải lớn hơn 0.")}
            )
        with self._ctx.sessions.begin() as session:
            ensure_period_open(session, on_date)
            item = _locked_item(session, item_id)
            if relief_id is None:
                value = _value_in(session, item, quantity)
            else:
                value = self._relief_return_value(session, item, relief_id, quantity)
            movement = StockMovement(
                item_id=item_id,
                moved_on=on_date,
                kind="return_",
                quantity=quantity,
                value_vnd=value,
                relief_id=relief_id,
                reason=normalize_text(reason),
            )
            session.add(movement)
            session.flush()
            return MovementRow.from_model(movement)

    @staticmethod
    def _relief_return_value(session: Session, item: Item, relief_id: int, quantity: int) -> int:
        relief = session.get(ReliefRecord, relief_id)
        if relief is None or relief.deleted:
            raise NotFoundError(_("Lần hỗ trợ này không còn trong dữ liệu."))
        totals: dict[str, tuple[int, int]] = {}
        for kind, qty, value in session.execute(
            select(StockMovement.kind, func.sum(StockMovement.quantity), func.sum(StockMovement.value_vnd))
            .where(
                StockMovement.item_id == item.id,
                StockMovement.relief_id == relief_id,
                StockMovement.deleted.is_(False),
                StockMovement.kind.in_(("issue", "return_")),
            )
            .group_by(StockMovement.kind)
        ):
            totals[kind] = (int(qty), int(value))
        issued_qty, issued_value = (-x for x in totals.get("issue", (0, 0)))
        returned_qty = totals.get("return_", (0, 0))[0]
        if quantity > issued_qty - returned_qty:
            raise ValidationError(
                _(
                    "Lần hỗ trợ này chỉ xuất {issued} {unit} {name} (đã nhập lại {returned}), "
                    "không thể nhập lại {quantity} {unit}. Hãy kiểm tra lại số lượng."
                ).format(
                    issued=issued_qty,
                    returned=returned_qty,
                    unit=item.unit,
                    name=item.name,
                    quantity=quantity,
                ),
                fields={"quantity": _("Nhiều hơn số đã xuất.")},
            )
        return average_value(issued_qty, issued_value, quantity)
