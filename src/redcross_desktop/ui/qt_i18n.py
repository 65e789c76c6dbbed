# SPDX-License-Identifier: MIT
"""Vietnamese (or English) texts for Qt's own widgets. Qt is imported here.

Qt ships no Vietnamese `qtbase` catalogue, so a standard button would read "Cancel" and the
right-click menu of every text field "&Undo, Cu&t, &Copy…". Two layers fix that:

- `install_qt_translations(app, language)` installs `QtVietnameseTranslator`, a `QTranslator`
  whose Python `translate()` answers Qt's own lookups from `QT_VI` — in effect the missing
  `qtbase_vi.qm`, keyed by Qt's real context names and source texts (found by logging the lookups
  of the real widgets: QLineEdit and QWidgetTextControl menus, QAbstractSpinBox, QPlatformTheme
  for standard buttons, QWizard, QMessageBox, QFileDialog). It is a table of Vietnamese, not
  gettext msgids: Qt's English is the source here, and English needs no translator at all.
- every QMessageBox and QDialogButtonBox we build also passes through `translate_buttons()`, so
  its buttons follow the app's language even where the translator is not installed.

"Cancel" becomes "Bỏ qua", never "Hủy", which in this app means voiding a document.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QTranslator
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox

from ..core.i18n import N_, _

_Button = QDialogButtonBox.StandardButton

BUTTON_TEXTS: dict[str, str] = {
    "Ok": N_("Đồng ý"),
    "Cancel": N_("Bỏ qua"),
    "Yes": N_("Có"),
    "No": N_("Không"),
    "Save": N_("Lưu"),
    "Close": N_("Đóng"),
    "Discard": N_("Không lưu"),
    "Apply": N_("Áp dụng"),
}


def translate_buttons(box: QDialogButtonBox | QMessageBox) -> None:
    """Sets the text of each standard button the box has; call after setting its buttons."""
    enum = QMessageBox.StandardButton if isinstance(box, QMessageBox) else _Button
    for name, text in BUTTON_TEXTS.items():
        button = box.button(getattr(enum, name))
        if button is not None:
            button.setText(_(text))


def button_box(buttons: QDialogButtonBox.StandardButton) -> QDialogButtonBox:
    box = QDialogButtonBox(buttons)
    translate_buttons(box)
    return box


_EDIT_MENU = {
    "&Undo": "&Hoàn tác",
    "&Redo": "&Làm lại",
    "Cu&t": "&Cắt",
    "&Copy": "&Sao chép",
    "&Paste": "&Dán",
    "Delete": "Xóa",
    "Select All": "Chọn tất cả",
    "Copy &Link Location": "Sao chép địa chỉ &liên kết",
    "Insert Unicode control character": "Chèn ký tự điều khiển Unicode",
}

# (Qt context, Qt source text) -> Vietnamese. Mnemonics (&) are kept on a letter of the new text.
QT_VI: dict[tuple[str, str], str] = {
    **{("QLineEdit", source): text for source, text in _EDIT_MENU.items()},
    **{("QWidgetTextControl", source): text for source, text in _EDIT_MENU.items()},
    ("QAbstractSpinBox", "&Select All"): "&Chọn tất cả",
    ("QAbstractSpinBox", "&Step up"): "&Tăng lên",
    ("QAbstractSpinBox", "Step &down"): "&Giảm xuống",
    # Standard buttons (QDialogButtonBox, QMessageBox) take their texts from the platform theme.
    ("QPlatformTheme", "OK"): "Đồng ý",
    ("QPlatformTheme", "Cancel"): "Bỏ qua",
    ("QPlatformTheme", "Close"): "Đóng",
    ("QPlatformTheme", "Save"): "Lưu",
    ("QPlatformTheme", "Save All"): "Lưu tất cả",
    ("QPlatformTheme", "Open"): "Mở",
    ("QPlatformTheme", "Discard"): "Không lưu",
    ("QPlatformTheme", "Apply"): "Áp dụng",
    ("QPlatformTheme", "Reset"): "Đặt lại",
    ("QPlatformTheme", "Restore Defaults"): "Khôi phục mặc định",
    ("QPlatformTheme", "Help"): "Trợ giúp",
    ("QPlatformTheme", "&Yes"): "&Có",
    ("QPlatformTheme", "Yes to &All"): "Có với &tất cả",
    ("QPlatformTheme", "&No"): "&Không",
    ("QPlatformTheme", "N&o to All"): "Không với tất &cả",
    ("QPlatformTheme", "Abort"): "Dừng",
    ("QPlatformTheme", "Retry"): "Thử lại",
    ("QPlatformTheme", "Ignore"): "Bỏ qua lỗi",
    ("QWizard", "< &Back"): "< &Quay lại",
    ("QWizard", "&Next >"): "&Tiếp >",
    ("QWizard", "&Next"): "&Tiếp",
    ("QWizard", "&Finish"): "&Hoàn tất",
    ("QWizard", "Cancel"): "Bỏ qua",
    ("QWizard", "Commit"): "Xác nhận",
    ("QWizard", "Help"): "Trợ giúp",
    ("QWizard", "&Help"): "&Trợ giúp",
    ("QWizard", "Go Back"): "Quay lại",
    ("QWizard", "Continue"): "Tiếp tục",
    ("QWizard", "Done"): "Xong",
    ("QMessageBox", "Show Details..."): "Xem chi tiết...",
    ("QMessageBox", "Hide Details..."): "Ẩn chi tiết...",
    # Qt's own file dialog (Linux without a desktop theme; Windows shows its native one).
    ("QFileDialog", "Open"): "Mở",
    ("QFileDialog", "&Open"): "&Mở",
    ("QFileDialog", "Save As"): "Lưu thành",
    ("QFileDialog", "&Save"): "&Lưu",
    ("QFileDialog", "&Choose"): "&Chọn",
    ("QFileDialog", "Find Directory"): "Chọn thư mục",
    ("QFileDialog", "&Look in:"): "&Tìm trong:",
    ("QFileDialog", "File &name:"): "&Tên tệp:",
    ("QFileDialog", "Files of &type:"): "&Loại tệp:",
    ("QFileDialog", "All Files (*)"): "Mọi tệp (*)",
    ("QFileDialog", "Files"): "Tệp",
    ("QFileDialog", "&New Folder"): "Thư mục &mới",
    ("QFileDialog", "New Folder"): "Thư mục mới",
    ("QFileDialog", "Create New Folder"): "Tạo thư mục mới",
    ("QFileDialog", "Create a New Folder"): "Tạo một thư mục mới",
    ("QFileDialog", "&Delete"): "&Xóa",
    ("QFileDialog", "&Rename"): "Đổi &tên",
    ("QFileDialog", "Show &hidden files"): "Hiện tệp &ẩn",
    ("QFileDialog", "Back"): "Lùi",
    ("QFileDialog", "Forward"): "Tới",
    ("QFileDialog", "Go back"): "Quay lại",
    ("QFileDialog", "Go forward"): "Đi tới",
    ("QFileDialog", "Parent Directory"): "Thư mục cha",
    ("QFileDialog", "Go to the parent directory"): "Lên thư mục cha",
    ("QFileDialog", "List View"): "Dạng danh sách",
    ("QFileDialog", "Detail View"): "Dạng chi tiết",
    ("QFileDialog", "Change to list view mode"): "Xem dạng danh sách",
    ("QFileDialog", "Change to detail view mode"): "Xem dạng chi tiết",
    ("QFileDialog", "Sidebar"): "Thanh bên",
    ("QFileDialog", "List of places and bookmarks"): "Các nơi và dấu trang",
    (
        "QFileDialog",
        "%1 already exists.\nDo you want to replace it?",
    ): "%1 đã có.\nBạn có muốn thay thế không?",
    ("QFileSystemModel", "Name"): "Tên",
    ("QFileSystemModel", "Size"): "Kích thước",
    ("QFileSystemModel", "Type"): "Loại",
    ("QFileSystemModel", "Date Modified"): "Ngày sửa",
    ("QFileSystemModel", "Computer"): "Máy tính",
    ("QAbstractFileIconProvider", "Drive"): "Ổ đĩa",
    ("QAbstractFileIconProvider", "Folder"): "Thư mục",
    ("QAbstractFileIconProvider", "File"): "Tệp",
}


class QtVietnameseTranslator(QTranslator):
    """Answers Qt's own text lookups from `QT_VI`; anything else falls through to Qt's English."""

    def translate(
        self, context: str, source_text: str, disambiguation: str | None = None, n: int = -1
    ) -> str | None:
        return QT_VI.get((context, source_text))

    def isEmpty(self) -> bool:  # noqa: N802 - Qt's name
        return False  # Qt skips a translator that says it is empty


_installed: list[QTranslator] = []  # a Python reference keeps the translator alive while installed


def install_qt_translations(app: QCoreApplication, language: str) -> QTranslator | None:
    """Gives Qt's own widgets the app's language; call once the language is known, before the
    widgets are built (Qt reads its texts when it creates them). Replaces an earlier install."""
    while _installed:
        app.removeTranslator(_installed.pop())
    if language != "vi":
        return None  # Qt's own texts are English already
    translator = QtVietnameseTranslator(app)
    app.installTranslator(translator)
    _installed.append(translator)
    return translator
