# SPDX-License-Identifier: MIT
"""Dialogs of Hội viên & TNV: enrolment (with a new chi hội on the spot), leaving, a dues payment
and volunteer hours. Qt is imported here."""

from __future__ import annotations

import re
from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from ...core.errors import RedCrossError
from ...core.i18n import _
from ...core.vn import format_date, format_vnd, normalize_text
from ...domain import dues as dues_rules
from ...domain.codes import MEMBER_CATEGORIES, SUB_UNIT_KINDS, VOLUNTEER_RANKS
from ...services.container import Services
from ...services.members import (
    VOLUNTEER,
    DuesInput,
    HoursInput,
    MembershipInput,
    MembershipRow,
    SavedDues,
    SavedMembership,
    SubUnitRow,
)
from ...services.people import PersonRow
from ..tasks import Op, Runner
from ..widgets.amount_edit import AmountEdit
from ..widgets.date_edit import DateEdit
from ..widgets.person_picker import PersonPicker
from .form_dialog import FormDialog

_MONTH = re.compile(r"(\d{1,2})\s*[/\-.]\s*(\d{4})")


def parse_month(text: str) -> str:
    """ "3/2026" or "03/2026" → "2026-03"; raises ValueError with the message to show."""
    match = _MONTH.fullmatch(text.strip())
    if match is None or not 1 <= int(match.group(1)) <= 12 or int(match.group(2)) < 1900:
        raise ValueError(_("Hãy nhập tháng theo dạng tháng/năm, ví dụ 03/2026."))
    return f"{int(match.group(2)):04d}-{int(match.group(1)):02d}"


def dues_rate(services: Services) -> int:
    settings = services.settings.get("dues") or {}
    return int(settings.get("monthly_rate_vnd", 1000))


class SubUnitDialog(FormDialog):
    """ "Chi hội mới": a chi hội, team or club created without leaving the enrolment form."""

    saved = Signal(object)  # SubUnitRow

    def __init__(self, services: Services, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(_("Thêm chi hội, đội, câu lạc bộ"), parent, width=460)
        self._services = services
        self._runner = runner
        self.kind = QComboBox()
        for code, label in SUB_UNIT_KINDS.items():
            self.kind.addItem(_(label), code)
        self.name = QLineEdit()
        self.name.setPlaceholderText(_("Ví dụ: Chi hội Tổ 5"))
        self.add_field("kind", _("Loại (*)"), self.kind)
        self.add_field("name", _("Tên (*)"), self.name)
        self.name.setFocus()

    def _on_save(self) -> None:
        if not normalize_text(self.name.text()):
            self.mark("name", _("Hãy nhập tên chi hội/đội."))
            self.name.setFocus()
            return
        kind, name = str(self.kind.currentData()), self.name.text()
        members = self._services.members
        self.saving(True)
        Op(self, lambda _p: members.create_sub_unit(kind, name), writes=True).success(self._on_saved).failure(
            self._on_failed
        ).run(self._runner)

    def _on_failed(self, error: RedCrossError) -> None:
        self.saving(False)
        if error.code == "DUPLICATE":
            self.mark("name", error.message)
            return
        self.show_failure(error)

    def _on_saved(self, row: SubUnitRow) -> None:
        self.saved.emit(row)
        self.accept()


class EnrolDialog(FormDialog):
    """ "Kết nạp": a person joins as hội viên, TNV or youth; or a membership is corrected."""

    saved = Signal(object)  # SavedMembership

    FIELD_KEYS = {
        "person_id": "person",
        "category": "category",
        "volunteer_rank": "rank",
        "joined_on": "joined_on",
        "exempt_reason": "exempt_reason",
        "sub_unit_id": "sub_unit",
    }

    def __init__(
        self,
        services: Services,
        runner: Runner,
        membership: MembershipRow | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            _("Sửa hồ sơ hội viên") if membership else _("Kết nạp hội viên, tình nguyện viên"), parent
        )
        self._services = services
        self._runner = runner
        self._membership = membership
        self.sub_dialog: SubUnitDialog | None = None

        self.person = PersonPicker(services, runner)
        self.category = QComboBox()
        for code, label in MEMBER_CATEGORIES.items():
            self.category.addItem(_(label), code)
        self.member_no = QLineEdit()
        self.member_no.setPlaceholderText(_("Số thẻ hội viên, nếu có"))
        self.sub_unit = QComboBox()
        self.new_unit_button = QPushButton(_("Chi hội mới…"))
        self.new_unit_button.setAutoDefault(False)
        unit_row = QWidget()
        unit_layout = QHBoxLayout(unit_row)
        unit_layout.setContentsMargins(0, 0, 0, 0)
        unit_layout.addWidget(self.sub_unit, 1)
        unit_layout.addWidget(self.new_unit_button)
        self.joined_on = DateEdit(date.today(), allow_future=False)
        self.rank = QComboBox()
        self.rank.addItem(_("— Chưa xếp hạng —"), "")
        for code, label in VOLUNTEER_RANKS.items():
            self.rank.addItem(_(label), code)
        self.skills = QLineEdit()
        self.skills.setPlaceholderText(_("Ví dụ: sơ cấp cứu, bơi lội, tin học"))
        self.exempt = QCheckBox(_("Miễn hội phí"))
        self.exempt_reason = QLineEdit()
        self.exempt_reason.setPlaceholderText(
            _("Lý do miễn, ví dụ: hoàn cảnh khó khăn (theo quyết định của BTV)")
        )

        self.add_field("person", _("Người (*)"), self.person)
        self.add_field("category", _("Loại (*)"), self.category)
        self.add_field("member_no", _("Số thẻ"), self.member_no)
        self.add_field("sub_unit", _("Chi hội/đội"), unit_row)
        self.add_field("joined_on", _("Ngày vào Hội (*)"), self.joined_on)
        self.add_field("rank", _("Hạng TNV"), self.rank)
        self.add_field("skills", _("Kỹ năng"), self.skills)
        self.add_field("exempt", _("Hội phí"), self.exempt)
        self.reason_label = self.add_field("exempt_reason", _("Lý do miễn"), self.exempt_reason)
        self._reload_sub_units(None)

        self.category.currentIndexChanged.connect(self._on_category_current_index_changed)
        self.exempt.toggled.connect(self._on_exempt_toggled)
        self.exempt_reason.textChanged.connect(self._on_exempt_reason_text_changed)
        self.new_unit_button.clicked.connect(self._on_new_unit_button_clicked)
        self.person.person_changed.connect(self._on_person_changed)
        self.joined_on.changed.connect(self._check_age)
        if membership is not None:
            self._fill(membership)
        self._on_category_current_index_changed()
        self._on_exempt_toggled(self.exempt.isChecked())
        self.person.setFocus()

    def _fill(self, m: MembershipRow) -> None:
        self.person.set_person(self._services.people.get(m.person_id))
        self.person.setEnabled(False)
        self.category.setCurrentIndex(max(0, self.category.findData(m.category)))
        self.member_no.setText(m.member_no)
        self._reload_sub_units(m.sub_unit_id)
        self.joined_on.set_value(m.joined_on)
        self.rank.setCurrentIndex(max(0, self.rank.findData(m.rank)))
        self.skills.setText(m.skills)
        self.exempt.setChecked(m.exempt)
        self.exempt_reason.setText(m.exempt_reason)

    def _reload_sub_units(self, chosen: int | None) -> None:
        self.sub_unit.clear()
        self.sub_unit.addItem(_("— Chưa thuộc chi hội nào —"), None)
        for unit in self._services.members.list_sub_units():
            self.sub_unit.addItem(f"{unit.name} ({unit.kind_label})", unit.id)
        self.sub_unit.setCurrentIndex(max(0, self.sub_unit.findData(chosen)))

    # ---- checks as you type -----------------------------------------------------------------

    def _is_volunteer(self) -> bool:
        return bool(self.category.currentData() == VOLUNTEER)

    def _on_category_current_index_changed(self, *_args: object) -> None:
        volunteer = self._is_volunteer()
        self.rank.setEnabled(volunteer)
        if not volunteer:
            self.rank.setCurrentIndex(0)
        self._check_age()

    def _on_person_changed(self, _person: object) -> None:
        self._check_age()

    def _check_age(self) -> None:
        """A volunteer is 18 or older on the join date: said before saving."""
        person: PersonRow | None = self.person.person()
        joined = self.joined_on.value()
        if (
            self._is_volunteer()
            and person is not None
            and joined is not None
            and not dues_rules.old_enough(person.birth_date, person.birth_year, joined)
        ):
            self.mark(
                "category",
                _("{name} chưa đủ 18 tuổi; hãy đăng ký là thanh niên hoặc thiếu niên CTĐ.").format(
                    name=person.full_name
                ),
            )
        else:
            self.mark("category", "")

    def _on_exempt_toggled(self, checked: bool) -> None:
        self.exempt_reason.setEnabled(checked)
        self.reason_label.setText(_("Lý do miễn (*)") if checked else _("Lý do miễn"))
        self._check_exempt()

    def _on_exempt_reason_text_changed(self, _text: str) -> None:
        self._check_exempt()

    def _check_exempt(self) -> bool:
        if self.exempt.isChecked() and not normalize_text(self.exempt_reason.text()):
            self.mark("exempt_reason", _("Miễn hội phí cần ghi lý do."))
            return False
        self.mark("exempt_reason", "")
        return True

    def _on_new_unit_button_clicked(self) -> None:
        self.sub_dialog = SubUnitDialog(self._services, self._runner, self)
        self.sub_dialog.saved.connect(self._on_sub_unit_saved)
        self.sub_dialog.open()

    def _on_sub_unit_saved(self, row: SubUnitRow) -> None:
        self._reload_sub_units(row.id)

    # ---- saving -----------------------------------------------------------------------------

    def _on_save(self) -> None:
        checks = [
            ("person", self.person.check()),
            ("joined_on", self.joined_on.check()),
            ("exempt_reason", self._check_exempt()),
            ("category", self.hints["category"].kind != "error"),
        ]
        bad = next((key for key, ok in checks if not ok), None)
        if bad is not None:
            self.fields[bad].setFocus()
            return
        person, joined_on = self.person.person(), self.joined_on.value()
        assert person is not None and joined_on is not None
        data = MembershipInput(
            person_id=person.id,
            category=str(self.category.currentData()),
            joined_on=joined_on,
            member_no=self.member_no.text(),
            sub_unit_id=self.sub_unit.currentData(),
            volunteer_rank=str(self.rank.currentData() or ""),
            skills=self.skills.text(),
            dues_exempt=self.exempt.isChecked(),
            exempt_reason=self.exempt_reason.text(),
        )
        members, membership_id = self._services.members, self._membership.id if self._membership else None
        self.saving(True)
        Op(
            self,
            lambda _p: members.enrol(data) if membership_id is None else members.update(membership_id, data),
            writes=True,
        ).success(self._on_saved).failure(self._on_failed).run(self._runner)

    def _on_failed(self, error: RedCrossError) -> None:
        self.show_failure(error, self.FIELD_KEYS)

    def _on_saved(self, saved: SavedMembership) -> None:
        self.saved.emit(saved)
        self.accept()


class LeaveDialog(FormDialog):
    """ "Ra Hội": the date and the reason (required)."""

    saved = Signal(object)  # MembershipRow

    def __init__(
        self, services: Services, runner: Runner, membership: MembershipRow, parent: QWidget | None = None
    ) -> None:
        super().__init__(_("Ra Hội: {name}").format(name=membership.person_name), parent, width=520)
        self._services = services
        self._runner = runner
        self._membership = membership
        self.left_on = DateEdit(date.today(), allow_future=False)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(_("Ví dụ: chuyển nơi ở, xin thôi"))
        self.add_field("left_on", _("Ngày ra Hội (*)"), self.left_on)
        self.add_field("reason", _("Lý do (*)"), self.reason)
        self.reason.textChanged.connect(self._on_reason_text_changed)
        self.reason.setFocus()

    def _on_reason_text_changed(self, text: str) -> None:
        if text.strip():
            self.mark("reason", "")

    def _on_save(self) -> None:
        if not self.left_on.check():
            self.left_on.setFocus()
            return
        if not normalize_text(self.reason.text()):
            self.mark("reason", _("Hãy ghi lý do ra Hội."))
            self.reason.setFocus()
            return
        left_on, reason, membership_id = self.left_on.value(), self.reason.text(), self._membership.id
        assert left_on is not None
        members = self._services.members
        self.saving(True)
        Op(self, lambda _p: members.leave(membership_id, left_on, reason), writes=True).success(
            self._on_saved
        ).failure(self.show_failure).run(self._runner)

    def _on_saved(self, row: MembershipRow) -> None:
        self.saved.emit(row)
        self.accept()


class DuesDialog(FormDialog):
    """ "Thu hội phí": months covered from a first month; the amount is months × the monthly rate
    unless the officer types another."""

    saved = Signal(object)  # SavedDues

    FIELD_KEYS = {
        "first_month": "first_month",
        "months": "months",
        "amount_vnd": "amount",
        "paid_on": "paid_on",
    }

    def __init__(
        self,
        services: Services,
        runner: Runner,
        membership: MembershipRow,
        first_month: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(_("Thu hội phí: {name}").format(name=membership.person_name), parent, width=560)
        self._services = services
        self._runner = runner
        self._membership = membership
        self.rate = dues_rate(services)
        self._amount_typed = False
        self.paid_on = DateEdit(date.today(), allow_future=False)
        self.first_month = QLineEdit(dues_rules.format_month(first_month))
        self.first_month.setPlaceholderText(_("tháng/năm, ví dụ 01/2026"))
        self.months = QSpinBox()
        self.months.setRange(1, 120)
        self.months.setSuffix(_(" tháng"))
        self.months.setMaximumWidth(140)
        self.covered = QLabel()
        self.covered.setObjectName("muted")
        self.amount = AmountEdit(self.rate, allow_zero=False, required=True)
        self.collector = QLineEdit()
        self.add_field("paid_on", _("Ngày thu (*)"), self.paid_on)
        self.add_field("first_month", _("Từ tháng (*)"), self.first_month)
        self.add_field("months", _("Số tháng (*)"), self.months, self.covered)
        self.add_field("amount", _("Số tiền (*)"), self.amount)
        self.add_field("collector", _("Người thu"), self.collector)
        self.first_month.textChanged.connect(self._on_months_changed)
        self.months.valueChanged.connect(self._on_months_changed)
        self.amount.edit.textEdited.connect(self._on_amount_text_edited)
        self._on_months_changed()
        self.months.setFocus()

    def _month(self) -> str | None:
        try:
            return parse_month(self.first_month.text())
        except ValueError:
            return None

    def _on_amount_text_edited(self, _text: str) -> None:
        self._amount_typed = True  # from now on the officer's amount stays

    def _on_months_changed(self, *_args: object) -> None:
        month = self._month()
        if month is None:
            self.mark("first_month", _("Hãy nhập tháng theo dạng tháng/năm, ví dụ 03/2026."))
            self.covered.setText("")
            return
        self.mark("first_month", "")
        covered = dues_rules.months_covered(month, self.months.value())
        first, last = dues_rules.format_month(covered[0]), dues_rules.format_month(covered[-1])
        self.covered.setText(
            _("Đóng cho tháng {first}").format(first=first)
            if first == last
            else _("Đóng cho các tháng {first} – {last}").format(first=first, last=last)
        )
        expected = dues_rules.expected_dues(self.rate, self.months.value())
        if not self._amount_typed:
            self.amount.set_value(expected)
        if self.amount.value() not in (None, expected):
            self.mark(
                "amount",
                _("Mức hội phí {months} tháng × {rate} = {expected}.").format(
                    months=self.months.value(), rate=format_vnd(self.rate), expected=format_vnd(expected)
                ),
                "warning",
            )

    def _on_save(self) -> None:
        month = self._month()
        checks = [
            ("paid_on", self.paid_on.check()),
            ("first_month", month is not None),
            ("amount", self.amount.check()),
        ]
        bad = next((key for key, ok in checks if not ok), None)
        if bad is not None:
            self.fields[bad].setFocus()
            return
        paid_on, amount = self.paid_on.value(), self.amount.value()
        assert paid_on is not None and amount is not None and month is not None
        data = DuesInput(
            self._membership.id, paid_on, month, self.months.value(), amount, self.collector.text()
        )
        members = self._services.members
        self.saving(True)
        Op(self, lambda _p: members.record_dues(data), writes=True).success(self._on_saved).failure(
            self._on_failed
        ).run(self._runner)

    def _on_failed(self, error: RedCrossError) -> None:
        self.show_failure(error, self.FIELD_KEYS)

    def _on_saved(self, saved: SavedDues) -> None:
        self.saved.emit(saved)
        self.accept()


class HoursDialog(FormDialog):
    """ "Ghi giờ tình nguyện": hours and minutes of one volunteer on one day."""

    saved = Signal(object)  # HoursRow

    def __init__(
        self,
        services: Services,
        runner: Runner,
        volunteers: list[MembershipRow],
        chosen: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(_("Ghi giờ tình nguyện"), parent, width=560)
        self._services = services
        self._runner = runner
        self.volunteer = QComboBox()
        self.volunteer.addItem(_("— Chọn tình nguyện viên —"), None)
        for membership in volunteers:
            label = membership.person_name
            if membership.sub_unit_name:
                label += f" — {membership.sub_unit_name}"
            self.volunteer.addItem(label, membership.id)
        self.volunteer.setCurrentIndex(max(0, self.volunteer.findData(chosen)))
        self.worked_on = DateEdit(date.today(), allow_future=False)
        self.hours = QSpinBox()
        self.hours.setRange(0, 24)
        self.hours.setSuffix(_(" giờ"))
        self.minutes = QSpinBox()
        self.minutes.setRange(0, 59)
        self.minutes.setSingleStep(15)
        self.minutes.setSuffix(_(" phút"))
        duration = QWidget()
        duration_layout = QHBoxLayout(duration)
        duration_layout.setContentsMargins(0, 0, 0, 0)
        duration_layout.addWidget(self.hours)
        duration_layout.addWidget(self.minutes)
        duration_layout.addStretch(1)
        self.description = QLineEdit()
        self.description.setPlaceholderText(_("Ví dụ: trực sơ cấp cứu tại lễ hội"))
        self.activity = QComboBox()
        self.activity.addItem(_("— Không gắn hoạt động —"), None)
        for row in services.activities.list()[:200]:
            self.activity.addItem(f"{format_date(row.start_date)} — {row.title}", row.id)
        self.verified_by = QLineEdit()
        self.add_field("membership", _("Tình nguyện viên (*)"), self.volunteer)
        self.add_field("worked_on", _("Ngày (*)"), self.worked_on)
        self.add_field("minutes", _("Thời gian (*)"), duration)
        self.add_field("description", _("Công việc"), self.description)
        self.add_field("activity", _("Hoạt động"), self.activity)
        self.add_field("verified_by", _("Người xác nhận"), self.verified_by)
        self.hours.valueChanged.connect(self._on_duration_changed)
        self.minutes.valueChanged.connect(self._on_duration_changed)
        self.volunteer.currentIndexChanged.connect(self._on_volunteer_current_index_changed)
        (self.hours if chosen is not None else self.volunteer).setFocus()

    def total_minutes(self) -> int:
        return self.hours.value() * 60 + self.minutes.value()

    def _on_duration_changed(self, _value: int) -> None:
        if self.total_minutes() > 0:
            self.mark("minutes", "")

    def _on_volunteer_current_index_changed(self, _index: int) -> None:
        if self.volunteer.currentData() is not None:
            self.mark("membership", "")

    def _on_save(self) -> None:
        checks = [("worked_on", self.worked_on.check())]
        if self.volunteer.currentData() is None:
            self.mark("membership", _("Hãy chọn tình nguyện viên."))
            checks.insert(0, ("membership", False))
        if self.total_minutes() <= 0:
            self.mark("minutes", _("Hãy nhập số giờ, số phút."))
            checks.append(("minutes", False))
        bad = next((key for key, ok in checks if not ok), None)
        if bad is not None:
            self.fields[bad].setFocus()
            return
        worked_on = self.worked_on.value()
        assert worked_on is not None
        data = HoursInput(
            membership_id=int(self.volunteer.currentData()),
            worked_on=worked_on,
            minutes=self.total_minutes(),
            description=self.description.text(),
            activity_id=self.activity.currentData(),
            verified_by=self.verified_by.text(),
        )
        members = self._services.members
        self.saving(True)
        Op(self, lambda _p: members.log_hours(data), writes=True).success(self._on_saved).failure(
            self._on_failed
        ).run(self._runner)

    def _on_failed(self, error: RedCrossError) -> None:
        self.show_failure(
            error, {"membership_id": "membership", "worked_on": "worked_on", "minutes": "minutes"}
        )

    def _on_saved(self, row: object) -> None:
        self.saved.emit(row)
        self.accept()
