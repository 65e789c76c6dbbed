# SPDX-License-Identifier: MIT
"""Stages 0–7 of a bundle for the province import, in a worker process (bundle-format.md §9, §12:
"stages 2–7 run in a child process with a timeout"), and the rows made ready for the merge.

`verify_job` runs in the worker: `sync.rows.verify_with_rows` with stages 4–5 decided from a
snapshot of the key registry (`keyrules.key_decision`), then every data row turned into the tuple
the merge stores (`Row`, with the row's JSON document already encoded), so the parent spends its
time on the database only. The snapshot may be stale by the time the parent merges (a rotation
committed meanwhile): the importer decides stages 4–5 again inside its transaction and verifies
again when the verdict changed, as it always did.

A worker that dies or passes the deadline gives MALFORMED_WORKBOOK for that bundle (`failed`).
This module imports no database code: it is what a worker loads. Qt-free."""

from __future__ import annotations

import atexit
import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from json.encoder import encode_basestring
from typing import Any

from ...sync.archive import ZipLimits
from ...sync.codes import REJECT
from ...sync.rows import KeyDecision, SheetRows, verify_with_rows
from ...sync.verify import VerificationResult, make_finding
from .keyrules import Registry, key_decision
from .workers import Outcome, WorkerPool

log = logging.getLogger(__name__)

# One data row as merged and stored: record_id, excel_row, row_hash, origin_branch, version,
# deleted, period, data (the JSON object of column key → canonical value, as signed).
Row = tuple[str, int, str, str | None, int, bool, str | None, str]


@dataclass(frozen=True)
class VerifyRequest:
    data: bytes
    registry: Registry
    # (branch, digest) of the committed bundles of branches that have a revoked key: KEY_REVOKED
    # spares a bundle imported before the revocation.
    imported: frozenset[tuple[str, str]]
    limits: ZipLimits


@dataclass(frozen=True)
class PreparedSheet:
    sheet_key: str
    title: str
    scope: str  # periodic | register
    rows: tuple[Row, ...]


@dataclass(frozen=True)
class PreparedBundle:
    """Stages 0–7 of one bundle: the verdict, the stage 4–5 decision it was reached with (None
    when stage 4 was not reached) and, unless it is a REJECT, the rows of every data sheet."""

    result: VerificationResult
    decision: KeyDecision | None
    sheets: dict[str, PreparedSheet] = field(default_factory=dict)


def _document(columns: Sequence[str]) -> Callable[[Sequence[str | None]], str]:
    """The row's JSON object of column key → canonical value, byte for byte what
    `json.dumps(dict(zip(columns, values)), ensure_ascii=False, separators=(",", ":"))` gives,
    written from the sheet's fixed keys: canonical values are only strings and nulls, and this
    is three times faster than building a dict per row for the encoder."""
    heads = [
        "{" + encode_basestring(columns[0]) + ":",
        *("," + encode_basestring(c) + ":" for c in columns[1:]),
    ]

    def document(values: Sequence[str | None]) -> str:
        parts: list[str] = []
        for head, value in zip(heads, values, strict=True):
            parts.append(head)
            parts.append("null" if value is None else encode_basestring(value))
        parts.append("}")
        return "".join(parts)

    return document


def _prepared(sheet: SheetRows) -> PreparedSheet:
    document = _document(sheet.columns)
    rows = tuple(
        (
            r.record_id,
            r.excel_row,
            r.row_hash,
            r.values[1],
            int(r.values[2] or 0),
            r.values[3] == "1",
            r.values[4],
            document(r.values),
        )
        for r in sheet.rows
    )
    return PreparedSheet(sheet.sheet_key, sheet.title, sheet.scope, rows)


def verify_job(request: VerifyRequest) -> PreparedBundle:
    """Runs in a worker process. A bad file never raises (it is a finding)."""
    decided: list[KeyDecision] = []

    def authorize(manifest: dict[str, Any], digest: str) -> KeyDecision:
        decision = key_decision(
            request.registry, manifest, digest, lambda branch, d: (branch, d) in request.imported
        )
        decided.append(decision)
        return decision

    verified = verify_with_rows(
        request.data,
        province_code=request.registry.province_code,
        authorize=authorize,
        limits=request.limits,
    )
    decision = decided[0] if decided else None
    if verified.result.severity == REJECT:
        return PreparedBundle(verified.result, decision)
    return PreparedBundle(verified.result, decision, {k: _prepared(s) for k, s in verified.sheets.items()})


def failed(outcome: Outcome) -> PreparedBundle:
    """MALFORMED_WORKBOOK for a bundle whose worker died, hung past the deadline or raised (§9):
    whatever the file does to the parser, it is refused alone."""
    log.error("bundle verification failed in its worker process (%s): %s", outcome.failure, outcome.detail)
    finding = make_finding("MALFORMED_WORKBOOK", 2, reason=outcome.failure or "")
    result = VerificationResult(
        ok=False,
        code=finding.code,
        severity=REJECT,
        stage=2,
        findings=(finding,),
        manifest=None,
        key_id=None,
        key_fingerprint=None,
        bundle_digest=None,
        authenticated=False,
    )
    return PreparedBundle(result, None)


def outcome_bundle(outcome: Outcome) -> PreparedBundle:
    if outcome.failure is None and isinstance(outcome.value, PreparedBundle):
        return outcome.value
    return failed(outcome)


_SHARED: WorkerPool | None = None
_SHARED_LOCK = threading.Lock()


def shared_pool() -> WorkerPool:
    """The process's verifier pool, started on first use and kept for the next imports (a GUI
    session, a CLI run): its workers' start-up is paid once."""
    global _SHARED
    with _SHARED_LOCK:
        if _SHARED is None:
            _SHARED = WorkerPool(verify_job)
            atexit.register(_SHARED.close)  # stop the workers politely (they would be killed anyway)
        return _SHARED
