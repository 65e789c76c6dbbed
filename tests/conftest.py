# SPDX-License-Identifier: MIT
"""Shared fixtures: real SQLite files migrated by the startup path, one fresh copy per test."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before Qt loads

import pytest  # noqa: E402

from redcross_desktop.bootstrap import init_store, open_store  # noqa: E402
from redcross_desktop.core.paths import AppPaths  # noqa: E402
from redcross_desktop.db.engine import store_url  # noqa: E402
from redcross_desktop.db.migrate import upgrade_database  # noqa: E402
from redcross_desktop.services.container import Services  # noqa: E402

# Hoàn Kiếm ward, Hà Nội: a real 2025 code pair used by most tests.
PROVINCE, COMMUNE = "01", "00070"


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    paths = AppPaths.under(tmp_path_factory.mktemp("template")).ensure()
    upgrade_database(store_url(paths.database), backup_dir=paths.backup_dir)
    return paths.database  # migrated once, by the startup path


@pytest.fixture(scope="session")
def branch_template(tmp_path_factory: pytest.TempPathFactory, migrated_template: Path) -> Path:
    paths = AppPaths.under(tmp_path_factory.mktemp("branch")).ensure()
    shutil.copy(migrated_template, paths.database)
    services = init_store(
        paths.database,
        paths,
        province=PROVINCE,
        commune=COMMUNE,
        actor="test-officer",
        chair_name="Nguyễn Thị Hoa",
        officer_name="Trần Văn Nam",
    )
    services.close()
    return paths.database


@pytest.fixture
def paths(tmp_path: Path) -> AppPaths:
    return AppPaths.under(tmp_path).ensure()


@pytest.fixture
def empty_store(paths: AppPaths, migrated_template: Path) -> Path:
    shutil.copy(migrated_template, paths.database)
    return paths.database


@pytest.fixture
def services(paths: AppPaths, branch_template: Path) -> Iterator[Services]:
    """A commune branch (Phường Hoàn Kiếm, Hà Nội) with no records, on a fresh file."""
    shutil.copy(branch_template, paths.database)
    opened = open_store(paths.database, paths, actor="test-officer")
    yield opened
    opened.close()
