# SPDX-License-Identifier: MIT
"""Báo cáo: the month's (quarter's, year-to-date) report as the province asks it, the figures typed by
hand, the year's targets, closing the month ("Chốt số liệu") and reopening it with a reason, and the
Excel workbooks (the report with its number, the public disclosure). Qt is imported here.

Everything shown is computed by `services.reports` from the records; this page only displays it,
passes edits back, and reloads.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import partial
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ...core.errors import RedCrossError
from ...core.i18n import N_, _
from ...core.vn import format_date
from ...reports.model import MonthlyReport
from ...services.container import Services
from ...services.reports import PeriodStatus
from ..dialogs.report_entry import FigureField, ManualEntryDialog, PlansDialog
from ..dialogs.report_export import DisclosureDialog, ReportExportDialog, written_notice
from ..errors import show_error
from ..models.report_table import LABEL, NUMBER, ReportTableModel
from ..qt_i18n import translate_buttons
from ..style import muted_label, set_primary, title_label
from ..tasks import Op, Runner
from ..widgets.reason_dialog import ReasonDialog

KINDS = (("month", N_("Tháng")), ("quarter", N_("Quý")), ("ytd", N_("Lũy kế từ đầu năm")))
QUARTERS = ("I", "II", "III", "IV")
LEGEND = N_(
    "Ô nền vàng là số liệu nhập tay: bấm đúp để sửa. Cột “Kế hoạch” cũng sửa được tại chỗ. Các số còn "
    "lại tính từ dữ liệu đã ghi."
)
COLUMN_WIDTHS = (44, 0, 84, 110, 110, 110, 82, 110, 64)  # 0: the label column stretches


@dataclass(frozen=True)
class Loaded:
    report: MonthlyReport
    status: PeriodStatus | None
    plan_fields: tuple[FigureField, ...]


def _local_time(moment: datetime | None) -> str:
    """A stored naive-UTC datetime as the officer's local "dd/mm/yyyy hh:mm"."""
    if moment is None:
        return ""
    local = moment.replace(tzinfo=UTC).astimezone()
    return f"{format_date(local.date())} {local:%H:%M}"


class ReportsSection(QWidget):
    def __init__(self, services: Services, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._runner = runner
        self._generation = 0
        self.loaded: Loaded | None = None
        self.confirm: QMessageBox | None = None
        self.reason_dialog: ReasonDialog | None = None
        self.dialog: ManualEntryDialog | PlansDialog | ReportExportDialog | DisclosureDialog | None = None
        self.notice: QMessageBox | None = None

        today = date.today()
        self.kind = QComboBox()
        for key, label in KINDS:
            self.kind.addItem(_(label), key)
        self.month = QComboBox()
        for month in range(1, 13):
            self.month.addItem(_("Tháng {m:02d}").format(m=month), month)
        self.month.setCurrentIndex(today.month - 1)
        self.quarter = QComboBox()
        for number, roman in enumerate(QUARTERS, start=1):
            self.quarter.addItem(_("Quý {q}").format(q=roman), number)
        self.quarter.setCurrentIndex((today.month - 1) // 3)
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setValue(today.year)
        self.year.setPrefix(_("Năm "))
        self.previous_button = QToolButton()
        self.previous_button.setArrowType(Qt.ArrowType.LeftArrow)
        self.previous_button.setToolTip(_("Kỳ trước"))
        self.next_button = QToolButton()
        self.next_button.setArrowType(Qt.ArrowType.RightArrow)
        self.next_button.setToolTip(_("Kỳ sau"))
        self.status = QLabel()
        self.status.setWordWrap(True)
        period_row = QHBoxLayout()
        period_row.setSpacing(6)
        period_row.addWidget(QLabel(_("Kỳ báo cáo")))
        for widget in (
            self.kind,
            self.month,
            self.quarter,
            self.year,
            self.previous_button,
            self.next_button,
        ):
            period_row.addWidget(widget)
        period_row.addSpacing(12)
        period_row.addWidget(self.status, 1)

        self.entry_button = QPushButton(_("Nhập tay và đánh giá…"))
        self.entry_button.setToolTip(_("Số liệu phần mềm chưa tính được và bốn mục đánh giá, phương hướng"))
        self.plans_button = QPushButton(_("Kế hoạch năm…"))
        self.plans_button.setToolTip(_("Chỉ tiêu kế hoạch năm được giao, để tính cột “% KH”"))
        self.close_button = QPushButton(_("Chốt số liệu"))
        self.close_button.setToolTip(_("Khóa sổ tháng này: không ai thêm, sửa, hủy được bản ghi trong tháng"))
        self.reopen_button = QPushButton(_("Mở khóa…"))
        self.reopen_button.setToolTip(_("Mở lại tháng đã chốt; cần ghi lý do"))
        self.export_button = QPushButton(_("Xuất báo cáo Excel…"))
        set_primary(self.export_button)
        self.disclosure_button = QPushButton(_("Bảng công khai…"))
        self.disclosure_button.setToolTip(
            _("Danh sách tiền, hàng đã nhận và đã hỗ trợ để niêm yết (Nghị định 93/2021)")
        )
        actions = QHBoxLayout()
        actions.setSpacing(8)
        for button in (self.entry_button, self.plans_button, self.close_button, self.reopen_button):
            actions.addWidget(button)
        actions.addStretch(1)
        actions.addWidget(self.disclosure_button)
        actions.addWidget(self.export_button)

        self.model = ReportTableModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(LABEL, QHeaderView.ResizeMode.Stretch)
        for column, width in enumerate(COLUMN_WIDTHS):
            if width:
                self.table.setColumnWidth(column, width)
        self.legend = muted_label(_(LEGEND))

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 16)
        layout.setSpacing(10)
        layout.addWidget(title_label(_("Báo cáo")))
        layout.addLayout(period_row)
        layout.addLayout(actions)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.legend)

        self.kind.currentIndexChanged.connect(self._on_period_changed)
        self.month.currentIndexChanged.connect(self._on_period_changed)
        self.quarter.currentIndexChanged.connect(self._on_period_changed)
        self.year.valueChanged.connect(self._on_period_changed)
        self.previous_button.clicked.connect(partial(self.step, -1))
        self.next_button.clicked.connect(partial(self.step, 1))
        self.entry_button.clicked.connect(self._on_entry_button_clicked)
        self.plans_button.clicked.connect(self._on_plans_button_clicked)
        self.close_button.clicked.connect(self._on_close_button_clicked)
        self.reopen_button.clicked.connect(self._on_reopen_button_clicked)
        self.export_button.clicked.connect(self._on_export_button_clicked)
        self.disclosure_button.clicked.connect(self._on_disclosure_button_clicked)
        # Queued: the save reloads the model, which must wait until the view has closed its editor.
        self.model.edit_requested.connect(self._on_model_edit_requested, Qt.ConnectionType.QueuedConnection)
        self.model.edit_refused.connect(self._on_model_edit_refused, Qt.ConnectionType.QueuedConnection)
        self._show_period_fields()
        self._show_actions()

    # ---- the period -------------------------------------------------------------------------

    def period_kind(self) -> str:
        return str(self.kind.currentData())

    def period(self) -> str:
        """The month shown ("2026-03"); for a quarter, its last month."""
        if self.period_kind() == "quarter":
            return f"{self.year.value():04d}-{3 * int(self.quarter.currentData()):02d}"
        return f"{self.year.value():04d}-{int(self.month.currentData()):02d}"

    def month_label(self) -> str:
        """The month of `period()` as "03/2026"."""
        year, month = self.period().split("-")
        return f"{month}/{year}"

    def set_period(self, year: int, month: int, kind: str = "month") -> None:
        for widget in (self.kind, self.month, self.quarter, self.year):
            widget.blockSignals(True)
        self.kind.setCurrentIndex(max(0, self.kind.findData(kind)))
        self.year.setValue(year)
        self.month.setCurrentIndex(month - 1)
        self.quarter.setCurrentIndex((month - 1) // 3)
        for widget in (self.kind, self.month, self.quarter, self.year):
            widget.blockSignals(False)
        self._on_period_changed()

    def step(self, delta: int) -> None:
        """The previous or next month (quarter)."""
        year = self.year.value()
        if self.period_kind() == "quarter":
            index = year * 4 + self.quarter.currentIndex() + delta
            self.set_period(index // 4, (index % 4) * 3 + 1, "quarter")
        else:
            index = year * 12 + self.month.currentIndex() + delta
            self.set_period(index // 12, index % 12 + 1, self.period_kind())

    def _show_period_fields(self) -> None:
        quarter = self.period_kind() == "quarter"
        self.quarter.setVisible(quarter)
        self.month.setVisible(not quarter)

    def _on_period_changed(self, *_args: object) -> None:
        self._show_period_fields()
        self.refresh()

    # ---- loading ----------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.refresh()

    def refresh(self) -> None:
        reports = self._services.reports
        kind, period = self.period_kind(), self.period()
        year, quarter = self.year.value(), int(self.quarter.currentData())
        self._generation += 1
        generation = self._generation

        def load() -> Loaded:
            if kind == "quarter":
                report = reports.quarter(year, quarter)
            elif kind == "ytd":
                report = reports.year_to_date(period)
            else:
                report = reports.report(period)
            status = reports.period_status(period) if kind == "month" else None
            catalogue = reports.catalogue(None)
            plans = reports.plans(year)
            fields = tuple(
                FigureField(i.code, i.label_vi, i.unit, plans.get(i.plan_key), i.is_money)
                for i in catalogue.indicators
                if i.plan_key is not None
            )
            return Loaded(report, status, fields)

        Op(self, lambda _p: load(), writes=False).success(partial(self._on_loaded, generation)).run(
            self._runner
        )

    def _on_loaded(self, generation: int, loaded: Loaded) -> None:
        if generation != self._generation:
            return
        self.loaded = loaded
        kind = self.period_kind()
        closed = loaded.status is not None and loaded.status.closed
        self.model.set_report(
            loaded.report,
            kind=kind,
            manual_editable=kind == "month" and not closed,
            plan_codes=[f.code for f in loaded.plan_fields],
        )
        self.table.clearSpans()
        for row in self.model.section_rows():
            self.table.setSpan(row, LABEL, 1, self.model.columnCount() - LABEL)
        self.table.setColumnWidth(NUMBER, COLUMN_WIDTHS[NUMBER])
        self._show_status(loaded)
        self._show_actions()
        self.legend.setText(
            _(
                "Tháng đã chốt số liệu: số liệu nhập tay chỉ để xem; bấm “Mở khóa…” (cần ghi lý do) nếu "
                "phải sửa. Kế hoạch năm vẫn sửa được."
            )
            if closed
            else _(LEGEND)
        )

    def _show_status(self, loaded: Loaded) -> None:
        status = loaded.status
        if status is None:
            self.status.setText(
                _(
                    "Báo cáo {label}: tính từ số liệu các tháng trong kỳ; chốt số liệu theo từng tháng."
                ).format(label=loaded.report.period_label)
            )
            self.status.setObjectName("muted")
        elif status.closed:
            self.status.setText(
                _("Tháng {month} đã chốt số liệu — {who}, {when}.").format(
                    month=self.month_label(), who=status.closed_by, when=_local_time(status.closed_at)
                )
            )
            self.status.setObjectName("hintWarning")
        else:
            self.status.setText(_("Tháng {month} chưa chốt số liệu.").format(month=self.month_label()))
            self.status.setObjectName("muted")
        self.status.style().unpolish(self.status)
        self.status.style().polish(self.status)

    def _show_actions(self) -> None:
        month = self.period_kind() == "month"
        status = self.loaded.status if self.loaded is not None else None
        closed = status is not None and status.closed
        self.close_button.setVisible(month and not closed)
        self.reopen_button.setVisible(month and closed)
        self.entry_button.setVisible(month)
        self.entry_button.setEnabled(not closed)
        self.entry_button.setToolTip(
            _("Tháng đã chốt số liệu; mở khóa để sửa.")
            if closed
            else _("Số liệu phần mềm chưa tính được và bốn mục đánh giá, phương hướng")
        )
        self.export_button.setEnabled(month)
        self.export_button.setToolTip(
            _("Xuất báo cáo tháng ra Excel đúng thể thức, có số văn bản")
            if month
            else _("Báo cáo Excel được lập theo tháng; hãy chọn kỳ “Tháng”.")
        )
        self.disclosure_button.setEnabled(True)

    # ---- editing ----------------------------------------------------------------------------

    def _on_model_edit_requested(self, code: str, what: str, value: int) -> None:
        reports = self._services.reports
        period, year = self.period(), self.year.value()

        def save() -> object:
            if what == "plan":
                reports.set_plan(year, code, value)
                return None
            return reports.set_manual(period, code, value)

        Op(self, lambda _p: save(), writes=True).success(self._on_saved).failure(self._on_save_failed).run(
            self._runner
        )

    def _on_saved(self, _result: object) -> None:
        self.refresh()

    def _on_save_failed(self, error: RedCrossError) -> None:
        show_error(self, error)
        self.refresh()

    def _on_model_edit_refused(self, message: str) -> None:
        self.notice = QMessageBox(
            QMessageBox.Icon.Warning, _("Chưa lưu"), message, QMessageBox.StandardButton.Ok, self
        )
        translate_buttons(self.notice)
        self.notice.open()

    def _on_entry_button_clicked(self) -> None:
        if self.loaded is None:
            return
        self.dialog = ManualEntryDialog(self._services.reports, self._runner, self.loaded.report, self)
        self.dialog.saved.connect(self.refresh)
        self.dialog.open()

    def _on_plans_button_clicked(self) -> None:
        if self.loaded is None:
            return
        self.dialog = PlansDialog(
            self._services.reports, self._runner, self.year.value(), self.loaded.plan_fields, self
        )
        self.dialog.saved.connect(self.refresh)
        self.dialog.open()

    # ---- closing ----------------------------------------------------------------------------

    def _on_close_button_clicked(self) -> None:
        month = self.month_label()
        box = QMessageBox(
            QMessageBox.Icon.Question,
            _("Chốt số liệu"),
            _("Chốt số liệu tháng {month}?").format(month=month),
            QMessageBox.StandardButton.NoButton,
            self,
        )
        box.setInformativeText(
            _(
                "Sau khi chốt, phần mềm từ chối mọi việc thêm, sửa, hủy bản ghi có ngày trong tháng "
                "{month}, và báo cáo giữ nguyên số liệu. Muốn sửa phải mở khóa và ghi lý do."
            ).format(month=month)
        )
        self.close_confirm_button = box.addButton(_("Chốt số liệu"), QMessageBox.ButtonRole.AcceptRole)
        cancel = box.addButton(_("Bỏ qua"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(cancel)
        box.finished.connect(partial(self._on_close_confirm_finished, box, self.period()))
        self.confirm = box
        box.open()

    def _on_close_confirm_finished(self, box: QMessageBox, period: str, _result: int) -> None:
        if box.clickedButton() is not self.close_confirm_button:
            return
        reports = self._services.reports
        Op(self, lambda _p: reports.close_period(period), writes=True).success(self._on_saved).run(
            self._runner
        )

    def _on_reopen_button_clicked(self) -> None:
        reports = self._services.reports
        period, month = self.period(), self.month_label()
        self.reason_dialog = ReasonDialog(
            self._runner,
            _("Mở khóa tháng {month}").format(month=month),
            _(
                "Mở lại tháng {month} đã chốt số liệu để sửa bản ghi. Việc mở khóa và lý do được ghi vào "
                "nhật ký; nhớ chốt lại sau khi sửa xong."
            ).format(month=month),
            _("Mở khóa"),
            lambda reason: reports.reopen_period(period, reason),
            self,
            placeholder=_("Ví dụ: bổ sung biên nhận bị sót ngày 28"),
            missing=_("Hãy ghi lý do mở khóa."),
        )
        self.reason_dialog.done_with.connect(self._on_saved)
        self.reason_dialog.open()

    # ---- workbooks --------------------------------------------------------------------------

    def _on_export_button_clicked(self) -> None:
        if self.period_kind() != "month":
            return
        self.dialog = ReportExportDialog(
            self._services,
            self._runner,
            self.period(),
            _("tháng {month}").format(month=self.month_label()),
            self,
        )
        self.dialog.written.connect(
            partial(self._on_written, _("Đã xuất báo cáo tháng {month}.").format(month=self.month_label()))
        )
        self.dialog.open()

    def _on_disclosure_button_clicked(self) -> None:
        campaigns = self._services.campaigns.list()
        self.dialog = DisclosureDialog(
            self._services,
            self._runner,
            self.period(),
            _("tháng {month}").format(month=self.month_label()),
            campaigns,
            self,
        )
        self.dialog.written.connect(partial(self._on_written, _("Đã lập bảng công khai.")))
        self.dialog.open()

    def _on_written(self, what: str, path: Path) -> None:
        self.notice = written_notice(self, path, what)
