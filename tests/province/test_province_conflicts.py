# SPDX-License-Identifier: MIT
"""VERSION_CONFLICT resolution (bundle-format.md §11): an audited officer choice, or a higher
version from the origin commune, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import date

import pytest
from province_helpers import Commune, CommuneFactory, Province
from sqlalchemy import select

from redcross_desktop.core.errors import NotFoundError, PeriodLockedError, ValidationError
from redcross_desktop.db.models import AuditEntry, ProvinceConflict, ProvinceRecordHistory
from redcross_desktop.services.province.conflicts import KEEP, SUPERSEDED, TAKE, ProvinceConflictService

P1 = "2026-02"


def conflicted(province: Province, communes: CommuneFactory) -> tuple[Commune, str, int]:
    """A donation stored as 150,000 at version 2 with an open conflict offering 200,000 at version 2
    (a commune PC restored from a backup and corrected again), as in adversarial case 29."""
    commune = communes.make("00073")
    commune.register(province)
    gift = commune.donate(date(2026, 2, 3), 100_000)
    province.importer.commit([commune.export(P1).path])
    backup = commune.snapshot()
    commune.correct_donation(gift, 150_000)
    province.importer.commit([commune.export(P1).path])
    commune.restore(backup)
    commune.correct_donation(gift, 200_000)
    commune.set_seq(5)
    province.importer.commit([commune.export(P1).path])
    return commune, commune.uuid_of_donation(gift), gift


def cash(province: Province, record_id: str) -> str:
    record = province.record("donations", record_id)
    assert record is not None
    return str(json.loads(record.data)["cash_vnd"])


def test_conflict_lists_both_contents_and_what_differs(province: Province, communes: CommuneFactory) -> None:
    _commune, rid, _gift = conflicted(province, communes)
    [view] = [v for v in ProvinceConflictService(province.services.ctx).list() if v.sheet_key == "donations"]
    assert (view.record_id, view.version, view.origin_branch) == (rid, 2, "01-00073")
    assert view.stored["cash_vnd"] == "150000" and view.incoming["cash_vnd"] == "200000"
    assert "cash_vnd" in view.differing and "record_id" not in view.differing


def test_taking_the_incoming_content_is_audited_and_keeps_the_old_in_history(
    province: Province, communes: CommuneFactory
) -> None:
    _commune, rid, _gift = conflicted(province, communes)
    service = ProvinceConflictService(province.services.ctx)
    [view] = [v for v in service.list() if v.record_id == rid]
    with pytest.raises(ValidationError) as no_reason:
        service.resolve(view.id, TAKE, "  ")
    assert no_reason.value.code == "VALIDATION_FAILED" and cash(province, rid) == "150000"

    done = service.resolve(view.id, TAKE, "Đã gọi điện xác minh với xã: 200.000 đồng là đúng")
    assert done.status == "resolved" and done.resolution.startswith("take: Đã gọi điện")
    assert cash(province, rid) == "200000"
    record = province.record("donations", rid)
    assert record is not None and record.version == 2 and record.row_hash == view.incoming_hash
    with province.services.ctx.sessions() as s:
        [old] = s.scalars(select(ProvinceRecordHistory).where(ProvinceRecordHistory.record_id == rid)).all()[
            -1:
        ]
        assert json.loads(old.data)["cash_vnd"] == "150000"
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "resolve_take")).one()
        assert entry.reason.startswith("Đã gọi điện") and entry.table_name == "province_conflicts"
    assert [v.id for v in service.list() if v.record_id == rid] == []
    with pytest.raises(NotFoundError):  # a second decision on the same conflict is refused
        service.resolve(view.id, KEEP, "bấm nhầm")


def test_keeping_the_stored_content_changes_no_record(province: Province, communes: CommuneFactory) -> None:
    _commune, rid, _gift = conflicted(province, communes)
    service = ProvinceConflictService(province.services.ctx)
    before = province.records()
    [view] = [v for v in service.list() if v.record_id == rid]
    service.resolve(view.id, KEEP, "Số liệu đang lưu đã được xã xác nhận")
    assert province.records() == before
    with province.services.ctx.sessions() as s:
        conflict = s.get(ProvinceConflict, view.id)
        assert conflict is not None and conflict.status == "resolved"
        assert s.scalars(select(AuditEntry.action).where(AuditEntry.action == "resolve_keep")).all() == [
            "resolve_keep"
        ]


def test_taking_into_a_locked_period_is_refused(province: Province, communes: CommuneFactory) -> None:
    _commune, rid, _gift = conflicted(province, communes)
    province.locks.lock("01-00073", P1, "Đã chốt số liệu tháng 2")
    service = ProvinceConflictService(province.services.ctx)
    [view] = [v for v in service.list() if v.record_id == rid]
    with pytest.raises(PeriodLockedError):
        service.resolve(view.id, TAKE, "Xã xác nhận")
    assert cash(province, rid) == "150000" and [v.id for v in service.list()].count(view.id) == 1


def test_a_higher_version_from_the_commune_settles_the_conflict(
    province: Province, communes: CommuneFactory
) -> None:
    commune, rid, gift = conflicted(province, communes)
    service = ProvinceConflictService(province.services.ctx)
    [view] = [v for v in service.list() if v.record_id == rid]
    commune.correct_donation(gift, 250_000)  # version 3 from the origin
    commune.set_seq(6)
    province.importer.commit([commune.export(P1).path])
    assert cash(province, rid) == "250000"
    assert rid not in [v.record_id for v in service.list()]
    [settled] = [v for v in service.list("resolved") if v.id == view.id]
    assert settled.resolution == SUPERSEDED
