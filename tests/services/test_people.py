# SPDX-License-Identifier: MIT
"""People: validation, duplicates, versions, audit, search and Vietnamese order."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import select

from redcross_desktop.core.errors import DuplicateError, NotFoundError, ValidationError
from redcross_desktop.db.models import AuditEntry, Person
from redcross_desktop.services.container import Services
from redcross_desktop.services.people import PersonInput


def test_create_normalises_and_splits_the_name(services: Services) -> None:
    nfd_name = "  Nguye\u0302\u0303n   Va\u0306n  \u0110u\u031b\u0301c "
    saved = services.people.create(PersonInput(nfd_name, sex="M", phone="+84 912 345 678"))
    person = saved.person
    assert person.full_name == "Nguyễn Văn Đức"
    assert (person.ho, person.dem, person.ten) == ("Nguyễn", "Văn", "Đức")
    assert person.phone == "0912345678"
    assert person.version == 1
    with services.ctx.sessions() as session:
        stored = session.get(Person, person.id)
        assert stored is not None and stored.origin_branch == "01-00070"
        assert len(stored.uuid) == 36 and stored.uuid[14] == "7"  # UUIDv7


def test_invalid_cccd_and_phone_are_refused_with_field_messages(services: Services) -> None:
    with pytest.raises(ValidationError) as caught:
        services.people.create(PersonInput("Lê Thị Bình", cccd="12345", phone="12"))
    assert caught.value.code == "VALIDATION_FAILED"
    assert set(caught.value.fields) == {"cccd", "phone"}
    assert services.people.count() == 0


def test_cccd_disagreeing_with_sex_warns_but_saves(services: Services) -> None:
    # Digit 4 = 0 means a man born in the 1900s; the record says a woman.
    saved = services.people.create(
        PersonInput("Lê Thị Bình", sex="F", birth_date=date(1990, 5, 1), cccd="001090123456")
    )
    assert saved.person.cccd == "001090123456"
    assert saved.warnings


def test_same_cccd_is_blocked(services: Services) -> None:
    services.people.create(
        PersonInput("Trần Văn Bình", cccd="001090123456", sex="M", birth_date=date(1990, 1, 1))
    )
    with pytest.raises(DuplicateError) as caught:
        services.people.create(PersonInput("Trần V. Bình", cccd="001090123456"))
    assert caught.value.code == "DUPLICATE"
    assert services.people.count() == 1


def test_same_folded_name_and_birth_date_warns(services: Services) -> None:
    services.people.create(PersonInput("Phạm Thị Hoà", birth_date=date(1980, 2, 3)))
    saved = services.people.create(PersonInput("PHAM THI HÒA", birth_date=date(1980, 2, 3)))
    assert any("Phạm Thị Hoà" in w for w in saved.warnings)
    other = services.people.create(PersonInput("Phạm Thị Hoà", birth_date=date(1981, 2, 3)))
    assert other.warnings == ()


def test_update_bumps_version_and_audits_before_after(services: Services) -> None:
    person = services.people.create(PersonInput("Nguyễn Văn An", thon="Thôn 1")).person
    updated = services.people.update(person.id, PersonInput("Nguyễn Văn An", thon="Thôn 2")).person
    assert updated.version == person.version + 1
    with services.ctx.sessions() as session:
        entries = session.scalars(
            select(AuditEntry).where(AuditEntry.record_uuid == person.uuid).order_by(AuditEntry.id)
        ).all()
    assert [e.action for e in entries] == ["create", "update"]
    assert entries[1].actor == "test-officer"
    assert json.loads(entries[1].before or "") == {"thon": "Thôn 1"}
    assert json.loads(entries[1].after or "") == {"thon": "Thôn 2"}


def test_delete_tombstones_and_hides_from_search(services: Services) -> None:
    person = services.people.create(PersonInput("Hoàng Văn Cường")).person
    services.people.delete(person.id)
    assert services.people.search("cuong") == []
    with pytest.raises(NotFoundError):
        services.people.get(person.id)
    with services.ctx.sessions() as session:
        stored = session.get(Person, person.id)
        assert stored is not None and stored.deleted and stored.version == 2


def test_anonymise_keeps_the_record_but_drops_personal_fields(services: Services) -> None:
    person = services.people.create(PersonInput("Đỗ Thị Lan", phone="0987654321", cccd="001190123456")).person
    with pytest.raises(ValidationError):
        services.people.anonymise(person.id, " ")
    row = services.people.anonymise(person.id, "Yêu cầu xóa dữ liệu ngày 01/11/2026")
    assert (row.phone, row.cccd) == ("", "")
    assert services.people.search("lan") == []
    with services.ctx.sessions() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "anonymise")).one()
    assert entry.reason == "Yêu cầu xóa dữ liệu ngày 01/11/2026"


@pytest.mark.parametrize(
    "query", ["nguyen van duc", "Nguyễn Văn Đức", "NGUYEN", "duc nguyen", "ng v đ", "0912", "001090"]
)
def test_search_is_accent_insensitive_prefix_and_multi_word(services: Services, query: str) -> None:
    services.people.create(
        PersonInput(
            "Nguyễn Văn Đức", phone="0912345678", cccd="001090123456", sex="M", birth_date=date(1990, 1, 1)
        )
    )
    services.people.create(PersonInput("Lê Thị Dung", phone="0987000000"))
    assert [p.full_name for p in services.people.search(query)] == ["Nguyễn Văn Đức"]


def test_search_ignores_fts_syntax_in_the_query(services: Services) -> None:
    services.people.create(PersonInput("Nguyễn Văn Đức"))
    assert [p.full_name for p in services.people.search('duc" *) (')] == ["Nguyễn Văn Đức"]
    assert services.people.search('"') == []


def test_people_pages_follow_vietnamese_name_order(services: Services) -> None:
    for name in ["Trần Văn Bình", "Lê Thị Bình", "Nguyễn Văn An", "Đặng Văn Đức", "Vũ Thị Dung"]:
        services.people.create(PersonInput(name))
    names: list[str] = []
    cursor = None
    while True:
        page = services.people.page_ids(after=cursor, limit=2)
        names += [services.people.rows(page.ids)[i].full_name for i in page.ids]
        cursor = page.cursor
        if page.last:
            break
    assert names == ["Nguyễn Văn An", "Lê Thị Bình", "Trần Văn Bình", "Vũ Thị Dung", "Đặng Văn Đức"]


def test_input_for_round_trips_every_editable_field(services: Services) -> None:
    data = PersonInput(
        "Nguyễn Thị Minh Khai",
        sex="F",
        birth_date=date(1985, 4, 2),
        cccd="001185123456",
        phone="0912000111",
        email="khai@example.vn",
        thon="Tổ 3",
        address="Số 5 Hàng Bạc",
        tax_code="0101234567",
        contact_name="Chị Khai",
        ten="Minh Khai",
        note="Ghi chú",
        consent_status="given",
        consent_date=date(2026, 1, 5),
        consent_purposes="blood_contact",
        blood_prior_donations=4,
        blood_prior_evidence="Sổ hiến máu cũ",
    )
    person = services.people.create(data).person
    assert services.people.input_for(person.id) == data
    # An edit built on input_for keeps the fields it does not touch.
    import dataclasses

    services.people.update(person.id, dataclasses.replace(services.people.input_for(person.id), thon="Tổ 4"))
    assert services.people.input_for(person.id) == dataclasses.replace(data, thon="Tổ 4")
