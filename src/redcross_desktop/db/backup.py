# SPDX-License-Identifier: MIT
"""Consistent copies of a SQLite store (the online backup API, safe while WAL is in use). Qt-free."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path


def timestamp() -> str:
    return datetime.now().strftime("%Y%m%d-%H%M%S")


def backup_sqlite(source: Path, target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    dst.close()
    src.close()
    return target
