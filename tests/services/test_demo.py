# SPDX-License-Identifier: MIT
"""The demo branch: realistic, deterministic, written through the services' rules."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

from redcross_desktop.bootstrap import create_demo_store
from redcross_desktop.core.paths import AppPaths

TODAY = date(2026, 11, 15)
# Content columns only: ids are UUIDv7 (time-based) and timestamps differ between runs by design.
CONTENT = {
    "people": "full_name, sex, birth_date, cccd, phone, thon",
    "donations": "receipt_year, receipt_no, received_on, channel, cash_vnd, status",
    "relief_records": "given_on, kind, cash_vnd, programme",
    "blood_donations": "donated_on, kind, ml",
    "memberships": "category, member_no, joined_on",
    "activities": "type, start_date, participants",
}


def _dump(db: Path) -> dict[str, list[tuple[object, ...]]]:
    with sqlite3.connect(db) as conn:
        return {
            t: conn.execute(f"SELECT {cols} FROM {t} ORDER BY id").fetchall() for t, cols in CONTENT.items()
        }


def test_same_seed_same_branch_and_24_months(tmp_path: Path) -> None:
    dumps = []
    for run in ("a", "b"):
        paths = AppPaths.under(tmp_path / run).ensure()
        create_demo_store(paths.database, paths, people=60, seed=5, today=TODAY)
        dumps.append(_dump(paths.database))
    assert dumps[0] == dumps[1]
    months = {d[2][:7] for d in dumps[0]["donations"]}
    assert len(months) == 24 and max(months) == "2026-11" and min(months) == "2024-12"
    assert all(d[2] <= TODAY.isoformat() for d in dumps[0]["donations"])  # nothing in the future


def test_demo_has_voids_and_corrections(tmp_path: Path) -> None:
    paths = AppPaths.under(tmp_path).ensure()
    create_demo_store(paths.database, paths, people=120, seed=1, today=TODAY)
    with sqlite3.connect(paths.database) as conn:
        voids = conn.execute(
            "SELECT count(*), min(length(void_reason)) FROM donations WHERE status='void'"
        ).fetchone()
        edits = conn.execute("SELECT count(*) FROM audit_log WHERE action='update'").fetchone()[0]
        receipts = conn.execute(
            "SELECT receipt_year, count(*), max(receipt_no) FROM donations GROUP BY 1"
        ).fetchall()
    assert voids[0] >= 1 and voids[1] > 0
    assert edits >= 1
    assert all(count == top for _year, count, top in receipts)  # gapless per year, voids included
