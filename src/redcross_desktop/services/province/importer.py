# SPDX-License-Identifier: MIT
"""Importing the communes' signed bundles at the province (bundle-format.md §9–§11).

Per bundle: stages 0–7 on the file in a worker process (`verification.verify_job`: §9 and §12 run
them in a child process with a 300 s timeout; a worker that dies or hangs gives MALFORMED_WORKBOOK
for that bundle only), with stages 4–5 decided from the trust store (`keyrules.key_decision`); then,
in one transaction, stage 8 (replay, sequence state, clock) and stage 9, the merge of §11: the
origin owns its records, a strictly higher version wins, equal versions with other content are
queued as VERSION_CONFLICT, tombstones are kept, absence never deletes, locked periods refuse
changes. Replaced versions go to the row history.

A run is a pipeline: the worker processes (`workers.WorkerPool`) verify the next files while this
process merges the previous one, and the results are taken in input order, so each bundle is
merged exactly as if the files were imported one by one and the final state never depends on
timing. The stage 4–5 verdict a worker reached from its snapshot of the trust store is checked
again inside the bundle's transaction (a rotation committed meanwhile), and the file verified
again if it changed. The merge itself costs a few statements per bundle: one lookup of the stored
versions per sheet, one executemany each for the history, the updates and the inserts, and one
statement for the REPORT_MISMATCH recompute (`indicators.py`).

`preview` writes nothing (each bundle's stages 8–9 run in a transaction that is rolled back, so
the counts are exactly what `commit` would do now). `commit` gives each bundle its own transaction
(stages 8–9 re-run inside it) and archives the original file read-only under its SHA-256 before
committing (written and fsynced in the background while the bundle merges: `bundle_archive.py`);
a REJECT writes nothing at all. A QUARANTINE result is stored as `quarantined`, with
the counts it would give, until an officer decides (`decide`, audited).

`ProvinceRecord.data` holds the row as signed: a JSON object of column key → canonical text (ints
as decimal strings, dates ISO) or null, envelope columns included. Qt-free."""

from __future__ import annotations

import base64
import hashlib
import json
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, cast

from sqlalchemy import (
    Connection,
    DateTime,
    Insert,
    Select,
    Table,
    Update,
    and_,
    bindparam,
    insert,
    or_,
    select,
    text,
    update,
)
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
from ...reports.catalogue import Catalogue
from ...sync import keys as crypto
from ...sync.archive import ZipLimits
from ...sync.codes import QUARANTINE, REJECT
from ...sync.rows import KeyDecision
from ...sync.verify import Finding, VerificationResult, make_finding
from ..context import ServiceContext
from .bundle_archive import BundleArchive, Staged
from .common import Clock, audit, month_of, naive_utc, refusal, show_date, system_clock
from .conflicts import settle_superseded
from .import_report import (
    BundleReport,
    NewKey,
    RowConflict,
    empty_counts,
    finding_from_dict,
    result_of,
)
from .indicators import province_catalogue, report_mismatches
from .trust import Registry, activate_rotation, key_decision, load_registry, registry_for
from .verification import PreparedBundle, VerifyRequest, outcome_bundle, shared_pool
from .workers import Ticket, WorkerPool

DONE = ("committed", "accepted")  # statuses whose rows are in province_records
CHUNK = 512  # ids per IN (…) list: far below SQLite's and PostgreSQL's parameter limits
SEQ_JUMP = 1000  # §12
ANY_PERIOD = None  # a register-sheet row (members) may change the figures of any month
WRITE_BATCH = 2000  # rows per executemany call: bounds the driver's memory on a large bundle
_RECORDS = cast(Table, ProvinceRecord.__table__)
_HISTORY_TABLE = cast(Table, ProvinceRecordHistory.__table__)
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
        pool: WorkerPool | None = None,
    ) -> None:
        """`pool`: the worker processes that run stages 0–7 (`verification.verify_job`); by
        default the process's shared pool."""
        self._ctx = ctx
        self._archive_dir = Path(archive_dir)
        self._clock = clock
        self._limits = limits or ZipLimits()
        self._pool = pool

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
        return self._decide_one(archived, (bundle_id, reason))

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

    # ------------------------------------------------------------ pipeline

    def _workers(self) -> WorkerPool:
        return self._pool if self._pool is not None else shared_pool()

    def _run(self, paths: Sequence[Path], progress: Progress | None, *, dry_run: bool) -> list[BundleReport]:
        progress = progress or NullProgress()
        files = [Path(p) for p in paths]
        missing = [str(p) for p in files if not p.is_file()]
        if missing:
            raise NotFoundError(_("Không tìm thấy tệp: {files}.").format(files=", ".join(missing)))
        with self._ctx.sessions() as session:
            snapshot = _snapshot(session)  # refuses a store that is not a province store
            catalogue = province_catalogue(session)
        reports: list[BundleReport] = []
        # The files are verified ahead in the worker processes while the parent merges, and taken
        # in input order: each bundle is merged exactly as if it were imported alone after the
        # previous ones, so the final state never depends on the workers' timing.
        with BundleArchive(self._archive_dir) as archive, _Ahead(self, files, snapshot) as ahead:
            run = _Run(archive, catalogue, snapshot[0].province_code)
            for done, path in enumerate(files):
                check_cancelled(progress)
                progress.report(done, len(files), _("Đang kiểm tra {name}…").format(name=path.name))
                checked = ahead.take()
                if not dry_run and checked.bundle is not None and checked.bundle.result.severity != REJECT:
                    checked.staged = archive.start(checked.data, checked.sha)
                report = self._one(checked, run, dry_run=dry_run)
                reports.append(report)
                if not dry_run:
                    self._fresh_statistics()
                if report.new_key is not None:  # the trust store changed: verify what follows with it
                    with self._ctx.sessions() as session:
                        ahead.snapshot = _snapshot(session)
        progress.report(len(files), len(files), _("Đã xong."))
        return reports

    def _fresh_statistics(self) -> None:
        """PostgreSQL plans from statistics that only ANALYZE (or autovacuum, within a minute or
        so) gathers. A first large import into a new province store grows `province_records`
        from nothing within one run, and with the statistics of an empty table the planner reads
        whole sheets for each lookup: the import slows down as it goes. So, as the PostgreSQL
        manual advises after bulk loading, the table is analysed again whenever it has more than
        doubled since its last analysis (a handful of times in a run, never for a steady store).
        Planner statistics only: no data changes. Without the right to analyse, PostgreSQL skips
        it with a warning."""
        with self._ctx.sessions() as session:
            if session.get_bind().dialect.name != "postgresql":
                return
            with session.begin():
                row = session.execute(_STALE_STATISTICS).first()
                # Changed since the last analysis more than half of what is there now (a table
                # never analysed counts every row as changed).
                if row is not None and row[1] > ANALYZE_AFTER and 2 * row[1] > row[0]:
                    session.execute(text(f"ANALYZE {_RECORDS.name}"))

    def _check(self, data: bytes, snapshot: _Snapshot) -> PreparedBundle:
        """Stages 0–7 of one file in a worker process, waiting for it."""
        pool = self._workers()
        return outcome_bundle(pool.result(pool.submit(VerifyRequest(data, *snapshot, self._limits))))

    def _decide_one(self, path: Path, accepting: tuple[int, str]) -> BundleReport:
        with self._ctx.sessions() as session:
            snapshot = _snapshot(session)
            catalogue = province_catalogue(session)
        data = path.read_bytes()
        checked = _Checked(path, data, hashlib.sha256(data).hexdigest(), self._check(data, snapshot))
        with BundleArchive(self._archive_dir) as archive:
            return self._one(
                checked,
                _Run(archive, catalogue, snapshot[0].province_code),
                dry_run=False,
                accepting=accepting,
            )

    def _one(
        self, checked: _Checked, run: _Run, *, dry_run: bool, accepting: tuple[int, str] | None = None
    ) -> BundleReport:
        try:
            bundle = checked.bundle
            if bundle is None:  # refused before the file was read
                assert checked.refusal is not None
                return self._rejected(checked.path, "", dry_run, (checked.refusal,), None, accepting)
            if bundle.result.severity == REJECT:
                return self._rejected(
                    checked.path, checked.sha, dry_run, bundle.result.findings, bundle.result, accepting
                )
            if dry_run:
                with self._ctx.sessions() as session:
                    session.begin()
                    try:
                        return self._transaction(session, checked, run, True, None)
                    finally:
                        session.rollback()
            created: list[Path] = []
            try:
                with self._ctx.sessions.begin() as session:
                    return self._transaction(session, checked, run, False, accepting, created)
            except BaseException:
                for archived in created:  # the transaction did not commit: leave no archive behind
                    archived.chmod(0o644)
                    archived.unlink(missing_ok=True)
                raise
        finally:
            run.archive.discard(checked.staged)

    def _rejected(
        self,
        path: Path,
        sha: str,
        dry_run: bool,
        findings: tuple[Finding, ...],
        result: VerificationResult | None,
        accepting: tuple[int, str] | None,
    ) -> BundleReport:
        report = self._report(path, sha, dry_run, "rejected", findings, result)
        if accepting is not None:
            raise refusal(
                report.code, _("Không thể chấp nhận gói này."), **_params(report.findings, report.code)
            )
        return report

    def _transaction(
        self,
        session: Session,
        checked: _Checked,
        run: _Run,
        dry_run: bool,
        accepting: tuple[int, str] | None,
        created: list[Path] | None = None,
    ) -> BundleReport:
        path, sha = checked.path, checked.sha
        bundle = checked.bundle
        assert bundle is not None
        result = bundle.result
        manifest = result.manifest
        digest = result.bundle_digest
        assert manifest is not None and digest is not None
        branch = str(manifest["branch_code"])
        # One import of a branch at a time (other PCs on PostgreSQL): the merge reads, then writes.
        session.execute(_LOCK_BRANCH, {"branch": branch})
        # The trust store may have changed since the file was checked (a rotation committed just
        # before, another officer's revocation): decide stages 4–5 again, and re-verify if it did.
        registry = registry_for(session, run.province_code, branch, str(manifest["key_id"]))
        again = key_decision(registry, manifest, digest, lambda b, d: _committed(session, b, d) is not None)
        if bundle.decision is None or _decision_key(again) != _decision_key(bundle.decision):
            bundle = self._check(checked.data, (registry, _revoked_imports(session, registry)))
            result = bundle.result
            if result.severity == REJECT:
                return self._rejected(path, sha, dry_run, result.findings, result, accepting)
        now = self._clock()
        key_id = str(manifest["key_id"])
        findings = list(result.findings)
        stage8, replay, quarantined = _stage8(session, manifest, digest, key_id, now)
        if replay is not None:
            if accepting is not None:
                raise refusal("ALREADY_IMPORTED", d=show_date(replay.received_at))
            return self._stored_report(
                path,
                replay,
                dry_run=dry_run,
                status="replay",
                findings=(*findings, *stage8),
                result=result,
            )
        findings += stage8
        held = accepting is None and any(f.severity == QUARANTINE for f in findings)
        savepoint = session.begin_nested() if held and not dry_run else None
        sheets, conflicts, changed, replaced = self._merge(session, bundle, manifest, digest, now)
        findings += self._report_check(session, bundle, branch, changed, run.catalogue)
        if savepoint is not None:
            savepoint.rollback()
        if dry_run:
            return self._report(path, sha, True, "previewed", tuple(findings), result, sheets, conflicts)
        new_key: NewKey | None = None
        if not held:
            if replaced:
                settle_superseded(session)  # a higher version from the origin settles a conflict
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
            path, sha, False, status, tuple(findings), result, sheets, conflicts, new_key=new_key
        )
        # The file goes into the archive right before the commit that records it (written and
        # fsynced in the background meanwhile, see bundle_archive.py).
        assert created is not None
        target, fresh = run.archive.place(checked.staged, checked.data, sha)
        if fresh:
            created.append(target)
        row = self._store(session, report, manifest, digest, sha, accepting, quarantined, target)
        return _with_id(report, row.id)

    # ------------------------------------------------------------ stage 9

    def _merge(
        self,
        session: Session,
        bundle: PreparedBundle,
        manifest: Mapping[str, Any],
        digest: str,
        now: datetime,
    ) -> tuple[dict[str, dict[str, int]], list[RowConflict], set[str | None], int]:
        """§11 for every row, in the caller's transaction; returns counts per sheet, the conflict
        rows, the periods it changed (ANY_PERIOD for a register sheet) and how many stored records
        it replaced. The rows' decisions need
        the stored versions only (one query per sheet and chunk); the changes are then written
        with one executemany per kind for the whole bundle: the replaced versions to the history,
        the updates, the inserts."""
        branch = str(manifest["branch_code"])
        included = frozenset(manifest["periods_included"])
        current = month_of(now)
        connection = session.connection()
        locked = frozenset(session.scalars(_LOCKED_PERIODS, {"branch": branch}))
        stamp = naive_utc(now)
        bound = _bound_stamp(connection, stamp)
        sheets: dict[str, dict[str, int]] = {}
        conflicts: list[RowConflict] = []
        changed: set[str | None] = set()
        inserts: list[tuple[Any, ...]] = []
        updates: list[tuple[Any, ...]] = []
        replaced: list[tuple[str, str]] = []
        for key, sheet in bundle.sheets.items():
            counts = empty_counts()
            sheets[key] = counts
            if not sheet.rows:
                continue
            periodic = sheet.scope == "periodic"
            stored = _stored(connection, key, [r[0] for r in sheet.rows])
            for rid, excel_row, row_hash, origin, version, deleted, period, data in sheet.rows:
                cur = stored.get(rid)
                outcome, params = merge_outcome(
                    Incoming(rid, origin, version, period, row_hash),
                    cur,
                    bundle_branch=branch,
                    periodic=periodic,
                    periods_included=included,
                    current_month=current,
                    locked=locked,
                )
                if outcome in ROW_CODES:
                    if outcome == VERSION_CONFLICT:
                        _queue_conflict(session, key, rid, version, row_hash, data, digest, stamp)
                    f = make_finding(outcome, 9, f"{sheet.title}!A{excel_row}", **params)
                    conflicts.append(RowConflict(key, excel_row, rid, outcome, f.message_vi, f.message_en))
                    counts["conflicts"] += 1
                    continue
                if outcome in (STALE, UNCHANGED):
                    counts[outcome] += 1
                    continue
                changed.add(period if periodic else ANY_PERIOD)
                if outcome == INSERT:
                    inserts.append(
                        (key, rid, origin, version, deleted, period, row_hash, data, digest, bound)
                    )
                    counts["deleted" if deleted else "imported"] += 1
                else:
                    updates.append(
                        (origin, version, deleted, period, row_hash, data, digest, bound, key, rid)
                    )
                    replaced.append((key, rid))
                    counts["deleted" if deleted else "updated"] += 1
        # Plain executemany: ProvinceRecord is not a Synced table (no version counter to keep),
        # and the ORM's per-row bookkeeping would cost more than the merge itself.
        _executemany(connection, _HISTORY, _HISTORY_KEYS, [(*k, bound) for k in replaced])
        _executemany(connection, _UPDATE_RECORD, _UPDATE_KEYS, updates)
        _executemany(connection, _INSERT_RECORD, _INSERT_KEYS, inserts)
        return sheets, conflicts, changed, len(replaced)

    def _report_check(
        self,
        session: Session,
        bundle: PreparedBundle,
        branch: str,
        changed: set[str | None],
        catalogue: Catalogue,
    ) -> list[Finding]:
        """REPORT_MISMATCH (WARN): the commune's own report rows of each month the bundle reports
        against the indicators recomputed from the province's records after this merge, for the
        indicators that are derivable (`indicators.report_mismatches`, the consolidation's rule).
        Only months this merge changed are checked: for the others nothing compared has changed
        since the import that brought them (and a stale bundle's report rows were not applied)."""
        report = bundle.sheets.get("report")
        if report is None or not report.rows or not changed:
            return []
        periods = sorted(
            {
                period
                for _rid, _row, _hash, _origin, _version, deleted, period, _data in report.rows
                if period and not deleted and (ANY_PERIOD in changed or period in changed)
            }
        )
        out: list[Finding] = []
        for period in periods:
            for m in report_mismatches(session, branch, period, catalogue=catalogue):
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
        quarantined: int | None,
        archived: Path,
    ) -> ImportedBundle:
        """The bundle's row with its result (a new one, or the quarantined row of this very
        bundle), naming its archive file."""
        row: ImportedBundle | None = None
        if accepting is not None:
            row = self._quarantined_row(session, accepting[0])
        elif quarantined is not None:
            row = session.get(ImportedBundle, quarantined)
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
        if not row.archive_path or not Path(row.archive_path).is_file():
            row.archive_path = str(archived)
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
        verification: VerificationResult | None,
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
        res = verification
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
        result: VerificationResult | None = None,
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
            result,
            stored.get("sheets", {}),
            conflicts,
            bundle_id=row.id,
        )
        if result is None:  # identity from the stored row
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


# ---------------------------------------------------------------- the pipeline's parts

# What the worker processes verify a bundle against: the key registry, and the committed bundles
# of branches with a revoked key (KEY_REVOKED spares a bundle imported before the revocation).
_Snapshot = tuple[Registry, frozenset[tuple[str, str]]]


def _snapshot(session: Session) -> _Snapshot:
    registry = load_registry(session)
    return registry, _revoked_imports(session, registry)


def _revoked_imports(session: Session, registry: Registry) -> frozenset[tuple[str, str]]:
    revoked = sorted({k.branch_code for k in registry.keys.values() if k.status == "revoked"})
    if not revoked:
        return frozenset()
    rows = session.execute(
        select(ImportedBundle.branch_code, ImportedBundle.bundle_digest).where(
            ImportedBundle.branch_code.in_(revoked), ImportedBundle.status.in_(DONE)
        )
    )
    return frozenset((str(b), str(d)) for b, d in rows)


@dataclass
class _Checked:
    """One file with its stages 0–7 done: `bundle` is None when it was refused before being read
    (`refusal`, FILE_TOO_LARGE)."""

    path: Path
    data: bytes
    sha: str
    bundle: PreparedBundle | None
    refusal: Finding | None = None
    staged: Staged | None = None  # its archive file being written (commit only)


@dataclass(frozen=True)
class _Run:
    """What one preview or commit run shares between its bundles."""

    archive: BundleArchive
    catalogue: Catalogue
    province_code: str


class _Ahead:
    """The files of a run, verified ahead in the worker processes (at most one per worker in
    flight) and handed back in input order by `take`. Leaving the `with` block gives up the jobs
    still running (a cancelled run)."""

    def __init__(self, service: ProvinceImportService, files: Sequence[Path], snapshot: _Snapshot) -> None:
        self.pool = service._workers()
        self.limits = service._limits
        self.files = list(files)
        self.snapshot = snapshot
        self.depth = max(1, min(self.pool.size, len(self.files)))
        self.next = 0
        self.pending: deque[tuple[Path, bytes, str, Ticket | None, Finding | None]] = deque()

    def __enter__(self) -> _Ahead:
        return self

    def __exit__(self, *exc: object) -> None:
        while self.pending:
            ticket = self.pending.popleft()[3]
            if ticket is not None:
                self.pool.cancel(ticket)

    def take(self) -> _Checked:
        self._fill()
        path, data, sha, ticket, refused = self.pending.popleft()
        outcome = self.pool.result(ticket) if ticket is not None else None
        self._fill()  # the freed worker starts on the next file while this one is merged
        if outcome is None:
            return _Checked(path, data, sha, None, refused)
        return _Checked(path, data, sha, outcome_bundle(outcome))

    def _fill(self) -> None:
        while len(self.pending) < self.depth and self.next < len(self.files):
            path = self.files[self.next]
            self.next += 1
            size = path.stat().st_size
            if size > self.limits.max_file_bytes:  # refused before a large file is read into memory
                finding = make_finding(
                    "FILE_TOO_LARGE",
                    0,
                    size=f"{size / 1048576:.1f}",
                    limit=f"{self.limits.max_file_bytes / 1048576:.0f}",
                )
                self.pending.append((path, b"", "", None, finding))
                continue
            data = path.read_bytes()
            ticket = self.pool.submit(VerifyRequest(data, *self.snapshot, self.limits))
            self.pending.append((path, data, hashlib.sha256(data).hexdigest(), ticket, None))


# ---------------------------------------------------------------- statements

_LOCKED_PERIODS = select(ProvincePeriodLock.period).where(
    ProvincePeriodLock.branch_code == bindparam("branch")
)
_SEEN = (
    select(ImportedBundle.id, ImportedBundle.bundle_digest, ImportedBundle.status)
    .where(
        ImportedBundle.branch_code == bindparam("branch"),
        or_(
            ImportedBundle.bundle_digest == bindparam("digest"),
            and_(ImportedBundle.key_id == bindparam("key_id"), ImportedBundle.seq == bindparam("seq")),
        ),
    )
    .order_by(ImportedBundle.id)
)
_LOCK_BRANCH = (
    select(ProvinceBranch.branch_code)
    .where(ProvinceBranch.branch_code == bindparam("branch"))
    .with_for_update()
)
_STORED: dict[int, Select[Any]] = {}
_STORED_KEYS: dict[int, tuple[str, ...]] = {}


def _stored_statement(size: int) -> Select[Any]:
    """The stored state of `size` records of a sheet: an IN list of `size` plain parameters (an
    expanding parameter costs SQLAlchemy more per id than the query costs the database)."""
    if size not in _STORED:
        _STORED[size] = select(
            _RECORDS.c.record_id,
            _RECORDS.c.origin_branch,
            _RECORDS.c.version,
            _RECORDS.c.period,
            _RECORDS.c.row_hash,
        ).where(
            _RECORDS.c.sheet_key == bindparam("sheet", type_=_RECORDS.c.sheet_key.type),
            # Typed: PostgreSQL then compares VARCHAR with VARCHAR and the primary key finds the ids.
            _RECORDS.c.record_id.in_(
                [bindparam(f"i{n}", type_=_RECORDS.c.record_id.type) for n in range(size)]
            ),
        )
    return _STORED[size]


_INSERT_KEYS = (
    "sheet_key",
    "record_id",
    "origin_branch",
    "version",
    "deleted",
    "period",
    "row_hash",
    "data",
    "bundle_digest",
    "imported_at",
)
_INSERT_RECORD = insert(_RECORDS)
_UPDATE_KEYS = (
    "origin_branch",
    "version",
    "deleted",
    "period",
    "row_hash",
    "data",
    "bundle_digest",
    "imported_at",
    "k_sheet",
    "k_rid",
)
_UPDATE_RECORD = update(_RECORDS).where(
    _RECORDS.c.sheet_key == bindparam("k_sheet"), _RECORDS.c.record_id == bindparam("k_rid")
)
_HISTORY_KEYS = ("k_sheet", "k_rid", "k_stamp")
_HISTORY = insert(_HISTORY_TABLE).from_select(
    ["sheet_key", "record_id", "version", "deleted", "row_hash", "data", "bundle_digest", "replaced_at"],
    select(
        _RECORDS.c.sheet_key,
        _RECORDS.c.record_id,
        _RECORDS.c.version,
        _RECORDS.c.deleted,
        _RECORDS.c.row_hash,
        _RECORDS.c.data,
        _RECORDS.c.bundle_digest,
        bindparam("k_stamp", type_=DateTime()),
    ).where(_RECORDS.c.sheet_key == bindparam("k_sheet"), _RECORDS.c.record_id == bindparam("k_rid")),
)
_COMPILED: dict[tuple[int, str], tuple[str, tuple[int, ...] | None]] = {}


def _compiled(
    connection: Connection, statement: Insert | Update | Select[Any], keys: Sequence[str]
) -> tuple[str, tuple[int, ...] | None]:
    """The statement's SQL for this dialect, and for a positional paramstyle the order of `keys`
    its placeholders take (None: named parameters). Compiled once per dialect."""
    dialect = connection.dialect
    cache_key = (id(statement), dialect.name)
    if cache_key not in _COMPILED:
        columns = [k for k in keys if not k.startswith("k_")] if not isinstance(statement, Select) else None
        compiled = statement.compile(dialect=dialect, column_keys=columns)
        order = None
        if compiled.positional:
            order = tuple(keys.index(name) for name in compiled.positiontup or [])
        _COMPILED[cache_key] = (str(compiled), order)
    return _COMPILED[cache_key]


def _executemany(
    connection: Connection, statement: Insert | Update, keys: Sequence[str], rows: list[tuple[Any, ...]]
) -> None:
    """`statement` for every row (values in `keys` order) through the driver's executemany. The
    values are plain strings, ints and bools, and the bundle's import time already bound
    (`_bound_stamp`), so SQLAlchemy's per-row parameter processing is not needed."""
    if not rows:
        return
    sql, order = _compiled(connection, statement, keys)
    params: list[Any]
    if order is None:
        params = [dict(zip(keys, r, strict=True)) for r in rows]
    elif order == tuple(range(len(keys))):
        params = rows
    else:
        params = [tuple(r[i] for i in order) for r in rows]
    for start in range(0, len(params), WRITE_BATCH):
        connection.exec_driver_sql(sql, params[start : start + WRITE_BATCH])


def _bound_stamp(connection: Connection, moment: datetime) -> Any:
    """`moment` as the driver takes a DateTime column's value (SQLite: text)."""
    dialect = connection.dialect
    processor = DateTime().dialect_impl(dialect).bind_processor(dialect)
    return processor(moment) if processor is not None else moment


ANALYZE_AFTER = 5000  # rows changed since the last analysis before `_fresh_statistics` looks at it
_STALE_STATISTICS = text(
    "SELECT n_live_tup, n_mod_since_analyze FROM pg_stat_user_tables "
    f"WHERE relid = CAST('{_RECORDS.name}' AS regclass)"
)

# PostgreSQL: one primary-key probe per id. With `record_id IN (…)` the planner judges from the
# table's statistics, and during a first large import (150 communes into a new province store,
# before autovacuum has analysed the table) it reads every row of the sheet for each bundle: the
# import then slows down as the table grows. A LATERAL subquery with LIMIT 1 cannot be turned into
# a join, so each id is an index lookup whatever the statistics say.
_STORED_PG = text(
    f"SELECT r.record_id, r.origin_branch, r.version, r.period, r.row_hash "
    f"FROM unnest(CAST(:ids AS VARCHAR[])) AS i(id) CROSS JOIN LATERAL ("
    f"SELECT p.record_id, p.origin_branch, p.version, p.period, p.row_hash FROM {_RECORDS.name} AS p "
    f"WHERE p.sheet_key = :sheet AND p.record_id = i.id LIMIT 1) AS r"
)


def _stored(connection: Connection, sheet_key: str, ids: Sequence[str]) -> dict[str, Current]:
    out: dict[str, Current] = {}
    if connection.dialect.name == "postgresql":
        for part in _chunks(ids, 5000):
            for rid, origin, version, period, row_hash in connection.execute(
                _STORED_PG, {"ids": list(part), "sheet": sheet_key}
            ):
                out[rid] = Current(origin, version, period, row_hash)
        return out
    for part in _chunks(ids):
        size = 1 << (len(part) - 1).bit_length()  # a few statement shapes: padded to a power of two
        if size not in _STORED_KEYS:
            _STORED_KEYS[size] = ("sheet", *(f"i{n}" for n in range(size)))
        keys = _STORED_KEYS[size]
        sql, order = _compiled(connection, _stored_statement(size), keys)
        values = (sheet_key, *part, *([part[-1]] * (size - len(part))))  # a repeated id matches no more
        if order is None:
            params: Any = dict(zip(keys, values, strict=True))
        elif order == tuple(range(len(keys))):
            params = values
        else:
            params = tuple(values[i] for i in order)
        for rid, origin, version, period, row_hash in connection.exec_driver_sql(sql, params).all():
            out[rid] = Current(origin, version, period, row_hash)
    return out


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
) -> tuple[list[Finding], ImportedBundle | None, int | None]:
    """Stage 8 in table order, from the (branch, key) state; a replay stops it. Also returns the
    id of this bundle's quarantined row, if one is waiting (a commit then updates it)."""
    branch, seq = str(manifest["branch_code"]), int(manifest["seq"])
    # One query for the replay, the sequence conflict and a quarantined row of this bundle.
    seen = session.execute(_SEEN, {"branch": branch, "digest": digest, "key_id": key_id, "seq": seq}).all()
    prior = next((i for i, d, status in seen if d == digest and status in DONE), None)
    if prior is not None:
        replay = session.get(ImportedBundle, prior)
        assert replay is not None
        return [make_finding("ALREADY_IMPORTED", 8, d=show_date(replay.received_at))], replay, None
    held = next((i for i, d, status in seen if d == digest and status == "quarantined"), None)
    out: list[Finding] = []
    if any(d != digest and status in DONE for _i, d, status in seen):
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
    return out, None, held


def _advance_state(session: Session, branch: str, key_id: str, seq: int, digest: str, now: datetime) -> None:
    state = session.get(BundleState, (branch, key_id))
    if state is None:
        state = BundleState(branch_code=branch, key_id=key_id, last_seq=0, last_digest="")
        session.add(state)
    if seq >= state.last_seq:
        state.last_seq, state.last_digest = seq, digest
    state.last_imported_at = naive_utc(now)
    session.flush()


def _queue_conflict(
    session: Session,
    sheet_key: str,
    record_id: str,
    version: int,
    row_hash: str,
    data: str,
    digest: str,
    stamp: datetime,
) -> None:
    """VERSION_CONFLICT is kept for resolution, once per distinct incoming content."""
    queued = session.scalars(
        select(ProvinceConflict.id).where(
            ProvinceConflict.sheet_key == sheet_key,
            ProvinceConflict.record_id == record_id,
            ProvinceConflict.version == version,
            ProvinceConflict.incoming_hash == row_hash,
            ProvinceConflict.status == "open",
        )
    ).first()
    if queued is None:
        session.add(
            ProvinceConflict(
                sheet_key=sheet_key,
                record_id=record_id,
                version=version,
                incoming_hash=row_hash,
                incoming_data=data,
                bundle_digest=digest,
                status="open",
                resolution="",
                created_at=stamp,
            )
        )
        session.flush()
