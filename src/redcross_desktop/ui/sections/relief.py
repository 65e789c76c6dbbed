# SPDX-License-Identifier: MIT
"""Cứu trợ / hỗ trợ: the relief given (filtered by period, programme and kind, with totals) and the
distribution lists. Qt is imported here.

Relief records carry no number, so a record entered by mistake is deleted ("Xóa", after a
confirmation); its goods go back to stock in the same transaction.
"""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...core.i18n import N_, _
from ...core.vn import format_date, format_vnd
from ...domain.codes import RELIEF_KINDS, VULNERABLE_GROUPS
from ...services.container import Services
from ...services.relief import ReliefQuery, ReliefRow, ReliefTotals, SavedRelief
from ..dialogs.relief_dialog import ReliefDialog
from ..models.lazy_table import RIGHT, Column
from ..style import muted_label, set_primary
from ..tasks import Op, Runner
from ..widgets.excel_export import export_view
from ..widgets.history_dialog import HistoryDialog, open_history
from ..widgets.period_filter import PeriodFilter
from ..widgets.record_table import RecordTable
from ._record_section import (
    RecordActions,
    TabbedSection,
    ask_to_delete,
    button_row,
    debounced_search,
    search_field,
    show_notice,
)
from .distributions import DistributionTab


def _beneficiary(row: ReliefRow) -> str:
    if row.person_name:
        return row.person_name
    return _("Hộ tại {thon}").format(thon=row.thon) if row.thon else _("Một hộ gia đình")


def _goods(row: ReliefRow) -> str:
    return ", ".join(f"{item.quantity} {item.unit} {item.name}" for item in row.items)


COLUMNS: tuple[Column[ReliefRow], ...] = (
    Column(N_("Ngày"), lambda r: r.given_on),
    Column(N_("Người/hộ nhận"), _beneficiary),
    Column(N_("Thôn/tổ"), lambda r: r.thon),
    Column(N_("Loại hỗ trợ"), lambda r: r.kind_label),
    Column(N_("Chương trình"), lambda r: r.programme),
    Column(N_("Tiền mặt"), lambda r: format_vnd(r.cash_vnd) if r.cash_vnd else "", RIGHT),
    Column(N_("Hiện vật"), _goods),
    Column(N_("Tổng trị giá"), lambda r: format_vnd(r.total_vnd), RIGHT),
    Column(N_("Đợt vận động"), lambda r: r.campaign_name),
)
COLUMN_WIDTHS = (96, 176, 66, 150, 146, 100, 146, 104)  # the campaign column stretches
MONEY_COLUMNS = (5, 7)

# Column names of relief_records → the history's labels.
HISTORY_LABELS = {
    "given_on": N_("Ngày hỗ trợ"),
    "person_id": N_("Người nhận (mã)"),
    "household_id": N_("Hộ nhận (mã)"),
    "programme": N_("Chương trình"),
    "kind": N_("Loại hỗ trợ"),
    "groups": N_("Đối tượng"),
    "cash_vnd": N_("Tiền mặt"),
    "campaign_id": N_("Đợt vận động (mã)"),
    "people_covered": N_("Số người được hỗ trợ"),
    "review_minutes_ref": N_("Biên bản bình xét"),
    "confirmation_ref": N_("Xác nhận của UBND xã"),
    "note": N_("Ghi chú"),
    "deleted": N_("Đã xóa"),
}


def _money(value: object) -> str:
    return format_vnd(int(value)) if isinstance(value, int) else "—"


def _kind(value: object) -> str:
    return _(RELIEF_KINDS.get(str(value), str(value))) if value else "—"


def _groups(value: object) -> str:
    codes = [code for code in str(value or "").split(",") if code]
    return ", ".join(_(VULNERABLE_GROUPS.get(code, code)) for code in codes) or "—"


HISTORY_FORMATTERS = {"cash_vnd": _money, "kind": _kind, "groups": _groups}


def totals_text(totals: ReliefTotals) -> str:
    return _(
        "{records} lượt hỗ trợ · {people} người · {households} hộ · tiền mặt {cash} · hiện vật {goods} · "
        "tổng {total}"
    ).format(
        records=format_vnd(totals.records, suffix=False),
        people=format_vnd(totals.people, suffix=False),
        households=format_vnd(totals.households, suffix=False),
        cash=format_vnd(totals.cash_vnd),
        goods=format_vnd(totals.goods_vnd),
        total=format_vnd(totals.total_vnd),
    )


class ReliefListTab(RecordActions[ReliefRow], QWidget):
    """The relief records of the chosen period, programme and kind, newest first."""

    def __init__(self, services: Services, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._runner = runner
        self.dialog: ReliefDialog | None = None
        self.notice: QMessageBox | None = None
        self.confirm: QMessageBox | None = None
        self.history: HistoryDialog | None = None

        self.period = PeriodFilter()
        self.programme = QComboBox()
        self.programme.setMinimumWidth(170)
        self.kind = QComboBox()
        self.kind.addItem(_("Mọi loại hỗ trợ"), "")
        for code, label in RELIEF_KINDS.items():
            self.kind.addItem(_(label), code)
        self.search = search_field(_("Tìm theo tên người nhận, thôn, ghi chú…"))
        self._reload_programmes()

        self.add_button = QPushButton(_("Thêm hỗ trợ"))
        set_primary(self.add_button)
        self.add_button.setToolTip(_("Ghi một lần hỗ trợ mới (Ctrl+N)"))
        self.edit_button = QPushButton(_("Sửa"))
        self.delete_button = QPushButton(_("Xóa"))
        self.history_button = QPushButton(_("Lịch sử"))
        self.export_button = QPushButton(_("Xuất Excel"))

        filters = QHBoxLayout()
        filters.setSpacing(8)
        filters.addWidget(self.period)
        filters.addWidget(self.programme)
        filters.addWidget(self.kind)
        filters.addWidget(self.search, 1)
        actions = button_row(
            (self.add_button, self.edit_button, self.delete_button, self.history_button),
            (self.export_button,),
        )
        actions.setSpacing(8)

        self.summary = muted_label("")
        self.table: RecordTable[ReliefRow] = RecordTable(COLUMNS, COLUMN_WIDTHS)
        self.empty = muted_label("")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 10, 0, 0)
        layout.setSpacing(8)
        layout.addLayout(filters)
        layout.addLayout(actions)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)

        self.period.changed.connect(self.refresh)
        self.programme.currentIndexChanged.connect(self._on_filter_changed)
        self.kind.currentIndexChanged.connect(self._on_filter_changed)
        self._search_timer = debounced_search(self, self.search, self.refresh)
        self.delete_button.clicked.connect(self._on_delete_button_clicked)
        self.export_button.clicked.connect(self._on_export_button_clicked)
        self._connect_record_actions()
        self.refresh()

    # ---- list -------------------------------------------------------------------------------

    def query(self) -> ReliefQuery:
        date_from, date_to = self.period.range()
        return ReliefQuery(
            date_from=date_from,
            date_to=date_to,
            programme=str(self.programme.currentData() or ""),
            kind=str(self.kind.currentData() or ""),
            text=self.search.text(),
        )

    def _reload_programmes(self) -> None:
        chosen = self.programme.currentData()
        self.programme.blockSignals(True)
        self.programme.clear()
        self.programme.addItem(_("Mọi chương trình"), "")
        for name in self._services.relief.programmes():
            self.programme.addItem(name, name)
        self.programme.setCurrentIndex(max(0, self.programme.findData(chosen)))
        self.programme.blockSignals(False)

    def _on_filter_changed(self, *_args: object) -> None:
        self.refresh()

    def refresh(self) -> None:
        self._search_timer.stop()
        query = self.query()
        relief = self._services.relief
        Op(self, lambda _p: (relief.list(query), relief.totals(query)), writes=False).success(
            self._on_loaded
        ).run(self._runner)

    def _on_loaded(self, result: tuple[list[ReliefRow], ReliefTotals]) -> None:
        rows, totals = result
        self.table.set_rows(rows)
        self.summary.setText(totals_text(totals))
        self.empty.setText(
            _("Chưa có lần hỗ trợ nào trong thời gian đã chọn. Bấm “Thêm hỗ trợ” (Ctrl+N) để ghi.")
            if not rows
            else ""
        )
        self.empty.setVisible(not rows)
        self._on_selection_changed()

    # ---- add, edit, delete ------------------------------------------------------------------

    def open_dialog(self, row: ReliefRow | None) -> ReliefDialog:
        self.dialog = ReliefDialog(self._services, self._runner, row, self)
        self.dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog.saved.connect(self._on_saved)
        self.dialog.open()
        return self.dialog

    def _on_saved(self, saved: SavedRelief) -> None:
        self._reload_programmes()
        self.refresh()
        self.table.select_id(saved.row.id)
        if saved.warnings:
            self.notice = show_notice(
                self,
                _("Đã lưu"),
                _("Đã lưu lần hỗ trợ cho {who}. Xin lưu ý:").format(who=_beneficiary(saved.row)),
                saved.warnings,
            )

    def _on_delete_button_clicked(self) -> None:
        row = self.table.current()
        if row is None:
            return
        informative = _("Chỉ xóa khi ghi nhầm. Việc xóa được ghi vào nhật ký thay đổi.")
        if row.items:
            informative = (
                _("Hiện vật đã cấp ({goods}) sẽ được nhập lại kho. ").format(goods=_goods(row)) + informative
            )
        box = ask_to_delete(
            self,
            _("Xóa lần hỗ trợ"),
            _("Xóa lần hỗ trợ ngày {day} cho {who}?").format(
                day=format_date(row.given_on), who=_beneficiary(row)
            ),
            informative,
            partial(self._delete, row.id),
            no_default=True,
        )
        box.buttonClicked.connect(self._on_confirm_clicked)
        self.confirm = box

    def _on_confirm_clicked(self, _clicked: object) -> None:
        self.confirm = None

    def _delete(self, relief_id: int) -> None:
        relief = self._services.relief
        Op(self, lambda _p: relief.delete(relief_id), writes=True).success(
            lambda _none: self._after_delete()
        ).run(self._runner)

    def _after_delete(self) -> None:
        self._reload_programmes()
        self.refresh()

    def _on_history_button_clicked(self) -> None:
        row = self.table.current()
        if row is None:
            return
        title = _("Lần hỗ trợ ngày {day} cho {who}").format(
            day=format_date(row.given_on), who=_beneficiary(row)
        )
        self.history = open_history(
            self._services,
            "relief_records",
            row.uuid,
            title,
            HISTORY_LABELS,
            self,
            formatters=HISTORY_FORMATTERS,
        )

    def _on_export_button_clicked(self) -> None:
        export_view(
            self,
            self._runner,
            self.table.model_,
            _("ho-tro.xlsx"),
            _("Danh sách hỗ trợ"),
            money_columns=MONEY_COLUMNS,
            footer=[self.summary.text()],
        )


class ReliefSection(TabbedSection):
    """Two tabs: the relief given, and the distribution lists."""

    def __init__(self, services: Services, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.relief = ReliefListTab(services, runner)
        self.distributions = DistributionTab(services, runner)
        self._build(
            _("Cứu trợ / hỗ trợ"),
            ((self.relief, _("Hỗ trợ đã cấp")), (self.distributions, _("Danh sách cấp phát"))),
            self.relief.search,
        )
        self.distributions.reconciled.connect(self.relief.refresh)
