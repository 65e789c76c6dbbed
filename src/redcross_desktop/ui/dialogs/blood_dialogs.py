# SPDX-License-Identifier: MIT
"""A blood drive with the facility's counts, and one donation with the donor's eligibility shown
before it is saved. Qt is imported here.

Thông tư 26/2013 sets the interval between donations by the type of the last one. The form shows
the last donation and the next eligible date as soon as the donor and the day are known; a
donation before that date is saved only with the reason the facility accepted it.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QFrame, QLabel, QLineEdit, QSpinBox, QVBoxLayout, QWidget

from ...core.errors import NotEligibleError, RedCrossError
from ...core.i18n import _
from ...core.vn import format_date, normalize_text
from ...domain.codes import BLOOD_TYPES
from ...services.blood import (
    BloodDonationInput,
    BloodDonationRow,
    DriveInput,
    DriveRow,
    Eligibility,
    SavedBloodDonation,
    SavedDrive,
)
from ...services.container import Services
from ...services.people import PersonRow
from ..tasks import Op, Runner
from ..widgets.date_edit import DateEdit
from ..widgets.person_picker import PersonPicker
from .form_dialog import FormDialog

MAX_COUNT = 100_000

DRIVE_FIELDS = {
    "held_on": "held_on",
    "place": "place",
    "target_units": "target_units",
    "registered": "registered",
    "screened": "screened",
    "donated": "donated",
    "first_time": "first_time",
    "units_250": "units",
    "units_350": "units",
    "units_450": "units",
}


def _count_box() -> QSpinBox:
    box = QSpinBox()
    box.setRange(0, MAX_COUNT)
    box.setMaximumWidth(140)
    return box


def drive_label(drive: DriveRow) -> str:
    return f"{format_date(drive.held_on)} — {drive.place}"


class DriveDialog(FormDialog):
    """Adds or corrects a drive. "Hiến được" cannot exceed "Khám sàng lọc"; the form says so as the
    numbers are typed."""

    saved = Signal(object)  # SavedDrive

    def __init__(
        self, services: Services, runner: Runner, drive: DriveRow | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(_("Sửa đợt hiến máu") if drive else _("Thêm đợt hiến máu"), parent, width=860)
        self._services = services
        self._runner = runner
        self._drive = drive
        self.held_on = DateEdit(date.today())
        self.place = QLineEdit()
        self.place.setPlaceholderText(_("Ví dụ: Nhà văn hóa phường"))
        self.facility = QLineEdit()
        self.facility.setPlaceholderText(_("Ví dụ: Viện Huyết học - Truyền máu Trung ương"))
        self.target = _count_box()
        self.note_edit = QLineEdit()
        self.registered = _count_box()
        self.screened = _count_box()
        self.donated = _count_box()
        self.first_time = _count_box()
        self.units_250 = _count_box()
        self.units_350 = _count_box()
        self.units_450 = _count_box()
        self.summary = QLabel()
        self.summary.setWordWrap(True)

        self.add_field("held_on", _("Ngày tổ chức (*)"), self.held_on)
        self.add_field("place", _("Địa điểm (*)"), self.place)
        self.add_field("facility", _("Cơ sở tiếp nhận máu"), self.facility)
        self.add_field("target_units", _("Chỉ tiêu (đơn vị)"), self.target)
        self.add_field("note", _("Ghi chú"), self.note_edit)
        right = self.add_column()
        self.add_field("registered", _("Số người đăng ký"), self.registered, form=right)
        self.add_field("screened", _("Số người khám sàng lọc"), self.screened, form=right)
        self.add_field("donated", _("Số người hiến được"), self.donated, form=right)
        self.add_field("first_time", _("Trong đó hiến lần đầu"), self.first_time, form=right)
        self.add_field("units_250", _("Số túi 250 ml"), self.units_250, form=right)
        self.add_field("units_350", _("Số túi 350 ml"), self.units_350, form=right)
        self.add_field("units", _("Số túi 450 ml"), self.units_450, form=right)
        self.add_field("summary", _("Tổng hợp"), self.summary, form=right)

        for box in (
            self.target,
            self.registered,
            self.screened,
            self.donated,
            self.first_time,
            self.units_250,
            self.units_350,
            self.units_450,
        ):
            box.valueChanged.connect(self._on_counts_changed)
        self.place.textChanged.connect(self._on_place_text_changed)
        if drive is not None:
            self._fill(drive)
        self._on_counts_changed()
        self.held_on.setFocus()

    def _fill(self, drive: DriveRow) -> None:
        self.held_on.set_value(drive.held_on)
        self.place.setText(drive.place)
        self.facility.setText(drive.facility)
        self.target.setValue(drive.target_units)
        self.note_edit.setText(drive.note)
        for box, value in (
            (self.registered, drive.registered),
            (self.screened, drive.screened),
            (self.donated, drive.donated),
            (self.first_time, drive.first_time),
            (self.units_250, drive.units_250),
            (self.units_350, drive.units_350),
            (self.units_450, drive.units_450),
        ):
            box.setValue(value)

    def _check_counts(self) -> bool:
        donated, screened = self.donated.value(), self.screened.value()
        if donated > screened:
            self.mark(
                "donated",
                _(
                    "Số người hiến được ({donated}) không thể lớn hơn số người khám sàng lọc ({screened})."
                ).format(donated=donated, screened=screened),
            )
            return False
        self.mark("donated", "")
        return True

    def _on_counts_changed(self, *_args: object) -> None:
        ok = self._check_counts()
        bags = self.units_250.value() + self.units_350.value() + self.units_450.value()
        ml = 250 * self.units_250.value() + 350 * self.units_350.value() + 450 * self.units_450.value()
        parts = [
            _("Tạm hoãn: {n} người").format(n=max(0, self.screened.value() - self.donated.value())),
            _("{bags} đơn vị, {ml} ml").format(bags=bags, ml=f"{ml:,}".replace(",", ".")),
        ]
        if self.target.value():
            parts.append(
                _("đạt {percent} % chỉ tiêu").format(
                    percent=round(100 * self.donated.value() / self.target.value())
                )
            )
        self.summary.setText(" · ".join(parts))
        if ok and bags and bags != self.donated.value():
            self.mark(
                "units",
                _(
                    "Tổng số túi ({bags}) khác số người hiến được ({donated}); "
                    "hãy đối chiếu với cơ sở tiếp nhận."
                ).format(bags=bags, donated=self.donated.value()),
                "warning",
            )
        else:
            self.mark("units", "")
        if self.first_time.value() > self.donated.value():
            self.mark("first_time", _("Nhiều hơn số người hiến được."), "warning")
        else:
            self.mark("first_time", "")

    def _on_place_text_changed(self, text: str) -> None:
        if text.strip():
            self.mark("place", "")

    def _on_save(self) -> None:
        checks = [("held_on", self.held_on.check())]
        if not normalize_text(self.place.text()):
            self.mark("place", _("Hãy nhập địa điểm tổ chức."))
            checks.append(("place", False))
        checks.append(("donated", self._check_counts()))
        bad = next((key for key, ok in checks if not ok), None)
        if bad is not None:
            self.fields[bad].setFocus()
            return
        held_on = self.held_on.value()
        assert held_on is not None
        data = DriveInput(
            held_on=held_on,
            place=self.place.text(),
            facility=self.facility.text(),
            target_units=self.target.value(),
            registered=self.registered.value(),
            screened=self.screened.value(),
            donated=self.donated.value(),
            first_time=self.first_time.value(),
            units_250=self.units_250.value(),
            units_350=self.units_350.value(),
            units_450=self.units_450.value(),
            note=self.note_edit.text(),
        )
        blood, drive_id = self._services.blood, self._drive.id if self._drive else None
        self.saving(True)
        Op(
            self,
            lambda _p: blood.create_drive(data) if drive_id is None else blood.update_drive(drive_id, data),
            writes=True,
        ).success(self._on_saved).failure(self._on_failed).run(self._runner)

    def _on_failed(self, error: RedCrossError) -> None:
        self.show_failure(error, DRIVE_FIELDS)

    def _on_saved(self, saved: SavedDrive) -> None:
        self.saved.emit(saved)
        self.accept()


def eligibility_text(eligibility: Eligibility) -> str:
    """What the officer needs before recording: the last donation, when the next may be, how many."""
    lines = []
    if eligibility.last_date is None:
        lines.append(_("Chưa có lần hiến nào được ghi trong phần mềm."))
    else:
        kind = _(BLOOD_TYPES.get(eligibility.last_kind or "", eligibility.last_kind or ""))
        lines.append(
            _("Lần hiến gần nhất: {day} ({kind}).").format(day=format_date(eligibility.last_date), kind=kind)
        )
    if eligibility.next_eligible is not None:
        lines.append(
            _("Ngày đủ điều kiện hiến tiếp: {day}.").format(day=format_date(eligibility.next_eligible))
        )
    lines.append(
        _("Số lần đã hiến: {n} (kể cả các lần hiến trước khi dùng phần mềm).").format(
            n=eligibility.donation_count
        )
    )
    return "\n".join(lines)


class DonationDialog(FormDialog):
    """Records a donation (or corrects one). The donor's eligibility on the chosen day is shown before
    saving; a day before the next eligible date asks for the reason the facility accepted it."""

    saved = Signal(object)  # SavedBloodDonation

    FIELD_KEYS = {
        "person_id": "person",
        "donated_on": "donated_on",
        "kind": "kind",
        "ml": "ml",
        "drive_id": "drive",
        "certificate_date": "certificate_date",
    }

    def __init__(
        self,
        services: Services,
        runner: Runner,
        donation: BloodDonationRow | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(_("Sửa lần hiến máu") if donation else _("Ghi nhận lần hiến máu"), parent, width=900)
        self._services = services
        self._runner = runner
        self._donation = donation
        self.eligibility: Eligibility | None = None

        self.person = PersonPicker(services, runner)
        self.donated_on = DateEdit(date.today(), allow_future=False)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.history = QLabel()
        self.history.setObjectName("muted")
        self.history.setWordWrap(True)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(_("Ví dụ: cơ sở tiếp nhận máu đồng ý cho hiến sớm (ghi tên bác sĩ)"))
        self.kind = QComboBox()
        for code, label in BLOOD_TYPES.items():
            self.kind.addItem(_(label), code)
        self.ml = QSpinBox()
        self.ml.setRange(0, 1000)
        self.ml.setSingleStep(50)
        self.ml.setSuffix(" ml")
        self.ml.setValue(350)
        self.ml.setMaximumWidth(140)
        self.drive = QComboBox()
        self.drive.addItem(_("— Không thuộc đợt nào —"), None)
        today = date.today()
        for drive in services.blood.list_drives(today.year) + services.blood.list_drives(today.year - 1):
            self.drive.addItem(drive_label(drive), drive.id)
        self.facility = QLineEdit()
        self.facility.setPlaceholderText(_("Để trống: lấy theo đợt hiến máu"))
        self.certificate_no = QLineEdit()
        self.certificate_date = DateEdit(required=False, allow_future=False)

        self.add_field("person", _("Người hiến (*)"), self.person)
        self.add_field("donated_on", _("Ngày hiến (*)"), self.donated_on)
        self.reason_label = self.add_field("reason", _("Lý do hiến sớm (*)"), self.reason)
        right = self.add_column()
        self.add_field("kind", _("Hình thức hiến (*)"), self.kind, form=right)
        self.add_field("ml", _("Lượng máu (*)"), self.ml, form=right)
        self.add_field("drive", _("Đợt hiến máu"), self.drive, form=right)
        self.add_field("facility", _("Cơ sở tiếp nhận"), self.facility, form=right)
        self.add_field("certificate_no", _("Số giấy chứng nhận"), self.certificate_no, form=right)
        self.add_field("certificate_date", _("Ngày cấp giấy"), self.certificate_date, form=right)
        # Full width, under both columns: the refusal and the history must be read whole, not clipped.
        panel = QFrame()
        panel.setObjectName("card")
        panel_layout = QVBoxLayout(panel)
        panel_layout.setContentsMargins(12, 8, 12, 10)
        panel_layout.setSpacing(4)
        heading = QLabel(_("Điều kiện hiến"))
        heading.setObjectName("subTitle")
        panel_layout.addWidget(heading)
        panel_layout.addWidget(self.status)
        panel_layout.addWidget(self.history)
        self.extra.addWidget(panel)
        self._show_reason(False)

        self.person.person_changed.connect(self._on_person_changed)
        self.donated_on.changed.connect(self._on_donated_on_changed)
        self.reason.textChanged.connect(self._on_reason_text_changed)
        if donation is not None:
            self._fill(donation)
        self._refresh_eligibility()
        self.person.setFocus()

    def _fill(self, donation: BloodDonationRow) -> None:
        self.person.set_person(self._services.people.get(donation.person_id))
        self.person.setEnabled(False)  # a donation entered for the wrong donor is deleted, not moved
        self.donated_on.set_value(donation.donated_on)
        self.kind.setCurrentIndex(max(0, self.kind.findData(donation.kind)))
        self.ml.setValue(donation.ml)
        index = self.drive.findData(donation.drive_id)
        if donation.drive_id is not None and index < 0:
            self.drive.addItem(_("Đợt hiến máu đã ghi"), donation.drive_id)
            index = self.drive.count() - 1
        self.drive.setCurrentIndex(max(0, index))
        self.facility.setText(donation.facility)
        self.certificate_no.setText(donation.certificate_no)
        self.certificate_date.set_value(donation.certificate_date)
        self.reason.setText(donation.override_reason)
        if donation.override_reason:
            self._show_reason(True)

    # ---- eligibility ------------------------------------------------------------------------

    def _show_reason(self, visible: bool) -> None:
        self.reason_label.setVisible(visible)
        self.reason.setVisible(visible)
        if not visible:
            self.hints["reason"].clear_hint()
        self.grow_to_fit()

    def _on_person_changed(self, _person: object) -> None:
        self._refresh_eligibility()

    def _on_donated_on_changed(self) -> None:
        self._refresh_eligibility()

    def _on_reason_text_changed(self, text: str) -> None:
        if text.strip():
            self.hints["reason"].clear_hint()

    def _refresh_eligibility(self) -> None:
        """Read at once (a few rows): the answer must be on screen before the officer saves."""
        person = self.person.person()
        on_date = self.donated_on.value()
        if person is None or on_date is None:
            self.eligibility = None
            self.status.setText(_("Chọn người hiến và ngày hiến để xem điều kiện hiến."))
            self.status.setObjectName("muted")
            self.history.setText("")
            self._show_reason(bool(self.reason.text().strip()))
            self._repolish_status()
            return
        if self._donation is not None:
            # The record being corrected would count against itself; the service checks without it.
            self.eligibility = None
            self.status.setText(_("Phần mềm sẽ kiểm tra lại khoảng cách giữa các lần hiến khi lưu."))
            self.status.setObjectName("muted")
            self.history.setText("")
            self._repolish_status()
            return
        eligibility = self._services.blood.eligibility(person.id, on_date)
        self.eligibility = eligibility
        self.history.setText(eligibility_text(eligibility))
        if eligibility.eligible:
            self.status.setText(
                _("Đủ điều kiện hiến vào ngày {day}. Đây sẽ là lần hiến thứ {n}.").format(
                    day=format_date(on_date), n=eligibility.donation_count + 1
                )
            )
            self.status.setObjectName("hintInfo")
            self._show_reason(False)
        else:
            self.status.setText(self._refusal(person, on_date, eligibility))
            self.status.setObjectName("hintError")
            self._show_reason(True)
        self._repolish_status()

    @staticmethod
    def _refusal(person: PersonRow, on_date: date, eligibility: Eligibility) -> str:
        if eligibility.next_eligible is not None and on_date < eligibility.next_eligible:
            return _(
                "Chưa đủ điều kiện: {name} được hiến lại từ ngày {next}. Nếu cơ sở tiếp nhận máu vẫn cho "
                "hiến sớm hơn, hãy ghi lý do."
            ).format(name=person.full_name, next=format_date(eligibility.next_eligible))
        return _("Chưa đủ điều kiện về tuổi: {problems} Nếu cơ sở vẫn cho hiến, hãy ghi lý do.").format(
            problems=" ".join(eligibility.age_problems)
        )

    def _repolish_status(self) -> None:
        self.status.style().unpolish(self.status)
        self.status.style().polish(self.status)
        self.grow_to_fit()

    # ---- saving -----------------------------------------------------------------------------

    def _on_save(self) -> None:
        checks = [
            ("person", self.person.check()),
            ("donated_on", self.donated_on.check()),
            ("certificate_date", self.certificate_date.check()),
        ]
        if self.ml.value() <= 0:
            self.mark("ml", _("Hãy nhập lượng máu hiến."))
            checks.append(("ml", False))
        bad = next((key for key, ok in checks if not ok), None)
        if bad is not None:
            self.fields[bad].setFocus()
            return
        person = self.person.person()
        donated_on = self.donated_on.value()
        assert person is not None and donated_on is not None
        data = BloodDonationInput(
            person_id=person.id,
            donated_on=donated_on,
            kind=str(self.kind.currentData()),
            ml=self.ml.value(),
            drive_id=self.drive.currentData(),
            facility=self.facility.text(),
            certificate_no=self.certificate_no.text(),
            certificate_date=self.certificate_date.value(),
            override_reason=self.reason.text() if self.reason.isVisibleTo(self) else "",
        )
        blood, donation_id = self._services.blood, self._donation.id if self._donation else None
        self.saving(True)
        Op(
            self,
            lambda _p: (
                blood.record_donation(data) if donation_id is None else blood.edit_donation(donation_id, data)
            ),
            writes=True,
        ).success(self._on_saved).failure(self._on_failed).run(self._runner)

    def _on_failed(self, error: RedCrossError) -> None:
        if isinstance(error, NotEligibleError):
            self._show_reason(True)
            self.hints["reason"].show_text(_("Hãy ghi lý do để lưu lần hiến này."), "error")
            self.grow_to_fit()
            self.reason.setFocus()
        self.show_failure(error, self.FIELD_KEYS)

    def _on_saved(self, saved: SavedBloodDonation) -> None:
        self.saved.emit(saved)
        self.accept()
