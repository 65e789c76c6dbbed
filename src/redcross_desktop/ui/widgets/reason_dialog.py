# SPDX-License-Identifier: MIT
"""Asks the reason for an action that must give one (voiding a receipt, a stock-count adjustment,
cancelling a payment), then runs the action with it. Qt is imported here.

The dialog stays open until the action succeeds, so a refusal (the reason is empty, the service
says no) is shown without losing what was typed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from ...core.errors import RedCrossError, ValidationError
from ...core.i18n import _
from ..errors import show_error
from ..qt_i18n import translate_buttons
from ..style import muted_label, set_primary
from ..tasks import Op, Runner
from .hint import Hint, mark_invalid


class ReasonDialog(QDialog):
    """`action(reason)` runs on the writer thread when the user confirms; `done_with(result)` is
    emitted with its result and the dialog closes."""

    done_with = Signal(object)

    def __init__(
        self,
        runner: Runner,
        title: str,
        message: str,
        confirm_text: str,
        action: Callable[[str], Any],
        parent: QWidget | None = None,
        *,
        placeholder: str = "",
        missing: str = "",
    ) -> None:
        super().__init__(parent)
        self._runner = runner
        self._action = action
        self._missing = missing or _("Hãy ghi lý do.")
        self.setWindowTitle(title)
        self.setMinimumWidth(520)
        self.message = QLabel(message)
        self.message.setWordWrap(True)
        self.reason = QPlainTextEdit()
        self.reason.setPlaceholderText(placeholder)
        self.reason.setTabChangesFocus(True)  # Tab reaches the buttons; a reason needs no tabs
        self.reason.setFixedHeight(self.fontMetrics().height() * 4 + 16)
        self.hint = Hint()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        translate_buttons(self.buttons)
        self.confirm_button = self.buttons.addButton(confirm_text, QDialogButtonBox.ButtonRole.AcceptRole)
        self.confirm_button.setDefault(True)
        set_primary(self.confirm_button)
        self.cancel_button = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addWidget(QLabel(_("Lý do (*)")))
        layout.addWidget(self.reason)
        layout.addWidget(self.hint)
        layout.addWidget(muted_label(_("Lý do được lưu vào nhật ký thay đổi cùng tên người thực hiện.")))
        layout.addWidget(self.buttons)
        self.reason.textChanged.connect(self._on_reason_text_changed)
        self.reason.setFocus()

    def _on_reason_text_changed(self) -> None:
        if self.reason.toPlainText().strip():
            self.hint.clear_hint()
            mark_invalid(self.reason, False)

    def _on_buttons_accepted(self) -> None:
        reason = self.reason.toPlainText().strip()
        if not reason:
            self.hint.show_text(self._missing, "error")
            mark_invalid(self.reason, True)
            self.reason.setFocus()
            return
        action = self._action
        self.confirm_button.setEnabled(False)
        Op(self, lambda _p: action(reason), writes=True).success(self._on_done).failure(self._on_failed).run(
            self._runner
        )

    def _on_done(self, result: object) -> None:
        self.done_with.emit(result)
        self.accept()

    def _on_failed(self, error: RedCrossError) -> None:
        self.confirm_button.setEnabled(True)
        if isinstance(error, ValidationError) and "reason" in (error.fields or {}):
            self.hint.show_text(error.message, "error")
            mark_invalid(self.reason, True)
            return
        show_error(self, error)
