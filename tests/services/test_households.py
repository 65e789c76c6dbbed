# SPDX-License-Identifier: MIT
"""Households: poverty status with its year, members and the single head (domain.md §2.2)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from redcross_desktop.core.errors import NotFoundError, ValidationError
from redcross_desktop.db.models import AuditEntry, Person
from redcross_desktop.services.container import Services
from redcross_desktop.services.households import HouseholdInput, HouseholdService
from redcross_desktop.services.people import PersonInput


@pytest.fixture
def households(services: Services) -> HouseholdService:
    return HouseholdService(services.ctx)


def person(services: Services, name: str) -> int:
    return services.people.create(PersonInput(name, birth_date=date(1970, 1, 1))).person.id


def test_create_and_validate(households: HouseholdService) -> None:
    row = households.create(HouseholdInput("Tổ 5", "12 Hàng Bạc", 4, "poor", 2025, "  "))
    assert (row.thon, row.address, row.size, row.poverty_status, row.poverty_label, row.poverty_year) == (
        "Tổ 5",
        "12 Hàng Bạc",
        4,
        "poor",
        "Hộ nghèo",
        2025,
    )
    assert (row.head_person_id, row.member_count, row.version) == (None, 0, 1)
    with pytest.raises(ValidationError) as err:
        households.create(HouseholdInput("Tổ 5", size=0, poverty_status="near_poor"))
    assert err.value.code == "VALIDATION_FAILED"
    assert set(err.value.fields) == {"size", "poverty_year"}
    with pytest.raises(ValidationError) as err:
        households.create(HouseholdInput(poverty_status="rich"))
    assert set(err.value.fields) == {"poverty_status"}
    # A household off the list keeps no list year.
    assert households.create(HouseholdInput("Tổ 1", poverty_year=2024)).poverty_year is None


def test_update_bumps_version(households: HouseholdService) -> None:
    row = households.create(HouseholdInput("Tổ 5", size=3, poverty_status="near_poor", poverty_year=2024))
    updated = households.update(
        row.id, HouseholdInput("Tổ 5", size=5, poverty_status="poor", poverty_year=2025)
    )
    assert (updated.size, updated.poverty_status, updated.poverty_year, updated.version) == (
        5,
        "poor",
        2025,
        2,
    )
    with pytest.raises(NotFoundError):
        households.update(999, HouseholdInput())


def test_household_head_is_unique(services: Services, households: HouseholdService) -> None:
    home = households.create(HouseholdInput("Tổ 5", size=3))
    father, mother, child = (person(services, n) for n in ("Nguyễn Văn Ba", "Lê Thị Tư", "Nguyễn Văn Út"))
    households.add_member(home.id, father, is_head=True)
    households.add_member(home.id, child)
    row = households.add_member(home.id, mother, is_head=True)
    assert (row.head_person_id, row.head_name, row.member_count) == (mother, "Lê Thị Tư", 3)
    with services.ctx.sessions() as s:
        heads = s.scalars(
            select(Person.id).where(Person.household_id == home.id, Person.is_household_head)
        ).all()
        father_row = s.get(Person, father)
        assert father_row is not None
        father_version, father_uuid = father_row.version, father_row.uuid
        changes = s.scalars(
            select(AuditEntry).where(AuditEntry.record_uuid == father_uuid, AuditEntry.action == "update")
        ).all()
    assert heads == [mother]
    # Joining and then losing the head role were two audited changes to the father's record.
    assert father_version == 3 and len(changes) == 2
    assert [p.full_name for p in households.members(home.id)] == [
        "Lê Thị Tư",
        "Nguyễn Văn Ba",
        "Nguyễn Văn Út",
    ]


def test_moving_a_person_between_households(services: Services, households: HouseholdService) -> None:
    first = households.create(HouseholdInput("Tổ 1"))
    second = households.create(HouseholdInput("Tổ 2"))
    pid = person(services, "Phạm Văn Năm")
    households.add_member(first.id, pid, is_head=True)
    households.add_member(second.id, pid)
    assert households.get(first.id).member_count == 0
    assert households.get(first.id).head_person_id is None
    assert households.get(second.id).member_count == 1
    assert services.people.get(pid).household_id == second.id
    households.remove_member(second.id, pid)
    assert services.people.get(pid).household_id is None
    with pytest.raises(ValidationError):
        households.remove_member(second.id, pid)


def test_list_by_thon(households: HouseholdService) -> None:
    households.create(HouseholdInput("Tổ 2", "5 Hàng Đào"))
    households.create(HouseholdInput("Tổ 1", "9 Hàng Bạc"))
    households.create(HouseholdInput("Tổ 1", "3 Hàng Bạc"))
    assert [(h.thon, h.address) for h in households.list()] == [
        ("Tổ 1", "3 Hàng Bạc"),
        ("Tổ 1", "9 Hàng Bạc"),
        ("Tổ 2", "5 Hàng Đào"),
    ]
    assert [h.address for h in households.list(thon="Tổ 2")] == ["5 Hàng Đào"]
