# SPDX-License-Identifier: MIT
"""Quyên góp: the receipts (biên nhận), newest first, filtered by period, campaign and status, found
by receipt number or donor name as you type, with their totals; add, correct, void with a reason,
see a receipt's history, export the view to Excel. Qt is imported here.

A header click sorts by that column through the service (`DonationService.ordered_ids`: one query
of ids in that order, donor names in Vietnamese order), never by sorting rows in Qt's memory: the
model still loads only the rows it paints.

A voided receipt stays in the list (greyed, "Đã hủy") with its number: numbers are never reused.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ...core.errors import NotFoundError
from ...core.i18n import N_, _
from ...core.vn import format_vnd
from ...domain.codes import DONATION_CHANNELS
from ...services.container import Services
from ...services.donations import (
    DONATION_SORTS,
    DonationIdPage,
    DonationQuery,
    DonationRow,
    DonationService,
    DonationTotals,
)
from ..dialogs.campaign_dialog import CampaignsDialog
from ..dialogs.donation_dialog import DonationDialog
from ..dialogs.receipt_offer import offer_receipt
from ..errors import show_error
from ..models.lazy_table import CENTER, RIGHT, Column, LazyTableModel
from ..qt_i18n import translate_buttons
from ..style import muted_label, set_primary, title_label
from ..tasks import Op, Runner
from ..widgets.excel_export import ExcelExport, ask_path
from ..widgets.history_dialog import HistoryDialog, open_history, plain_value
from ..widgets.period_filter import PeriodFilter
from ..widgets.reason_dialog import ReasonDialog
from ..widgets.record_table import style_record_view

SEARCH_DELAY_MS = 250
VOID_COLOUR = QColor("#8A8A8A")

STATUS_LABELS = {"valid": N_("Còn hiệu lực"), "void": N_("Đã hủy")}


def _money(amount: int) -> str:
    return format_vnd(amount) if amount else ""


COLUMNS: tuple[Column[DonationRow], ...] = (
    Column(N_("Số biên nhận"), lambda d: d.receipt_code),
    Column(N_("Ngày"), lambda d: d.received_on, CENTER),
    Column(N_("Nhà hảo tâm"), lambda d: d.donor_name),
    Column(N_("Đợt vận động"), lambda d: d.campaign_name),
    Column(N_("Hình thức"), lambda d: _(DONATION_CHANNELS.get(d.channel, d.channel))),
    Column(N_("Tiền mặt"), lambda d: _money(d.cash_vnd), RIGHT),
    Column(N_("Hiện vật (trị giá)"), lambda d: _money(d.in_kind_vnd), RIGHT),
    Column(N_("Trạng thái"), lambda d: _(STATUS_LABELS.get(d.status, d.status))),
)
COLUMN_WIDTHS = (125, 90, 240, 180, 125, 115, 130)  # the last column stretches
MONEY_COLUMNS = (5, 6)
# One service order per column, in column order; the list opens newest receipt first.
COLUMN_SORTS = DONATION_SORTS
DEFAULT_SORT = ("receipt", True)  # (sort, descending)

# The audit log's column names, as the history shows them.
HISTORY_LABELS = {
    "receipt_code": N_("Số biên nhận"),
    "received_on": N_("Ngày nhận"),
    "donor_id": N_("Nhà hảo tâm"),
    "donor_display": N_("Tên ghi trên biên nhận"),
    "campaign_id": N_("Đợt vận động"),
    "channel": N_("Hình thức"),
    "cash_vnd": N_("Số tiền"),
    "designation": N_("Ủng hộ có địa chỉ"),
    "collector": N_("Người thu"),
    "status": N_("Trạng thái"),
    "void_reason": N_("Lý do hủy"),
    "print_count": N_("Số lần in"),
    "note": N_("Ghi chú"),
}


@dataclass(frozen=True)
class _OffsetPage:
    ids: list[int]
    cursor: int  # the offset of the next page in the ordered id list
    last: bool


class _Receipts:
    """The service as a row source for the lazy model, under the section's filters and order.

    Newest first pages by keyset, as it always has. Any other order reads the whole ordered id
    list when the model asks for its first page (`after` None: a reload) and pages through it;
    `ordered` then holds the list, for the model to adopt at once."""

    def __init__(self, service: DonationService) -> None:
        self.service = service
        self.query = DonationQuery()
        self.sort = DEFAULT_SORT
        self.ordered: array[int] | None = None

    def page_ids(self, *, after: Any, limit: int) -> DonationIdPage | _OffsetPage:
        if self.sort == DEFAULT_SORT:
            self.ordered = None
            return self.service.page_ids(self.query, after=after, limit=limit)
        if after is None or self.ordered is None:
            sort, descending = self.sort
            self.ordered = self.service.ordered_ids(self.query, sort=sort, descending=descending)
        start = int(after or 0)
        ids = list(self.ordered[start : start + limit])
        return _OffsetPage(ids, start + len(ids), start + len(ids) >= len(self.ordered))

    def rows(self, ids: list[int]) -> dict[int, DonationRow]:
        return self.service.rows(ids)


class ReceiptModel(LazyTableModel[DonationRow]):
    """Greys voided receipts so the eye skips them when adding up. A header click asks for an
    order (`sort_requested`); the section has the service read it, so rows are never sorted here."""

    sort_requested = Signal(int, Qt.SortOrder)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.sort_requested.emit(column, order)

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role in (Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.FontRole) and index.isValid():
            row = self.row_at(index.row())
            if row is None or not row.is_void:
                return None
            if role == Qt.ItemDataRole.ForegroundRole:
                return VOID_COLOUR
            font = QFont()
            font.setItalic(True)
            return font
        return super().data(index, role)


def totals_text(totals: DonationTotals) -> str:
    if totals.count == 0:
        return _("Chưa có biên nhận còn hiệu lực nào trong phạm vi đang xem.")
    return _(
        "Cộng {n} biên nhận còn hiệu lực: tiền mặt {cash} · hiện vật {goods} · tổng cộng {total}"
    ).format(
        n=totals.count,
        cash=format_vnd(totals.cash_vnd),
        goods=format_vnd(totals.in_kind_vnd),
        total=format_vnd(totals.total_vnd),
    )


class DonationsSection(QWidget):
    def __init__(self, services: Services, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._runner = runner
        self.dialog: DonationDialog | None = None
        self.void_dialog: ReasonDialog | None = None
        self.history: HistoryDialog | None = None
        self.campaigns_dialog: CampaignsDialog | None = None
        self.notice: QMessageBox | None = None
        self.last_export: Path | None = None

        self.add_button = QPushButton(_("Thêm biên nhận"))
        self.add_button.setShortcut(QKeySequence(QKeySequence.StandardKey.New))
        self.add_button.setToolTip(_("Lập biên nhận mới (Ctrl+N)"))
        set_primary(self.add_button)
        self.campaigns_button = QPushButton(_("Đợt vận động…"))
        self.campaigns_button.setToolTip(_("Xem, thêm, sửa các đợt vận động"))
        self.export_button = QPushButton(_("Xuất Excel…"))
        self.export_button.setToolTip(_("Xuất danh sách đang xem ra tệp Excel"))
        header = QHBoxLayout()
        header.addWidget(title_label(_("Quyên góp")))
        header.addStretch(1)
        header.addWidget(self.campaigns_button)
        header.addWidget(self.export_button)
        header.addWidget(self.add_button)

        self.period = PeriodFilter(default="year")
        self.campaign = QComboBox()
        self.campaign.setMinimumContentsLength(18)
        self.campaign.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.status = QComboBox()
        self.status.addItem(_("Mọi trạng thái"), None)
        for code, label in STATUS_LABELS.items():
            self.status.addItem(_(label), code)
        self.search = QLineEdit()
        self.search.setPlaceholderText(_("Tìm số biên nhận hoặc tên nhà hảo tâm (không dấu cũng được)"))
        self.search.setClearButtonEnabled(True)
        filters = QHBoxLayout()
        filters.setSpacing(8)
        filters.addWidget(self.period)
        filters.addWidget(self.campaign)
        filters.addWidget(self.status)
        filters.addWidget(self.search, 1)

        self.source = _Receipts(services.donations)
        self.model = ReceiptModel(self.source, COLUMNS, parent=self)
        self.table = QTableView()
        self.table.setModel(self.model)
        style_record_view(self.table, COLUMN_WIDTHS, self.fontMetrics().height() + 12)
        self.table.horizontalHeader().setSortIndicator(0, Qt.SortOrder.DescendingOrder)
        self.model.sort_requested.connect(self._on_sort_requested)
        self.table.setSortingEnabled(True)  # header clicks call model.sort(); it asks the service

        self.edit_button = QPushButton(_("Xem, sửa…"))
        self.edit_button.setToolTip(_("Mở biên nhận đang chọn (Enter hoặc nhấp đúp)"))
        self.void_button = QPushButton(_("Hủy biên nhận…"))
        self.void_button.setToolTip(_("Đánh dấu biên nhận đang chọn là đã hủy, kèm lý do"))
        self.history_button = QPushButton(_("Lịch sử thay đổi"))
        self.print_button = QPushButton(_("In biên nhận…"))
        self.print_button.setToolTip(_("In biên nhận đang chọn (từ lần in thứ hai là bản sao)"))
        self.totals = QLabel()
        self.totals.setWordWrap(True)
        self.status_line = muted_label("")
        actions = QHBoxLayout()
        actions.addWidget(self.totals, 1)
        actions.addWidget(self.edit_button)
        actions.addWidget(self.print_button)
        actions.addWidget(self.void_button)
        actions.addWidget(self.history_button)

        self.empty = QLabel()
        self.empty.setObjectName("muted")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 16)
        layout.setSpacing(10)
        layout.addLayout(header)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)
        layout.addLayout(actions)
        layout.addWidget(self.status_line)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.reload)
        self.search.textChanged.connect(self._on_search_text_changed)
        self.search.returnPressed.connect(self._on_search_return_pressed)
        self.period.changed.connect(self.reload)
        self.campaign.currentIndexChanged.connect(self._on_filter_changed)
        self.status.currentIndexChanged.connect(self._on_filter_changed)
        self.add_button.clicked.connect(self._on_add_button_clicked)
        self.campaigns_button.clicked.connect(self._on_campaigns_button_clicked)
        self.export_button.clicked.connect(self._on_export_button_clicked)
        self.edit_button.clicked.connect(self._on_edit_button_clicked)
        self.void_button.clicked.connect(self._on_void_button_clicked)
        self.print_button.clicked.connect(self._on_print_button_clicked)
        self.history_button.clicked.connect(self._on_history_button_clicked)
        self.table.activated.connect(self._on_table_activated)
        self.table.selectionModel().selectionChanged.connect(self._on_selection_changed)

        self._fill_campaigns()
        self.reload()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        # Receipts and campaigns may have changed elsewhere (an import, the campaign list).
        self._fill_campaigns()
        self.reload(select_id=self._selected_id())

    def _selected_id(self) -> int | None:
        row = self.current()
        return row.id if row is not None else None

    # ---- filters and search -----------------------------------------------------------------

    def focus_search(self) -> bool:
        self.search.setFocus()
        self.search.selectAll()
        return True

    def _fill_campaigns(self) -> None:
        chosen = self.campaign.currentData()
        self.campaign.blockSignals(True)
        self.campaign.clear()
        self.campaign.addItem(_("Mọi đợt vận động"), None)
        for campaign in self._services.campaigns.list():
            self.campaign.addItem(campaign.name, campaign.id)
        self.campaign.setCurrentIndex(max(0, self.campaign.findData(chosen)))
        self.campaign.blockSignals(False)

    def query(self) -> DonationQuery:
        date_from, date_to = self.period.range()
        return DonationQuery(
            date_from=date_from,
            date_to=date_to,
            campaign_id=self.campaign.currentData(),
            status=self.status.currentData(),
            text=self.search.text().strip(),
        )

    def _on_search_text_changed(self, _text: str) -> None:
        self._search_timer.start()  # restarting debounces: the list follows once typing pauses

    def _on_search_return_pressed(self) -> None:
        self.reload()

    def _on_filter_changed(self, _index: int) -> None:
        self.reload()

    def _on_sort_requested(self, column: int, order: Qt.SortOrder) -> None:
        if not 0 <= column < len(COLUMN_SORTS):
            return
        wanted = (COLUMN_SORTS[column], order == Qt.SortOrder.DescendingOrder)
        if wanted != self.source.sort:
            self.source.sort = wanted
            self.reload(select_id=self._selected_id())  # the selected receipt stays selected

    def reload(self, select_id: int | None = None) -> None:
        """Shows the list again under the current filters and order, and its totals."""
        self._search_timer.stop()
        query = self.query()
        self.source.query = query
        self.model.reload()
        if self.source.ordered is not None:
            # A sorted list read its whole id list for its first page: every row is known now.
            self.model.adopt_ids(self.source.ordered, self.model.generation)
        if select_id is not None:
            position = self.model.position_of(select_id)
            if position is not None:
                self.table.selectRow(position)
                self.table.scrollTo(self.model.index(position, 0))
        self._on_selection_changed()
        empty = self.model.rowCount() == 0
        if query.text:
            hint = _("Không có biên nhận nào khớp với “{text}” trong phạm vi đang lọc.").format(
                text=query.text
            )
        else:
            hint = _("Chưa có biên nhận nào trong phạm vi đang lọc. Bấm “Thêm biên nhận” (Ctrl+N) để lập.")
        self.empty.setText(hint if empty else "")
        self.empty.setVisible(empty)
        self._load_totals()

    def _load_totals(self) -> None:
        donations, query = self._services.donations, self.source.query
        Op(self, lambda _p: donations.totals(query), writes=False).success(self._on_totals_loaded).run(
            self._runner
        )

    def _on_totals_loaded(self, totals: DonationTotals) -> None:
        self.totals.setText(totals_text(totals))

    # ---- the selected receipt ---------------------------------------------------------------

    def current(self) -> DonationRow | None:
        index = self.table.currentIndex()
        if not index.isValid() or not self.table.selectionModel().isRowSelected(index.row(), QModelIndex()):
            return None
        return self.model.row_at(index.row())

    def _on_selection_changed(self, *_args: object) -> None:
        row = self.current()
        self.edit_button.setEnabled(row is not None)
        self.history_button.setEnabled(row is not None)
        self.void_button.setEnabled(row is not None and not row.is_void)
        self.print_button.setEnabled(row is not None and not row.is_void)
        self.edit_button.setText(_("Xem…") if row is not None and row.is_void else _("Xem, sửa…"))

    def _on_table_activated(self, index: QModelIndex) -> None:
        row = self.model.row_at(index.row())
        if row is not None:
            self._open_dialog(row)

    def _on_edit_button_clicked(self) -> None:
        row = self.current()
        if row is not None:
            self._open_dialog(row)

    # ---- add and edit -----------------------------------------------------------------------

    def _on_add_button_clicked(self) -> None:
        self._open_dialog(None)

    def _open_dialog(self, row: DonationRow | None) -> None:
        if row is not None:
            try:
                row = self._services.donations.get(row.id)  # the list's copy may predate a print
            except NotFoundError as error:
                show_error(self, error)
                return
        self.dialog = DonationDialog(self._services, self._runner, row, self)
        self.dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog.saved.connect(self._on_created if row is None else self._on_edited)
        self.dialog.open()

    def _on_created(self, row: DonationRow) -> None:
        self.reload(select_id=row.id)
        self._offer_receipt(row)

    def _on_edited(self, row: DonationRow) -> None:
        self.model.invalidate([row.id])
        self._load_totals()
        if row.warnings:
            self._notify(_("Đã lưu biên nhận {code}. Xin lưu ý:").format(code=row.receipt_code), row.warnings)

    def _offer_receipt(self, row: DonationRow) -> None:
        """After a new receipt is saved: tells its number and offers to print the receipt."""
        details = [
            _("Nhà hảo tâm: {donor}").format(donor=row.donor_name),
            _("Tổng trị giá: {total}").format(total=format_vnd(row.total_vnd)),
            *row.warnings,
            _('Biên nhận đang được chọn: bấm "In biên nhận…" để in và trao cho nhà hảo tâm.'),
        ]
        self._notify(
            _("Đã lưu biên nhận số {code}.").format(code=row.receipt_code),
            details,
            icon=QMessageBox.Icon.Warning if row.warnings else QMessageBox.Icon.Information,
        )

    def _notify(
        self, text: str, details: Any, *, icon: QMessageBox.Icon = QMessageBox.Icon.Information
    ) -> None:
        self.notice = QMessageBox(icon, _("Đã lưu"), text, QMessageBox.StandardButton.Ok, self)
        self.notice.setInformativeText("\n".join(details))
        translate_buttons(self.notice)
        self.notice.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.notice.open()

    # ---- void and history -------------------------------------------------------------------

    def _on_print_button_clicked(self) -> None:
        row = self.current()
        if row is None or row.is_void:
            return
        self.receipt_offer = offer_receipt(self, self._services, self._runner, row)

    def _on_void_button_clicked(self) -> None:
        row = self.current()
        if row is None or row.is_void:
            return
        donations = self._services.donations
        donation_id = row.id
        self.void_dialog = ReasonDialog(
            self._runner,
            _("Hủy biên nhận {code}").format(code=row.receipt_code),
            _(
                "Biên nhận {code} ({donor}, {total}) sẽ được đánh dấu đã hủy. Số biên nhận vẫn được giữ và "
                "không cấp lại cho biên nhận khác; hiện vật của biên nhận (nếu có) được trừ khỏi kho."
            ).format(code=row.receipt_code, donor=row.donor_name, total=format_vnd(row.total_vnd)),
            _("Hủy biên nhận"),
            lambda reason: donations.void(donation_id, reason),
            self,
            placeholder=_("Ví dụ: ghi sai số tiền, đã lập lại biên nhận số …"),
            missing=_("Hãy ghi lý do hủy biên nhận (ví dụ: ghi sai số tiền, lập lại biên nhận số …)."),
        )
        self.void_dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.void_dialog.done_with.connect(self._on_voided)
        self.void_dialog.open()

    def _on_voided(self, row: DonationRow) -> None:
        self.model.invalidate([row.id])
        self._on_selection_changed()
        self._load_totals()
        self.status_line.setText(
            _("Đã hủy biên nhận {code}. Lý do: {reason}").format(
                code=row.receipt_code, reason=row.void_reason
            )
        )

    def _on_history_button_clicked(self) -> None:
        row = self.current()
        if row is None:
            return
        self.history = open_history(
            self._services,
            "donations",
            row.uuid,
            _("Biên nhận {code} — {donor}").format(code=row.receipt_code, donor=row.donor_name),
            HISTORY_LABELS,
            self,
            formatters={
                "cash_vnd": lambda v: format_vnd(int(v)) if isinstance(v, int) else plain_value(v),
                "channel": lambda v: _(DONATION_CHANNELS.get(str(v), str(v))) if v else plain_value(v),
                "status": lambda v: _(STATUS_LABELS.get(str(v), str(v))) if v else plain_value(v),
                "donor_id": self._person_name,
                "campaign_id": self._campaign_name,
            },
        )

    def _person_name(self, value: object) -> str:
        if not isinstance(value, int):
            return plain_value(value)
        try:
            return self._services.people.get(value).full_name
        except NotFoundError:
            return plain_value(value)

    def _campaign_name(self, value: object) -> str:
        if not isinstance(value, int):
            return plain_value(value)
        try:
            return self._services.campaigns.get(value).name
        except NotFoundError:
            return plain_value(value)

    # ---- campaigns and export ---------------------------------------------------------------

    def _on_campaigns_button_clicked(self) -> None:
        self.campaigns_dialog = CampaignsDialog(self._services, self._runner, self)
        self.campaigns_dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.campaigns_dialog.changed.connect(self._on_campaigns_changed)
        self.campaigns_dialog.open()

    def _on_campaigns_changed(self) -> None:
        self._fill_campaigns()
        self.reload()  # a renamed campaign shows in the list's column

    def _on_export_button_clicked(self) -> None:
        path = ask_path(self, _("quyen-gop-{day}.xlsx").format(day=date.today().strftime("%Y%m%d")))
        if path is not None:
            self.export_to(path)

    def export_to(self, path: Path) -> None:
        """Writes the current view (every row under the filters, not only those scrolled to)."""
        ExcelExport(
            self,
            self.model,
            _("Danh sách biên nhận quyên góp"),
            money_columns=MONEY_COLUMNS,
            footer=[self.totals.text()],
        ).run(self._runner, path, self._on_exported)

    def _on_exported(self, path: Path) -> None:
        self.last_export = path
        self.status_line.setText(_("Đã xuất danh sách ra tệp {path}").format(path=path))
