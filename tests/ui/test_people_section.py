# SPDX-License-Identifier: MIT
"""The Người section over real services: search, browse in name order, add and correct people."""

from __future__ import annotations

import re
from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QWidget

from redcross_desktop.services.container import Services
from redcross_desktop.services.people import PersonInput
from redcross_desktop.ui.sections.people import PeopleSection, PersonDialog
from redcross_desktop.ui.tasks import InlineTaskRunner


@pytest.fixture
def section(qtbot, services: Services) -> PeopleSection:
    widget = PeopleSection(services, InlineTaskRunner())
    qtbot.addWidget(widget)
    widget.resize(1000, 600)
    with qtbot.waitExposed(widget):
        widget.show()
    return widget


def type_into(qtbot, edit: QWidget, text: str) -> None:
    """Types like a user. QTest's keyClicks only knows ASCII keys, so a Vietnamese letter arrives as
    a key event carrying its text, which is what an input method such as Unikey delivers."""
    for chunk in re.findall(r"[\x20-\x7e]+|[^\x20-\x7e]", text):
        if chunk.isascii():
            qtbot.keyClicks(edit, chunk)
        else:
            for action in (QTest.KeyAction.Press, QTest.KeyAction.Release):
                QTest.sendKeyEvent(action, edit, Qt.Key.Key_unknown, chunk, Qt.KeyboardModifier.NoModifier)


def names(section: PeopleSection) -> list[str]:
    model = section.model
    return [model.data(model.index(row, 0)) for row in range(model.rowCount())]


def open_add_dialog(section: PeopleSection, qtbot) -> PersonDialog:
    qtbot.mouseClick(section.add_button, Qt.MouseButton.LeftButton)
    dialog = section.dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    return dialog


def visible_boxes() -> list[QMessageBox]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]


def test_search_without_accents_finds_the_person(services: Services, qtbot) -> None:
    services.people.create(PersonInput("Nguyễn Văn Đức", phone="0912345678"))
    services.people.create(PersonInput("Nguyễn Văn An"))
    services.people.create(PersonInput("Trần Thị Đức Hạnh"))
    section = PeopleSection(services, InlineTaskRunner())
    qtbot.addWidget(section)
    qtbot.keyClicks(section.search, "nguyen van duc")
    qtbot.waitUntil(lambda: not section.model.browsing)
    assert names(section) == ["Nguyễn Văn Đức"]
    assert section.model.data(section.model.index(0, 3)) == "0912345678"
    assert "Tìm thấy 1 người" in section.summary.text()


def test_empty_search_browses_everyone_in_vietnamese_name_order(services: Services, qtbot) -> None:
    for name in ("Trần Văn Bình", "Lê Thị Bình", "Nguyễn Văn An"):
        services.people.create(PersonInput(name))
    section = PeopleSection(services, InlineTaskRunner())
    qtbot.addWidget(section)
    assert section.model.browsing
    assert names(section) == ["Nguyễn Văn An", "Lê Thị Bình", "Trần Văn Bình"]
    assert section.summary.text() == "Tất cả: 3 người, xếp theo tên."
    qtbot.keyClicks(section.search, "binh")
    qtbot.waitUntil(lambda: not section.model.browsing)
    assert names(section) == ["Lê Thị Bình", "Trần Văn Bình"]
    section.search.clear()
    qtbot.waitUntil(lambda: section.model.browsing)
    assert len(names(section)) == 3


def test_no_match_and_no_people_say_what_to_do(section: PeopleSection, qtbot) -> None:
    assert section.empty.isVisible()
    assert "Thêm người" in section.empty.text()
    qtbot.keyClicks(section.search, "khong ai")
    qtbot.keyClick(section.search, Qt.Key.Key_Return)  # Enter searches at once
    assert not section.model.browsing
    assert "Không tìm thấy ai khớp với “khong ai”" in section.empty.text()


def test_adding_a_person_through_the_dialog_stores_it(
    section: PeopleSection, services: Services, qtbot
) -> None:
    dialog = open_add_dialog(section, qtbot)
    assert dialog.windowTitle() == "Thêm người"
    type_into(qtbot, dialog.full_name, "Phạm Thị Lan")
    dialog.sex.setCurrentIndex(dialog.sex.findText("Nữ"))
    qtbot.keyClicks(dialog.birth, "12/08/1985")
    qtbot.keyClicks(dialog.cccd, "001185012345")
    qtbot.keyClicks(dialog.phone, "0987 654 321")
    type_into(qtbot, dialog.thon, "Tổ 3")
    type_into(qtbot, dialog.note, "Tình nguyện viên")
    assert not any(hint.isVisible() for hint in dialog.hints.values())
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    assert dialog.result() == QDialog.DialogCode.Accepted
    [stored] = services.people.search("pham thi lan")
    assert (
        stored.full_name,
        stored.sex,
        stored.birth_date,
        stored.cccd,
        stored.phone,
        stored.thon,
        stored.note,
    ) == ("Phạm Thị Lan", "F", date(1985, 8, 12), "001185012345", "0987654321", "Tổ 3", "Tình nguyện viên")
    assert names(section) == ["Phạm Thị Lan"]
    assert section.table.currentIndex().row() == 0
    assert visible_boxes() == []  # no warnings, so no message


def test_enter_saves_and_a_year_alone_is_kept(section: PeopleSection, services: Services, qtbot) -> None:
    dialog = open_add_dialog(section, qtbot)
    type_into(qtbot, dialog.full_name, "Hoàng Văn Thụ")
    qtbot.keyClicks(dialog.birth, "1950")
    assert dialog.hints["birth"].kind == "info"
    qtbot.keyClick(dialog.birth, Qt.Key.Key_Return)
    [stored] = services.people.search("hoang van thu")
    assert (stored.birth_date, stored.birth_year) == (None, 1950)


def test_escape_dismisses_without_saving(section: PeopleSection, services: Services, qtbot) -> None:
    dialog = open_add_dialog(section, qtbot)
    assert (dialog.save_button.text(), dialog.cancel_button.text()) == ("Lưu", "Bỏ qua")
    type_into(qtbot, dialog.full_name, "Đỗ Văn Nam")
    qtbot.keyClick(dialog.full_name, Qt.Key.Key_Escape)
    assert dialog.result() == QDialog.DialogCode.Rejected
    assert services.people.count() == 0


@pytest.mark.parametrize(
    ("cccd", "expected"),
    [("0012", "phải có 12 chữ số"), ("001985123456", "Chữ số thứ 4"), ("00108501234a", "chỉ gồm chữ số")],
)
def test_an_invalid_cccd_shows_the_error_and_does_not_save(
    section: PeopleSection, services: Services, qtbot, cccd: str, expected: str
) -> None:
    dialog = open_add_dialog(section, qtbot)
    type_into(qtbot, dialog.full_name, "Lê Văn Tám")
    qtbot.keyClicks(dialog.cccd, cccd)
    hint = dialog.hints["cccd"]
    assert hint.isVisible() and hint.kind == "error"
    assert expected in hint.text()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert services.people.count() == 0
    assert dialog.isVisible()
    assert dialog.cccd.hasFocus()


def test_missing_name_and_bad_date_are_shown_next_to_their_fields(
    section: PeopleSection, services: Services, qtbot
) -> None:
    dialog = open_add_dialog(section, qtbot)
    qtbot.keyClicks(dialog.birth, "31/02/1990")
    assert "không có trên lịch" in dialog.hints["birth"].text()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.hints["full_name"].text() == "Hãy nhập họ và tên."
    assert dialog.full_name.hasFocus()
    assert services.people.count() == 0


def test_cccd_that_disagrees_with_the_birth_year_warns_in_amber_and_saves_with_a_notice(
    section: PeopleSection, services: Services, qtbot
) -> None:
    dialog = open_add_dialog(section, qtbot)
    type_into(qtbot, dialog.full_name, "Vũ Văn Hùng")
    qtbot.keyClicks(dialog.birth, "1990")
    qtbot.keyClicks(dialog.cccd, "001085012345")
    hint = dialog.hints["cccd"]
    assert hint.kind == "warning"
    assert "năm sinh 1985" in hint.text()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert services.people.count() == 1
    assert section.notice is not None and section.notice.isVisible()
    assert "năm sinh 1985" in section.notice.informativeText()
    section.notice.done(0)


def test_a_likely_duplicate_is_saved_and_then_pointed_out(
    section: PeopleSection, services: Services, qtbot
) -> None:
    services.people.create(PersonInput("Nguyễn Văn Đức", birth_date=date(1980, 3, 5)))
    dialog = open_add_dialog(section, qtbot)
    type_into(qtbot, dialog.full_name, "Nguyễn Văn Đức")
    qtbot.keyClicks(dialog.birth, "05/03/1980")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert services.people.count() == 2
    assert section.notice is not None
    assert "Có thể trùng với Nguyễn Văn Đức" in section.notice.informativeText()
    assert [b.text() for b in section.notice.buttons()] == ["Đồng ý"]
    section.notice.done(0)


def test_a_registered_cccd_is_refused_and_the_dialog_stays(
    section: PeopleSection, services: Services, qtbot
) -> None:
    services.people.create(PersonInput("Nguyễn Văn Đức", cccd="001080012345"))
    dialog = open_add_dialog(section, qtbot)
    type_into(qtbot, dialog.full_name, "Nguyễn Đức")
    qtbot.keyClicks(dialog.cccd, "001080012345")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    [box] = visible_boxes()
    assert "đã có trong dữ liệu" in box.text()
    assert "DUPLICATE" in box.informativeText()
    box.done(0)
    assert services.people.count() == 1
    assert dialog.isVisible() and dialog.save_button.isEnabled()


def test_an_old_eleven_digit_mobile_offers_the_new_number(section: PeopleSection, qtbot) -> None:
    dialog = open_add_dialog(section, qtbot)
    qtbot.keyClicks(dialog.phone, "01234567890")
    assert dialog.hints["phone"].kind == "error"
    assert dialog.phone_suggestion.isVisible()
    assert dialog.phone_suggestion.text() == "Dùng số 0834567890"
    qtbot.mouseClick(dialog.phone_suggestion, Qt.MouseButton.LeftButton)
    assert dialog.phone.text() == "0834567890"
    assert not dialog.hints["phone"].isVisible()
    assert not dialog.phone_suggestion.isVisible()


def test_double_click_corrects_a_person(section: PeopleSection, services: Services, qtbot) -> None:
    saved = services.people.create(PersonInput("Đinh Thị Hoa", phone="0912000111", birth_year=1970))
    section.search.clear()
    qtbot.keyClick(section.search, Qt.Key.Key_Return)
    where = section.table.visualRect(section.model.index(0, 0)).center()
    # QTest's double click lacks the first click a real one starts with; the view needs that press.
    qtbot.mouseClick(section.table.viewport(), Qt.MouseButton.LeftButton, pos=where)
    qtbot.mouseDClick(section.table.viewport(), Qt.MouseButton.LeftButton, pos=where)
    dialog = section.dialog
    assert dialog is not None and dialog.windowTitle() == "Sửa thông tin người"
    assert (dialog.full_name.text(), dialog.birth.text(), dialog.phone.text()) == (
        "Đinh Thị Hoa",
        "1970",
        "0912000111",
    )
    dialog.phone.clear()
    qtbot.keyClicks(dialog.phone, "0912000222")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    person = services.people.get(saved.person.id)
    assert (person.phone, person.birth_year, person.version) == ("0912000222", 1970, saved.person.version + 1)
    assert section.model.data(section.model.index(0, 3)) == "0912000222"
    assert services.people.count() == 1


def test_ctrl_n_opens_the_dialog(section: PeopleSection, qtbot) -> None:
    section.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is section)
    qtbot.keyClick(section.search, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    # A button's shortcut shows it pressed, then clicks it a moment later.
    qtbot.waitUntil(lambda: section.dialog is not None and section.dialog.isVisible())
    assert section.dialog is not None
    assert section.dialog.windowTitle() == "Thêm người"
    section.dialog.reject()
