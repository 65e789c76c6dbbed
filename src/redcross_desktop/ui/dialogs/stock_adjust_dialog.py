# SPDX-License-Identifier: MIT
"""A stock-count or spoilage adjustment (điều chỉnh kiểm kê) of one item, with its required reason.
Qt is imported here.

The officer either types the quantity counted on the shelf (the difference is worked out) or the
change itself (+5, −3). The new balance is shown as it is typed; the service has the last word,
and refuses a change that would make the stock negative on any day (STOCK_INSUFFICIENT).
"""

from __future__ import annotations

import re
from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QWidget

from ...core.errors import RedCrossError
from ...core.i18n import _
from ...core.vn import format_vnd
from ...services.container import Services
from ...services.stock import MovementRow, StockBalance
from ..tasks import Op, Runner
from ..widgets.date_edit import DateEdit
from .form_dialog import FormDialog

_SIGNED = re.compile(r"[+\-−]?\s*\d{1,9}")
MODE_COUNTED, MODE_CHANGE = "counted", "change"


def quantity_text(quantity: int) -> str:
    """Thousands grouped with ".", as money is: 1.250."""
    return format_vnd(quantity, suffix=False)


class StockAdjustDialog(FormDialog):
    """`saved` carries the adjustment's MovementRow."""

    saved = Signal(object)

    def __init__(
        self, services: Services, runner: Runner, balance: StockBalance, parent: QWidget | None = None
    ) -> None:
        super().__init__(_("Điều chỉnh kiểm kê: {item}").format(item=balance.name), parent, width=560)
        self._services = services
        self._runner = runner
        self._balance = balance
        self.current = QLabel(
            _("{quantity} {unit} (trị giá {value})").format(
                quantity=quantity_text(balance.quantity),
                unit=balance.unit,
                value=format_vnd(balance.value_vnd),
            )
        )
        self.on_date = DateEdit(date.today(), required=True, allow_future=False)
        self.mode = QComboBox()
        self.mode.addItem(_("Số lượng đếm được thực tế"), MODE_COUNTED)
        self.mode.addItem(_("Số lượng tăng (+) hoặc giảm (−)"), MODE_CHANGE)
        self.quantity = QLineEdit()
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(_("Ví dụ: Biên bản kiểm kê số 02/BB ngày 30/06; 5 kg gạo bị ẩm mốc"))
        self.add_field("current", _("Tồn kho trong sổ"), self.current)
        self.add_field("on_date", _("Ngày kiểm kê (*)"), self.on_date)
        self.add_field("mode", _("Cách nhập"), self.mode)
        self.add_field("quantity", _("Số lượng (*)"), self.quantity)
        self.add_field("reason", _("Lý do, số biên bản (*)"), self.reason)
        self.mode.currentIndexChanged.connect(self._on_mode_current_index_changed)
        self.quantity.textChanged.connect(self._on_quantity_text_changed)
        self.reason.textChanged.connect(self._on_reason_text_changed)
        self._on_mode_current_index_changed(0)
        self.quantity.setFocus()

    def delta(self) -> int | None:
        """The change the form describes; None while the quantity cannot be read."""
        text = self.quantity.text().strip().replace("−", "-").replace(" ", "").replace(".", "")
        if not text or not _SIGNED.fullmatch(text):
            return None
        number = int(text)
        if self.mode.currentData() == MODE_COUNTED:
            return None if number < 0 else number - self._balance.quantity
        return number

    def _on_mode_current_index_changed(self, _index: int) -> None:
        if self.mode.currentData() == MODE_COUNTED:
            self.quantity.setPlaceholderText(
                _("Số {unit} đếm được trong kho").format(unit=self._balance.unit)
            )
        else:
            self.quantity.setPlaceholderText(_("Ví dụ: -5 nếu hỏng 5 {unit}").format(unit=self._balance.unit))
        self._on_quantity_text_changed(self.quantity.text())

    def _on_quantity_text_changed(self, text: str) -> None:
        if not text.strip():
            self.mark("quantity", "")
            return
        delta = self.delta()
        if delta is None:
            self.mark("quantity", _("Hãy nhập một số nguyên, ví dụ 45 hoặc -5."))
            return
        unit = self._balance.unit
        after = self._balance.quantity + delta
        if delta == 0:
            self.mark("quantity", _("Khớp với sổ: không cần điều chỉnh."), "info")
        elif after < 0:
            self.mark(
                "quantity",
                _("Tồn kho sau điều chỉnh sẽ âm ({after} {unit}).").format(
                    after=quantity_text(after), unit=unit
                ),
                "warning",
            )
        else:
            sign = "+" if delta > 0 else "−"
            self.mark(
                "quantity",
                _("Điều chỉnh {sign}{change} {unit}; tồn kho sau điều chỉnh: {after} {unit}.").format(
                    sign=sign, change=quantity_text(abs(delta)), unit=unit, after=quantity_text(after)
                ),
                "info",
            )

    def _on_reason_text_changed(self, text: str) -> None:
        if text.strip():
            self.mark("reason", "")

    def _on_save(self) -> None:
        ok = self.on_date.check()
        delta = self.delta()
        if delta is None:
            self.mark("quantity", _("Hãy nhập số lượng."))
            ok = False
        elif delta == 0:
            self.mark("quantity", _("Số lượng khớp với sổ; không có gì để điều chỉnh."))
            ok = False
        if not self.reason.text().strip():
            self.mark("reason", _("Hãy ghi lý do điều chỉnh (ví dụ: biên bản kiểm kê số …, hàng hư hỏng)."))
            ok = False
        if not ok:
            self.focus_first_error(["on_date", "quantity", "reason"])
            return
        assert delta is not None
        on_date = self.on_date.value()
        assert on_date is not None
        stock, item_id, reason = self._services.stock, self._balance.item_id, self.reason.text()
        self.saving(True)
        (
            Op(self, lambda _p: stock.adjust(item_id, delta, reason, on_date), writes=True)
            .success(self._on_saved)
            .failure(self._on_failed)
            .run(self._runner)
        )

    def _on_saved(self, movement: MovementRow) -> None:
        self.saved.emit(movement)
        self.accept()

    def _on_failed(self, error: RedCrossError) -> None:
        self.show_failure(error, {"quantity_delta": "quantity"})
