# SPDX-License-Identifier: MIT
"""Vietnamese (or English) texts for Qt's standard buttons. Qt is imported here.

Qt ships no Vietnamese `qtbase` catalogue, so a standard button would read "Cancel". Every
QMessageBox and QDialogButtonBox we build passes through `translate_buttons()`. "Cancel" becomes
"Bỏ qua", never "Hủy", which in this app means voiding a document.
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialogButtonBox, QMessageBox

from ..core.i18n import N_, _

_Button = QDialogButtonBox.StandardButton

BUTTON_TEXTS: dict[str, str] = {
    "Ok": N_("Đồng ý"),
    "Cancel": N_("Bỏ qua"),
    "Yes": N_("Có"),
    "No": N_("Không"),
    "Save": N_("Lưu"),
    "Close": N_("Đóng"),
    "Discard": N_("Không lưu"),
    "Apply": N_("Áp dụng"),
}


def translate_buttons(box: QDialogButtonBox | QMessageBox) -> None:
    """Sets the text of each standard button the box has; call after setting its buttons."""
    enum = QMessageBox.StandardButton if isinstance(box, QMessageBox) else _Button
    for name, text in BUTTON_TEXTS.items():
        button = box.button(getattr(enum, name))
        if button is not None:
            button.setText(_(text))


def button_box(buttons: QDialogButtonBox.StandardButton) -> QDialogButtonBox:
    box = QDialogButtonBox(buttons)
    translate_buttons(box)
    return box
