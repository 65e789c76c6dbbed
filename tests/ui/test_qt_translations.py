# SPDX-License-Identifier: MIT
"""Qt's own widgets in Vietnamese: the translator answers the lookups the real widgets make."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QPoint, QTimer
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtWidgets import (
    QApplication,
    QDialogButtonBox,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPlainTextEdit,
    QSpinBox,
    QTextEdit,
    QWizard,
    QWizardPage,
)

from redcross_desktop.ui.qt_i18n import install_qt_translations

EDIT_MENU = ["&Hoàn tác", "&Làm lại", "&Cắt", "&Sao chép", "&Dán", "Xóa", "Chọn tất cả"]


@pytest.fixture
def vietnamese(qapp: QApplication) -> Iterator[None]:
    assert install_qt_translations(qapp, "vi") is not None
    yield
    install_qt_translations(qapp, "en")  # removes it: other tests expect Qt's English


def action_texts(menu: QMenu) -> list[str]:
    """The visible texts, without the "\tCtrl+Z" shortcut Qt appends."""
    return [action.text().split("\t")[0] for action in menu.actions() if not action.isSeparator()]


def test_the_line_edit_menu_is_vietnamese(vietnamese: None, qtbot) -> None:
    edit = QLineEdit("Nguyễn Văn Đức")
    qtbot.addWidget(edit)
    menu = edit.createStandardContextMenu()
    assert action_texts(menu) == EDIT_MENU


@pytest.mark.parametrize("kind", [QPlainTextEdit, QTextEdit])
def test_the_text_edit_menus_are_vietnamese(vietnamese: None, qtbot, kind: type) -> None:
    edit = kind()
    edit.setPlainText("Ghi chú")
    qtbot.addWidget(edit)
    menu = edit.createStandardContextMenu()
    assert action_texts(menu) == EDIT_MENU


def test_the_spin_box_menu_steps_up_and_down_in_vietnamese(vietnamese: None, qtbot) -> None:
    spin = QSpinBox()
    spin.setRange(0, 10)
    spin.setValue(5)
    qtbot.addWidget(spin)
    spin.show()
    shown: list[list[str]] = []

    def on_menu_shown() -> None:
        menu = next(w for w in QApplication.topLevelWidgets() if isinstance(w, QMenu) and w.isVisible())
        shown.append(action_texts(menu))
        menu.close()

    QTimer.singleShot(0, on_menu_shown)
    event = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, QPoint(5, 5), spin.mapToGlobal(QPoint(5, 5)))
    QApplication.sendEvent(spin, event)  # runs the menu's own event loop until on_menu_shown closes it
    assert shown and shown[0][-3:] == ["&Chọn tất cả", "&Tăng lên", "&Giảm xuống"]
    assert "&Dán" in shown[0]


def test_standard_buttons_wizard_and_message_box_are_vietnamese(vietnamese: None, qtbot) -> None:
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    qtbot.addWidget(box)
    assert box.button(QDialogButtonBox.StandardButton.Ok).text() == "Đồng ý"
    assert box.button(QDialogButtonBox.StandardButton.Cancel).text() == "Bỏ qua"
    wizard = QWizard()
    wizard.addPage(QWizardPage())
    wizard.addPage(QWizardPage())
    qtbot.addWidget(wizard)
    assert wizard.buttonText(QWizard.WizardButton.NextButton) == "&Tiếp >"
    assert wizard.buttonText(QWizard.WizardButton.BackButton) == "< &Quay lại"
    assert wizard.buttonText(QWizard.WizardButton.FinishButton) == "&Hoàn tất"
    assert wizard.buttonText(QWizard.WizardButton.CancelButton) == "Bỏ qua"
    message = QMessageBox(QMessageBox.Icon.Warning, "Lỗi", "Có lỗi", QMessageBox.StandardButton.Close)
    message.setDetailedText("chi tiết")
    qtbot.addWidget(message)
    assert message.button(QMessageBox.StandardButton.Close).text() == "Đóng"
    details = [
        b.text() for b in message.buttons() if b is not message.button(QMessageBox.StandardButton.Close)
    ]
    assert details == ["Xem chi tiết..."]


def test_english_keeps_qts_own_texts(qapp: QApplication, qtbot) -> None:
    install_qt_translations(qapp, "vi")
    assert install_qt_translations(qapp, "en") is None
    edit = QLineEdit("x")
    qtbot.addWidget(edit)
    assert action_texts(edit.createStandardContextMenu())[:2] == ["&Undo", "&Redo"]
