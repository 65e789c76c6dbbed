# SPDX-License-Identifier: MIT
"""Writing the report workbook (with its document number "Số: …/BC-CTĐ") and the public disclosure
workbook ("Bảng công khai", Decree 93/2021) to a file the officer chooses, in the background; then
an offer to open the folder. Qt is imported here."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from ...core.errors import RedCrossError
from ...core.i18n import _
from ...services.campaigns import CampaignRow
from ...services.container import Services
from ..errors import show_error
from ..qt_i18n import translate_buttons
from ..style import muted_label, set_primary
from ..tasks import Op, Runner
from ..widgets.date_edit import DateEdit
from ..widgets.hint import Hint, mark_invalid
from ..widgets.pdf_viewer import documents_folder

DEFAULT_SUFFIX = "BC-CTĐ"
CODE_ROLE = Qt.ItemDataRole.UserRole + 1  # a campaign's code, for the suggested file name


class SavePathField(QWidget):
    """A file name with "Chọn…" (a native save dialog). `path()` is None while empty."""

    def __init__(self, default: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = QLineEdit(str(default))
        self.choose_button = QPushButton(_("Chọn…"))
        self.choose_button.setAutoDefault(False)  # Enter writes the file, it does not browse
        self.edited = False
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.choose_button)
        self.setFocusProxy(self.edit)
        self.edit.textEdited.connect(self._on_edit_text_edited)
        self.choose_button.clicked.connect(self._on_choose_button_clicked)

    def path(self) -> Path | None:
        text = self.edit.text().strip()
        if not text:
            return None
        path = Path(text)
        return path if path.suffix.lower() == ".xlsx" else path.with_suffix(".xlsx")

    def suggest(self, name: str) -> None:
        """A new file name in the same folder, unless the officer typed a path of their own."""
        if self.edited:
            return
        current = self.path()
        folder = current.parent if current is not None else documents_folder()
        self.edit.setText(str(folder / name))

    def error(self) -> str:
        path = self.path()
        if path is None:
            return _("Hãy chọn nơi lưu tệp.")
        if not path.parent.is_dir():
            return _("Thư mục {folder} không tồn tại; hãy chọn nơi lưu khác.").format(folder=path.parent)
        return ""

    def _on_edit_text_edited(self, _text: str) -> None:
        self.edited = True

    def _on_choose_button_clicked(self) -> None:
        name, _filter = QFileDialog.getSaveFileName(
            self, _("Lưu tệp Excel"), self.edit.text(), _("Bảng tính Excel (*.xlsx)")
        )
        if name:
            self.edit.setText(name)
            self.edited = True


def open_folder(path: Path) -> bool:
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path.parent)))


def written_notice(parent: QWidget, path: Path, what: str) -> QMessageBox:
    """ "Đã xuất …" with "Mở thư mục" and "Đóng"; window-modal and not blocking."""
    box = QMessageBox(
        QMessageBox.Icon.Information, _("Đã xuất"), what, QMessageBox.StandardButton.NoButton, parent
    )
    box.setInformativeText(
        _("Tệp {name} đã được lưu tại thư mục {folder}.").format(name=path.name, folder=path.parent)
    )
    open_button = box.addButton(_("Mở thư mục"), QMessageBox.ButtonRole.ActionRole)
    box.addButton(_("Đóng"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(open_button)
    open_button.clicked.connect(lambda: open_folder(path))
    box.open()
    return box


class _ExportDialog(QDialog):
    """The frame both exports share: a form, a hint, "Xuất Excel" and "Bỏ qua"."""

    written = Signal(object)  # Path

    def __init__(self, title: str, runner: Runner, default_path: Path, parent: QWidget | None) -> None:
        super().__init__(parent)
        self._runner = runner
        self.setWindowTitle(title)
        self.setMinimumWidth(620)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.form.setVerticalSpacing(8)
        self.path = SavePathField(default_path)
        self.hint = Hint()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        translate_buttons(self.buttons)
        self.export_button = self.buttons.addButton(_("Xuất Excel"), QDialogButtonBox.ButtonRole.AcceptRole)
        set_primary(self.export_button)
        self.cancel_button = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.hint)
        self.extra = QVBoxLayout()
        layout.addLayout(self.extra)
        layout.addWidget(self.buttons)
        self.export_button.setDefault(True)  # once inside the dialog, so Enter exports

    def _on_buttons_accepted(self) -> None:
        error = self.path.error()
        if error:
            self.hint.show_text(error, "error")
            mark_invalid(self.path.edit, True)
            self.path.setFocus()
            return
        mark_invalid(self.path.edit, False)
        self.hint.clear_hint()
        path = self.path.path()
        assert path is not None
        self.export_button.setEnabled(False)
        self._start(path)

    def _start(self, path: Path) -> None:
        raise NotImplementedError

    def _on_written(self, path: Path) -> None:
        self.written.emit(path)
        self.accept()

    def _on_failed(self, error: RedCrossError) -> None:
        self.export_button.setEnabled(True)
        show_error(self, error)


class ReportExportDialog(_ExportDialog):
    """Asks the document number ("Số") and the report date, then writes the Decree 30 workbook."""

    def __init__(
        self,
        services: Services,
        runner: Runner,
        period: str,
        period_label: str,
        parent: QWidget | None = None,
    ) -> None:
        year, month = period.split("-")
        super().__init__(
            _("Xuất báo cáo {label}").format(label=period_label),
            runner,
            documents_folder() / f"Bao-cao-thang-{month}-{year}.xlsx",
            parent,
        )
        self._services = services
        self.period = period
        settings = services.settings.get("report")
        suffix = settings.get("number_suffix") if isinstance(settings, dict) else None
        self.suffix = str(suffix or DEFAULT_SUFFIX)
        self.number = QLineEdit()
        self.number.setPlaceholderText(_("Số trong sổ công văn đi, ví dụ 05; để trống để ghi tay"))
        self.number.setMaxLength(20)
        self.number_shown = muted_label("")
        self.report_date = DateEdit(date.today())
        number_column = QVBoxLayout()
        number_column.setSpacing(2)
        number_column.addWidget(self.number)
        number_column.addWidget(self.number_shown)
        self.form.addRow(_("Số văn bản"), number_column)
        self.form.addRow(_("Ngày báo cáo"), self.report_date)
        self.form.addRow(_("Lưu vào"), self.path)
        self.extra.addWidget(
            muted_label(
                _(
                    "Báo cáo gồm quốc hiệu, tiêu ngữ, bảng chỉ tiêu, phần đánh giá và khối chữ ký, in vừa "
                    "khổ A4; trang thứ hai là danh sách chi tiết."
                )
            )
        )
        self.number.textChanged.connect(self._on_number_text_changed)
        self._on_number_text_changed(self.number.text())
        self.number.setFocus()

    def _on_number_text_changed(self, text: str) -> None:
        number = text.strip()
        if number.isdigit():
            number = f"{int(number):02d}"
        self.number_shown.setText(
            _("In trên báo cáo: Số: {number}/{suffix}").format(number=number or "……", suffix=self.suffix)
        )

    def _start(self, path: Path) -> None:
        if not self.report_date.check():
            self.export_button.setEnabled(True)
            return
        reports = self._services.reports
        period, number, day = self.period, self.number.text().strip(), self.report_date.value()
        (
            Op(self, lambda _p: reports.write_report(period, path, number, report_date=day), writes=False)
            .with_progress(_("Đang lập báo cáo…"), cancellable=False)
            .success(self._on_written)
            .failure(self._on_failed)
            .run(self._runner)
        )


class DisclosureDialog(_ExportDialog):
    """Bảng công khai of the month shown, or of a campaign: donations received and support given."""

    def __init__(
        self,
        services: Services,
        runner: Runner,
        period: str,
        period_label: str,
        campaigns: list[CampaignRow],
        parent: QWidget | None = None,
    ) -> None:
        year, month = period.split("-")
        self._month_name = f"Bang-cong-khai-thang-{month}-{year}.xlsx"
        super().__init__(_("Bảng công khai"), runner, documents_folder() / self._month_name, parent)
        self._services = services
        self.period = period
        self.by_month = QRadioButton(_("Theo tháng: {label}").format(label=period_label))
        self.by_campaign = QRadioButton(_("Theo đợt vận động"))
        self.group = QButtonGroup(self)
        self.group.addButton(self.by_month)
        self.group.addButton(self.by_campaign)
        self.campaign = QComboBox()
        for campaign in campaigns:
            self.campaign.addItem(f"{campaign.name} ({campaign.code})", campaign.id)
            self.campaign.setItemData(self.campaign.count() - 1, campaign.code, CODE_ROLE)
        self.by_month.setChecked(True)
        self.by_campaign.setEnabled(bool(campaigns))
        self.campaign.setEnabled(False)
        scope = QVBoxLayout()
        scope.setSpacing(4)
        scope.addWidget(self.by_month)
        scope.addWidget(self.by_campaign)
        scope.addWidget(self.campaign)
        self.form.addRow(_("Công khai"), scope)
        self.form.addRow(_("Lưu vào"), self.path)
        self.extra.addWidget(
            muted_label(
                _(
                    "Theo Nghị định 93/2021/NĐ-CP: danh sách tiền, hàng đã nhận và đã hỗ trợ (ai, cái gì, "
                    "bao nhiêu) để niêm yết tại trụ sở. Nhà hảo tâm xin giấu tên được ghi là giấu tên; "
                    "không in số CCCD, điện thoại."
                )
            )
        )
        self.by_campaign.toggled.connect(self._on_scope_toggled)
        self.campaign.currentIndexChanged.connect(self._on_scope_toggled)

    def target(self) -> int | str:
        if self.by_campaign.isChecked() and self.campaign.currentData() is not None:
            return int(self.campaign.currentData())
        return self.period

    def _on_scope_toggled(self, *_args: object) -> None:
        by_campaign = self.by_campaign.isChecked()
        self.campaign.setEnabled(by_campaign)
        code = self.campaign.currentData(CODE_ROLE) if by_campaign else None
        self.path.suggest(f"Bang-cong-khai-{code}.xlsx" if code else self._month_name)

    def _start(self, path: Path) -> None:
        reports = self._services.reports
        target = self.target()
        (
            Op(self, lambda _p: reports.write_disclosure(target, path), writes=False)
            .with_progress(_("Đang lập bảng công khai…"), cancellable=False)
            .success(self._on_written)
            .failure(self._on_failed)
            .run(self._runner)
        )
