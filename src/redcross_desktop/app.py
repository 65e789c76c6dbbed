# SPDX-License-Identifier: MIT
"""GUI entry point `redcross-desktop` (also `python -m redcross_desktop`). Qt is imported here.

Startup order: arguments → paths and logging → QApplication, language, exception hooks → a lock
so that only one window works on a store → the store, opened on the writer thread behind a
progress dialog (migrations may take a while) → the main window. `build()` stops before `exec()`.
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import sys
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from functools import partial
from pathlib import Path
from typing import TypeVar, cast

import shiboken6
from PySide6.QtCore import QEventLoop, QLockFile, QObject
from PySide6.QtWidgets import QApplication, QMessageBox, QWizard

from .bootstrap import demo_paths, open_demo, open_store, setup_logging
from .core.errors import NoBranchError, RedCrossError
from .core.i18n import LANGUAGES, _, set_language
from .core.paths import AppPaths
from .core.progress import Progress
from .db.engine import store_url
from .services.container import Services
from .ui.errors import install_excepthooks, show_error
from .ui.main_window import MainWindow
from .ui.qt_i18n import translate_buttons
from .ui.state import UiState
from .ui.style import app_icon, apply_style
from .ui.tasks import QtProgress, TaskRunner
from .ui.wizard import FirstRunWizard

log = logging.getLogger(__name__)

T = TypeVar("T")


class StartupAborted(Exception):  # noqa: N818 - not an error: the user was told why, or chose to quit
    def __init__(self, exit_code: int) -> None:
        super().__init__(exit_code)
        self.exit_code = exit_code


class StoreLock(QObject):
    """One GUI per store: a second window on the same SQLite file would race the first one's edits.

    The lock lives as long as the main window it is parented to."""

    def __init__(self, lock_dir: Path, db: str | Path) -> None:
        super().__init__()
        identity = store_url(db).render_as_string(hide_password=True)
        digest = hashlib.sha256(identity.encode("utf-8")).hexdigest()[:16]
        lock_dir.mkdir(parents=True, exist_ok=True)
        self.file = QLockFile(str(lock_dir / f"store-{digest}.lock"))
        # 0: a long session's lock never turns "stale" by age; a crashed owner is still detected by its PID.
        self.file.setStaleLockTime(0)

    def acquire(self) -> bool:
        return self.file.tryLock(0)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="redcross-desktop", description=_("Phần mềm quản lý Hội Chữ thập đỏ cấp xã/phường.")
    )
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--db", help=_("tệp dữ liệu SQLite hoặc địa chỉ postgresql+psycopg://…"))
    where.add_argument("--demo", action="store_true", help=_("mở chi hội mẫu (tạo ở lần chạy đầu)"))
    parser.add_argument(
        "--lang", choices=LANGUAGES, default=None, help=_("ngôn ngữ giao diện (mặc định: như trong Cài đặt)")
    )
    return parser


def _application() -> QApplication:
    existing = QApplication.instance()
    app = cast(QApplication, existing) if existing is not None else QApplication([sys.argv[0]])
    app.setApplicationName("redcross-desktop")
    app.setOrganizationName("VietnamRedCross")
    app.setWindowIcon(app_icon())
    apply_style(app)
    return app


def _lock(lock_dir: Path, db: str | Path) -> StoreLock:
    lock = StoreLock(lock_dir, db)
    if lock.acquire():
        return lock
    box = QMessageBox(
        QMessageBox.Icon.Information,
        _("Phần mềm đang mở"),
        _("Dữ liệu này đang được mở trong một cửa sổ khác của phần mềm."),
        QMessageBox.StandardButton.Ok,
    )
    box.setInformativeText(
        _("Hãy chuyển sang cửa sổ đó trên thanh tác vụ. Nếu vừa đóng phần mềm, hãy đợi vài giây rồi mở lại.")
    )
    translate_buttons(box)
    box.exec()
    raise StartupAborted(1)


def _first_run(
    db: str | Path, default: AppPaths, runner: TaskRunner, state: UiState
) -> tuple[Services | None, bool]:
    """The first-run wizard on a store without a branch: it creates the branch, or the officer
    chooses the demo branch, or quits."""
    wizard = FirstRunWizard(db, default, runner, state=state, language=state.language_or_default())
    accepted = wizard.exec() == QWizard.DialogCode.Accepted
    services, demo = wizard.services, wizard.demo_chosen
    # Deleted here, on the GUI thread: left to Python's garbage collector, its widgets could be
    # destroyed on whichever thread happens to run a collection, which crashes Qt.
    shiboken6.delete(wizard)
    if not accepted and services is None:
        raise StartupAborted(1)
    return services, demo


def _in_background(runner: TaskRunner, label: str, work: Callable[[Progress], T]) -> T:
    """Runs `work` on the writer thread behind a progress dialog and returns (or raises) its result.
    The main event loop is not running yet, so a local one waits for the queued result."""
    progress = QtProgress(None, label, cancellable=False)
    loop = QEventLoop()
    done: list[Future[T]] = []

    def on_done(future: Future[T]) -> None:
        done.append(future)
        loop.quit()

    runner.submit(partial(work, progress), on_done, writes=True)
    if not done:
        loop.exec()
    progress.close()
    return done[0].result()


def _open_demo(default: AppPaths, runner: TaskRunner) -> tuple[Services, StoreLock]:
    lock = _lock(default.data_dir, demo_paths(default).database)
    services = _in_background(
        runner,
        _("Đang mở chi hội mẫu (lần đầu cần tạo dữ liệu, có thể mất một phút)…"),
        lambda progress: open_demo(default, progress=progress),
    )
    return services, lock


def _open(
    args: argparse.Namespace, default: AppPaths, runner: TaskRunner, state: UiState
) -> tuple[Services, StoreLock, bool]:
    if args.demo:
        return (*_open_demo(default, runner), True)
    db = args.db if args.db is not None else default.database
    lock = _lock(default.data_dir, db)
    try:
        services = _in_background(
            runner, _("Đang mở dữ liệu…"), lambda _progress: open_store(db, default, server_upgrade=False)
        )
    except NoBranchError:
        created, _demo = _first_run(db, default, runner, state)
        if created is not None:
            return created, lock, False
        del lock  # the demo branch has its own store and lock
        return (*_open_demo(default, runner), True)
    return services, lock, False


def build(argv: Sequence[str] | None = None) -> tuple[QApplication, MainWindow]:
    """Everything up to the main window, shown by the caller; raises `StartupAborted` after telling
    the user why the app cannot start."""
    args = _parser().parse_args(sys.argv[1:] if argv is None else list(argv))
    default = AppPaths.default()
    paths = (demo_paths(default) if args.demo else default).ensure()
    setup_logging(paths)
    log.info("starting redcross-desktop %s", " ".join(sys.argv[1:] if argv is None else argv))
    app = _application()
    state = UiState.for_paths(default)
    set_language(args.lang or state.language_or_default())
    reporter = install_excepthooks(paths.log_dir)
    runner = TaskRunner()
    try:
        services, lock, demo = _open(args, default, runner, state)
    except StartupAborted:
        runner.shutdown()
        raise
    except RedCrossError as error:
        runner.shutdown()
        show_error(None, error, wait=True)
        raise StartupAborted(1) from error
    except Exception as exc:
        runner.shutdown()
        log.critical("startup failed", exc_info=exc)
        reporter.show(type(exc), exc, exc.__traceback__, wait=True)
        raise StartupAborted(3) from exc
    store_paths = (demo_paths(default) if demo else default).ensure()
    window = MainWindow(services, runner, demo=demo, paths=store_paths, state=state)
    lock.setParent(window)
    return app, window


def main(argv: Sequence[str] | None = None) -> int:
    try:
        app, window = build(argv)
    except StartupAborted as aborted:
        return aborted.exit_code
    window.show()
    try:
        code = app.exec()
    finally:
        window.services.close()
    return code
