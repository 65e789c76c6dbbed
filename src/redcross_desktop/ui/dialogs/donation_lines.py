# SPDX-License-Identifier: MIT
"""The in-kind lines of a receipt: item, quantity, unit value, and the value they make, edited in
place. Qt is imported here."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QIntValidator
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...core.i18n import N_, _
from ...core.vn import format_vnd, parse_vnd
from ...domain.codes import VALUATION_BASES
from ...services.donations import DonationLineInput, DonationLineRow
from ...services.stock import ItemRow
from ..widgets.hint import mark_invalid

ITEM, QUANTITY, UNIT_VALUE, VALUE, BASIS = range(5)
HEADERS = (N_("Mặt hàng"), N_("Số lượng"), N_("Đơn giá"), N_("Thành tiền"), N_("Căn cứ định giá"))
WIDTHS = (260, 90, 120, 130)
MAX_QUANTITY = 1_000_000_000

W = TypeVar("W", bound=QWidget)


@dataclass(frozen=True)
class LineCheck:
    lines: tuple[DonationLineInput, ...]
    errors: tuple[str, ...]


class DonationLinesEditor(QWidget):
    """`check()` reads the lines (blank rows are ignored) and says what is wrong with them."""

    changed = Signal()

    def __init__(self, items: Sequence[ItemRow], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._items = list(items)
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setHorizontalHeaderLabels([_(title) for title in HEADERS])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        row_height = self.fontMetrics().height() + 16
        self.table.verticalHeader().setDefaultSectionSize(row_height)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in enumerate(WIDTHS):
            self.table.setColumnWidth(column, width)
        self.table.setMinimumHeight(row_height * 3 + header.sizeHint().height() + 4)
        self.table.setMaximumHeight(row_height * 5 + header.sizeHint().height() + 4)

        self.add_button = QPushButton(_("Thêm dòng hiện vật"))
        self.remove_button = QPushButton(_("Bỏ dòng đang chọn"))
        self.new_item_button = QPushButton(_("Mặt hàng mới…"))
        for button in (self.add_button, self.remove_button, self.new_item_button):
            button.setAutoDefault(False)  # Enter saves the receipt
        self.total_label = QLabel()
        self.total_label.setObjectName("muted")
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addWidget(self.new_item_button)
        buttons.addStretch(1)
        buttons.addWidget(self.total_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        self.add_button.clicked.connect(self._on_add_button_clicked)
        self.remove_button.clicked.connect(self._on_remove_button_clicked)
        self._refresh_total()

    # ---- rows -------------------------------------------------------------------------------

    def add_line(
        self,
        item_id: int | None = None,
        quantity: int | None = None,
        unit_value: int | None = None,
        basis: str = "declared",
    ) -> int:
        """Appends a row and returns its number."""
        row = self.table.rowCount()
        self.table.insertRow(row)
        item = QComboBox()
        self._fill_items(item)
        quantity_edit = QLineEdit()
        quantity_edit.setValidator(QIntValidator(0, MAX_QUANTITY, quantity_edit))
        quantity_edit.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        unit_edit = QLineEdit()
        unit_edit.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        unit_edit.setPlaceholderText(_("đ"))
        value = QTableWidgetItem("")
        value.setFlags(Qt.ItemFlag.ItemIsEnabled)
        value.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        basis_box = QComboBox()
        for code, label in VALUATION_BASES.items():
            basis_box.addItem(_(label), code)
        basis_box.setCurrentIndex(max(0, basis_box.findData(basis)))
        self.table.setCellWidget(row, ITEM, item)
        self.table.setCellWidget(row, QUANTITY, quantity_edit)
        self.table.setCellWidget(row, UNIT_VALUE, unit_edit)
        self.table.setItem(row, VALUE, value)
        self.table.setCellWidget(row, BASIS, basis_box)
        for widget in (item, quantity_edit, unit_edit, basis_box):
            widget.installEventFilter(self)
        if item_id is not None:
            item.setCurrentIndex(max(0, item.findData(item_id)))
        if quantity is not None:
            quantity_edit.setText(str(quantity))
        if unit_value is not None:
            unit_edit.setText(format_vnd(unit_value, suffix=False))
        item.currentIndexChanged.connect(lambda _i, box=item, edit=unit_edit: self._on_item_chosen(box, edit))
        quantity_edit.textChanged.connect(self._on_cell_changed)
        unit_edit.textChanged.connect(self._on_cell_changed)
        self._refresh_total()
        return row

    def set_lines(self, lines: Sequence[DonationLineRow]) -> None:
        self.table.setRowCount(0)
        for line in lines:
            self.add_line(line.item_id, line.quantity, line.unit_value_vnd, line.valuation_basis)
        self._refresh_total()

    def item_box(self, row: int) -> QComboBox:
        return self._widget(row, ITEM, QComboBox)

    def quantity_edit(self, row: int) -> QLineEdit:
        return self._widget(row, QUANTITY, QLineEdit)

    def unit_value_edit(self, row: int) -> QLineEdit:
        return self._widget(row, UNIT_VALUE, QLineEdit)

    def basis_box(self, row: int) -> QComboBox:
        return self._widget(row, BASIS, QComboBox)

    def value_text(self, row: int) -> str:
        cell = self.table.item(row, VALUE)
        return cell.text() if cell is not None else ""

    def set_items(self, items: Sequence[ItemRow], *, choose: int | None = None) -> None:
        """A new catalogue (an item was just added); `choose` puts it on the current or a new line."""
        self._items = list(items)
        for row in range(self.table.rowCount()):
            box = self.item_box(row)
            chosen = box.currentData()
            box.blockSignals(True)
            self._fill_items(box)
            box.setCurrentIndex(max(0, box.findData(chosen)))
            box.blockSignals(False)
        if choose is not None:
            row = self.table.currentRow()
            if row < 0 or self.item_box(row).currentData() is not None:
                row = self.add_line()
            self.item_box(row).setCurrentIndex(max(0, self.item_box(row).findData(choose)))
            self.quantity_edit(row).setFocus()

    def set_read_only(self, read_only: bool) -> None:
        for button in (self.add_button, self.remove_button, self.new_item_button):
            button.setVisible(not read_only)
        for row in range(self.table.rowCount()):
            for column in (ITEM, QUANTITY, UNIT_VALUE, BASIS):
                widget = self.table.cellWidget(row, column)
                if widget is not None:
                    widget.setEnabled(not read_only)

    # ---- reading ----------------------------------------------------------------------------

    def check(self) -> LineCheck:
        lines: list[DonationLineInput] = []
        errors: list[str] = []
        for row in range(self.table.rowCount()):
            item_id = self.item_box(row).currentData()
            quantity_text = self.quantity_edit(row).text().strip()
            unit_text = self.unit_value_edit(row).text().strip()
            if item_id is None and not quantity_text and not unit_text:
                continue  # a blank line is no line
            number = len(lines) + len(errors) + 1
            problems = []
            if item_id is None:
                problems.append(_("chưa chọn mặt hàng"))
            quantity = int(quantity_text) if quantity_text.isdigit() else 0
            if quantity <= 0:
                problems.append(_("số lượng phải lớn hơn 0"))
            unit_value = self._unit_value(row)
            if unit_value is None:
                problems.append(_("đơn giá không đọc được (ví dụ 25.000 hoặc 25k)"))
            mark_invalid(self.quantity_edit(row), quantity <= 0 and bool(quantity_text))
            mark_invalid(self.unit_value_edit(row), unit_value is None)
            if problems:
                errors.append(_("Dòng {n}: {problems}.").format(n=number, problems=", ".join(problems)))
                continue
            assert item_id is not None and unit_value is not None
            lines.append(
                DonationLineInput(int(item_id), quantity, unit_value, str(self.basis_box(row).currentData()))
            )
        return LineCheck(tuple(lines), tuple(errors))

    def total(self) -> int:
        total = 0
        for row in range(self.table.rowCount()):
            value = self._line_value(row)
            total += value or 0
        return total

    # ---- internals --------------------------------------------------------------------------

    def _widget(self, row: int, column: int, kind: type[W]) -> W:
        widget = self.table.cellWidget(row, column)
        assert isinstance(widget, kind)
        return widget

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # A click into a cell's editor does not move the table's current row; "Bỏ dòng" needs it.
        if event.type() == QEvent.Type.FocusIn:
            for row in range(self.table.rowCount()):
                for column in (ITEM, QUANTITY, UNIT_VALUE, BASIS):
                    if self.table.cellWidget(row, column) is watched:
                        self.table.setCurrentCell(row, column)
        return super().eventFilter(watched, event)

    def _fill_items(self, box: QComboBox) -> None:
        box.clear()
        box.addItem(_("— chọn mặt hàng —"), None)
        for item in self._items:
            box.addItem(f"{item.name} ({item.unit})", item.id)

    def _unit_value(self, row: int) -> int | None:
        text = self.unit_value_edit(row).text().strip()
        if not text:
            return 0
        try:
            value = parse_vnd(text)
        except ValueError:
            return None
        return value if value >= 0 else None

    def _line_value(self, row: int) -> int | None:
        text = self.quantity_edit(row).text().strip()
        unit_value = self._unit_value(row)
        if not text.isdigit() or unit_value is None:
            return None
        return int(text) * unit_value

    def _refresh_total(self) -> None:
        for row in range(self.table.rowCount()):
            value = self._line_value(row)
            cell = self.table.item(row, VALUE)
            if cell is not None:
                cell.setText(format_vnd(value) if value else "")
            mark_invalid(self.unit_value_edit(row), self._unit_value(row) is None)
        total = self.total()
        self.total_label.setText(
            _("Trị giá hiện vật: {total}").format(total=format_vnd(total)) if total else ""
        )

    def _on_item_chosen(self, box: QComboBox, unit_edit: QLineEdit) -> None:
        item = next((i for i in self._items if i.id == box.currentData()), None)
        if item is not None and not unit_edit.text().strip() and item.suggested_value_vnd:
            unit_edit.setText(format_vnd(item.suggested_value_vnd, suffix=False))
        self.changed.emit()

    def _on_cell_changed(self, _text: str) -> None:
        self._refresh_total()
        self.changed.emit()

    def _on_add_button_clicked(self) -> None:
        row = self.add_line()
        self.table.setCurrentCell(row, ITEM)
        self.item_box(row).setFocus()
        self.changed.emit()

    def _on_remove_button_clicked(self) -> None:
        row = self.table.currentRow()
        if row < 0:
            row = self.table.rowCount() - 1
        if row >= 0:
            self.table.removeRow(row)
            self._refresh_total()
            self.changed.emit()
