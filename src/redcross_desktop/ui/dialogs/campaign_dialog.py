# SPDX-License-Identifier: MIT
"""Campaigns (đợt vận động): the list, and the form that adds or corrects one, with the Decree 93
time limits shown as the dates are typed. Qt is imported here.

Decree 93/2021/NĐ-CP limits are warnings, never blocks: the form says which day receiving and
distribution must end, and a campaign saved beyond them is saved with a notice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...core.errors import RedCrossError
from ...core.i18n import N_, _
from ...core.vn import format_date, format_vnd
from ...domain.campaign_rules import decree93_plan_warnings, distribution_limit, receiving_limit
from ...domain.codes import CAMPAIGN_KINDS, DECREE93_KINDS
from ...services.campaigns import CampaignInput, CampaignRow
from ...services.container import Services
from ..models.lazy_table import CENTER, RIGHT, Column
from ..qt_i18n import button_box, translate_buttons
from ..style import muted_label, set_primary
from ..tasks import Op, Runner
from ..widgets.amount_edit import AmountEdit
from ..widgets.date_edit import DateEdit
from ..widgets.record_table import RecordTable
from .form_dialog import FormDialog


@dataclass(frozen=True)
class _Dates:
    """What the Decree 93 rules read, from the form as typed."""

    start_date: date
    end_date: date | None
    decree93: bool


class CampaignDialog(FormDialog):
    """`saved` carries the stored CampaignRow, with its Decree 93 warnings."""

    saved = Signal(object)

    def __init__(
        self,
        services: Services,
        runner: Runner,
        campaign: CampaignRow | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(_("Sửa đợt vận động") if campaign else _("Thêm đợt vận động"), parent, width=980)
        self._services = services
        self._runner = runner
        self._campaign = campaign
        self.code = QLineEdit()
        self.code.setPlaceholderText(_("Ví dụ: TET2026"))
        self.code.setMaxLength(30)
        self.name = QLineEdit()
        self.name.setPlaceholderText(_("Ví dụ: Tết Nhân ái Bính Ngọ 2026"))
        self.kind = QComboBox()
        for code, label in CAMPAIGN_KINDS.items():
            self.kind.addItem(_(label), code)
        self.start_date = DateEdit(date.today(), required=True)
        self.end_date = DateEdit(required=False)
        self.decree93 = QCheckBox(_("Thuộc phạm vi Nghị định 93/2021/NĐ-CP"))
        self.restricted = QCheckBox(_("Chỉ dùng đúng mục đích đã kêu gọi"))
        self.purpose = QLineEdit()
        self.target = AmountEdit()
        self.min_gift = AmountEdit()
        self.documents = QLineEdit()
        self.documents.setPlaceholderText(_("Số, ngày văn bản phát động"))

        self.add_field("code", _("Mã đợt (*)"), self.code)
        self.add_field("name", _("Tên đợt vận động (*)"), self.name)
        self.add_field("kind", _("Loại"), self.kind, self.decree93)
        self.add_field("start_date", _("Ngày bắt đầu (*)"), self.start_date)
        self.add_field("end_date", _("Ngày kết thúc tiếp nhận"), self.end_date)
        right = self.add_column()
        self.columns.setStretch(0, 3)  # the left column carries the long Decree 93 texts
        self.columns.setStretch(1, 2)
        self.add_field("purpose", _("Mục đích"), self.purpose, self.restricted, form=right)
        self.add_field("target_vnd", _("Chỉ tiêu vận động"), self.target, form=right)
        self.add_field("min_gift_vnd", _("Quà tối thiểu mỗi suất"), self.min_gift, form=right)
        self.add_field("documents", _("Văn bản phát động"), self.documents, form=right)
        self.limits = muted_label("")
        self.extra.addWidget(self.limits)

        self.kind.currentIndexChanged.connect(self._on_kind_current_index_changed)
        self.decree93.toggled.connect(self._on_dates_changed)
        self.start_date.changed.connect(self._on_dates_changed)
        self.end_date.changed.connect(self._on_dates_changed)
        self.code.textChanged.connect(lambda text: self.mark("code", "") if text.strip() else None)
        self.name.textChanged.connect(lambda text: self.mark("name", "") if text.strip() else None)
        if campaign is not None:
            self._fill(campaign)
        else:
            self._on_kind_current_index_changed(0)
        self._on_dates_changed()
        self.code.setFocus()

    def _fill(self, campaign: CampaignRow) -> None:
        self.code.setText(campaign.code)
        self.name.setText(campaign.name)
        self.kind.blockSignals(True)  # the stored scope wins over the kind's default
        self.kind.setCurrentIndex(max(0, self.kind.findData(campaign.kind)))
        self.kind.blockSignals(False)
        self.decree93.setChecked(campaign.decree93)
        self.start_date.set_value(campaign.start_date)
        self.end_date.set_value(campaign.end_date)
        self.restricted.setChecked(campaign.restricted)
        self.purpose.setText(campaign.purpose)
        self.target.set_value(campaign.target_vnd or None)
        self.min_gift.set_value(campaign.min_gift_vnd or None)
        self.documents.setText(campaign.documents)

    def _on_kind_current_index_changed(self, _index: int) -> None:
        self.decree93.setChecked(self.kind.currentData() in DECREE93_KINDS)

    def _on_dates_changed(self, *_args: object) -> None:
        start = self.start_date.value()
        if start is None:
            self.limits.setText("")
            return
        dates = _Dates(start, self.end_date.value(), self.decree93.isChecked())
        warnings = decree93_plan_warnings(dates)
        if warnings:
            self.mark("end_date", " ".join(warnings), "warning")
        elif not self.end_date.error():
            self.end_date.show_error("")
        if dates.decree93:
            self.limits.setText(
                _(
                    "Theo Nghị định 93: tiếp nhận tối đa đến hết {receive}; phân phối xong trước hết {give} "
                    "(trừ khi đã thông báo khác với người ủng hộ)."
                ).format(
                    receive=format_date(receiving_limit(start)), give=format_date(distribution_limit(dates))
                )
            )
        else:
            self.limits.setText("")

    def _on_save(self) -> None:
        ok = True
        for key, edit, message in (
            ("code", self.code, _("Hãy nhập mã đợt vận động (ví dụ: TET2026).")),
            ("name", self.name, _("Hãy nhập tên đợt vận động.")),
        ):
            if not edit.text().strip():
                self.mark(key, message)
                ok = False
        for field in (self.start_date, self.end_date, self.target, self.min_gift):
            ok = field.check() and ok
        if not ok:
            self.focus_first_error(["code", "name", "start_date", "end_date", "target_vnd", "min_gift_vnd"])
            return
        data = CampaignInput(
            code=self.code.text(),
            name=self.name.text(),
            kind=str(self.kind.currentData()),
            start_date=self.start_date.value(),
            end_date=self.end_date.value(),
            restricted=self.restricted.isChecked(),
            purpose=self.purpose.text(),
            target_vnd=self.target.value() or 0,
            min_gift_vnd=self.min_gift.value() or 0,
            documents=self.documents.text(),
            decree93=self.decree93.isChecked(),
        )
        campaigns = self._services.campaigns
        campaign_id = self._campaign.id if self._campaign is not None else None
        self.saving(True)
        (
            Op(
                self,
                lambda _p: (
                    campaigns.create(data) if campaign_id is None else campaigns.update(campaign_id, data)
                ),
                writes=True,
            )
            .success(self._on_saved)
            .failure(self._on_failed)
            .run(self._runner)
        )

    def _on_saved(self, row: CampaignRow) -> None:
        self.saved.emit(row)
        self.accept()

    def _on_failed(self, error: RedCrossError) -> None:
        self.show_failure(error)


COLUMNS: tuple[Column[CampaignRow], ...] = (
    Column(N_("Mã"), lambda c: c.code),
    Column(N_("Tên đợt vận động"), lambda c: c.name),
    Column(N_("Loại"), lambda c: _(CAMPAIGN_KINDS.get(c.kind, c.kind))),
    Column(N_("Bắt đầu"), lambda c: c.start_date, CENTER),
    Column(N_("Kết thúc"), lambda c: c.end_date, CENTER),
    Column(N_("NĐ 93"), lambda c: _("Có") if c.decree93 else "", CENTER),
    Column(N_("Chỉ tiêu"), lambda c: format_vnd(c.target_vnd) if c.target_vnd else "", RIGHT),
)
WIDTHS = (100, 260, 170, 95, 95, 60)


class CampaignsDialog(QDialog):
    """The branch's campaigns; `changed` fires after each save so lists can refresh their filters."""

    changed = Signal()

    def __init__(self, services: Services, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._runner = runner
        self.dialog: CampaignDialog | None = None
        self.notice: QMessageBox | None = None
        self.setWindowTitle(_("Đợt vận động"))
        self.resize(980, 460)
        self.table: RecordTable[CampaignRow] = RecordTable(COLUMNS, WIDTHS)
        self.table.activated.connect(self._on_table_activated)
        self.add_button = QPushButton(_("Thêm đợt vận động"))
        self.add_button.setShortcut(QKeySequence(QKeySequence.StandardKey.New))
        self.add_button.setToolTip(_("Thêm đợt vận động mới (Ctrl+N)"))
        self.add_button.setAutoDefault(False)
        set_primary(self.add_button)
        self.edit_button = QPushButton(_("Sửa…"))
        self.edit_button.setAutoDefault(False)
        self.add_button.clicked.connect(self._on_add_button_clicked)
        self.edit_button.clicked.connect(self._on_edit_button_clicked)
        buttons = button_box(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        top = QHBoxLayout()
        top.addWidget(
            muted_label(
                _(
                    "Đợt thuộc Nghị định 93 (thiên tai, dịch bệnh, sự cố, bệnh nhân hiểm nghèo) chỉ tiếp "
                    "nhận tối đa 90 ngày và phân phối trong 20 ngày sau đó; phần mềm nhắc khi quá hạn."
                )
            ),
            1,
        )
        top.addWidget(self.edit_button)
        top.addWidget(self.add_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.table.selectionModel().selectionChanged.connect(self._on_selection_changed)
        self.refresh()

    def refresh(self) -> None:
        self.table.set_rows(self._services.campaigns.list())
        self._on_selection_changed()

    def _on_selection_changed(self, *_args: object) -> None:
        self.edit_button.setEnabled(self.table.current() is not None)

    def _on_add_button_clicked(self) -> None:
        self._open(None)

    def _on_edit_button_clicked(self) -> None:
        campaign = self.table.current()
        if campaign is not None:
            self._open(campaign)

    def _on_table_activated(self, index: QModelIndex) -> None:
        campaign = self.table.model_.row_at(index.row())
        if campaign is not None:
            self._open(campaign)

    def _open(self, campaign: CampaignRow | None) -> None:
        self.dialog = CampaignDialog(self._services, self._runner, campaign, self)
        self.dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog.saved.connect(self._on_campaign_saved)
        self.dialog.open()

    def _on_campaign_saved(self, row: CampaignRow) -> None:
        self.refresh()
        self.table.select_id(row.id)
        self.changed.emit()
        if row.warnings:
            self.notice = QMessageBox(
                QMessageBox.Icon.Warning,
                _("Đã lưu, xin lưu ý"),
                _("Đã lưu đợt vận động “{name}”.").format(name=row.name),
                QMessageBox.StandardButton.Ok,
                self,
            )
            self.notice.setInformativeText("\n".join(row.warnings))
            translate_buttons(self.notice)
            self.notice.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            self.notice.open()
