# SPDX-License-Identifier: MIT
"""The §11 merge rule for one row, without a database: each branch of the pseudo-code in order."""

from __future__ import annotations

from typing import Any

import pytest

from redcross_desktop.domain.bundle_merge import (
    INSERT,
    OWNERSHIP_CONFLICT,
    PERIOD_INVALID,
    PERIOD_LOCKED,
    STALE,
    UNCHANGED,
    UPDATE,
    VERSION_CONFLICT,
    Current,
    Incoming,
    merge_outcome,
)

A, B = "01-00073", "01-00070"


def decide(
    inc: Incoming,
    cur: Current | None = None,
    *,
    periodic: bool = True,
    locked: tuple[str, ...] = (),
    included: tuple[str, ...] = ("2026-01", "2026-02", "2026-03"),
) -> tuple[str, dict[str, Any]]:
    return merge_outcome(
        inc,
        cur,
        bundle_branch=A,
        periodic=periodic,
        periods_included=included,
        current_month="2026-04",
        locked=locked,
    )


def inc(version: int = 2, period: str | None = "2026-02", origin: str = A, row_hash: str = "h2") -> Incoming:
    return Incoming("r1", origin, version, period, row_hash)


def cur(version: int = 2, period: str = "2026-02", origin: str = A, row_hash: str = "h2") -> Current:
    return Current(origin, version, period, row_hash)


def test_new_row_is_inserted_and_a_higher_version_updates() -> None:
    assert decide(inc()) == (INSERT, {})
    assert decide(inc(version=3, row_hash="h3"), cur()) == (UPDATE, {})


def test_row_of_another_origin_is_refused_before_anything_else() -> None:
    assert decide(inc(origin=B, period=None)) == (OWNERSHIP_CONFLICT, {"id": "r1"})
    assert decide(inc(version=9), cur(origin=B)) == (OWNERSHIP_CONFLICT, {"id": "r1"})


@pytest.mark.parametrize("period", [None, "2025-12", "2026-05"])
def test_period_outside_the_bundle_or_in_the_future_is_invalid(period: str | None) -> None:
    assert decide(inc(period=period), cur()) == (PERIOD_INVALID, {"p": period or ""})


def test_register_rows_need_no_period_in_the_bundle_but_not_the_future() -> None:
    assert decide(inc(period="2019-06"), periodic=False) == (INSERT, {})
    assert decide(inc(period="2026-05"), periodic=False)[0] == PERIOD_INVALID


def test_versions_decide_and_equal_versions_compare_content() -> None:
    assert decide(inc(version=1, row_hash="h1"), cur()) == (STALE, {})
    assert decide(inc(version=2, row_hash="h2"), cur()) == (UNCHANGED, {})
    assert decide(inc(version=2, row_hash="hX"), cur()) == (VERSION_CONFLICT, {"id": "r1", "v": 2})


def test_a_tombstone_is_just_a_row_and_a_live_higher_version_restores() -> None:
    # The rule never looks at `deleted`: a tombstone wins or loses on its version like any row.
    assert decide(inc(version=3, row_hash="tomb"), cur()) == (UPDATE, {})
    assert decide(inc(version=4, row_hash="live"), cur(version=3, row_hash="tomb")) == (UPDATE, {})


def test_locked_periods_refuse_changes_not_unchanged_rows() -> None:
    locked = ("2026-02",)
    assert decide(inc(), locked=locked) == (PERIOD_LOCKED, {"p": "2026-02"})
    assert decide(inc(version=3, period="2026-03"), cur(), locked=locked) == (PERIOD_LOCKED, {"p": "2026-02"})
    assert decide(inc(), cur(), locked=locked) == (UNCHANGED, {})
    assert decide(inc(version=1), cur(), locked=locked) == (STALE, {})
    assert decide(inc(version=3, period="2026-02"), cur(), periodic=False, locked=locked) == (UPDATE, {})
