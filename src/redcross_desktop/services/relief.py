# SPDX-License-Identifier: MIT
"""Relief and humanitarian support (domain.md §2.6): who received what, from which programme and
campaign, with the goods issued from stock in the same transaction. Qt-free.

Goods given are stock issue movements pointing at the relief record, so the stock balance and the
value of support come from the same rows and cannot disagree. A correction re-issues the goods and
a deletion tombstones the issues, which puts the goods back in stock.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import ColumnElement, and_, distinct, func, or_, select
from sqlalchemy.orm import Session, selectinload

from ..core.errors import NotFoundError, ValidationError
from ..core.i18n import _
from ..core.vn import collation_key, fold, format_date, format_vnd, normalize_text
from ..db.audit import set_audit_reason
from ..db.models import Campaign, Household, Item, Person, ReliefRecord, StockMovement
from ..domain.codes import RELIEF_KINDS, VULNERABLE_GROUPS
from .context import ServiceContext, ensure_period_open, live
from .stock import issue_stock

# Law 11/2008: regular aid goes to people chosen by community review and confirmed by the commune.
REVIEWED_KINDS = frozenset({"regular"})


@dataclass(frozen=True)
class ReliefItemInput:
    item_id: int
    quantity: int


@dataclass(frozen=True)
class ReliefInput:
    given_on: date
    kind: str
    person_id: int | None = None
    household_id: int | None = None
    programme: str = ""
    groups: tuple[str, ...] = ()
    cash_vnd: int = 0
    items: tuple[ReliefItemInput, ...] = ()
    campaign_id: int | None = None
    people_covered: int | None = None  # None: 1, or the household size when only a household is given
    review_minutes_ref: str = ""
    confirmation_ref: str = ""
    note: str = ""


@dataclass(frozen=True)
class ReliefItemRow:
    item_id: int
    name: str
    unit: str
    quantity: int
    value_vnd: int


@dataclass(frozen=True)
class ReliefRow:
    id: int
    uuid: str
    given_on: date
    person_id: int | None
    person_name: str
    household_id: int | None
    thon: str
    programme: str
    kind: str
    kind_label: str
    groups: tuple[str, ...]
    cash_vnd: int
    goods_vnd: int
    items: tuple[ReliefItemRow, ...]
    campaign_id: int | None
    campaign_name: str
    people_covered: int
    review_minutes_ref: str
    confirmation_ref: str
    note: str
    version: int

    @property
    def total_vnd(self) -> int:
        return self.cash_vnd + self.goods_vnd

    @classmethod
    def from_model(cls, r: ReliefRecord, items: Sequence[ReliefItemRow]) -> ReliefRow:
        thon = r.person.thon if r.person is not None else ""
        if not thon and r.household is not None:
            thon = r.household.thon
        return cls(
            r.id,
            r.uuid,
            r.given_on,
            r.person_id,
            r.person.full_name if r.person is not None else "",
            r.household_id,
            thon,
            r.programme,
            r.kind,
            _(RELIEF_KINDS.get(r.kind, r.kind)),
            split_groups(r.groups),
            r.cash_vnd,
            sum(i.value_vnd for i in items),
            tuple(items),
            r.campaign_id,
            r.campaign.name if r.campaign is not None else "",
            r.people_covered,
            r.review_minutes_ref,
            r.confirmation_ref,
            r.note,
            r.version,
        )


@dataclass(frozen=True)
class SavedRelief:
    row: ReliefRow
    warnings: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class ReliefQuery:
    date_from: date | None = None
    date_to: date | None = None
    programme: str = ""
    kind: str = ""
    campaign_id: int | None = None
    text: str = ""  # beneficiary name, phone or CCCD, thôn, programme or note


@dataclass(frozen=True)
class ReliefTotals:
    records: int
    people: int  # người: distinct persons
    households: int  # distinct households
    people_covered: int  # lượt người: sum of people covered
    cash_vnd: int
    goods_vnd: int

    @property
    def total_vnd(self) -> int:
        return self.cash_vnd + self.goods_vnd


def split_groups(text: str) -> tuple[str, ...]:
    return tuple(code for code in text.split(",") if code)


# ---------------------------------------------------------------- shared with the distribution lists


def relief_items(session: Session, relief_ids: Sequence[int]) -> dict[int, list[ReliefItemRow]]:
    """Goods per relief record: the net of its live stock movements (issues negative, returns
    positive), so goods returned after the fact lower the value given."""
    if not relief_ids:
        return {}
    rows = session.execute(
        select(
            StockMovement.relief_id,
            Item.id,
            Item.name,
            Item.unit,
            -func.sum(StockMovement.quantity),
            -func.sum(StockMovement.value_vnd),
        )
        .join(Item, Item.id == StockMovement.item_id)
        .where(StockMovement.relief_id.in_(relief_ids), StockMovement.deleted.is_(False))
        .group_by(StockMovement.relief_id, Item.id, Item.name, Item.unit)
        .order_by(StockMovement.relief_id, Item.name, Item.id)
    )
    result: dict[int, list[ReliefItemRow]] = {}
    for relief_id, item_id, name, unit, quantity, value in rows:
        if quantity:
            row = ReliefItemRow(int(item_id), name, unit, int(quantity), int(value))
            result.setdefault(int(relief_id or 0), []).append(row)
    return result


def relief_row(session: Session, record: ReliefRecord) -> ReliefRow:
    return ReliefRow.from_model(record, relief_items(session, [record.id]).get(record.id, []))


def _validate(session: Session, data: ReliefInput) -> tuple[dict[str, object], Household | None]:
    """Checks `data` against the rules; returns the cleaned column values (errors raise)."""
    errors: dict[str, str] = {}
    if data.kind not in RELIEF_KINDS:
        errors["kind"] = _("Hãy chọn loại hỗ trợ trong danh mục.")
    if data.person_id is None and data.household_id is None:
        errors["person_id"] = _("Hãy chọn người nhận hoặc hộ nhận hỗ trợ.")
    if data.person_id is not None and live(session, Person, data.person_id) is None:
        errors["person_id"] = _("Người nhận không còn trong dữ liệu; hãy chọn lại.")
    household = live(session, Household, data.household_id) if data.household_id is not None else None
    if data.household_id is not None and household is None:
        errors["household_id"] = _("Hộ nhận không còn trong dữ liệu; hãy chọn lại.")
    unknown = [code for code in data.groups if code not in VULNERABLE_GROUPS]
    if unknown:
        errors["groups"] = _("Nhóm đối tượng không có trong danh mục: {codes}.").format(
            codes=", ".join(unknown)
        )
    if data.cash_vnd < 0:
        errors["cash_vnd"] = _("Số tiền hỗ trợ không được âm.")
    for line in data.items:
        if line.quantity <= 0:
            errors["items"] = _("Số lượng hiện vật phải lớn hơn 0.")
        elif live(session, Item, line.item_id) is None:
            errors["items"] = _("Mặt hàng không còn trong danh mục kho; hãy chọn lại.")
    if data.cash_vnd <= 0 and not data.items:
        errors["cash_vnd"] = _("Hãy nhập số tiền hoặc hiện vật hỗ trợ.")
    if data.campaign_id is not None and live(session, Campaign, data.campaign_id) is None:
        errors["campaign_id"] = _("Đợt vận động không còn trong dữ liệu; hãy chọn lại.")
    if data.people_covered is not None and data.people_covered < 1:
        errors["people_covered"] = _("Số người được hỗ trợ phải từ 1 trở lên.")
    if data.kind in REVIEWED_KINDS:
        if not normalize_text(data.review_minutes_ref):
            errors["review_minutes_ref"] = _(
                "Trợ giúp thường xuyên cần biên bản bình xét công khai (Luật 11/2008); "
                "hãy ghi số, ngày biên bản."
            )
        if not normalize_text(data.confirmation_ref):
            errors["confirmation_ref"] = _(
                "Trợ giúp thường xuyên cần xác nhận của UBND xã (Luật 11/2008); "
                "hãy ghi số, ngày văn bản xác nhận."
            )
    if errors:
        raise ValidationError(
            _("Thông tin hỗ trợ chưa hợp lệ: {details}").format(details="; ".join(errors.values())),
            fields=errors,
        )
    covered = data.people_covered
    if covered is None:
        covered = household.size if household is not None and data.person_id is None else 1
    values: dict[str, object] = {
        "given_on": data.given_on,
        "person_id": data.person_id,
        "household_id": data.household_id,
        "programme": normalize_text(data.programme),
        "kind": data.kind,
        "groups": ",".join(dict.fromkeys(data.groups)),
        "cash_vnd": data.cash_vnd,
        "campaign_id": data.campaign_id,
        "people_covered": covered,
        "review_minutes_ref": normalize_text(data.review_minutes_ref),
        "confirmation_ref": normalize_text(data.confirmation_ref),
        "note": normalize_text(data.note),
    }
    return values, household


def _issue_goods(session: Session, record: ReliefRecord, items: Sequence[ReliefItemInput]) -> None:
    for line in items:
        issue_stock(
            session,
            line.item_id,
            line.quantity,
            record.given_on,
            relief_id=record.id,
            reason=_("Cấp hỗ trợ {programme}").format(programme=record.programme).strip(),
        )


def _warnings(session: Session, record: ReliefRecord) -> list[str]:
    warnings: list[str] = []
    if record.programme or record.campaign_id is not None:
        same = [
            ReliefRecord.deleted.is_(False),
            ReliefRecord.id != record.id,
            ReliefRecord.programme == record.programme,
            ReliefRecord.campaign_id.is_(None)
            if record.campaign_id is None
            else ReliefRecord.campaign_id == record.campaign_id,
        ]
        who: ColumnElement[bool] | None = None
        if record.person_id is not None:
            who = ReliefRecord.person_id == record.person_id
        elif record.household_id is not None:
            who = ReliefRecord.household_id == record.household_id
        if who is not None:
            earlier = session.scalar(
                select(ReliefRecord.given_on).where(who, *same).order_by(ReliefRecord.given_on).limit(1)
            )
            if earlier is not None:
                warnings.append(
                    _(
                        "Người (hộ) này đã được hỗ trợ trong cùng chương trình và đợt vận động ngày {day}. "
                        "Hãy kiểm tra để tránh cấp trùng."
                    ).format(day=format_date(earlier))
                )
    if record.campaign_id is not None:
        campaign = session.get(Campaign, record.campaign_id)
        if campaign is not None and campaign.min_gift_vnd > 0:
            total = record.cash_vnd + _goods_value(session, record.id)
            if total < campaign.min_gift_vnd:
                warnings.append(
                    _(
                        "Tổng giá trị suất quà {total} thấp hơn mức tối thiểu {minimum} của đợt {name}."
                    ).format(
                        total=format_vnd(total), minimum=format_vnd(campaign.min_gift_vnd), name=campaign.name
                    )
                )
    return warnings


def _goods_value(session: Session, relief_id: int) -> int:
    value = session.scalar(
        select(func.coalesce(-func.sum(StockMovement.value_vnd), 0)).where(
            StockMovement.relief_id == relief_id, StockMovement.deleted.is_(False)
        )
    )
    return int(value or 0)


def create_relief(session: Session, data: ReliefInput) -> tuple[ReliefRecord, list[str]]:
    """Validates, saves and issues the goods of one relief record inside the caller's transaction.
    Raises StockInsufficientError (and the caller's transaction rolls back) when stock is short."""
    values, _household = _validate(session, data)
    ensure_period_open(session, data.given_on)
    record = ReliefRecord(**values)
    session.add(record)
    session.flush()  # the issues need the record's id
    _issue_goods(session, record, data.items)
    session.flush()
    return record, _warnings(session, record)


def _tombstone_goods(session: Session, record: ReliefRecord) -> None:
    for movement in session.scalars(
        select(StockMovement).where(StockMovement.relief_id == record.id, StockMovement.deleted.is_(False))
    ):
        movement.deleted = True
    # The balance check of the new issues must see these goods back in stock.
    session.flush()


def get_relief(session: Session, relief_id: int) -> ReliefRecord:
    record = session.get(ReliefRecord, relief_id)
    if record is None or record.deleted:
        raise NotFoundError(_("Bản ghi hỗ trợ này không còn trong dữ liệu."))
    return record


def _filters(query: ReliefQuery) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [ReliefRecord.deleted.is_(False)]
    if query.date_from is not None:
        conditions.append(ReliefRecord.given_on >= query.date_from)
    if query.date_to is not None:
        conditions.append(ReliefRecord.given_on <= query.date_to)
    if normalize_text(query.programme):
        conditions.append(ReliefRecord.programme == normalize_text(query.programme))
    if query.kind:
        conditions.append(ReliefRecord.kind == query.kind)
    if query.campaign_id is not None:
        conditions.append(ReliefRecord.campaign_id == query.campaign_id)
    text = normalize_text(query.text)
    if text:
        folded = fold(text)
        person_ids = select(Person.id).where(Person.search_key.contains(folded, autoescape=True))
        household_ids = select(Household.id).where(Household.thon.contains(text, autoescape=True))
        conditions.append(
            or_(
                ReliefRecord.person_id.in_(person_ids),
                ReliefRecord.household_id.in_(household_ids),
                ReliefRecord.person_id.in_(
                    select(Person.id).where(Person.thon.contains(text, autoescape=True))
                ),
                ReliefRecord.programme.contains(text, autoescape=True),
                ReliefRecord.note.contains(text, autoescape=True),
            )
        )
    return conditions


class ReliefService:
    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    def record(self, data: ReliefInput) -> SavedRelief:
        """Saves one relief record and issues its goods from stock. One transaction; the writer
        thread. Short stock (STOCK_INSUFFICIENT) writes nothing; duplicates and gifts below the
        campaign minimum are warnings."""
        with self._ctx.sessions.begin() as session:
            record, warnings = create_relief(session, data)
            return SavedRelief(relief_row(session, record), tuple(warnings))

    def edit(self, relief_id: int, data: ReliefInput) -> SavedRelief:
        """Corrects a relief record and re-issues its goods (old issues tombstoned, new ones issued),
        all or nothing. One transaction; the writer thread."""
        with self._ctx.sessions.begin() as session:
            record = get_relief(session, relief_id)
            ensure_period_open(session, record.given_on, data.given_on)
            values, _household = _validate(session, data)
            for key, value in values.items():
                setattr(record, key, value)
            _tombstone_goods(session, record)
            _issue_goods(session, record, data.items)
            session.flush()
            warnings = _warnings(session, record)
            return SavedRelief(relief_row(session, record), tuple(warnings))

    def delete(self, relief_id: int, reason: str = "") -> None:
        """Tombstones a relief record and its stock issues, which puts the goods back in stock.
        One transaction; the writer thread."""
        with self._ctx.sessions.begin() as session:
            record = get_relief(session, relief_id)
            ensure_period_open(session, record.given_on)
            if normalize_text(reason):
                set_audit_reason(session, normalize_text(reason))
            record.deleted = True
            session.flush()
            _tombstone_goods(session, record)

    def get(self, relief_id: int) -> ReliefRow:
        """Read-only; any thread."""
        with self._ctx.sessions() as session:
            return relief_row(session, get_relief(session, relief_id))

    def totals(self, query: ReliefQuery | None = None) -> ReliefTotals:
        """Counts and amounts of the matching records (SQL aggregates). Read-only; any thread."""
        with self._ctx.sessions() as session:
            conditions = _filters(query or ReliefQuery())
            row = session.execute(
                select(
                    func.count(ReliefRecord.id),
                    func.count(distinct(ReliefRecord.person_id)),
                    func.count(distinct(ReliefRecord.household_id)),
                    func.coalesce(func.sum(ReliefRecord.people_covered), 0),
                    func.coalesce(func.sum(ReliefRecord.cash_vnd), 0),
                ).where(*conditions)
            ).one()
            goods = session.scalar(
                select(func.coalesce(-func.sum(StockMovement.value_vnd), 0))
                .join(ReliefRecord, ReliefRecord.id == StockMovement.relief_id)
                .where(and_(StockMovement.deleted.is_(False), *conditions))
            )
            return ReliefTotals(
                int(row[0]), int(row[1]), int(row[2]), int(row[3]), int(row[4]), int(goods or 0)
            )

    def programmes(self) -> list[str]:
        """Programme names already used, for the entry form's suggestions. Read-only; any thread."""
        with self._ctx.sessions() as session:
            names = session.scalars(
                select(ReliefRecord.programme)
                .where(ReliefRecord.deleted.is_(False), ReliefRecord.programme != "")
                .distinct()
            )
            return sorted(names, key=collation_key)

    def list(self, query: ReliefQuery | None = None, *, limit: int = 5000) -> list[ReliefRow]:
        """Newest first. Read-only; any thread."""
        query = query or ReliefQuery()
        with self._ctx.sessions() as session:
            stmt = (
                select(ReliefRecord)
                .options(
                    selectinload(ReliefRecord.person),
                    selectinload(ReliefRecord.household),
                    selectinload(ReliefRecord.campaign),
                )
                .where(*_filters(query))
                .order_by(ReliefRecord.given_on.desc(), ReliefRecord.id.desc())
                .limit(limit)
            )
            records = list(session.scalars(stmt))
            items = relief_items(session, [r.id for r in records])
            return [ReliefRow.from_model(r, items.get(r.id, [])) for r in records]
