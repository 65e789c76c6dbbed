# SPDX-License-Identifier: MIT
"""Migrations on PostgreSQL (issue 5, item 7): every revision runs there too, the migrated schema
is the models' schema, upgrades keep data and run in one transaction, a server database is only
upgraded when allowed. Needs REDCROSS_TEST_PG_URL (skipped without it, failing in CI)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import URL, inspect, text

from pg_support import PgServer, pg_url
from redcross_desktop.core.errors import DatabaseNeedsUpgradeError, DatabaseTooNewError
from redcross_desktop.db.engine import create_store_engine
from redcross_desktop.db.migrate import alembic_config, current_revision, head_revision, upgrade_database
from redcross_desktop.db.models import Base


@pytest.fixture(scope="module")
def server() -> Iterator[PgServer]:
    pg = PgServer(pg_url())
    yield pg
    pg.dispose()


@pytest.fixture
def database(server: PgServer) -> Iterator[URL]:
    with server.scratch(prefix="redcross_mig") as url:
        yield url


def _run(url: URL, target: str, cfg_script: Path | None = None) -> None:
    cfg = alembic_config()
    if cfg_script is not None:
        cfg.set_main_option("script_location", str(cfg_script))
    engine = create_store_engine(url, migrating=True)
    try:
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, target)
    finally:
        engine.dispose()


def test_migrated_schema_equals_models_on_postgresql(database: URL) -> None:
    assert upgrade_database(database) is True
    engine = create_store_engine(database)
    try:
        with engine.connect() as conn:
            diff = compare_metadata(
                MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata
            )
            tables = set(inspect(conn).get_table_names())
    finally:
        engine.dispose()
    assert diff == []
    assert "people_fts" not in tables  # the FTS5 index is SQLite only
    assert {"province_records", "imported_bundles", "province_keys"} <= tables


def test_every_revision_runs_one_by_one_and_keeps_rows(database: URL) -> None:
    revisions = [
        r.revision for r in reversed(list(ScriptDirectory.from_config(alembic_config()).walk_revisions()))
    ]
    assert revisions[0] == "0001" and revisions[-1] == head_revision()
    _run(database, revisions[0])
    engine = create_store_engine(database)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO people (uuid, origin_branch, version, deleted, updated_at, ho, dem, ten, full_name,"
                " phone, email, thon, address, is_household_head, is_organisation, tax_code, contact_name,"
                " consent_status, consent_purposes, consent_recorded_by, blood_prior_donations,"
                " blood_prior_evidence, note, search_key, sort_key)"
                " VALUES ('01900000-0000-7000-8000-000000000001', '01-00070', 3, false, '2026-01-01 00:00:00',"
                " 'Nguyễn', 'Văn', 'Đức', 'Nguyễn Văn Đức', '0912345678', '', '', '', false, false, '', '',"
                " 'unknown', '', '', 0, '', '', 'nguyen van duc 0912345678', 'x')"
            )
        )
    engine.dispose()
    for revision in revisions[1:]:
        _run(database, revision)
        assert current_revision(database) == revision
    engine = create_store_engine(database)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT full_name, version FROM people")).one() == ("Nguyễn Văn Đức", 3)
    engine.dispose()
    assert upgrade_database(database) is False  # already at head


def test_server_database_is_upgraded_only_when_allowed(database: URL) -> None:
    _run(database, "0001")
    with pytest.raises(DatabaseNeedsUpgradeError) as caught:
        upgrade_database(database, allow_server_upgrade=False)
    assert caught.value.code == "DATABASE_NEEDS_UPGRADE"
    assert current_revision(database) == "0001"
    assert upgrade_database(database, allow_server_upgrade=True) is True
    assert current_revision(database) == head_revision()


def test_store_from_a_newer_app_is_refused_on_postgresql(database: URL) -> None:
    upgrade_database(database)
    engine = create_store_engine(database)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = 'ffffffffffff'"))
    engine.dispose()
    with pytest.raises(DatabaseTooNewError) as caught:
        upgrade_database(database)
    assert caught.value.code == "DATABASE_TOO_NEW"


def test_failing_revision_changes_nothing_on_postgresql(database: URL, tmp_path: Path) -> None:
    """PostgreSQL DDL is transactional too: a revision failing half-way undoes the whole run."""
    scripts = tmp_path / "migrations"
    shutil.copytree(alembic_config().get_main_option("script_location") or "", scripts)
    (scripts / "versions" / "29990101_9999_broken.py").write_text(
        "revision = '9999'\n"
        f"down_revision = {head_revision()!r}\n"
        "branch_labels = None\ndepends_on = None\n"
        "from alembic import op\n"
        "def upgrade():\n"
        "    op.execute('CREATE TABLE half_done (x INTEGER)')\n"
        "    op.execute('INSERT INTO no_such_table VALUES (1)')\n"
        "def downgrade():\n    pass\n"
    )
    with pytest.raises(Exception, match="no_such_table"):
        _run(database, "head", scripts)
    engine = create_store_engine(database)
    with engine.connect() as conn:
        tables = set(inspect(conn).get_table_names())
    engine.dispose()
    assert "half_done" not in tables and "people" not in tables
