# SPDX-License-Identifier: MIT
"""A receipt (biên nhận): who gave, when, for which campaign, how much money and which goods.
Qt is imported here.

The receipt number is given by the service when the receipt is saved; a voided receipt opens
read-only; a printed one can still be corrected except for what the donor holds on paper (the
service says so, and what to do instead).
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel, QLineEdit, QSizePolicy, QVBoxLayout, QWidget

from ...core.errors import NotFoundError, RedCrossError
from ...core.i18n import _
from ...core.vn import amount_in_words, format_date, format_vnd
from ...domain.campaign_rules import decree93_warnings
from ...domain.codes import DONATION_CHANNELS
from ...services.campaigns import CampaignRow
from ...services.container import Services
from ...services.donations import DonationInput, DonationRow, anonymous_donor
from ...services.stock import ItemRow
from ..style import muted_label
from ..tasks import Op, Runner
from ..widgets.amount_edit import AmountEdit
from ..widgets.date_edit import DateEdit
from ..widgets.hint import Hint
from ..widgets.person_picker import PersonPicker
from .donation_lines import DonationLinesEditor
from .form_dialog import FormDialog
from .item_dialog import ItemDialog

# Service field names → the form's keys.
FIELD_KEYS = {
    "received_on": "received_on",
    "donor_id": "donor",
    "campaign_id": "campaign",
    "channel": "channel",
    "cash_vnd": "cash",
    "lines": "lines",
}


class DonationDialog(FormDialog):
    """New receipt when `donation` is None; `saved` carries the stored DonationRow (with its
    receipt number and any Decree 93 warnings)."""

    saved = Signal(object)

    def __init__(
        self,
        services: Services,
        runner: Runner,
        donation: DonationRow | None = None,
        parent: QWidget | None = None,
    ) -> None:
        if donation is None:
            title = _("Thêm biên nhận")
        elif donation.is_void:
            title = _("Biên nhận {code} (đã hủy)").format(code=donation.receipt_code)
        else:
            title = _("Sửa biên nhận {code}").format(code=donation.receipt_code)
        super().__init__(title, parent, width=960)
        self._services = services
        self._runner = runner
        self._donation = donation
        self._campaigns: list[CampaignRow] = services.campaigns.list()
        self.item_dialog: ItemDialog | None = None

        self.banner = Hint()
        self.received_on = DateEdit(date.today(), required=True, allow_future=False)
        self.donor = PersonPicker(services, runner)
        self.anonymous = QCheckBox(anonymous_donor())
        self.campaign = QComboBox()
        self.campaign.addItem(_("(Không thuộc đợt vận động nào)"), None)
        for campaign in self._campaigns:
            self.campaign.addItem(f"{campaign.name} ({campaign.code})", campaign.id)
        self.channel = QComboBox()
        for code, label in DONATION_CHANNELS.items():
            self.channel.addItem(_(label), code)
        self.cash = AmountEdit()
        self.cash_words = muted_label("")
        # Room for two lines is kept: a wrapped label in a two-column form does not grow its row.
        self.cash_words.setMinimumHeight(self.fontMetrics().lineSpacing() * 2 + 2)
        self.collector = QLineEdit()
        self.collector.setPlaceholderText(_("Người trực tiếp nhận tiền, hàng"))
        self.lines = DonationLinesEditor(services.stock.list_items())
        self.designation = QLineEdit()
        self.designation.setPlaceholderText(
            _("Để trống nếu ủng hộ chung; ghi người hoặc gia đình được ủng hộ nếu là ủng hộ có địa chỉ")
        )
        self.remark = QLineEdit()
        self.total = QLabel()
        self.total.setObjectName("subTitle")

        main = self.layout()
        assert isinstance(main, QVBoxLayout)
        main.insertWidget(0, self.banner)  # across both columns
        self.banner.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self.add_field("received_on", _("Ngày nhận (*)"), self.received_on)
        self.add_field("donor", _("Nhà hảo tâm (*)"), self.donor, self.anonymous)
        self.add_field("campaign", _("Đợt vận động"), self.campaign)
        right = self.add_column()
        self.add_field("channel", _("Hình thức (*)"), self.channel, form=right)
        self.add_field("cash", _("Số tiền"), self.cash, self.cash_words, form=right)
        self.add_field("collector", _("Người thu"), self.collector, form=right)
        below = self.new_form()
        self.lines_title = QLabel(_("Hiện vật (nếu có)"))
        self.extra.addWidget(self.lines_title)
        self.extra.addWidget(self.lines)
        self.hints["lines"] = Hint()
        self.fields["lines"] = self.lines
        self.extra.addWidget(self.hints["lines"])
        self.extra.addLayout(below)
        self.add_field("designation", _("Ủng hộ có địa chỉ"), self.designation, form=below)
        self.add_field("note", _("Ghi chú"), self.remark, form=below)
        self.extra.addWidget(self.total)

        self.received_on.changed.connect(self._on_campaign_or_date_changed)
        self.campaign.currentIndexChanged.connect(self._on_campaign_or_date_changed)
        self.channel.currentIndexChanged.connect(self._on_channel_current_index_changed)
        self.cash.changed.connect(self._on_amount_changed)
        self.lines.changed.connect(self._on_lines_changed)
        self.anonymous.toggled.connect(self._on_anonymous_toggled)
        self.donor.person_changed.connect(self._on_donor_person_changed)
        self.lines.new_item_button.clicked.connect(self._on_new_item_button_clicked)

        if donation is not None:
            self._fill(donation)
        else:
            self.collector.setText(services.branch.officer_name)
        self._refresh_total()
        self.received_on.setFocus()
        if donation is not None and donation.is_void:
            self._make_read_only(donation)
        elif donation is not None and donation.print_count > 0:
            self.banner.show_text(
                _(
                    "Biên nhận này đã in và giao cho nhà hảo tâm: không sửa được số tiền, hiện vật, nhà hảo "
                    "tâm hay ngày nhận. Nếu những thông tin đó sai, hãy hủy biên nhận (ghi lý do) và lập "
                    "biên nhận mới."
                ),
                "warning",
            )
        main.activate()  # hidden parts (a voided receipt has no goods editor) give their room back
        self.adjustSize()

    # ---- filling ----------------------------------------------------------------------------

    def _fill(self, donation: DonationRow) -> None:
        self.received_on.set_value(donation.received_on)
        if donation.donor_id is not None:
            try:
                self.donor.set_person(self._services.people.get(donation.donor_id))
            except NotFoundError:
                self.mark("donor", _("Người ủng hộ không còn trong dữ liệu; hãy chọn lại."))
        else:
            self.anonymous.setChecked(True)
        self.campaign.setCurrentIndex(max(0, self.campaign.findData(donation.campaign_id)))
        self.channel.setCurrentIndex(max(0, self.channel.findData(donation.channel)))
        self.cash.set_value(donation.cash_vnd or None)
        self.lines.set_lines(donation.lines)
        self.collector.setText(donation.collector)
        self.designation.setText(donation.designation)
        self.remark.setText(donation.note)

    def _make_read_only(self, donation: DonationRow) -> None:
        when = format_date(donation.voided_at.date()) if donation.voided_at is not None else ""
        self.banner.show_text(
            _("Biên nhận đã bị hủy ngày {day} bởi {who}. Lý do: {reason}").format(
                day=when, who=donation.voided_by, reason=donation.void_reason
            ),
            "error",
        )
        for field in (
            self.received_on,
            self.donor,
            self.anonymous,
            self.campaign,
            self.channel,
            self.cash,
            self.collector,
            self.designation,
            self.remark,
        ):
            field.setEnabled(False)
        self.lines.set_read_only(True)
        if not donation.lines:
            self.lines.hide()
            self.lines_title.hide()
        self.save_button.hide()
        self.cancel_button.setText(_("Đóng"))
        self.note.hide()  # "Enter saves" does not apply

    # ---- checks as you type -----------------------------------------------------------------

    def _campaign(self) -> CampaignRow | None:
        campaign_id = self.campaign.currentData()
        return next((c for c in self._campaigns if c.id == campaign_id), None)

    def _on_campaign_or_date_changed(self, *_args: object) -> None:
        campaign = self._campaign()
        day = self.received_on.value()
        warnings = decree93_warnings(campaign, day, receiving=True) if campaign and day else []
        self.mark("campaign", " ".join(warnings), "warning")

    def _on_channel_current_index_changed(self, _index: int) -> None:
        self.mark("channel", "")
        if self.channel.currentData() != "in_kind" or self.lines.check().lines:
            self.mark("lines", "")

    def _on_amount_changed(self) -> None:
        amount = self.cash.value()
        self.cash_words.setText(
            _("Bằng chữ: {words}").format(words=amount_in_words(amount)) if amount else ""
        )
        self._refresh_total()
        self.grow_to_fit()

    def _on_lines_changed(self) -> None:
        self.mark("lines", "")
        self._refresh_total()

    def _on_anonymous_toggled(self, checked: bool) -> None:
        self.donor.setEnabled(not checked)
        if checked:
            self.mark("donor", "")

    def _on_donor_person_changed(self, person: object) -> None:
        if person is not None:
            self.mark("donor", "")

    def _refresh_total(self) -> None:
        total = (self.cash.value() or 0) + self.lines.total()
        self.total.setText(_("Tổng trị giá biên nhận: {total}").format(total=format_vnd(total)))

    # ---- a new item -------------------------------------------------------------------------

    def _on_new_item_button_clicked(self) -> None:
        self.item_dialog = ItemDialog(self._services, self._runner, None, self)
        self.item_dialog.saved.connect(self._on_item_saved)
        self.item_dialog.open()

    def _on_item_saved(self, item: ItemRow) -> None:
        self.lines.set_items(self._services.stock.list_items(), choose=item.id)

    # ---- saving -----------------------------------------------------------------------------

    def _check_all(self) -> DonationInput | None:
        ok = self.received_on.check()
        person = self.donor.person()
        anonymous = self.anonymous.isChecked()
        if person is None and not anonymous:
            if self.donor.edit.text().strip():
                message = _("Hãy chọn một người trong danh sách gợi ý, hoặc bấm “Người mới…” để thêm.")
            else:
                message = _("Hãy chọn nhà hảo tâm, hoặc đánh dấu “{anonymous}”.").format(
                    anonymous=anonymous_donor()
                )
            self.mark("donor", message)
            ok = False
        cash_ok = self.cash.check()
        checked = self.lines.check()
        if checked.errors:
            self.mark("lines", " ".join(checked.errors))
        cash = self.cash.value() or 0
        channel = str(self.channel.currentData())
        if not checked.errors and channel == "in_kind" and not checked.lines:
            self.mark("lines", _("Ủng hộ bằng hiện vật cần ít nhất một dòng hàng; bấm “Thêm dòng hiện vật”."))
            cash_ok = False
        elif cash_ok and not checked.errors and cash == 0 and not checked.lines:
            self.mark("cash", _("Hãy nhập số tiền, hoặc thêm ít nhất một dòng hiện vật."))
            cash_ok = False
        ok = ok and cash_ok and not checked.errors
        if not ok:
            self.focus_first_error(["received_on", "donor", "cash", "lines"])
            return None
        day = self.received_on.value()
        assert day is not None
        kept = self._donation
        return DonationInput(
            received_on=day,
            donor_id=None if anonymous or person is None else person.id,
            # A gift recorded without a person (a collection box) keeps its label.
            donor_display=kept.donor_display if kept is not None and anonymous else "",
            campaign_id=self.campaign.currentData(),
            channel=channel,
            cash_vnd=cash,
            lines=checked.lines,
            designation=self.designation.text(),
            designated_person_id=kept.designated_person_id if kept is not None else None,
            collector=self.collector.text(),
            note=self.remark.text(),
        )

    def _on_save(self) -> None:
        data = self._check_all()
        if data is None:
            return
        donations = self._services.donations
        donation_id = self._donation.id if self._donation is not None else None
        self.saving(True)
        (
            Op(
                self,
                lambda _p: (
                    donations.record(data) if donation_id is None else donations.edit(donation_id, data)
                ),
                writes=True,
            )
            .success(self._on_saved)
            .failure(self._on_failed)
            .run(self._runner)
        )

    def _on_saved(self, row: DonationRow) -> None:
        self.saved.emit(row)
        self.accept()

    def _on_failed(self, error: RedCrossError) -> None:
        fields = getattr(error, "fields", None) or {}
        keys = dict(FIELD_KEYS)
        keys.update({name: "lines" for name in fields if name.startswith("lines[")})
        self.show_failure(error, keys)
