# SPDX-License-Identifier: MIT
"""Asks the signing key's passphrase for one signing action (issuing certificates, exporting a
bundle), runs the action with it in the background, and stays open on a wrong passphrase. Qt is
imported here.

The passphrase is never kept: it goes to the action and is dropped with the dialog. A branch
without a key yet gets the two "new passphrase" fields instead and its key is created first.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from ...core.errors import OperationCancelled, RedCrossError
from ...core.i18n import _
from ...core.progress import Progress
from ..errors import show_error
from ..qt_i18n import translate_buttons
from ..style import muted_label, set_primary
from ..tasks import Op, Runner
from ..widgets.hint import Hint, mark_invalid
from ..widgets.passphrase import PassphraseFields

WRONG_PASSPHRASE = "WRONG_PASSPHRASE"

Action = Callable[[str, Progress], Any]


class _Stopped:
    """The action was cancelled from its progress dialog."""


STOPPED = _Stopped()


class PassphrasePrompt(QDialog):
    """`action(passphrase, progress)` runs on the writer thread; `done_with(result)` is emitted and
    the dialog accepted when it succeeds; `stopped` when the user cancels it from the progress
    dialog (the action has rolled back)."""

    done_with = Signal(object)
    stopped = Signal()

    def __init__(
        self,
        runner: Runner,
        title: str,
        message: str,
        confirm_text: str,
        action: Action,
        parent: QWidget | None = None,
        *,
        progress_label: str = "",
        create_key: bool = False,
    ) -> None:
        super().__init__(parent)
        self._runner = runner
        self._action = action
        self._progress_label = progress_label or _("Đang thực hiện…")
        self.create_key = create_key
        self.setWindowTitle(title)
        self.setMinimumWidth(520)
        self.message = QLabel(message)
        self.message.setWordWrap(True)
        self.hint = Hint()
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.new_fields: PassphraseFields | None = None

        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        if create_key:
            layout.addWidget(
                muted_label(
                    _(
                        "Chi hội chưa có khóa ký. Hãy đặt mật khẩu để tạo khóa ngay bây giờ và ghi nhớ "
                        "nó: mỗi lần cấp giấy hoặc gửi gói dữ liệu đều cần mật khẩu này, và không ai "
                        "khôi phục được nếu quên."
                    )
                )
            )
            self.new_fields = PassphraseFields()
            self.new_fields.changed.connect(self._on_new_fields_changed)
            layout.addWidget(self.new_fields)
        else:
            form = QFormLayout()
            form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
            form.addRow(_("Mật khẩu khóa ký"), self.passphrase)
            layout.addLayout(form)
            self.passphrase.textChanged.connect(self._on_passphrase_text_changed)
        layout.addWidget(self.hint)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        translate_buttons(self.buttons)
        self.confirm_button = self.buttons.addButton(confirm_text, QDialogButtonBox.ButtonRole.AcceptRole)
        set_primary(self.confirm_button)
        self.cancel_button = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        # Only once the button is inside the dialog does the dialog take it as its Enter button.
        self.confirm_button.setDefault(True)
        if self.new_fields is not None:
            self.new_fields.first.setFocus()
        else:
            self.passphrase.setFocus()

    def _typed(self) -> str | None:
        if self.new_fields is not None:
            return self.new_fields.passphrase()
        return self.passphrase.text() or None

    def _on_passphrase_text_changed(self, _text: str) -> None:
        self.hint.clear_hint()
        mark_invalid(self.passphrase, False)

    def _on_new_fields_changed(self) -> None:
        self.hint.clear_hint()

    def _on_buttons_accepted(self) -> None:
        passphrase = self._typed()
        if passphrase is None:
            if self.new_fields is not None:
                self.hint.show_text(
                    self.new_fields.error() or _("Hãy đặt mật khẩu và gõ lại lần nữa cho giống."), "error"
                )
                self.new_fields.first.setFocus()
            else:
                self.hint.show_text(_("Hãy nhập mật khẩu khóa ký."), "error")
                mark_invalid(self.passphrase, True)
                self.passphrase.setFocus()
            return
        action = self._action

        def work(progress: Progress) -> Any:
            try:
                return action(passphrase, progress)
            except OperationCancelled:
                return STOPPED

        self.confirm_button.setEnabled(False)
        (
            Op(self, work, writes=True)
            .with_progress(self._progress_label)
            .success(self._on_done)
            .failure(self._on_failed)
            .run(self._runner)
        )

    def _on_done(self, result: object) -> None:
        if result is STOPPED:
            self.stopped.emit()
            self.reject()
            return
        self.done_with.emit(result)
        self.accept()

    def _on_failed(self, error: RedCrossError) -> None:
        self.confirm_button.setEnabled(True)
        if error.code == WRONG_PASSPHRASE:
            self.hint.show_text(
                _(
                    "Mật khẩu chưa đúng; chưa có gì thay đổi. Hãy gõ lại (phân biệt chữ hoa, chữ "
                    "thường và dấu)."
                ),
                "error",
            )
            mark_invalid(self.passphrase, True)
            self.passphrase.selectAll()
            self.passphrase.setFocus()
            return
        show_error(self, error)
