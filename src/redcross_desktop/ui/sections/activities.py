# SPDX-License-Identifier: MIT
"""Hoạt động: first aid, disaster preparedness, communication, health, youth and other activities
with their counts and totals by type; and the family tracing register. Qt is imported here.

Tracing narratives are sensitive (domain.md §6): the register shows who asked and who is sought,
and only the counts by status leave the commune.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...core.i18n import N_, _
from ...core.vn import format_date, format_vnd
from ...domain.codes import ACTIVITY_TYPES, TRACING_STATUSES
from ...services.activities import ActivityQuery, ActivityRow, ActivityTotals, TracingRow
from ...services.container import Services
from ..dialogs.activity_dialogs import COUNT_LABELS, ActivityDialog, CaseStatusDialog, TracingDialog
from ..models.lazy_table import RIGHT, Column
from ..style import muted_label, set_primary
from ..tasks import Op, Runner
from ..widgets.excel_export import export_view
from ..widgets.history_dialog import HistoryDialog, code_label, open_history
from ..widgets.period_filter import PeriodFilter
from ..widgets.record_table import RecordTable
from ._record_section import (
    RecordActions,
    TabbedSection,
    ask_to_delete,
    button_row,
    debounced_search,
    search_field,
)


def _counts(row: ActivityRow) -> str:
    """The counts that mean something for this type, with their names: "2 lớp · 40 học viên"."""
    labels = COUNT_LABELS.get(row.type, {})
    parts = []
    for key, label in labels.items():
        value = getattr(row, key)
        if value:
            shown = format_vnd(value) if key == "value_vnd" else format_vnd(value, suffix=False)
            parts.append(f"{_(label)}: {shown}")
    return " · ".join(parts)


ACTIVITY_COLUMNS: tuple[Column[ActivityRow], ...] = (
    Column(N_("Ngày"), lambda a: a.start_date),
    Column(N_("Loại"), lambda a: a.type_label),
    Column(N_("Tên hoạt động"), lambda a: a.title),
    Column(N_("Địa điểm"), lambda a: a.place),
    Column(N_("Kinh phí"), lambda a: format_vnd(a.cost_vnd) if a.cost_vnd else "", RIGHT),
    Column(N_("Số liệu"), _counts),
)
ACTIVITY_WIDTHS = (96, 150, 250, 130, 104)  # the counts stretch

CASE_COLUMNS: tuple[Column[TracingRow], ...] = (
    Column(N_("Ngày tiếp nhận"), lambda c: c.received_on),
    Column(N_("Người đề nghị"), lambda c: c.requester),
    Column(N_("Người cần tìm"), lambda c: c.sought_person),
    Column(N_("Trạng thái"), lambda c: c.status_label),
    Column(N_("Ngày kết thúc"), lambda c: c.closed_on),
)
CASE_WIDTHS = (124, 260, 300, 130)

ACTIVITY_HISTORY = {
    "type": N_("Loại"),
    "title": N_("Tên hoạt động"),
    "start_date": N_("Ngày bắt đầu"),
    "end_date": N_("Ngày kết thúc"),
    "place": N_("Địa điểm"),
    "partners": N_("Đơn vị phối hợp"),
    "sessions": N_("Số buổi, lớp"),
    "participants": N_("Số người tham gia"),
    "cases": N_("Số ca, tin bài"),
    "people_served": N_("Số người được phục vụ"),
    "value_vnd": N_("Trị giá"),
    "cost_vnd": N_("Kinh phí"),
    "note": N_("Ghi chú"),
    "deleted": N_("Đã xóa"),
}


def totals_text(totals: dict[str, ActivityTotals]) -> str:
    """One line per type: "Sơ cấp cứu: 2 hoạt động, Số lớp: 3, Số học viên: 60"."""
    lines = []
    for code, label in ACTIVITY_TYPES.items():
        figures = totals.get(code)
        if figures is None:
            continue
        parts = [_("{n} hoạt động").format(n=figures.count)]
        for key, name in COUNT_LABELS.get(code, {}).items():
            value = getattr(figures, key)
            if value:
                shown = format_vnd(value) if key == "value_vnd" else format_vnd(value, suffix=False)
                parts.append(f"{_(name).lower()} {shown}")
        lines.append(f"{_(label)}: " + ", ".join(parts))
    return "\n".join(lines)


class ActivitiesTab(RecordActions[ActivityRow], QWidget):
    def __init__(self, services: Services, runner: Runner) -> None:
        super().__init__()
        self._services = services
        self._runner = runner
        self.dialog: ActivityDialog | None = None
        self.confirm: QMessageBox | None = None
        self.history: HistoryDialog | None = None
        self.type = QComboBox()
        self.type.addItem(_("Mọi loại hoạt động"), None)
        for code, label in ACTIVITY_TYPES.items():
            self.type.addItem(_(label), code)
        self.period = PeriodFilter()
        self.search = search_field(_("Tìm theo tên hoạt động, địa điểm, đơn vị phối hợp"))
        filters = QHBoxLayout()
        filters.addWidget(self.type)
        filters.addWidget(self.period)
        filters.addWidget(self.search, 1)
        self.add_button = QPushButton(_("Ghi hoạt động"))
        self.add_button.setToolTip(_("Ghi một hoạt động mới (Ctrl+N)"))
        set_primary(self.add_button)
        self.edit_button = QPushButton(_("Sửa"))
        self.delete_button = QPushButton(_("Xóa"))
        self.history_button = QPushButton(_("Lịch sử"))
        self.export_button = QPushButton(_("Xuất Excel"))
        actions = button_row(
            (self.add_button, self.edit_button, self.delete_button, self.history_button),
            (self.export_button,),
        )
        self.summary = muted_label("")
        self.table: RecordTable[ActivityRow] = RecordTable(ACTIVITY_COLUMNS, ACTIVITY_WIDTHS)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 10, 0, 0)
        layout.addLayout(filters)
        layout.addLayout(actions)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.summary)

        self._timer = debounced_search(self, self.search, self.refresh)
        self.type.currentIndexChanged.connect(self._on_filter_changed)
        self.period.changed.connect(self.refresh)
        self.delete_button.clicked.connect(self._on_delete_button_clicked)
        self.export_button.clicked.connect(self._on_export_button_clicked)
        self._connect_record_actions()
        self.refresh()

    def query(self) -> ActivityQuery:
        date_from, date_to = self.period.range()
        return ActivityQuery(self.type.currentData(), date_from, date_to, self.search.text())

    def refresh(self) -> None:
        self._timer.stop()
        query = self.query()
        activities = self._services.activities
        rows = activities.list(query)
        self.table.set_rows(rows)
        totals = activities.totals(query.date_from or date(1900, 1, 1), query.date_to or date(9999, 12, 31))
        if query.type:
            totals = {k: v for k, v in totals.items() if k == query.type}
        text = totals_text(totals)
        self.summary.setText(
            (_("Tổng theo loại trong thời gian đã chọn:") + "\n" + text)
            if text
            else _("Chưa có hoạt động nào trong thời gian đã chọn. Bấm “Ghi hoạt động” (Ctrl+N) để ghi.")
        )
        self._on_selection_changed()

    def _on_filter_changed(self, *_args: object) -> None:
        self.refresh()

    def open_dialog(self, row: ActivityRow | None) -> ActivityDialog:
        kind = self.type.currentData() if row is None else None
        self.dialog = ActivityDialog(self._services, self._runner, row, self, kind=kind)
        self.dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog.saved.connect(self._on_saved)
        self.dialog.open()
        return self.dialog

    def _on_saved(self, row: ActivityRow) -> None:
        self.refresh()
        self.table.select_id(row.id)

    def _on_delete_button_clicked(self) -> None:
        row = self.table.current()
        if row is None:
            return
        activities, activity_id = self._services.activities, row.id
        self.confirm = ask_to_delete(
            self,
            _("Xóa hoạt động"),
            _("Xóa hoạt động “{title}” ngày {day}?").format(title=row.title, day=format_date(row.start_date)),
            _("Chỉ xóa khi ghi nhầm. Việc xóa được ghi vào nhật ký thay đổi."),
            lambda: self._write(lambda: activities.delete(activity_id)),
        )

    def _write(self, work: Callable[[], object]) -> None:
        Op(self, lambda _p: work(), writes=True).success(lambda _r: self.refresh()).run(self._runner)

    def _on_history_button_clicked(self) -> None:
        row = self.table.current()
        if row is None:
            return
        self.history = open_history(
            self._services,
            "activities",
            row.uuid,
            _("{title} ({day})").format(title=row.title, day=format_date(row.start_date)),
            ACTIVITY_HISTORY,
            self,
            formatters={"type": code_label(ACTIVITY_TYPES)},
        )

    def _on_export_button_clicked(self) -> None:
        export_view(
            self,
            self._runner,
            self.table.model_,
            _("hoat-dong.xlsx"),
            _("Danh sách hoạt động"),
            money_columns=(4,),
        )


class TracingTab(QWidget):
    """The register: open a case, change its status; the counts by status for the period."""

    def __init__(self, services: Services, runner: Runner) -> None:
        super().__init__()
        self._services = services
        self._runner = runner
        self.dialog: QWidget | None = None
        self.status = QComboBox()
        self.status.addItem(_("Mọi trạng thái"), None)
        for code, label in TRACING_STATUSES.items():
            self.status.addItem(_(label), code)
        self.period = PeriodFilter()
        self.open_button = QPushButton(_("Tiếp nhận hồ sơ"))
        self.open_button.setShortcut(QKeySequence(QKeySequence.StandardKey.New))
        self.open_button.setToolTip(_("Tiếp nhận hồ sơ mới (Ctrl+N)"))
        set_primary(self.open_button)
        self.edit_button = QPushButton(_("Sửa"))
        self.status_button = QPushButton(_("Đổi trạng thái…"))
        top = button_row(
            (QLabel(_("Trạng thái:")), self.status), (self.open_button, self.edit_button, self.status_button)
        )
        self.table: RecordTable[TracingRow] = RecordTable(CASE_COLUMNS, CASE_WIDTHS)
        counts_row = QHBoxLayout()
        counts_row.addWidget(QLabel(_("Số hồ sơ tiếp nhận trong:")))
        counts_row.addWidget(self.period)
        counts_row.addStretch(1)
        self.counts = muted_label("")
        note = muted_label(
            _("Nội dung hồ sơ chỉ lưu tại xã; chỉ số lượng theo trạng thái được gửi lên tỉnh.")
        )
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 10, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(counts_row)
        layout.addWidget(self.counts)
        layout.addWidget(note)
        self.status.currentIndexChanged.connect(self._on_status_current_index_changed)
        self.period.changed.connect(self.refresh)
        self.open_button.clicked.connect(self._on_open_button_clicked)
        self.edit_button.clicked.connect(self._on_edit_button_clicked)
        self.status_button.clicked.connect(self._on_status_button_clicked)
        self.table.activated.connect(self._on_table_activated)
        self.table.selectionModel().selectionChanged.connect(self._on_selection_changed)
        self.refresh()

    def refresh(self) -> None:
        activities = self._services.activities
        self.table.set_rows(activities.cases(self.status.currentData()))
        date_from, date_to = self.period.range()
        counts = activities.case_counts(date_from or date(1900, 1, 1), date_to or date(9999, 12, 31))
        total = sum(counts.values())
        self.counts.setText(
            _("Tổng {n} hồ sơ: ").format(n=total)
            + " · ".join(f"{_(label)} {counts.get(code, 0)}" for code, label in TRACING_STATUSES.items())
        )
        self._on_selection_changed()

    def _on_status_current_index_changed(self, _index: int) -> None:
        self.refresh()

    def _on_selection_changed(self, *_args: object) -> None:
        chosen = self.table.current() is not None
        self.edit_button.setEnabled(chosen)
        self.status_button.setEnabled(chosen)

    def _show(self, dialog: TracingDialog | CaseStatusDialog) -> None:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(self._on_saved)
        self.dialog = dialog
        dialog.open()

    def _on_open_button_clicked(self) -> None:
        self._show(TracingDialog(self._services, self._runner, None, self))

    def _on_edit_button_clicked(self) -> None:
        case = self.table.current()
        if case is not None:
            self._show(TracingDialog(self._services, self._runner, case, self))

    def _on_table_activated(self, index: QModelIndex) -> None:
        case = self.table.model_.row_at(index.row())
        if case is not None:
            self._show(TracingDialog(self._services, self._runner, case, self))

    def _on_status_button_clicked(self) -> None:
        case = self.table.current()
        if case is not None:
            self._show(CaseStatusDialog(self._services, self._runner, case, self))

    def _on_saved(self, row: TracingRow) -> None:
        self.refresh()
        if not self.table.select_id(row.id):
            self.status.setCurrentIndex(0)
            self.table.select_id(row.id)


class ActivitiesSection(TabbedSection):
    def __init__(self, services: Services, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.activities = ActivitiesTab(services, runner)
        self.tracing = TracingTab(services, runner)
        self._build(
            _("Hoạt động"),
            ((self.activities, _("Hoạt động")), (self.tracing, _("Tìm kiếm thân nhân"))),
            self.activities.search,
        )
