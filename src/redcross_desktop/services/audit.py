# SPDX-License-Identifier: MIT
"""The change history written by the session hooks (`db/audit.py`), read back field by field for
the "Lịch sử thay đổi" view. Qt-free.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from ..core.errors import ValidationError
from ..core.i18n import _
from ..db.models import AuditEntry
from .context import ServiceContext

# Envelope columns set once at creation; listing them in every history only hides the real fields.
_HIDDEN = frozenset({"uuid", "origin_branch"})


@dataclass(frozen=True)
class FieldChange:
    field: str
    before: object  # JSON value (dates as ISO text); None when the field was empty or did not exist
    after: object


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: datetime
    actor: str
    table_name: str
    record_uuid: str
    action: str  # create, update, delete, void, restore…
    reason: str
    changes: tuple[FieldChange, ...]

    def change(self, field: str) -> FieldChange | None:
        return next((c for c in self.changes if c.field == field), None)


def _load(text: str | None) -> dict[str, object]:
    if not text:
        return {}
    value = json.loads(text)
    return value if isinstance(value, dict) else {}


def _row(entry: AuditEntry) -> AuditRow:
    before, after = _load(entry.before), _load(entry.after)
    fields = sorted((set(before) | set(after)) - _HIDDEN)
    changes = tuple(FieldChange(f, before.get(f), after.get(f)) for f in fields)
    return AuditRow(
        entry.id,
        entry.at,
        entry.actor,
        entry.table_name,
        entry.record_uuid,
        entry.action,
        entry.reason,
        changes,
    )


class AuditService:
    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    def history(self, table_name: str, record_uuid: str) -> list[AuditRow]:
        """Every audited change of one record, newest first. Read-only; any thread."""
        with self._ctx.sessions() as session:
            entries = session.scalars(
                select(AuditEntry)
                .where(AuditEntry.table_name == table_name, AuditEntry.record_uuid == record_uuid)
                # ids follow commit order within one store; timestamps can tie within a flush.
                .order_by(AuditEntry.id.desc())
            )
            return [_row(e) for e in entries]

    def recent(self, limit: int = 100) -> list[AuditRow]:
        """The latest changes across all records, newest first. Read-only; any thread."""
        if limit < 1:
            raise ValidationError(_("Số dòng cần xem phải từ 1 trở lên."))
        with self._ctx.sessions() as session:
            entries = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit))
            return [_row(e) for e in entries]
