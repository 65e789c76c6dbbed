# SPDX-License-Identifier: MIT
"""Province-mode fixtures. Every province test that takes `province_db` (or `province_store`) runs
twice: on a SQLite file and on PostgreSQL (`REDCROSS_TEST_PG_URL`, see `tests/pg_support.py`).

- `province_store`: the `--db` value (a file path or a SQLAlchemy URL) of an EMPTY, migrated store
  on the parametrised backend: a copy of the migrated SQLite template, or a PostgreSQL database
  created from `redcross_template` (migrated once per session).
- `province_db`: the `Services` of a province store (Thành phố Hà Nội, mode "province",
  branch_code "01") initialised on `province_store`.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from province_helpers import CommuneFactory, Province, open_province

from pg_support import TEMPLATE_DB, PgServer, pg_url
from redcross_desktop.bootstrap import init_store
from redcross_desktop.core.paths import AppPaths
from redcross_desktop.db.migrate import upgrade_database
from redcross_desktop.services.container import Services

PROVINCE_CODE = "01"  # Thành phố Hà Nội: 126 communes in the official 2025 list
BACKENDS = ("sqlite", "postgresql")


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """The PostgreSQL server with `redcross_template` migrated to head (skips or fails when the
    server is not configured, see pg_support)."""
    server = PgServer(pg_url())
    server.drop(TEMPLATE_DB)
    template_url = server.create(TEMPLATE_DB)
    upgrade_database(template_url)  # disposes its engine: no session left on the template
    try:
        yield server
    finally:
        server.drop(TEMPLATE_DB)
        server.dispose()


@pytest.fixture(params=BACKENDS)
def province_store(request: pytest.FixtureRequest, paths: AppPaths, migrated_template: Path) -> Iterator[str]:
    if request.param == "sqlite":
        shutil.copy(migrated_template, paths.database)
        yield str(paths.database)
        return
    server: PgServer = request.getfixturevalue("pg_server")
    with server.scratch(template=TEMPLATE_DB) as url:
        yield url.render_as_string(hide_password=False)


@pytest.fixture
def province_db(province_store: str, paths: AppPaths) -> Iterator[Services]:
    services = init_store(
        province_store,
        paths,
        province=PROVINCE_CODE,
        commune=None,
        mode="province",
        actor="province-officer",
        chair_name="Lê Thị Minh",
        officer_name="Phạm Quốc Bảo",
    )
    try:
        yield services
    finally:
        services.close()


# ---------------------------------------------------------------- import pipeline (trust, importer, locks)


@pytest.fixture
def province(province_store: str, paths: AppPaths) -> Iterator[Province]:
    """A province-mode store (Hà Nội, "01") on the parametrised backend, with nothing registered,
    and its trust, import and lock services (the archive under the test's data folder)."""
    services = init_store(
        province_store, paths, province=PROVINCE_CODE, commune=None, mode="province", actor="can-bo-tinh"
    )
    try:
        yield open_province(services, province_store, paths.data_dir / "archive")
    finally:
        services.close()


@pytest.fixture
def communes(tmp_path: Path, migrated_template: Path) -> Iterator[CommuneFactory]:
    """Real commune stores made on demand (`communes.make("00073")`), each exporting real signed
    bundles with its own key."""
    factory = CommuneFactory(tmp_path / "xa", migrated_template)
    try:
        yield factory
    finally:
        factory.close()
