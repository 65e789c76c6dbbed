# SPDX-License-Identifier: MIT
"""Adds an item to the stock catalogue, or corrects one. Qt is imported here."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QIntValidator
from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QWidget

from ...core.errors import RedCrossError
from ...core.i18n import _
from ...domain.codes import ITEM_CATEGORIES
from ...services.container import Services
from ...services.stock import ItemInput, ItemRow
from ..tasks import Op, Runner
from ..widgets.amount_edit import AmountEdit
from .form_dialog import FormDialog

COMMON_UNITS = ("kg", "thùng", "bao", "chiếc", "cái", "lít", "hộp", "gói", "bộ", "suất", "tấn")


class ItemDialog(FormDialog):
    """`saved` carries the stored ItemRow."""

    saved = Signal(object)

    def __init__(
        self, services: Services, runner: Runner, item: ItemRow | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(_("Sửa mặt hàng") if item else _("Thêm mặt hàng vào danh mục"), parent, width=520)
        self._services = services
        self._runner = runner
        self._item = item
        self.name = QLineEdit()
        self.name.setPlaceholderText(_("Ví dụ: Gạo tẻ, Mì tôm, Chăn ấm"))
        self.unit = QComboBox()
        self.unit.setEditable(True)
        self.unit.addItems(COMMON_UNITS)
        self.unit.setCurrentText("")
        self.unit.setMinimumContentsLength(16)  # the placeholder lists the common units
        unit_edit = self.unit.lineEdit()
        if unit_edit is not None:
            unit_edit.setPlaceholderText(_("kg, thùng, bao, chiếc, lít…"))
        self.category = QComboBox()
        for code, label in ITEM_CATEGORIES.items():
            self.category.addItem(_(label), code)
        self.suggested_value = AmountEdit()
        self.low_level = QLineEdit()
        self.low_level.setValidator(QIntValidator(0, 1_000_000_000, self.low_level))
        self.low_level.setPlaceholderText(_("Để trống nếu không cần nhắc"))
        self.tracks_expiry = QCheckBox(_("Theo dõi hạn sử dụng"))
        self.add_field("name", _("Tên mặt hàng (*)"), self.name)
        self.add_field("unit", _("Đơn vị tính (*)"), self.unit)
        self.add_field("category", _("Nhóm hàng"), self.category)
        self.add_field("suggested_value_vnd", _("Đơn giá gợi ý"), self.suggested_value)
        self.add_field("low_stock_level", _("Nhắc khi tồn kho còn"), self.low_level)
        self.add_field("tracks_expiry", "", self.tracks_expiry)
        self.name.textChanged.connect(self._on_name_text_changed)
        self.unit.currentTextChanged.connect(self._on_unit_current_text_changed)
        if item is not None:
            self.name.setText(item.name)
            self.unit.setCurrentText(item.unit)
            self.category.setCurrentIndex(max(0, self.category.findData(item.category)))
            self.suggested_value.set_value(item.suggested_value_vnd or None)
            self.low_level.setText(str(item.low_stock_level) if item.low_stock_level else "")
            self.tracks_expiry.setChecked(item.tracks_expiry)
        else:
            self.category.setCurrentIndex(max(0, self.category.findData("food")))
        self.name.setFocus()

    def _on_name_text_changed(self, text: str) -> None:
        if text.strip():
            self.mark("name", "")

    def _on_unit_current_text_changed(self, text: str) -> None:
        if text.strip():
            self.mark("unit", "")

    def _on_save(self) -> None:
        ok = True
        if not self.name.text().strip():
            self.mark("name", _("Hãy nhập tên mặt hàng."))
            ok = False
        if not self.unit.currentText().strip():
            self.mark("unit", _("Hãy nhập đơn vị tính (kg, thùng, bao, chiếc, lít…)."))
            ok = False
        ok = self.suggested_value.check() and ok
        if not ok:
            self.focus_first_error(["name", "unit", "suggested_value_vnd"])
            return
        data = ItemInput(
            name=self.name.text(),
            unit=self.unit.currentText(),
            category=str(self.category.currentData()),
            suggested_value_vnd=self.suggested_value.value() or 0,
            tracks_expiry=self.tracks_expiry.isChecked(),
            low_stock_level=int(self.low_level.text() or 0),
        )
        stock = self._services.stock
        item_id = self._item.id if self._item is not None else None
        self.saving(True)
        (
            Op(
                self,
                lambda _p: stock.create_item(data) if item_id is None else stock.update_item(item_id, data),
                writes=True,
            )
            .success(self._on_saved)
            .failure(self._on_failed)
            .run(self._runner)
        )

    def _on_saved(self, row: ItemRow) -> None:
        self.saved.emit(row)
        self.accept()

    def _on_failed(self, error: RedCrossError) -> None:
        self.show_failure(error)
