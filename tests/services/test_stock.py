# SPDX-License-Identifier: MIT
"""In-kind stock: catalogue, balances from movements, never negative, weighted-average valuation."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from redcross_desktop.core.errors import (
    DuplicateError,
    NotFoundError,
    PeriodLockedError,
    StockInsufficientError,
    ValidationError,
)
from redcross_desktop.db.models import PeriodLock, ReliefRecord, StockMovement
from redcross_desktop.services.container import Services
from redcross_desktop.services.donations import DonationInput, DonationLineInput, DonationService
from redcross_desktop.services.stock import (
    ItemInput,
    StockService,
    average_value,
    issue_stock,
    round_half_up,
    stock_balance,
)

RICE = ItemInput(name="Gạo", unit="kg", category="food", suggested_value_vnd=18_000)


@pytest.fixture
def stock(services: Services) -> StockService:
    return StockService(services.ctx)


@pytest.fixture
def donations(services: Services) -> DonationService:
    return DonationService(services.ctx)


def receive(donations: DonationService, item_id: int, quantity: int, unit_value: int, on: date) -> int:
    row = donations.record(
        DonationInput(
            received_on=on, channel="in_kind", lines=(DonationLineInput(item_id, quantity, unit_value),)
        )
    )
    return row.id


def issue(
    services: Services, item_id: int, quantity: int, on: date, relief_id: int | None = None
) -> StockMovement:
    with services.ctx.sessions.begin() as s:
        return issue_stock(s, item_id, quantity, on, relief_id=relief_id, reason="Tết")


def movement_count(services: Services) -> int:
    with services.ctx.sessions() as s:
        return int(s.scalar(select(func.count()).select_from(StockMovement)) or 0)


def relief(services: Services) -> int:
    with services.ctx.sessions.begin() as s:
        record = ReliefRecord(given_on=date(2026, 2, 1), kind="regular")
        s.add(record)
        s.flush()
        return record.id


# ---------------------------------------------------------------- pure valuation


def test_round_half_up() -> None:
    assert [round_half_up(n, 2) for n in (1, 3, 5)] == [1, 2, 3]  # 0.5 -> 1, 1.5 -> 2, 2.5 -> 3
    assert round_half_up(10, 3) == 3 and round_half_up(20, 3) == 7


def test_average_value() -> None:
    assert average_value(15, 315_000, 4) == 84_000
    assert average_value(15, 315_000, 15) == 315_000
    assert average_value(0, 0, 5) == 0


# ---------------------------------------------------------------- catalogue


def test_create_update_and_list_items(stock: StockService) -> None:
    rice = stock.create_item(RICE)
    noodles = stock.create_item(ItemInput(name="Mì tôm", unit="thùng", category="food"))
    assert (rice.name, rice.unit, rice.category, rice.suggested_value_vnd, rice.version) == (
        "Gạo",
        "kg",
        "food",
        18_000,
        1,
    )
    updated = stock.update_item(
        rice.id, ItemInput(name="Gạo", unit="kg", category="food", suggested_value_vnd=20_000)
    )
    assert updated.suggested_value_vnd == 20_000 and updated.version == 2
    assert [i.id for i in stock.list_items()] == [rice.id, noodles.id]


def test_same_item_in_the_same_unit_is_a_duplicate(stock: StockService) -> None:
    stock.create_item(RICE)
    with pytest.raises(DuplicateError) as err:
        stock.create_item(ItemInput(name="gao", unit="KG"))
    assert err.value.code == "DUPLICATE"
    stock.create_item(ItemInput(name="Gạo", unit="bao"))  # another unit is another item


def test_item_validation(stock: StockService) -> None:
    with pytest.raises(ValidationError) as err:
        stock.create_item(
            ItemInput(name="", unit="", category="toys", suggested_value_vnd=-1, low_stock_level=-1)
        )
    assert set(err.value.fields) == {"name", "unit", "category", "suggested_value_vnd", "low_stock_level"}


# ---------------------------------------------------------------- balances and valuation


def test_receipts_raise_the_balance(
    services: Services, stock: StockService, donations: DonationService
) -> None:
    rice = stock.create_item(RICE)
    assert (stock.balance(rice.id).quantity, stock.balance(rice.id).value_vnd) == (0, 0)
    receive(donations, rice.id, 10, 20_000, date(2026, 1, 10))
    balance = stock.balance(rice.id)
    assert (balance.item_id, balance.name, balance.unit, balance.quantity, balance.value_vnd) == (
        rice.id,
        "Gạo",
        "kg",
        10,
        200_000,
    )
    with services.ctx.sessions() as s:
        assert stock_balance(s, rice.id) == (10, 200_000)


def test_weighted_average_issue_exact_figures(
    services: Services, stock: StockService, donations: DonationService
) -> None:
    rice = stock.create_item(RICE)
    receive(donations, rice.id, 10, 20_000, date(2026, 1, 10))
    receive(donations, rice.id, 5, 23_000, date(2026, 1, 12))
    movement = issue(services, rice.id, 4, date(2026, 1, 20))
    assert (movement.kind, movement.quantity, movement.value_vnd) == (
        "issue",
        -4,
        -84_000,
    )  # 315.000 / 15 = 21.000
    assert (stock.balance(rice.id).quantity, stock.balance(rice.id).value_vnd) == (11, 231_000)
    last = issue(services, rice.id, 11, date(2026, 1, 21))
    assert last.value_vnd == -231_000
    assert (stock.balance(rice.id).quantity, stock.balance(rice.id).value_vnd) == (0, 0)


def test_weighted_average_rounds_half_up_and_never_drifts(
    services: Services, stock: StockService, donations: DonationService
) -> None:
    soap = stock.create_item(ItemInput(name="Xà phòng", unit="bánh", category="essentials"))
    receive(donations, soap.id, 2, 10, date(2026, 1, 10))
    receive(donations, soap.id, 1, 11, date(2026, 1, 10))  # 3 bánh worth 31 đ
    values = [issue(services, soap.id, 1, date(2026, 1, 15)).value_vnd for _ in range(3)]
    assert values == [-10, -11, -10]  # 31/3 = 10.33 -> 10; 21/2 = 10.5 -> 11; 10/1 = 10
    assert (stock.balance(soap.id).quantity, stock.balance(soap.id).value_vnd) == (0, 0)


def test_issue_beyond_the_balance_is_refused_and_changes_nothing(
    services: Services, stock: StockService, donations: DonationService
) -> None:
    rice = stock.create_item(RICE)
    receive(donations, rice.id, 10, 20_000, date(2026, 1, 10))
    before = movement_count(services)
    with pytest.raises(StockInsufficientError) as err:
        issue(services, rice.id, 11, date(2026, 1, 20))
    assert err.value.code == "STOCK_INSUFFICIENT"
    assert "Gạo" in err.value.message and "10 kg" in err.value.message and "11 kg" in err.value.message
    assert movement_count(services) == before
    assert (stock.balance(rice.id).quantity, stock.balance(rice.id).value_vnd) == (10, 200_000)


def test_issue_dated_before_the_goods_arrived_is_refused(
    services: Services, stock: StockService, donations: DonationService
) -> None:
    rice = stock.create_item(RICE)
    receive(donations, rice.id, 10, 20_000, date(2026, 1, 10))
    with pytest.raises(StockInsufficientError) as err:
        issue(services, rice.id, 5, date(2026, 1, 9))
    assert "09/01/2026" in err.value.message
    assert stock.balance(rice.id).quantity == 10


def test_issue_quantity_must_be_positive(services: Services, stock: StockService) -> None:
    rice = stock.create_item(RICE)
    with pytest.raises(ValidationError):
        issue(services, rice.id, 0, date(2026, 1, 20))


def test_issue_of_a_missing_item(services: Services) -> None:
    with pytest.raises(NotFoundError):
        issue(services, 999, 1, date(2026, 1, 20))


# ---------------------------------------------------------------- adjustments and returns


def test_adjustment_requires_a_reason_and_a_change(stock: StockService) -> None:
    rice = stock.create_item(RICE)
    with pytest.raises(ValidationError) as err:
        stock.adjust(rice.id, 5, "  ", date(2026, 1, 20))
    assert set(err.value.fields) == {"reason"}
    with pytest.raises(ValidationError) as err:
        stock.adjust(rice.id, 0, "Kiểm kê", date(2026, 1, 20))
    assert set(err.value.fields) == {"quantity_delta"}


def test_adjustments_are_valued_at_the_average(stock: StockService, donations: DonationService) -> None:
    rice = stock.create_item(RICE)
    receive(donations, rice.id, 10, 20_000, date(2026, 1, 10))
    receive(donations, rice.id, 5, 23_000, date(2026, 1, 12))
    loss = stock.adjust(rice.id, -3, "Biên bản kiểm kê số 01: gạo ẩm mốc", date(2026, 1, 31))
    assert (loss.kind, loss.quantity, loss.value_vnd, loss.reason) == (
        "adjustment",
        -3,
        -63_000,
        "Biên bản kiểm kê số 01: gạo ẩm mốc",
    )
    gain = stock.adjust(rice.id, 2, "Kiểm kê thừa", date(2026, 1, 31))
    assert gain.value_vnd == 42_000
    assert (stock.balance(rice.id).quantity, stock.balance(rice.id).value_vnd) == (14, 294_000)


def test_gain_on_an_empty_shelf_uses_the_suggested_value(stock: StockService) -> None:
    rice = stock.create_item(RICE)
    assert stock.adjust(rice.id, 2, "Kiểm kê thừa", date(2026, 1, 31)).value_vnd == 36_000


def test_adjustment_that_would_go_negative_is_refused(
    services: Services, stock: StockService, donations: DonationService
) -> None:
    rice = stock.create_item(RICE)
    receive(donations, rice.id, 10, 20_000, date(2026, 1, 10))
    before = movement_count(services)
    with pytest.raises(StockInsufficientError) as err:
        stock.adjust(rice.id, -11, "Kiểm kê", date(2026, 1, 31))
    assert err.value.code == "STOCK_INSUFFICIENT"
    assert movement_count(services) == before and stock.balance(rice.id).quantity == 10


def test_return_to_a_relief_comes_back_at_the_value_it_left_with(
    services: Services, stock: StockService, donations: DonationService
) -> None:
    rice = stock.create_item(RICE)
    receive(donations, rice.id, 10, 20_000, date(2026, 1, 10))
    receive(donations, rice.id, 5, 23_000, date(2026, 1, 12))
    relief_id = relief(services)
    issue(services, rice.id, 4, date(2026, 2, 1), relief_id=relief_id)  # 84.000
    back = stock.return_goods(rice.id, 1, date(2026, 2, 3), "Hộ vắng nhà", relief_id=relief_id)
    assert (back.kind, back.quantity, back.value_vnd, back.relief_id) == ("return_", 1, 21_000, relief_id)
    stock.return_goods(rice.id, 3, date(2026, 2, 3), "", relief_id=relief_id)
    with pytest.raises(ValidationError) as err:
        stock.return_goods(rice.id, 1, date(2026, 2, 3), "", relief_id=relief_id)  # all 4 already back
    assert set(err.value.fields) == {"quantity"}
    assert (stock.balance(rice.id).quantity, stock.balance(rice.id).value_vnd) == (15, 315_000)


def test_return_without_a_relief_is_valued_at_the_average(
    stock: StockService, donations: DonationService
) -> None:
    rice = stock.create_item(RICE)
    receive(donations, rice.id, 10, 20_000, date(2026, 1, 10))
    assert stock.return_goods(rice.id, 2, date(2026, 2, 3), "Trả lại").value_vnd == 40_000


def test_locked_month_refuses_movements(services: Services, stock: StockService) -> None:
    rice = stock.create_item(RICE)
    with services.ctx.sessions.begin() as s:
        s.add(PeriodLock(period="2026-01", locked_by="Nguyễn Thị Hoa"))
    with pytest.raises(PeriodLockedError) as err:
        stock.adjust(rice.id, 1, "Kiểm kê", date(2026, 1, 31))
    assert err.value.code == "PERIOD_LOCKED"
    stock.adjust(rice.id, 1, "Kiểm kê", date(2026, 2, 1))


# ---------------------------------------------------------------- lists


def test_balances_and_movements(services: Services, stock: StockService, donations: DonationService) -> None:
    rice = stock.create_item(RICE)
    noodles = stock.create_item(ItemInput(name="Mì tôm", unit="thùng", category="food", low_stock_level=5))
    donation_id = receive(donations, rice.id, 10, 20_000, date(2026, 1, 10))
    issue(services, rice.id, 4, date(2026, 1, 20))
    balances = stock.balances()
    assert [(b.name, b.quantity, b.value_vnd) for b in balances] == [("Gạo", 6, 120_000), ("Mì tôm", 0, 0)]
    assert balances[1].is_low and not balances[0].is_low
    moves = stock.movements(rice.id)
    code = donations.get(donation_id).receipt_code
    assert [(m.kind, m.quantity, m.value_vnd, m.receipt_code) for m in moves] == [
        ("receipt", 10, 200_000, code),
        ("issue", -4, -80_000, ""),
    ]
    assert stock.movements(noodles.id) == []
