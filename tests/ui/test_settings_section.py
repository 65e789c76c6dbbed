# SPDX-License-Identifier: MIT
"""The Cài đặt section over real services: branch details, language, dues and report settings, the
honour ladder, the signing key and a backup on demand."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLineEdit, QWidget

from redcross_desktop.core.paths import AppPaths
from redcross_desktop.services.container import Services
from redcross_desktop.services.people import PersonInput
from redcross_desktop.ui.sections.settings import SettingsSection
from redcross_desktop.ui.state import UiState
from redcross_desktop.ui.tasks import InlineTaskRunner


def type_into(qtbot, edit: QWidget, text: str) -> None:
    """Types like a user; a Vietnamese letter arrives as a key event carrying its text (as from Unikey)."""
    for chunk in re.findall(r"[\x20-\x7e]+|[^\x20-\x7e]", text):
        if chunk.isascii():
            qtbot.keyClicks(edit, chunk)
        else:
            for action in (QTest.KeyAction.Press, QTest.KeyAction.Release):
                QTest.sendKeyEvent(action, edit, Qt.Key.Key_unknown, chunk, Qt.KeyboardModifier.NoModifier)


def retype(qtbot, edit: QLineEdit, text: str) -> None:
    edit.selectAll()
    qtbot.keyClick(edit, Qt.Key.Key_Delete)
    type_into(qtbot, edit, text)


@pytest.fixture
def section(qtbot, services: Services, paths: AppPaths) -> SettingsSection:
    widget = SettingsSection(services, InlineTaskRunner(), paths=paths, state=UiState.for_paths(paths))
    qtbot.addWidget(widget)
    widget.resize(1166, 700)
    with qtbot.waitExposed(widget):
        widget.show()
    return widget


def left_click(qtbot, button: QWidget) -> None:
    assert button.isEnabled()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


# ---- branch details ----------------------------------------------------------------------------


def test_branch_details_are_shown_and_saved(qtbot, section: SettingsSection, services: Services) -> None:
    edits = section.branch_edits
    assert edits["name"].text() == services.branch.name
    assert edits["chair_name"].text() == "Nguyễn Thị Hoa"
    retype(qtbot, edits["chair_name"], "Lê Thị Mai")
    retype(qtbot, edits["phone"], "024 3825 0000")
    type_into(qtbot, edits["email"], "ctd.hoankiem@gmail.com")
    left_click(qtbot, section.save_branch_button)

    stored = services.branches.get()
    assert (stored.chair_name, stored.phone, stored.email) == (
        "Lê Thị Mai",
        "024 3825 0000",
        "ctd.hoankiem@gmail.com",
    )
    assert services.branch.chair_name == "Lê Thị Mai"  # the other sections see the change
    assert section.branch_status.text().startswith("Đã lưu lúc")


def test_branch_details_are_checked_as_typed_and_not_saved_while_wrong(
    qtbot, section: SettingsSection, services: Services
) -> None:
    edits, hints = section.branch_edits, section.branch_hints
    edits["name"].selectAll()
    qtbot.keyClick(edits["name"], Qt.Key.Key_Delete)
    assert hints["name"].text() == "Hãy nhập tên chi hội."
    qtbot.keyClicks(edits["phone"], "12345")
    assert hints["phone"].isVisible() and hints["phone"].kind == "error"
    qtbot.keyClicks(edits["email"], "khong-phai-thu")
    assert hints["email"].text().startswith("Địa chỉ thư điện tử chưa đúng")
    qtbot.mouseClick(section.save_branch_button, Qt.MouseButton.LeftButton)
    assert services.branches.get().name == "Hội Chữ thập đỏ phường Hoàn Kiếm"
    assert services.branches.get().phone == ""
    assert section.branch_status.text() == ""


# ---- language ----------------------------------------------------------------------------------


def test_the_language_is_saved_for_the_next_start(section: SettingsSection, paths: AppPaths) -> None:
    assert section.language.currentData() == "vi"
    assert "lần mở phần mềm sau" in section.language_status.text()
    section.language.setCurrentIndex(section.language.findData("en"))
    assert UiState.for_paths(paths).language() == "en"
    assert "mở lại phần mềm" in section.language_status.text()
    assert section.language.currentText() == "English"


# ---- dues, report, amounts in words --------------------------------------------------------------


def test_rates_are_saved_and_other_keys_of_each_setting_are_kept(
    qtbot, section: SettingsSection, services: Services
) -> None:
    assert section.dues_rate.value() == 1000
    retype(qtbot, section.dues_rate.edit, "2k")
    assert section.dues_rate.hint.text() == "= 2.000 đ"
    section.exemption_cap.setValue(15)
    section.deadline_day.setValue(10)
    section.words.setCurrentIndex(1)
    left_click(qtbot, section.save_rates_button)

    dues = services.settings.get("dues")
    assert (dues["monthly_rate_vnd"], dues["exemption_cap_percent"]) == (2000, 15)
    assert dues["split_percent"] == {"chi_hoi": 50, "commune": 30, "province": 20}
    assert services.settings.get("report") == {"deadline_day": 10, "number_suffix": "BC-CTĐ"}
    assert services.settings.get("amount_in_words") == {"southern": True, "tu_for_four": True}
    assert section.rates_status.text().startswith("Đã lưu lúc")


def test_an_unreadable_dues_rate_is_not_saved(qtbot, section: SettingsSection, services: Services) -> None:
    retype(qtbot, section.dues_rate.edit, "mot nghin")
    assert section.dues_rate.hint.kind == "error"
    qtbot.mouseClick(section.save_rates_button, Qt.MouseButton.LeftButton)
    assert services.settings.get("dues")["monthly_rate_vnd"] == 1000


# ---- honour ladder -----------------------------------------------------------------------------


def ladder_rows(section: SettingsSection) -> list[list[str]]:
    table = section.ladder
    return [
        [table.item(row, column).text() for column in range(table.columnCount())]
        for row in range(table.rowCount())
    ]


def edit_cell(qtbot, section: SettingsSection, row: int, column: int, text: str) -> None:
    """Opens the cell's editor with F2, types, and commits with Enter (the delegate commits on the
    next turn of the event loop)."""
    table = section.ladder
    table.setCurrentCell(row, column)
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_F2)
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit)
    editor.selectAll()
    type_into(qtbot, editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(
        lambda: table.item(row, column).text() == text and table.state() != table.State.EditingState
    )


def test_the_honour_ladder_can_gain_change_and_lose_levels(
    qtbot, section: SettingsSection, services: Services
) -> None:
    assert [row[0] for row in ladder_rows(section)] == ["10", "15", "20", "30", "40"]
    left_click(qtbot, section.add_level_button)
    new_row = section.ladder.rowCount() - 1
    assert section.ladder.currentRow() == new_row
    edit_cell(qtbot, section, new_row, 0, "50")
    edit_cell(qtbot, section, new_row, 1, "Huy chương Vì sự nghiệp nhân đạo")
    edit_cell(qtbot, section, 2, 1, "Bằng khen của Chủ tịch UBND tỉnh")  # the 20-donation level
    section.ladder.setCurrentCell(4, 0)  # the 40-donation level
    left_click(qtbot, section.remove_level_button)
    left_click(qtbot, section.save_ladder_button)

    levels = services.settings.honour_ladder()
    assert [(level.count, level.award) for level in levels] == [
        (10, "Cúp thủy tinh bạc (gia đình hiến máu lần thứ 10)"),
        (15, "Cúp vàng (gia đình hiến máu lần thứ 15)"),
        (20, "Bằng khen của Chủ tịch UBND tỉnh"),
        (30, "Bằng khen của Hội Chữ thập đỏ thành phố"),
        (50, "Huy chương Vì sự nghiệp nhân đạo"),
    ]
    stored = {level["count"]: level for level in services.settings.get("honour_ladder")}
    assert stored[10]["verify_with_province"] is True  # unchanged: still to verify
    assert "verify_with_province" not in stored[20]  # reworded by the officer
    assert section.ladder_status.text().startswith("Đã lưu lúc")


def test_a_wrong_ladder_is_explained_and_not_saved(
    qtbot, section: SettingsSection, services: Services
) -> None:
    left_click(qtbot, section.add_level_button)
    row = section.ladder.rowCount() - 1
    edit_cell(qtbot, section, row, 0, "muoi")
    assert section.ladder_hint.text() == (
        f"Dòng {row + 1}: số lần hiến phải là số nguyên dương. Dòng {row + 1}: hãy ghi hình thức tôn vinh."
    )
    edit_cell(qtbot, section, row, 0, "10")
    edit_cell(qtbot, section, row, 1, "Cúp pha lê")
    assert section.ladder_hint.text() == ""
    qtbot.mouseClick(section.save_ladder_button, Qt.MouseButton.LeftButton)
    assert section.ladder_hint.text() == f"Dòng {row + 1}: đã có bậc 10 lần; mỗi số lần chỉ một bậc."
    assert len(services.settings.honour_ladder()) == 5


# ---- signing key -------------------------------------------------------------------------------


def test_a_signing_key_is_created_with_the_passphrase_typed_twice(
    qtbot, section: SettingsSection, services: Services
) -> None:
    assert section.key_text.text() == "Chi hội chưa có khóa ký."
    left_click(qtbot, section.new_key_button)
    dialog = section.key_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.create_button.text() == "Tạo khóa"
    qtbot.keyClicks(dialog.fields.first, "mat-khau-ky")
    qtbot.keyClicks(dialog.fields.second, "mat-khau-kx")
    assert not dialog.create_button.isEnabled()
    qtbot.keyClick(dialog.fields.second, Qt.Key.Key_Backspace)
    qtbot.keyClick(dialog.fields.second, Qt.Key.Key_Backspace)
    qtbot.keyClicks(dialog.fields.second, "ky")
    left_click(qtbot, dialog.create_button)

    key = services.keys.show()
    assert key is not None
    services.keys.unlock("mat-khau-ky")
    assert key.fingerprint.replace(" / ", " /<br>") in section.key_text.text()
    assert key.key_id in section.key_text.text()
    assert not section.new_key_button.isVisible()
    assert not section.qr.pixmap().isNull()
    assert section.key_text.toolTip() == key.qr_text


def test_an_existing_key_is_shown_without_a_create_button(qtbot, services: Services, paths: AppPaths) -> None:
    key = services.keys.create("mat-khau-ky")
    widget = SettingsSection(services, InlineTaskRunner(), paths=paths, state=UiState.for_paths(paths))
    qtbot.addWidget(widget)
    assert widget.key is not None and widget.key.key_id == key.key_id
    assert widget.new_key_button.isHidden()


# ---- data folder and backups -------------------------------------------------------------------


def test_backup_now_copies_the_store_into_the_backups_folder(
    qtbot, section: SettingsSection, services: Services, paths: AppPaths
) -> None:
    services.people.create(PersonInput("Nguyễn Văn Đức"))
    left_click(qtbot, section.backup_button)
    backup = section.last_backup
    assert backup is not None and backup.parent == paths.backup_dir and backup.is_file()
    assert backup.name in section.backup_status.text()
    with sqlite3.connect(backup) as copy:
        assert copy.execute("SELECT full_name FROM people").fetchall() == [("Nguyễn Văn Đức",)]
    copy.close()
    paths_shown = [edit.text() for edit in section.findChildren(QLineEdit) if edit.isReadOnly()]
    assert str(paths.database) in paths_shown
    assert str(paths.backup_dir) in paths_shown
    assert str(paths.log_dir) in paths_shown


def test_the_section_defaults_its_folders_to_the_store_s_folder(
    qtbot, services: Services, paths: AppPaths
) -> None:
    widget = SettingsSection(services, InlineTaskRunner())
    qtbot.addWidget(widget)
    left_click(qtbot, widget.backup_button)
    assert widget.last_backup is not None
    assert widget.last_backup.parent == Path(paths.database).parent / "backups"
