# SPDX-License-Identifier: MIT
"""What the province services share: the refusal error carrying a bundle-format code, the check that
the store is a province store, hand-written audit rows for the province tables (they are not
`Synced`, so the automatic hook does not see them) and the province's clock. Qt-free."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...core.errors import RedCrossError
from ...core.i18n import _
from ...db.models import AuditEntry, Branch
from ...sync.verify import make_finding
from .keyrules import VN_TZ as VN_TZ
from .keyrules import show_date as show_date

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    return datetime.now(UTC)


class ProvinceError(RedCrossError):
    """A refused province action; `code` is the bundle-format code (FINGERPRINT_MISMATCH,
    KEY_CHANGED, KEY_REVOKED…) and `params` its placeholders."""

    code = "PROVINCE_REFUSED"

    def __init__(self, code: str, message: str, *, params: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.params = dict(params or {})


def refusal(code: str, hint: str = "", **params: Any) -> ProvinceError:
    """The error for a §8–§9 code, with the normative Vietnamese message (and an optional hint)."""
    message = make_finding(code, **params).message_vi
    return ProvinceError(code, f"{message} {hint}".strip(), params=params)


def province_of(session: Session) -> Branch:
    """The store's branch row; refused unless the store is in province mode."""
    branch = session.scalars(select(Branch)).first()
    if branch is None or branch.mode != "province":
        raise ProvinceError(
            "NOT_PROVINCE_STORE",
            _(
                "Cơ sở dữ liệu này không phải của Hội CTĐ cấp tỉnh. Hãy mở cơ sở dữ liệu cấp tỉnh "
                "(khởi tạo với chế độ 'province')."
            ),
        )
    return branch


def _plain(value: object) -> object:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def audit(
    session: Session,
    actor: str,
    table: str,
    record: str,
    action: str,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str = "",
) -> None:
    """One audit row in the caller's transaction (so the change and its audit commit together)."""

    def dump(values: dict[str, Any] | None) -> str | None:
        if values is None:
            return None
        return json.dumps({k: _plain(v) for k, v in values.items()}, ensure_ascii=False, sort_keys=True)

    session.add(
        AuditEntry(
            actor=actor,
            table_name=table,
            record_uuid=record[:36],
            action=action,
            before=dump(before),
            after=dump(after),
            reason=reason,
        )
    )


def naive_utc(moment: datetime) -> datetime:
    """Stored datetimes are naive UTC (db/base.py)."""
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def month_of(moment: datetime) -> str:
    local = moment.astimezone(VN_TZ) if moment.tzinfo else moment
    return f"{local.year:04d}-{local.month:02d}"
