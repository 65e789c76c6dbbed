# SPDX-License-Identifier: MIT
"""Hội viên & TNV: the members, volunteers and youth by chi hội; dues (hội phí) per member; and the
hours volunteers gave. Qt is imported here.

A membership is never deleted: a member who leaves is marked "ra Hội" with a date and a reason,
and stays in the lists of earlier dates.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
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
from ...core.vn import format_date, format_vnd
from ...domain import dues as dues_rules
from ...domain.codes import MEMBER_CATEGORIES, VOLUNTEER_RANKS
from ...services.container import Services
from ...services.members import VOLUNTEER, DuesRow, MemberQuery, MembershipRow, SavedDues, SavedMembership
from ..dialogs.member_dialogs import DuesDialog, EnrolDialog, HoursDialog, LeaveDialog
from ..models.lazy_table import CENTER, RIGHT, Column
from ..style import muted_label, set_primary
from ..tasks import Runner
from ..widgets.date_edit import DateEdit
from ..widgets.excel_export import export_view
from ..widgets.history_dialog import HistoryDialog, code_label, open_history
from ..widgets.period_filter import PeriodFilter
from ..widgets.record_table import RecordTable
from ._record_section import (
    RecordActions,
    TabbedSection,
    button_row,
    debounced_search,
    search_field,
    show_notice,
)


def hours_text(minutes: int) -> str:
    """125 → "2 giờ 05 phút"."""
    hours, rest = divmod(minutes, 60)
    if not rest:
        return _("{h} giờ").format(h=hours)
    return _("{h} giờ {m:02d} phút").format(h=hours, m=rest)


def _status(m: MembershipRow) -> str:
    if m.left_on is not None:
        return _("Ra Hội {day}").format(day=format_date(m.left_on))
    return _("Đang sinh hoạt")


MEMBER_COLUMNS: tuple[Column[MembershipRow], ...] = (
    Column(N_("Họ và tên"), lambda m: m.person_name),
    Column(N_("Loại"), lambda m: m.category_label),
    Column(N_("Số thẻ"), lambda m: m.member_no),
    Column(N_("Chi hội/đội"), lambda m: m.sub_unit_name),
    Column(N_("Ngày vào Hội"), lambda m: m.joined_on),
    Column(N_("Hạng TNV"), lambda m: m.rank_label),
    Column(N_("Miễn hội phí"), lambda m: _("Miễn") if m.exempt else "", CENTER),
    Column(N_("Tình trạng"), _status),
)
MEMBER_WIDTHS = (200, 160, 80, 160, 110, 150, 100)

DUES_COLUMNS: tuple[Column[DuesRow], ...] = (
    Column(N_("Ngày thu"), lambda d: d.paid_on),
    Column(N_("Các tháng"), lambda d: _months_text(d.months_covered)),
    Column(N_("Số tháng"), lambda d: d.months, RIGHT),
    Column(N_("Số tiền"), lambda d: format_vnd(d.amount_vnd), RIGHT),
    Column(N_("Người thu"), lambda d: d.collector),
)
DUES_WIDTHS = (96, 160, 84, 100)

HoursRow = tuple[MembershipRow, int]
HOURS_COLUMNS: tuple[Column[HoursRow], ...] = (
    Column(N_("Họ và tên"), lambda r: r[0].person_name),
    Column(N_("Hạng TNV"), lambda r: r[0].rank_label),
    Column(N_("Chi hội/đội"), lambda r: r[0].sub_unit_name),
    Column(N_("Số giờ tình nguyện"), lambda r: hours_text(r[1]), RIGHT),
)
HOURS_WIDTHS = (240, 190, 200)

MEMBER_HISTORY = {
    "category": N_("Loại"),
    "member_no": N_("Số thẻ"),
    "sub_unit_id": N_("Chi hội/đội (mã)"),
    "joined_on": N_("Ngày vào Hội"),
    "left_on": N_("Ngày ra Hội"),
    "leave_reason": N_("Lý do ra Hội"),
    "volunteer_rank": N_("Hạng TNV"),
    "skills": N_("Kỹ năng"),
    "dues_exempt": N_("Miễn hội phí"),
    "exempt_reason": N_("Lý do miễn"),
}


class _Tab(QWidget):
    def __init__(self, services: Services, runner: Runner) -> None:
        super().__init__()
        self._services = services
        self._runner = runner
        self.dialog: QWidget | None = None
        self.notice: QMessageBox | None = None

    def notify(self, text: str, details: tuple[str, ...]) -> None:
        self.notice = show_notice(self, _("Đã lưu"), text, details)

    def show_dialog(self, dialog: QWidget) -> None:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog = dialog
        dialog.open()  # type: ignore[attr-defined]


class MembersTab(RecordActions[MembershipRow], _Tab):
    def __init__(self, services: Services, runner: Runner) -> None:
        super().__init__(services, runner)
        self.history: HistoryDialog | None = None
        self.category = QComboBox()
        self.category.addItem(_("Mọi loại"), "")
        for code, label in MEMBER_CATEGORIES.items():
            self.category.addItem(_(label), code)
        self.sub_unit = QComboBox()
        self.sub_unit.setMinimumWidth(160)
        self.active = QCheckBox(_("Đang sinh hoạt vào ngày"))
        self.active.setChecked(True)
        self.active_on = DateEdit(date.today())
        self.active_on.setFixedWidth(120)
        self.search = search_field(_("Tìm theo tên, điện thoại, CCCD hoặc số thẻ"))
        filters = QHBoxLayout()
        for widget in (self.category, self.sub_unit, self.active, self.active_on):
            filters.addWidget(widget)
        filters.addWidget(self.search, 1)

        self.add_button = QPushButton(_("Kết nạp"))
        self.add_button.setToolTip(_("Kết nạp hội viên, tình nguyện viên (Ctrl+N)"))
        set_primary(self.add_button)
        self.edit_button = QPushButton(_("Sửa"))
        self.leave_button = QPushButton(_("Ra Hội…"))
        self.history_button = QPushButton(_("Lịch sử"))
        self.export_button = QPushButton(_("Xuất Excel"))
        actions = button_row(
            (self.add_button, self.edit_button, self.leave_button, self.history_button), (self.export_button,)
        )
        self.summary = muted_label("")
        self.table: RecordTable[MembershipRow] = RecordTable(MEMBER_COLUMNS, MEMBER_WIDTHS)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 10, 0, 0)
        layout.addLayout(filters)
        layout.addLayout(actions)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)

        self._timer = debounced_search(self, self.search, self.refresh)
        self.reload_sub_units()
        self.category.currentIndexChanged.connect(self._on_filter_changed)
        self.sub_unit.currentIndexChanged.connect(self._on_filter_changed)
        self.active.toggled.connect(self._on_active_toggled)
        self.active_on.changed.connect(self._on_filter_changed)
        self.leave_button.clicked.connect(self._on_leave_button_clicked)
        self.export_button.clicked.connect(self._on_export_button_clicked)
        self._connect_record_actions()
        self.refresh()

    def reload_sub_units(self) -> None:
        chosen = self.sub_unit.currentData()
        self.sub_unit.blockSignals(True)
        self.sub_unit.clear()
        self.sub_unit.addItem(_("Mọi chi hội"), None)
        for unit in self._services.members.list_sub_units():
            self.sub_unit.addItem(unit.name, unit.id)
        self.sub_unit.setCurrentIndex(max(0, self.sub_unit.findData(chosen)))
        self.sub_unit.blockSignals(False)

    def query(self) -> MemberQuery:
        return MemberQuery(
            category=str(self.category.currentData() or "") or None,
            sub_unit_id=self.sub_unit.currentData(),
            active_on=self.active_on.value() if self.active.isChecked() else None,
            text=self.search.text(),
        )

    def refresh(self) -> None:
        self._timer.stop()
        rows = self._services.members.list(self.query())
        self.table.set_rows(rows)
        counts = self._services.members.counts(date.today())
        today = " · ".join(
            f"{_(MEMBER_CATEGORIES[code])}: {format_vnd(n, suffix=False)}" for code, n in counts.items()
        )
        self.summary.setText(
            _("Hiện {n} người. Đang sinh hoạt hôm nay — {today}.").format(n=len(rows), today=today)
        )
        self._on_selection_changed()

    def _on_filter_changed(self, *_args: object) -> None:
        self.refresh()

    def _on_active_toggled(self, checked: bool) -> None:
        self.active_on.setEnabled(checked)
        self.refresh()

    def _on_selection_changed(self, *_args: object) -> None:
        row = self.table.current()
        self.edit_button.setEnabled(row is not None)
        self.history_button.setEnabled(row is not None)
        self.leave_button.setEnabled(row is not None and row.left_on is None)

    def open_dialog(self, row: MembershipRow | None) -> EnrolDialog:
        return self.open_enrol(row)

    def open_enrol(self, row: MembershipRow | None) -> EnrolDialog:
        dialog = EnrolDialog(self._services, self._runner, row, self)
        dialog.saved.connect(self._on_saved)
        self.show_dialog(dialog)
        return dialog

    def _on_saved(self, saved: SavedMembership) -> None:
        self.reload_sub_units()
        self.refresh()
        self.table.select_id(saved.row.id)
        if saved.warnings:
            self.notify(
                _("Đã lưu hồ sơ {name}. Xin lưu ý:").format(name=saved.row.person_name), saved.warnings
            )

    def _on_leave_button_clicked(self) -> None:
        row = self.table.current()
        if row is None or row.left_on is not None:
            return
        dialog = LeaveDialog(self._services, self._runner, row, self)
        dialog.saved.connect(self._on_left)
        self.show_dialog(dialog)

    def _on_left(self, row: MembershipRow) -> None:
        self.refresh()
        self.table.select_id(row.id)

    def _on_history_button_clicked(self) -> None:
        row = self.table.current()
        if row is None:
            return
        self.history = open_history(
            self._services,
            "memberships",
            row.uuid,
            _("{name} — {category}").format(name=row.person_name, category=row.category_label),
            MEMBER_HISTORY,
            self,
            formatters={
                "category": code_label(MEMBER_CATEGORIES),
                "volunteer_rank": code_label(VOLUNTEER_RANKS),
            },
        )

    def _on_export_button_clicked(self) -> None:
        export_view(
            self,
            self._runner,
            self.table.model_,
            _("hoi-vien.xlsx"),
            _("Danh sách hội viên, tình nguyện viên"),
        )


class DuesTab(_Tab):
    """Members on the left; the chosen member's paid and unpaid months and payments on the right."""

    def __init__(self, services: Services, runner: Runner) -> None:
        super().__init__(services, runner)
        self.search = search_field(_("Tìm hội viên theo tên hoặc số thẻ"))
        self.members: RecordTable[MembershipRow] = RecordTable(MEMBER_COLUMNS[:4], (190, 110, 80))
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.search)
        left_layout.addWidget(self.members, 1)

        self.heading = QLabel(_("Chọn một hội viên để xem hội phí."))
        self.heading.setObjectName("subTitle")
        self.heading.setWordWrap(True)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.pay_button = QPushButton(_("Thu hội phí…"))
        self.pay_button.setShortcut(QKeySequence(QKeySequence.StandardKey.New))
        self.pay_button.setToolTip(_("Thu hội phí của hội viên đang chọn (Ctrl+N)"))
        set_primary(self.pay_button)
        self.payments: RecordTable[DuesRow] = RecordTable(DUES_COLUMNS, DUES_WIDTHS)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(12, 0, 0, 0)
        head = QHBoxLayout()
        head.addWidget(self.heading, 1)
        head.addWidget(self.pay_button)
        right_layout.addLayout(head)
        right_layout.addWidget(self.status)
        right_layout.addWidget(self.payments, 1)
        self.rate_note = muted_label("")
        right_layout.addWidget(self.rate_note)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setChildrenCollapsible(False)
        splitter.setSizes([520, 560])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 10, 0, 0)
        layout.addWidget(splitter, 1)

        self._timer = debounced_search(self, self.search, self.refresh)
        self.pay_button.clicked.connect(self._on_pay_button_clicked)
        self.members.activated.connect(self._on_members_activated)
        self.members.selectionModel().selectionChanged.connect(self._on_member_selection_changed)
        self.refresh()

    def refresh(self) -> None:
        self._timer.stop()
        query = MemberQuery(category="member", active_on=date.today(), text=self.search.text())
        self.members.set_rows(self._services.members.list(query))
        self._show_member()

    def _on_member_selection_changed(self, *_args: object) -> None:
        self._show_member()

    def _on_members_activated(self, _index: QModelIndex) -> None:
        self._on_pay_button_clicked()

    def _show_member(self) -> None:
        row = self.members.current()
        self.pay_button.setEnabled(row is not None and not row.exempt)
        rate = format_vnd(int((self._services.settings.get("dues") or {}).get("monthly_rate_vnd", 1000)))
        self.rate_note.setText(_("Mức hội phí: {rate}/tháng (đổi trong Cài đặt).").format(rate=rate))
        if row is None:
            self.heading.setText(_("Chọn một hội viên để xem hội phí."))
            self.status.setText("")
            self.payments.set_rows([])
            return
        self.heading.setText(row.person_name)
        status = self._services.members.dues_status(row.id, dues_rules.month_of(date.today()))
        if status.exempt:
            text = _("Được miễn hội phí: {reason}.").format(reason=row.exempt_reason)
        else:
            paid = _months_text(status.paid_months) or _("chưa đóng tháng nào")
            unpaid = _months_text(status.unpaid_months) or _("không còn tháng nào")
            text = _("Đã đóng: {paid}.\nChưa đóng (đến tháng này): {unpaid}.\nCòn phải đóng: {due}.").format(
                paid=paid, unpaid=unpaid, due=format_vnd(status.amount_due)
            )
        self.status.setText(text)
        self.payments.set_rows(self._services.members.dues_payments(row.id))

    def first_unpaid_month(self, row: MembershipRow) -> str:
        status = self._services.members.dues_status(row.id, dues_rules.month_of(date.today()))
        if status.unpaid_months:
            return status.unpaid_months[0]
        if status.paid_months:
            last = status.paid_months[-1]
            return dues_rules.months_covered(last, 2)[1]
        return dues_rules.month_of(date.today())

    def _on_pay_button_clicked(self) -> None:
        row = self.members.current()
        if row is None or row.exempt:
            return
        dialog = DuesDialog(self._services, self._runner, row, self.first_unpaid_month(row), self)
        dialog.saved.connect(self._on_paid)
        self.show_dialog(dialog)

    def _on_paid(self, saved: SavedDues) -> None:
        self._show_member()
        if saved.warnings:
            self.notify(_("Đã lưu phiếu thu hội phí. Xin lưu ý:"), saved.warnings)


def _months_text(months: tuple[str, ...]) -> str:
    """Consecutive months joined as ranges: "01/2026 – 06/2026, 09/2026"."""
    if not months:
        return ""
    ranges: list[tuple[str, str]] = []
    for month in months:
        if ranges and dues_rules.months_covered(ranges[-1][1], 2)[1] == month:
            ranges[-1] = (ranges[-1][0], month)
        else:
            ranges.append((month, month))
    return ", ".join(
        dues_rules.format_month(a)
        if a == b
        else f"{dues_rules.format_month(a)} – {dues_rules.format_month(b)}"
        for a, b in ranges
    )


class HoursTab(_Tab):
    """Hours per volunteer within a period, most first."""

    def __init__(self, services: Services, runner: Runner) -> None:
        super().__init__(services, runner)
        self.period = PeriodFilter()
        self.log_button = QPushButton(_("Ghi giờ tình nguyện…"))
        self.log_button.setShortcut(QKeySequence(QKeySequence.StandardKey.New))
        self.log_button.setToolTip(_("Ghi giờ tình nguyện (Ctrl+N)"))
        set_primary(self.log_button)
        self.export_button = QPushButton(_("Xuất Excel"))
        top = button_row((self.period,), (self.log_button, self.export_button))
        self.summary = muted_label("")
        self.table: RecordTable[HoursRow] = RecordTable(HOURS_COLUMNS, HOURS_WIDTHS, row_id=lambda r: r[0].id)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 10, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        self.period.changed.connect(self.refresh)
        self.log_button.clicked.connect(self._on_log_button_clicked)
        self.export_button.clicked.connect(self._on_export_button_clicked)
        self.table.activated.connect(self._on_table_activated)
        self.refresh()

    def refresh(self) -> None:
        date_from, date_to = self.period.range()
        date_from = date_from or date(1900, 1, 1)
        date_to = date_to or date.today()
        rows = self._services.members.volunteers_with_hours(date_from, date_to)
        self.table.set_rows(rows)
        total = sum(minutes for _row, minutes in rows)
        self.summary.setText(
            _("{n} tình nguyện viên, tổng {hours}.").format(n=len(rows), hours=hours_text(total))
            if rows
            else _("Chưa có giờ tình nguyện nào trong thời gian đã chọn.")
        )

    def _volunteers(self) -> list[MembershipRow]:
        return self._services.members.list(MemberQuery(category=VOLUNTEER, active_on=date.today()))

    def _on_table_activated(self, index: QModelIndex) -> None:
        row = self.table.model_.row_at(index.row())
        self.open_dialog(row[0].id if row is not None else None)

    def _on_log_button_clicked(self) -> None:
        row = self.table.current()
        self.open_dialog(row[0].id if row is not None else None)

    def open_dialog(self, chosen: int | None) -> HoursDialog:
        dialog = HoursDialog(self._services, self._runner, self._volunteers(), chosen, self)
        dialog.saved.connect(self._on_logged)
        self.show_dialog(dialog)
        return dialog

    def _on_logged(self, _row: object) -> None:
        self.refresh()

    def _on_export_button_clicked(self) -> None:
        export_view(
            self,
            self._runner,
            self.table.model_,
            _("gio-tinh-nguyen.xlsx"),
            _("Giờ tình nguyện"),
            footer=[self.summary.text()],
        )


class MembersSection(TabbedSection):
    def __init__(self, services: Services, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.members = MembersTab(services, runner)
        self.dues = DuesTab(services, runner)
        self.hours = HoursTab(services, runner)
        self._build(
            _("Hội viên & TNV"),
            ((self.members, _("Danh sách")), (self.dues, _("Hội phí")), (self.hours, _("Giờ tình nguyện"))),
            self.members.search,
        )

    def _on_tabs_current_changed(self, index: int) -> None:
        if self.tabs.currentWidget() is self.members:
            self.members.reload_sub_units()
        super()._on_tabs_current_changed(index)
