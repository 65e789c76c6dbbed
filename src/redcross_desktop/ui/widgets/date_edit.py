# SPDX-License-Identifier: MIT
"""A date field typed as ngày/tháng/năm (05/03/2026, 5/3/2026, 5-3-2026 also read). Qt is imported here."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QWidget

from ...core.i18n import _
from ...core.vn import format_date, parse_date
from .checked_field import CheckedField


class DateEdit(CheckedField[date]):
    """`value()` is the date typed or None; `allow_future=False` refuses days after today."""

    def __init__(
        self,
        value: date | None = None,
        parent: QWidget | None = None,
        *,
        required: bool = True,
        allow_future: bool = True,
    ) -> None:
        super().__init__(parent, required=required)
        self.allow_future = allow_future
        self.edit.setPlaceholderText(_("ngày/tháng/năm, ví dụ 05/03/2026"))
        self.edit.setMaxLength(10)
        if value is not None:
            self.set_value(value)

    def _parse(self, text: str) -> date:
        day = parse_date(text)
        if not self.allow_future and day > date.today():
            raise ValueError(_("Ngày {day} ở tương lai; hãy kiểm tra lại.").format(day=format_date(day)))
        return day

    def _format(self, value: date) -> str:
        return format_date(value)

    def _echo(self, value: date, text: str) -> str:
        return "" if format_date(value) == text else _("Ngày: {day}").format(day=format_date(value))

    def _missing_message(self) -> str:
        return _("Hãy nhập ngày theo dạng ngày/tháng/năm.")
