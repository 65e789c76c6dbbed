# SPDX-License-Identifier: MIT
"""Donations: gapless receipt numbers, stock for in-kind lines, edits, voids, totals and paging."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import select

from redcross_desktop.core.errors import (
    DocumentVoidedError,
    NotFoundError,
    PeriodLockedError,
    ReceiptPrintedError,
    StockInsufficientError,
    ValidationError,
)
from redcross_desktop.db.models import (
    AuditEntry,
    Donation,
    DonationLine,
    NumberSeries,
    PeriodLock,
    StockMovement,
)
from redcross_desktop.services.campaigns import CampaignInput, CampaignService
from redcross_desktop.services.container import Services
from redcross_desktop.services.donations import (
    DonationInput,
    DonationLineInput,
    DonationQuery,
    DonationService,
)
from redcross_desktop.services.numbering import next_number
from redcross_desktop.services.people import PersonInput
from redcross_desktop.services.stock import ItemInput, StockService, issue_stock

CASH = DonationInput(received_on=date(2026, 3, 10), cash_vnd=500_000, collector="Trần Văn Nam")


@pytest.fixture
def donations(services: Services) -> DonationService:
    return DonationService(services.ctx)


@pytest.fixture
def stock(services: Services) -> StockService:
    return StockService(services.ctx)


@pytest.fixture
def rice(stock: StockService) -> int:
    return stock.create_item(ItemInput(name="Gạo", unit="kg", category="food")).id


def in_kind(
    item_id: int, quantity: int = 10, unit_value: int = 20_000, on: date = date(2026, 3, 10)
) -> DonationInput:
    return DonationInput(
        received_on=on,
        channel="in_kind",
        lines=(DonationLineInput(item_id, quantity, unit_value, "estimate"),),
    )


def lock(services: Services, period: str) -> None:
    with services.ctx.sessions.begin() as s:
        s.add(PeriodLock(period=period, locked_by="Nguyễn Thị Hoa"))


def audit_rows(services: Services, uuid: str) -> list[AuditEntry]:
    with services.ctx.sessions() as s:
        return list(
            s.scalars(select(AuditEntry).where(AuditEntry.record_uuid == uuid).order_by(AuditEntry.id))
        )


# ---------------------------------------------------------------- numbering


def test_receipt_numbers_are_gapless_per_year(services: Services, donations: DonationService) -> None:
    codes = [
        donations.record(replace(CASH, received_on=day)).receipt_code
        for day in (
            date(2025, 12, 30),
            date(2026, 1, 2),
            date(2025, 12, 31),
            date(2026, 1, 3),
            date(2026, 1, 3),
        )
    ]
    assert codes == ["BN-2025-000001", "BN-2026-000001", "BN-2025-000002", "BN-2026-000002", "BN-2026-000003"]
    with services.ctx.sessions() as s:
        counters = {(c.series, c.year): c.last_number for c in s.scalars(select(NumberSeries))}
    assert counters == {("BN", 2025): 2, ("BN", 2026): 3}


def test_a_void_keeps_its_number(donations: DonationService) -> None:
    rows = [donations.record(CASH) for _ in range(3)]
    donations.void(rows[1].id, "Ghi nhầm số tiền")
    assert donations.record(CASH).receipt_no == 4
    listed = donations.list()
    assert [(r.receipt_no, r.status) for r in listed] == [
        (1, "valid"),
        (2, "void"),
        (3, "valid"),
        (4, "valid"),
    ]


def test_a_refused_record_does_not_use_a_number(services: Services, donations: DonationService) -> None:
    assert donations.record(CASH).receipt_no == 1
    with pytest.raises(ValidationError):
        donations.record(replace(CASH, cash_vnd=0))
    lock(services, "2026-02")
    with pytest.raises(PeriodLockedError):
        donations.record(replace(CASH, received_on=date(2026, 2, 10)))
    with pytest.raises(RuntimeError):  # a failure after the number was taken: the rollback returns it
        with services.ctx.sessions.begin() as s:
            assert next_number(s, "BN", 2026) == 2
            raise RuntimeError("failed later in the same transaction")
    assert donations.record(CASH).receipt_no == 2


def test_locked_month_refuses_recording(services: Services, donations: DonationService) -> None:
    lock(services, "2026-03")
    with pytest.raises(PeriodLockedError) as err:
        donations.record(CASH)
    assert err.value.code == "PERIOD_LOCKED" and "03/2026" in err.value.message
    assert donations.list() == []


# ---------------------------------------------------------------- recording


def test_cash_donation_row(services: Services, donations: DonationService) -> None:
    donor = services.people.create(PersonInput(full_name="Nguyễn Văn An")).person
    campaign = CampaignService(services.ctx).create(
        CampaignInput(code="TET2026", name="Tết Nhân ái 2026", kind="tet", start_date=date(2026, 1, 1))
    )
    row = donations.record(replace(CASH, donor_id=donor.id, campaign_id=campaign.id, channel="transfer"))
    got = donations.get(row.id)
    assert got == row
    assert (got.receipt_code, got.donor_name, got.campaign_name, got.channel) == (
        "BN-2026-000001",
        "Nguyễn Văn An",
        "Tết Nhân ái 2026",
        "transfer",
    )
    assert (got.cash_vnd, got.in_kind_vnd, got.total_vnd, got.lines) == (500_000, 0, 500_000, ())
    assert (got.status, got.print_count, got.version, got.collector) == ("valid", 0, 1, "Trần Văn Nam")


def test_anonymous_donor(donations: DonationService) -> None:
    assert donations.record(CASH).donor_name == "Nhà hảo tâm (giấu tên)"
    box = donations.record(replace(CASH, channel="box", donor_display="Hòm quyên góp chợ Hàng Da"))
    assert box.donor_name == "Hòm quyên góp chợ Hàng Da"


@pytest.mark.parametrize(
    ("change", "fields"),
    [
        ({"cash_vnd": 0}, {"cash_vnd"}),
        ({"cash_vnd": -1}, {"cash_vnd"}),
        ({"channel": "cheque"}, {"channel"}),
        ({"channel": "in_kind"}, {"lines"}),
        ({"received_on": date(2099, 1, 1)}, {"received_on"}),
        ({"donor_id": 999}, {"donor_id"}),
        ({"campaign_id": 999}, {"campaign_id"}),
        (
            {"lines": (DonationLineInput(999, 0, -1, "guess"),)},
            {
                "lines[1].item_id",
                "lines[1].quantity",
                "lines[1].unit_value_vnd",
                "lines[1].valuation_basis",
            },
        ),
    ],
)
def test_invalid_donations_are_refused(
    donations: DonationService, change: dict[str, object], fields: set[str]
) -> None:
    with pytest.raises(ValidationError) as err:
        donations.record(replace(CASH, **change))  # type: ignore[arg-type]
    assert err.value.code == "VALIDATION_FAILED" and set(err.value.fields) == fields


def test_in_kind_receipt_raises_the_stock(donations: DonationService, stock: StockService, rice: int) -> None:
    row = donations.record(in_kind(rice, 10, 20_000))
    assert row.cash_vnd == 0 and row.in_kind_vnd == 200_000 and row.total_vnd == 200_000
    line = row.lines[0]
    assert (
        line.item_name,
        line.unit,
        line.quantity,
        line.unit_value_vnd,
        line.value_vnd,
        line.valuation_basis,
    ) == (
        "Gạo",
        "kg",
        10,
        20_000,
        200_000,
        "estimate",
    )
    assert (stock.balance(rice).quantity, stock.balance(rice).value_vnd) == (10, 200_000)
    assert [m.receipt_code for m in stock.movements(rice)] == [row.receipt_code]


def test_mixed_cash_and_goods(donations: DonationService, rice: int) -> None:
    row = donations.record(replace(in_kind(rice, 5, 20_000), channel="cash", cash_vnd=300_000))
    assert (row.cash_vnd, row.in_kind_vnd, row.total_vnd) == (300_000, 100_000, 400_000)


def test_decree93_campaign_warns_after_90_days(services: Services, donations: DonationService) -> None:
    flood = CampaignService(services.ctx).create(
        CampaignInput(code="LU", name="Lũ lụt", kind="disaster", start_date=date(2026, 1, 1))
    )
    assert donations.record(replace(CASH, campaign_id=flood.id, received_on=date(2026, 4, 1))).warnings == ()
    late = donations.record(replace(CASH, campaign_id=flood.id, received_on=date(2026, 4, 2)))
    assert len(late.warnings) == 1 and "90 ngày" in late.warnings[0]
    assert late.status == "valid"  # a warning, not a block


# ---------------------------------------------------------------- edits


def test_edit_bumps_version_and_is_audited(services: Services, donations: DonationService) -> None:
    row = donations.record(CASH)
    edited = donations.edit(row.id, replace(CASH, cash_vnd=600_000, note="Sửa số tiền"))
    assert edited.version == row.version + 1 and edited.cash_vnd == 600_000
    update = [a for a in audit_rows(services, row.uuid) if a.action == "update"]
    assert len(update) == 1 and update[0].actor == "test-officer"
    assert json.loads(update[0].before or "{}") == {"cash_vnd": 500_000, "note": ""}
    assert json.loads(update[0].after or "{}") == {"cash_vnd": 600_000, "note": "Sửa số tiền"}
    assert edited.receipt_code == row.receipt_code


def test_edit_changes_donor_and_campaign(services: Services, donations: DonationService) -> None:
    an = services.people.create(PersonInput(full_name="Nguyễn Văn An")).person
    binh = services.people.create(PersonInput(full_name="Lê Thị Bình")).person
    campaign = CampaignService(services.ctx).create(
        CampaignInput(code="T", name="Tết", start_date=date(2026, 1, 1))
    )
    row = donations.record(replace(CASH, donor_id=an.id))
    edited = donations.edit(row.id, replace(CASH, donor_id=binh.id, campaign_id=campaign.id))
    assert (edited.donor_name, edited.campaign_name) == ("Lê Thị Bình", "Tết")
    assert donations.get(row.id) == edited


def test_printed_receipt_amount_cannot_change(donations: DonationService, rice: int) -> None:
    row = donations.record(CASH)
    assert donations.mark_printed(row.id) == 1
    for change in (
        {"cash_vnd": 600_000},
        {"received_on": date(2026, 3, 11)},
        {"donor_display": "Bà Lan"},
        {"lines": (DonationLineInput(rice, 1, 1),)},
    ):
        with pytest.raises(ReceiptPrintedError) as err:
            donations.edit(row.id, replace(CASH, **change))  # type: ignore[arg-type]
        assert err.value.code == "RECEIPT_PRINTED" and "hủy" in err.value.message
    assert donations.get(row.id).cash_vnd == 500_000
    # what is not printed as the amount may still be corrected
    assert donations.edit(row.id, replace(CASH, note="Nộp quỹ ngày 11/3")).note == "Nộp quỹ ngày 11/3"


def test_edit_cannot_move_a_receipt_to_another_year(donations: DonationService) -> None:
    row = donations.record(CASH)
    with pytest.raises(ValidationError) as err:
        donations.edit(row.id, replace(CASH, received_on=date(2025, 12, 31)))
    assert set(err.value.fields) == {"received_on"}


def test_editing_lines_keeps_stock_consistent(
    services: Services, donations: DonationService, stock: StockService, rice: int
) -> None:
    row = donations.record(in_kind(rice, 10, 20_000))
    edited = donations.edit(row.id, in_kind(rice, 12, 21_000))
    assert [(x.quantity, x.value_vnd) for x in edited.lines] == [(12, 252_000)]
    assert (stock.balance(rice).quantity, stock.balance(rice).value_vnd) == (12, 252_000)
    with services.ctx.sessions() as s:
        lines = s.scalars(select(DonationLine).order_by(DonationLine.id)).all()
        moves = s.scalars(select(StockMovement).order_by(StockMovement.id)).all()
    assert [(x.quantity, x.deleted) for x in lines] == [(10, True), (12, False)]
    assert [(m.quantity, m.deleted) for m in moves] == [(10, True), (12, False)]


def test_editing_lines_whose_goods_were_issued_is_refused(
    services: Services, donations: DonationService, stock: StockService, rice: int
) -> None:
    row = donations.record(in_kind(rice, 10, 20_000))
    with services.ctx.sessions.begin() as s:
        issue_stock(s, rice, 8, date(2026, 3, 15), relief_id=None)
    # 10 -> 9 would still cover the 8 issued
    donations.edit(row.id, in_kind(rice, 9, 20_000))
    with pytest.raises(StockInsufficientError) as err:
        donations.edit(row.id, in_kind(rice, 7, 20_000))
    assert err.value.code == "STOCK_INSUFFICIENT"
    assert [x.quantity for x in donations.get(row.id).lines] == [9]
    assert stock.balance(rice).quantity == 1


def test_edit_of_a_voided_receipt_is_refused(donations: DonationService) -> None:
    row = donations.record(CASH)
    donations.void(row.id, "Lập trùng")
    with pytest.raises(DocumentVoidedError) as err:
        donations.edit(row.id, replace(CASH, note="x"))
    assert err.value.code == "DOCUMENT_VOIDED"


# ---------------------------------------------------------------- voids and prints


def test_void_requires_a_reason_and_records_who_and_when(
    services: Services, donations: DonationService
) -> None:
    row = donations.record(CASH)
    with pytest.raises(ValidationError) as err:
        donations.void(row.id, "   ")
    assert set(err.value.fields) == {"reason"}
    voided = donations.void(row.id, "Ghi nhầm người ủng hộ")
    assert (voided.status, voided.void_reason, voided.voided_by) == (
        "void",
        "Ghi nhầm người ủng hộ",
        "test-officer",
    )
    assert voided.voided_at is not None and voided.is_void
    assert voided.version == row.version + 1
    void_audit = [a for a in audit_rows(services, row.uuid) if a.action == "void"]
    assert len(void_audit) == 1 and void_audit[0].reason == "Ghi nhầm người ủng hộ"
    assert json.loads(void_audit[0].after or "{}")["status"] == "void"


def test_voiding_twice_is_refused(donations: DonationService) -> None:
    row = donations.record(CASH)
    donations.void(row.id, "Lập trùng")
    with pytest.raises(DocumentVoidedError):
        donations.void(row.id, "Lại")


def test_void_takes_the_goods_out_of_stock(
    donations: DonationService, stock: StockService, rice: int
) -> None:
    row = donations.record(in_kind(rice, 10, 20_000))
    voided = donations.void(row.id, "Hàng không nhận được")
    assert stock.balance(rice).quantity == 0 and stock.movements(rice) == []
    assert [x.quantity for x in voided.lines] == [10]  # the voided receipt still shows what it was


def test_void_is_refused_when_the_goods_were_issued(
    services: Services, donations: DonationService, stock: StockService, rice: int
) -> None:
    row = donations.record(in_kind(rice, 10, 20_000))
    with services.ctx.sessions.begin() as s:
        issue_stock(s, rice, 3, date(2026, 3, 15), relief_id=None)
    with pytest.raises(StockInsufficientError) as err:
        donations.void(row.id, "Nhầm")
    assert "đã được xuất" in err.value.message and row.receipt_code in err.value.message
    assert donations.get(row.id).status == "valid" and stock.balance(rice).quantity == 7


def test_void_in_a_locked_month_is_refused(services: Services, donations: DonationService) -> None:
    row = donations.record(CASH)
    lock(services, "2026-03")
    with pytest.raises(PeriodLockedError):
        donations.void(row.id, "Nhầm")


def test_print_count_and_copies(donations: DonationService) -> None:
    row = donations.record(CASH)
    assert row.next_print_is_copy is False
    assert donations.mark_printed(row.id) == 1
    assert donations.get(row.id).next_print_is_copy is True
    assert donations.mark_printed(row.id) == 2  # "BẢN SAO"
    donations.void(row.id, "Nhầm")
    with pytest.raises(DocumentVoidedError):
        donations.mark_printed(row.id)


# ---------------------------------------------------------------- queries


def test_totals_exclude_voids(donations: DonationService, rice: int) -> None:
    donations.record(CASH)
    donations.record(replace(CASH, cash_vnd=1_250_000))
    donations.record(in_kind(rice, 10, 20_000))
    voided = donations.record(replace(in_kind(rice, 5, 30_000), cash_vnd=2_000_000))
    donations.void(voided.id, "Nhầm")
    totals = donations.totals(DonationQuery())
    assert (totals.count, totals.cash_vnd, totals.in_kind_vnd, totals.total_vnd) == (
        3,
        1_750_000,
        200_000,
        1_950_000,
    )


def test_list_filters(services: Services, donations: DonationService) -> None:
    an = services.people.create(PersonInput(full_name="Nguyễn Văn An")).person
    binh = services.people.create(PersonInput(full_name="Lê Thị Bình")).person
    campaign = CampaignService(services.ctx).create(
        CampaignInput(code="T", name="Tết", start_date=date(2026, 1, 1))
    )
    donations.record(replace(CASH, donor_id=an.id, received_on=date(2026, 1, 5), campaign_id=campaign.id))
    second = donations.record(replace(CASH, donor_id=binh.id, received_on=date(2026, 2, 5)))
    donations.record(replace(CASH, received_on=date(2026, 3, 5), note="Hòm công đức"))
    donations.void(second.id, "Nhầm")

    def nos(**query: object) -> list[int]:
        return [r.receipt_no for r in donations.list(DonationQuery(**query))]  # type: ignore[arg-type]

    assert nos() == [1, 2, 3]
    assert nos(date_from=date(2026, 2, 1), date_to=date(2026, 2, 28)) == [2]
    assert nos(campaign_id=campaign.id) == [1]
    assert nos(status="void") == [2]
    assert nos(text="binh") == [2]
    assert nos(text="Nguyễn an") == [1]
    assert nos(text="BN-2026-000003") == [3]
    assert nos(text="3") == [3]
    assert nos(text="công đức") == [3]
    assert donations.totals(DonationQuery(date_from=date(2026, 3, 1))).cash_vnd == 500_000


def test_keyset_pages_newest_receipt_first(donations: DonationService) -> None:
    for day in (date(2025, 12, 1), date(2025, 12, 2), date(2026, 1, 1), date(2026, 1, 2), date(2026, 1, 3)):
        donations.record(replace(CASH, received_on=day))
    seen: list[tuple[int, int]] = []
    cursor = None
    pages = 0
    while True:
        page = donations.page_ids(DonationQuery(), after=cursor, limit=2)
        rows = donations.rows(page.ids)
        seen += [(rows[i].receipt_year, rows[i].receipt_no) for i in page.ids]
        cursor, pages = page.cursor, pages + 1
        if page.last:
            break
    assert seen == [(2026, 3), (2026, 2), (2026, 1), (2025, 2), (2025, 1)]
    assert pages == 3


def test_get_missing_donation(donations: DonationService) -> None:
    with pytest.raises(NotFoundError):
        donations.get(12345)
    with pytest.raises(NotFoundError):
        donations.void(12345, "x")


def test_receipt_code_property_matches_the_stored_number(
    services: Services, donations: DonationService
) -> None:
    row = donations.record(CASH)
    with services.ctx.sessions() as s:
        stored = s.get(Donation, row.id)
        assert stored is not None and stored.receipt_code == "BN-2026-000001" == row.receipt_code
