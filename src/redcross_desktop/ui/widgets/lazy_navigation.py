# SPDX-License-Identifier: MIT
"""Ctrl+End and Ctrl+Home over a lazy table: straight to the last row of a million-row list, and
back to the first. Qt is imported here.

Ctrl+End asks the model to `jump_to_end()` (one keyset page read from the end) before the view
moves to the last row; scrolling back up then loads the earlier pages one at a time, keeping the
rows on screen where they were. Ctrl+Home after a jump reloads the list from its first page.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QTableView

from ..models.lazy_table import LazyTableModel


class LazyNavigation(QObject):
    def __init__(self, view: QTableView, model: LazyTableModel[Any]) -> None:
        super().__init__(view)
        self._view = view
        self._model = model
        view.installEventFilter(self)
        view.verticalScrollBar().valueChanged.connect(self._on_scroll_value_changed)

    def go_to_end(self) -> None:
        """What Ctrl+End does: the last row, selected and shown."""
        self._model.jump_to_end()
        last = self._model.rowCount() - 1
        if last >= 0:
            self._view.setCurrentIndex(self._model.index(last, 0))
        self._view.scrollToBottom()

    def go_to_start(self) -> None:
        """What Ctrl+Home does: the first row; after a jump, the list reloads from its start."""
        if self._model.can_fetch_earlier():
            self._model.reload()
        if self._model.rowCount():
            self._view.setCurrentIndex(self._model.index(0, 0))
        self._view.scrollToTop()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self._view
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.modifiers() & Qt.KeyboardModifier.ControlModifier
            and event.key() in (Qt.Key.Key_End, Qt.Key.Key_Home)
        ):
            if event.key() == Qt.Key.Key_End:
                self.go_to_end()
            else:
                self.go_to_start()
            return True
        return super().eventFilter(watched, event)

    def _on_scroll_value_changed(self, value: int) -> None:
        bar = self._view.verticalScrollBar()
        if value > bar.minimum() or not self._model.can_fetch_earlier():
            return
        added = self._model.fetch_earlier()
        if added:
            # The new rows went in above the ones on screen; keep those where the reader left them.
            per_pixel = self._view.verticalScrollMode() == QAbstractItemView.ScrollMode.ScrollPerPixel
            step = self._view.verticalHeader().defaultSectionSize() if per_pixel else 1
            # The view resizes its scroll bar later; widen it now so the value is not clamped.
            bar.setMaximum(bar.maximum() + added * step)
            bar.setValue(value + added * step)
