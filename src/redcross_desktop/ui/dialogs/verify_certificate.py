# SPDX-License-Identifier: MIT
"""Kiểm tra mã: paste the text a QR scanner read from a certificate, or type its short code, and
see whether the branch really issued it, with the fields the paper must show. Qt is imported here."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from ...certificates.codes import CodeCheck
from ...core.i18n import _
from ...services.container import Services
from ..qt_i18n import translate_buttons
from ..style import ERROR_COLOUR, muted_label, set_primary
from ..tasks import Op, Runner

VALID_COLOUR = "#1E7B34"


class VerifyDialog(QDialog):
    def __init__(self, services: Services, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._runner = runner
        self.check: CodeCheck | None = None
        self.setWindowTitle(_("Kiểm tra giấy chứng nhận"))
        self.setMinimumWidth(620)
        self.code = QLineEdit()
        self.code.setPlaceholderText(_("Nội dung mã QR (VNRCCERT1:…) hoặc mã xác thực, ví dụ ABCDE-FGHJK"))
        self.code.setClearButtonEnabled(True)
        self.verdict = QLabel()
        self.verdict.setObjectName("subTitle")
        self.reason = QLabel()
        self.reason.setWordWrap(True)
        self.reason.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.fields_box = QFrame()
        self.fields_box.setObjectName("card")
        self.fields = QFormLayout(self.fields_box)
        self.fields.setContentsMargins(14, 10, 14, 10)
        self.fields_box.hide()

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        translate_buttons(self.buttons)
        self.check_button = self.buttons.addButton(_("Kiểm tra"), QDialogButtonBox.ButtonRole.ActionRole)
        set_primary(self.check_button)
        self.check_button.clicked.connect(self._on_check_button_clicked)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(
            muted_label(
                _(
                    "Quét mã QR trên giấy bằng máy quét hoặc điện thoại rồi dán nội dung vào đây; hoặc gõ "
                    "mã xác thực in cạnh mã QR. Mã QR kiểm tra được cả khi không có mạng."
                )
            )
        )
        layout.addWidget(self.code)
        layout.addWidget(self.verdict)
        layout.addWidget(self.reason)
        layout.addWidget(self.fields_box)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.check_button.setDefault(True)  # Enter checks; set once the button is inside the dialog
        self.code.setFocus()

    def _on_check_button_clicked(self) -> None:
        text = self.code.text().strip()
        if not text:
            self._show_verdict(False, _("Hãy dán nội dung mã QR hoặc gõ mã xác thực."))
            return
        certificates = self._services.certificates
        Op(self, lambda _p: certificates.verify(text), writes=False).success(self._on_checked).run(
            self._runner
        )

    def _on_checked(self, check: CodeCheck) -> None:
        self.check = check
        self._show_verdict(check.valid, check.reason)
        while self.fields.rowCount():
            self.fields.removeRow(0)
        if check.fields is not None:
            for label, value in check.fields.describe():
                shown = QLabel(value)
                shown.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
                self.fields.addRow(f"{label}:", shown)
        self.fields_box.setVisible(check.fields is not None)

    def _show_verdict(self, valid: bool, reason: str) -> None:
        if valid:
            self.verdict.setText(_("HỢP LỆ — giấy do chi hội cấp"))
            self.verdict.setStyleSheet(f"color: {VALID_COLOUR};")
        else:
            self.verdict.setText(_("KHÔNG HỢP LỆ"))
            self.verdict.setStyleSheet(f"color: {ERROR_COLOUR};")
        self.reason.setText(reason)
        if not valid:
            self.fields_box.hide()
