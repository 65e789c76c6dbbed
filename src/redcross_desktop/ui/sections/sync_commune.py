# SPDX-License-Identifier: MIT
"""Đồng bộ at a commune: export the month's signed bundle for the province (with the signing key's
passphrase), the list of bundles exported, the signing key and its registration file, and the
check of any bundle file. Qt is imported here.

The passphrase is asked for each signing action by `PassphrasePrompt` and never kept; a branch
without a key sets one there and the export (or the key file) creates the key.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...core.i18n import N_, _
from ...core.progress import Progress
from ...services.bundles import BundleExportRow, ExportResult, render_verification
from ...services.container import Services
from ...services.province.import_report import SHEET_TITLES
from ...sync.keyfile import KeyRegistration
from ...sync.verify import VerificationResult
from ..dialogs.passphrase_prompt import PassphrasePrompt
from ..dialogs.report_export import SavePathField, open_folder
from ..models.lazy_table import CENTER, Column
from ..style import muted_label, set_primary
from ..tasks import Op, Runner
from ..widgets.hint import Hint
from ..widgets.month_picker import MonthPicker
from ..widgets.open_path_field import OpenPathField
from ..widgets.pdf_viewer import documents_folder
from ..widgets.record_table import RecordTable

VN_TZ = timezone(timedelta(hours=7))
XLSX_FILTER = N_("Bảng tính Excel (*.xlsx)")
KEY_FILTER = N_("Tệp khóa (*.xlsx *.txt);;Mọi tệp (*)")
STATUS_LABELS = {"started": N_("Chưa ghi xong"), "written": N_("Đã ghi")}


def month_label(period: str) -> str:
    return f"{period[5:]}/{period[:4]}" if len(period) == 7 else period


def local_time(moment: datetime) -> str:
    """A stored naive-UTC moment as Vietnam time, dd/mm/yyyy hh:mm."""
    return moment.replace(tzinfo=UTC).astimezone(VN_TZ).strftime("%d/%m/%Y %H:%M")


def sheet_title(key: str) -> str:
    return SHEET_TITLES.get(key, key)


def card(*widgets: QWidget) -> QFrame:
    frame = QFrame()
    frame.setObjectName("card")
    layout = QVBoxLayout(frame)
    layout.setContentsMargins(14, 10, 14, 10)
    layout.setSpacing(6)
    for widget in widgets:
        layout.addWidget(widget)
    return frame


def selectable(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


HISTORY_COLUMNS: tuple[Column[BundleExportRow], ...] = (
    Column(N_("Gói số"), lambda r: r.seq, CENTER),
    Column(N_("Kỳ"), lambda r: month_label(r.period), CENTER),
    Column(N_("Ngày xuất"), lambda r: local_time(r.created_at), CENTER),
    Column(N_("Trạng thái"), lambda r: _(STATUS_LABELS.get(r.status, r.status))),
    Column(N_("Mã tệp (SHA-256)"), lambda r: (r.file_sha256 or "")[:16]),
    Column(N_("Tên tệp"), lambda r: r.file_name),
)
HISTORY_WIDTHS = (70, 80, 140, 110, 160)


def export_summary(result: ExportResult) -> str:
    rows = ", ".join(f"{sheet_title(k)} {v}" for k, v in result.rows.items())
    months = ", ".join(month_label(p) for p in result.periods_included)
    return "\n".join(
        (
            _("Đã xuất gói số {seq} kỳ {period} vào tệp {name}.").format(
                seq=result.seq, period=month_label(result.period), name=result.path.name
            ),
            _("Các kỳ trong gói ({n}): {months}.").format(n=len(result.periods_included), months=months),
            _("Số dòng: {rows}.").format(rows=rows),
            _("Mã vân tay khóa ký: {fp}").format(fp=result.fingerprint),
        )
    )


class ExportTab(QWidget):
    """Xuất gói dữ liệu: the month, where to save, "Xuất gói…"; then the result and the history."""

    def __init__(self, services: Services, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._runner = runner
        self.prompt: PassphrasePrompt | None = None
        self.last_result: ExportResult | None = None

        self.period = MonthPicker()
        self.path = SavePathField(documents_folder() / self.suggested_name())
        self.export_button = QPushButton(_("Xuất gói…"))
        set_primary(self.export_button)
        self.export_button.setToolTip(_("Ký và ghi gói dữ liệu của kỳ đã chọn (cần mật khẩu khóa ký)"))
        self.hint = Hint()
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        period_row = QHBoxLayout()
        period_row.addWidget(self.period)
        period_row.addStretch(1)
        form.addRow(_("Kỳ báo cáo"), period_row)
        form.addRow(_("Lưu vào tệp"), self.path)
        action_row = QHBoxLayout()
        action_row.addWidget(self.export_button)
        action_row.addWidget(self.hint, 1)
        action_row.addStretch(0)

        self.result = selectable()
        self.open_button = QPushButton(_("Mở thư mục"))
        self.open_button.setAutoDefault(False)
        result_buttons = QHBoxLayout()
        result_buttons.addWidget(self.open_button)
        result_buttons.addStretch(1)
        self.result_card = card(self.result)
        result_layout = self.result_card.layout()
        assert isinstance(result_layout, QVBoxLayout)
        result_layout.addLayout(result_buttons)
        self.result_card.hide()

        self.history: RecordTable[BundleExportRow] = RecordTable(
            HISTORY_COLUMNS, HISTORY_WIDTHS, row_id=lambda r: r.seq
        )
        self.history_empty = muted_label(_("Chưa xuất gói nào."))

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.setSpacing(8)
        layout.addWidget(
            muted_label(
                _(
                    "Gói dữ liệu gồm số liệu báo cáo và các sổ của những tháng chưa chốt, có chữ ký của chi "
                    "hội. Mở hay lưu lại gói trong Excel không làm hỏng chữ ký, nhưng sửa bất kỳ ô nào thì "
                    "tỉnh sẽ phát hiện. Gửi tệp cho Hội cấp tỉnh qua USB hoặc thư điện tử."
                )
            )
        )
        layout.addLayout(form)
        layout.addLayout(action_row)
        layout.addWidget(self.result_card)
        layout.addWidget(QLabel(_("Lịch sử xuất")))
        layout.addWidget(self.history, 1)
        layout.addWidget(self.history_empty)

        self.period.changed.connect(self._on_period_changed)
        self.export_button.clicked.connect(self._on_export_button_clicked)
        self.open_button.clicked.connect(self._on_open_button_clicked)

    def suggested_name(self) -> str:
        history = self._services.bundles.history()
        seq = (max(r.seq for r in history) if history else 0) + 1
        return f"CTD_{self._services.branch.branch_code}_{self.period.period()}_{seq:05d}.xlsx"

    def refresh(self) -> None:
        rows = self._services.bundles.history()
        self.history.set_rows(rows)
        self.history_empty.setVisible(not rows)

    def _on_period_changed(self, _period: str) -> None:
        self.path.suggest(self.suggested_name())

    def _on_export_button_clicked(self) -> None:
        error = self.path.error()
        out = self.path.path()
        if error or out is None:
            self.hint.show_text(error, "error")
            self.path.setFocus()
            return
        self.hint.clear_hint()
        period = self.period.period()
        bundles = self._services.bundles

        def action(passphrase: str, progress: Progress) -> ExportResult:
            return bundles.export(period, out, passphrase, progress)

        self.prompt = PassphrasePrompt(
            self._runner,
            _("Xuất gói dữ liệu"),
            _("Ký và xuất gói dữ liệu kỳ {period} vào tệp {name}.").format(
                period=month_label(period), name=out.name
            ),
            _("Ký và xuất"),
            action,
            self,
            progress_label=_("Đang xuất gói dữ liệu…"),
            create_key=self._services.keys.show() is None,
        )
        self.prompt.done_with.connect(self._on_exported)
        self.prompt.open()

    def _on_exported(self, result: ExportResult) -> None:
        self.last_result = result
        self.result.setText(export_summary(result))
        self.result_card.show()
        self.refresh()
        self.path.edited = False
        self.path.suggest(self.suggested_name())

    def _on_open_button_clicked(self) -> None:
        if self.last_result is not None:
            open_folder(self.last_result.path)


class KeyTab(QWidget):
    """Khóa ký: the key's id, fingerprint and QR text, and its registration file for the province."""

    def __init__(self, services: Services, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._runner = runner
        self.prompt: PassphrasePrompt | None = None
        self.last_file: Path | None = None

        self.key_id = selectable()
        self.fingerprint = selectable()
        big = QFont(self.fingerprint.font())
        big.setPointSizeF(big.pointSizeF() * 1.4)
        big.setBold(True)
        self.fingerprint.setFont(big)
        self.qr_text = selectable()
        self.created = selectable()
        self.no_key = muted_label(
            _(
                "Chi hội chưa có khóa ký. Khóa được tạo khi xuất gói dữ liệu lần đầu, hoặc khi xuất tệp "
                "đăng ký khóa dưới đây (cần đặt mật khẩu)."
            )
        )
        facts = QFormLayout()
        facts.addRow(_("Mã khóa"), self.key_id)
        facts.addRow(_("Mã vân tay"), self.fingerprint)
        facts.addRow(_("Mã QR (dạng chữ)"), self.qr_text)
        facts.addRow(_("Ngày tạo"), self.created)
        self.facts = QWidget()
        self.facts.setLayout(facts)

        self.path = SavePathField(documents_folder() / f"KHOA_{services.branch.branch_code}.xlsx")
        self.export_button = QPushButton(_("Xuất tệp đăng ký khóa…"))
        set_primary(self.export_button)
        self.hint = Hint()
        self.result = selectable()
        self.result.hide()
        self.open_button = QPushButton(_("Mở thư mục"))
        self.open_button.setAutoDefault(False)
        self.open_button.hide()
        file_form = QFormLayout()
        file_form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        file_form.addRow(_("Lưu vào tệp"), self.path)
        actions = QHBoxLayout()
        actions.addWidget(self.export_button)
        actions.addWidget(self.open_button)
        actions.addWidget(self.hint, 1)
        actions.addStretch(0)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.setSpacing(8)
        layout.addWidget(card(self.no_key, self.facts))
        layout.addWidget(
            muted_label(
                _(
                    "Để Hội cấp tỉnh nhận gói của chi hội, hãy gửi tệp đăng ký khóa cho tỉnh, rồi đọc mã vân "
                    "tay ở trên cho cán bộ tỉnh qua điện thoại hoặc ghi vào giấy đề nghị đăng ký khóa có ký "
                    "tên, đóng dấu. Tỉnh chỉ nhận khóa khi mã vân tay trùng khớp."
                )
            )
        )
        layout.addLayout(file_form)
        layout.addLayout(actions)
        layout.addWidget(self.result)
        layout.addStretch(1)
        self.export_button.clicked.connect(self._on_export_button_clicked)
        self.open_button.clicked.connect(self._on_open_button_clicked)

    def refresh(self) -> None:
        key = self._services.keys.show()
        self.no_key.setVisible(key is None)
        self.facts.setVisible(key is not None)
        if key is not None:
            self.key_id.setText(key.key_id)
            self.fingerprint.setText(key.fingerprint)
            self.qr_text.setText(key.qr_text)
            self.created.setText(local_time(key.created_at))

    def _on_export_button_clicked(self) -> None:
        error = self.path.error()
        out = self.path.path()
        if error or out is None:
            self.hint.show_text(error, "error")
            self.path.setFocus()
            return
        self.hint.clear_hint()
        bundles = self._services.bundles

        def action(passphrase: str, _progress: Progress) -> KeyRegistration:
            return bundles.export_key_file(out, passphrase)

        self.prompt = PassphrasePrompt(
            self._runner,
            _("Xuất tệp đăng ký khóa"),
            _("Ghi tệp đăng ký khóa công khai của chi hội vào {name}. Tệp không chứa mật khẩu.").format(
                name=out.name
            ),
            _("Xuất tệp"),
            action,
            self,
            create_key=self._services.keys.show() is None,
        )
        self.prompt.done_with.connect(lambda reg: self._on_exported(out, reg))
        self.prompt.open()

    def _on_exported(self, out: Path, reg: KeyRegistration) -> None:
        self.last_file = out
        self.refresh()
        self.result.setText(
            _("Đã ghi {name}. Mã vân tay cần đọc cho tỉnh: {fp}").format(name=out.name, fp=reg.fingerprint)
        )
        self.result.show()
        self.open_button.show()

    def _on_open_button_clicked(self) -> None:
        if self.last_file is not None:
            open_folder(self.last_file)


VERDICT_KIND = {"OK": "info", "WARN": "warning", "QUARANTINE": "warning", "REJECT": "error"}
VERDICT_TEXT = {
    "OK": N_("Gói hợp lệ: chữ ký đúng và không ô nào bị sửa sau khi ký."),
    "WARN": N_("Gói hợp lệ nhưng có cảnh báo; xem chi tiết bên dưới."),
    "QUARANTINE": N_("Gói cần được xác minh trước khi nhập; xem chi tiết bên dưới."),
    "REJECT": N_("Gói không hợp lệ; xem chi tiết bên dưới."),
}


class VerifyTab(QWidget):
    """Kiểm tra gói: any bundle file (and optionally the key to check it against) → the verdict and
    every finding, changed rows included."""

    def __init__(self, services: Services, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._runner = runner
        self.last_result: VerificationResult | None = None
        self.bundle = OpenPathField(
            _("Chọn gói dữ liệu"), _(XLSX_FILTER), _("Tệp gói dữ liệu .xlsx cần kiểm tra")
        )
        self.key = OpenPathField(
            _("Chọn tệp khóa"), _(KEY_FILTER), _("Không bắt buộc: tệp đăng ký khóa để xác thực chữ ký")
        )
        self.check_button = QPushButton(_("Kiểm tra"))
        set_primary(self.check_button)
        self.verdict = Hint()
        self.details = QPlainTextEdit()
        self.details.setReadOnly(True)
        self.details.setPlaceholderText(_("Kết quả kiểm tra sẽ hiện ở đây."))
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.addRow(_("Gói dữ liệu"), self.bundle)
        form.addRow(_("Khóa đối chiếu"), self.key)
        actions = QHBoxLayout()
        actions.addWidget(self.check_button)
        actions.addWidget(self.verdict, 1)
        actions.addStretch(0)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.setSpacing(8)
        layout.addWidget(
            muted_label(
                _(
                    "Kiểm tra một gói bất kỳ: chữ ký, cấu trúc tệp và từng ô dữ liệu. Nếu gói bị sửa sau khi "
                    "ký, danh sách dưới đây cho biết trang và số dòng Excel bị sửa, thêm hoặc xóa."
                )
            )
        )
        layout.addLayout(form)
        layout.addLayout(actions)
        layout.addWidget(self.details, 1)
        self.check_button.clicked.connect(self._on_check_button_clicked)

    def _on_check_button_clicked(self) -> None:
        path = self.bundle.path()
        if path is None:
            self.verdict.show_text(_("Hãy chọn tệp gói dữ liệu cần kiểm tra."), "error")
            self.bundle.setFocus()
            return
        key = self.key.path()
        bundles = self._services.bundles
        self.verdict.clear_hint()
        self.details.clear()
        (
            Op(self, lambda _p: bundles.verify(path, key), writes=False)
            .with_progress(_("Đang kiểm tra gói dữ liệu…"), cancellable=False)
            .success(self._on_verified)
            .run(self._runner)
        )

    def _on_verified(self, result: VerificationResult) -> None:
        self.last_result = result
        self.verdict.show_text(_(VERDICT_TEXT[result.severity]), VERDICT_KIND[result.severity])
        self.details.setPlainText("\n".join(render_verification(result)))
