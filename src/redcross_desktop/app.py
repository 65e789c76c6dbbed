# SPDX-License-Identifier: MIT
"""GUI entry point `redcross-desktop` (also `python -m redcross_desktop`). Qt is imported here.

Startup order: arguments → paths and logging → QApplication, language, exception hooks → a lock
so that only one window works on a store → the main window, shown at once with its sidebar and
"Đang mở dữ liệu…" → after its first paint, the store opens on the writer thread (`Startup`) →
the window is attached to the services and builds the section chosen meanwhile.

Why this order: SQLAlchemy, the services and the modules of the sections (reportlab, openpyxl,
QtCharts…) take seconds to import on an office PC, and an officer who sees nothing for that long
clicks the icon again. So nothing imported before the first paint pulls them in; the writer thread
imports SQLAlchemy and the services while the window is already on screen and answering clicks.

A store file that does not exist yet is a first run: the wizard comes before the window. A store
that exists but has no branch is found out only by opening it: the wizard then comes over the
window. A `RedCrossError` while opening is shown as its message, and the app exits with 1; a
migration shows a progress dialog. `build()` stops before `show()` and `exec()`: the store opens
once the window has been shown and painted, and `main()` returns the exit code startup chose.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import logging
import multiprocessing
import sys
from collections.abc import Sequence
from concurrent.futures import Future
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, cast

import shiboken6
from PySide6.QtCore import QLockFile, QObject, Qt, Signal, Slot
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget, QWizard

from .bootstrap import demo_paths, setup_logging
from .core.errors import NoBranchError, RedCrossError
from .core.i18n import LANGUAGES, _, set_language
from .core.paths import AppPaths
from .ui.errors import CrashReporter, install_excepthooks, show_error
from .ui.main_window import MainWindow
from .ui.qt_i18n import install_qt_translations, translate_buttons
from .ui.state import UiState
from .ui.style import app_icon, apply_style
from .ui.tasks import QtProgress, TaskRunner

if TYPE_CHECKING:
    from .services.container import Services

log = logging.getLogger(__name__)


class StartupAborted(Exception):  # noqa: N818 - not an error: the user was told why, or chose to quit
    def __init__(self, exit_code: int) -> None:
        super().__init__(exit_code)
        self.exit_code = exit_code


def store_identity(db: str | Path) -> str:
    """Names a store the same way for every window that opens it: the resolved file, or the URL."""
    text = str(db)
    if "://" in text:
        from .db.engine import store_url  # a server URL (a province): SQLAlchemy normalises it

        return store_url(text).render_as_string(hide_password=True)
    # A file path, resolved without SQLAlchemy so the lock is taken before the first paint.
    return f"sqlite:///{Path(text).expanduser().resolve()}"


def _missing_file(db: str | Path) -> bool:
    """A store file that does not exist yet: a first run, decided without opening anything."""
    text = str(db)
    return "://" not in text and not Path(text).expanduser().exists()


class StoreLock(QObject):
    """One GUI per store: a second window on the same SQLite file would race the first one's edits.

    The lock lives as long as the main window it is parented to."""

    def __init__(self, lock_dir: Path, db: str | Path) -> None:
        super().__init__()
        digest = hashlib.sha256(store_identity(db).encode("utf-8")).hexdigest()[:16]
        lock_dir.mkdir(parents=True, exist_ok=True)
        self.file = QLockFile(str(lock_dir / f"store-{digest}.lock"))
        # 0: a long session's lock never turns "stale" by age; a crashed owner is still detected by its PID.
        self.file.setStaleLockTime(0)

    def acquire(self) -> bool:
        return self.file.tryLock(0)

    def release(self) -> None:
        self.file.unlock()
        self.setParent(None)


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


def _lock(lock_dir: Path, db: str | Path, parent: QWidget | None = None) -> StoreLock:
    lock = StoreLock(lock_dir, db)
    if lock.acquire():
        return lock
    box = QMessageBox(
        QMessageBox.Icon.Information,
        _("Phần mềm đang mở"),
        _("Dữ liệu này đang được mở trong một cửa sổ khác của phần mềm."),
        QMessageBox.StandardButton.Ok,
        parent,
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
    chooses the demo branch (None, True), or quits (`StartupAborted`)."""
    from .ui.wizard import FirstRunWizard  # the province list and the services: first run only

    wizard = FirstRunWizard(db, default, runner, state=state, language=state.language_or_default())
    accepted = wizard.exec() == QWizard.DialogCode.Accepted
    services, demo = wizard.services, wizard.demo_chosen
    # Deleted here, on the GUI thread: left to Python's garbage collector, its widgets could be
    # destroyed on whichever thread happens to run a collection, which crashes Qt.
    shiboken6.delete(wizard)
    if not accepted and services is None:
        raise StartupAborted(1)
    return services, demo


class _Opening:
    """What the writer thread needs to open the store. A plain object: the worker reads and writes
    it while the GUI thread runs, which Qt objects do not allow."""

    def __init__(self, db: str | Path, default: AppPaths, demo: bool) -> None:
        self.db = db
        self.default = default
        self.demo = demo
        self.services: Services | None = None  # set by the writer thread once open


def _open_on_writer(opening: _Opening, progress: _ProgressOnDemand) -> Services:
    """Runs on the writer thread: imports SQLAlchemy and the services, migrates if needed, opens
    the store. Nothing that imports Qt runs here: PySide6 builds its types and enums as a module
    first uses them, and doing that off the GUI thread while it runs crashes the process. (The
    section's own module, imported later on the GUI thread, costs a few tens of milliseconds once
    the services are loaded.)"""
    from .bootstrap import open_demo, open_store

    if opening.demo:
        services = open_demo(opening.default, progress=progress)
    else:
        services = open_store(opening.db, opening.default, server_upgrade=False, progress=progress)
    opening.services = services
    return services


class _ProgressOnDemand(QObject):
    """A `Progress` whose dialog appears only once the opening reports something (a migration, or
    the demo branch being created): an ordinary open shows none, so the sidebar stays clickable."""

    _reported = Signal(object, object, str)

    def __init__(self, window: QWidget, label: str) -> None:
        super().__init__()
        self._window = window
        self._label = label
        self._closed = False
        self.dialog: QtProgress | None = None
        self.messages: list[str] = []  # what the opening reported, in order
        self._reported.connect(self._on_reported, Qt.ConnectionType.QueuedConnection)

    def report(self, done: int, total: int | None = None, message: str = "") -> None:
        self._reported.emit(done, total, message)  # from the writer thread

    def cancelled(self) -> bool:
        return False  # a migration or the demo's creation runs to its end

    def close(self) -> None:
        self._closed = True
        if self.dialog is not None:
            self.dialog.close()

    @Slot(object, object, str)
    def _on_reported(self, done: int, total: int | None, message: str) -> None:
        self.messages.append(message)
        if self._closed or not shiboken6.isValid(self._window):
            return
        if self.dialog is None:
            self.dialog = QtProgress(self._window, self._label, cancellable=False)
        self.dialog.report(done, total, message)


def _resume_gc(*_args: object) -> None:
    gc.enable()


class Startup(QObject):
    """The part of startup that needs the store, begun at the window's first paint: opens it on the
    writer thread, then attaches the window; on a store without a branch, the first-run wizard; on
    a `RedCrossError`, its message, and `exit_code` 1 (3 for a bug, after the crash dialog).

    `stopped` tells `main()` to end its event loop; it is a signal, not `QCoreApplication.exit()`,
    because exit() with no loop of main()'s running (a test's wait) would make every later exec()
    return at once."""

    stopped = Signal(int)  # the exit code

    def __init__(
        self,
        window: MainWindow,
        runner: TaskRunner,
        reporter: CrashReporter,
        lock: StoreLock,
        *,
        db: str | Path,
        default: AppPaths,
        state: UiState,
        demo: bool,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.runner = runner
        self.reporter = reporter
        self.lock = lock
        self.state = state
        self.exit_code: int | None = None
        self.progress: _ProgressOnDemand | None = None  # the latest opening's
        self.opening = _Opening(db, default, demo)
        self._started = False
        window.first_painted.connect(self.start)
        # Collection is paused while the store opens (see _open); a window deleted before the
        # result came back (a test's cleanup) must not leave it paused.
        window.destroyed.connect(_resume_gc)

    @Slot()
    def start(self) -> None:
        if self._started or not self.window.isVisible():  # closed before its first paint was answered
            return
        self._started = True
        self._open()

    def _open(self) -> None:
        label = (
            _("Đang mở chi hội mẫu (lần đầu cần tạo dữ liệu, có thể mất một phút)…")
            if self.opening.demo
            else _("Đang mở dữ liệu…")
        )
        progress = self.progress = _ProgressOnDemand(self.window, label)
        # The writer thread allocates heavily while it imports; a garbage collection it triggered
        # there could destroy a Qt object left in a reference cycle off the GUI thread, which
        # crashes Qt. So collect here, on the GUI thread, and pause automatic collection until the
        # store is open (about a second).
        gc.collect()
        gc.disable()
        self.runner.submit(
            partial(_open_on_writer, self.opening, progress), partial(self._on_opened, progress), writes=True
        )

    def _on_opened(self, progress: _ProgressOnDemand, future: Future[Services]) -> None:
        _resume_gc()
        progress.close()
        if not shiboken6.isValid(self) or not self.window.isVisible():
            self.discard()  # the window was closed while the store opened
            return
        try:
            services = future.result()
        except NoBranchError:
            self._first_run()
        except RedCrossError as error:
            show_error(self.window, error, wait=True)
            self._stop(1)
        except Exception as exc:
            log.critical("startup failed", exc_info=exc)
            self.reporter.show(type(exc), exc, exc.__traceback__, wait=True)
            self._stop(3)
        else:
            self._attach(services)

    def _attach(self, services: Services) -> None:
        default = self.opening.default
        store_paths = (demo_paths(default) if self.opening.demo else default).ensure()
        self.window.attach(services, demo=self.opening.demo, paths=store_paths)

    def _first_run(self) -> None:
        try:
            created, _demo = _first_run(self.opening.db, self.opening.default, self.runner, self.state)
            if created is not None:
                self.opening.services = created
                self._attach(created)
                return
            # The demo branch: its own store, so its own lock.
            demo_lock = _lock(
                self.opening.default.data_dir, demo_paths(self.opening.default).database, self.window
            )
        except StartupAborted as aborted:
            self._stop(aborted.exit_code)
            return
        self.lock.release()
        self.lock = demo_lock
        demo_lock.setParent(self.window)
        self.opening.demo = True
        self._open()

    def _stop(self, code: int) -> None:
        self.exit_code = code
        # hide(), not close(): closing the last window would quit with 0 over this exit code.
        self.window.hide()
        self.stopped.emit(code)

    def discard(self) -> None:
        """Closes a store that opened but never reached the window (it was closed meanwhile)."""
        _resume_gc()
        services = self.opening.services
        if services is not None and (
            not shiboken6.isValid(self.window) or self.window.services is not services
        ):
            services.close()
        self.opening.services = None


def _build(argv: Sequence[str] | None) -> tuple[QApplication, MainWindow, Startup | None]:
    args = _parser().parse_args(sys.argv[1:] if argv is None else list(argv))
    default = AppPaths.default()
    paths = (demo_paths(default) if args.demo else default).ensure()
    setup_logging(paths)
    log.info("starting redcross-desktop %s", " ".join(sys.argv[1:] if argv is None else argv))
    app = _application()
    state = UiState.for_paths(default)
    language = args.lang or state.language_or_default()
    set_language(language)
    install_qt_translations(app, language)  # Qt's own menus and buttons, before any widget exists
    reporter = install_excepthooks(paths.log_dir)
    runner = TaskRunner()
    demo = bool(args.demo)
    db: str | Path = demo_paths(default).database if demo else (args.db or default.database)
    services: Services | None = None
    try:
        lock = _lock(default.data_dir, db)
        if not demo and _missing_file(db):
            services, demo = _first_run(db, default, runner, state)
            if services is None:  # the demo branch has its own store and lock
                lock.release()
                db = demo_paths(default).database
                lock = _lock(default.data_dir, db)
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
    if services is not None:
        return app, window, None
    startup = Startup(window, runner, reporter, lock, db=db, default=default, state=state, demo=demo)
    return app, window, startup


def build(argv: Sequence[str] | None = None) -> tuple[QApplication, MainWindow]:
    """Everything up to the main window, shown by the caller; raises `StartupAborted` after telling
    the user why the app cannot start. The store opens once the window is shown and painted
    (`window.ready` is emitted then); a failure there hides the window and ends the event loop."""
    app, window, _startup = _build(argv)
    return app, window


def startup_of(window: MainWindow) -> Startup | None:
    """The startup still under way for a window made by `build()` (None if it was opened at once)."""
    return window.findChild(Startup)


def main(argv: Sequence[str] | None = None) -> int:
    # A packaged (frozen) app re-enters here in each import worker process (services/province/
    # workers.py); freeze_support() turns that into the worker, and does nothing otherwise.
    multiprocessing.freeze_support()
    try:
        app, window, startup = _build(argv)
    except StartupAborted as aborted:
        return aborted.exit_code
    if startup is not None:
        startup.stopped.connect(app.exit)
    window.show()
    try:
        code = app.exec()
    finally:
        if startup is not None:
            startup.discard()
        if window.services is not None:
            window.services.close()
    if startup is not None and startup.exit_code is not None:
        return startup.exit_code
    return code
