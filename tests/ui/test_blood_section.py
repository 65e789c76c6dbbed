# SPDX-License-Identifier: MIT
"""The Hiến máu section over real services: a donation refused before the eligible date through the
real dialog, honours announced, drives checked as typed, the call list and the honours list."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from redcross_desktop.core.vn import format_date
from redcross_desktop.services.blood import BloodDonationInput, DriveInput
from redcross_desktop.services.container import Services
from redcross_desktop.services.people import PersonInput, PersonRow
from redcross_desktop.ui.dialogs.blood_dialogs import DonationDialog, DriveDialog
from redcross_desktop.ui.sections.blood import BloodSection
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


def visible_boxes() -> list[QMessageBox]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]


@pytest.fixture
def section(qtbot, services: Services) -> BloodSection:
    widget = BloodSection(services, InlineTaskRunner())
    qtbot.addWidget(widget)
    widget.resize(1300, 700)
    with qtbot.waitExposed(widget):
        widget.show()
    return widget


def donor(services: Services, name: str, **kwargs: object) -> PersonRow:
    data = PersonInput(name, sex="M", birth_date=date(1990, 5, 1), **kwargs)  # type: ignore[arg-type]
    return services.people.create(data).person


def open_donation_dialog(section: BloodSection, qtbot) -> DonationDialog:
    section.tabs.setCurrentWidget(section.donations)
    qtbot.mouseClick(section.donations.add_button, Qt.MouseButton.LeftButton)
    dialog = section.donations.dialog
    assert isinstance(dialog, DonationDialog) and dialog.isVisible()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    return dialog


def test_a_donation_before_the_eligible_date_is_refused_through_the_dialog(
    section: BloodSection, services: Services, qtbot
) -> None:
    who = donor(
        services, "Nguyễn Văn Đức", blood_prior_donations=2, blood_prior_evidence="Giấy chứng nhận cũ"
    )
    last = date.today() - timedelta(days=30)
    services.blood.record_donation(BloodDonationInput(who.id, last, "whole", 350))
    next_day = format_date(last + timedelta(days=84))

    dialog = open_donation_dialog(section, qtbot)
    assert not dialog.reason.isVisibleTo(dialog)
    choose_person(qtbot, dialog.person, "nguyen van duc", "Nguyễn Văn Đức")
    # Shown before saving: the last donation, its type, the next eligible date, the count.
    history = dialog.history.text()
    assert f"Lần hiến gần nhất: {format_date(last)} (Máu toàn phần)." in history
    assert f"Ngày đủ điều kiện hiến tiếp: {next_day}." in history
    assert "Số lần đã hiến: 3" in history
    assert dialog.status.objectName() == "hintError"
    assert f"được hiến lại từ ngày {next_day}" in dialog.status.text()
    assert dialog.reason.isVisible()

    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    [box] = visible_boxes()
    assert "chưa đủ thời gian giữa hai lần hiến" in box.text()
    assert "BLOOD_NOT_ELIGIBLE" in box.informativeText()
    box.done(0)
    assert len(services.blood.donations_of(who.id)) == 1  # nothing written
    assert dialog.isVisible() and dialog.save_button.isEnabled()
    assert dialog.hints["reason"].text() == "Hãy ghi lý do để lưu lần hiến này."

    type_into(qtbot, dialog.reason, "Bác sĩ Trần Văn Nam đồng ý cho hiến")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    history_rows = services.blood.donations_of(who.id)
    assert [d.override_reason for d in history_rows] == ["", "Bác sĩ Trần Văn Nam đồng ý cho hiến"]
    table = section.donations.table
    assert table.model_.rowCount() == 2
    assert table.model_.data(table.model_.index(0, 8)) == "Bác sĩ Trần Văn Nam đồng ý cho hiến"
    assert visible_boxes() == []


def test_a_later_date_makes_the_donor_eligible_and_no_reason_is_asked(
    section: BloodSection, services: Services, qtbot
) -> None:
    who = donor(services, "Lê Văn Tám")
    first = date.today() - timedelta(days=100)
    services.blood.record_donation(BloodDonationInput(who.id, first, "plasma", 500))
    dialog = open_donation_dialog(section, qtbot)
    dialog.donated_on.edit.clear()
    qtbot.keyClicks(dialog.donated_on.edit, format_date(first + timedelta(days=7)))
    choose_person(qtbot, dialog.person, "le van tam", "Lê Văn Tám")
    assert "được hiến lại từ ngày " + format_date(first + timedelta(days=14)) in dialog.status.text()
    dialog.donated_on.edit.clear()
    qtbot.keyClicks(dialog.donated_on.edit, format_date(first + timedelta(days=14)))
    assert dialog.status.objectName() == "hintInfo"
    assert "Đây sẽ là lần hiến thứ 2" in dialog.status.text()
    assert not dialog.reason.isVisible()
    dialog.kind.setCurrentIndex(dialog.kind.findData("platelets"))
    qtbot.keyClick(dialog.certificate_no, Qt.Key.Key_Return)  # Enter saves
    [_first, second] = services.blood.donations_of(who.id)
    assert (second.donated_on, second.kind, second.override_reason) == (
        first + timedelta(days=14),
        "platelets",
        "",
    )


def test_an_honour_level_reached_is_announced(section: BloodSection, services: Services, qtbot) -> None:
    who = donor(services, "Trần Văn Bình", blood_prior_donations=9, blood_prior_evidence="Sổ hiến máu")
    dialog = open_donation_dialog(section, qtbot)
    dialog.person.set_person(who)
    assert "Đây sẽ là lần hiến thứ 10" in dialog.status.text()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    notice = section.donations.notice
    assert notice is not None and notice.isVisible()
    assert "Trần Văn Bình vừa đạt mốc tôn vinh" in notice.text()
    assert "10 lần: Cúp thủy tinh bạc" in notice.informativeText()
    notice.done(0)
    section.tabs.setCurrentWidget(section.honours)
    [candidate] = section.honours.table.rows()
    assert (candidate.person.full_name, candidate.count) == ("Trần Văn Bình", 10)


def test_a_drive_with_more_donated_than_screened_is_refused_as_typed(
    section: BloodSection, services: Services, qtbot
) -> None:
    qtbot.mouseClick(section.drives.add_button, Qt.MouseButton.LeftButton)
    dialog = section.drives.dialog
    assert isinstance(dialog, DriveDialog)
    type_into(qtbot, dialog.place, "Nhà văn hóa Tổ 5")
    dialog.target.setValue(100)
    dialog.registered.setValue(120)
    dialog.screened.setValue(90)
    dialog.donated.setValue(95)
    assert dialog.hints["donated"].kind == "error"
    assert "không thể lớn hơn số người khám sàng lọc (90)" in dialog.hints["donated"].text()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and services.blood.list_drives() == []
    dialog.donated.setValue(80)
    assert not dialog.hints["donated"].isVisible()
    dialog.units_350.setValue(80)
    assert dialog.summary.text() == "Tạm hoãn: 10 người · 80 đơn vị, 28.000 ml · đạt 80 % chỉ tiêu"
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    [drive] = services.blood.list_drives()
    assert (drive.registered, drive.screened, drive.donated, drive.deferred) == (120, 90, 80, 10)
    model = section.drives.table.model_
    assert [model.data(model.index(0, c)) for c in (3, 4, 5, 6, 7, 8, 10)] == [
        "120",
        "90",
        "80",
        "10",
        "80",
        "28.000",
        "80 %",
    ]
    assert "hiến được 80" in section.drives.summary.text()

    section.drives.table.selectRow(0)
    qtbot.mouseClick(section.drives.edit_button, Qt.MouseButton.LeftButton)
    edit = section.drives.dialog
    assert isinstance(edit, DriveDialog) and edit.place.text() == "Nhà văn hóa Tổ 5"
    edit.first_time.setValue(12)
    qtbot.mouseClick(edit.save_button, Qt.MouseButton.LeftButton)
    [edited] = services.blood.list_drives()
    assert (edited.first_time, edited.version) == (12, drive.version + 1)


def test_the_call_list_keeps_donors_without_consent_off_by_default(
    section: BloodSection, services: Services, qtbot
) -> None:
    long_ago = date.today() - timedelta(days=200)
    agreed = donor(
        services, "Phạm Thị Lan", phone="0912345678", consent_status="given", consent_date=long_ago
    )
    unknown = donor(services, "Hoàng Văn Thụ", phone="0987654321")
    recent = donor(services, "Vũ Văn Hùng", consent_status="given", consent_date=long_ago)
    for who in (agreed, unknown):
        services.blood.record_donation(BloodDonationInput(who.id, long_ago, "whole", 350))
    services.blood.record_donation(
        BloodDonationInput(recent.id, date.today() - timedelta(days=10), "whole", 350)
    )
    tab = section.eligible
    section.tabs.setCurrentWidget(tab)
    assert [d.full_name for d in tab.table.rows()] == ["Phạm Thị Lan"]
    assert tab.table.model_.data(tab.table.model_.index(0, 2)) == "0912345678"
    assert "Còn 1 người chưa đồng ý" in tab.summary.text()
    tab.contact_only.setChecked(False)
    assert [d.full_name for d in tab.table.rows()] == ["Phạm Thị Lan", "Hoàng Văn Thụ"]
    assert tab.table.model_.data(tab.table.model_.index(1, 2)) == "(chưa đồng ý)"  # no phone shown
    tab.on_date.edit.clear()
    qtbot.keyClicks(tab.on_date.edit, format_date(date.today() + timedelta(days=90)))
    assert [d.full_name for d in tab.table.rows()] == ["Vũ Văn Hùng", "Phạm Thị Lan", "Hoàng Văn Thụ"]


def test_deleting_a_drive_asks_first(section: BloodSection, services: Services, qtbot) -> None:
    services.blood.create_drive(DriveInput(date.today(), "Trường THCS", screened=10, donated=8))
    tab = section.drives
    tab.refresh()
    tab.table.selectRow(0)
    qtbot.mouseClick(tab.delete_button, Qt.MouseButton.LeftButton)
    assert tab.confirm is not None and "Trường THCS" in tab.confirm.text()
    [delete] = [b for b in tab.confirm.buttons() if b.text() == "Xóa"]
    delete.click()
    assert services.blood.list_drives() == []
    assert tab.table.model_.rowCount() == 0


def test_ctrl_n_opens_the_dialog_of_the_tab_shown(section: BloodSection, qtbot) -> None:
    section.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is section)
    section.tabs.setCurrentWidget(section.donations)
    qtbot.keyClick(section.donations.search, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    # A button's shortcut shows it pressed, then clicks it a moment later.
    qtbot.waitUntil(lambda: isinstance(section.donations.dialog, DonationDialog))
    assert section.drives.dialog is None  # the hidden tab's button did not answer
    section.donations.dialog.reject()
