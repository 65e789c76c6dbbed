# SPDX-License-Identifier: MIT
"""Hiến máu: the drives with the facility's counts, the donations, the donors who may give again,
and the donors who reached an honour level. Qt is imported here.

Donation history is sensitive data (domain.md §6): the call list shows a phone number only for a
donor who agreed to be contacted, and by default lists only those donors.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import partial

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
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
from ...domain.codes import BLOOD_TYPES
from ...services.blood import (
    DonationListRow,
    DriveRow,
    EligibleDonor,
    HonourCandidate,
    SavedBloodDonation,
    SavedDrive,
)
from ...services.container import Services
from ..dialogs.blood_dialogs import DonationDialog, DriveDialog
from ..models.lazy_table import RIGHT, Column
from ..style import muted_label, set_primary
from ..tasks import Op, Runner
from ..widgets.date_edit import DateEdit
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

YEARS_SHOWN = 6


def _number(n: int) -> str:
    return format_vnd(n, suffix=False)


def _percent(drive: DriveRow) -> str:
    return f"{round(100 * drive.donated / drive.target_units)} %" if drive.target_units else ""


DRIVE_COLUMNS: tuple[Column[DriveRow], ...] = (
    Column(N_("Ngày"), lambda d: d.held_on),
    Column(N_("Địa điểm"), lambda d: d.place),
    Column(N_("Cơ sở tiếp nhận"), lambda d: d.facility),
    Column(N_("Đăng ký"), lambda d: _number(d.registered), RIGHT),
    Column(N_("Khám sàng lọc"), lambda d: _number(d.screened), RIGHT),
    Column(N_("Hiến được"), lambda d: _number(d.donated), RIGHT),
    Column(N_("Tạm hoãn"), lambda d: _number(d.deferred), RIGHT),
    Column(N_("Đơn vị"), lambda d: _number(d.units_250 + d.units_350 + d.units_450), RIGHT),
    Column(N_("Tổng ml"), lambda d: _number(d.total_ml), RIGHT),
    Column(N_("Chỉ tiêu"), lambda d: _number(d.target_units) if d.target_units else "", RIGHT),
    Column(N_("Đạt"), _percent, RIGHT),
)
DRIVE_WIDTHS = (96, 166, 166, 72, 110, 84, 84, 64, 80, 72)  # "Đạt" stretches

DONATION_COLUMNS: tuple[Column[DonationListRow], ...] = (
    Column(N_("Ngày hiến"), lambda r: r.donation.donated_on),
    Column(N_("Họ và tên"), lambda r: r.full_name),
    Column(N_("Thôn/tổ"), lambda r: r.thon),
    Column(N_("Hình thức"), lambda r: r.donation.kind_label),
    Column(N_("Lượng (ml)"), lambda r: r.donation.ml, RIGHT),
    Column(N_("Đợt hiến máu"), lambda r: r.drive_place),
    Column(N_("Cơ sở tiếp nhận"), lambda r: r.donation.facility),
    Column(N_("Số giấy chứng nhận"), lambda r: r.donation.certificate_no),
    Column(N_("Lý do hiến sớm"), lambda r: r.donation.override_reason),
)
DONATION_WIDTHS = (96, 160, 70, 130, 92, 136, 140, 152)


def _kind(code: str | None) -> str:
    return _(BLOOD_TYPES.get(code or "", code or "")) if code else ""


ELIGIBLE_COLUMNS: tuple[Column[EligibleDonor], ...] = (
    Column(N_("Họ và tên"), lambda d: d.full_name),
    Column(N_("Thôn/tổ"), lambda d: d.thon),
    Column(N_("Điện thoại"), lambda d: d.phone if d.may_contact else _("(chưa đồng ý)")),
    Column(N_("Lần hiến gần nhất"), lambda d: d.last_date),
    Column(N_("Hình thức"), lambda d: _kind(d.last_kind)),
    Column(N_("Đủ điều kiện từ"), lambda d: d.next_eligible),
    Column(N_("Số lần đã hiến"), lambda d: d.donation_count, RIGHT),
    Column(N_("Đồng ý liên hệ"), lambda d: _("Có") if d.may_contact else _("Chưa")),
)
ELIGIBLE_WIDTHS = (200, 90, 120, 145, 150, 120, 120)

HONOUR_COLUMNS: tuple[Column[HonourCandidate], ...] = (
    Column(N_("Họ và tên"), lambda h: h.person.full_name),
    Column(N_("Năm sinh"), lambda h: h.person.year_of_birth),
    Column(N_("Thôn/tổ"), lambda h: h.person.thon),
    Column(N_("Số lần hiến"), lambda h: h.count, RIGHT),
    Column(N_("Mốc tôn vinh đạt được"), lambda h: h.level.award),
    Column(N_("Cơ quan tặng"), lambda h: h.level.body),
)
HONOUR_WIDTHS = (200, 80, 90, 100, 330)

DRIVE_HISTORY = {
    "held_on": N_("Ngày tổ chức"),
    "place": N_("Địa điểm"),
    "facility": N_("Cơ sở tiếp nhận"),
    "target_units": N_("Chỉ tiêu"),
    "registered": N_("Đăng ký"),
    "screened": N_("Khám sàng lọc"),
    "donated": N_("Hiến được"),
    "first_time": N_("Hiến lần đầu"),
    "units_250": N_("Túi 250 ml"),
    "units_350": N_("Túi 350 ml"),
    "units_450": N_("Túi 450 ml"),
    "note": N_("Ghi chú"),
    "deleted": N_("Đã xóa"),
}
DONATION_HISTORY = {
    "donated_on": N_("Ngày hiến"),
    "kind": N_("Hình thức"),
    "ml": N_("Lượng (ml)"),
    "facility": N_("Cơ sở tiếp nhận"),
    "certificate_no": N_("Số giấy chứng nhận"),
    "certificate_date": N_("Ngày cấp giấy"),
    "override_reason": N_("Lý do hiến sớm"),
    "deleted": N_("Đã xóa"),
}


def _kind_value(value: object) -> str:
    return _kind(str(value)) if value else "—"


class _Page(QWidget):
    """What the four tabs share: a notice box, a confirmation box and a history dialog."""

    def __init__(self, services: Services, runner: Runner) -> None:
        super().__init__()
        self._services = services
        self._runner = runner
        self.notice: QMessageBox | None = None
        self.confirm: QMessageBox | None = None
        self.history: HistoryDialog | None = None
        self.dialog: QWidget | None = None

    def notify(self, title: str, text: str, details: list[str]) -> None:
        self.notice = show_notice(self, title, text, details)

    def ask_delete(self, question: str, informative: str, then: Callable[[], object]) -> None:
        self.confirm = ask_to_delete(self, _("Xóa"), question, informative, then)

    def show_history(self, table: str, uuid: str, title: str, labels: dict[str, str]) -> None:
        self.history = open_history(
            self._services, table, uuid, title, labels, self, formatters={"kind": _kind_value}
        )

    def _write(self, work: Callable[[], object]) -> None:
        Op(self, lambda _p: work(), writes=True).success(lambda _r: self.refresh()).run(self._runner)

    def refresh(self) -> None:
        raise NotImplementedError


class DrivesTab(RecordActions[DriveRow], _Page):
    def __init__(self, services: Services, runner: Runner) -> None:
        super().__init__(services, runner)
        self.year = QComboBox()
        this_year = date.today().year
        for year in range(this_year, this_year - YEARS_SHOWN, -1):
            self.year.addItem(_("Năm {year}").format(year=year), year)
        self.year.addItem(_("Mọi năm"), None)
        self.add_button = QPushButton(_("Thêm đợt hiến máu"))
        self.add_button.setToolTip(_("Thêm đợt hiến máu (Ctrl+N)"))
        set_primary(self.add_button)
        self.edit_button = QPushButton(_("Sửa"))
        self.delete_button = QPushButton(_("Xóa"))
        self.history_button = QPushButton(_("Lịch sử"))
        top = button_row(
            (self.year, self.add_button, self.edit_button, self.delete_button, self.history_button)
        )
        self.summary = muted_label("")
        self.table: RecordTable[DriveRow] = RecordTable(DRIVE_COLUMNS, DRIVE_WIDTHS)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 10, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        self.year.currentIndexChanged.connect(self._on_year_current_index_changed)
        self.delete_button.clicked.connect(self._on_delete_button_clicked)
        self._connect_record_actions()
        self.refresh()

    def refresh(self) -> None:
        drives = self._services.blood.list_drives(self.year.currentData())
        self.table.set_rows(list(reversed(drives)))  # newest first
        registered = sum(d.registered for d in drives)
        screened = sum(d.screened for d in drives)
        donated = sum(d.donated for d in drives)
        units = sum(d.units_250 + d.units_350 + d.units_450 for d in drives)
        target = sum(d.target_units for d in drives)
        text = _(
            "{n} đợt · đăng ký {registered} · khám sàng lọc {screened} · hiến được {donated} · tạm hoãn "
            "{deferred} · {units} đơn vị, {ml} ml"
        ).format(
            n=len(drives),
            registered=_number(registered),
            screened=_number(screened),
            donated=_number(donated),
            deferred=_number(screened - donated),
            units=_number(units),
            ml=_number(sum(d.total_ml for d in drives)),
        )
        if target:
            text += " · " + _("đạt {percent} % chỉ tiêu {target} đơn vị").format(
                percent=round(100 * donated / target), target=_number(target)
            )
        self.summary.setText(
            text if drives else _("Chưa có đợt hiến máu nào. Bấm “Thêm đợt hiến máu” để ghi.")
        )
        self._on_selection_changed()

    def _on_year_current_index_changed(self, _index: int) -> None:
        self.refresh()

    def open_dialog(self, drive: DriveRow | None) -> DriveDialog:
        dialog = DriveDialog(self._services, self._runner, drive, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(self._on_saved)
        self.dialog = dialog
        dialog.open()
        return dialog

    def _on_saved(self, saved: SavedDrive) -> None:
        if self.year.currentData() not in (None, saved.row.held_on.year):
            self.year.setCurrentIndex(max(0, self.year.findData(saved.row.held_on.year)))
        self.refresh()
        self.table.select_id(saved.row.id)
        if saved.warnings:
            self.notify(_("Đã lưu"), _("Đã lưu đợt hiến máu. Xin lưu ý:"), list(saved.warnings))

    def _on_delete_button_clicked(self) -> None:
        drive = self.table.current()
        if drive is None:
            return
        blood = self._services.blood
        self.ask_delete(
            _("Xóa đợt hiến máu ngày {day} tại {place}?").format(
                day=format_date(drive.held_on), place=drive.place
            ),
            _("Chỉ xóa khi ghi nhầm. Các lần hiến của từng người vẫn được giữ."),
            partial(self._write, lambda: blood.delete_drive(drive.id)),
        )

    def _on_history_button_clicked(self) -> None:
        drive = self.table.current()
        if drive is not None:
            title = _("Đợt hiến máu ngày {day} tại {place}").format(
                day=format_date(drive.held_on), place=drive.place
            )
            self.show_history("blood_drives", drive.uuid, title, DRIVE_HISTORY)


class DonationsTab(RecordActions[DonationListRow], _Page):
    def __init__(self, services: Services, runner: Runner) -> None:
        super().__init__(services, runner)
        self.period = PeriodFilter()
        self.search = search_field(_("Tìm theo tên, số điện thoại hoặc CCCD người hiến"))
        self.add_button = QPushButton(_("Ghi nhận lần hiến"))
        self.add_button.setToolTip(_("Ghi nhận một lần hiến máu (Ctrl+N)"))
        set_primary(self.add_button)
        self.edit_button = QPushButton(_("Sửa"))
        self.delete_button = QPushButton(_("Xóa"))
        self.history_button = QPushButton(_("Lịch sử"))
        top = QHBoxLayout()
        top.addWidget(self.period)
        top.addWidget(self.search, 1)
        actions = button_row((self.add_button, self.edit_button, self.delete_button, self.history_button))
        self.summary = muted_label("")
        self.table: RecordTable[DonationListRow] = RecordTable(DONATION_COLUMNS, DONATION_WIDTHS)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 10, 0, 0)
        layout.addLayout(top)
        layout.addLayout(actions)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        self._timer = debounced_search(self, self.search, self.refresh)
        self.period.changed.connect(self.refresh)
        self.delete_button.clicked.connect(self._on_delete_button_clicked)
        self._connect_record_actions()
        self.refresh()

    def refresh(self) -> None:
        self._timer.stop()
        date_from, date_to = self.period.range()
        rows = self._services.blood.list_donations(date_from, date_to, text=self.search.text())
        self.table.set_rows(rows)
        donors = len({r.donation.person_id for r in rows})
        self.summary.setText(
            _("{n} lần hiến của {donors} người · {ml} ml").format(
                n=_number(len(rows)), donors=_number(donors), ml=_number(sum(r.donation.ml for r in rows))
            )
            if rows
            else _("Chưa có lần hiến nào trong thời gian đã chọn. Bấm “Ghi nhận lần hiến” (Ctrl+N) để ghi.")
        )
        self._on_selection_changed()

    def open_dialog(self, row: DonationListRow | None) -> DonationDialog:
        dialog = DonationDialog(self._services, self._runner, row.donation if row else None, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(self._on_saved)
        self.dialog = dialog
        dialog.open()
        return dialog

    def _on_saved(self, saved: SavedBloodDonation) -> None:
        self.refresh()
        self.table.select_id(saved.row.id)
        if saved.honours_reached:
            name = self._services.people.get(saved.row.person_id).full_name
            self.notify(
                _("Đạt mốc tôn vinh"),
                _("{name} vừa đạt mốc tôn vinh người hiến máu:").format(name=name),
                [
                    _("{count} lần: {award} ({body})").format(
                        count=level.count, award=level.award, body=level.body
                    )
                    for level in saved.honours_reached
                ],
            )

    def _on_delete_button_clicked(self) -> None:
        row = self.table.current()
        if row is None:
            return
        blood = self._services.blood
        self.ask_delete(
            _("Xóa lần hiến ngày {day} của {name}?").format(
                day=format_date(row.donation.donated_on), name=row.full_name
            ),
            _("Chỉ xóa khi ghi nhầm. Việc xóa được ghi vào nhật ký thay đổi."),
            partial(self._write, lambda: blood.delete_donation(row.id)),
        )

    def _on_history_button_clicked(self) -> None:
        row = self.table.current()
        if row is not None:
            title = _("Lần hiến ngày {day} của {name}").format(
                day=format_date(row.donation.donated_on), name=row.full_name
            )
            self.show_history("blood_donations", row.donation.uuid, title, DONATION_HISTORY)


class EligibleTab(_Page):
    """The call list for the next drive: known donors who may give on the chosen day."""

    def __init__(self, services: Services, runner: Runner) -> None:
        super().__init__(services, runner)
        self.on_date = DateEdit(date.today())
        self.on_date.setFixedWidth(140)
        self.contact_only = QCheckBox(_("Chỉ người đã đồng ý để Hội liên hệ"))
        self.contact_only.setChecked(True)
        self.export_button = QPushButton(_("Xuất Excel"))
        top = button_row(
            (QLabel(_("Đủ điều kiện hiến vào ngày:")), self.on_date, self.contact_only), (self.export_button,)
        )
        self.summary = muted_label("")
        self.table: RecordTable[EligibleDonor] = RecordTable(
            ELIGIBLE_COLUMNS, ELIGIBLE_WIDTHS, row_id=lambda d: d.person_id
        )
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 10, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        self.on_date.changed.connect(self._on_filter_changed)
        self.contact_only.toggled.connect(self._on_filter_changed)
        self.export_button.clicked.connect(self._on_export_button_clicked)
        self.refresh()

    def _on_filter_changed(self, *_args: object) -> None:
        self.refresh()

    def refresh(self) -> None:
        on_date = self.on_date.value()
        if on_date is None:
            return
        donors = self._services.blood.eligible_donors(on_date)
        hidden = 0
        if self.contact_only.isChecked():
            hidden = sum(1 for d in donors if not d.may_contact)
            donors = [d for d in donors if d.may_contact]
        self.table.set_rows(donors)
        text = _("{n} người đủ điều kiện hiến vào ngày {day}.").format(
            n=len(donors), day=format_date(on_date)
        )
        if hidden:
            text += " " + _(
                "Còn {n} người chưa đồng ý để Hội liên hệ, không hiện trong danh sách gọi."
            ).format(n=hidden)
        self.summary.setText(text)

    def _on_export_button_clicked(self) -> None:
        export_view(
            self,
            self._runner,
            self.table.model_,
            _("du-dieu-kien-hien-mau.xlsx"),
            _("Người đủ điều kiện hiến máu"),
        )


class HonoursTab(_Page):
    def __init__(self, services: Services, runner: Runner) -> None:
        super().__init__(services, runner)
        self.export_button = QPushButton(_("Xuất Excel"))
        top = QHBoxLayout()
        self.summary = muted_label("")
        top.addWidget(self.summary, 1)
        top.addWidget(self.export_button)
        self.table: RecordTable[HonourCandidate] = RecordTable(
            HONOUR_COLUMNS, HONOUR_WIDTHS, row_id=lambda h: h.person.id
        )
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 10, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        self.export_button.clicked.connect(self._on_export_button_clicked)
        self.refresh()

    def refresh(self) -> None:
        rows = self._services.blood.honour_candidates()
        self.table.set_rows(rows)
        self.summary.setText(
            _(
                "{n} người đạt mốc tôn vinh (tính cả các lần hiến trước khi dùng phần mềm). Mốc tôn vinh "
                "được đặt trong Cài đặt."
            ).format(n=len(rows))
        )

    def _on_export_button_clicked(self) -> None:
        export_view(
            self,
            self._runner,
            self.table.model_,
            _("ton-vinh-hien-mau.xlsx"),
            _("Người hiến máu đạt mốc tôn vinh"),
        )


class BloodSection(TabbedSection):
    def __init__(self, services: Services, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.drives = DrivesTab(services, runner)
        self.donations = DonationsTab(services, runner)
        self.eligible = EligibleTab(services, runner)
        self.honours = HonoursTab(services, runner)
        self._build(
            _("Hiến máu"),
            (
                (self.drives, _("Đợt hiến máu")),
                (self.donations, _("Người hiến máu")),
                (self.eligible, _("Đủ điều kiện hiến")),
                (self.honours, _("Đạt mốc tôn vinh")),
            ),
            self.donations.search,
        )
