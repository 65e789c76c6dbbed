# SPDX-License-Identifier: MIT
"""A window showing one printed document (a reprint, a distribution list) with "In…" and
"Lưu PDF…". Qt is imported here."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QVBoxLayout, QWidget

from ..qt_i18n import translate_buttons
from ..style import muted_label
from ..widgets.pdf_viewer import PdfViewer

SIZE = (900, 660)  # inside a 1366×768 screen with the taskbar and the title bar


class PdfPreviewDialog(QDialog):
    def __init__(
        self,
        path: Path,
        title: str,
        parent: QWidget | None = None,
        *,
        message: str = "",
        suggested_name: str = "",
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.resize(*SIZE)
        layout = QVBoxLayout(self)
        if message:
            layout.addWidget(muted_label(message))
        self.viewer = PdfViewer(self)
        layout.addWidget(self.viewer, 1)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        translate_buttons(self.buttons)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.viewer.load(path, caption=title, suggested_name=suggested_name or Path(path).name)

    def done(self, result: int) -> None:
        self.viewer.clear()  # lets go of the scratch file
        super().done(result)
