# SPDX-License-Identifier: MIT
"""What the record lists of the sections share: the add/edit/open-on-Enter wiring of a table of
records, the "Xóa" confirmation and the "Đã lưu" notice with its warnings. Qt is imported here."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Generic, TypeVar

from PySide6.QtCore import QModelIndex, Qt, QTimer
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ...core.i18n import _
from ..qt_i18n import translate_buttons
from ..style import title_label
from ..widgets.record_table import RecordTable

R = TypeVar("R")

SEARCH_DELAY_MS = 250


def button_row(leading: Iterable[QWidget], trailing: Iterable[QWidget] = ()) -> QHBoxLayout:
    """A row above a list: `leading` on the left, `trailing` (export…) pushed to the right."""
    row = QHBoxLayout()
    for widget in leading:
        row.addWidget(widget)
    row.addStretch(1)
    for widget in trailing:
        row.addWidget(widget)
    return row


def search_field(placeholder: str) -> QLineEdit:
    search = QLineEdit()
    search.setPlaceholderText(placeholder)
    search.setClearButtonEnabled(True)
    return search


def debounced_search(parent: QWidget, search: QLineEdit, refresh: Callable[[], None]) -> QTimer:
    """Typing refreshes once it pauses; Enter refreshes at once. `refresh` should stop the timer."""
    timer = QTimer(parent)
    timer.setSingleShot(True)
    timer.setInterval(SEARCH_DELAY_MS)
    timer.timeout.connect(refresh)
    search.textChanged.connect(lambda _text: timer.start())  # restarting it is the debounce
    search.returnPressed.connect(refresh)
    return timer


class TabbedSection(QWidget):
    """A section made of tabs under its title. The tab brought forward reloads (another tab may
    have changed what it shows); Ctrl+F goes to the search field of the main tab."""

    tabs: QTabWidget

    def _build(self, title: str, pages: Sequence[tuple[QWidget, str]], search: QLineEdit) -> None:
        """Called by the subclass once its pages exist; `search` lies on one of them."""
        self._search = search
        self._search_page = next(page for page, _label in pages if page.isAncestorOf(search))
        self.tabs = QTabWidget()
        for page, label in pages:
            self.tabs.addTab(page, label)
        self.tabs.currentChanged.connect(self._on_tabs_current_changed)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 16)
        layout.setSpacing(10)
        layout.addWidget(title_label(title))
        layout.addWidget(self.tabs, 1)

    def focus_search(self) -> bool:
        self.tabs.setCurrentWidget(self._search_page)
        self._search.setFocus()
        self._search.selectAll()
        return True

    def _on_tabs_current_changed(self, _index: int) -> None:
        refresh = getattr(self.tabs.currentWidget(), "refresh", None)
        if callable(refresh):
            refresh()


class RecordActions(Generic[R]):
    """Mixed into a tab (before QWidget) that has `table` and the buttons named below and opens a
    record with `open_dialog(row)` (None for a new one)."""

    table: RecordTable[R]
    add_button: QPushButton
    edit_button: QPushButton
    delete_button: QPushButton
    history_button: QPushButton

    def open_dialog(self, row: R | None) -> object:
        raise NotImplementedError

    def _connect_record_actions(self) -> None:
        """Add, edit, history; Enter or a double click opens the row; the buttons follow the
        selection; Ctrl+N adds. Other buttons (delete, export…) the tab connects itself."""
        self.add_button.clicked.connect(self._on_add_button_clicked)
        self.edit_button.clicked.connect(self._on_edit_button_clicked)
        self.history_button.clicked.connect(self._on_history_button_clicked)
        self.table.activated.connect(self._on_table_activated)
        self.table.selectionModel().selectionChanged.connect(self._on_selection_changed)
        # A button's shortcut works only while the button is shown: in this tab of this section.
        self.add_button.setShortcut(QKeySequence(QKeySequence.StandardKey.New))

    def _on_history_button_clicked(self) -> None:
        raise NotImplementedError

    def row_buttons(self) -> tuple[QPushButton, ...]:
        """The buttons that need a chosen row."""
        return (self.edit_button, self.delete_button, self.history_button)

    def _on_selection_changed(self, *_args: object) -> None:
        chosen = self.table.current() is not None
        for button in self.row_buttons():
            button.setEnabled(chosen)

    def _on_add_button_clicked(self) -> None:
        self.open_dialog(None)

    def _on_edit_button_clicked(self) -> None:
        row = self.table.current()
        if row is not None:
            self.open_dialog(row)

    def _on_table_activated(self, index: QModelIndex) -> None:
        row = self.table.model_.row_at(index.row())
        if row is not None:
            self.open_dialog(row)


def ask_to_delete(
    parent: QWidget,
    title: str,
    question: str,
    informative: str,
    then: Callable[[], object],
    *,
    no_default: bool = False,
) -> QMessageBox:
    """Opens a "Xóa" / "Bỏ qua" question; `then` runs only on "Xóa". The caller keeps the box."""
    box = QMessageBox(QMessageBox.Icon.Question, title, question, QMessageBox.StandardButton.NoButton, parent)
    box.setInformativeText(informative)
    delete = box.addButton(_("Xóa"), QMessageBox.ButtonRole.DestructiveRole)
    box.addButton(_("Bỏ qua"), QMessageBox.ButtonRole.RejectRole)
    if no_default:
        box.setDefaultButton(QMessageBox.StandardButton.NoButton)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.buttonClicked.connect(lambda clicked: then() if clicked is delete else None)
    box.open()
    return box


def show_notice(parent: QWidget, title: str, text: str, details: Iterable[str]) -> QMessageBox:
    """Opens an information box listing `details` as bullets. The caller keeps the box."""
    box = QMessageBox(QMessageBox.Icon.Information, title, text, QMessageBox.StandardButton.Ok, parent)
    lines = list(details)
    if lines:
        box.setInformativeText("\n".join(f"• {line}" for line in lines))
    translate_buttons(box)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box
