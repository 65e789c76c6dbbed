# SPDX-License-Identifier: MIT
"""Brings a store to the schema this app expects: at every start, in `redcross db upgrade` and in
test fixtures. All revisions run in one exclusive transaction after a backup. Qt-free."""

from __future__ import annotations

import logging
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import URL

from ..core.errors import DatabaseNeedsUpgradeError, DatabaseTooNewError
from ..core.i18n import _
from ..core.resources import migrations_dir
from .backup import backup_sqlite, timestamp
from .engine import create_store_engine, sqlite_file

log = logging.getLogger(__name__)


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir()))
    return cfg


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(url: URL) -> str | None:
    engine = create_store_engine(url)
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    finally:
        engine.dispose()


def upgrade_database(url: URL, *, backup_dir: Path | None = None, allow_server_upgrade: bool = True) -> bool:
    """Upgrade to head; returns True if anything ran. Refuses a store made by a newer app.

    A server database (PostgreSQL) is upgraded only when `allow_server_upgrade` (the CLI's
    `db upgrade`, run by an administrator after `pg_dump`); the GUI passes False.
    """
    cfg = alembic_config()
    script = ScriptDirectory.from_config(cfg)
    head = script.get_current_head()
    current = current_revision(url)
    if current == head:
        return False
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
