# SPDX-License-Identifier: MIT
"""The "Danh sách cấp phát" tab of Cứu trợ / hỗ trợ: lists by status, their rows, and the steps
draft → printed → reconciled → closed. Qt is imported here.

Goods leave stock only at reconciliation and only for the rows marked received, so the buttons
follow the list's status: rows are added and removed only in a draft, "Đối chiếu" only once printed.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ...core.i18n import N_, _
from ...core.vn import format_vnd
from ...domain.codes import DISTRIBUTION_STATUSES
from ...services.container import Services
from ...services.distributions import (
    DistributionDetail,
    DistributionLineRow,
    DistributionListRow,
    ReconcileResult,
    SavedLine,
)
from ..dialogs.distribution_dialogs import LineDialog, NewListDialog, ReconcileDialog, goods_text
from ..models.lazy_table import CENTER, RIGHT, Column
from ..qt_i18n import translate_buttons
from ..style import muted_label, set_primary
from ..tasks import Op, Runner
from ..widgets.record_table import RecordTable


def _received(line: DistributionLineRow) -> str:
    if line.received is None:
        return ""
    return _("Đã nhận") if line.received else _("Không nhận")


LIST_COLUMNS: tuple[Column[DistributionListRow], ...] = (
    Column(N_("Tên danh sách"), lambda d: d.title),
    Column(N_("Ngày cấp"), lambda d: d.planned_on),
    Column(N_("Chương trình"), lambda d: d.programme),
    Column(N_("Đợt vận động"), lambda d: d.campaign_name),
    Column(N_("Số người"), lambda d: d.line_count, RIGHT),
    Column(N_("Trạng thái"), lambda d: d.status_label),
)
LIST_WIDTHS = (300, 96, 170, 170, 80)

LINE_COLUMNS: tuple[Column[DistributionLineRow], ...] = (
    Column(N_("STT"), lambda line: line.line_no, RIGHT),
    Column(N_("Họ và tên"), lambda line: line.full_name),
    Column(N_("Thôn/tổ"), lambda line: line.thon),
    Column(N_("Đối tượng"), lambda line: line.group_label),
    Column(N_("Tiền mặt"), lambda line: format_vnd(line.cash_vnd) if line.cash_vnd else "", RIGHT),
    Column(N_("Hiện vật"), goods_text),
    Column(N_("Ký nhận"), _received, CENTER),
    Column(N_("Người nhận thay"), lambda line: line.proxy_name),
    Column(N_("Ghi chú"), lambda line: line.note),
)
LINE_WIDTHS = (50, 190, 90, 150, 100, 160, 90, 150)


class DistributionTab(QWidget):
    reconciled = Signal()  # relief records were created

    def __init__(self, services: Services, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._runner = runner
        self.detail: DistributionDetail | None = None
        self.dialog: QWidget | None = None
        self.notice: QMessageBox | None = None
        self.confirm: QMessageBox | None = None

        self.status = QComboBox()
        self.status.addItem(_("Mọi trạng thái"), "")
        for code, label in DISTRIBUTION_STATUSES.items():
            self.status.addItem(_(label), code)
        self.new_button = QPushButton(_("Lập danh sách"))
        set_primary(self.new_button)
        self.new_button.setShortcut(QKeySequence(QKeySequence.StandardKey.New))
        self.new_button.setToolTip(_("Lập danh sách cấp phát mới (Ctrl+N)"))
        self.delete_list_button = QPushButton(_("Xóa danh sách nháp"))
        top = QHBoxLayout()
        top.addWidget(QLabel(_("Trạng thái:")))
        top.addWidget(self.status)
        top.addStretch(1)
        top.addWidget(self.new_button)
        top.addWidget(self.delete_list_button)
        self.lists: RecordTable[DistributionListRow] = RecordTable(LIST_COLUMNS, LIST_WIDTHS)

        self.heading = QLabel()
        self.heading.setObjectName("subTitle")
        self.add_line_button = QPushButton(_("Thêm người"))
        self.remove_line_button = QPushButton(_("Bỏ khỏi danh sách"))
        self.printed_button = QPushButton(_("Đánh dấu đã in"))
        self.printed_button.setToolTip(_("Danh sách đã in để lấy chữ ký nhận; sau đó không sửa được nữa"))
        self.reconcile_button = QPushButton(_("Đối chiếu…"))
        self.close_button = QPushButton(_("Đóng danh sách"))
        steps = QHBoxLayout()
        steps.addWidget(self.heading, 1)
        for button in (
            self.add_line_button,
            self.remove_line_button,
            self.printed_button,
            self.reconcile_button,
            self.close_button,
        ):
            steps.addWidget(button)
        self.lines: RecordTable[DistributionLineRow] = RecordTable(LINE_COLUMNS, LINE_WIDTHS)
        self.totals = muted_label("")

        upper = QWidget()
        upper_layout = QVBoxLayout(upper)
        upper_layout.setContentsMargins(0, 0, 0, 0)
        upper_layout.addLayout(top)
        upper_layout.addWidget(self.lists, 1)
        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 6, 0, 0)
        lower_layout.addLayout(steps)
        lower_layout.addWidget(self.lines, 1)
        lower_layout.addWidget(self.totals)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(upper)
        splitter.addWidget(lower)
        splitter.setChildrenCollapsible(False)
        splitter.setSizes([220, 320])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 10, 0, 0)
        layout.addWidget(splitter, 1)

        self.status.currentIndexChanged.connect(self._on_status_current_index_changed)
        self.new_button.clicked.connect(self._on_new_button_clicked)
        self.delete_list_button.clicked.connect(self._on_delete_list_button_clicked)
        self.add_line_button.clicked.connect(self._on_add_line_button_clicked)
        self.remove_line_button.clicked.connect(self._on_remove_line_button_clicked)
        self.printed_button.clicked.connect(self._on_printed_button_clicked)
        self.reconcile_button.clicked.connect(self._on_reconcile_button_clicked)
        self.close_button.clicked.connect(self._on_close_button_clicked)
        self.lists.selectionModel().selectionChanged.connect(self._on_list_selection_changed)
        self.lines.selectionModel().selectionChanged.connect(self._on_line_selection_changed)
        self.refresh()

    # ---- loading ----------------------------------------------------------------------------

    def refresh(self) -> None:
        status = str(self.status.currentData() or "")
        self.lists.set_rows(self._services.distributions.lists(status=status))
        self._load_detail()

    def _load_detail(self) -> None:
        chosen = self.lists.current()
        self.detail = self._services.distributions.get(chosen.id) if chosen is not None else None
        detail = self.detail
        if detail is None:
            self.heading.setText(_("Chọn một danh sách để xem người nhận."))
            self.lines.set_rows([])
            self.totals.setText(
                ""
                if self.lists.model_.rowCount()
                else _("Chưa có danh sách cấp phát. Bấm “Lập danh sách” để bắt đầu.")
            )
        else:
            row = detail.distribution
            self.heading.setText(f"{row.title} — {row.status_label}")
            self.lines.set_rows(list(detail.lines))
            self.totals.setText(self._totals_text(detail))
        self._update_buttons()

    def _totals_text(self, detail: DistributionDetail) -> str:
        names = {line.item_id: (line.item_name, line.unit) for line in detail.lines if line.item_id}

        def goods(quantities: dict[int, int] | object) -> str:
            if not isinstance(quantities, dict) or not quantities:
                return _("không")
            return ", ".join(
                f"{n} {names.get(i, ('', ''))[1]} {names.get(i, ('', ''))[0]}" for i, n in quantities.items()
            )

        planned = _("Theo danh sách: {people} người, tiền mặt {cash}, hiện vật {goods}.").format(
            people=len(detail.lines),
            cash=format_vnd(detail.planned_cash_vnd),
            goods=goods(dict(detail.planned_goods)),
        )
        if detail.distribution.status not in ("reconciled", "closed"):
            return planned
        got = sum(1 for line in detail.lines if line.received)
        return (
            planned
            + " "
            + _("Đã nhận: {people} người, tiền mặt {cash}; đã xuất kho {goods} (trị giá {value}).").format(
                people=got,
                cash=format_vnd(detail.received_cash_vnd),
                goods=goods(dict(detail.issued_goods)),
                value=format_vnd(detail.issued_goods_vnd),
            )
        )

    def _update_buttons(self) -> None:
        status = self.detail.distribution.status if self.detail else ""
        line_chosen = self.lines.current() is not None
        self.delete_list_button.setEnabled(status == "draft")
        self.add_line_button.setEnabled(status == "draft")
        self.remove_line_button.setEnabled(status == "draft" and line_chosen)
        self.printed_button.setEnabled(status == "draft" and bool(self.detail and self.detail.lines))
        self.reconcile_button.setEnabled(status in ("printed", "signed"))
        self.close_button.setEnabled(status == "reconciled")

    def _on_status_current_index_changed(self, _index: int) -> None:
        self.refresh()

    def _on_list_selection_changed(self, *_args: object) -> None:
        self._load_detail()

    def _on_line_selection_changed(self, *_args: object) -> None:
        self._update_buttons()

    def _select_list(self, list_id: int) -> None:
        self.refresh()
        if not self.lists.select_id(list_id):
            self.status.setCurrentIndex(0)  # the new status is filtered out: show every list
            self.lists.select_id(list_id)

    # ---- steps ------------------------------------------------------------------------------

    def _on_new_button_clicked(self) -> None:
        dialog = NewListDialog(self._services, self._runner, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(self._on_list_created)
        self.dialog = dialog
        dialog.open()

    def _on_list_created(self, row: DistributionListRow) -> None:
        self._select_list(row.id)

    def _on_add_line_button_clicked(self) -> None:
        if self.detail is None:
            return
        dialog = LineDialog(self._services, self._runner, self.detail.distribution.id, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(self._on_line_saved)
        self.dialog = dialog
        dialog.open()

    def _on_line_saved(self, saved: SavedLine) -> None:
        if self.detail is not None:
            self._select_list(self.detail.distribution.id)
            self.lines.select_id(saved.line.id)
        if saved.warnings:
            self._notify(_("Đã thêm {name}. Xin lưu ý:").format(name=saved.line.full_name), saved.warnings)

    def _on_remove_line_button_clicked(self) -> None:
        line = self.lines.current()
        if line is None or self.detail is None:
            return
        self._ask(
            _("Bỏ {name} khỏi danh sách?").format(name=line.full_name),
            _("Danh sách còn là bản nháp nên bỏ được; người này có thể được thêm lại sau."),
            _("Bỏ khỏi danh sách"),
            partial(self._write, lambda: self._services.distributions.remove_line(line.id)),
        )

    def _on_delete_list_button_clicked(self) -> None:
        if self.detail is None:
            return
        row = self.detail.distribution
        self._ask(
            _("Xóa danh sách nháp “{title}”?").format(title=row.title),
            _("Chỉ danh sách nháp mới xóa được; chưa có hàng nào được xuất kho."),
            _("Xóa"),
            partial(self._write, lambda: self._services.distributions.delete_list(row.id)),
        )

    def _on_printed_button_clicked(self) -> None:
        if self.detail is None:
            return
        row = self.detail.distribution
        self._ask(
            _("Đánh dấu danh sách “{title}” là đã in?").format(title=row.title),
            _(
                "Sau khi in để lấy chữ ký nhận, danh sách không thêm hoặc bỏ người được nữa; người không "
                "đến nhận thì đánh dấu khi đối chiếu."
            ),
            _("Đánh dấu đã in"),
            partial(self._write, lambda: self._services.distributions.mark_printed(row.id)),
        )

    def _on_close_button_clicked(self) -> None:
        if self.detail is None:
            return
        row = self.detail.distribution
        self._ask(
            _("Đóng danh sách “{title}”?").format(title=row.title),
            _("Danh sách đã đóng thì không thay đổi gì được nữa."),
            _("Đóng danh sách"),
            partial(self._write, lambda: self._services.distributions.close(row.id)),
        )

    def _on_reconcile_button_clicked(self) -> None:
        if self.detail is None:
            return
        dialog = ReconcileDialog(self._services, self._runner, self.detail, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.reconciled.connect(self._on_reconciled)
        self.dialog = dialog
        dialog.open()

    def _on_reconciled(self, result: ReconcileResult) -> None:
        self._select_list(result.detail.distribution.id)
        self.reconciled.emit()
        got = len(result.relief_ids)
        text = _("Đã đối chiếu: {got}/{total} người nhận; đã ghi {got} lần hỗ trợ.").format(
            got=got, total=len(result.detail.lines)
        )
        self._notify(text, result.warnings)

    # ---- helpers ----------------------------------------------------------------------------

    def _write(self, work: Callable[[], object]) -> None:
        list_id = self.detail.distribution.id if self.detail else None
        Op(self, lambda _p: work(), writes=True).success(
            lambda _r: self._select_list(list_id) if list_id is not None else self.refresh()
        ).run(self._runner)

    def _ask(self, question: str, informative: str, action: str, then: Callable[[], None]) -> None:
        box = QMessageBox(
            QMessageBox.Icon.Question,
            _("Danh sách cấp phát"),
            question,
            QMessageBox.StandardButton.NoButton,
            self,
        )
        box.setInformativeText(informative)
        yes = box.addButton(action, QMessageBox.ButtonRole.AcceptRole)
        box.addButton(_("Bỏ qua"), QMessageBox.ButtonRole.RejectRole)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.buttonClicked.connect(lambda clicked: then() if clicked is yes else None)
        self.confirm = box
        box.open()

    def _notify(self, text: str, warnings: tuple[str, ...]) -> None:
        self.notice = QMessageBox(
            QMessageBox.Icon.Information, _("Danh sách cấp phát"), text, QMessageBox.StandardButton.Ok, self
        )
        if warnings:
            self.notice.setInformativeText(
                _("Xin lưu ý:") + "\n" + "\n".join(f"• {warning}" for warning in warnings)
            )
        translate_buttons(self.notice)
        self.notice.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.notice.open()
