# SPDX-License-Identifier: MIT
"""Printing a PDF (receipts, certificates, lists) through Qt's print dialog, and the scratch folder
the previews live in. Qt is imported here.

QtPdf renders each page to an image at `RENDER_DPI` and the image is drawn on the printer's page,
scaled to fit the printable area. A page rendered at the printer's own resolution (often 1200 dpi)
would need about half a gigabyte per A4 page; 300 dpi is what office printers actually resolve.
"""

from __future__ import annotations

import tempfile
import uuid
from pathlib import Path

from PySide6.QtCore import QRect, QSize, QSizeF
from PySide6.QtGui import QPageLayout, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QWidget

from ..core.errors import PrintFailedError
from ..core.i18n import _
from ..core.progress import NullProgress, Progress, check_cancelled

RENDER_DPI = 300
POINTS_PER_INCH = 72


class ScratchFolder:
    """A private temporary folder for the PDFs a window shows; removed with its owner (or at exit).

    Every file gets a new name: a viewer may still hold the previous one open, and Windows refuses
    to replace an open file."""

    def __init__(self) -> None:
        self._dir = tempfile.TemporaryDirectory(prefix="redcross-", ignore_cleanup_errors=True)
        self.path = Path(self._dir.name)

    def new_pdf(self, stem: str) -> Path:
        return self.path / f"{stem}-{uuid.uuid4().hex[:8]}.pdf"

    def cleanup(self) -> None:
        self._dir.cleanup()


def open_pdf(path: Path) -> QPdfDocument:
    """The document loaded and ready; PRINT_FAILED when the file cannot be read as a PDF."""
    document = QPdfDocument()
    error = document.load(str(path))
    if error != QPdfDocument.Error.None_ or document.pageCount() == 0:
        raise PrintFailedError(
            _("Không mở được tệp {name} để in. Hãy tạo lại giấy rồi in lại.").format(name=Path(path).name),
            details=str(error),
        )
    return document


def _fit(page: QSizeF, area: QRect) -> QRect:
    """The largest rectangle of the page's proportions centred in `area`."""
    scale = min(area.width() / page.width(), area.height() / page.height())
    width, height = int(page.width() * scale), int(page.height() * scale)
    return QRect(
        area.x() + (area.width() - width) // 2, area.y() + (area.height() - height) // 2, width, height
    )


def print_document(printer: QPrinter, path: Path, progress: Progress | None = None) -> int:
    """Sends every page of the PDF at `path` to `printer`, one page a sheet; returns the number of
    pages. The paper is turned to the first page's orientation (certificates are landscape)."""
    progress = progress or NullProgress()
    document = open_pdf(path)
    try:
        first = document.pagePointSize(0)
        orientation = (
            QPageLayout.Orientation.Landscape
            if first.width() > first.height()
            else QPageLayout.Orientation.Portrait
        )
        printer.setPageOrientation(orientation)
        painter = QPainter()
        if not painter.begin(printer):
            raise PrintFailedError(
                _("Không gửi được tài liệu tới máy in. Hãy kiểm tra máy in đã bật và được chọn đúng.")
            )
        try:
            count = document.pageCount()
            for page in range(count):
                check_cancelled(progress)
                progress.report(page, count)
                if page > 0 and not printer.newPage():
                    raise PrintFailedError(_("Máy in ngừng nhận trang; hãy kiểm tra máy in rồi in lại."))
                points = document.pagePointSize(page)
                size = QSize(
                    round(points.width() * RENDER_DPI / POINTS_PER_INCH),
                    round(points.height() * RENDER_DPI / POINTS_PER_INCH),
                )
                image = document.render(page, size)
                painter.drawImage(_fit(points, painter.viewport()), image)
        finally:
            painter.end()
        return count
    finally:
        document.close()


def print_pdf(parent: QWidget | None, path: Path) -> bool:
    """Asks for a printer with Qt's print dialog and prints the PDF; False when the user cancels."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setDocName(Path(path).stem)
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle(_("In"))
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return False
    print_document(printer, Path(path))
    return True
