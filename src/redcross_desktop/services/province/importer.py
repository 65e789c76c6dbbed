# SPDX-License-Identifier: MIT
"""Importing the communes' signed bundles at the province (bundle-format.md §9–§11).

Per bundle: stages 0–7 on the file (`sync.rows.verify_with_rows`, with stages 4–5 decided from the
trust store: `trust.key_decision`), then, in one transaction, stage 8 (replay, sequence state,
clock) and stage 9, the merge of §11: the origin owns its records, a strictly higher version wins,
equal versions with other content are queued as VERSION_CONFLICT, tombstones are kept, absence
never deletes, locked periods refuse changes. Replaced versions go to the row history.

`preview` writes nothing (each bundle's stages 8–9 run in a transaction that is rolled back, so
the counts are exactly what `commit` would do now). `commit` gives each bundle its own transaction
(stages 8–9 re-run inside it) and archives the original file read-only under its SHA-256 before
committing; a REJECT writes nothing at all. A QUARANTINE result is stored as `quarantined`, with
the counts it would give, until an officer decides (`decide`, audited).

`ProvinceRecord.data` holds the row as signed: a JSON object of column key → canonical text (ints
as decimal strings, dates ISO) or null, envelope columns included. Qt-free."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, cast

from sqlalchemy import DateTime, Insert, Table, Update, bindparam, insert, literal, select, update
from sqlalchemy.orm import Session

from ...core.errors import NotFoundError, ValidationError
from ...core.i18n import _
from ...core.progress import NullProgress, Progress, check_cancelled
from ...core.vn import normalize_text
from ...db.models import (
    BundleState,
    ImportedBundle,
    ProvinceBranch,
    ProvinceConflict,
    ProvincePeriodLock,
    ProvinceRecord,
    ProvinceRecordHistory,
)
from ...domain.bundle_merge import (
    INSERT,
    ROW_CODES,
    STALE,
    UNCHANGED,
    VERSION_CONFLICT,
    Current,
    Incoming,
    merge_outcome,
)
from ...sync import keys as crypto
from ...sync.archive import ZipLimits
from ...sync.codes import QUARANTINE, REJECT
from ...sync.rows import KeyDecision, SheetRows, VerifiedBundle, verify_with_rows
from ...sync.verify import Finding, make_finding
from ..context import ServiceContext
from .common import Clock, audit, month_of, naive_utc, province_of, refusal, show_date, system_clock
from .import_report import (
    BundleReport,
    NewKey,
    RowConflict,
    empty_counts,
    finding_from_dict,
    result_of,
)
from .indicators import report_mismatches
from .trust import Registry, activate_rotation, key_decision, load_registry

DONE = ("committed", "accepted")  # statuses whose rows are in province_records
CHUNK = 500  # ids per IN (…) list: far below SQLite's and PostgreSQL's parameter limits
SEQ_JUMP = 1000  # §12
ANY_PERIOD = None  # a register-sheet row (members) may change the figures of any month
_RECORDS = cast(Table, ProvinceRecord.__table__)
_INSERT_RECORD = insert(_RECORDS)
_UPDATE_RECORD = update(_RECORDS).where(
    _RECORDS.c.sheet_key == bindparam("k_sheet"), _RECORDS.c.record_id == bindparam("k_rid")
)
CLOCK_SLACK = timedelta(days=1)


@dataclass(frozen=True)
class ImportedBundleRow:
    id: int
    bundle_digest: str
    file_sha256: str
    branch_code: str
    key_id: str
    seq: int
    period: str
    periods_included: tuple[str, ...]
    created_at: str
    received_at: datetime
    officer: str
    status: str
    result_code: str
    summary: dict[str, Any]
    archive_path: str
    decided_by: str
    decision_reason: str

    @classmethod
    def from_model(cls, b: ImportedBundle) -> ImportedBundleRow:
        return cls(
            b.id,
            b.bundle_digest,
            b.file_sha256,
            b.branch_code,
            b.key_id,
            b.seq,
            b.period,
            tuple(json.loads(b.periods_included)),
            b.created_at,
            b.received_at,
            b.officer,
            b.status,
            b.result_code,
            json.loads(b.summary),
            b.archive_path,
            b.decided_by,
            b.decision_reason,
        )


@dataclass(frozen=True)
class ConflictRow:
    id: int
    sheet_key: str
    record_id: str
    version: int
    incoming_hash: str
    incoming_data: dict[str, Any]
    bundle_digest: str
    status: str
    created_at: datetime


def _chunks(items: Sequence[str], size: int = CHUNK) -> Iterable[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class ProvinceImportService:
    def __init__(
        self,
        ctx: ServiceContext,
        archive_dir: Path,
        *,
        clock: Clock = system_clock,
        limits: ZipLimits | None = None,
    ) -> None:
        self._ctx = ctx
        self._archive_dir = Path(archive_dir)
        self._clock = clock
        self._limits = limits or ZipLimits()

    # ------------------------------------------------------------ public API

    def preview(self, paths: Sequence[Path], progress: Progress | None = None) -> list[BundleReport]:
        """Dry run of every bundle against the current province data: the counts and codes a
        commit would give now, each bundle on its own. Writes nothing (not even the archive): each
        bundle's stages 8–9 run in a transaction that is rolled back. The writer thread (SQLite
        takes its write lock for each bundle's short transaction)."""
        return self._run(paths, progress, dry_run=True)

    def commit(self, paths: Sequence[Path], progress: Progress | None = None) -> list[BundleReport]:
        """Imports the bundles in the order given, each in its own transaction that re-runs stages
        8–9; a REJECT writes nothing; a QUARANTINE is stored (and archived) for a decision. One
        transaction per bundle; the writer thread."""
        return self._run(paths, progress, dry_run=False)

    def decide(self, bundle_id: int, accept: bool, reason: str) -> BundleReport:
        """An officer's decision on a quarantined bundle (audited with `reason`): accept re-verifies
        the archived file and merges it in one transaction (a REJECT found now refuses the accept);
        refuse keeps it archived as `refused`. One transaction; the writer thread."""
        reason = normalize_text(reason or "")
        if not reason:
            raise ValidationError(
                _("Hãy ghi lý do quyết định (ví dụ: đã gọi điện xác minh với xã)."),
                fields={"reason": _("Cần lý do.")},
            )
        with self._ctx.sessions() as session:
            row = self._quarantined_row(session, bundle_id)
            archived = self._archived_file(row)
        if not accept:
            with self._ctx.sessions.begin() as session:
                row = self._quarantined_row(session, bundle_id)
                row.status, row.decided_by, row.decision_reason = "refused", self._ctx.actor, reason
                summary = json.loads(row.summary)
                summary["status"] = "refused"
                row.summary = json.dumps(summary, ensure_ascii=False)
                audit(
                    session,
                    self._ctx.actor,
                    "imported_bundles",
                    str(row.id),
                    "refuse",
                    before={"status": "quarantined"},
                    after={"status": "refused", "bundle_digest": row.bundle_digest},
                    reason=reason,
                )
                session.flush()
                return self._stored_report(archived, row, dry_run=False, status="refused")
        return self._one(archived, dry_run=False, accepting=(bundle_id, reason))

    def quarantined(self) -> list[ImportedBundleRow]:
        """Bundles held for a decision, oldest first. Read-only; any thread."""
        with self._ctx.sessions() as session:
            rows = session.scalars(
                select(ImportedBundle)
                .where(ImportedBundle.status == "quarantined")
                .order_by(ImportedBundle.received_at, ImportedBundle.id)
            )
            return [ImportedBundleRow.from_model(r) for r in rows]

    def history(self, branch_code: str | None = None) -> list[ImportedBundleRow]:
        """Every stored bundle (of one branch), newest first. Read-only; any thread."""
        with self._ctx.sessions() as session:
            query = select(ImportedBundle).order_by(
                ImportedBundle.received_at.desc(), ImportedBundle.id.desc()
            )
            if branch_code:
                query = query.where(ImportedBundle.branch_code == branch_code)
            return [ImportedBundleRow.from_model(r) for r in session.scalars(query)]

    def conflicts(self, status: str = "open") -> list[ConflictRow]:
        """Queued VERSION_CONFLICT rows. Read-only; any thread."""
        with self._ctx.sessions() as session:
            rows = session.scalars(
                select(ProvinceConflict)
                .where(ProvinceConflict.status == status)
                .order_by(ProvinceConflict.id)
            )
            return [
                ConflictRow(
                    c.id,
                    c.sheet_key,
                    c.record_id,
                    c.version,
                    c.incoming_hash,
                    json.loads(c.incoming_data),
                    c.bundle_digest,
                    c.status,
                    c.created_at,
                )
                for c in rows
            ]

    # ------------------------------------------------------------ pipeline

    def _run(self, paths: Sequence[Path], progress: Progress | None, *, dry_run: bool) -> list[BundleReport]:
        progress = progress or NullProgress()
        files = [Path(p) for p in paths]
        missing = [str(p) for p in files if not p.is_file()]
        if missing:
            raise NotFoundError(_("Không tìm thấy tệp: {files}.").format(files=", ".join(missing)))
        with self._ctx.sessions() as session:
            province_of(session)
        reports: list[BundleReport] = []
        for done, path in enumerate(files):
            check_cancelled(progress)
            progress.report(done, len(files), _("Đang kiểm tra {name}…").format(name=path.name))
            reports.append(self._one(path, dry_run=dry_run))
        progress.report(len(files), len(files), _("Đã xong."))
        return reports

    def _registry(self) -> Registry:
        with self._ctx.sessions() as session:
            return load_registry(session)

    def _imported_before(self, branch_code: str, digest: str) -> bool:
        with self._ctx.sessions() as session:
            return _committed(session, branch_code, digest) is not None

    def _verify(self, data: bytes, registry: Registry) -> tuple[VerifiedBundle, KeyDecision | None]:
        decided: list[KeyDecision] = []

        def authorize(manifest: dict[str, Any], digest: str) -> KeyDecision:
            decision = key_decision(registry, manifest, digest, self._imported_before)
            decided.append(decision)
            return decision

        verified = verify_with_rows(
            data, province_code=registry.province_code, authorize=authorize, limits=self._limits
        )
        return verified, (decided[0] if decided else None)

    def _one(self, path: Path, *, dry_run: bool, accepting: tuple[int, str] | None = None) -> BundleReport:
        size = path.stat().st_size
        if size > self._limits.max_file_bytes:  # refused before a large file is read into memory
            finding = make_finding(
                "FILE_TOO_LARGE",
                0,
                size=f"{size / 1048576:.1f}",
                limit=f"{self._limits.max_file_bytes / 1048576:.0f}",
            )
            return self._rejected(path, "", dry_run, (finding,), None, accepting)
        data = path.read_bytes()
        sha = hashlib.sha256(data).hexdigest()
        verified, decision = self._verify(data, self._registry())
        if verified.result.severity == REJECT:
            return self._rejected(path, sha, dry_run, verified.result.findings, verified, accepting)
        if dry_run:
            with self._ctx.sessions() as session:
                session.begin()
                try:
                    return self._transaction(session, path, data, sha, verified, decision, True, None)
                finally:
                    session.rollback()
        created: list[Path] = []
        try:
            with self._ctx.sessions.begin() as session:
                return self._transaction(
                    session, path, data, sha, verified, decision, False, accepting, created
                )
        except BaseException:
            for archived in created:  # the transaction did not commit: leave no archive behind
                archived.chmod(0o644)
                archived.unlink(missing_ok=True)
            raise

    def _rejected(
        self,
        path: Path,
        sha: str,
        dry_run: bool,
        findings: tuple[Finding, ...],
        verified: VerifiedBundle | None,
        accepting: tuple[int, str] | None,
    ) -> BundleReport:
        report = self._report(path, sha, dry_run, "rejected", findings, verified)
        if accepting is not None:
            raise refusal(
                report.code, _("Không thể chấp nhận gói này."), **_params(report.findings, report.code)
            )
        return report

    def _transaction(
        self,
        session: Session,
        path: Path,
        data: bytes,
        sha: str,
        verified: VerifiedBundle,
        decision: KeyDecision | None,
        dry_run: bool,
        accepting: tuple[int, str] | None,
        created: list[Path] | None = None,
    ) -> BundleReport:
        result = verified.result
        manifest = result.manifest
        digest = result.bundle_digest
        assert manifest is not None and digest is not None
        branch = str(manifest["branch_code"])
        # One import of a branch at a time (other PCs on PostgreSQL): the merge reads, then writes.
        session.execute(
            select(ProvinceBranch.branch_code).where(ProvinceBranch.branch_code == branch).with_for_update()
        )
        # The trust store may have changed since the file was checked (a rotation committed just
        # before, another officer's revocation): decide stages 4–5 again, and re-verify if it did.
        registry = load_registry(session)
        again = key_decision(registry, manifest, digest, lambda b, d: _committed(session, b, d) is not None)
        if decision is None or _decision_key(again) != _decision_key(decision):
            verified, _unused = self._verify(data, registry)
            result = verified.result
            if result.severity == REJECT:
                return self._rejected(path, sha, dry_run, result.findings, verified, accepting)
        now = self._clock()
        key_id = str(manifest["key_id"])
        findings = list(result.findings)
        stage8, replay = _stage8(session, manifest, digest, key_id, now)
        if replay is not None:
            if accepting is not None:
                raise refusal("ALREADY_IMPORTED", d=show_date(replay.received_at))
            return self._stored_report(
                path,
                replay,
                dry_run=dry_run,
                status="replay",
                findings=(*findings, *stage8),
                verified=verified,
            )
        findings += stage8
        held = accepting is None and any(f.severity == QUARANTINE for f in findings)
        savepoint = session.begin_nested() if held and not dry_run else None
        sheets, conflicts, stage9 = self._merge(session, verified, manifest, digest, now)
        findings += stage9
        if savepoint is not None:
            savepoint.rollback()
        if dry_run:
            return self._report(path, sha, True, "previewed", tuple(findings), verified, sheets, conflicts)
        new_key: NewKey | None = None
        if not held:
            _advance_state(session, branch, key_id, int(manifest["seq"]), digest, now)
            rotation = manifest.get("key_rotation")
            if rotation is not None and result.authenticated:
                key = activate_rotation(session, self._ctx.actor, branch, key_id, rotation, now, digest)
                if key is not None:
                    new_key = NewKey(
                        key.key_id,
                        crypto.fingerprint(base64.b64decode(key.public_key)),
                        int(rotation["effective_seq"]),
                    )
        status = "quarantined" if held else "accepted" if accepting is not None else "committed"
        report = self._report(
            path, sha, False, status, tuple(findings), verified, sheets, conflicts, new_key=new_key
        )
        row = self._store(session, report, manifest, digest, sha, accepting)
        assert created is not None
        target, fresh = self._archive(data, sha)
        if fresh:
            created.append(target)
        if not row.archive_path or not Path(row.archive_path).is_file():
            row.archive_path = str(target)
        session.flush()
        return _with_id(report, row.id)

    # ------------------------------------------------------------ stage 9

    def _merge(
        self,
        session: Session,
        verified: VerifiedBundle,
        manifest: Mapping[str, Any],
        digest: str,
        now: datetime,
    ) -> tuple[dict[str, dict[str, int]], list[RowConflict], list[Finding]]:
        """§11 for every row, in the caller's transaction; returns counts per sheet, the conflict
        rows and the REPORT_MISMATCH warnings."""
        branch = str(manifest["branch_code"])
        included = set(manifest["periods_included"])
        current = month_of(now)
        locked = set(
            session.scalars(select(ProvincePeriodLock.period).where(ProvincePeriodLock.branch_code == branch))
        )
        stamp = naive_utc(now)
        sheets: dict[str, dict[str, int]] = {}
        conflicts: list[RowConflict] = []
        changed: set[str | None] = set()  # periods with applied rows; ANY_PERIOD for register sheets
        for key, sheet in verified.sheets.items():
            counts = empty_counts()
            sheets[key] = counts
            if not sheet.rows:
                continue
            stored = _stored(session, key, [r.record_id for r in sheet.rows])
            inserts: list[dict[str, Any]] = []
            updates: list[dict[str, Any]] = []
            replaced: list[str] = []
            for row in sheet.rows:
                v = row.values
                version = int(v[2] or 0)
                cur = stored.get(row.record_id)
                outcome, params = merge_outcome(
                    Incoming(row.record_id, v[1], version, v[4], row.row_hash),
                    cur,
                    bundle_branch=branch,
                    periodic=sheet.scope == "periodic",
                    periods_included=included,
                    current_month=current,
                    locked=locked,
                )
                if outcome in ROW_CODES:
                    if outcome == VERSION_CONFLICT:
                        _queue_conflict(
                            session, sheet, row.record_id, version, row.row_hash, v, digest, stamp
                        )
                    f = make_finding(outcome, 9, f"{sheet.title}!A{row.excel_row}", **params)
                    conflicts.append(
                        RowConflict(key, row.excel_row, row.record_id, outcome, f.message_vi, f.message_en)
                    )
                    counts["conflicts"] += 1
                    continue
                if outcome in (STALE, UNCHANGED):
                    counts[outcome] += 1
                    continue
                deleted = v[3] == "1"
                values = {
                    "sheet_key": key,
                    "record_id": row.record_id,
                    "origin_branch": v[1],
                    "version": version,
                    "deleted": deleted,
                    "period": v[4],
                    "row_hash": row.row_hash,
                    "data": _data_json(sheet, v),
                    "bundle_digest": digest,
                    "imported_at": stamp,
                }
                changed.add(v[4] if sheet.scope == "periodic" else ANY_PERIOD)
                if outcome == INSERT:
                    inserts.append(values)
                    counts["deleted" if deleted else "imported"] += 1
                else:
                    values["k_sheet"], values["k_rid"] = values.pop("sheet_key"), values.pop("record_id")
                    updates.append(values)
                    replaced.append(row.record_id)
                    counts["deleted" if deleted else "updated"] += 1
            for part in _chunks(replaced):
                session.execute(
                    insert(ProvinceRecordHistory).from_select(
                        [
                            "sheet_key",
                            "record_id",
                            "version",
                            "deleted",
                            "row_hash",
                            "data",
                            "bundle_digest",
                            "replaced_at",
                        ],
                        select(
                            ProvinceRecord.sheet_key,
                            ProvinceRecord.record_id,
                            ProvinceRecord.version,
                            ProvinceRecord.deleted,
                            ProvinceRecord.row_hash,
                            ProvinceRecord.data,
                            ProvinceRecord.bundle_digest,
                            literal(stamp, DateTime()),
                        ).where(ProvinceRecord.sheet_key == key, ProvinceRecord.record_id.in_(part)),
                    )
                )
            # Plain executemany: ProvinceRecord is not a Synced table (no version counter to keep),
            # and the ORM's per-row bookkeeping would cost more than the merge itself.
            for start in range(0, len(updates), CHUNK):
                _executemany(session, _UPDATE_RECORD, updates[start : start + CHUNK])
            for start in range(0, len(inserts), CHUNK):
                _executemany(session, _INSERT_RECORD, inserts[start : start + CHUNK])
        return sheets, conflicts, self._report_check(session, verified, branch, changed)

    def _report_check(
        self, session: Session, verified: VerifiedBundle, branch: str, changed: set[str | None]
    ) -> list[Finding]:
        """REPORT_MISMATCH (WARN): the commune's own report rows of each month the bundle reports
        against the indicators recomputed from the province's records after this merge, for the
        indicators that are derivable (`indicators.report_mismatches`, the consolidation's rule).
        Only months this merge changed are checked: for the others nothing compared has changed
        since the import that brought them (and a stale bundle's report rows were not applied)."""
        report = verified.sheets.get("report")
        if report is None or not report.rows or not changed:
            return []
        periods = sorted(
            {
                r.values[4]
                for r in report.rows
                if r.values[4] and r.values[3] != "1" and (ANY_PERIOD in changed or r.values[4] in changed)
            }
        )
        out: list[Finding] = []
        for period in periods:
            for m in report_mismatches(session, branch, period):
                out.append(
                    make_finding(
                        "REPORT_MISMATCH",
                        9,
                        f"{report.title} {period}",
                        indicator=f"{m.indicator} – {m.label}",
                        indicator_code=m.indicator,
                        period=period,
                        reported=m.reported,
                        recomputed=m.recomputed,
                    )
                )
        return out

    # ------------------------------------------------------------ storing

    def _store(
        self,
        session: Session,
        report: BundleReport,
        manifest: Mapping[str, Any],
        digest: str,
        sha: str,
        accepting: tuple[int, str] | None,
    ) -> ImportedBundle:
        row: ImportedBundle | None = None
        if accepting is not None:
            row = self._quarantined_row(session, accepting[0])
        else:
            row = session.scalars(
                select(ImportedBundle).where(
                    ImportedBundle.branch_code == str(manifest["branch_code"]),
                    ImportedBundle.bundle_digest == digest,
                    ImportedBundle.status == "quarantined",
                )
            ).first()
        if row is None:
            row = ImportedBundle(
                bundle_digest=digest,
                file_sha256=sha,
                branch_code=str(manifest["branch_code"]),
                key_id=str(manifest["key_id"]),
                seq=int(manifest["seq"]),
                period=str(manifest["period"]),
                periods_included=json.dumps(list(manifest["periods_included"])),
                created_at=str(manifest["created_at"]),
                received_at=naive_utc(self._clock()),
                officer=self._ctx.actor,
                archive_path="",
                decided_by="",
                decision_reason="",
                status="",
                result_code="",
                summary="{}",
            )
            session.add(row)
        before = row.status
        row.status = report.status
        row.result_code = report.code
        row.summary = json.dumps(report.summary(), ensure_ascii=False)
        if accepting is not None:
            row.decided_by, row.decision_reason = self._ctx.actor, accepting[1]
        session.flush()
        if accepting is not None:
            audit(
                session,
                self._ctx.actor,
                "imported_bundles",
                str(row.id),
                "accept",
                before={"status": before},
                after={"status": row.status, "bundle_digest": digest, "total": dict(report.total)},
                reason=accepting[1],
            )
        return row

    def _archive(self, data: bytes, sha: str) -> tuple[Path, bool]:
        """The original file, read-only, under its SHA-256; (path, written now)."""
        self._archive_dir.mkdir(parents=True, exist_ok=True)
        target = self._archive_dir / f"{sha}.xlsx"
        if target.is_file():
            return target, False
        temp = target.with_name(f".{sha}.{uuid.uuid4().hex}.tmp")
        try:
            with temp.open("wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            temp.chmod(0o444)
            os.replace(temp, target)
        finally:
            if temp.exists():
                temp.chmod(0o644)
                temp.unlink()
        return target, True

    def _archived_file(self, row: ImportedBundle) -> Path:
        candidates = [Path(row.archive_path)] if row.archive_path else []
        candidates.append(self._archive_dir / f"{row.file_sha256}.xlsx")
        for path in candidates:
            if path.is_file():
                if hashlib.sha256(path.read_bytes()).hexdigest() != row.file_sha256:
                    raise ValidationError(
                        _("Tệp lưu trữ {path} đã bị thay đổi; không thể xử lý gói này.").format(path=path)
                    )
                return path
        raise NotFoundError(
            _("Không tìm thấy tệp lưu trữ của gói (mã {sha}). Hãy nhập lại tệp gốc.").format(
                sha=row.file_sha256[:16]
            )
        )

    @staticmethod
    def _quarantined_row(session: Session, bundle_id: int) -> ImportedBundle:
        row = session.get(ImportedBundle, bundle_id)
        if row is None:
            raise NotFoundError(_("Không có gói số hiệu {id} trong danh sách đã nhận.").format(id=bundle_id))
        if row.status != "quarantined":
            raise ValidationError(
                _("Gói này không ở trạng thái chờ quyết định (hiện: {status}).").format(status=row.status)
            )
        return row

    # ------------------------------------------------------------ reports

    def _report(
        self,
        path: Path,
        sha: str,
        dry_run: bool,
        status: str,
        findings: tuple[Finding, ...],
        verified: VerifiedBundle | None,
        sheets: Mapping[str, Mapping[str, int]] | None = None,
        conflicts: Sequence[RowConflict] = (),
        *,
        new_key: NewKey | None = None,
        bundle_id: int | None = None,
    ) -> BundleReport:
        sheets = {k: dict(v) for k, v in (sheets or {}).items()}
        total = empty_counts()
        for counts in sheets.values():
            for k, n in counts.items():
                total[k] += n
        result, code = result_of(findings, tuple(conflicts))
        res = verified.result if verified is not None else None
        manifest = res.manifest if res is not None else None
        return BundleReport(
            path=path,
            file_sha256=sha,
            dry_run=dry_run,
            status=status,
            result=result,
            code=code,
            findings=findings,
            sheets=sheets,
            total=total,
            conflicts=tuple(conflicts),
            branch_code=str(manifest["branch_code"]) if manifest else None,
            branch_name=str(manifest["branch_name"]) if manifest else None,
            period=str(manifest["period"]) if manifest else None,
            periods_included=tuple(manifest["periods_included"]) if manifest else (),
            seq=int(manifest["seq"]) if manifest else None,
            key_id=res.key_id if res is not None else None,
            key_fingerprint=res.key_fingerprint if res is not None else None,
            authenticated=bool(res and res.authenticated),
            bundle_digest=res.bundle_digest if res is not None else None,
            bundle_id=bundle_id,
            new_key=new_key,
        )

    def _stored_report(
        self,
        path: Path,
        row: ImportedBundle,
        *,
        dry_run: bool,
        status: str,
        findings: tuple[Finding, ...] | None = None,
        verified: VerifiedBundle | None = None,
    ) -> BundleReport:
        """A report from a stored summary (a replay shows what its first import did)."""
        stored = json.loads(row.summary)
        conflicts = tuple(RowConflict(**c) for c in stored.get("conflicts", []))
        if findings is None:
            findings = tuple(finding_from_dict(f) for f in stored.get("findings", []))
        report = self._report(
            path,
            row.file_sha256,
            dry_run,
            status,
            findings,
            verified,
            stored.get("sheets", {}),
            conflicts,
            bundle_id=row.id,
        )
        if verified is None:  # identity from the stored row
            report = replace(
                report,
                branch_code=row.branch_code,
                period=row.period,
                periods_included=tuple(json.loads(row.periods_included)),
                seq=row.seq,
                key_id=row.key_id,
                bundle_digest=row.bundle_digest,
            )
        return report


# ---------------------------------------------------------------- helpers


def _decision_key(decision: KeyDecision) -> tuple[tuple[str, ...], bytes | None]:
    return tuple(code for code, _p in decision.findings), (
        decision.trusted.public_raw if decision.trusted is not None else None
    )


def _params(findings: Sequence[Finding], code: str) -> dict[str, Any]:
    for f in findings:
        if f.code == code:
            return {k: v for k, v in f.params.items() if isinstance(v, str | int)}
    return {}


def _with_id(report: BundleReport, bundle_id: int) -> BundleReport:
    return replace(report, bundle_id=bundle_id)


def _committed(session: Session, branch_code: str, digest: str) -> ImportedBundle | None:
    return session.scalars(
        select(ImportedBundle)
        .where(
            ImportedBundle.branch_code == branch_code,
            ImportedBundle.bundle_digest == digest,
            ImportedBundle.status.in_(DONE),
        )
        .order_by(ImportedBundle.id)
    ).first()


def _stage8(
    session: Session, manifest: Mapping[str, Any], digest: str, key_id: str, now: datetime
) -> tuple[list[Finding], ImportedBundle | None]:
    """Stage 8 in table order, from the (branch, key) state; a replay stops it."""
    branch, seq = str(manifest["branch_code"]), int(manifest["seq"])
    prior = _committed(session, branch, digest)
    if prior is not None:
        return [make_finding("ALREADY_IMPORTED", 8, d=show_date(prior.received_at))], prior
    out: list[Finding] = []
    other = session.scalars(
        select(ImportedBundle.id).where(
            ImportedBundle.branch_code == branch,
            ImportedBundle.key_id == key_id,
            ImportedBundle.seq == seq,
            ImportedBundle.status.in_(DONE),
            ImportedBundle.bundle_digest != digest,
        )
    ).first()
    if other is not None:
        out.append(make_finding("SEQUENCE_CONFLICT", 8, n=seq))
    state = session.get(BundleState, (branch, key_id))
    if state is not None and state.last_seq > 0:  # a key's first bundle gets no gap warning
        last = state.last_seq
        if seq > last + SEQ_JUMP:
            out.append(make_finding("SEQ_JUMP_SUSPICIOUS", 8, n=seq, m=last))
        elif seq > last + 1:
            out.append(make_finding("MISSING_BUNDLES", 8, a=last + 1, b=seq - 1))
        elif seq < last:
            out.append(make_finding("OLDER_BUNDLE", 8, n=seq, m=last))
    created = datetime.fromisoformat(str(manifest["created_at"]))
    if created > now + CLOCK_SLACK:
        out.append(make_finding("CLOCK_SKEW", 8, created_at=str(manifest["created_at"])))
    return out, None


def _advance_state(session: Session, branch: str, key_id: str, seq: int, digest: str, now: datetime) -> None:
    state = session.get(BundleState, (branch, key_id))
    if state is None:
        state = BundleState(branch_code=branch, key_id=key_id, last_seq=0, last_digest="")
        session.add(state)
    if seq >= state.last_seq:
        state.last_seq, state.last_digest = seq, digest
    state.last_imported_at = naive_utc(now)
    session.flush()


def _stored(session: Session, sheet_key: str, ids: Sequence[str]) -> dict[str, Current]:
    out: dict[str, Current] = {}
    for part in _chunks(ids):
        for rid, origin, version, period, row_hash in session.execute(
            select(
                ProvinceRecord.record_id,
                ProvinceRecord.origin_branch,
                ProvinceRecord.version,
                ProvinceRecord.period,
                ProvinceRecord.row_hash,
            ).where(ProvinceRecord.sheet_key == sheet_key, ProvinceRecord.record_id.in_(part))
        ):
            out[rid] = Current(origin, version, period, row_hash)
    return out


# One encoder, reused: json.dumps with non-default options builds a new encoder per call.
_encode_data = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def _data_json(sheet: SheetRows, values: Sequence[str | None]) -> str:
    return _encode_data(dict(zip(sheet.columns, values, strict=True)))


def _executemany(session: Session, statement: Insert | Update, rows: list[dict[str, Any]]) -> None:
    """`statement` for every row through the driver's executemany. The values are plain strings,
    ints and bools, and the one datetime (the bundle's import time) is bound through its column
    type once per row set, so SQLAlchemy's per-row parameter processing is not needed."""
    if not rows:
        return
    connection = session.connection()
    dialect = connection.dialect
    stamp = rows[0].get("imported_at")
    if stamp is not None:
        processor = _RECORDS.c.imported_at.type.dialect_impl(dialect).bind_processor(dialect)
        bound = processor(stamp) if processor is not None else stamp
        for row in rows:
            row["imported_at"] = bound
    keys = [k for k in rows[0] if not k.startswith("k_")]
    compiled = statement.compile(dialect=dialect, column_keys=keys)
    params: list[Any] = rows
    if compiled.positional:
        order = compiled.positiontup or []
        params = [tuple(row[name] for name in order) for row in rows]
    connection.exec_driver_sql(str(compiled), params)


def _queue_conflict(
    session: Session,
    sheet: SheetRows,
    record_id: str,
    version: int,
    row_hash: str,
    values: Sequence[str | None],
    digest: str,
    stamp: datetime,
) -> None:
    """VERSION_CONFLICT is kept for resolution, once per distinct incoming content."""
    queued = session.scalars(
        select(ProvinceConflict.id).where(
            ProvinceConflict.sheet_key == sheet.sheet_key,
            ProvinceConflict.record_id == record_id,
            ProvinceConflict.version == version,
            ProvinceConflict.incoming_hash == row_hash,
            ProvinceConflict.status == "open",
        )
    ).first()
    if queued is None:
        session.add(
            ProvinceConflict(
                sheet_key=sheet.sheet_key,
                record_id=record_id,
                version=version,
                incoming_hash=row_hash,
                incoming_data=_data_json(sheet, values),
                bundle_digest=digest,
                status="open",
                resolution="",
                created_at=stamp,
            )
        )
        session.flush()
