# SPDX-License-Identifier: MIT
"""The Cứu trợ / hỗ trợ section over real services: relief with goods from stock, the bình xét
rule for regular aid, deleting, and a distribution list reconciled through its dialog."""

from __future__ import annotations

import re
from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton, QWidget

from redcross_desktop.services.container import Services
from redcross_desktop.services.distributions import DistributionLineInput
from redcross_desktop.services.donations import DonationInput, DonationLineInput
from redcross_desktop.services.people import PersonInput, PersonRow
from redcross_desktop.services.relief import ReliefInput
from redcross_desktop.services.stock import ItemInput
from redcross_desktop.ui.dialogs.distribution_dialogs import ReconcileDialog
from redcross_desktop.ui.dialogs.relief_dialog import ReliefDialog
from redcross_desktop.ui.sections.relief import ReliefSection
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
    """Types part of a name, then picks the match from the suggestions with ↓ and Enter."""
    type_into(qtbot, picker.edit, typed)
    popup = picker.completer.popup()
    qtbot.waitUntil(popup.isVisible)
    popup.setCurrentIndex(picker.completer.completionModel().index(0, 0))
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: picker.person() is not None and picker.edit.text() == expected)


def visible_boxes() -> list[QMessageBox]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]


def click_box_button(box: QMessageBox, text: str) -> None:
    [button] = [b for b in box.buttons() if b.text() == text]
    button.click()


@pytest.fixture
def section(qtbot, services: Services) -> ReliefSection:
    widget = ReliefSection(services, InlineTaskRunner())
    qtbot.addWidget(widget)
    widget.resize(1300, 700)
    with qtbot.waitExposed(widget):
        widget.show()
    return widget


@pytest.fixture
def rice(services: Services) -> int:
    """100 kg of rice in stock, given at 20.000 đ/kg."""
    item = services.stock.create_item(ItemInput("Gạo", "kg", "food"))
    services.donations.record(
        DonationInput(
            received_on=date.today(),
            channel="in_kind",
            lines=(DonationLineInput(item.id, 100, 20_000),),
        )
    )
    return item.id


def person(services: Services, name: str, **kwargs: object) -> PersonRow:
    return services.people.create(PersonInput(name, **kwargs)).person  # type: ignore[arg-type]


def open_add_dialog(section: ReliefSection, qtbot) -> ReliefDialog:
    qtbot.mouseClick(section.relief.add_button, Qt.MouseButton.LeftButton)
    dialog = section.relief.dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    return dialog


def test_relief_with_goods_lowers_the_stock(
    section: ReliefSection, services: Services, rice: int, qtbot
) -> None:
    person(services, "Nguyễn Văn Đức", birth_year=1950, thon="Tổ 1")
    dialog = open_add_dialog(section, qtbot)
    assert dialog.windowTitle() == "Thêm hỗ trợ"
    choose_person(qtbot, dialog.person, "nguyen van duc", "Nguyễn Văn Đức")
    dialog.kind.setCurrentIndex(dialog.kind.findData("emergency"))
    dialog.groups["elderly_alone"].setChecked(True)
    type_into(qtbot, dialog.programme.lineEdit(), "Lũ tháng 9")
    qtbot.keyClicks(dialog.cash.edit, "500k")
    assert dialog.cash.hint.text() == "= 500.000 đ"
    qtbot.mouseClick(dialog.goods.add_button, Qt.MouseButton.LeftButton)
    [line] = dialog.goods.lines
    line.item.setCurrentIndex(line.item.findData(rice))
    assert line.stock.text() == "còn 100 kg"
    line.quantity.setValue(120)
    assert "Kho chỉ còn 100" in dialog.hints["goods"].text()  # checked as it is typed
    line.quantity.setValue(10)
    assert not dialog.hints["goods"].isVisible()
    assert dialog.total.text() == "700.000 đ"
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    assert not dialog.isVisible()
    assert services.stock.balance(rice).quantity == 90
    [saved] = services.relief.list()
    assert (
        saved.person_name,
        saved.kind,
        saved.groups,
        saved.cash_vnd,
        saved.goods_vnd,
        saved.programme,
    ) == (
        "Nguyễn Văn Đức",
        "emergency",
        ("elderly_alone",),
        500_000,
        200_000,
        "Lũ tháng 9",
    )
    tab = section.relief
    assert tab.table.model_.rowCount() == 1
    assert tab.table.model_.data(tab.table.model_.index(0, 1)) == "Nguyễn Văn Đức"
    assert "1 lượt hỗ trợ" in tab.summary.text() and "tổng 700.000 đ" in tab.summary.text()
    assert tab.table.current() is not None and tab.table.current().id == saved.id
    assert visible_boxes() == []


def test_regular_aid_without_binh_xet_is_refused_in_the_dialog(
    section: ReliefSection, services: Services, qtbot
) -> None:
    person(services, "Lê Thị Bình", thon="Tổ 3")
    dialog = open_add_dialog(section, qtbot)
    choose_person(qtbot, dialog.person, "le thi binh", "Lê Thị Bình")
    qtbot.keyClicks(dialog.cash.edit, "300000")
    dialog.kind.setCurrentIndex(dialog.kind.findData("regular"))
    # Said as soon as the kind is chosen, before any save.
    assert dialog.hints["review"].kind == "error"
    assert "biên bản bình xét" in dialog.hints["review"].text()
    assert dialog.hints["confirmation"].kind == "error"
    assert dialog.review_label.text() == "Biên bản bình xét (*)"
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert services.relief.list() == []
    assert dialog.review.hasFocus()

    type_into(qtbot, dialog.review, "BB số 02 ngày 05/01/2026")
    assert not dialog.hints["review"].isVisible()
    type_into(qtbot, dialog.confirmation, "XN số 15/UBND")
    qtbot.keyClick(dialog.confirmation, Qt.Key.Key_Return)  # Enter saves
    [saved] = services.relief.list()
    assert (saved.kind, saved.review_minutes_ref, saved.confirmation_ref) == (
        "regular",
        "BB số 02 ngày 05/01/2026",
        "XN số 15/UBND",
    )


def test_a_beneficiary_and_an_amount_are_required(section: ReliefSection, services: Services, qtbot) -> None:
    dialog = open_add_dialog(section, qtbot)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.hints["person"].text() == "Hãy chọn người nhận hoặc hộ nhận hỗ trợ."
    assert dialog.hints["cash"].text() == "Hãy nhập số tiền hoặc hiện vật hỗ trợ."
    qtbot.keyClick(dialog.person.edit, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    assert services.relief.list() == []


def test_editing_and_deleting_a_relief_record(
    section: ReliefSection, services: Services, rice: int, qtbot
) -> None:
    who = person(services, "Trần Văn Bình")
    saved = services.relief.record(
        ReliefInput(given_on=date.today(), kind="emergency", person_id=who.id, cash_vnd=100_000)
    )
    tab = section.relief
    tab.refresh()
    tab.table.selectRow(0)
    qtbot.mouseClick(tab.edit_button, Qt.MouseButton.LeftButton)
    dialog = tab.dialog
    assert dialog is not None and dialog.windowTitle() == "Sửa hỗ trợ"
    assert (dialog.person.person().id, dialog.cash.edit.text()) == (who.id, "100.000")
    dialog.cash.edit.clear()
    qtbot.keyClicks(dialog.cash.edit, "150k")
    dialog.goods.add_line(rice, 5)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    edited = services.relief.get(saved.row.id)
    assert (edited.cash_vnd, edited.version) == (150_000, saved.row.version + 1)
    assert services.stock.balance(rice).quantity == 95

    tab.table.selectRow(0)
    qtbot.mouseClick(tab.history_button, Qt.MouseButton.LeftButton)
    history = tab.history
    assert history is not None
    texts = [history.table.item(r, 3).text() for r in range(history.table.rowCount())]
    assert "Tiền mặt: 100.000 đ → 150.000 đ" in texts[0]
    history.reject()

    qtbot.mouseClick(tab.delete_button, Qt.MouseButton.LeftButton)
    box = tab.confirm
    assert box is not None and "Trần Văn Bình" in box.text()
    assert "sẽ được nhập lại kho" in box.informativeText()
    click_box_button(box, "Bỏ qua")
    assert len(services.relief.list()) == 1
    qtbot.mouseClick(tab.delete_button, Qt.MouseButton.LeftButton)
    click_box_button(tab.confirm, "Xóa")
    assert services.relief.list() == []
    assert services.stock.balance(rice).quantity == 100
    assert tab.table.model_.rowCount() == 0
    assert tab.empty.isVisible()


def test_warnings_are_shown_after_saving(section: ReliefSection, services: Services, qtbot) -> None:
    who = person(services, "Phạm Thị Lan")
    services.relief.record(
        ReliefInput(given_on=date.today(), kind="emergency", person_id=who.id, programme="Lũ", cash_vnd=1000)
    )
    dialog = open_add_dialog(section, qtbot)
    dialog.person.set_person(who)
    dialog.programme.setCurrentText("Lũ")
    qtbot.keyClicks(dialog.cash.edit, "200k")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    notice = section.relief.notice
    assert notice is not None and notice.isVisible()
    assert "cùng chương trình" in notice.informativeText()
    notice.done(0)


def test_the_filters_narrow_the_list(section: ReliefSection, services: Services, qtbot) -> None:
    a, b = person(services, "Đỗ Văn Nam"), person(services, "Vũ Thị Hà")
    services.relief.record(
        ReliefInput(given_on=date.today(), kind="emergency", person_id=a.id, cash_vnd=100_000)
    )
    services.relief.record(ReliefInput(given_on=date.today(), kind="health", person_id=b.id, cash_vnd=50_000))
    tab = section.relief
    tab.refresh()
    assert tab.table.model_.rowCount() == 2
    tab.kind.setCurrentIndex(tab.kind.findData("health"))
    assert [r.person_name for r in tab.table.rows()] == ["Vũ Thị Hà"]
    assert "tổng 50.000 đ" in tab.summary.text()
    tab.kind.setCurrentIndex(0)
    qtbot.keyClicks(tab.search, "do van")
    qtbot.keyClick(tab.search, Qt.Key.Key_Return)
    assert [r.person_name for r in tab.table.rows()] == ["Đỗ Văn Nam"]
    tab.search.clear()
    tab.period.set_key("last_year")
    assert tab.table.model_.rowCount() == 0


def test_a_reconciled_distribution_list_creates_relief_only_for_received_lines(
    section: ReliefSection, services: Services, rice: int, qtbot
) -> None:
    a = person(services, "Nguyễn Văn An", thon="Tổ 2")
    person(services, "Bùi Thị Mai", thon="Tổ 2")
    tab = section.distributions
    section.tabs.setCurrentWidget(tab)

    qtbot.mouseClick(tab.new_button, Qt.MouseButton.LeftButton)
    new = tab.dialog
    assert new is not None
    type_into(qtbot, new.title_edit, "Quà Tết 2026 - Tổ 2")
    new.kind.setCurrentIndex(new.kind.findData("emergency"))
    qtbot.mouseClick(new.save_button, Qt.MouseButton.LeftButton)
    [listed] = services.distributions.lists()
    assert tab.detail is not None and tab.detail.distribution.id == listed.id
    assert not tab.reconcile_button.isEnabled() and tab.add_line_button.isEnabled()

    services.distributions.add_line(listed.id, DistributionLineInput(a.id, "poor", 300_000, rice, 10))
    qtbot.mouseClick(tab.add_line_button, Qt.MouseButton.LeftButton)
    line_dialog = tab.dialog
    choose_person(qtbot, line_dialog.person, "bui thi mai", "Bùi Thị Mai")
    qtbot.keyClicks(line_dialog.cash.edit, "300k")
    line_dialog.item.setCurrentIndex(line_dialog.item.findData(rice))
    assert line_dialog.stock.text() == "Trong kho còn 100 kg"
    line_dialog.quantity.setValue(10)
    qtbot.mouseClick(line_dialog.save_button, Qt.MouseButton.LeftButton)
    assert [line.full_name for line in tab.lines.rows()] == ["Nguyễn Văn An", "Bùi Thị Mai"]

    qtbot.mouseClick(tab.printed_button, Qt.MouseButton.LeftButton)
    click_box_button(tab.confirm, "Đánh dấu đã in")
    assert tab.detail.distribution.status == "printed"
    assert tab.reconcile_button.isEnabled() and not tab.add_line_button.isEnabled()

    qtbot.mouseClick(tab.reconcile_button, Qt.MouseButton.LeftButton)
    dialog = tab.dialog
    assert isinstance(dialog, ReconcileDialog)
    first, second = (line.id for line in tab.detail.lines)
    assert dialog.checks[first].isChecked() and dialog.checks[second].isChecked()
    dialog.checks[second].setChecked(False)  # Bùi Thị Mai did not come
    assert not dialog.proxies[second].isEnabled()
    type_into(qtbot, dialog.proxies[first], "Nguyễn Thị Hoa")
    assert dialog.counts.text() == "Đã nhận: 1/2 người · tiền mặt 300.000 đ"
    assert isinstance(dialog.save_button, QPushButton) and dialog.save_button.text() == "Đối chiếu"
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    [relief] = services.relief.list()
    assert (relief.person_name, relief.cash_vnd, relief.goods_vnd) == ("Nguyễn Văn An", 300_000, 200_000)
    assert "Nhận thay: Nguyễn Thị Hoa" in relief.note
    assert services.stock.balance(rice).quantity == 90  # Bùi Thị Mai's rice never left the store
    detail = services.distributions.get(listed.id)
    assert [(line.received, line.proxy_name) for line in detail.lines] == [
        (True, "Nguyễn Thị Hoa"),
        (False, ""),
    ]
    assert tab.notice is not None and "1/2 người nhận" in tab.notice.text()
    tab.notice.done(0)
    assert [tab.lines.model_.data(tab.lines.model_.index(r, 6)) for r in range(2)] == [
        "Đã nhận",
        "Không nhận",
    ]
    assert section.relief.table.model_.rowCount() == 1  # the relief tab shows the new record

    qtbot.mouseClick(tab.close_button, Qt.MouseButton.LeftButton)
    click_box_button(tab.confirm, "Đóng danh sách")
    assert services.distributions.get(listed.id).distribution.status == "closed"
    assert not any(
        b.isEnabled()
        for b in (tab.add_line_button, tab.printed_button, tab.reconcile_button, tab.close_button)
    )


def test_regular_aid_reconciliation_asks_for_binh_xet(
    section: ReliefSection, services: Services, qtbot
) -> None:
    a = person(services, "Hoàng Minh Tuấn")
    row = services.distributions.create_list("Trợ giúp tháng 1", date.today(), relief_kind="regular")
    services.distributions.add_line(row.id, DistributionLineInput(a.id, cash_vnd=200_000))
    services.distributions.mark_printed(row.id)
    tab = section.distributions
    tab.refresh()
    tab.lists.select_id(row.id)
    qtbot.mouseClick(tab.reconcile_button, Qt.MouseButton.LeftButton)
    dialog = tab.dialog
    assert isinstance(dialog, ReconcileDialog)
    assert dialog.hints["review_minutes_ref"].kind == "error"
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and services.relief.list() == []
    type_into(qtbot, dialog.review, "BB 01")
    type_into(qtbot, dialog.confirmation, "XN 02")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    [relief] = services.relief.list()
    assert (relief.kind, relief.review_minutes_ref, relief.confirmation_ref) == ("regular", "BB 01", "XN 02")
    tab.notice.done(0)
