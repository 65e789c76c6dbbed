# SPDX-License-Identifier: MIT
"""Distribution lists: lifecycle draft → printed → reconciled → closed, reconciliation into relief
records with stock issues, all or nothing."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from redcross_desktop.core.errors import NotFoundError, StockInsufficientError, ValidationError
from redcross_desktop.db.models import (
    AuditEntry,
    Campaign,
    DistributionLine,
    Item,
    ReliefRecord,
    StockMovement,
)
from redcross_desktop.services.container import Services
from redcross_desktop.services.distributions import DistributionLineInput, DistributionService
from redcross_desktop.services.people import PersonInput
from redcross_desktop.services.relief import ReliefQuery, ReliefService
from redcross_desktop.services.stock import stock_balance

PLANNED = date(2026, 1, 28)


def make_item(services: Services, name: str = "Gạo", quantity: int = 100, value: int = 2_000_000) -> int:
    with services.ctx.sessions.begin() as session:
        item = Item(name=name, unit="kg", category="food")
        session.add(item)
        session.flush()
        session.add(
            StockMovement(
                item_id=item.id, moved_on=date(2026, 1, 2), kind="receipt", quantity=quantity, value_vnd=value
            )
        )
        session.flush()
        return item.id


def make_campaign(services: Services) -> int:
    with services.ctx.sessions.begin() as session:
        campaign = Campaign(
            code="TET2026",
            name="Tết Nhân ái 2026",
            kind="tet",
            start_date=date(2026, 1, 1),
            min_gift_vnd=500_000,
        )
        session.add(campaign)
        session.flush()
        return campaign.id


def person(services: Services, name: str, thon: str = "Thôn Đông") -> int:
    return services.people.create(PersonInput(name, thon=thon)).person.id


def balance(services: Services, item_id: int) -> int:
    with services.ctx.sessions() as session:
        return stock_balance(session, item_id)[0]


def relief_count(services: Services) -> int:
    with services.ctx.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(ReliefRecord)) or 0)


def tet_list(services: Services, rice: int) -> tuple[DistributionService, int, list[int]]:
    """A printed emergency list of three people: cash + 10 kg rice each."""
    dist = DistributionService(services.ctx)
    created = dist.create_list(
        "Cấp quà Tết Nhân ái 2026 - Thôn Đông", PLANNED, "Tết Nhân ái", "emergency", make_campaign(services)
    )
    lines = [
        dist.add_line(
            created.id, DistributionLineInput(person(services, name), "poor", 300_000, rice, 10)
        ).line.id
        for name in ("Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường")
    ]
    dist.mark_printed(created.id)
    return dist, created.id, lines


def test_a_new_list_is_a_draft(services: Services) -> None:
    dist = DistributionService(services.ctx)
    row = dist.create_list("Danh sách cấp phát lũ", PLANNED, "Lũ tháng 1", "emergency")
    assert (row.status, row.status_label, row.line_count) == ("draft", "Nháp", 0)
    with pytest.raises(ValidationError) as caught:
        dist.create_list("  ", PLANNED, relief_kind="party")
    assert set(caught.value.fields) == {"title", "relief_kind"}


def test_lines_show_name_thon_group_and_support(services: Services) -> None:
    dist = DistributionService(services.ctx)
    rice = make_item(services)
    row = dist.create_list("DS", PLANNED, "Tết", "emergency")
    saved = dist.add_line(
        row.id,
        DistributionLineInput(
            person(services, "Nguyễn Văn An", "Thôn Bắc"), "elderly_alone", 200_000, rice, 5, note="Ưu tiên"
        ),
    )
    line = saved.line
    assert (line.line_no, line.full_name, line.thon, line.group_label) == (
        1,
        "Nguyễn Văn An",
        "Thôn Bắc",
        "Người cao tuổi cô đơn",
    )
    assert (line.cash_vnd, line.item_name, line.unit, line.quantity, line.received) == (
        200_000,
        "Gạo",
        "kg",
        5,
        None,
    )
    assert saved.warnings == ()
    assert dist.get(row.id).distribution.line_count == 1


def test_the_same_person_twice_on_a_list_warns(services: Services) -> None:
    dist = DistributionService(services.ctx)
    row = dist.create_list("DS", PLANNED, "Tết", "emergency")
    an = person(services, "Nguyễn Văn An")
    assert dist.add_line(row.id, DistributionLineInput(an, cash_vnd=100_000)).warnings == ()
    again = dist.add_line(row.id, DistributionLineInput(an, cash_vnd=100_000))
    assert len(again.warnings) == 1 and "Nguyễn Văn An" in again.warnings[0]
    assert again.line.line_no == 2


def test_a_list_needing_more_goods_than_in_stock_warns(services: Services) -> None:
    dist = DistributionService(services.ctx)
    rice = make_item(services, quantity=15)
    row = dist.create_list("DS", PLANNED, "Tết", "emergency")
    assert (
        dist.add_line(
            row.id, DistributionLineInput(person(services, "A Văn"), item_id=rice, quantity=10)
        ).warnings
        == ()
    )
    short = dist.add_line(row.id, DistributionLineInput(person(services, "B Văn"), item_id=rice, quantity=10))
    assert len(short.warnings) == 1 and "20" in short.warnings[0] and "15" in short.warnings[0]


def test_a_line_needs_support_and_a_valid_group(services: Services) -> None:
    dist = DistributionService(services.ctx)
    row = dist.create_list("DS", PLANNED, "Tết", "emergency")
    an = person(services, "Nguyễn Văn An")
    with pytest.raises(ValidationError) as caught:
        dist.add_line(row.id, DistributionLineInput(an, "vip"))
    assert set(caught.value.fields) == {"group_code", "cash_vnd"}
    with pytest.raises(ValidationError) as caught:
        dist.add_line(row.id, DistributionLineInput(an, item_id=make_item(services), quantity=0))
    assert set(caught.value.fields) == {"quantity"}


def test_printed_list_refuses_new_and_removed_lines(services: Services) -> None:
    dist = DistributionService(services.ctx)
    row = dist.create_list("DS", PLANNED, "Tết", "emergency")
    line = dist.add_line(
        row.id, DistributionLineInput(person(services, "Nguyễn Văn An"), cash_vnd=100_000)
    ).line
    printed = dist.mark_printed(row.id)
    assert printed.status == "printed" and printed.version > row.version
    with pytest.raises(ValidationError) as caught:
        dist.add_line(row.id, DistributionLineInput(person(services, "Trần Thị Bình"), cash_vnd=100_000))
    assert caught.value.code == "VALIDATION_FAILED"
    assert "Đã in" in caught.value.message and "bổ sung" in caught.value.message
    with pytest.raises(ValidationError):
        dist.remove_line(line.id)
    assert dist.get(row.id).distribution.line_count == 1
    with pytest.raises(ValidationError):
        dist.delete_list(row.id)


def test_remove_line_tombstones_in_draft(services: Services) -> None:
    dist = DistributionService(services.ctx)
    row = dist.create_list("DS", PLANNED, "Tết", "emergency")
    first = dist.add_line(
        row.id, DistributionLineInput(person(services, "Nguyễn Văn An"), cash_vnd=100_000)
    ).line
    second = dist.add_line(
        row.id, DistributionLineInput(person(services, "Trần Thị Bình"), cash_vnd=100_000)
    ).line
    dist.remove_line(first.id)
    detail = dist.get(row.id)
    assert [(line.id, line.line_no) for line in detail.lines] == [(second.id, 1)]
    with services.ctx.sessions() as session:
        stored = session.get(DistributionLine, first.id)
        assert stored is not None and stored.deleted
    with pytest.raises(NotFoundError):
        dist.remove_line(first.id)


def test_an_empty_list_cannot_be_printed_and_a_draft_cannot_be_reconciled(services: Services) -> None:
    dist = DistributionService(services.ctx)
    row = dist.create_list("DS", PLANNED, "Tết", "emergency")
    with pytest.raises(ValidationError):
        dist.mark_printed(row.id)
    line = dist.add_line(
        row.id, DistributionLineInput(person(services, "Nguyễn Văn An"), cash_vnd=100_000)
    ).line
    with pytest.raises(ValidationError) as caught:
        dist.reconcile(row.id, {line.id: (True, "")})
    assert "in danh sách" in caught.value.message
    with pytest.raises(ValidationError):
        dist.close(row.id)
    assert relief_count(services) == 0


def test_reconcile_creates_relief_only_for_received_lines_and_issues_stock(services: Services) -> None:
    rice = make_item(services)
    dist, list_id, (an, binh, cuong) = tet_list(services, rice)
    result = dist.reconcile(list_id, {an: (True, ""), binh: (True, "Trần Văn Dũng"), cuong: (False, "")})
    detail = result.detail
    assert detail.distribution.status == "reconciled"
    assert len(result.relief_ids) == 2
    assert relief_count(services) == 2
    assert balance(services, rice) == 80  # only the two received rows left stock
    by_id = {line.id: line for line in detail.lines}
    assert (by_id[an].received, by_id[binh].received, by_id[cuong].received) == (True, True, False)
    assert by_id[binh].proxy_name == "Trần Văn Dũng"
    assert by_id[cuong].relief_id is None
    # Reconciled totals equal what was issued.
    assert detail.planned_cash_vnd == 900_000 and detail.received_cash_vnd == 600_000
    assert detail.planned_goods == {rice: 30}
    assert detail.received_goods == {rice: 20} == detail.issued_goods
    assert detail.issued_goods_vnd == 400_000
    relief = ReliefService(services.ctx)
    rows = relief.list(ReliefQuery(programme="Tết Nhân ái"))
    assert sorted(r.person_name for r in rows) == ["Nguyễn Văn An", "Trần Thị Bình"]
    assert all(r.kind == "emergency" and r.given_on == PLANNED and r.groups == ("poor",) for r in rows)
    assert all(r.cash_vnd == 300_000 and r.goods_vnd == 200_000 for r in rows)
    totals = relief.totals(ReliefQuery(programme="Tết Nhân ái"))
    assert (totals.cash_vnd, totals.goods_vnd) == (detail.received_cash_vnd, detail.issued_goods_vnd)
    proxy_row = next(r for r in rows if r.person_name == "Trần Thị Bình")
    assert "Trần Văn Dũng" in proxy_row.note
    assert result.warnings == ()  # 300.000 đ + 200.000 đ meets the 500.000 đ minimum


def test_reconcile_with_insufficient_stock_writes_nothing(services: Services) -> None:
    rice = make_item(services, quantity=25, value=500_000)
    dist, list_id, (an, binh, cuong) = tet_list(services, rice)
    with pytest.raises(StockInsufficientError) as caught:
        dist.reconcile(list_id, {an: (True, ""), binh: (True, ""), cuong: (True, "")})
    assert caught.value.code == "STOCK_INSUFFICIENT"
    assert balance(services, rice) == 25
    assert relief_count(services) == 0
    detail = dist.get(list_id)
    assert detail.distribution.status == "printed"
    assert all(line.received is None and line.relief_id is None for line in detail.lines)
    # With one row not collected the same list reconciles.
    done = dist.reconcile(list_id, {an: (True, ""), binh: (True, ""), cuong: (False, "")})
    assert done.detail.distribution.status == "reconciled"
    assert balance(services, rice) == 5


def test_regular_aid_list_needs_review_references_at_reconciliation(services: Services) -> None:
    dist = DistributionService(services.ctx)
    row = dist.create_list("Trợ giúp thường xuyên quý I", PLANNED, "Trợ giúp thường xuyên", "regular")
    line = dist.add_line(
        row.id, DistributionLineInput(person(services, "Nguyễn Văn An"), "poor", 400_000)
    ).line
    dist.mark_printed(row.id)
    with pytest.raises(ValidationError) as caught:
        dist.reconcile(row.id, {line.id: (True, "")})
    assert "review_minutes_ref" in caught.value.fields
    assert relief_count(services) == 0
    done = dist.reconcile(
        row.id, {line.id: (True, "")}, review_minutes_ref="BB 01/2026", confirmation_ref="XN 05/UBND"
    )
    record = ReliefService(services.ctx).get(done.relief_ids[0])
    assert (record.kind, record.review_minutes_ref, record.confirmation_ref) == (
        "regular",
        "BB 01/2026",
        "XN 05/UBND",
    )


def test_lines_not_on_the_list_are_refused(services: Services) -> None:
    rice = make_item(services)
    dist, list_id, (an, _binh, _cuong) = tet_list(services, rice)
    with pytest.raises(ValidationError):
        dist.reconcile(list_id, {an: (True, ""), 99_999: (True, "")})
    assert relief_count(services) == 0


def test_reconciled_list_closes_and_then_refuses_changes(services: Services) -> None:
    rice = make_item(services)
    dist, list_id, (an, binh, cuong) = tet_list(services, rice)
    with pytest.raises(ValidationError):
        dist.close(list_id)  # not reconciled yet
    dist.reconcile(list_id, {an: (True, ""), binh: (False, ""), cuong: (False, "")})
    with pytest.raises(ValidationError) as caught:
        dist.reconcile(list_id, {an: (True, "")})
    assert "đối chiếu rồi" in caught.value.message
    closed = dist.close(list_id)
    assert closed.status == "closed" and closed.status_label == "Đã đóng"
    with pytest.raises(ValidationError):
        dist.close(list_id)
    with pytest.raises(ValidationError):
        dist.mark_printed(list_id)
    with pytest.raises(ValidationError):
        dist.add_line(list_id, DistributionLineInput(person(services, "Phạm Văn Em"), cash_vnd=1))
    assert relief_count(services) == 1
    assert [r.status for r in dist.lists(year=2026)] == ["closed"]
    with services.ctx.sessions() as session:
        audit = session.scalars(select(AuditEntry).where(AuditEntry.table_name == "distribution_lists")).all()
        assert [a.action for a in audit] == ["create", "update", "update", "update"]


def test_reconcile_warns_about_a_person_already_helped_in_the_programme(services: Services) -> None:
    rice = make_item(services)
    dist, list_id, (an, binh, cuong) = tet_list(services, rice)
    an_id = dist.get(list_id).lines[0].person_id
    second = dist.create_list(
        "Bổ sung", PLANNED, "Tết Nhân ái", "emergency", dist.get(list_id).distribution.campaign_id
    )
    extra = dist.add_line(second.id, DistributionLineInput(an_id, cash_vnd=500_000)).line
    dist.mark_printed(second.id)
    dist.reconcile(list_id, {an: (True, ""), binh: (False, ""), cuong: (False, "")})
    result = dist.reconcile(second.id, {extra.id: (True, "")})
    assert len(result.warnings) == 1 and result.warnings[0].startswith("Nguyễn Văn An: ")
