# SPDX-License-Identifier: MIT
"""The per-row merge rule of bundle-format.md §11, as a pure function: the origin owns its record,
a strictly higher version wins, an equal version with other content is a conflict kept for
resolution, locked periods refuse changes. Absence never deletes (only rows that are present are
decided); a tombstone is just a row with `deleted`. Qt-free."""

from __future__ import annotations

from collections.abc import Container
from dataclasses import dataclass
from typing import Any

# Outcomes that change nothing and are counted, and the ROW codes.
STALE = "ignored_stale"
UNCHANGED = "ignored_unchanged"
INSERT = "insert"
UPDATE = "update"
OWNERSHIP_CONFLICT = "OWNERSHIP_CONFLICT"
PERIOD_INVALID = "PERIOD_INVALID"
VERSION_CONFLICT = "VERSION_CONFLICT"
PERIOD_LOCKED = "PERIOD_LOCKED"
ROW_CODES = frozenset({OWNERSHIP_CONFLICT, PERIOD_INVALID, VERSION_CONFLICT, PERIOD_LOCKED})


@dataclass(frozen=True)
class Incoming:
    record_id: str
    origin_branch: str | None
    version: int
    period: str | None
    row_hash: str


@dataclass(frozen=True)
class Current:
    origin_branch: str
    version: int
    period: str
    row_hash: str


def merge_outcome(
    inc: Incoming,
    cur: Current | None,
    *,
    bundle_branch: str,
    periodic: bool,
    periods_included: Container[str],
    current_month: str,
    locked: Container[str],
) -> tuple[str, dict[str, Any]]:
    """(outcome, message params) for one incoming row, in the order of the §11 pseudo-code.
    `current_month` (YYYY-MM, the province's clock) bounds periods: a future one is invalid."""
    if inc.origin_branch != bundle_branch:
        return OWNERSHIP_CONFLICT, {"id": inc.record_id}
    period = inc.period
    if period is None or period > current_month or (periodic and period not in periods_included):
        return PERIOD_INVALID, {"p": period or ""}
    if cur is not None:
        if cur.origin_branch != inc.origin_branch:
            return OWNERSHIP_CONFLICT, {"id": inc.record_id}
        if inc.version < cur.version:
            return STALE, {}
        if inc.version == cur.version:
            if inc.row_hash == cur.row_hash:
                return UNCHANGED, {}
            return VERSION_CONFLICT, {"id": inc.record_id, "v": inc.version}
    if periodic:
        if period in locked:
            return PERIOD_LOCKED, {"p": period}
        if cur is not None and cur.period in locked:
            return PERIOD_LOCKED, {"p": cur.period}
    return (INSERT if cur is None else UPDATE), {}
