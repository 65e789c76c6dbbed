# SPDX-License-Identifier: MIT
"""Relief records: goods issued from stock in the same transaction, Law 11/2008 review for regular
aid, duplicate and minimum-gift warnings, corrections, tombstones and totals."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import func, select

from redcross_desktop.core.errors import (
    NotFoundError,
    PeriodLockedError,
    StockInsufficientError,
    ValidationError,
)
from redcross_desktop.db.models import (
    AuditEntry,
    Campaign,
    Household,
    Item,
    PeriodLock,
    ReliefRecord,
    StockMovement,
)
from redcross_desktop.services.container import Services
from redcross_desktop.services.people import PersonInput
from redcross_desktop.services.relief import ReliefInput, ReliefItemInput, ReliefQuery, ReliefService
from redcross_desktop.services.stock import stock_balance

DAY = date(2026, 1, 20)


def make_item(
    services: Services, name: str = "Gạo", unit: str = "kg", quantity: int = 100, value: int = 2_000_000
) -> int:
    with services.ctx.sessions.begin() as session:
        item = Item(name=name, unit=unit, category="food")
        session.add(item)
        session.flush()
        session.add(
            StockMovement(
                item_id=item.id, moved_on=date(2026, 1, 2), kind="receipt", quantity=quantity, value_vnd=value
            )
        )
        session.flush()
        return item.id


def make_campaign(services: Services, code: str = "TET2026", min_gift_vnd: int = 0) -> int:
    with services.ctx.sessions.begin() as session:
        campaign = Campaign(
            code=code,
            name=f"Tết Nhân ái 2026 ({code})",
            kind="tet",
            start_date=date(2026, 1, 1),
            min_gift_vnd=min_gift_vnd,
        )
        session.add(campaign)
        session.flush()
        return campaign.id


def make_household(services: Services, size: int = 4) -> int:
    with services.ctx.sessions.begin() as session:
        household = Household(thon="Thôn Đông", size=size, poverty_status="poor")
        session.add(household)
        session.flush()
        return household.id


def make_person(services: Services, name: str = "Nguyễn Văn An", household_id: int | None = None) -> int:
    return services.people.create(PersonInput(name, thon="Thôn Đông", household_id=household_id)).person.id


def balance(services: Services, item_id: int) -> tuple[int, int]:
    with services.ctx.sessions() as session:
        return stock_balance(session, item_id)


def count(services: Services, model: type[ReliefRecord] | type[StockMovement]) -> int:
    with services.ctx.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def emergency(person_id: int | None, **changes: object) -> ReliefInput:
    values: dict[str, object] = {
        "given_on": DAY,
        "kind": "emergency",
        "person_id": person_id,
        "programme": "Lũ tháng 1",
    }
    values.update(changes)
    return ReliefInput(**values)  # type: ignore[arg-type]


def test_relief_with_goods_lowers_stock_and_values_the_goods(services: Services) -> None:
    relief = ReliefService(services.ctx)
    rice = make_item(services)  # 100 kg worth 2.000.000 đ
    person = make_person(services)
    saved = relief.record(
        emergency(
            person, cash_vnd=300_000, items=(ReliefItemInput(rice, 10),), groups=("poor", "disaster_affected")
        )
    )
    row = saved.row
    assert balance(services, rice) == (90, 1_800_000)
    assert row.cash_vnd == 300_000
    assert row.goods_vnd == 200_000
    assert row.total_vnd == 500_000
    assert [(i.item_id, i.quantity, i.value_vnd) for i in row.items] == [(rice, 10, 200_000)]
    assert row.groups == ("poor", "disaster_affected")
    assert row.person_name == "Nguyễn Văn An" and row.thon == "Thôn Đông"
    assert row.people_covered == 1
    assert saved.warnings == ()
    with services.ctx.sessions() as session:
        issue = session.scalars(select(StockMovement).where(StockMovement.kind == "issue")).one()
        assert (issue.relief_id, issue.quantity, issue.value_vnd, issue.moved_on) == (
            row.id,
            -10,
            -200_000,
            DAY,
        )
        stored = session.get(ReliefRecord, row.id)
        assert stored is not None and stored.groups == "poor,disaster_affected"
        audit = session.scalars(
            select(AuditEntry).where(
                AuditEntry.table_name == "relief_records", AuditEntry.record_uuid == row.uuid
            )
        ).all()
        assert [a.action for a in audit] == ["create"]


def test_relief_beyond_stock_is_refused_and_nothing_is_written(services: Services) -> None:
    relief = ReliefService(services.ctx)
    rice = make_item(services, quantity=100)
    noodles = make_item(services, name="Mì tôm", unit="thùng", quantity=5, value=500_000)
    person = make_person(services)
    movements_before = count(services, StockMovement)
    with pytest.raises(StockInsufficientError) as caught:
        # The rice issue succeeds first; the noodles are short, so the rice must be rolled back too.
        relief.record(emergency(person, items=(ReliefItemInput(rice, 10), ReliefItemInput(noodles, 6))))
    assert caught.value.code == "STOCK_INSUFFICIENT"
    assert balance(services, rice) == (100, 2_000_000)
    assert balance(services, noodles) == (5, 500_000)
    assert count(services, ReliefRecord) == 0
    assert count(services, StockMovement) == movements_before


def test_regular_aid_needs_review_minutes_and_commune_confirmation(services: Services) -> None:
    relief = ReliefService(services.ctx)
    person = make_person(services)
    regular = ReliefInput(
        given_on=DAY, kind="regular", person_id=person, programme="Trợ giúp hằng tháng", cash_vnd=500_000
    )
    with pytest.raises(ValidationError) as caught:
        relief.record(regular)
    assert caught.value.code == "VALIDATION_FAILED"
    assert set(caught.value.fields) == {"review_minutes_ref", "confirmation_ref"}
    assert "bình xét" in caught.value.message
    with pytest.raises(ValidationError) as caught:
        relief.record(
            ReliefInput(**{**regular.__dict__, "review_minutes_ref": "BB bình xét số 03 ngày 05/01/2026"})
        )
    assert set(caught.value.fields) == {"confirmation_ref"}
    assert count(services, ReliefRecord) == 0
    saved = relief.record(
        ReliefInput(
            **{
                **regular.__dict__,
                "review_minutes_ref": "BB số 03 ngày 05/01/2026",
                "confirmation_ref": "Công văn 12/UBND ngày 10/01/2026",
            }
        )
    )
    assert saved.row.review_minutes_ref == "BB số 03 ngày 05/01/2026"
    assert saved.row.confirmation_ref == "Công văn 12/UBND ngày 10/01/2026"


def test_emergency_relief_needs_no_review(services: Services) -> None:
    saved = ReliefService(services.ctx).record(emergency(make_person(services), cash_vnd=1_000_000))
    assert saved.row.kind == "emergency" and saved.row.kind_label == "Cứu trợ khẩn cấp"


def test_same_person_twice_in_a_programme_and_campaign_warns(services: Services) -> None:
    relief = ReliefService(services.ctx)
    person = make_person(services)
    tet, other = make_campaign(services, "TET2026"), make_campaign(services, "TET2026B")
    first = relief.record(emergency(person, cash_vnd=500_000, campaign_id=tet, programme="Tết Nhân ái"))
    assert first.warnings == ()
    second = relief.record(
        emergency(
            person, cash_vnd=500_000, campaign_id=tet, programme="Tết Nhân ái", given_on=date(2026, 1, 25)
        )
    )
    assert len(second.warnings) == 1 and "20/01/2026" in second.warnings[0]
    assert count(services, ReliefRecord) == 2  # a warning, not a block
    assert (
        relief.record(
            emergency(person, cash_vnd=500_000, campaign_id=other, programme="Tết Nhân ái")
        ).warnings
        == ()
    )
    assert (
        relief.record(emergency(person, cash_vnd=500_000, campaign_id=tet, programme="Lũ tháng 1")).warnings
        == ()
    )
    someone_else = make_person(services, "Trần Thị Bình")
    assert (
        relief.record(
            emergency(someone_else, cash_vnd=500_000, campaign_id=tet, programme="Tết Nhân ái")
        ).warnings
        == ()
    )


def test_gift_below_the_campaign_minimum_warns(services: Services) -> None:
    relief = ReliefService(services.ctx)
    rice = make_item(services)  # 20.000 đ/kg
    tet = make_campaign(services, min_gift_vnd=500_000)
    low = relief.record(
        emergency(make_person(services), cash_vnd=300_000, items=(ReliefItemInput(rice, 5),), campaign_id=tet)
    )
    assert len(low.warnings) == 1
    assert "400.000 đ" in low.warnings[0] and "500.000 đ" in low.warnings[0]
    enough = relief.record(
        emergency(
            make_person(services, "Lê Văn Cường"),
            cash_vnd=300_000,
            items=(ReliefItemInput(rice, 10),),
            campaign_id=tet,
        )
    )
    assert enough.row.total_vnd == 500_000
    assert enough.warnings == ()


def test_relief_needs_a_beneficiary_and_some_support(services: Services) -> None:
    relief = ReliefService(services.ctx)
    with pytest.raises(ValidationError) as caught:
        relief.record(ReliefInput(given_on=DAY, kind="emergency"))
    assert {"person_id", "cash_vnd"} <= set(caught.value.fields)
    person = make_person(services)
    with pytest.raises(ValidationError) as caught:
        relief.record(emergency(person, cash_vnd=0))
    assert set(caught.value.fields) == {"cash_vnd"}
    with pytest.raises(ValidationError) as caught:
        relief.record(emergency(person, cash_vnd=100_000, groups=("rich",), kind="party"))
    assert set(caught.value.fields) == {"groups", "kind"}
    assert count(services, ReliefRecord) == 0


def test_people_covered_is_the_household_size_when_only_a_household_is_given(services: Services) -> None:
    relief = ReliefService(services.ctx)
    household = make_household(services, size=5)
    by_household = relief.record(emergency(None, household_id=household, cash_vnd=1_000_000))
    assert by_household.row.people_covered == 5
    assert by_household.row.thon == "Thôn Đông"
    member = make_person(services, household_id=household)
    assert relief.record(emergency(member, household_id=household, cash_vnd=200_000)).row.people_covered == 1
    assert (
        relief.record(
            emergency(None, household_id=household, cash_vnd=1, people_covered=3)
        ).row.people_covered
        == 3
    )


def test_edit_reissues_goods_and_bumps_the_version(services: Services) -> None:
    relief = ReliefService(services.ctx)
    rice = make_item(services)
    person = make_person(services)
    row = relief.record(emergency(person, items=(ReliefItemInput(rice, 10),))).row
    edited = relief.edit(row.id, emergency(person, cash_vnd=100_000, items=(ReliefItemInput(rice, 30),))).row
    assert edited.version > row.version
    assert edited.cash_vnd == 100_000 and edited.goods_vnd == 600_000
    assert [(i.item_id, i.quantity) for i in edited.items] == [(rice, 30)]
    assert balance(services, rice) == (70, 1_400_000)
    with services.ctx.sessions() as session:
        issues = session.scalars(select(StockMovement).where(StockMovement.kind == "issue")).all()
        assert sorted((m.quantity, m.deleted) for m in issues) == [(-30, False), (-10, True)]


def test_edit_beyond_stock_changes_nothing(services: Services) -> None:
    relief = ReliefService(services.ctx)
    rice = make_item(services)
    person = make_person(services)
    row = relief.record(emergency(person, items=(ReliefItemInput(rice, 10),))).row
    with pytest.raises(StockInsufficientError):
        relief.edit(row.id, emergency(person, cash_vnd=5_000, items=(ReliefItemInput(rice, 101),)))
    again = relief.get(row.id)
    assert again.cash_vnd == 0 and again.version == row.version
    assert [(i.item_id, i.quantity) for i in again.items] == [(rice, 10)]
    assert balance(services, rice) == (90, 1_800_000)


def test_the_whole_balance_can_be_reissued_on_edit(services: Services) -> None:
    # The old issue must be back in stock before the new one is checked.
    relief = ReliefService(services.ctx)
    rice = make_item(services)
    person = make_person(services)
    row = relief.record(emergency(person, items=(ReliefItemInput(rice, 60),))).row
    relief.edit(row.id, emergency(person, items=(ReliefItemInput(rice, 100),)))
    assert balance(services, rice) == (0, 0)


def test_delete_tombstones_and_returns_the_goods(services: Services) -> None:
    relief = ReliefService(services.ctx)
    rice = make_item(services)
    row = relief.record(emergency(make_person(services), items=(ReliefItemInput(rice, 25),))).row
    assert balance(services, rice) == (75, 1_500_000)
    relief.delete(row.id, reason="Nhập nhầm người nhận")
    assert balance(services, rice) == (100, 2_000_000)
    with pytest.raises(NotFoundError):
        relief.get(row.id)
    assert relief.list() == []
    with services.ctx.sessions() as session:
        stored = session.get(ReliefRecord, row.id)
        assert stored is not None and stored.deleted and stored.version == row.version + 1
        audit = session.scalars(
            select(AuditEntry).where(AuditEntry.record_uuid == row.uuid).order_by(AuditEntry.id)
        ).all()
        assert [a.action for a in audit] == ["create", "delete"]
        assert audit[-1].reason == "Nhập nhầm người nhận"
        assert json.loads(audit[-1].after or "{}") == {"deleted": True}


def test_closed_month_refuses_relief(services: Services) -> None:
    relief = ReliefService(services.ctx)
    person = make_person(services)
    row = relief.record(emergency(person, cash_vnd=100_000)).row
    with services.ctx.sessions.begin() as session:
        session.add(PeriodLock(period="2026-01", locked_by="Nguyễn Thị Hoa"))
    with pytest.raises(PeriodLockedError) as caught:
        relief.record(emergency(person, cash_vnd=100_000))
    assert caught.value.code == "PERIOD_LOCKED"
    with pytest.raises(PeriodLockedError):
        relief.edit(row.id, emergency(person, cash_vnd=200_000, given_on=date(2026, 2, 3)))
    with pytest.raises(PeriodLockedError):
        relief.delete(row.id)
    assert relief.get(row.id).cash_vnd == 100_000


def test_list_filters_and_totals(services: Services) -> None:
    relief = ReliefService(services.ctx)
    rice = make_item(services)
    household = make_household(services, size=4)
    an = make_person(services, "Nguyễn Văn An", household_id=household)
    binh = make_person(services, "Trần Thị Bình")
    tet = make_campaign(services)
    relief.record(
        emergency(
            an,
            household_id=household,
            cash_vnd=500_000,
            programme="Tết Nhân ái",
            campaign_id=tet,
            given_on=date(2026, 1, 25),
        )
    )
    relief.record(emergency(an, cash_vnd=0, items=(ReliefItemInput(rice, 10),), given_on=date(2026, 2, 5)))
    relief.record(
        emergency(
            binh,
            cash_vnd=300_000,
            items=(ReliefItemInput(rice, 5),),
            given_on=date(2026, 2, 6),
            kind="health",
        )
    )
    relief.record(emergency(None, household_id=household, cash_vnd=1_000_000, given_on=date(2026, 3, 1)))

    everything = relief.totals()
    assert everything.records == 4
    assert everything.people == 2  # người: An and Bình
    assert everything.households == 1
    assert everything.people_covered == 1 + 1 + 1 + 4  # lượt người
    assert everything.cash_vnd == 1_800_000
    assert everything.goods_vnd == 300_000
    assert everything.total_vnd == 2_100_000

    february = ReliefQuery(date_from=date(2026, 2, 1), date_to=date(2026, 2, 28))
    assert [r.given_on for r in relief.list(february)] == [date(2026, 2, 6), date(2026, 2, 5)]
    assert relief.totals(february).goods_vnd == 300_000
    assert relief.totals(february).cash_vnd == 300_000
    assert [r.programme for r in relief.list(ReliefQuery(programme="Tết Nhân ái"))] == ["Tết Nhân ái"]
    assert relief.totals(ReliefQuery(campaign_id=tet)).cash_vnd == 500_000
    assert [r.kind for r in relief.list(ReliefQuery(kind="health"))] == ["health"]
    by_name = relief.list(ReliefQuery(text="tran thi"))
    assert [r.person_name for r in by_name] == ["Trần Thị Bình"]
    assert relief.totals(ReliefQuery(text="binh")).records == 1
    assert relief.programmes() == ["Lũ tháng 1", "Tết Nhân ái"]
