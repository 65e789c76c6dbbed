# SPDX-License-Identifier: MIT
"""Resolving VERSION_CONFLICT rows (bundle-format.md §11: "resolves by a higher version from the
origin or an audited officer choice"). A conflict is a commune record that reached the province
twice with the same version and different content — typically a commune PC restored from a backup
or cloned. The officer sees both contents side by side and keeps the stored one or takes the
incoming one, with a reason; either choice is audited, the replaced content goes to the row
history, and a later higher version from the commune settles the conflict by itself. Qt-free."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, exists, select, update
from sqlalchemy.orm import Session

from ...core.errors import NotFoundError, PeriodLockedError, ValidationError
from ...core.i18n import _
from ...core.vn import normalize_text
from ...db.models import ProvinceConflict, ProvincePeriodLock, ProvinceRecord, ProvinceRecordHistory
from ...sync.schema import known_schemas, newest_known_version
from ..context import ServiceContext
from .common import Clock, audit, naive_utc, province_of, system_clock

KEEP = "keep"
TAKE = "take"
SUPERSEDED = "superseded"
# Envelope columns every sheet starts with (§3); the rest is the record's content.
ENVELOPE = ("record_id", "origin_branch", "version", "deleted", "period", "updated_at")


@dataclass(frozen=True)
class ConflictView:
    """One open conflict with both contents, for the officer to compare."""

    id: int
    sheet_key: str
    record_id: str
    origin_branch: str
    version: int
    stored: dict[str, Any]  # column key → canonical value; {} when the record is no longer stored
    incoming: dict[str, Any]
    incoming_hash: str
    differing: tuple[str, ...]  # column keys whose values differ (envelope's updated_at included)
    bundle_digest: str
    created_at: datetime
    status: str
    resolution: str


def _view(conflict: ProvinceConflict, record: ProvinceRecord | None) -> ConflictView:
    stored: dict[str, Any] = json.loads(record.data) if record is not None else {}
    incoming: dict[str, Any] = json.loads(conflict.incoming_data)
    keys = list(dict.fromkeys([*incoming, *stored]))
    differing = tuple(
        k for k in keys if k not in ("record_id", "version") and stored.get(k) != incoming.get(k)
    )
    return ConflictView(
        id=conflict.id,
        sheet_key=conflict.sheet_key,
        record_id=conflict.record_id,
        origin_branch=str(incoming.get("origin_branch") or (record.origin_branch if record else "")),
        version=conflict.version,
        stored=stored,
        incoming=incoming,
        incoming_hash=conflict.incoming_hash,
        differing=differing,
        bundle_digest=conflict.bundle_digest,
        created_at=conflict.created_at,
        status=conflict.status,
        resolution=conflict.resolution,
    )


def settle_superseded(session: Session) -> int:
    """Marks resolved every open conflict whose record has since been stored with a higher version
    from its origin (the commune corrected it itself). Runs inside the import's transaction."""
    newer = exists().where(
        and_(
            ProvinceRecord.sheet_key == ProvinceConflict.sheet_key,
            ProvinceRecord.record_id == ProvinceConflict.record_id,
            ProvinceRecord.version > ProvinceConflict.version,
        )
    )
    result = session.execute(
        update(ProvinceConflict)
        .where(ProvinceConflict.status == "open", newer)
        .values(status="resolved", resolution=SUPERSEDED)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def _periodic(sheet_key: str) -> bool:
    """Register sheets (members) are not subject to the province's period locks (locks.py)."""
    schema = known_schemas()[newest_known_version()]
    return any(s.sheet_key == sheet_key and s.scope == "periodic" for s in schema.sheets)


class ProvinceConflictService:
    def __init__(self, ctx: ServiceContext, *, clock: Clock = system_clock) -> None:
        self._ctx = ctx
        self._clock = clock

    def list(self, status: str = "open") -> list[ConflictView]:
        """Conflicts with both contents, oldest first. Read-only; any thread."""
        with self._ctx.sessions() as session:
            rows = session.execute(
                select(ProvinceConflict, ProvinceRecord)
                .outerjoin(
                    ProvinceRecord,
                    and_(
                        ProvinceRecord.sheet_key == ProvinceConflict.sheet_key,
                        ProvinceRecord.record_id == ProvinceConflict.record_id,
                    ),
                )
                .where(ProvinceConflict.status == status)
                .order_by(ProvinceConflict.id)
            ).all()
            return [_view(conflict, record) for conflict, record in rows]

    def resolve(self, conflict_id: int, choice: str, reason: str) -> ConflictView:
        """Keeps the stored content (KEEP) or replaces it with the incoming one (TAKE); the reason
        is required and audited, and other open conflicts of the same record and version that carry
        the content now stored are settled with it. One transaction; the writer thread."""
        if choice not in (KEEP, TAKE):
            raise ValidationError(
                _("Hãy chọn giữ bản đang lưu hoặc lấy bản mới nhận."), fields={"choice": _("Chưa chọn.")}
            )
        reason = normalize_text(reason or "")
        if not reason:
            raise ValidationError(
                _("Hãy ghi lý do chọn (ví dụ: đã gọi điện xác minh với xã, xã xác nhận số liệu đúng)."),
                fields={"reason": _("Cần lý do.")},
            )
        with self._ctx.sessions.begin() as session:
            province_of(session)
            conflict = session.get(ProvinceConflict, conflict_id)
            if conflict is None or conflict.status != "open":
                raise NotFoundError(
                    _(
                        "Không còn xung đột số {n} cần xử lý (có thể đã được xử lý). Hãy tải lại danh sách."
                    ).format(n=conflict_id)
                )
            record = session.get(ProvinceRecord, (conflict.sheet_key, conflict.record_id))
            view = _view(conflict, record)
            if record is not None and record.version > conflict.version:
                raise ValidationError(
                    _(
                        "Xã đã gửi phiên bản mới hơn ({v}) của bản ghi này, nên xung đột không còn. "
                        "Hãy tải lại danh sách."
                    ).format(v=record.version)
                )
            now = naive_utc(self._clock())
            if choice == TAKE:
                self._take(session, conflict, record, view, now)
            conflict.status = "resolved"
            conflict.resolution = f"{choice}: {reason}"
            if choice == TAKE or record is not None:
                kept_hash = conflict.incoming_hash if choice == TAKE else record.row_hash  # type: ignore[union-attr]
                session.execute(
                    update(ProvinceConflict)
                    .where(
                        ProvinceConflict.status == "open",
                        ProvinceConflict.sheet_key == conflict.sheet_key,
                        ProvinceConflict.record_id == conflict.record_id,
                        ProvinceConflict.version == conflict.version,
                        ProvinceConflict.incoming_hash == kept_hash,
                    )
                    .values(status="resolved", resolution=conflict.resolution)
                    .execution_options(synchronize_session=False)
                )
            audit(
                session,
                self._ctx.actor,
                "province_conflicts",
                conflict.record_id,
                f"resolve_{choice}",
                before={"stored": view.stored, "version": conflict.version},
                after={"kept": view.incoming if choice == TAKE else view.stored},
                reason=reason,
            )
            session.flush()
            return _view(conflict, session.get(ProvinceRecord, (conflict.sheet_key, conflict.record_id)))

    @staticmethod
    def _take(
        session: Session,
        conflict: ProvinceConflict,
        record: ProvinceRecord | None,
        view: ConflictView,
        now: datetime,
    ) -> None:
        incoming = view.incoming
        periods = {p for p in (incoming.get("period"), record.period if record else None) if p}
        for period in periods if _periodic(conflict.sheet_key) else ():
            if session.get(ProvincePeriodLock, (view.origin_branch, period)) is not None:
                raise PeriodLockedError(
                    _(
                        "Kỳ {p} của đơn vị {b} đã khóa sổ ở tỉnh. Hãy mở khóa sổ (ghi lý do) trước khi thay số liệu."
                    ).format(p=period, b=view.origin_branch)
                )
        deleted = str(incoming.get("deleted")) == "1"
        if record is None:
            session.add(
                ProvinceRecord(
                    sheet_key=conflict.sheet_key,
                    record_id=conflict.record_id,
                    origin_branch=view.origin_branch,
                    version=conflict.version,
                    deleted=deleted,
                    period=str(incoming.get("period") or ""),
                    row_hash=conflict.incoming_hash,
                    data=conflict.incoming_data,
                    bundle_digest=conflict.bundle_digest,
                    imported_at=now,
                )
            )
            return
        session.add(
            ProvinceRecordHistory(
                sheet_key=record.sheet_key,
                record_id=record.record_id,
                version=record.version,
                deleted=record.deleted,
                row_hash=record.row_hash,
                data=record.data,
                bundle_digest=record.bundle_digest,
                replaced_at=now,
            )
        )
        record.deleted = deleted
        record.period = str(incoming.get("period") or record.period)
        record.row_hash = conflict.incoming_hash
        record.data = conflict.incoming_data
        record.bundle_digest = conflict.bundle_digest
        record.imported_at = now
