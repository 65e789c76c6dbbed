# SPDX-License-Identifier: MIT
"""Closing (khóa sổ) a commune's period at the province: rows of a locked periodic period are
PERIOD_LOCKED on import until an audited unlock, which needs a reason (bundle-format.md §11, the
DHIS2 `force` analogue). Register sheets (members) are not subject to locks. Qt-free."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from ...core.errors import DuplicateError, NotFoundError, ValidationError
from ...core.i18n import _
from ...core.vn import normalize_text
from ...db.models import ProvinceBranch, ProvincePeriodLock
from ..context import ServiceContext
from .common import Clock, audit, naive_utc, province_of, system_clock

PERIOD_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


@dataclass(frozen=True)
class PeriodLockRow:
    branch_code: str
    period: str
    locked_at: datetime
    locked_by: str
    reason: str

    @classmethod
    def from_model(cls, lock: ProvincePeriodLock) -> PeriodLockRow:
        return cls(lock.branch_code, lock.period, lock.locked_at, lock.locked_by, lock.reason)


def _check_period(period: str) -> str:
    period = (period or "").strip()
    if not PERIOD_RE.match(period):
        raise ValidationError(
            _("Kỳ phải có dạng YYYY-MM, ví dụ 2026-03."), fields={"period": _("Kỳ không hợp lệ.")}
        )
    return period


class ProvinceLockService:
    def __init__(self, ctx: ServiceContext, *, clock: Clock = system_clock) -> None:
        self._ctx = ctx
        self._clock = clock

    def lock(self, branch_code: str, period: str, reason: str = "") -> PeriodLockRow:
        """Locks one commune period (audited). One transaction; the writer thread."""
        period = _check_period(period)
        code = (branch_code or "").strip()
        with self._ctx.sessions.begin() as session:
            province_of(session)
            if session.get(ProvinceBranch, code) is None:
                raise NotFoundError(_("Đơn vị {b} không có trong danh sách của tỉnh.").format(b=code))
            if session.get(ProvincePeriodLock, (code, period)) is not None:
                raise DuplicateError(_("Kỳ {p} của đơn vị {b} đã khóa sổ.").format(p=period, b=code))
            lock = ProvincePeriodLock(
                branch_code=code,
                period=period,
                locked_at=naive_utc(self._clock()),
                locked_by=self._ctx.actor,
                reason=normalize_text(reason or ""),
            )
            session.add(lock)
            audit(
                session,
                self._ctx.actor,
                "province_period_locks",
                f"{code}|{period}",
                "lock",
                after={"branch_code": code, "period": period},
                reason=lock.reason,
            )
            session.flush()
            return PeriodLockRow.from_model(lock)

    def unlock(self, branch_code: str, period: str, reason: str) -> None:
        """Reopens a locked commune period; the reason is required and audited. One transaction;
        the writer thread."""
        period = _check_period(period)
        reason = normalize_text(reason or "")
        if not reason:
            raise ValidationError(
                _("Hãy ghi lý do mở khóa sổ (ví dụ: xã gửi số liệu điều chỉnh đã được duyệt)."),
                fields={"reason": _("Cần lý do.")},
            )
        code = (branch_code or "").strip()
        with self._ctx.sessions.begin() as session:
            province_of(session)
            lock = session.get(ProvincePeriodLock, (code, period))
            if lock is None:
                raise NotFoundError(_("Kỳ {p} của đơn vị {b} chưa khóa sổ.").format(p=period, b=code))
            before = {
                "branch_code": code,
                "period": period,
                "locked_by": lock.locked_by,
                "locked_at": lock.locked_at,
            }
            session.delete(lock)
            audit(
                session,
                self._ctx.actor,
                "province_period_locks",
                f"{code}|{period}",
                "unlock",
                before=before,
                reason=reason,
            )

    def locks(self, branch_code: str | None = None) -> list[PeriodLockRow]:
        """Locked commune periods, by branch and period. Read-only; any thread."""
        with self._ctx.sessions() as session:
            query = select(ProvincePeriodLock).order_by(
                ProvincePeriodLock.branch_code, ProvincePeriodLock.period
            )
            if branch_code:
                query = query.where(ProvincePeriodLock.branch_code == branch_code)
            return [PeriodLockRow.from_model(lock) for lock in session.scalars(query)]
