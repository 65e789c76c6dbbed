# SPDX-License-Identifier: MIT
"""The main window's sections and shortcuts, and the startup path in `app.build()`."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QLabel,
    QLineEdit,
    QMessageBox,
    QTableView,
    QWidget,
)

from redcross_desktop.app import StartupAborted, build, main
from redcross_desktop.core.paths import AppPaths
from redcross_desktop.services.container import Services
from redcross_desktop.services.people import PersonInput
from redcross_desktop.ui.main_window import SECTIONS, MainWindow
from redcross_desktop.ui.sections.people import PeopleSection
from redcross_desktop.ui.sections.placeholder import PlaceholderSection
from redcross_desktop.ui.tasks import InlineTaskRunner
from redcross_desktop.ui.wizard import FirstRunWizard

SECTION_TITLES = [
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
ENGLISH = re.compile(
    r"\b(Cancel|OK|Ok|Save|Search|Close|Yes|No|Open|Add|Delete|Edit|Name|Phone|Settings|Apply)\b"
)


@pytest.fixture
def window(qtbot, services: Services) -> MainWindow:
    services.people.create(PersonInput("Nguyễn Văn Đức"))
    services.people.create(PersonInput("Lê Thị Bình"))
    main = MainWindow(services, InlineTaskRunner())
    qtbot.addWidget(main)
    with qtbot.waitExposed(main):
        main.show()
    return main


def sidebar_titles(window: MainWindow) -> list[str]:
    return [window.sidebar.item(row).text() for row in range(window.sidebar.count())]


def visible_texts(widget: QWidget) -> list[str]:
    texts = [widget.windowTitle()]
    texts += [label.text() for label in widget.findChildren(QLabel)]
    texts += [button.text() for button in widget.findChildren(QAbstractButton)]
    texts += [button.toolTip() for button in widget.findChildren(QAbstractButton)]
    texts += [edit.placeholderText() for edit in widget.findChildren(QLineEdit)]
    for table in widget.findChildren(QTableView):
        model = table.model()
        texts += [str(model.headerData(c, Qt.Orientation.Horizontal)) for c in range(model.columnCount())]
    return [text for text in texts if text]


def test_all_twelve_sections_are_listed_in_order_with_their_pages(window: MainWindow) -> None:
    assert sidebar_titles(window) == SECTION_TITLES
    assert window.pages.count() == 12
    assert window.sidebar.currentRow() == 0
    window.sidebar.setCurrentRow(1)
    assert isinstance(window.current_section(), PeopleSection)
    window.sidebar.setCurrentRow(11)
    assert window.current_section() is window.sections["settings"]


def test_title_and_status_bar_name_the_branch(window: MainWindow, services: Services) -> None:
    assert services.branch.name in window.windowTitle()
    status = " ".join(label.text() for label in window.statusBar().findChildren(QLabel))
    assert "Mã chi hội: 01-00070" in status
    assert "cấp xã/phường" in status


def test_default_size_fits_a_1366_by_768_screen(window: MainWindow) -> None:
    assert window.width() <= 1366 and window.height() <= 768 - 60  # taskbar and title bar
    assert window.minimumWidth() <= 1024


def test_overview_shows_the_branch_and_the_people_count(window: MainWindow, services: Services) -> None:
    overview = window.sections["overview"]
    identity = overview.identity.text()
    assert services.branch.name in identity
    assert "Phường Hoàn Kiếm (00070)" in identity
    assert "Chủ tịch: Nguyễn Thị Hoa" in identity
    assert overview.people_count.text() == "2"
    assert not any("phiên bản sau" in text for text in visible_texts(overview))


def test_every_section_has_a_real_page_and_none_is_a_placeholder(window: MainWindow) -> None:
    assert list(window.sections) == [spec.key for spec in SECTIONS]
    for index, (key, page) in enumerate(window.sections.items()):
        assert not isinstance(page, PlaceholderSection), key
        assert window.pages.widget(index) is page and page.objectName() == f"section-{key}"


def test_no_english_is_visible_in_any_section_or_the_person_dialog(window: MainWindow, qtbot) -> None:
    found: dict[str, list[str]] = {}
    for key, page in window.sections.items():
        english = [text for text in visible_texts(page) if ENGLISH.search(text)]
        if english:
            found[key] = english
    people = window.show_section("people")
    assert isinstance(people, PeopleSection)
    qtbot.mouseClick(people.add_button, Qt.MouseButton.LeftButton)
    assert people.dialog is not None
    found["dialog"] = [text for text in visible_texts(people.dialog) if ENGLISH.search(text)]
    people.dialog.reject()
    assert {key: texts for key, texts in found.items() if texts} == {}
    assert not any(ENGLISH.search(text) for text in sidebar_titles(window) + [window.windowTitle()])


def test_ctrl_f_focuses_the_search_of_the_current_section(window: MainWindow, qtbot) -> None:
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    people = window.show_section("people")
    assert isinstance(people, PeopleSection)
    window.sidebar.setFocus()
    qtbot.keyClick(window.sidebar, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert people.search.hasFocus()
    # Ctrl+N belongs to the people page: a button's shortcut presses it at once and clicks it later.
    window.show_section("overview")
    qtbot.keyClick(window.sidebar, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert not people.add_button.isDown()
    window.show_section("people")
    qtbot.keyClick(people.search, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert people.add_button.isDown()
    qtbot.waitUntil(lambda: people.dialog is not None)
    assert people.dialog is not None
    people.dialog.reject()


# ---- startup (app.build) ---------------------------------------------------------------------


def answer_next_message_box(qtbot, button_text: str | None = None) -> list[str]:
    """Answers the next modal QMessageBox (startup boxes block in exec()); returns what it said."""
    seen: list[str] = []

    def answer() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, answer)  # not shown yet
            return
        seen.extend([box.text(), box.informativeText(), *(b.text() for b in box.buttons())])
        chosen = next((b for b in box.buttons() if b.text() == button_text), None)
        if chosen is not None:
            chosen.click()
        else:
            box.done(0)

    QTimer.singleShot(0, answer)
    return seen


@pytest.fixture
def built() -> Iterator[list[MainWindow]]:
    """Windows made by build(); each is closed (its lock released) and its store closed."""
    windows: list[MainWindow] = []
    yield windows
    for window in windows:
        if shiboken6.isValid(window):
            close_and_delete(window)


def close_and_delete(window: MainWindow) -> None:
    window.close()
    if window.services is not None:  # None: never shown, so the store was never opened
        window.services.close()
    shiboken6.delete(window)


def test_build_stops_before_exec_and_the_store_opens_once_the_window_is_shown(
    qtbot, app_data: AppPaths, services: Services, paths: AppPaths, built: list[MainWindow]
) -> None:
    _app, window = build(["--db", str(paths.database)])
    built.append(window)
    assert isinstance(window, MainWindow)
    assert not window.isVisible()
    assert window.services is None  # opened after the first paint (see test_startup.py)
    assert not QApplication.windowIcon().isNull()
    assert (app_data.log_dir / "redcross.log").is_file()
    window.show()
    qtbot.waitUntil(lambda: window.services is not None)
    assert services.branch.name in window.windowTitle()


def test_a_second_window_on_the_same_store_is_refused_until_the_first_closes(
    qtbot, app_data: AppPaths, paths: AppPaths, services: Services, built: list[MainWindow]
) -> None:
    _app, first = build(["--db", str(paths.database)])
    built.append(first)
    said = answer_next_message_box(qtbot)
    with pytest.raises(StartupAborted) as aborted:
        build(["--db", str(paths.database)])
    assert aborted.value.exit_code == 1
    assert said[0] == "Dữ liệu này đang được mở trong một cửa sổ khác của phần mềm."
    close_and_delete(first)
    _app, again = build(["--db", str(paths.database)])
    built.append(again)


def quit_the_first_run_wizard() -> None:
    """Quits the wizard that build() shows modally on a store without a branch (see test_wizard.py)."""

    def quit_wizard() -> None:
        wizard = QApplication.activeModalWidget()
        if not isinstance(wizard, FirstRunWizard):
            QTimer.singleShot(20, quit_wizard)  # not shown yet
            return
        wizard.reject()

    QTimer.singleShot(0, quit_wizard)


def test_an_unusable_store_is_explained_and_the_app_exits(qtbot, app_data: AppPaths, tmp_path: Path) -> None:
    folder = tmp_path / "not-a-file"
    folder.mkdir()
    said = answer_next_message_box(qtbot)
    # Found out on the writer thread once the window is up: main() shows it and runs the event loop.
    assert main(["--db", str(folder)]) == 1
    assert said[0].startswith("Không mở được cơ sở dữ liệu")
    assert "DATABASE_UNAVAILABLE" in said[1]
    assert said[2:] == ["Đồng ý"]


def test_main_returns_the_exit_code_when_startup_stops(qtbot, app_data: AppPaths, empty_store: Path) -> None:
    quit_the_first_run_wizard()
    assert main(["--db", str(empty_store)]) == 1
