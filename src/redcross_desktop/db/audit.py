# SPDX-License-Identifier: MIT
"""Session hooks: fill the sync envelope of new records and write an audit row for every change.

Doing this in `before_flush` means no service can forget it, and the audit row is written in the
same transaction as the change, so both are committed or neither. Qt-free.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session, sessionmaker

from .base import Synced, new_uuid
from .models import AuditEntry

# Columns that change on every write or are derived; they would only add noise to the history.
_NOISE = frozenset({"version", "updated_at", "search_key", "sort_key"})


def _plain(value: object) -> object:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _dump(values: dict[str, object]) -> str:
    return json.dumps({k: _plain(v) for k, v in values.items()}, ensure_ascii=False, sort_keys=True)


def _table_name(obj: Synced) -> str:
    return str(inspect(obj).mapper.local_table.name)


def _columns(obj: Synced) -> list[str]:
    return [attr.key for attr in inspect(obj).mapper.column_attrs if attr.key not in _NOISE]


def _audit_new(session: Session, obj: Synced, actor: str) -> None:
    after = {key: getattr(obj, key) for key in _columns(obj)}
    after.pop("id", None)
    session.add(
        AuditEntry(
            actor=actor,
            table_name=_table_name(obj),
            record_uuid=obj.uuid,
            action="create",
            before=None,
            after=_dump(after),
        )
    )


def _audit_change(session: Session, obj: Synced, actor: str) -> None:
    state = inspect(obj)
    before: dict[str, object] = {}
    after: dict[str, object] = {}
    for key in _columns(obj):
        history = state.attrs[key].history
        if history.has_changes():
            before[key] = history.deleted[0] if history.deleted else None
            after[key] = history.added[0] if history.added else None
    if not after:
        return
    action = session.info.pop("audit_action", None) or (
        "delete" if after.get("deleted") is True else "restore" if after.get("deleted") is False else "update"
    )
    session.add(
        AuditEntry(
            actor=actor,
            table_name=_table_name(obj),
            record_uuid=obj.uuid,
            action=action,
            before=_dump(before),
            after=_dump(after),
            reason=session.info.pop("audit_reason", ""),
        )
    )


def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    actor = str(session.info.get("actor", ""))
    branch = session.info.get("branch_code")
    for obj in list(session.new):
        if isinstance(obj, Synced):
            if not obj.origin_branch:
                obj.origin_branch = str(branch or "")
            if obj.uuid is None:  # the column default fires only at INSERT, after this hook
                obj.uuid = new_uuid()
            _audit_new(session, obj, actor)
    for obj in list(session.dirty):
        if isinstance(obj, Synced) and session.is_modified(obj, include_collections=False):
            _audit_change(session, obj, actor)
    for obj in list(session.deleted):
        if isinstance(obj, Synced):
            # Synced records are tombstoned, never deleted; a hard delete is a programming error.
            raise RuntimeError(f"{type(obj).__name__} {obj.uuid} must be tombstoned, not deleted")


def install_session_hooks(factory: sessionmaker[Session]) -> None:
    event.listen(factory, "before_flush", _before_flush)


def set_audit_reason(session: Session, reason: str, *, action: str | None = None) -> None:
    """The reason (and optionally the action name) recorded on the next changed record's audit row."""
    session.info["audit_reason"] = reason
    if action:
        session.info["audit_action"] = action
