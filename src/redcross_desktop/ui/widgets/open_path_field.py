# SPDX-License-Identifier: MIT
"""An existing file to read, typed or picked with "Chọn…" (a native open dialog). Qt is imported here."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLineEdit, QPushButton, QWidget

from ...core.i18n import _


class OpenPathField(QWidget):
    """`path()` is None while empty; `changed` is emitted as the text changes."""

    changed = Signal()

    def __init__(
        self, caption: str, file_filter: str, placeholder: str = "", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._caption = caption
        self._filter = file_filter
        self.edit = QLineEdit()
        self.edit.setPlaceholderText(placeholder)
        self.edit.setClearButtonEnabled(True)
        self.choose_button = QPushButton(_("Chọn…"))
        self.choose_button.setAutoDefault(False)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.choose_button)
        self.setFocusProxy(self.edit)
        self.edit.textChanged.connect(self._on_edit_text_changed)
        self.choose_button.clicked.connect(self._on_choose_button_clicked)

    def path(self) -> Path | None:
        text = self.edit.text().strip().strip('"')
        return Path(text) if text else None

    def set_path(self, path: Path | None) -> None:
        self.edit.setText("" if path is None else str(path))

    def _on_edit_text_changed(self, _text: str) -> None:
        self.changed.emit()

    def _on_choose_button_clicked(self) -> None:
        current = self.path()
        name, _filter = QFileDialog.getOpenFileName(
            self, self._caption, str(current.parent) if current else "", self._filter
        )
        if name:
            self.set_path(Path(name))
