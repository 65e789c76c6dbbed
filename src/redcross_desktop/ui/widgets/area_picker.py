# SPDX-License-Identifier: MIT
"""Picks a province or a commune from the official 2025 list by typing part of its name, with or
without accents ("ha noi", "hoan kiem") or its code. Qt is imported here."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QStringListModel, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QLabel, QLineEdit, QListView, QVBoxLayout, QWidget

from ...core.i18n import _
from ...domain.areas import Area, matching

SHOWN = 200  # more than any province has communes in view at once; typing narrows it


class AreaPicker(QWidget):
    """A search line over a list of matches. The first match is chosen as you type; Down/Up move
    the choice, a click chooses. `chosen` carries the Area or None."""

    chosen = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._areas: tuple[Area, ...] = ()
        self._shown: list[Area] = []
        self.area: Area | None = None
        self.search = QLineEdit()
        self.search.setClearButtonEnabled(True)
        self.model = QStringListModel(self)
        self.list = QListView()
        self.list.setModel(self.model)
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setFocusPolicy(Qt.FocusPolicy.ClickFocus)  # Tab goes from the search to the next field
        self.choice = QLabel()
        self.choice.setObjectName("muted")
        self.choice.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.search)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.choice)
        self.setFocusProxy(self.search)
        self.search.textChanged.connect(self._on_search_text_changed)
        self.search.installEventFilter(self)
        self.list.selectionModel().currentChanged.connect(self._on_list_current_changed)

    def set_areas(self, areas: tuple[Area, ...]) -> None:
        """A new list to choose from (the communes of another province); the typed text is kept."""
        self._areas = areas
        self._refilter()

    def choose(self, area: Area | None) -> None:
        if area is not None and area in self._shown:
            self.list.setCurrentIndex(self.model.index(self._shown.index(area), 0))
            return
        self._set_area(area)

    # ---- internals --------------------------------------------------------------------------

    def _refilter(self) -> None:
        self._shown = matching(self._areas, self.search.text(), limit=SHOWN)
        self.model.setStringList([f"{area.name} ({area.code})" for area in self._shown])
        keep = self.area if self.area in self._shown else None
        if keep is None and self._shown and self.search.text().strip():
            keep = self._shown[0]
        if keep is None:
            self.list.clearSelection()
            self._set_area(None)
        else:
            self.list.setCurrentIndex(self.model.index(self._shown.index(keep), 0))
            self._set_area(keep)

    def _set_area(self, area: Area | None) -> None:
        changed = area != self.area
        self.area = area
        self.choice.setText(_("Đã chọn: {name}").format(name=area.name) if area else "")
        if changed:
            self.chosen.emit(area)

    def _on_search_text_changed(self, _text: str) -> None:
        self._refilter()

    def _on_list_current_changed(self, current: object, _previous: object) -> None:
        row = self.list.currentIndex().row()
        if 0 <= row < len(self._shown):
            self.list.scrollTo(self.list.currentIndex())
            self._set_area(self._shown[row])

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.search
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Up)
            and self._shown
        ):
            row = self.list.currentIndex().row()
            step = 1 if event.key() == Qt.Key.Key_Down else -1
            row = min(max(row + step, 0), len(self._shown) - 1)
            self.list.setCurrentIndex(self.model.index(row, 0))
            return True
        return super().eventFilter(watched, event)
