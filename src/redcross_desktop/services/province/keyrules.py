# SPDX-License-Identifier: MIT
"""The pure stage 4–5 verdict on a bundle's manifest (bundle-format.md §8–§9) from a loaded key
registry: which registered key authenticates it and which key codes it gets.

Kept apart from `trust.py` (which loads and changes the registry in the database) because it also
runs in the verifier's worker processes (`verification.py`): this module imports neither the
database layer nor SQLAlchemy, so a worker starts in a fraction of the time. Qt-free."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from ...sync.rows import KeyDecision
from ...sync.verify import TrustedKey

VN_TZ = timezone(timedelta(hours=7))  # Vietnam keeps no daylight saving time


def show_date(moment: datetime | None) -> str:
    if moment is None:
        return ""
    local = moment.replace(tzinfo=UTC).astimezone(VN_TZ) if moment.tzinfo is None else moment
    return f"{local.day:02d}/{local.month:02d}/{local.year:04d}"


@dataclass(frozen=True)
class RegisteredKey:
    key_id: str
    branch_code: str
    raw: bytes
    status: str
    effective_seq: int | None
    retired_at_seq: int | None
    revoked_at: datetime | None


@dataclass(frozen=True)
class Registry:
    province_code: str
    branches: frozenset[str]
    keys: Mapping[str, RegisteredKey]
    active: Mapping[str, str]  # branch_code -> key_id of its active key


def key_decision(
    registry: Registry,
    manifest: Mapping[str, Any],
    digest: str,
    imported_before: Callable[[str, str], bool],
) -> KeyDecision:
    """Stages 4–5 (after WRONG_RECIPIENT) in table order: UNKNOWN_BRANCH, KEY_BRANCH_MISMATCH,
    KEY_REVOKED (unless this very bundle was imported before), KEY_RETIRED (seq ≥ retired_at_seq),
    UNKNOWN_KEY (not registered or pending: the embedded key is used for a preview only)."""
    branch, key_id = str(manifest["branch_code"]), str(manifest["key_id"])
    findings: list[tuple[str, dict[str, Any]]] = []
    if branch not in registry.branches:
        findings.append(("UNKNOWN_BRANCH", {"b": branch}))
    key = registry.keys.get(key_id)
    if key is None or key.status == "pending":
        params: dict[str, Any] = {"key_id": key_id}
        if branch in registry.active:  # shown as a key change (§9)
            params["active_key_id"] = registry.active[branch]
        findings.append(("UNKNOWN_KEY", params))
        return KeyDecision(None, tuple(findings))
    if key.branch_code != branch:
        findings.append(("KEY_BRANCH_MISMATCH", {"a": key.branch_code, "b": branch}))
    elif key.status == "revoked" and not imported_before(branch, digest):
        findings.append(("KEY_REVOKED", {"d": show_date(key.revoked_at)}))
    elif (
        key.status == "retired"
        and key.retired_at_seq is not None
        and int(manifest["seq"]) >= key.retired_at_seq
    ):
        findings.append(("KEY_RETIRED", {"n": key.retired_at_seq}))
    return KeyDecision(TrustedKey(key.raw, key.branch_code), tuple(findings))
