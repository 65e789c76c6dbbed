# SPDX-License-Identifier: MIT
"""Migrations: the migrated schema is the models' schema, upgrades keep data, newer stores are refused."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

from redcross_desktop.core.errors import DatabaseTooNewError
from redcross_desktop.core.paths import AppPaths
from redcross_desktop.db.engine import create_store_engine, store_url
from redcross_desktop.db.migrate import alembic_config, current_revision, head_revision, upgrade_database
from redcross_desktop.db.models import Base

FIRST_REVISION = "0001"


def _ignore_search_index(
    obj: object, name: str | None, type_: str, reflected: bool, compare_to: object
) -> bool:
    # The FTS5 table and its shadow tables are created by the migration on purpose (no model).
    return not (type_ == "table" and name is not None and name.startswith("people_fts"))


def test_migrated_schema_equals_models(migrated_template: Path) -> None:
    engine = create_store_engine(store_url(migrated_template))
    with engine.connect() as conn:
        ctx = MigrationContext.configure(
            conn, opts={"include_object": _ignore_search_index, "compare_type": True}
        )
        diff = compare_metadata(ctx, Base.metadata)
    engine.dispose()
    assert diff == []


def test_fresh_store_is_at_head_and_second_upgrade_does_nothing(paths: AppPaths) -> None:
    url = store_url(paths.database)
    assert upgrade_database(url, backup_dir=paths.backup_dir) is True
    assert current_revision(url) == head_revision()
    assert upgrade_database(url, backup_dir=paths.backup_dir) is False
    assert list(paths.backup_dir.iterdir()) == []  # nothing to back up for a new store


def _stamp_first_revision_with_data(db: Path) -> None:
    cfg = alembic_config()
    engine = create_store_engine(store_url(db), migrating=True)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, FIRST_REVISION)
        conn.execute(
            text(
                "INSERT INTO people (uuid, origin_branch, version, deleted, updated_at, ho, dem, ten, full_name,"
                " phone, email, thon, address, is_household_head, is_organisation, tax_code, contact_name,"
                " consent_status, consent_purposes, consent_recorded_by, blood_prior_donations,"
                " blood_prior_evidence, note, search_key, sort_key)"
                " VALUES ('01900000-0000-7000-8000-000000000001', '01-00070', 3, 0, '2026-01-01 00:00:00',"
                " 'Nguyễn', 'Văn', 'Đức', 'Nguyễn Văn Đức', '0912345678', '', '', '', 0, 0, '', '', 'unknown',"
                " '', '', 0, '', '', 'nguyen van duc 0912345678', 'x')"
            )
        )
    engine.dispose()


def test_upgrade_from_first_revision_keeps_rows_and_backs_up(paths: AppPaths) -> None:
    _stamp_first_revision_with_data(paths.database)
    url = store_url(paths.database)
    ran = upgrade_database(url, backup_dir=paths.backup_dir)
    assert current_revision(url) == head_revision()
    with sqlite3.connect(paths.database) as conn:
        row = conn.execute("SELECT full_name, version FROM people").fetchone()
        hits = conn.execute("SELECT rowid FROM people_fts WHERE people_fts MATCH '\"duc\"*'").fetchall()
    assert row == ("Nguyễn Văn Đức", 3)
    assert len(hits) == 1
    if ran:  # there are revisions after the first: a backup was taken before running them
        backups = list(paths.backup_dir.iterdir())
        assert len(backups) == 1
        with sqlite3.connect(backups[0]) as conn:
            assert conn.execute("SELECT count(*) FROM people").fetchone() == (1,)


def test_store_from_a_newer_app_is_refused(paths: AppPaths, migrated_template: Path) -> None:
    shutil.copy(migrated_template, paths.database)
    with sqlite3.connect(paths.database) as conn:
        conn.execute("UPDATE alembic_version SET version_num = 'ffffffffffff'")
    with pytest.raises(DatabaseTooNewError) as caught:
        upgrade_database(store_url(paths.database), backup_dir=paths.backup_dir)
    assert caught.value.code == "DATABASE_TOO_NEW"
    with sqlite3.connect(paths.database) as conn:  # untouched
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == ("ffffffffffff",)


def test_failing_revision_changes_nothing(paths: AppPaths, tmp_path: Path) -> None:
    """A revision that fails half-way rolls back every revision of the run (one transaction)."""
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
    url = store_url(paths.database)
    cfg = alembic_config()
    cfg.set_main_option("script_location", str(scripts))
    engine = create_store_engine(url, migrating=True)
    with pytest.raises(Exception, match="no_such_table"), engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    engine.dispose()
    with sqlite3.connect(paths.database) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert "half_done" not in tables and "people" not in tables


def test_head_read_from_file_names_is_alembic_s_head_and_every_file_is_named_for_it() -> None:
    from alembic.script import ScriptDirectory

    from redcross_desktop.core.resources import migrations_dir

    script = ScriptDirectory.from_config(alembic_config())
    assert head_revision() == script.get_current_head()
    assert len(script.get_heads()) == 1  # one linear history, as head_revision() assumes
    for revision in script.walk_revisions():
        files = list((migrations_dir() / "versions").glob(f"*_{revision.revision}_*.py"))
        assert len(files) == 1, (
            f"revision {revision.revision} must live in YYYYMMDD_{revision.revision}_slug.py"
        )


def test_an_up_to_date_store_opens_without_importing_alembic(paths: AppPaths) -> None:
    import subprocess
    import sys

    upgrade_database(store_url(paths.database), backup_dir=paths.backup_dir)
    probe = (
        "import sys; from redcross_desktop.db.migrate import upgrade_database; "
        "from redcross_desktop.db.engine import store_url; "
        f"assert upgrade_database(store_url({str(paths.database)!r})) is False; "
        "print('alembic' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", probe], check=True, capture_output=True, text=True).stdout
    assert out.strip() == "False"
