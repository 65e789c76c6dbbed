# SPDX-License-Identifier: MIT
"""The Hội viên & TNV section over real services: enrolment with a new chi hội, a dues payment and
volunteer hours through the dialogs, leaving with a reason, and the exemption rule."""

from __future__ import annotations

import re
from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from redcross_desktop.domain.dues import format_month, month_of, months_covered
from redcross_desktop.services.container import Services
from redcross_desktop.services.members import MemberQuery, MembershipInput
from redcross_desktop.services.people import PersonInput, PersonRow
from redcross_desktop.ui.dialogs.member_dialogs import DuesDialog, EnrolDialog, HoursDialog, LeaveDialog
from redcross_desktop.ui.sections.members import MembersSection, hours_text
from redcross_desktop.ui.tasks import InlineTaskRunner
from redcross_desktop.ui.widgets.person_picker import PersonPicker


def type_into(qtbot, edit: QWidget, text: str) -> None:
    """Types like a user; a Vietnamese letter arrives as a key event carrying its text (Unikey)."""
    for chunk in re.findall(r"[\x20-\x7e]+|[^\x20-\x7e]", text):
        if chunk.isascii():
            qtbot.keyClicks(edit, chunk)
        else:
            for action in (QTest.KeyAction.Press, QTest.KeyAction.Release):
                QTest.sendKeyEvent(action, edit, Qt.Key.Key_unknown, chunk, Qt.KeyboardModifier.NoModifier)


def choose_person(qtbot, picker: PersonPicker, typed: str, expected: str) -> None:
    type_into(qtbot, picker.edit, typed)
    popup = picker.completer.popup()
    qtbot.waitUntil(popup.isVisible)
    popup.setCurrentIndex(picker.completer.completionModel().index(0, 0))
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: picker.person() is not None and picker.edit.text() == expected)


@pytest.fixture
def section(qtbot, services: Services) -> MembersSection:
    widget = MembersSection(services, InlineTaskRunner())
    qtbot.addWidget(widget)
    widget.resize(1300, 700)
    with qtbot.waitExposed(widget):
        widget.show()
    return widget


def person(services: Services, name: str, **kwargs: object) -> PersonRow:
    return services.people.create(PersonInput(name, **kwargs)).person  # type: ignore[arg-type]


def test_enrol_pay_dues_and_log_hours_through_the_dialogs(
    section: MembersSection, services: Services, qtbot
) -> None:
    person(services, "Nguyễn Thị Hoa", birth_date=date(1985, 4, 2), thon="Tổ 5")
    this_month = month_of(date.today())
    first = months_covered(this_month, 1)[0]
    joined = date.today().replace(day=1)

    # Enrol as a member, creating the chi hội on the spot.
    tab = section.members
    qtbot.mouseClick(tab.add_button, Qt.MouseButton.LeftButton)
    dialog = tab.dialog
    assert isinstance(dialog, EnrolDialog)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    choose_person(qtbot, dialog.person, "nguyen thi hoa", "Nguyễn Thị Hoa")
    qtbot.keyClicks(dialog.member_no, "HV-015")
    assert not dialog.rank.isEnabled()  # a rank is for volunteers only
    qtbot.mouseClick(dialog.new_unit_button, Qt.MouseButton.LeftButton)
    unit_dialog = dialog.sub_dialog
    assert unit_dialog is not None
    type_into(qtbot, unit_dialog.name, "Chi hội Tổ 5")
    qtbot.keyClick(unit_dialog.name, Qt.Key.Key_Return)
    assert dialog.sub_unit.currentText() == "Chi hội Tổ 5 (Chi hội)"
    dialog.joined_on.edit.clear()
    qtbot.keyClicks(dialog.joined_on.edit, joined.strftime("%d/%m/%Y"))
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    [member] = services.members.list()
    assert (
        member.person_name,
        member.category,
        member.member_no,
        member.sub_unit_name,
        member.joined_on,
    ) == (
        "Nguyễn Thị Hoa",
        "member",
        "HV-015",
        "Chi hội Tổ 5",
        joined,
    )
    assert tab.table.current() is not None and tab.table.current().id == member.id

    # Pay dues for three months: the amount defaults to 3 × 1.000 đ.
    section.tabs.setCurrentWidget(section.dues)
    dues = section.dues
    assert dues.members.select_id(member.id)
    assert f"Chưa đóng (đến tháng này): {format_month(this_month)}." in dues.status.text()
    qtbot.mouseClick(dues.pay_button, Qt.MouseButton.LeftButton)
    pay = dues.dialog
    assert isinstance(pay, DuesDialog)
    assert pay.first_month.text() == format_month(first)
    assert pay.amount.edit.text() == "1.000"
    pay.months.setValue(3)
    assert pay.amount.edit.text() == "3.000"
    last = months_covered(first, 3)[-1]
    assert pay.covered.text() == f"Đóng cho các tháng {format_month(first)} – {format_month(last)}"
    type_into(qtbot, pay.collector, "Trần Văn Nam")
    qtbot.keyClick(pay.collector, Qt.Key.Key_Return)
    [payment] = services.members.dues_payments(member.id)
    assert (payment.first_month, payment.months, payment.amount_vnd, payment.collector) == (
        first,
        3,
        3000,
        "Trần Văn Nam",
    )
    assert "Còn phải đóng: 0 đ." in dues.status.text()
    assert dues.payments.model_.rowCount() == 1

    # Enrol the same person as a volunteer, then log 2 h 30 of work.
    section.tabs.setCurrentWidget(tab)
    dialog = tab.open_enrol(None)
    dialog.person.set_person(services.people.get(member.person_id))
    dialog.category.setCurrentIndex(dialog.category.findData("volunteer"))
    assert dialog.rank.isEnabled()
    dialog.rank.setCurrentIndex(dialog.rank.findData("active"))
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    [volunteer] = services.members.list(MemberQuery(category="volunteer"))
    assert volunteer.rank == "active"

    section.tabs.setCurrentWidget(section.hours)
    hours = section.hours
    qtbot.mouseClick(hours.log_button, Qt.MouseButton.LeftButton)
    log = hours.dialog
    assert isinstance(log, HoursDialog)
    qtbot.mouseClick(log.save_button, Qt.MouseButton.LeftButton)
    assert log.hints["membership"].text() == "Hãy chọn tình nguyện viên."
    assert log.hints["minutes"].text() == "Hãy nhập số giờ, số phút."
    log.volunteer.setCurrentIndex(log.volunteer.findData(volunteer.id))
    log.hours.setValue(2)
    log.minutes.setValue(30)
    type_into(qtbot, log.description, "Trực sơ cấp cứu")
    qtbot.mouseClick(log.save_button, Qt.MouseButton.LeftButton)
    assert services.members.hours_of(volunteer.id, date.today().year) == 150
    [(row, minutes)] = hours.table.rows()
    assert (row.id, minutes) == (volunteer.id, 150)
    assert hours.table.model_.data(hours.table.model_.index(0, 3)) == "2 giờ 30 phút"
    assert hours.summary.text() == "1 tình nguyện viên, tổng 2 giờ 30 phút."


def test_an_exemption_needs_a_reason_as_typed(section: MembersSection, services: Services, qtbot) -> None:
    who = person(services, "Lê Văn Tám", birth_year=1950)
    dialog = section.members.open_enrol(None)
    dialog.person.set_person(who)
    dialog.exempt.setChecked(True)
    assert dialog.hints["exempt_reason"].text() == "Miễn hội phí cần ghi lý do."
    assert dialog.reason_label.text() == "Lý do miễn (*)"
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and services.members.list() == []
    type_into(qtbot, dialog.exempt_reason, "Hoàn cảnh khó khăn")
    assert not dialog.hints["exempt_reason"].isVisible()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    [member] = services.members.list()
    assert (member.exempt, member.exempt_reason) == (True, "Hoàn cảnh khó khăn")
    section.members.notice.done(0)  # one exempt member of one is over the 10 % cap: a warning
    dues = section.dues
    section.tabs.setCurrentWidget(dues)
    dues.members.select_id(member.id)
    assert not dues.pay_button.isEnabled()
    assert "Được miễn hội phí" in dues.status.text()


def test_a_volunteer_under_18_is_pointed_out_before_saving(
    section: MembersSection, services: Services
) -> None:
    young = person(services, "Ngô Thị Lan Anh", birth_date=date(date.today().year - 16, 1, 1))
    dialog = section.members.open_enrol(None)
    dialog.person.set_person(young)
    dialog.category.setCurrentIndex(dialog.category.findData("volunteer"))
    assert "chưa đủ 18 tuổi" in dialog.hints["category"].text()
    dialog.save_button.click()
    assert services.members.list() == []
    dialog.category.setCurrentIndex(dialog.category.findData("youth"))
    assert not dialog.hints["category"].isVisible()
    dialog.save_button.click()
    assert [m.category for m in services.members.list()] == ["youth"]


def test_leaving_needs_a_reason_and_keeps_the_record(
    section: MembersSection, services: Services, qtbot
) -> None:
    who = person(services, "Đặng Quốc Việt")
    saved = services.members.enrol(MembershipInput(who.id, "member", date(2024, 1, 15)))
    tab = section.members
    tab.refresh()
    assert tab.table.select_id(saved.row.id)
    qtbot.mouseClick(tab.leave_button, Qt.MouseButton.LeftButton)
    dialog = tab.dialog
    assert isinstance(dialog, LeaveDialog)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.hints["reason"].text() == "Hãy ghi lý do ra Hội."
    assert services.members.get(saved.row.id).left_on is None
    type_into(qtbot, dialog.reason, "Chuyển nơi ở")
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Return)
    left = services.members.get(saved.row.id)
    assert (left.left_on, left.leave_reason) == (date.today(), "Chuyển nơi ở")
    assert tab.table.model_.rowCount() == 0  # not active today any more
    tab.active.setChecked(False)
    assert [m.id for m in tab.table.rows()] == [saved.row.id]
    assert tab.table.model_.data(tab.table.model_.index(0, 7)).startswith("Ra Hội ")


def test_filters_by_category_and_search(section: MembersSection, services: Services, qtbot) -> None:
    a, b = (
        person(services, "Vũ Thị Thu Hà", birth_year=1980),
        person(services, "Mai Xuân Trường", birth_year=1970),
    )
    services.members.enrol(MembershipInput(a.id, "member", date(2025, 1, 1), member_no="HV-1"))
    services.members.enrol(MembershipInput(b.id, "volunteer", date(2025, 1, 1)))
    tab = section.members
    tab.refresh()
    assert [m.person_name for m in tab.table.rows()] == ["Vũ Thị Thu Hà", "Mai Xuân Trường"]
    tab.category.setCurrentIndex(tab.category.findData("volunteer"))
    assert [m.person_name for m in tab.table.rows()] == ["Mai Xuân Trường"]
    tab.category.setCurrentIndex(0)
    qtbot.keyClicks(tab.search, "HV-1")
    qtbot.keyClick(tab.search, Qt.Key.Key_Return)
    assert [m.person_name for m in tab.table.rows()] == ["Vũ Thị Thu Hà"]
    assert "Hội viên: 1" in tab.summary.text() and "Tình nguyện viên: 1" in tab.summary.text()


def test_hours_text() -> None:
    assert (hours_text(60), hours_text(125), hours_text(0)) == ("1 giờ", "2 giờ 05 phút", "0 giờ")
