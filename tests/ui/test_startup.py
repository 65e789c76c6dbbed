# SPDX-License-Identifier: MIT
"""Startup shows the main window before the store is open, then fills it in (issue 3, cold start).

The window's first paint must not wait for SQLAlchemy, the services or the sections' modules:
the store opens on the writer thread afterwards, a click on a section meanwhile is kept, and a
`RedCrossError` found while opening is still shown as its Vietnamese message before the app exits.
"""

from __future__ import annotations

import gc
import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import shiboken6
from alembic import command
from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QMessageBox

from redcross_desktop.app import build, main, startup_of
from redcross_desktop.core.paths import AppPaths
from redcross_desktop.db.engine import create_store_engine, store_url
from redcross_desktop.db.migrate import alembic_config, current_revision, head_revision
from redcross_desktop.services.container import Services
from redcross_desktop.services.people import PersonInput
from redcross_desktop.ui.main_window import MainWindow
from redcross_desktop.ui.sections.blood import BloodSection
from redcross_desktop.ui.sections.people import PeopleSection

SIDEBAR = [
    "Tổng quan",
    "Người",
    "Quyên góp",
    "Kho hiện vật",
    "Cứu trợ / hỗ trợ",
    "Hiến máu",
    "Hội viên & TNV",
    "Hoạt động",
    "Báo cáo",
    "Đồng bộ",
    "Chứng nhận",
    "Cài đặt",
]


@pytest.fixture
def built() -> Iterator[list[MainWindow]]:
    """Windows made by build(); each is closed (its lock released) and its store, if opened, closed."""
    windows: list[MainWindow] = []
    yield windows
    for window in windows:
        if shiboken6.isValid(window):
            window.close()
            if window.services is not None:
                window.services.close()
            shiboken6.delete(window)


@pytest.fixture
def exec_guard() -> Iterator[None]:
    """Ends main()'s event loop with 99 should startup never end it, so a regression fails, not hangs."""
    guard = QTimer()
    guard.setSingleShot(True)
    guard.timeout.connect(lambda: QCoreApplication.exit(99))
    guard.start(60_000)
    yield
    guard.stop()


class FirstPaint(QObject):
    """Calls `seen()` at the first Paint event of `widget`, and keeps what it returned."""

    def __init__(self, widget: QObject, seen: Callable[[], object]) -> None:
        super().__init__()
        self.seen = seen
        self.result: list[object] = []
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.Paint and not self.result:
            self.result.append(self.seen())
        return False


def status_text(window: MainWindow) -> str:
    return " ".join(label.text() for label in window.statusBar().findChildren(QLabel) if not label.isHidden())


def test_the_window_is_painted_before_the_store_opens_then_the_people_list_fills_in(
    qtbot, app_data: AppPaths, services: Services, paths: AppPaths, built: list[MainWindow]
) -> None:
    services.people.create(PersonInput("Nguyễn Văn Đức"))
    services.people.create(PersonInput("Lê Thị Bình"))
    _app, window = build(["--db", str(paths.database)])
    built.append(window)
    window.show_section("people")  # as the benchmark does: the People section chosen at once
    first_paint = FirstPaint(window.sidebar.viewport(), lambda: (window.services, status_text(window)))
    window.show()
    qtbot.waitUntil(lambda: bool(first_paint.result))
    assert first_paint.result == [(None, "Đang mở dữ liệu…")]
    assert [window.sidebar.item(row).text() for row in range(window.sidebar.count())] == SIDEBAR
    assert window.windowTitle() == "Phần mềm quản lý Hội Chữ thập đỏ"

    qtbot.waitUntil(lambda: window.services is not None)
    assert gc.isenabled()  # paused only while the store opened
    people = window.current_section()
    assert isinstance(people, PeopleSection)
    assert window.pages.currentWidget() is people and window.sidebar.currentRow() == 1
    assert services.branch.name in window.windowTitle()
    assert "Mã chi hội: 01-00070" in status_text(window)
    assert "Đang mở dữ liệu…" not in status_text(window)

    def names() -> list[str]:
        return [str(people.model.data(people.model.index(row, 0))) for row in range(people.model.rowCount())]

    qtbot.waitUntil(lambda: names() == ["Lê Thị Bình", "Nguyễn Văn Đức"])  # Vietnamese name order


def test_the_app_gives_qt_s_own_menus_the_chosen_language(
    qtbot, app_data: AppPaths, services: Services, paths: AppPaths, built: list[MainWindow]
) -> None:
    _app, window = build(["--db", str(paths.database), "--lang", "vi"])
    built.append(window)
    field = QLineEdit(window)
    menu = field.createStandardContextMenu()
    texts = [action.text().split("\t")[0] for action in menu.actions() if not action.isSeparator()]
    assert "&Sao chép" in texts and "&Copy" not in texts
    menu.deleteLater()


def test_a_click_on_a_section_before_the_store_is_open_shows_that_section_once_it_is(
    qtbot, app_data: AppPaths, services: Services, paths: AppPaths, built: list[MainWindow]
) -> None:
    _app, window = build(["--db", str(paths.database)])
    built.append(window)
    window.show()  # the store opens only after the first paint, so nothing is open yet
    assert window.services is None
    blood_row = SIDEBAR.index("Hiến máu")
    rect = window.sidebar.visualItemRect(window.sidebar.item(blood_row))
    qtbot.mouseClick(window.sidebar.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.services is None
    assert window.sidebar.currentRow() == blood_row
    assert window.pages.currentIndex() == blood_row
    stand_in = window.pages.currentWidget()
    assert "Đang mở dữ liệu…" in [label.text() for label in stand_in.findChildren(QLabel)]

    qtbot.waitUntil(lambda: window.services is not None)
    assert isinstance(window.pages.currentWidget(), BloodSection)
    assert window.current_section() is window.sections["blood"]


def test_a_store_newer_than_the_app_is_explained_over_the_window_and_the_app_exits(
    qtbot, app_data: AppPaths, paths: AppPaths, branch_template: Path, exec_guard: None
) -> None:
    newer = paths.data_dir / "newer.sqlite3"
    newer.write_bytes(branch_template.read_bytes())
    with sqlite3.connect(newer) as db:
        db.execute("UPDATE alembic_version SET version_num = 'ffffffffffff'")  # a revision this app lacks
    said: list[object] = []

    def answer() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, answer)  # not shown yet
            return
        owner = box.parentWidget()
        said.extend([box.text(), box.informativeText(), isinstance(owner, MainWindow) and owner.isVisible()])
        box.done(0)

    QTimer.singleShot(0, answer)
    assert main(["--db", str(newer)]) == 1
    assert said[0] == "Dữ liệu do phiên bản mới hơn của phần mềm tạo ra. Hãy cập nhật phần mềm."
    assert "DATABASE_TOO_NEW" in str(said[1])
    assert said[2] is True  # shown over the main window, which had been painted first


def test_a_failed_start_reports_its_exit_code_to_callers_of_build(
    qtbot, app_data: AppPaths, tmp_path: Path, built: list[MainWindow]
) -> None:
    folder = tmp_path / "not-a-file"
    folder.mkdir()
    _app, window = build(["--db", str(folder)])
    built.append(window)
    startup = startup_of(window)
    assert startup is not None

    def answer() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            box.done(0)
        else:
            QTimer.singleShot(20, answer)

    QTimer.singleShot(0, answer)
    window.show()
    qtbot.waitUntil(lambda: startup.exit_code is not None)
    assert startup.exit_code == 1
    assert not window.isVisible() and window.services is None


def test_an_older_store_is_upgraded_on_the_writer_thread_behind_a_progress_dialog(
    qtbot, app_data: AppPaths, paths: AppPaths, branch_template: Path, built: list[MainWindow]
) -> None:
    older = paths.data_dir / "older.sqlite3"
    older.write_bytes(branch_template.read_bytes())
    engine = create_store_engine(store_url(older), migrating=True)
    with engine.begin() as connection:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.downgrade(config, "-1")
    engine.dispose()
    assert current_revision(store_url(older)) != head_revision()

    _app, window = build(["--db", str(older)])
    built.append(window)
    startup = startup_of(window)
    assert startup is not None
    window.show()
    qtbot.waitUntil(lambda: window.services is not None)
    assert current_revision(store_url(older)) == head_revision()
    assert list(app_data.backup_dir.glob("before-*.sqlite3"))  # the old store was copied first
    assert startup.progress is not None
    assert startup.progress.dialog is not None  # made on the GUI thread when the upgrade began
    assert startup.progress.messages == ["Đang nâng cấp dữ liệu cho phiên bản mới của phần mềm…"]


def test_a_window_closed_while_the_store_opens_leaves_nothing_open(
    qtbot, app_data: AppPaths, services: Services, paths: AppPaths, built: list[MainWindow]
) -> None:
    _app, window = build(["--db", str(paths.database)])
    built.append(window)
    startup = startup_of(window)
    assert startup is not None
    window.show()
    qtbot.waitUntil(lambda: startup.progress is not None)  # the opening was handed to the writer thread
    window.close()  # waits for the writer, as it would for a save
    qtbot.waitUntil(lambda: startup.opening.services is None)  # opened, then closed, never attached
    assert window.services is None and not window.isVisible()
    assert startup.exit_code is None
    assert gc.isenabled()  # paused only while the store opened


PROBE = r"""
import sys
from PySide6.QtCore import QCoreApplication, QEvent, QObject
from redcross_desktop.app import build

HEAVY = ("sqlalchemy", "redcross_desktop.services.container", "reportlab", "openpyxl", "PySide6.QtCharts")

class Probe(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint and not hasattr(self, "loaded"):
            self.loaded = [name for name in HEAVY if name in sys.modules]
        return False

app, window = build(["--db", sys.argv[1]])
probe = Probe()
window.sidebar.viewport().installEventFilter(probe)
window.show()
while not hasattr(probe, "loaded"):
    QCoreApplication.processEvents()
while window.services is None:
    QCoreApplication.processEvents()
print("at first paint:", ",".join(probe.loaded) or "-", "| then:", window.services.branch.branch_code, flush=True)
window.close()
window.services.close()
"""


def test_nothing_heavy_is_imported_before_the_first_paint(
    app_data: AppPaths, services: Services, paths: AppPaths
) -> None:
    """In a fresh process, as the app starts: this is what makes the first paint fast."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", REDCROSS_DATA_DIR=str(app_data.data_dir))
    result = subprocess.run(
        [sys.executable, "-c", PROBE, str(paths.database)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "at first paint: - | then: 01-00070"
