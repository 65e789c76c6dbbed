# SPDX-License-Identifier: MIT
"""Cài đặt: the branch's details, the interface language, dues and report settings, the blood
donors' honour ladder, the signing key, and the data folder with its backups. Qt is imported here.

Each card saves on its own button, in one transaction, and says so beside the button; nothing is
saved by merely typing.
"""

from __future__ import annotations

import io
import re
from datetime import datetime
from pathlib import Path
from typing import Any

import segno
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices, QPixmap, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...core.errors import RedCrossError, ValidationError
from ...core.i18n import LANGUAGES, N_, _
from ...core.paths import AppPaths
from ...core.vn import validate_phone
from ...services.branch import BranchRow
from ...services.container import Services
from ...services.keys import KeyRow
from ...services.maintenance import backup_store, store_file
from ...services.settings import HonourLevel
from ..errors import show_error
from ..qt_i18n import translate_buttons
from ..state import UiState
from ..style import muted_label, set_primary, title_label
from ..tasks import Op, Runner
from ..widgets.amount_edit import AmountEdit
from ..widgets.hint import Hint, mark_invalid
from ..widgets.passphrase import PassphraseFields

LANGUAGE_NAMES = {"vi": "Tiếng Việt", "en": "English"}  # each in its own language
_EMAIL_RE = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")

BRANCH_FIELDS: tuple[tuple[str, str], ...] = (
    ("name", N_("Tên chi hội (*)")),
    ("parent_line", N_("Cơ quan cấp trên")),
    ("place_name", N_("Địa danh")),
    ("address", N_("Địa chỉ")),
    ("phone", N_("Điện thoại")),
    ("email", N_("Thư điện tử")),
    ("chair_name", N_("Chủ tịch Hội")),
    ("chair_title", N_("Chức danh người ký")),
    ("vice_chair_name", N_("Phó Chủ tịch")),
    ("officer_name", N_("Cán bộ phụ trách")),
    ("officer_title", N_("Chức danh cán bộ")),
)

LADDER_COLUMNS = ("count", "award", "body", "rule")
QR_PIXELS = 132


def _card(title: str) -> tuple[QFrame, QVBoxLayout]:
    card = QFrame()
    card.setObjectName("card")
    layout = QVBoxLayout(card)
    layout.setContentsMargins(18, 14, 18, 16)
    layout.setSpacing(8)
    heading = QLabel(title)
    heading.setObjectName("subTitle")
    layout.addWidget(heading)
    return card, layout


def _path_field(path: Path | str) -> QLineEdit:
    """A read-only line: a long path scrolls inside it instead of widening the page."""
    edit = QLineEdit(str(path))
    edit.setReadOnly(True)
    edit.setCursorPosition(0)
    return edit


def _stamp() -> str:
    return datetime.now().strftime("%H:%M")


class NewKeyDialog(QDialog):
    """Asks the passphrase twice and creates the branch's signing key."""

    def __init__(self, services: Services, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._runner = runner
        self.created: KeyRow | None = None
        self.setWindowTitle(_("Tạo khóa ký"))
        self.setMinimumWidth(560)
        explain = QLabel(
            _(
                "Khóa ký xác nhận các gói dữ liệu chi hội gửi lên cấp trên. Đặt một mật khẩu để bảo vệ "
                "khóa; phần mềm hỏi mật khẩu này mỗi lần xuất gói dữ liệu."
            )
        )
        explain.setWordWrap(True)
        self.fields = PassphraseFields()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        translate_buttons(self.buttons)
        self.create_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.create_button.setText(_("Tạo khóa"))
        self.create_button.setDefault(True)
        set_primary(self.create_button)
        self.create_button.setEnabled(False)
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)
        self.fields.changed.connect(self._on_fields_changed)
        layout = QVBoxLayout(self)
        layout.addWidget(explain)
        layout.addWidget(self.fields)
        layout.addWidget(
            muted_label(
                _(
                    "Mật khẩu không được lưu ở đâu cả. Nếu quên, phải tạo khóa mới và đăng ký lại "
                    "với cấp tỉnh."
                )
            )
        )
        layout.addWidget(self.buttons)
        self.fields.first.setFocus()

    def _on_fields_changed(self) -> None:
        self.create_button.setEnabled(self.fields.passphrase() is not None)

    def _on_buttons_accepted(self) -> None:
        passphrase = self.fields.passphrase()
        if passphrase is None:
            return
        keys = self._services.keys
        self.create_button.setEnabled(False)
        (
            Op(self, lambda _p: keys.create(passphrase), writes=True)
            .with_progress(_("Đang tạo khóa ký…"), cancellable=False)
            .success(self._on_created)
            .failure(self._on_failed)
            .run(self._runner)
        )

    def _on_created(self, key: KeyRow) -> None:
        self.created = key
        self.fields.clear()
        self.accept()

    def _on_failed(self, error: RedCrossError) -> None:
        self.create_button.setEnabled(self.fields.passphrase() is not None)
        show_error(self, error)


class SettingsSection(QWidget):
    def __init__(
        self,
        services: Services,
        runner: Runner,
        *,
        paths: AppPaths | None = None,
        state: UiState | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._runner = runner
        database = store_file(services.engine)
        if paths is None:
            paths = AppPaths.under(database.parent) if database is not None else AppPaths.default()
        self._paths = paths
        self._database = database
        self._state = state if state is not None else UiState.for_paths(paths)
        self.key_dialog: NewKeyDialog | None = None

        page = QWidget()
        grid = QGridLayout(page)
        grid.setContentsMargins(24, 20, 24, 20)
        grid.setHorizontalSpacing(14)
        grid.setVerticalSpacing(14)
        grid.addWidget(title_label(_("Cài đặt")), 0, 0, 1, 2)
        grid.addWidget(self._branch_card(), 1, 0, 2, 1)
        right = QVBoxLayout()
        right.setSpacing(14)
        right.addWidget(self._key_card())
        right.addWidget(self._data_card())
        right.addStretch(1)
        grid.addLayout(right, 1, 1, 2, 1)
        grid.addWidget(self._rates_card(), 3, 0)
        language = QVBoxLayout()
        language.addWidget(self._language_card())
        language.addStretch(1)
        grid.addLayout(language, 3, 1)
        grid.addWidget(self._ladder_card(), 4, 0, 1, 2)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        grid.setRowStretch(5, 1)

        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(page)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        self.scroll_area = scroll

    def showEvent(self, event: QShowEvent) -> None:
        # The key may have been created elsewhere meanwhile (first bundle export, certificates).
        self._show_key(self._services.keys.show())
        super().showEvent(event)

    # ---- branch details ---------------------------------------------------------------------

    def _branch_card(self) -> QFrame:
        card, layout = _card(_("Thông tin chi hội"))
        branch = self._services.branches.get()
        area = (
            f"{branch.commune_name} ({branch.commune_code}), {branch.province_name}"
            if branch.commune_name
            else f"{branch.province_name} ({branch.province_code})"
        )
        level = _("cấp tỉnh/thành phố") if branch.is_province else _("cấp xã/phường")
        layout.addWidget(
            muted_label(
                _("Mã chi hội {code}, {level}: {area}. Địa bàn và mã không đổi được.").format(
                    code=branch.branch_code, level=level, area=area
                )
            )
        )
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.setVerticalSpacing(6)
        self.branch_edits: dict[str, QLineEdit] = {}
        self.branch_hints: dict[str, Hint] = {}
        for key, title in BRANCH_FIELDS:
            edit = QLineEdit()
            self.branch_edits[key] = edit
            label = QLabel(_(title))
            if key in ("name", "phone", "email"):
                hint = Hint()
                self.branch_hints[key] = hint
                column = QVBoxLayout()
                column.setSpacing(2)
                column.addWidget(edit)
                column.addWidget(hint)
                form.addRow(label, column)
            else:
                form.addRow(label, edit)
        layout.addLayout(form)
        self.branch_edits["place_name"].setPlaceholderText(
            _("Ghi trước ngày tháng văn bản, ví dụ: Hoàn Kiếm")
        )
        self.branch_edits["parent_line"].setPlaceholderText(
            _("Dòng đầu văn bản, ví dụ: HỘI CTĐ THÀNH PHỐ HÀ NỘI")
        )
        self.save_branch_button = QPushButton(_("Lưu thông tin chi hội"))
        set_primary(self.save_branch_button)
        self.save_branch_button.clicked.connect(self._on_save_branch_button_clicked)
        self.branch_status = muted_label("")
        row = QHBoxLayout()
        row.addWidget(self.save_branch_button)
        row.addWidget(self.branch_status, 1)
        layout.addLayout(row)
        layout.addStretch(1)
        self._fill_branch(branch)
        for key in ("name", "phone", "email"):
            self.branch_edits[key].textChanged.connect(self._on_branch_checked_text_changed)
        return card

    def _fill_branch(self, branch: BranchRow) -> None:
        for key, edit in self.branch_edits.items():
            edit.setText(str(getattr(branch, key)))
            edit.setCursorPosition(0)

    def _branch_errors(self) -> dict[str, str]:
        errors: dict[str, str] = {}
        if not self.branch_edits["name"].text().strip():
            errors["name"] = _("Hãy nhập tên chi hội.")
        phone = self.branch_edits["phone"].text().strip()
        if phone:
            check = validate_phone(phone)
            if not check.valid:
                errors["phone"] = check.message or _("Số điện thoại không hợp lệ.")
        email = self.branch_edits["email"].text().strip()
        if email and not _EMAIL_RE.fullmatch(email):
            errors["email"] = _("Địa chỉ thư điện tử chưa đúng, ví dụ: ctd.hoankiem@gmail.com")
        return errors

    def _show_branch_errors(self, errors: dict[str, str]) -> None:
        for key, hint in self.branch_hints.items():
            hint.show_text(errors.get(key, ""))
            mark_invalid(self.branch_edits[key], key in errors)

    def _on_branch_checked_text_changed(self, _text: str) -> None:
        self.branch_status.setText("")
        self._show_branch_errors(self._branch_errors())

    def _on_save_branch_button_clicked(self) -> None:
        errors = self._branch_errors()
        self._show_branch_errors(errors)
        if errors:
            self.branch_edits[next(iter(errors))].setFocus()
            return
        changes = {key: edit.text() for key, edit in self.branch_edits.items()}
        branches = self._services.branches
        self.save_branch_button.setEnabled(False)
        (
            Op(self, lambda _p: branches.update(**changes), writes=True)
            .success(self._on_branch_saved)
            .failure(self._on_branch_save_failed)
            .run(self._runner)
        )

    def _on_branch_saved(self, branch: BranchRow) -> None:
        self.save_branch_button.setEnabled(True)
        self._services.branch = branch  # other sections read the branch from here
        self._fill_branch(branch)
        self.branch_status.setText(_("Đã lưu lúc {time}.").format(time=_stamp()))

    def _on_branch_save_failed(self, error: RedCrossError) -> None:
        self.save_branch_button.setEnabled(True)
        if isinstance(error, ValidationError) and set(error.fields) <= set(self.branch_hints):
            self._show_branch_errors(dict(error.fields))
            return
        show_error(self, error)

    # ---- language ---------------------------------------------------------------------------

    def _language_card(self) -> QFrame:
        card, layout = _card(_("Ngôn ngữ giao diện"))
        self.language = QComboBox()
        for lang in LANGUAGES:
            self.language.addItem(LANGUAGE_NAMES.get(lang, lang), lang)
        self.language.setCurrentIndex(max(0, self.language.findData(self._state.language_or_default())))
        self.language.currentIndexChanged.connect(self._on_language_current_index_changed)
        self.language_status = muted_label(_("Ngôn ngữ mới có hiệu lực từ lần mở phần mềm sau."))
        row = QHBoxLayout()
        row.addWidget(self.language)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addWidget(self.language_status)
        return card

    def _on_language_current_index_changed(self, _index: int) -> None:
        lang = self.language.currentData()
        self._state.set_language(lang)
        self.language_status.setText(
            _("Đã lưu. Hãy đóng và mở lại phần mềm để dùng {language}.").format(
                language=LANGUAGE_NAMES.get(lang, lang)
            )
        )

    # ---- data folder and backups ------------------------------------------------------------

    def _data_card(self) -> QFrame:
        card, layout = _card(_("Dữ liệu và sao lưu"))
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        where = self._database if self._database is not None else self._services.engine.url.render_as_string()
        form.addRow(_("Tệp dữ liệu"), _path_field(where))
        form.addRow(_("Thư mục sao lưu"), _path_field(self._paths.backup_dir))
        form.addRow(_("Thư mục nhật ký"), _path_field(self._paths.log_dir))
        layout.addLayout(form)
        self.backup_button = QPushButton(_("Sao lưu ngay"))
        self.backup_button.clicked.connect(self._on_backup_button_clicked)
        self.open_backups_button = QPushButton(_("Mở thư mục sao lưu"))
        self.open_backups_button.clicked.connect(self._on_open_backups_button_clicked)
        self.open_logs_button = QPushButton(_("Mở thư mục nhật ký"))
        self.open_logs_button.clicked.connect(self._on_open_logs_button_clicked)
        row = QHBoxLayout()
        row.addWidget(self.backup_button)
        row.addWidget(self.open_backups_button)
        row.addWidget(self.open_logs_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.backup_status = muted_label(
            _("Nên sao lưu mỗi tuần và chép thư mục sao lưu sang USB hoặc máy khác.")
        )
        layout.addWidget(self.backup_status)
        self.last_backup: Path | None = None
        return card

    def _on_backup_button_clicked(self) -> None:
        engine, paths = self._services.engine, self._paths
        self.backup_button.setEnabled(False)
        # The writer thread: no write of this app lands halfway through the copy.
        (
            Op(self, lambda _p: backup_store(engine, paths), writes=True)
            .with_progress(_("Đang sao lưu dữ liệu…"), cancellable=False)
            .success(self._on_backed_up)
            .failure(self._on_backup_failed)
            .run(self._runner)
        )

    def _on_backed_up(self, path: Path) -> None:
        self.backup_button.setEnabled(True)
        self.last_backup = path
        self.backup_status.setText(
            _("Đã sao lưu lúc {time} vào tệp {name}.").format(time=_stamp(), name=path.name)
        )

    def _on_backup_failed(self, error: RedCrossError) -> None:
        self.backup_button.setEnabled(True)
        show_error(self, error)

    def _on_open_backups_button_clicked(self) -> None:
        self._paths.backup_dir.mkdir(parents=True, exist_ok=True)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self._paths.backup_dir)))

    def _on_open_logs_button_clicked(self) -> None:
        self._paths.log_dir.mkdir(parents=True, exist_ok=True)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self._paths.log_dir)))

    # ---- dues, report and amounts in words --------------------------------------------------

    def _rates_card(self) -> QFrame:
        card, layout = _card(_("Hội phí, báo cáo và biên nhận"))
        settings = self._services.settings
        self._dues: dict[str, Any] = dict(settings.get("dues") or {})
        self._report: dict[str, Any] = dict(settings.get("report") or {})
        self._words: dict[str, Any] = dict(settings.get("amount_in_words") or {})
        self.dues_rate = AmountEdit(
            int(self._dues.get("monthly_rate_vnd", 0)), required=True, allow_zero=False
        )
        self.exemption_cap = QSpinBox()
        self.exemption_cap.setRange(0, 100)
        self.exemption_cap.setSuffix(" %")
        self.exemption_cap.setValue(int(self._dues.get("exemption_cap_percent", 10)))
        self.deadline_day = QSpinBox()
        self.deadline_day.setRange(1, 28)
        self.deadline_day.setValue(int(self._report.get("deadline_day", 5)))
        self.words = QComboBox()
        self.words.addItem(_("Miền Bắc: “một nghìn không trăm linh năm”"), False)
        self.words.addItem(_("Miền Nam: “một ngàn không trăm lẻ năm”"), True)
        self.words.setCurrentIndex(1 if self._words.get("southern") else 0)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.addRow(_("Hội phí mỗi tháng (đồng/hội viên)"), self.dues_rate)
        form.addRow(_("Tỷ lệ miễn hội phí tối đa"), self._with_note(self.exemption_cap, _("số hội viên")))
        form.addRow(_("Hạn nộp báo cáo tháng"), self._with_note(self.deadline_day, _("ngày của tháng sau")))
        form.addRow(_("Số tiền bằng chữ"), self.words)
        layout.addLayout(form)
        self.save_rates_button = QPushButton(_("Lưu các mức"))
        self.save_rates_button.clicked.connect(self._on_save_rates_button_clicked)
        self.rates_status = muted_label("")
        row = QHBoxLayout()
        row.addWidget(self.save_rates_button)
        row.addWidget(self.rates_status, 1)
        layout.addLayout(row)
        layout.addStretch(1)
        return card

    @staticmethod
    def _with_note(field: QWidget, note: str) -> QHBoxLayout:
        row = QHBoxLayout()
        row.addWidget(field)
        row.addWidget(QLabel(note))
        row.addStretch(1)
        return row

    def _on_save_rates_button_clicked(self) -> None:
        if not self.dues_rate.check():
            self.dues_rate.setFocus()
            return
        rate = self.dues_rate.value()
        assert rate is not None
        values = {
            "dues": {
                **self._dues,
                "monthly_rate_vnd": rate,
                "exemption_cap_percent": self.exemption_cap.value(),
            },
            "report": {**self._report, "deadline_day": self.deadline_day.value()},
            "amount_in_words": {**self._words, "southern": bool(self.words.currentData())},
        }
        settings = self._services.settings
        self.save_rates_button.setEnabled(False)
        (
            Op(self, lambda _p: settings.set_many(values), writes=True)
            .success(lambda _none: self._on_rates_saved(values))
            .failure(self._on_rates_save_failed)
            .run(self._runner)
        )

    def _on_rates_saved(self, values: dict[str, dict[str, Any]]) -> None:
        self.save_rates_button.setEnabled(True)
        self._dues, self._report, self._words = values["dues"], values["report"], values["amount_in_words"]
        self.rates_status.setText(_("Đã lưu lúc {time}.").format(time=_stamp()))

    def _on_rates_save_failed(self, error: RedCrossError) -> None:
        self.save_rates_button.setEnabled(True)
        show_error(self, error)

    # ---- signing key ------------------------------------------------------------------------

    def _key_card(self) -> QFrame:
        card, layout = _card(_("Khóa ký"))
        self.key_text = QLabel()
        self.key_text.setWordWrap(True)
        self.key_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.qr = QLabel()
        self.qr.setFixedSize(QR_PIXELS, QR_PIXELS)
        self.qr.setScaledContents(True)
        row = QHBoxLayout()
        self.key_text.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        row.addWidget(self.key_text, 1)
        row.addWidget(self.qr, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(row)
        self.key_note = muted_label("")
        layout.addWidget(self.key_note)
        self.new_key_button = QPushButton(_("Tạo khóa ký"))
        self.new_key_button.clicked.connect(self._on_new_key_button_clicked)
        buttons = QHBoxLayout()
        buttons.addWidget(self.new_key_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        layout.addStretch(1)
        self._show_key(self._services.keys.show())
        return card

    def _show_key(self, key: KeyRow | None) -> None:
        self.key = key
        if key is None:
            self.key_text.setText(_("Chi hội chưa có khóa ký."))
            self.key_note.setText(
                _(
                    "Cần khóa ký để xuất gói dữ liệu gửi cấp trên. Bấm “Tạo khóa ký”, đặt mật khẩu, rồi chép "
                    "mã vân tay vào phiếu đăng ký khóa gửi Hội cấp tỉnh."
                )
            )
            self.qr.hide()
            self.new_key_button.show()
            return
        self.key_text.setText(
            _("Mã khóa: {key_id}<br>Mã vân tay:<br><b>{fingerprint}</b><br>Tạo ngày: {day}").format(
                key_id=key.key_id,
                fingerprint=key.fingerprint.replace(" / ", " /<br>"),
                day=key.created_at.strftime("%d/%m/%Y") if key.created_at else "",
            )
        )
        self.key_text.setToolTip(key.qr_text)
        self.key_note.setText(
            _("Mã QR chứa khóa công khai để Hội cấp tỉnh quét khi đăng ký. Mật khẩu không nằm trong mã.")
        )
        self._set_qr(key.qr_text)
        self.qr.show()
        self.new_key_button.hide()

    def _set_qr(self, text: str) -> None:
        png = io.BytesIO()
        segno.make_qr(text, error="m").save(png, kind="png", scale=4, border=2)
        image = QPixmap()
        image.loadFromData(png.getvalue(), "PNG")
        self.qr.setPixmap(image)

    def _on_new_key_button_clicked(self) -> None:
        self.key_dialog = NewKeyDialog(self._services, self._runner, self)
        self.key_dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.key_dialog.accepted.connect(self._on_key_dialog_accepted)
        self.key_dialog.open()

    def _on_key_dialog_accepted(self) -> None:
        dialog = self.key_dialog
        if dialog is not None and dialog.created is not None:
            self._show_key(dialog.created)

    # ---- honour ladder ----------------------------------------------------------------------

    def _ladder_card(self) -> QFrame:
        card, layout = _card(_("Bậc tôn vinh người hiến máu"))
        layout.addWidget(
            muted_label(
                _(
                    "Số lần hiến máu để được đề nghị tôn vinh và hình thức tôn vinh ở mỗi bậc. Hãy đối chiếu "
                    "với quy định hiện hành của Ban Chỉ đạo hiến máu tình nguyện tỉnh."
                )
            )
        )
        self.ladder = QTableWidget(0, len(LADDER_COLUMNS))
        self.ladder.setHorizontalHeaderLabels(
            [_("Số lần hiến"), _("Hình thức tôn vinh"), _("Cơ quan khen"), _("Căn cứ")]
        )
        self.ladder.verticalHeader().hide()
        self.ladder.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.ladder.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.ladder.setWordWrap(False)
        header = self.ladder.horizontalHeader()
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.ladder.setColumnWidth(0, 100)
        self.ladder.setColumnWidth(2, 380)
        self.ladder.setColumnWidth(3, 170)
        self.ladder.setMinimumHeight(self.fontMetrics().height() * 10)
        self.ladder.itemChanged.connect(self._on_ladder_item_changed)
        layout.addWidget(self.ladder)
        self.ladder_hint = Hint()
        layout.addWidget(self.ladder_hint)
        self.add_level_button = QPushButton(_("Thêm bậc"))
        self.add_level_button.clicked.connect(self._on_add_level_button_clicked)
        self.remove_level_button = QPushButton(_("Bỏ bậc đã chọn"))
        self.remove_level_button.clicked.connect(self._on_remove_level_button_clicked)
        self.save_ladder_button = QPushButton(_("Lưu bậc tôn vinh"))
        self.save_ladder_button.clicked.connect(self._on_save_ladder_button_clicked)
        self.ladder_status = muted_label("")
        row = QHBoxLayout()
        row.addWidget(self.add_level_button)
        row.addWidget(self.remove_level_button)
        row.addWidget(self.save_ladder_button)
        row.addWidget(self.ladder_status, 1)
        layout.addLayout(row)
        self._fill_ladder(self._services.settings.honour_ladder())
        return card

    def _fill_ladder(self, levels: list[HonourLevel]) -> None:
        self.ladder.blockSignals(True)
        self.ladder.setRowCount(0)
        for level in levels:
            self._append_level(level)
        self.ladder.blockSignals(False)

    def _append_level(self, level: HonourLevel | None) -> int:
        row = self.ladder.rowCount()
        self.ladder.insertRow(row)
        values = (
            ("", "", "", "") if level is None else (str(level.count), level.award, level.body, level.rule)
        )
        for column, value in enumerate(values):
            item = QTableWidgetItem(value)
            if column == 0:
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            self.ladder.setItem(row, column, item)
        return row

    def ladder_levels(self) -> tuple[list[HonourLevel], list[str]]:
        """The rows as levels, and what is wrong with them (count not a number, award missing)."""
        levels: list[HonourLevel] = []
        problems: list[str] = []
        for row in range(self.ladder.rowCount()):
            texts = [
                (item.text().strip() if (item := self.ladder.item(row, column)) is not None else "")
                for column in range(len(LADDER_COLUMNS))
            ]
            if not any(texts):
                continue  # an added row left empty is ignored
            count = int(texts[0]) if texts[0].isdigit() else 0
            if count < 1:
                problems.append(_("Dòng {n}: số lần hiến phải là số nguyên dương.").format(n=row + 1))
            if not texts[1]:
                problems.append(_("Dòng {n}: hãy ghi hình thức tôn vinh.").format(n=row + 1))
            levels.append(HonourLevel(count, texts[1], texts[2], texts[3]))
        return levels, problems

    def _on_ladder_item_changed(self, _item: QTableWidgetItem) -> None:
        self.ladder_status.setText("")
        _levels, problems = self.ladder_levels()
        self.ladder_hint.show_text(" ".join(problems))

    def _on_add_level_button_clicked(self) -> None:
        self.ladder.blockSignals(True)
        row = self._append_level(None)
        self.ladder.blockSignals(False)
        self.ladder.setCurrentCell(row, 0)
        self.ladder.setFocus()
        first = self.ladder.item(row, 0)
        if first is not None:
            self.ladder.editItem(first)

    def _on_remove_level_button_clicked(self) -> None:
        row = self.ladder.currentRow()
        if row >= 0:
            self.ladder.removeRow(row)
            self._on_ladder_item_changed(QTableWidgetItem())

    def _on_save_ladder_button_clicked(self) -> None:
        levels, problems = self.ladder_levels()
        if problems:
            self.ladder_hint.show_text(" ".join(problems))
            return
        settings = self._services.settings
        self.save_ladder_button.setEnabled(False)
        (
            Op(self, lambda _p: settings.set_honour_ladder(levels), writes=True)
            .success(self._on_ladder_saved)
            .failure(self._on_ladder_save_failed)
            .run(self._runner)
        )

    def _on_ladder_saved(self, levels: list[HonourLevel]) -> None:
        self.save_ladder_button.setEnabled(True)
        self._fill_ladder(levels)
        self.ladder_hint.clear_hint()
        self.ladder_status.setText(_("Đã lưu lúc {time}.").format(time=_stamp()))

    def _on_ladder_save_failed(self, error: RedCrossError) -> None:
        self.save_ladder_button.setEnabled(True)
        if isinstance(error, ValidationError):
            self.ladder_hint.show_text(error.message)
            return
        show_error(self, error)
