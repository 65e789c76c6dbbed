# SPDX-License-Identifier: MIT
"""The Kho hiện vật section over real services: the catalogue with balances, an in-kind receipt made
through the real receipt dialog raising the stock shown, movements, and stock-count adjustments
(a negative result refused with STOCK_INSUFFICIENT and nothing changed)."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from redcross_desktop.services.container import Services
from redcross_desktop.services.donations import DonationInput, DonationLineInput
from redcross_desktop.services.stock import ItemInput
from redcross_desktop.ui.sections.donations import DonationsSection
from redcross_desktop.ui.sections.stock import StockSection
from redcross_desktop.ui.tasks import InlineTaskRunner

TODAY = date.today()


@pytest.fixture
def section(qtbot, services: Services) -> StockSection:
    widget = StockSection(services, InlineTaskRunner())
    qtbot.addWidget(widget)
    widget.resize(1160, 680)
    with qtbot.waitExposed(widget):
        widget.show()
    return widget


def type_into(qtbot, edit, text: str) -> None:
    """Types like a user; a Vietnamese letter arrives as a key event carrying its text (Unikey)."""
    for chunk in re.findall(r"[\x20-\x7e]+|[^\x20-\x7e]", text):
        if chunk.isascii():
            qtbot.keyClicks(edit, chunk)
        else:
            for action in (QTest.KeyAction.Press, QTest.KeyAction.Release):
                QTest.sendKeyEvent(action, edit, Qt.Key.Key_unknown, chunk, Qt.KeyboardModifier.NoModifier)


def visible_boxes() -> list[QMessageBox]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]


def shown(table) -> list[list[str]]:
    model = table.model_
    return [
        [model.data(model.index(r, c)) for c in range(model.columnCount())] for r in range(model.rowCount())
    ]


def receive(services: Services, item_id: int, quantity: int, unit_value: int, on: date = TODAY) -> None:
    services.donations.record(
        DonationInput(on, channel="in_kind", lines=(DonationLineInput(item_id, quantity, unit_value),))
    )


def test_an_item_is_added_through_the_dialog(section: StockSection, services: Services, qtbot) -> None:
    assert section.empty.isVisible()
    qtbot.mouseClick(section.add_button, Qt.MouseButton.LeftButton)
    dialog = section.dialog
    assert dialog is not None and dialog.windowTitle() == "Thêm mặt hàng vào danh mục"
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.hints["name"].text() == "Hãy nhập tên mặt hàng."
    assert dialog.isVisible()
    qtbot.keyClicks(dialog.name, "Mi tom")
    dialog.unit.setCurrentText("thùng")
    dialog.category.setCurrentIndex(dialog.category.findData("food"))
    qtbot.keyClicks(dialog.suggested_value.edit, "120k")
    qtbot.keyClicks(dialog.low_level, "5")
    qtbot.keyClick(dialog.name, Qt.Key.Key_Return)
    [item] = services.stock.list_items()
    assert (item.name, item.unit, item.category, item.suggested_value_vnd, item.low_stock_level) == (
        "Mi tom",
        "thùng",
        "food",
        120_000,
        5,
    )
    assert shown(section.balances) == [["Mi tom", "thùng", "Lương thực", "0", "0 đ", "5", "Hết hàng"]]
    assert not section.empty.isVisible()


def test_an_in_kind_receipt_through_the_dialog_raises_the_stock_shown(
    section: StockSection, services: Services, qtbot
) -> None:
    rice = services.stock.create_item(ItemInput("Gạo tẻ", "kg", "food", suggested_value_vnd=18_000))
    section.refresh()
    assert shown(section.balances)[0][3:5] == ["0", "0 đ"]

    donations = DonationsSection(services, InlineTaskRunner())
    qtbot.addWidget(donations)
    donations.show()
    qtbot.mouseClick(donations.add_button, Qt.MouseButton.LeftButton)
    dialog = donations.dialog
    assert dialog is not None
    qtbot.mouseClick(dialog.anonymous, Qt.MouseButton.LeftButton)
    dialog.channel.setCurrentIndex(dialog.channel.findData("in_kind"))
    qtbot.mouseClick(dialog.lines.add_button, Qt.MouseButton.LeftButton)
    lines = dialog.lines
    lines.item_box(0).setCurrentIndex(lines.item_box(0).findData(rice.id))
    assert lines.unit_value_edit(0).text() == "18.000"  # the item's suggested value
    lines.unit_value_edit(0).clear()
    qtbot.keyClicks(lines.unit_value_edit(0), "20k")
    qtbot.keyClicks(lines.quantity_edit(0), "50")
    assert lines.value_text(0) == "1.000.000 đ"
    assert lines.total_label.text() == "Trị giá hiện vật: 1.000.000 đ"
    assert dialog.total.text() == "Tổng trị giá biên nhận: 1.000.000 đ"
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert donations.notice is not None
    donations.notice.done(0)
    assert donations.model.data(donations.model.index(0, 6)) == "1.000.000 đ"

    section.refresh()
    assert shown(section.balances) == [["Gạo tẻ", "kg", "Lương thực", "50", "1.000.000 đ", "", ""]]
    section.balances.selectRow(0)
    [movement] = shown(section.movements)
    code = services.donations.list()[0].receipt_code
    assert movement == [TODAY.strftime("%d/%m/%Y"), "Nhập kho", "+50", "+1.000.000 đ", f"Biên nhận {code}"]


def test_an_in_kind_line_without_an_item_or_quantity_is_shown_and_not_saved(
    services: Services, qtbot
) -> None:
    services.stock.create_item(ItemInput("Chăn", "chiếc", "essentials"))
    donations = DonationsSection(services, InlineTaskRunner())
    qtbot.addWidget(donations)
    donations.show()
    qtbot.mouseClick(donations.add_button, Qt.MouseButton.LeftButton)
    dialog = donations.dialog
    assert dialog is not None
    qtbot.mouseClick(dialog.anonymous, Qt.MouseButton.LeftButton)
    dialog.channel.setCurrentIndex(dialog.channel.findData("in_kind"))
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.hints["lines"].text().startswith("Ủng hộ bằng hiện vật cần ít nhất một dòng hàng")
    qtbot.mouseClick(dialog.lines.add_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(dialog.lines.quantity_edit(0), "3")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.hints["lines"].text() == "Dòng 1: chưa chọn mặt hàng."
    assert services.donations.list() == []
    dialog.reject()


def test_an_adjustment_that_would_make_stock_negative_is_refused_and_changes_nothing(
    section: StockSection, services: Services, qtbot
) -> None:
    rice = services.stock.create_item(ItemInput("Gạo", "kg", "food", low_stock_level=10))
    receive(services, rice.id, 50, 20_000)
    section.refresh()
    section.balances.select_id(rice.id)
    qtbot.mouseClick(section.adjust_button, Qt.MouseButton.LeftButton)
    dialog = section.adjust_dialog
    assert dialog is not None and dialog.windowTitle() == "Điều chỉnh kiểm kê: Gạo"
    assert dialog.current.text() == "50 kg (trị giá 1.000.000 đ)"
    dialog.mode.setCurrentIndex(dialog.mode.findData("change"))
    # QTest's ASCII table has no "-", so the minus arrives as a key event carrying its text.
    for action in (QTest.KeyAction.Press, QTest.KeyAction.Release):
        QTest.sendKeyEvent(action, dialog.quantity, Qt.Key.Key_Minus, "-", Qt.KeyboardModifier.NoModifier)
    qtbot.keyClicks(dialog.quantity, "60")
    assert dialog.hints["quantity"].kind == "warning"
    assert dialog.hints["quantity"].text() == "Tồn kho sau điều chỉnh sẽ âm (-10 kg)."
    type_into(qtbot, dialog.reason, "Kiểm kê cuối tháng")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    [box] = visible_boxes()
    assert box.text() == (
        "Kho chỉ còn 50 kg Gạo, không đủ để giảm 60 kg. Hãy giảm số lượng, hoặc ghi nhận hàng nhập kho trước."
    )
    assert "STOCK_INSUFFICIENT" in box.informativeText()
    box.done(0)
    assert dialog.isVisible() and dialog.save_button.isEnabled()
    assert services.stock.balance(rice.id).quantity == 50
    assert len(services.stock.movements(rice.id)) == 1
    dialog.reject()
    assert shown(section.balances)[0][3] == "50"


def test_a_backdated_loss_before_the_goods_arrived_is_refused(
    section: StockSection, services: Services, qtbot
) -> None:
    rice = services.stock.create_item(ItemInput("Gạo", "kg", "food"))
    receive(services, rice.id, 50, 20_000)
    section.refresh()
    qtbot.mouseClick(section.adjust_button, Qt.MouseButton.LeftButton)
    dialog = section.adjust_dialog
    assert dialog is not None
    dialog.on_date.edit.clear()
    qtbot.keyClicks(dialog.on_date.edit, (TODAY - timedelta(days=1)).strftime("%d/%m/%Y"))
    qtbot.keyClicks(dialog.quantity, "40")  # counted: 10 kg short
    type_into(qtbot, dialog.reason, "Hỏng")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    [box] = visible_boxes()
    assert "sẽ âm" in box.text() and "STOCK_INSUFFICIENT" in box.informativeText()
    box.done(0)
    assert services.stock.balance(rice.id).quantity == 50
    dialog.reject()


def test_a_counted_shortfall_is_recorded_with_its_reason_and_marks_low_stock(
    section: StockSection, services: Services, qtbot
) -> None:
    rice = services.stock.create_item(ItemInput("Gạo", "kg", "food", low_stock_level=10))
    receive(services, rice.id, 50, 20_000)
    section.refresh()
    qtbot.mouseClick(section.adjust_button, Qt.MouseButton.LeftButton)
    dialog = section.adjust_dialog
    assert dialog is not None
    qtbot.keyClicks(dialog.quantity, "8")
    assert dialog.hints["quantity"].text() == "Điều chỉnh −42 kg; tồn kho sau điều chỉnh: 8 kg."
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.hints["reason"].text().startswith("Hãy ghi lý do điều chỉnh")
    assert len(services.stock.movements(rice.id)) == 1
    type_into(qtbot, dialog.reason, "Biên bản kiểm kê số 02/BB: chuột cắn")
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted

    balance = services.stock.balance(rice.id)
    assert (balance.quantity, balance.value_vnd) == (8, 160_000)
    assert shown(section.balances) == [["Gạo", "kg", "Lương thực", "8", "160.000 đ", "10", "Sắp hết"]]
    assert "1 mặt hàng sắp hết" in section.summary.text()
    movements = shown(section.movements)
    assert movements[0] == [
        TODAY.strftime("%d/%m/%Y"),
        "Điều chỉnh kiểm kê",
        "−42",
        "−840.000 đ",
        "Biên bản kiểm kê số 02/BB: chuột cắn",
    ]
    assert section.status_line.text() == "Đã điều chỉnh Gạo: −42 kg; tồn kho còn 8 kg."


def test_editing_an_item_by_double_click(section: StockSection, services: Services, qtbot) -> None:
    item = services.stock.create_item(ItemInput("Chăn", "chiếc", "essentials"))
    section.refresh()
    where = section.balances.visualRect(section.balances.model_.index(0, 0)).center()
    qtbot.mouseClick(section.balances.viewport(), Qt.MouseButton.LeftButton, pos=where)
    qtbot.mouseDClick(section.balances.viewport(), Qt.MouseButton.LeftButton, pos=where)
    dialog = section.dialog
    assert dialog is not None and dialog.windowTitle() == "Sửa mặt hàng"
    assert (dialog.name.text(), dialog.unit.currentText()) == ("Chăn", "chiếc")
    dialog.name.clear()
    qtbot.keyClicks(dialog.name, "Chan am")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    stored = services.stock.list_items()[0]
    assert (stored.name, stored.version) == ("Chan am", item.version + 1)
    assert shown(section.balances)[0][0] == "Chan am"
