# SPDX-License-Identifier: MIT
"""How failures reach the user. Qt is imported here.

Expected failures (`RedCrossError`) are shown by `show_error()`: the Vietnamese message, what to do
next, the stable code in small print, and never a traceback. Anything else is a bug: it is
logged with its traceback and `CrashDialog` saves a report to the log folder.
"""

from __future__ import annotations

import html
import logging
import platform
import sys
import threading
import traceback
from datetime import datetime
from pathlib import Path
from types import TracebackType

import shiboken6
from PySide6 import __version__ as pyside_version
from PySide6.QtCore import Qt, qVersion
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..core.errors import RedCrossError
from ..core.i18n import _
from .qt_i18n import translate_buttons

log = logging.getLogger(__name__)


def show_error(parent: QWidget | None, error: RedCrossError, *, wait: bool = False) -> QMessageBox:
    """A warning box for an expected failure: window-modal and non-blocking, or with `wait` a
    blocking one (at startup, before the main event loop runs)."""
    log.info("shown to the user: %s: %s", error.code, error.message)
    box = QMessageBox(
        QMessageBox.Icon.Warning,
        _("Chưa thực hiện được"),
        error.message,
        QMessageBox.StandardButton.Ok,
        parent,
    )
    details = f"<p>{html.escape(error.details)}</p>" if error.details else ""
    box.setInformativeText(
        f"{details}<p><small>{html.escape(_('Mã lỗi: {code}').format(code=error.code))}</small></p>"
    )
    translate_buttons(box)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    if wait:
        box.exec()
    else:
        box.open()
    return box


def _app_version() -> str:
    # Imported here: importlib.metadata costs a noticeable part of the time to the first window.
    from importlib import metadata

    try:
        return metadata.version("redcross-desktop")
    except metadata.PackageNotFoundError:  # a frozen build without dist-info
        return "?"


def crash_report_text(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> str:
    lines = [
        f"redcross-desktop {_app_version()}",
        f"time: {datetime.now().isoformat(timespec='seconds')}",
        f"python: {platform.python_version()}  qt: {qVersion()}  pyside: {pyside_version}",
        f"platform: {platform.platform()}",
        f"thread: {threading.current_thread().name}",
        "",
        "".join(traceback.format_exception(exc_type, exc, tb)),
    ]
    return "\n".join(lines)


def save_crash_report(log_dir: Path, text: str) -> Path | None:
    """Writes the report next to the log; None if the folder is not writable (the log still has it)."""
    path = log_dir / f"crash-{datetime.now():%Y%m%d-%H%M%S-%f}.txt"
    try:
        log_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError:
        log.exception("could not write the crash report %s", path)
        return None
    return path


class CrashDialog(QDialog):
    """Tells the user an unexpected error happened, where the report is, and copies it on request."""

    def __init__(self, report: str, report_path: Path | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.report = report
        self.setWindowTitle(_("Lỗi ngoài dự kiến"))
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        message = QLabel(
            _(
                "Phần mềm gặp một lỗi ngoài dự kiến. Thao tác vừa rồi chưa hoàn tất; dữ liệu đã lưu "
                "trước đó vẫn an toàn. Bạn có thể tiếp tục làm việc."
            )
        )
        message.setWordWrap(True)
        layout.addWidget(message)
        where = (
            _("Báo cáo lỗi đã được lưu tại: {path}. Hãy gửi tệp này cho người hỗ trợ kỹ thuật.").format(
                path=report_path
            )
            if report_path is not None
            else _(
                "Không lưu được báo cáo lỗi. Hãy bấm 'Sao chép chi tiết' và gửi cho người hỗ trợ kỹ thuật."
            )
        )
        where_label = QLabel(where)
        where_label.setWordWrap(True)
        where_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(where_label)
        self.details = QPlainTextEdit(report)
        self.details.setReadOnly(True)
        self.details.setMinimumHeight(160)
        layout.addWidget(self.details)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        translate_buttons(buttons)
        self.copy_button = QPushButton(_("Sao chép chi tiết"))
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.clicked.connect(self._on_copy_button_clicked)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _on_copy_button_clicked(self) -> None:
        QApplication.clipboard().setText(self.report)
        self.copy_button.setText(_("Đã sao chép"))


class CrashReporter:
    """The process's exception hooks. Only the GUI thread shows a dialog; other threads only log
    (their work reaches the user through `Op`, which re-raises bugs on the GUI thread)."""

    def __init__(self, log_dir: Path) -> None:
        self.log_dir = log_dir
        self.dialog: CrashDialog | None = None

    def excepthook(self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        log.critical("unexpected error", exc_info=(exc_type, exc, tb))
        if threading.current_thread() is threading.main_thread() and QApplication.instance() is not None:
            self.show(exc_type, exc, tb)

    def show(
        self,
        exc_type: type[BaseException],
        exc: BaseException,
        tb: TracebackType | None,
        *,
        wait: bool = False,
    ) -> CrashDialog | None:
        """Saves a report and shows the dialog; `wait` blocks (before the main event loop runs)."""
        if self.dialog is not None and shiboken6.isValid(self.dialog) and self.dialog.isVisible():
            return None  # an error in a paint handler would otherwise stack dialogs without end
        text = crash_report_text(exc_type, exc, tb)
        self.dialog = CrashDialog(text, save_crash_report(self.log_dir, text), QApplication.activeWindow())
        if wait:
            self.dialog.exec()
        else:
            self.dialog.open()
        return self.dialog

    def thread_excepthook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_type is SystemExit:
            return
        log.critical(
            "unexpected error in thread %s",
            args.thread.name if args.thread else "?",
            exc_info=(args.exc_type, args.exc_value, args.exc_traceback),  # type: ignore[arg-type]
        )


def install_excepthooks(log_dir: Path) -> CrashReporter:
    reporter = CrashReporter(log_dir)
    sys.excepthook = reporter.excepthook
    threading.excepthook = reporter.thread_excepthook
    return reporter
