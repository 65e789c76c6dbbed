# SPDX-License-Identifier: MIT
"""The Hoạt động section over real services: count fields named by the activity's type, totals by
type, deleting, and the family tracing register."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QWidget

from redcross_desktop.core.vn import format_date
from redcross_desktop.services.activities import ActivityInput, TracingInput
from redcross_desktop.services.container import Services
from redcross_desktop.ui.dialogs.activity_dialogs import ActivityDialog, CaseStatusDialog, TracingDialog
from redcross_desktop.ui.sections.activities import ActivitiesSection
from redcross_desktop.ui.tasks import InlineTaskRunner


def type_into(qtbot, edit: QWidget, text: str) -> None:
    """Types like a user; a Vietnamese letter arrives as a key event carrying its text (Unikey)."""
    for chunk in re.findall(r"[\x20-\x7e]+|[^\x20-\x7e]", text):
        if chunk.isascii():
            qtbot.keyClicks(edit, chunk)
        else:
            for action in (QTest.KeyAction.Press, QTest.KeyAction.Release):
                QTest.sendKeyEvent(action, edit, Qt.Key.Key_unknown, chunk, Qt.KeyboardModifier.NoModifier)


@pytest.fixture
def section(qtbot, services: Services) -> ActivitiesSection:
    widget = ActivitiesSection(services, InlineTaskRunner())
    qtbot.addWidget(widget)
    widget.resize(1300, 700)
    with qtbot.waitExposed(widget):
        widget.show()
    return widget


def shown_counts(dialog: ActivityDialog) -> dict[str, str]:
    return {
        key: dialog.count_labels[key].text()
        for key in dialog.counts
        if dialog.counts[key].isVisibleTo(dialog)
    }


def test_an_activity_is_recorded_with_the_labels_of_its_type(
    section: ActivitiesSection, services: Services, qtbot
) -> None:
    tab = section.activities
    qtbot.mouseClick(tab.add_button, Qt.MouseButton.LeftButton)
    dialog = tab.dialog
    assert isinstance(dialog, ActivityDialog)
    dialog.type.setCurrentIndex(dialog.type.findData("first_aid"))
    assert shown_counts(dialog) == {
        "sessions": "Số lớp",
        "participants": "Số học viên",
        "cases": "Số ca sơ cấp cứu thực tế",
    }
    dialog.type.setCurrentIndex(dialog.type.findData("communication"))
    assert shown_counts(dialog) == {
        "sessions": "Số buổi",
        "participants": "Số người được truyền thông",
        "cases": "Số tin bài",
    }
    dialog.type.setCurrentIndex(dialog.type.findData("health"))
    assert shown_counts(dialog) == {
        "sessions": "Số đợt",
        "people_served": "Số người được khám, tặng quà",
        "value_vnd": "Trị giá",
    }

    dialog.type.setCurrentIndex(dialog.type.findData("first_aid"))
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.hints["title"].text() == "Hãy nhập tên hoạt động."
    type_into(qtbot, dialog.title_edit, "Tập huấn sơ cấp cứu cho học sinh")
    type_into(qtbot, dialog.place, "Trường THCS Hoàn Kiếm")
    dialog.counts["sessions"].setValue(2)
    dialog.counts["participants"].setValue(60)
    dialog.counts["cases"].setValue(3)
    qtbot.keyClicks(dialog.cost.edit, "1,5tr")
    assert dialog.cost.hint.text() == "= 1.500.000 đ"
    qtbot.keyClick(dialog.place, Qt.Key.Key_Return)  # Enter saves

    [saved] = services.activities.list()
    assert (saved.type, saved.title, saved.sessions, saved.participants, saved.cases, saved.cost_vnd) == (
        "first_aid",
        "Tập huấn sơ cấp cứu cho học sinh",
        2,
        60,
        3,
        1_500_000,
    )
    model = tab.table.model_
    assert model.data(model.index(0, 4)) == "1.500.000 đ"
    assert model.data(model.index(0, 5)) == "Số lớp: 2 · Số học viên: 60 · Số ca sơ cấp cứu thực tế: 3"
    assert (
        "Sơ cấp cứu: 1 hoạt động, số lớp 2, số học viên 60, số ca sơ cấp cứu thực tế 3" in tab.summary.text()
    )


def test_a_count_hidden_by_the_type_is_not_saved(
    section: ActivitiesSection, services: Services, qtbot
) -> None:
    dialog = section.activities.open_dialog(None)
    dialog.type.setCurrentIndex(dialog.type.findData("first_aid"))
    dialog.counts["cases"].setValue(5)
    dialog.type.setCurrentIndex(dialog.type.findData("disaster"))
    assert "cases" not in shown_counts(dialog)
    type_into(qtbot, dialog.title_edit, "Diễn tập ứng phó bão")
    dialog.counts["participants"].setValue(45)
    dialog.save_button.click()
    [saved] = services.activities.list()
    assert (saved.type, saved.participants, saved.cases) == ("disaster", 45, 0)


def test_totals_by_type_follow_the_filters(section: ActivitiesSection, services: Services, qtbot) -> None:
    today = date.today()
    services.activities.record(
        ActivityInput("communication", "Nói chuyện chuyên đề", today, sessions=2, participants=150, cases=4)
    )
    services.activities.record(
        ActivityInput("communication", "Phát thanh", today, sessions=1, participants=50)
    )
    services.activities.record(
        ActivityInput("first_aid", "Lớp sơ cấp cứu", today, sessions=1, participants=30)
    )
    tab = section.activities
    tab.refresh()
    assert tab.table.model_.rowCount() == 3
    summary = tab.summary.text()
    assert "Sơ cấp cứu: 1 hoạt động, số lớp 1, số học viên 30" in summary
    assert "Truyền thông: 2 hoạt động, số buổi 3, số người được truyền thông 200, số tin bài 4" in summary
    tab.type.setCurrentIndex(tab.type.findData("first_aid"))
    assert [r.title for r in tab.table.rows()] == ["Lớp sơ cấp cứu"]
    assert "Truyền thông" not in tab.summary.text()
    tab.type.setCurrentIndex(0)
    tab.period.set_key("last_year")
    assert tab.table.model_.rowCount() == 0
    assert "Chưa có hoạt động nào" in tab.summary.text()


def test_editing_and_deleting_an_activity(section: ActivitiesSection, services: Services, qtbot) -> None:
    row = services.activities.record(ActivityInput("youth", "Học kỳ Nhân đạo", date.today(), participants=20))
    tab = section.activities
    tab.refresh()
    tab.table.selectRow(0)
    qtbot.mouseClick(tab.edit_button, Qt.MouseButton.LeftButton)
    dialog = tab.dialog
    assert dialog is not None and dialog.title_edit.text() == "Học kỳ Nhân đạo"
    assert dialog.counts["participants"].value() == 20
    dialog.counts["participants"].setValue(25)
    dialog.save_button.click()
    edited = services.activities.get(row.id)
    assert (edited.participants, edited.version) == (25, row.version + 1)
    tab.table.selectRow(0)
    qtbot.mouseClick(tab.delete_button, Qt.MouseButton.LeftButton)
    assert tab.confirm is not None and "Học kỳ Nhân đạo" in tab.confirm.text()
    [delete] = [b for b in tab.confirm.buttons() if b.text() == "Xóa"]
    delete.click()
    assert services.activities.list() == []


def test_the_tracing_register(section: ActivitiesSection, services: Services, qtbot) -> None:
    tab = section.tracing
    section.tabs.setCurrentWidget(tab)
    qtbot.mouseClick(tab.open_button, Qt.MouseButton.LeftButton)
    dialog = tab.dialog
    assert isinstance(dialog, TracingDialog)
    dialog.save_button.click()
    assert dialog.hints["requester"].text() == "Hãy nhập người đề nghị tìm kiếm."
    type_into(qtbot, dialog.requester, "Nguyễn Văn Hải, Tổ 3")
    type_into(qtbot, dialog.sought, "Nguyễn Văn Bảo, sinh năm 1950")
    dialog.save_button.click()
    [case] = services.activities.cases()
    assert (case.status, case.closed_on) == ("received", None)
    assert tab.counts.text().startswith("Tổng 1 hồ sơ: Tiếp nhận 1 · Đang xử lý 0")

    assert tab.table.select_id(case.id)
    qtbot.mouseClick(tab.status_button, Qt.MouseButton.LeftButton)
    change = tab.dialog
    assert isinstance(change, CaseStatusDialog)
    change.status.setCurrentIndex(change.status.findData("in_progress"))
    assert not change.closed_on.isVisible()
    change.status.setCurrentIndex(change.status.findData("found"))
    assert change.closed_on.isVisible() and change.closed_on.value() == date.today()
    change.closed_on.edit.clear()
    qtbot.keyClicks(change.closed_on.edit, format_date(date.today() - timedelta(days=1)))
    assert "phải từ ngày tiếp nhận" in change.closed_on.hint.text()  # said as typed
    change.save_button.click()
    assert change.isVisible() and services.activities.get_case(case.id).status == "received"
    change.closed_on.edit.clear()
    qtbot.keyClicks(change.closed_on.edit, format_date(date.today()))
    change.save_button.click()
    closed = services.activities.get_case(case.id)
    assert (closed.status, closed.closed_on) == ("found", date.today())
    assert tab.table.model_.data(tab.table.model_.index(0, 3)) == "Có kết quả"
    assert "Có kết quả 1" in tab.counts.text()

    tab.status.setCurrentIndex(tab.status.findData("received"))
    assert tab.table.model_.rowCount() == 0


def test_reopening_a_case_clears_its_closing_date(section: ActivitiesSection, services: Services) -> None:
    case = services.activities.open_case(TracingInput(date.today(), "Lê Thị Ba", "Lê Văn Tư"))
    services.activities.set_case_status(case.id, "closed")
    tab = section.tracing
    tab.refresh()
    tab.table.select_id(case.id)
    tab.status_button.click()
    change = tab.dialog
    assert isinstance(change, CaseStatusDialog)
    change.status.setCurrentIndex(change.status.findData("referred"))
    change.save_button.click()
    reopened = services.activities.get_case(case.id)
    assert (reopened.status, reopened.closed_on) == ("referred", None)
