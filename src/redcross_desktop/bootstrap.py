# SPDX-License-Identifier: MIT
"""Composition root for the GUI and the CLI: paths, logging, the store and its services. Qt-free.

SQLAlchemy, the migrations and the services are imported inside the functions that open a store:
the GUI imports this module for `setup_logging()` before its first window is painted, and those
imports take about a second, which the GUI spends on its writer thread once the window is up.
"""

from __future__ import annotations

import getpass
import logging
import logging.handlers
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from .core.errors import DatabaseUnavailableError, NoBranchError
from .core.i18n import _
from .core.paths import AppPaths
from .core.progress import NullProgress, Progress

if TYPE_CHECKING:
    from sqlalchemy import URL, Engine

    from .services.container import Services
    from .services.demo import DemoSummary

log = logging.getLogger(__name__)


def setup_logging(paths: AppPaths, *, verbose: bool = False) -> Path:
    paths.ensure()
    log_file = paths.log_dir / "redcross.log"
    handler = logging.handlers.RotatingFileHandler(
        log_file, maxBytes=2_000_000, backupCount=5, encoding="utf-8"
    )
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers = [h for h in root.handlers if not isinstance(h, logging.handlers.RotatingFileHandler)]
    root.addHandler(handler)
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    return log_file


def current_actor() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name (some service accounts)
        return "officer"


def prepare_store(
    db: str | Path | None, paths: AppPaths, *, server_upgrade: bool = True, progress: Progress | None = None
) -> tuple[URL, Engine]:
    """Resolve `--db`, migrate to head (with a backup first) and return an engine. `progress`, if
    given, hears a message before existing data is upgraded (the GUI then shows a dialog)."""
    from sqlalchemy.exc import OperationalError

    from .db.engine import create_store_engine, sqlite_file, store_url
    from .db.migrate import current_revision, head_revision, upgrade_database

    url = store_url(db if db is not None else paths.database)
    if (file := sqlite_file(url)) is not None:
        file.parent.mkdir(parents=True, exist_ok=True)
    try:
        if progress is not None:
            current = current_revision(url)
            if current is not None and current != head_revision():
                progress.report(0, None, _("Đang nâng cấp dữ liệu cho phiên bản mới của phần mềm…"))
        upgrade_database(url, backup_dir=paths.backup_dir, allow_server_upgrade=server_upgrade)
    except OperationalError as exc:
        raise DatabaseUnavailableError(
            _("Không mở được cơ sở dữ liệu {db}. Hãy kiểm tra đường dẫn, quyền ghi hoặc máy chủ.").format(
                db=url.render_as_string(hide_password=True)
            ),
            details=str(exc),
        ) from exc
    return url, create_store_engine(url)


def open_store(
    db: str | Path | None,
    paths: AppPaths,
    *,
    actor: str | None = None,
    server_upgrade: bool = True,
    progress: Progress | None = None,
) -> Services:
    """The services of an initialised store; raises `NoBranchError` for a store with no branch."""
    from sqlalchemy.orm import Session

    from .services.branch import BranchRow, load_branch
    from .services.container import Services

    _url, engine = prepare_store(db, paths, server_upgrade=server_upgrade, progress=progress)
    with Session(engine) as session:
        branch = load_branch(session)
        row = BranchRow.from_model(branch) if branch else None
    if row is None:
        engine.dispose()
        raise NoBranchError(
            _("Cơ sở dữ liệu chưa có chi hội. Hãy chạy 'redcross init --db …' hoặc 'redcross demo --db …'.")
        )
    return Services.build(engine, row, actor=actor or current_actor())


def init_store(
    db: str | Path | None,
    paths: AppPaths,
    *,
    province: str,
    commune: str | None,
    mode: str = "commune",
    actor: str | None = None,
    **details: str,
) -> Services:
    """Create a new branch store (refused if the store already has a branch)."""
    from .services.branch import create_branch, new_branch
    from .services.container import Services

    branch = new_branch(province, commune, mode=mode, **details)  # validate codes before touching disk
    _url, engine = prepare_store(db, paths)
    row = create_branch(engine, branch)
    return Services.build(engine, row, actor=actor or current_actor())


def demo_paths(paths: AppPaths) -> AppPaths:
    """The demo branch lives in its own folder, so it never mixes with a real branch's data."""
    return AppPaths.under(paths.data_dir / "demo")


def create_demo_store(
    db: str | Path,
    paths: AppPaths,
    *,
    people: int = 300,
    seed: int = 1,
    progress: Progress | None = None,
    today: date | None = None,
) -> DemoSummary:
    """A new, realistic demo branch (Phường Hoàn Kiếm, Hà Nội) filled with 24 months of records."""
    from .services.demo import DEMO_COMMUNE, DEMO_PROVINCE, fill_demo

    services = init_store(
        db,
        paths,
        province=DEMO_PROVINCE,
        commune=DEMO_COMMUNE,
        actor="demo",
        chair_name="Nguyễn Thị Thu Hà",
        officer_name="Trần Minh Quân",
        officer_title="Cán bộ chuyên trách",
        address="Số 1 phố Lý Thái Tổ, phường Hoàn Kiếm, Hà Nội",
        phone="02438250000",
    )
    try:
        return fill_demo(services, people=people, seed=seed, progress=progress or NullProgress(), today=today)
    finally:
        services.close()


def open_demo(paths: AppPaths, *, progress: Progress | None = None) -> Services:
    """The demo branch's services; created and filled on first use."""
    demo = demo_paths(paths).ensure()
    if not demo.database.exists():
        create_demo_store(demo.database, demo, progress=progress)
    return open_store(demo.database, demo, progress=progress)
