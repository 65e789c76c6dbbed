# SPDX-License-Identifier: MIT
"""Finds the data folders: packaged (`_resources`, `_migrations` inside the wheel or frozen app)
or, in a source checkout, the repository-root `resources/` and `migrations/`. Qt-free."""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent.parent


def _first_existing(*candidates: Path) -> Path:
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"none of {', '.join(map(str, candidates))} exists")


@cache
def resources_dir() -> Path:
    return _first_existing(_PACKAGE_DIR / "_resources", _PACKAGE_DIR.parent.parent / "resources")


@cache
def migrations_dir() -> Path:
    return _first_existing(_PACKAGE_DIR / "_migrations", _PACKAGE_DIR.parent.parent / "migrations")


def resource(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)
