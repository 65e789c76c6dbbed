# SPDX-License-Identifier: MIT
"""Kho hiện vật: every item of the catalogue with its balance and value (low stock marked), the
movements of the chosen item, new and corrected items, and stock-count adjustments. Qt is imported
here.

Goods come in through receipts (Quyên góp) and go out through relief (Cứu trợ); this page shows
them and corrects the count, it does not move goods by itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QKeySequence, QShowEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSplitter, QVBoxLayout, QWidget

from ...core.i18n import N_, _
from ...core.vn import format_vnd
from ...domain.codes import ITEM_CATEGORIES, STOCK_MOVEMENTS
from ...services.container import Services
from ...services.stock import ItemRow, MovementRow, StockBalance
from ..dialogs.item_dialog import ItemDialog
from ..dialogs.stock_adjust_dialog import StockAdjustDialog, quantity_text
from ..models.lazy_table import RIGHT, Column
from ..style import muted_label, set_primary, title_label
from ..tasks import Op, Runner
from ..widgets.excel_export import ExcelExport, ask_path
from ..widgets.record_table import RecordTable


@dataclass(frozen=True)
class StockLine:
    """An item of the catalogue with its balance."""

    item: ItemRow
    balance: StockBalance

    @property
    def id(self) -> int:
        return self.item.id

    @property
    def status(self) -> str:
        if self.balance.quantity <= 0:
            return _("Hết hàng")
        return _("Sắp hết") if self.balance.is_low else ""


def _signed(quantity: int) -> str:
    return f"+{quantity_text(quantity)}" if quantity > 0 else f"−{quantity_text(-quantity)}"


def _signed_money(value: int) -> str:
    if value == 0:
        return ""
    return f"+{format_vnd(value)}" if value > 0 else f"−{format_vnd(-value)}"


BALANCE_COLUMNS: tuple[Column[StockLine], ...] = (
    Column(N_("Mặt hàng"), lambda s: s.item.name),
    Column(N_("Đơn vị"), lambda s: s.item.unit),
    Column(N_("Nhóm hàng"), lambda s: _(ITEM_CATEGORIES.get(s.item.category, s.item.category))),
    Column(N_("Tồn kho"), lambda s: quantity_text(s.balance.quantity), RIGHT),
    Column(N_("Trị giá"), lambda s: format_vnd(s.balance.value_vnd), RIGHT),
    Column(
        N_("Nhắc khi còn"),
        lambda s: quantity_text(s.item.low_stock_level) if s.item.low_stock_level else "",
        RIGHT,
    ),
    Column(N_("Tình trạng"), lambda s: s.status),
)
BALANCE_WIDTHS = (260, 80, 160, 110, 140, 110)

MOVEMENT_COLUMNS: tuple[Column[MovementRow], ...] = (
    Column(N_("Ngày"), lambda m: m.moved_on),
    Column(N_("Loại"), lambda m: _(STOCK_MOVEMENTS.get(m.kind, m.kind))),
    Column(N_("Số lượng"), lambda m: _signed(m.quantity), RIGHT),
    Column(N_("Trị giá"), lambda m: _signed_money(m.value_vnd), RIGHT),
    Column(
        N_("Lý do / chứng từ"),
        lambda m: _("Biên nhận {code}").format(code=m.receipt_code) if m.receipt_code else m.reason,
    ),
)
MOVEMENT_WIDTHS = (100, 160, 110, 140)


class StockSection(QWidget):
    def __init__(self, services: Services, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._runner = runner
        self.dialog: ItemDialog | None = None
        self.adjust_dialog: StockAdjustDialog | None = None
        self.last_export: Path | None = None

        self.add_button = QPushButton(_("Thêm mặt hàng"))
        self.add_button.setShortcut(QKeySequence(QKeySequence.StandardKey.New))
        self.add_button.setToolTip(_("Thêm mặt hàng vào danh mục kho (Ctrl+N)"))
        set_primary(self.add_button)
        self.edit_button = QPushButton(_("Sửa mặt hàng…"))
        self.adjust_button = QPushButton(_("Điều chỉnh kiểm kê…"))
        self.adjust_button.setToolTip(_("Ghi chênh lệch khi kiểm kê hoặc hàng hư hỏng, kèm lý do"))
        self.export_button = QPushButton(_("Xuất Excel…"))
        self.export_button.setToolTip(_("Xuất bảng tồn kho ra tệp Excel"))
        header = QHBoxLayout()
        header.addWidget(title_label(_("Kho hiện vật")))
        header.addStretch(1)
        header.addWidget(self.export_button)
        header.addWidget(self.adjust_button)
        header.addWidget(self.edit_button)
        header.addWidget(self.add_button)

        self.summary = muted_label("")
        self.balances: RecordTable[StockLine] = RecordTable(BALANCE_COLUMNS, BALANCE_WIDTHS)
        self.movements_title = QLabel()
        self.movements_title.setObjectName("subTitle")
        self.movements: RecordTable[MovementRow] = RecordTable(MOVEMENT_COLUMNS, MOVEMENT_WIDTHS)
        self.status_line = muted_label("")
        self.empty = muted_label(
            _(
                "Kho chưa có mặt hàng nào. Bấm “Thêm mặt hàng” (Ctrl+N) để lập danh mục; hàng vào kho khi "
                "ghi biên nhận hiện vật ở mục Quyên góp."
            )
        )

        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 6, 0, 0)
        lower_layout.setSpacing(6)
        lower_layout.addWidget(self.movements_title)
        lower_layout.addWidget(self.movements, 1)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self.balances)
        splitter.addWidget(lower)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 16)
        layout.setSpacing(10)
        layout.addLayout(header)
        layout.addWidget(self.summary)
        layout.addWidget(self.empty)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.status_line)

        self.add_button.clicked.connect(self._on_add_button_clicked)
        self.edit_button.clicked.connect(self._on_edit_button_clicked)
        self.adjust_button.clicked.connect(self._on_adjust_button_clicked)
        self.export_button.clicked.connect(self._on_export_button_clicked)
        self.balances.activated.connect(self._on_balances_activated)
        self.balances.selectionModel().selectionChanged.connect(self._on_selection_changed)
        self.refresh()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.refresh()  # receipts and relief elsewhere move the stock

    # ---- loading ----------------------------------------------------------------------------

    def refresh(self) -> None:
        stock = self._services.stock
        Op(self, lambda _p: (stock.list_items(), stock.balances()), writes=False).success(
            self._on_loaded
        ).run(self._runner)

    def _on_loaded(self, loaded: tuple[list[ItemRow], list[StockBalance]]) -> None:
        items, balances = loaded
        by_id = {b.item_id: b for b in balances}
        lines = [
            StockLine(item, by_id.get(item.id) or StockBalance(item.id, item.name, item.unit, 0, 0))
            for item in items
        ]
        self.balances.set_rows(lines)
        low = sum(1 for line in lines if line.balance.is_low)
        total = sum(line.balance.value_vnd for line in lines)
        text = _("{n} mặt hàng trong danh mục · tổng trị giá tồn kho {total}").format(
            n=len(lines), total=format_vnd(total)
        )
        if low:
            text += " · " + _("{n} mặt hàng sắp hết").format(n=low)
        self.summary.setText(text)
        self.empty.setVisible(not lines)
        if self.balances.current() is None and lines:
            self.balances.selectRow(0)
        self._on_selection_changed()

    def line_of(self, item_id: int) -> StockLine | None:
        return next((line for line in self.balances.rows() if line.item.id == item_id), None)

    def _on_selection_changed(self, *_args: object) -> None:
        line = self.balances.current()
        for button in (self.edit_button, self.adjust_button):
            button.setEnabled(line is not None)
        if line is None:
            self.movements_title.setText(_("Nhập, xuất của mặt hàng: chọn một mặt hàng ở bảng trên"))
            self.movements.set_rows([])
            return
        self.movements_title.setText(
            _("Nhập, xuất của mặt hàng: {name} ({unit})").format(name=line.item.name, unit=line.item.unit)
        )
        stock, item_id = self._services.stock, line.item.id
        Op(self, lambda _p: stock.movements(item_id), writes=False).success(self._on_movements_loaded).run(
            self._runner
        )

    def _on_movements_loaded(self, movements: list[MovementRow]) -> None:
        self.movements.set_rows(list(reversed(movements)), keep_selection=False)  # newest first

    # ---- items ------------------------------------------------------------------------------

    def _on_add_button_clicked(self) -> None:
        self._open_item(None)

    def _on_edit_button_clicked(self) -> None:
        line = self.balances.current()
        if line is not None:
            self._open_item(line.item)

    def _on_balances_activated(self, index: QModelIndex) -> None:
        line = self.balances.model_.row_at(index.row())
        if line is not None:
            self._open_item(line.item)

    def _open_item(self, item: ItemRow | None) -> None:
        self.dialog = ItemDialog(self._services, self._runner, item, self)
        self.dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog.saved.connect(self._on_item_saved)
        self.dialog.open()

    def _on_item_saved(self, item: ItemRow) -> None:
        self.refresh()
        self.balances.select_id(item.id)

    # ---- adjustments ------------------------------------------------------------------------

    def _on_adjust_button_clicked(self) -> None:
        line = self.balances.current()
        if line is None:
            return
        self.adjust_dialog = StockAdjustDialog(self._services, self._runner, line.balance, self)
        self.adjust_dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.adjust_dialog.saved.connect(self._on_adjusted)
        self.adjust_dialog.open()

    def _on_adjusted(self, movement: MovementRow) -> None:
        self.refresh()
        line = self.line_of(movement.item_id)
        if line is not None:
            self.status_line.setText(
                _("Đã điều chỉnh {name}: {change} {unit}; tồn kho còn {after} {unit}.").format(
                    name=line.item.name,
                    change=_signed(movement.quantity),
                    unit=line.item.unit,
                    after=quantity_text(line.balance.quantity),
                )
            )

    # ---- export -----------------------------------------------------------------------------

    def _on_export_button_clicked(self) -> None:
        path = ask_path(self, _("ton-kho-{day}.xlsx").format(day=date.today().strftime("%Y%m%d")))
        if path is not None:
            self.export_to(path)

    def export_to(self, path: Path) -> None:
        ExcelExport(
            self,
            self.balances.model_,
            _("Tồn kho hiện vật"),
            money_columns=(4,),
            footer=[self.summary.text()],
        ).run(self._runner, path, self._on_exported)

    def _on_exported(self, path: Path) -> None:
        self.last_export = path
        self.status_line.setText(_("Đã xuất bảng tồn kho ra tệp {path}").format(path=path))
