# SPDX-License-Identifier: MIT
"""Closing a commune's period at the province: audited lock and unlock, a reason to unlock."""

from __future__ import annotations

import json

import pytest
from province_helpers import Province
from sqlalchemy import select

from redcross_desktop.core.errors import DuplicateError, NotFoundError, ValidationError
from redcross_desktop.db.models import AuditEntry


def test_lock_and_unlock_are_audited(province: Province) -> None:
    province.trust.register_branch("01-00073", "00073", "Hội CTĐ phường Cửa Nam")
    row = province.locks.lock("01-00073", "2026-02", "Chốt số liệu tháng 2")
    assert (row.branch_code, row.period, row.locked_by, row.reason) == (
        "01-00073",
        "2026-02",
        "can-bo-tinh",
        "Chốt số liệu tháng 2",
    )
    assert [(lock.branch_code, lock.period) for lock in province.locks.locks()] == [("01-00073", "2026-02")]
    with pytest.raises(DuplicateError):
        province.locks.lock("01-00073", "2026-02")
    with pytest.raises(ValidationError) as no_reason:
        province.locks.unlock("01-00073", "2026-02", " ")
    assert "reason" in no_reason.value.fields
    province.locks.unlock("01-00073", "2026-02", "Xã gửi điều chỉnh đã duyệt")
    assert province.locks.locks() == []
    with province.services.ctx.sessions() as s:
        audit = list(
            s.scalars(
                select(AuditEntry)
                .where(AuditEntry.table_name == "province_period_locks")
                .order_by(AuditEntry.id)
            )
        )
    assert [(a.record_uuid, a.action, a.reason) for a in audit] == [
        ("01-00073|2026-02", "lock", "Chốt số liệu tháng 2"),
        ("01-00073|2026-02", "unlock", "Xã gửi điều chỉnh đã duyệt"),
    ]
    assert json.loads(audit[1].before or "{}")["locked_by"] == "can-bo-tinh"


def test_lock_needs_a_listed_branch_and_a_period(province: Province) -> None:
    with pytest.raises(NotFoundError):
        province.locks.lock("01-00073", "2026-02")
    province.trust.register_branch("01-00073", "00073", "Hội CTĐ phường Cửa Nam")
    with pytest.raises(ValidationError):
        province.locks.lock("01-00073", "2026-13")
    with pytest.raises(NotFoundError):
        province.locks.unlock("01-00073", "2026-02", "không có khóa")
