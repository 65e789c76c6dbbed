# SPDX-License-Identifier: MIT
"""The first-run wizard: language, level (commune or province), the area from the official 2025
list, the branch's details, and its signing key; or "open the demo branch". Qt is imported here.

The store and the key are created when the officer leaves the signing-key page (a commit page: no
going back), on the writer thread through `bootstrap.init_store`; the last page then shows the
key's fingerprint, which the officer writes on the key registration form for the province.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import (
    QApplication,
    QButtonGroup,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from ..bootstrap import init_store
from ..core.errors import RedCrossError
from ..core.i18n import SOURCE_LANGUAGE, _, set_language
from ..core.paths import AppPaths
from ..core.vn import validate_phone
from ..domain.areas import Area, communes, provinces
from ..services.branch import suggested_details
from ..services.container import Services
from ..services.keys import KeyRow
from .errors import show_error
from .qt_i18n import install_qt_translations
from .state import UiState
from .style import muted_label, set_primary
from .tasks import Op, Runner
from .widgets.area_picker import AreaPicker
from .widgets.hint import Hint, mark_invalid, repolish
from .widgets.passphrase import PassphraseFields

WIZARD_SIZE = (820, 600)  # fits a 1366×768 screen with room around it

# Language names are written in their own language, so each reader finds theirs.
LANGUAGE_NAMES = {"vi": "Tiếng Việt", "en": "English"}

DETAIL_FIELDS = ("name", "address", "phone", "chair_name", "officer_name", "officer_title")


@dataclass(frozen=True)
class BranchRequest:
    """Everything the wizard collected for `init_store`."""

    province: str
    commune: str | None
    mode: str
    details: dict[str, str] = field(default_factory=dict)


def create_branch_with_key(
    db: str | Path, paths: AppPaths, request: BranchRequest, passphrase: str
) -> tuple[Services, KeyRow]:
    """Runs on the writer thread: the branch store, then its signing key."""
    services = init_store(
        db, paths, province=request.province, commune=request.commune, mode=request.mode, **request.details
    )
    try:
        key = services.keys.create(passphrase)
    except BaseException:
        services.close()
        raise
    return services, key


class _Page(QWizardPage):
    def retranslate(self) -> None:
        raise NotImplementedError

    @property
    def setup(self) -> FirstRunWizard:
        wizard = self.wizard()
        assert isinstance(wizard, FirstRunWizard)
        return wizard


class LanguagePage(_Page):
    def __init__(self) -> None:
        super().__init__()
        self.group = QButtonGroup(self)
        self.radios: dict[str, QRadioButton] = {}
        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        layout.addWidget(self.intro)
        for lang, name in LANGUAGE_NAMES.items():
            radio = QRadioButton(name)
            self.radios[lang] = radio
            self.group.addButton(radio)
            layout.addWidget(radio)
        layout.addSpacing(18)
        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        line.setFrameShadow(QFrame.Shadow.Sunken)
        layout.addWidget(line)
        self.demo_text = muted_label("")
        layout.addWidget(self.demo_text)
        self.demo_button = QPushButton()
        self.demo_button.setAutoDefault(False)  # Enter goes on with the wizard
        row = QHBoxLayout()
        row.addWidget(self.demo_button)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(1)
        for lang, radio in self.radios.items():
            radio.toggled.connect(lambda on, lang=lang: self._on_radio_toggled(lang, on))
        self.demo_button.clicked.connect(self._on_demo_button_clicked)

    def select(self, lang: str) -> None:
        self.radios.get(lang, self.radios[SOURCE_LANGUAGE]).setChecked(True)

    def language(self) -> str:
        return next((lang for lang, radio in self.radios.items() if radio.isChecked()), SOURCE_LANGUAGE)

    def retranslate(self) -> None:
        self.setTitle(_("Chào mừng đến với phần mềm quản lý Hội Chữ thập đỏ"))
        self.setSubTitle(_("Vài bước để khởi tạo chi hội trên máy này. Trước hết, chọn ngôn ngữ giao diện."))
        self.intro.setText(_("Ngôn ngữ giao diện (đổi lại được trong phần Cài đặt):"))
        self.demo_text.setText(
            _(
                "Chỉ muốn xem thử? Mở chi hội mẫu với dữ liệu giả để làm quen; chi hội thật vẫn khởi tạo "
                "được ở lần mở sau."
            )
        )
        self.demo_button.setText(_("Mở chi hội mẫu"))

    def _on_radio_toggled(self, lang: str, on: bool) -> None:
        if on:
            self.setup.use_language(lang)

    def _on_demo_button_clicked(self) -> None:
        self.setup.choose_demo()


class ModePage(_Page):
    def __init__(self) -> None:
        super().__init__()
        self.commune = QRadioButton()
        self.province = QRadioButton()
        self.commune.setChecked(True)
        self.commune_note = muted_label("")
        self.province_note = muted_label("")
        layout = QVBoxLayout(self)
        layout.setSpacing(6)
        for radio, note in ((self.commune, self.commune_note), (self.province, self.province_note)):
            layout.addWidget(radio)
            note.setContentsMargins(24, 0, 0, 10)
            layout.addWidget(note)
        layout.addStretch(1)

    def mode(self) -> str:
        return "province" if self.province.isChecked() else "commune"

    def retranslate(self) -> None:
        self.setTitle(_("Cấp của chi hội"))
        self.setSubTitle(_("Phần mềm dùng cho Hội cấp xã/phường hay Hội cấp tỉnh/thành phố?"))
        self.commune.setText(_("Hội Chữ thập đỏ cấp xã/phường (thường chọn)"))
        self.commune_note.setText(
            _("Ghi nhận quyên góp, cứu trợ, hiến máu, hội viên… của xã/phường và gửi số liệu lên tỉnh.")
        )
        self.province.setText(_("Hội Chữ thập đỏ cấp tỉnh/thành phố"))
        self.province_note.setText(
            _("Nhận gói dữ liệu của các xã/phường, theo dõi việc nộp báo cáo và tổng hợp toàn tỉnh.")
        )


class AreaPage(_Page):
    def __init__(self) -> None:
        super().__init__()
        self.province = AreaPicker()
        self.province.set_areas(provinces())
        self.commune = AreaPicker()
        self.province_label = QLabel()
        self.commune_label = QLabel()
        province_box = self._column(self.province_label, self.province)
        self.commune_box = self._column(self.commune_label, self.commune)
        layout = QHBoxLayout(self)
        layout.setSpacing(18)
        layout.addWidget(province_box, 1)
        layout.addWidget(self.commune_box, 1)
        self.province.chosen.connect(self._on_province_chosen)
        self.commune.chosen.connect(self._on_commune_chosen)

    @staticmethod
    def _column(label: QLabel, picker: AreaPicker) -> QWidget:
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(4)
        column.addWidget(label)
        column.addWidget(picker, 1)
        return box

    def initializePage(self) -> None:
        self.commune_box.setVisible(self.setup.mode_page.mode() == "commune")
        self.province.search.setFocus()

    def isComplete(self) -> bool:
        if self.province.area is None:
            return False
        return self.setup.mode_page.mode() == "province" or self.commune.area is not None

    def retranslate(self) -> None:
        self.setTitle(_("Địa bàn"))
        self.setSubTitle(
            _(
                "Chọn theo danh mục đơn vị hành chính 2025: gõ vài chữ của tên (không dấu cũng được) "
                "hoặc mã số."
            )
        )
        self.province_label.setText(_("Tỉnh/thành phố"))
        self.commune_label.setText(_("Xã/phường/đặc khu"))
        self.province.search.setPlaceholderText(_("Ví dụ: ha noi, hue, 79"))
        self.commune.search.setPlaceholderText(_("Ví dụ: hoan kiem, ba dinh"))
        for picker in (self.province, self.commune):
            picker.choose(picker.area)  # the "chosen" line in the new language

    def _on_province_chosen(self, area: Area | None) -> None:
        self.commune.set_areas(communes(area.code) if area else ())
        self.completeChanged.emit()

    def _on_commune_chosen(self, _area: Area | None) -> None:
        self.completeChanged.emit()


class DetailsPage(_Page):
    def __init__(self) -> None:
        super().__init__()
        self.edits = {key: QLineEdit() for key in DETAIL_FIELDS}
        self.name_hint = Hint()
        self.phone_hint = Hint()
        self.form = QFormLayout(self)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.form.setVerticalSpacing(8)
        for key, edit in self.edits.items():
            if key == "name":
                self.form.addRow(key, self._with_hint(edit, self.name_hint))
            elif key == "phone":
                self.form.addRow(key, self._with_hint(edit, self.phone_hint))
            else:
                self.form.addRow(key, edit)
        self._prefilled_for: tuple[str, str | None, str] | None = None
        self._suggested_name = ""
        self.edits["name"].textChanged.connect(self._on_name_text_changed)
        self.edits["phone"].textChanged.connect(self._on_phone_text_changed)

    @staticmethod
    def _with_hint(edit: QLineEdit, hint: Hint) -> QWidget:
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(edit)
        column.addWidget(hint)
        return box

    def initializePage(self) -> None:
        request = self.setup.area_choice()
        if request != self._prefilled_for:  # a new area: a new suggested name, unless one was typed
            suggested = suggested_details(*request[:2], mode=request[2])
            name = self.edits["name"]
            if not name.text().strip() or name.text() == self._suggested_name:
                name.setText(suggested["name"])
            self._suggested_name = suggested["name"]
            self._prefilled_for = request
        self.edits["name"].setFocus()

    def isComplete(self) -> bool:
        return bool(self.edits["name"].text().strip()) and not self._phone_error()

    def details(self) -> dict[str, str]:
        return {key: edit.text().strip() for key, edit in self.edits.items() if edit.text().strip()}

    def retranslate(self) -> None:
        self.setTitle(_("Thông tin chi hội"))
        self.setSubTitle(_("In trên biên nhận, báo cáo và giấy chứng nhận. Sửa lại được trong phần Cài đặt."))
        labels = {
            "name": _("Tên chi hội (*)"),
            "address": _("Địa chỉ"),
            "phone": _("Điện thoại"),
            "chair_name": _("Chủ tịch Hội"),
            "officer_name": _("Cán bộ phụ trách"),
            "officer_title": _("Chức danh cán bộ"),
        }
        for row, key in enumerate(DETAIL_FIELDS):
            item = self.form.itemAt(row, QFormLayout.ItemRole.LabelRole)
            label = item.widget() if item is not None else None
            if isinstance(label, QLabel):
                label.setText(labels[key])
        self.edits["address"].setPlaceholderText(_("Ví dụ: Số 1 phố Lý Thái Tổ"))
        self.edits["phone"].setPlaceholderText(_("Ví dụ: 02438250000"))
        self.edits["chair_name"].setPlaceholderText(_("Họ và tên, ký trên báo cáo và biên nhận"))
        self.edits["officer_name"].setPlaceholderText(_("Người dùng phần mềm hằng ngày"))
        self.edits["officer_title"].setPlaceholderText(_("Ví dụ: Cán bộ chuyên trách"))
        self._on_name_text_changed(self.edits["name"].text())
        self._on_phone_text_changed(self.edits["phone"].text())

    def _phone_error(self) -> str:
        text = self.edits["phone"].text().strip()
        if not text:
            return ""
        check = validate_phone(text)
        return "" if check.valid else (check.message or _("Số điện thoại không hợp lệ."))

    def _on_name_text_changed(self, text: str) -> None:
        empty = not text.strip()
        mark_invalid(self.edits["name"], empty)
        self.name_hint.show_text(_("Hãy nhập tên chi hội.") if empty else "")
        self.completeChanged.emit()

    def _on_phone_text_changed(self, _text: str) -> None:
        message = self._phone_error()
        mark_invalid(self.edits["phone"], bool(message))
        self.phone_hint.show_text(message)
        self.completeChanged.emit()


class KeyPage(_Page):
    """The commit page: leaving it creates the store and the key."""

    def __init__(self) -> None:
        super().__init__()
        self.setCommitPage(True)
        self.explain = QLabel()
        self.explain.setWordWrap(True)
        self.fields = PassphraseFields()
        self.warning = muted_label("")
        layout = QVBoxLayout(self)
        layout.setSpacing(12)
        layout.addWidget(self.explain)
        layout.addWidget(self.fields)
        layout.addWidget(self.warning)
        layout.addStretch(1)
        self.busy = False
        self._validating = False
        self.fields.changed.connect(self.completeChanged)

    def initializePage(self) -> None:
        self.fields.first.setFocus()

    def isComplete(self) -> bool:
        return not self.busy and (self.setup.services is not None or self.fields.passphrase() is not None)

    def retranslate(self) -> None:
        self.setTitle(_("Khóa ký của chi hội"))
        self.setSubTitle(_("Khóa ký xác nhận các gói dữ liệu chi hội gửi lên cấp trên là của chính chi hội."))
        self.explain.setText(
            _(
                "Đặt một mật khẩu để bảo vệ khóa ký. Phần mềm hỏi mật khẩu này mỗi lần xuất gói dữ liệu. "
                "Bấm “Tạo chi hội” để tạo dữ liệu và khóa ký trên máy này."
            )
        )
        self.warning.setText(
            _(
                "Mật khẩu không được lưu ở đâu cả. Nếu quên, phải tạo khóa mới và đăng ký lại với Hội "
                "cấp tỉnh, nên hãy ghi lại và cất ở nơi an toàn."
            )
        )
        self.fields.retranslate()

    def validatePage(self) -> bool:
        setup = self.setup
        if setup.services is not None:
            return True
        passphrase = self.fields.passphrase()
        if self.busy or passphrase is None:
            return False
        request = setup.request()
        db, paths = setup.db, setup.paths
        self.busy = True
        self.completeChanged.emit()
        self._validating = True
        try:
            (
                Op(self, lambda _p: create_branch_with_key(db, paths, request, passphrase), writes=True)
                .with_progress(_("Đang tạo chi hội và khóa ký…"), cancellable=False)
                .success(self._on_created)
                .failure(self._on_failed)
                .run(setup.runner)
            )
        finally:
            self._validating = False
        return setup.services is not None  # at once with an inline runner; later, `next()` below

    def _on_created(self, created: tuple[Services, KeyRow]) -> None:
        setup = self.setup
        setup.services, setup.key = created
        self.busy = False
        self.fields.clear()  # the passphrase is not kept in memory longer than needed
        if not self._validating:
            setup.next()

    def _on_failed(self, error: RedCrossError) -> None:
        self.busy = False
        self.completeChanged.emit()
        show_error(self, error)


class DonePage(_Page):
    def __init__(self) -> None:
        super().__init__()
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.fingerprint_label = QLabel()
        self.fingerprint = QLabel()
        self.fingerprint.setObjectName("fingerprint")
        self.fingerprint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        mono.setPointSizeF(max(mono.pointSizeF(), 10) * 1.5)
        mono.setWeight(QFont.Weight.DemiBold)
        self.fingerprint.setFont(mono)
        self.key_id = muted_label("")
        self.note = QLabel()
        self.note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        layout.addWidget(self.summary)
        layout.addSpacing(6)
        layout.addWidget(self.fingerprint_label)
        layout.addWidget(self.fingerprint)
        layout.addWidget(self.key_id)
        layout.addSpacing(6)
        layout.addWidget(self.note)
        layout.addStretch(1)

    def initializePage(self) -> None:
        self.retranslate()

    def retranslate(self) -> None:
        self.setTitle(_("Đã khởi tạo chi hội"))
        self.setSubTitle(_("Ghi lại mã vân tay của khóa ký trước khi bắt đầu."))
        setup = self.wizard()
        services = setup.services if isinstance(setup, FirstRunWizard) else None
        key = setup.key if isinstance(setup, FirstRunWizard) else None
        if services is not None:
            self.summary.setText(
                _("{name} (mã chi hội {code}) đã sẵn sàng.").format(
                    name=services.branch.name, code=services.branch.branch_code
                )
            )
        self.fingerprint_label.setText(_("Mã vân tay của khóa ký:"))
        if key is not None:
            self.fingerprint.setText(key.fingerprint)
            self.key_id.setText(_("Mã khóa: {key_id}").format(key_id=key.key_id))
        self.note.setText(
            _(
                "Hãy chép mã vân tay này vào phiếu đăng ký khóa ký gửi Hội Chữ thập đỏ cấp tỉnh. Khi nhận "
                "gói dữ liệu đầu tiên, cấp tỉnh sẽ đọc đối chiếu mã này với chi hội. Mã vân tay luôn xem lại "
                "được trong phần Cài đặt."
            )
        )


class FirstRunWizard(QWizard):
    """`exec()`, then: `services` is set when a branch was created (also if the window was closed
    on the last page), `demo_chosen` when the officer asked for the demo branch instead."""

    def __init__(
        self,
        db: str | Path,
        paths: AppPaths,
        runner: Runner,
        *,
        state: UiState | None = None,
        language: str = SOURCE_LANGUAGE,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.db = db
        self.paths = paths
        self.runner = runner
        self.state = state
        self.services: Services | None = None
        self.key: KeyRow | None = None
        self.demo_chosen = False
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self.resize(*WIZARD_SIZE)
        self.language_page = LanguagePage()
        self.mode_page = ModePage()
        self.area_page = AreaPage()
        self.details_page = DetailsPage()
        self.key_page = KeyPage()
        self.done_page = DonePage()
        self.pages: list[_Page] = [
            self.language_page,
            self.mode_page,
            self.area_page,
            self.details_page,
            self.key_page,
            self.done_page,
        ]
        for page in self.pages:
            self.addPage(page)
        self.language_page.select(language)  # also translates every page
        self.retranslate()

    def use_language(self, lang: str) -> None:
        """The wizard switches at once; the main window, built after it, opens in this language."""
        set_language(lang)
        app = QApplication.instance()
        if app is not None:
            install_qt_translations(app, lang)
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(_("Khởi tạo chi hội"))
        button = QWizard.WizardButton
        self.setButtonText(button.NextButton, _("Tiếp theo"))
        self.setButtonText(button.BackButton, _("Quay lại"))
        self.setButtonText(button.CancelButton, _("Thoát"))
        self.setButtonText(button.CommitButton, _("Tạo chi hội"))
        self.setButtonText(button.FinishButton, _("Bắt đầu sử dụng"))
        finish = self.button(button.FinishButton)
        commit = self.button(button.CommitButton)
        for primary in (finish, commit):
            set_primary(primary)
            repolish(primary)
        for page in self.pages:
            page.retranslate()

    def language(self) -> str:
        return self.language_page.language()

    def area_choice(self) -> tuple[str, str | None, str]:
        mode = self.mode_page.mode()
        province = self.area_page.province.area
        commune = self.area_page.commune.area if mode == "commune" else None
        return (province.code if province else "", commune.code if commune else None, mode)

    def request(self) -> BranchRequest:
        province, commune, mode = self.area_choice()
        return BranchRequest(province, commune, mode, self.details_page.details())

    def choose_demo(self) -> None:
        self.demo_chosen = True
        self.accept()

    def done(self, result: int) -> None:
        if self.state is not None and (result == QWizard.DialogCode.Accepted or self.services is not None):
            self.state.set_language(self.language())
        super().done(result)
