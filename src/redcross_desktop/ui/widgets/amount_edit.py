# SPDX-License-Identifier: MIT
"""An amount field in đồng that reads "1.000.000", "500k", "1tr", "1,5tr", "2 tỷ" and echoes the
amount understood. Qt is imported here."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from ...core.i18n import _
from ...core.vn import format_vnd, parse_vnd
from .checked_field import CheckedField


class AmountEdit(CheckedField[int]):
    """`value()` is whole đồng or None. Negative amounts are refused; `allow_zero=False` also
    refuses 0."""

    def __init__(
        self,
        value: int | None = None,
        parent: QWidget | None = None,
        *,
        required: bool = False,
        allow_zero: bool = True,
    ) -> None:
        super().__init__(parent, required=required)
        self.allow_zero = allow_zero
        self.edit.setPlaceholderText(_("Ví dụ: 500.000, 500k, 1tr"))
        self.edit.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if value is not None:
            self.set_value(value)

    def _parse(self, text: str) -> int:
        amount = parse_vnd(text)
        if amount < 0:
            raise ValueError(_("Số tiền không được âm."))
        if amount == 0 and not self.allow_zero:
            raise ValueError(_("Số tiền phải lớn hơn 0."))
        return amount

    def _format(self, value: int) -> str:
        return format_vnd(value, suffix=False)

    def _echo(self, value: int, text: str) -> str:
        shown = format_vnd(value)
        return (
            "" if text in (shown, format_vnd(value, suffix=False)) else _("= {amount}").format(amount=shown)
        )

    def _missing_message(self) -> str:
        return _("Hãy nhập số tiền.")
