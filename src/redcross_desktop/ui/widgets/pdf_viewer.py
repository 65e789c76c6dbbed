# SPDX-License-Identifier: MIT
"""A PDF shown inside the window (QtPdf), with "In…" and "Lưu PDF…". Qt is imported here."""

from __future__ import annotations

import shutil
from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt, Signal
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ...core.errors import ExportFailedError, RedCrossError
from ...core.i18n import N_, _
from ..errors import show_error
from ..printing import print_pdf
from ..style import muted_label

ZOOMS = (
    ("width", N_("Vừa chiều rộng")),
    ("page", N_("Cả trang")),
    ("actual", N_("Cỡ thật")),
)


def documents_folder() -> Path:
    location = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(location) if location else Path.home()


class PdfViewer(QWidget):
    """`load(path)` shows a PDF; `path` is None while nothing is shown. The file stays where it is
    (a scratch copy); "Lưu PDF…" copies it where the user chooses."""

    loaded = Signal()

    def __init__(self, parent: QWidget | None = None, *, empty_text: str = "") -> None:
        super().__init__(parent)
        self.path: Path | None = None
        self._base_caption = ""
        self._announced = False
        self.suggested_name = "tai-lieu.pdf"
        self.document = QPdfDocument(self)
        self.view = QPdfView(self)
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setPageSpacing(12)
        self.empty = muted_label(empty_text or _("Chưa có tài liệu để xem."))
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.empty)
        self.stack.addWidget(self.view)

        self.caption = QLabel()
        self.caption.setObjectName("muted")
        self.zoom = QComboBox()
        for key, label in ZOOMS:
            self.zoom.addItem(_(label), key)
        self.zoom.setToolTip(_("Cỡ hiển thị"))
        self.print_button = QPushButton(_("In…"))
        self.print_button.setToolTip(_("Chọn máy in và in tài liệu (Ctrl+P)"))
        self.print_button.setShortcut("Ctrl+P")
        self.save_button = QPushButton(_("Lưu PDF…"))
        self.save_button.setToolTip(_("Lưu một bản PDF vào thư mục bạn chọn"))
        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        bar.addWidget(self.caption, 1)
        bar.addWidget(self.zoom)
        bar.addWidget(self.print_button)
        bar.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addLayout(bar)
        layout.addWidget(self.stack, 1)

        self.zoom.currentIndexChanged.connect(self._on_zoom_current_index_changed)
        self.print_button.clicked.connect(self._on_print_button_clicked)
        self.save_button.clicked.connect(self._on_save_button_clicked)
        self.document.statusChanged.connect(self._on_document_status_changed)
        self._set_enabled(False)

    # ---- public -----------------------------------------------------------------------------

    def load(self, path: Path, *, caption: str = "", suggested_name: str = "") -> None:
        self.document.close()
        self.path = Path(path)
        self.suggested_name = suggested_name or self.path.name
        self._base_caption = caption
        self._announced = False
        self.stack.setCurrentWidget(self.view)
        self.document.load(str(self.path))
        self._show_pages()

    def clear(self) -> None:
        """Lets go of the file (so its folder can be removed) and shows the empty text."""
        self.document.close()
        self.path = None
        self._base_caption = ""
        self.caption.clear()
        self.stack.setCurrentWidget(self.empty)
        self._set_enabled(False)

    def ready(self) -> bool:
        return self.document.status() == QPdfDocument.Status.Ready

    def save_to(self, target: Path) -> Path:
        """Copies the shown PDF to `target`; EXPORT_FAILED when it cannot be written."""
        if self.path is None:
            raise ExportFailedError(_("Chưa có tài liệu để lưu."))
        target = Path(target)
        if target.suffix.lower() != ".pdf":
            target = target.with_suffix(".pdf")
        try:
            shutil.copyfile(self.path, target)
        except OSError as exc:
            raise ExportFailedError(
                _(
                    "Không lưu được tệp {path}. Hãy đóng tệp nếu đang mở ở phần mềm khác, hoặc chọn nơi "
                    "lưu khác."
                ).format(path=target),
                details=str(exc),
            ) from exc
        return target

    # ---- internals --------------------------------------------------------------------------

    def _set_enabled(self, enabled: bool) -> None:
        for widget in (self.print_button, self.save_button, self.zoom):
            widget.setEnabled(enabled)

    def _show_pages(self) -> None:
        ready = self.ready()
        self._set_enabled(ready)
        if ready:
            count = _("{n} trang").format(n=self.document.pageCount())
            self.caption.setText(f"{self._base_caption} · {count}" if self._base_caption else count)
            if not self._announced:
                self._announced = True
                self.loaded.emit()
        elif self.document.status() == QPdfDocument.Status.Error:
            self.caption.setText(_("Không mở được tệp PDF; hãy tạo lại tài liệu."))
        else:
            self.caption.setText(self._base_caption)

    def _on_document_status_changed(self, _status: QPdfDocument.Status) -> None:
        if self.path is not None:
            self._show_pages()

    def _on_zoom_current_index_changed(self, _index: int) -> None:
        key = self.zoom.currentData()
        if key == "width":
            self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        elif key == "page":
            self.view.setZoomMode(QPdfView.ZoomMode.FitInView)
        else:
            self.view.setZoomMode(QPdfView.ZoomMode.Custom)
            self.view.setZoomFactor(1.0)

    def _on_print_button_clicked(self) -> None:
        if self.path is None:
            return
        try:
            print_pdf(self, self.path)
        except RedCrossError as error:
            show_error(self, error)

    def _on_save_button_clicked(self) -> None:
        name, _filter = QFileDialog.getSaveFileName(
            self, _("Lưu PDF"), str(documents_folder() / self.suggested_name), _("Tệp PDF (*.pdf)")
        )
        if not name:
            return
        try:
            self.save_to(Path(name))
        except RedCrossError as error:
            show_error(self, error)
