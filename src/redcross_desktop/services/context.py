# SPDX-License-Identifier: MIT
"""What every service shares: the session factory, the branch and the acting user. Qt-free."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from ..core.errors import PeriodLockedError
from ..core.i18n import _
from ..db.base import Synced
from ..db.models import PeriodLock

SyncedT = TypeVar("SyncedT", bound=Synced)


@dataclass(frozen=True)
class ServiceContext:
    sessions: sessionmaker[Session]
    branch_code: str
    actor: str


def period_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def ensure_period_open(session: Session, *days: date | None) -> None:
    """Closed months refuse edits; the message says who can reopen them."""
    for day in days:
        if day is None:
            continue
        period = period_of(day)
        lock = session.scalar(select(PeriodLock).where(PeriodLock.period == period))
        if lock is not None:
            raise PeriodLockedError(
                _(
                    "Tháng {period} đã chốt số liệu ({who}). Chủ tịch Hội cần mở khóa kỳ này trước khi sửa."
                ).format(period=f"{day.month:02d}/{day.year}", who=lock.locked_by)
            )


def live(session: Session, model: type[SyncedT], key: int) -> SyncedT | None:
    """The record with this id, or None when it is missing or tombstoned."""
    obj = session.get(model, key)
    return None if obj is None or obj.deleted else obj
