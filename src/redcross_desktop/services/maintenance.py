# SPDX-License-Identifier: MIT
"""Looking after the store itself: a backup on demand into the backups folder. Qt-free."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

from sqlalchemy import Engine

from ..core.errors import RedCrossError
from ..core.i18n import _
from ..core.paths import AppPaths
from ..db.backup import backup_sqlite, timestamp
from ..db.engine import sqlite_file

log = logging.getLogger(__name__)

BACKUP_PREFIX = "sao-luu"


class BackupNotPossibleError(RedCrossError):
    code = "BACKUP_NOT_POSSIBLE"


def store_file(engine: Engine) -> Path | None:
    """The SQLite file behind `engine`, or None for a server database."""
    return sqlite_file(engine.url)


def backup_now(paths: AppPaths, database: Path | None = None) -> Path:
    """Copies the SQLite store (`database`, by default the one in `paths`) into `paths.backup_dir`
    with the online backup API, so it is consistent even while the app writes. Read-only on the
    store; run it on the writer thread so no write of this app interleaves."""
    source = database if database is not None else paths.database
    if not source.is_file():
        raise BackupNotPossibleError(
            _("Không tìm thấy tệp dữ liệu {path} để sao lưu. Hãy kiểm tra thư mục dữ liệu.").format(
                path=source
            )
        )
    target = paths.backup_dir / f"{BACKUP_PREFIX}-{timestamp()}.sqlite3"
    n = 1
    while target.exists():  # two backups within one second keep both copies
        n += 1
        target = paths.backup_dir / f"{BACKUP_PREFIX}-{timestamp()}-{n}.sqlite3"
    try:
        backup_sqlite(source, target)
    except (OSError, sqlite3.Error) as exc:
        raise BackupNotPossibleError(
            _("Không ghi được bản sao lưu vào {folder}. Hãy kiểm tra dung lượng ổ đĩa và quyền ghi.").format(
                folder=paths.backup_dir
            ),
            details=str(exc),
        ) from exc
    log.info("backed up %s to %s", source, target)
    return target


def backup_store(engine: Engine, paths: AppPaths) -> Path:
    """`backup_now` for the store behind `engine`; a server database is backed up by its administrator."""
    source = store_file(engine)
    if source is None:
        raise BackupNotPossibleError(
            _(
                "Dữ liệu đang nằm trên máy chủ PostgreSQL; phần mềm không tự sao lưu được. "
                "Hãy nhờ quản trị viên sao lưu bằng pg_dump."
            )
        )
    return backup_now(paths, source)
