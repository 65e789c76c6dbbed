# SPDX-License-Identifier: MIT
"""Brings a store to the schema this app expects: at every start, in `redcross db upgrade` and in
test fixtures. All revisions run in one exclusive transaction after a backup. Qt-free."""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import URL, inspect, text

from ..core.errors import DatabaseNeedsUpgradeError, DatabaseTooNewError
from ..core.i18n import _
from ..core.resources import migrations_dir
from .backup import backup_sqlite, timestamp
from .engine import create_store_engine, sqlite_file

if TYPE_CHECKING:
    from alembic.config import Config

log = logging.getLogger(__name__)

# Revision files are `YYYYMMDD_NNNN_slug.py` with revision id NNNN, one linear history
# (tests/db/test_migrations.py checks that this agrees with Alembic's own view).
_REVISION_FILE = re.compile(r"^\d{8}_(\d{4})_\w+\.py$")


def alembic_config() -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir()))
    return cfg


def head_revision() -> str:
    """The newest revision id, read from the revision file names: opening a store that is already
    up to date — every start of the app — then needs no Alembic (its import, with Mako, is a
    noticeable part of start-up); Alembic is imported only when there is something to upgrade."""
    versions = migrations_dir() / "versions"
    return max(m.group(1) for p in versions.iterdir() if (m := _REVISION_FILE.match(p.name)))


def current_revision(url: URL) -> str | None:
    """The store's revision (Alembic's version table), None for a store never migrated."""
    engine = create_store_engine(url)
    try:
        with engine.connect() as conn:
            if not inspect(conn).has_table("alembic_version"):
                return None
            value = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
            return None if value is None else str(value)
    finally:
        engine.dispose()


def upgrade_database(url: URL, *, backup_dir: Path | None = None, allow_server_upgrade: bool = True) -> bool:
    """Upgrade to head; returns True if anything ran. Refuses a store made by a newer app.

    A server database (PostgreSQL) is upgraded only when `allow_server_upgrade` (the CLI's
    `db upgrade`, run by an administrator after `pg_dump`); the GUI passes False.
    """
    head = head_revision()
    current = current_revision(url)
    if current == head:
        return False
    from alembic import command
    from alembic.script import ScriptDirectory

    cfg = alembic_config()
    script = ScriptDirectory.from_config(cfg)
    if current is not None and current not in {r.revision for r in script.walk_revisions()}:
        raise DatabaseTooNewError(
            _("Dữ liệu do phiên bản mới hơn của phần mềm tạo ra. Hãy cập nhật phần mềm.")
        )
    db_file = sqlite_file(url)
    if db_file is None and current is not None and not allow_server_upgrade:
        raise DatabaseNeedsUpgradeError(
            _(
                "Cơ sở dữ liệu máy chủ cần nâng cấp. Hãy nhờ quản trị sao lưu (pg_dump) rồi chạy 'redcross db upgrade'."
            )
        )
    if db_file is not None and current is not None and backup_dir is not None:
        copy = backup_sqlite(db_file, backup_dir / f"before-{head}-{timestamp()}.sqlite3")
        log.info("backed up %s to %s before upgrading", db_file, copy)
    engine = create_store_engine(url, migrating=True)
    try:
        with engine.begin() as conn:  # every revision, one transaction
            cfg.attributes["connection"] = conn  # migrations/env.py runs on it
            command.upgrade(cfg, "head")
            if db_file is not None and conn.exec_driver_sql("PRAGMA foreign_key_check").first():
                raise RuntimeError("foreign key violations after migration")  # rolls back
    finally:
        engine.dispose()
    log.info("upgraded %s from %s to %s", url.render_as_string(hide_password=True), current, head)
    return True
