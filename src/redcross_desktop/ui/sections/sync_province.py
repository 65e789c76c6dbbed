# SPDX-License-Identifier: MIT
"""Đồng bộ at the province: the communes' keys (register after comparing the fingerprint, revoke
with a reason), the board of who has reported for a month, and the consolidated report. Qt is
imported here."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ...core.errors import RedCrossError, ValidationError
from ...core.i18n import N_, _
from ...core.vn import format_date, format_vnd
from ...reports.board import BoardDTO, BoardRow
from ...reports.consolidated import ConsolidatedLine, ProvinceReport
from ...services.province.completeness import CompletenessService
from ...services.province.consolidation import ConsolidationService
from ...services.province.trust import STATUS_VI, KeyFileInfo, ProvinceKeyRow, TrustService
from ..dialogs.report_export import written_notice
from ..errors import show_error
from ..models.lazy_table import CENTER, RIGHT, Column
from ..qt_i18n import translate_buttons
from ..style import muted_label, set_primary
from ..tasks import Op, Runner
from ..widgets.excel_export import ask_path
from ..widgets.hint import Hint, mark_invalid
from ..widgets.month_picker import MonthPicker
from ..widgets.open_path_field import OpenPathField
from ..widgets.reason_dialog import ReasonDialog
from ..widgets.record_table import RecordTable
from .sync_commune import KEY_FILTER, local_time, month_label

CONFIRM_METHODS = (
    ("paper form", N_("Giấy đề nghị đăng ký khóa có ký tên, đóng dấu")),
    ("phone", N_("Gọi điện cho xã, đọc lại mã vân tay")),
)


def _when(moment: datetime | None) -> str:
    return local_time(moment) if moment is not None else ""


KEY_COLUMNS: tuple[Column[ProvinceKeyRow], ...] = (
    Column(N_("Đơn vị"), lambda k: k.branch_code),
    Column(N_("Mã khóa"), lambda k: k.key_id),
    Column(N_("Mã vân tay"), lambda k: k.fingerprint),
    Column(N_("Trạng thái"), lambda k: _(STATUS_VI.get(k.status, k.status))),
    Column(N_("Đăng ký lúc"), lambda k: _when(k.registered_at), CENTER),
    Column(N_("Gói cuối"), lambda k: k.last_seq or "", CENTER),
    Column(N_("Lý do thu hồi"), lambda k: k.revoke_reason),
)
KEY_WIDTHS = (100, 140, 390, 100, 130, 70)


class RegisterKeyDialog(QDialog):
    """Registers a commune's key file once the officer has typed the fingerprint read from the
    signed form or over the phone; the file's own fingerprint is not shown, so it cannot be copied."""

    registered = Signal(object)  # ProvinceKeyRow

    def __init__(self, trust: TrustService, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._trust = trust
        self._runner = runner
        self.setWindowTitle(_("Đăng ký khóa của xã"))
        self.setMinimumWidth(640)
        self.file = OpenPathField(_("Chọn tệp đăng ký khóa"), _(KEY_FILTER), _("Tệp KHOA_….xlsx xã gửi lên"))
        self.info = QLabel()
        self.info.setWordWrap(True)
        self.branch = QLineEdit()
        self.branch.setPlaceholderText(_("Ví dụ: 01-00070"))
        self.fingerprint = QLineEdit()
        self.fingerprint.setPlaceholderText(_("8 nhóm 5 chữ số, như trên giấy đề nghị"))
        self.method = QComboBox()
        for code, label in CONFIRM_METHODS:
            self.method.addItem(_(label), code)
        self.hint = Hint()
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.addRow(_("Tệp khóa (*)"), self.file)
        form.addRow("", self.info)
        form.addRow(_("Mã đơn vị (*)"), self.branch)
        form.addRow(_("Mã vân tay (*)"), self.fingerprint)
        form.addRow(_("Cách đối chiếu"), self.method)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        translate_buttons(self.buttons)
        self.confirm_button = self.buttons.addButton(_("Đăng ký"), QDialogButtonBox.ButtonRole.AcceptRole)
        set_primary(self.confirm_button)
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.hint)
        layout.addWidget(
            muted_label(
                _(
                    "Gõ mã vân tay từ giấy đề nghị có chữ ký của xã, hoặc do cán bộ xã đọc qua điện thoại "
                    "(gọi theo số trong danh bạ của tỉnh). Chỉ đăng ký khi mã trùng khớp với tệp."
                )
            )
        )
        layout.addWidget(self.buttons)
        self.confirm_button.setDefault(True)
        self.file.changed.connect(self._on_file_changed)
        self.fingerprint.textChanged.connect(self._on_fingerprint_text_changed)
        self.file.setFocus()

    def _on_file_changed(self) -> None:
        path = self.file.path()
        self.info.clear()
        if path is None or not path.is_file():
            return
        try:
            info: KeyFileInfo = self._trust.inspect_key_file(path)
        except RedCrossError as error:
            self.info.setText(error.message)
            return
        self.info.setText(
            _(
                "Tệp của {name} ({code}), tỉnh {province}; khóa {key_id} tạo lúc {created}, cán bộ {officer}."
            ).format(
                name=info.branch_name,
                code=info.branch_code,
                province=info.province_code,
                key_id=info.key_id,
                created=info.created_at[:16].replace("T", " "),
                officer=info.officer_name,
            )
        )
        if not self.branch.text().strip():
            self.branch.setText(info.branch_code)

    def _on_fingerprint_text_changed(self, _text: str) -> None:
        self.hint.clear_hint()
        mark_invalid(self.fingerprint, False)

    def _on_buttons_accepted(self, replace: bool = False) -> None:
        path = self.file.path()
        branch, typed = self.branch.text().strip(), self.fingerprint.text()
        problem = (
            _("Hãy chọn tệp đăng ký khóa.")
            if path is None
            else _("Hãy nhập mã đơn vị.")
            if not branch
            else _("Hãy gõ mã vân tay đã đối chiếu.")
            if not typed.strip()
            else ""
        )
        if problem or path is None:
            self.hint.show_text(problem, "error")
            return
        trust, method = self._trust, str(self.method.currentData())
        self.confirm_button.setEnabled(False)
        (
            Op(
                self,
                lambda _p: trust.register_key(path, branch, typed, method, confirm_replace=replace),
                writes=True,
            )
            .success(self._on_registered)
            .failure(self._on_failed)
            .run(self._runner)
        )

    def _on_registered(self, row: ProvinceKeyRow) -> None:
        self.registered.emit(row)
        self.accept()

    def _on_failed(self, error: RedCrossError) -> None:
        self.confirm_button.setEnabled(True)
        if error.code == "FINGERPRINT_MISMATCH":
            self.hint.show_text(error.message, "error")
            mark_invalid(self.fingerprint, True)
            self.fingerprint.setFocus()
            return
        if error.code == "KEY_CHANGED":
            box = QMessageBox(
                QMessageBox.Icon.Warning,
                _("Thay khóa của đơn vị"),
                error.message,
                QMessageBox.StandardButton.NoButton,
                self,
            )
            box.setInformativeText(
                _("Khóa cũ sẽ thôi dùng từ gói tiếp theo. Chỉ thay khi đã xác minh với xã.")
            )
            replace_button = box.addButton(_("Thay khóa"), QMessageBox.ButtonRole.AcceptRole)
            box.addButton(_("Bỏ qua"), QMessageBox.ButtonRole.RejectRole)
            replace_button.clicked.connect(lambda: self._on_buttons_accepted(True))
            box.open()
            return
        if isinstance(error, ValidationError):
            self.hint.show_text(error.message, "error")
            return
        show_error(self, error)


class KeysTab(QWidget):
    """Khóa các xã: every registered key; register a key file, revoke a key with a reason."""

    changed = Signal()

    def __init__(self, trust: TrustService, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._trust = trust
        self._runner = runner
        self.dialog: RegisterKeyDialog | None = None
        self.reason_dialog: ReasonDialog | None = None
        self.table: RecordTable[ProvinceKeyRow] = RecordTable(
            KEY_COLUMNS, KEY_WIDTHS, row_id=lambda k: int(k.key_id, 16)
        )
        self.empty = muted_label(_("Chưa đăng ký khóa nào. Bấm “Đăng ký khóa…” khi nhận tệp khóa của xã."))
        self.register_button = QPushButton(_("Đăng ký khóa…"))
        set_primary(self.register_button)
        self.revoke_button = QPushButton(_("Thu hồi khóa…"))
        self.revoke_button.setToolTip(
            _("Khi xã báo mất máy hoặc lộ mật khẩu: gói ký bằng khóa này sẽ bị từ chối")
        )
        buttons = QHBoxLayout()
        buttons.addWidget(self.register_button)
        buttons.addWidget(self.revoke_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.setSpacing(8)
        layout.addWidget(
            muted_label(
                _(
                    "Tỉnh chỉ nhận gói có chữ ký bằng khóa đã đăng ký. Khóa của xã được đăng ký từ tệp KHOA_….xlsx "
                    "sau khi đối chiếu mã vân tay với giấy đề nghị hoặc qua điện thoại."
                )
            )
        )
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)
        self.register_button.clicked.connect(self._on_register_button_clicked)
        self.revoke_button.clicked.connect(self._on_revoke_button_clicked)
        self.table.selectionModel().selectionChanged.connect(self._on_selection_changed)
        self._on_selection_changed()

    def refresh(self) -> None:
        rows = self._trust.list_keys()
        self.table.set_rows(rows)
        self.empty.setVisible(not rows)
        self._on_selection_changed()

    def _on_selection_changed(self, *_args: object) -> None:
        key = self.table.current()
        self.revoke_button.setEnabled(key is not None and key.status in ("active", "pending"))

    def _on_register_button_clicked(self) -> None:
        self.dialog = RegisterKeyDialog(self._trust, self._runner, self)
        self.dialog.registered.connect(self._on_registered)
        self.dialog.open()

    def _on_registered(self, row: ProvinceKeyRow) -> None:
        self.refresh()
        self.table.select_id(int(row.key_id, 16))
        self.changed.emit()

    def _on_revoke_button_clicked(self) -> None:
        key = self.table.current()
        if key is None:
            return
        trust = self._trust
        self.reason_dialog = ReasonDialog(
            self._runner,
            _("Thu hồi khóa"),
            _(
                "Thu hồi khóa {key_id} của {b}. Các gói ký bằng khóa này mà chưa nhập sẽ bị từ chối; "
                "số liệu đã nhập vẫn giữ nguyên."
            ).format(key_id=key.key_id, b=key.branch_code),
            _("Thu hồi"),
            lambda reason: trust.revoke(key.branch_code, reason, key_id=key.key_id),
            self,
            placeholder=_("Ví dụ: xã báo mất máy tính ngày 02/03"),
        )
        self.reason_dialog.done_with.connect(self._on_revoked)
        self.reason_dialog.open()

    def _on_revoked(self, _row: ProvinceKeyRow) -> None:
        self.refresh()
        self.changed.emit()


BOARD_COLUMNS: tuple[Column[BoardRow], ...] = (
    Column(N_("Mã xã"), lambda r: r.commune_code or "", CENTER),
    Column(N_("Tên xã, phường"), lambda r: r.commune_name),
    Column(N_("Mã đơn vị"), lambda r: r.branch_code or ""),
    Column(N_("Tình trạng"), lambda r: r.status_label),
    Column(
        N_("Ngày nộp"), lambda r: r.reported_at.strftime("%d/%m/%Y %H:%M") if r.reported_at else "", CENTER
    ),
    Column(N_("Số ngày muộn"), lambda r: r.days_late if r.days_late else "", RIGHT),
    Column(N_("Gói cuối"), lambda r: r.last_seq or "", CENTER),
    Column(N_("Tạm giữ"), lambda r: r.quarantined or "", RIGHT),
    Column(N_("Xung đột"), lambda r: r.open_conflicts or "", RIGHT),
)
BOARD_WIDTHS = (70, 230, 100, 160, 130, 115, 75, 75)


class _PeriodPage(QWidget):
    """A month picker with an action row above a table; the table reloads when the month changes."""

    def __init__(self, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self.notice: QMessageBox | None = None
        self.period = MonthPicker()
        self.export_button = QPushButton(_("Xuất Excel…"))
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.top = QHBoxLayout()
        self.top.addWidget(QLabel(_("Kỳ")))
        self.top.addWidget(self.period)
        self.top.addSpacing(12)
        self.top.addWidget(self.summary, 1)
        self.top.addWidget(self.export_button)
        self.period.changed.connect(self._on_period_changed)
        self.export_button.clicked.connect(self._on_export_button_clicked)

    def refresh(self) -> None:
        raise NotImplementedError

    def suggested_name(self) -> str:
        raise NotImplementedError

    def export(self, path: Path) -> None:
        raise NotImplementedError

    def _on_period_changed(self, _period: str) -> None:
        self.refresh()

    def _on_export_button_clicked(self) -> None:
        path = ask_path(self, self.suggested_name())
        if path is not None:
            self.export(path)

    def _written(self, path: Path, what: str) -> None:
        self.notice = written_notice(self, path, what)

    def _write(self, work: Callable[[], Path], what: str) -> None:
        (
            Op(self, lambda _p: work(), writes=False)
            .with_progress(_("Đang ghi tệp Excel…"), cancellable=False)
            .success(lambda path: self._written(path, what))
            .run(self._runner)
        )


class BoardTab(_PeriodPage):
    """Theo dõi nộp báo cáo: who has reported for the month, on time or late."""

    def __init__(
        self, completeness: CompletenessService, runner: Runner, parent: QWidget | None = None
    ) -> None:
        super().__init__(runner, parent)
        self._completeness = completeness
        self.dto: BoardDTO | None = None
        self.table: RecordTable[BoardRow] = RecordTable(BOARD_COLUMNS, BOARD_WIDTHS, row_id=id)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.setSpacing(8)
        layout.addLayout(self.top)
        layout.addWidget(self.table, 1)

    def refresh(self) -> None:
        self.dto = self._completeness.board_dto(self.period.period())
        self.table.set_rows(self.dto.rows, keep_selection=False)
        self.summary.setText(
            _("Hạn nộp {deadline}. {summary}").format(
                deadline=format_date(self.dto.deadline), summary=self.dto.summary()
            )
        )

    def suggested_name(self) -> str:
        return f"Theo-doi-nop-bao-cao_{self.period.period()}.xlsx"

    def export(self, path: Path) -> None:
        completeness, period = self._completeness, self.period.period()
        self._write(
            lambda: completeness.write_board(period, path),
            _("Đã xuất bảng theo dõi nộp báo cáo tháng {m}.").format(m=self.period.label()),
        )


def _figure(line: ConsolidatedLine, value: int | None) -> str:
    if value is None:
        return ""
    if line.is_money:
        return format_vnd(value)
    if line.is_percent:
        return f"{value}%"
    return f"{value:,}".replace(",", ".")


LINE_COLUMNS: tuple[Column[ConsolidatedLine], ...] = (
    Column(N_("Chỉ tiêu"), lambda x: x.label if not x.disagg else f"    {x.label}"),
    Column(N_("Đơn vị tính"), lambda x: x.unit, CENTER),
    Column(N_("Toàn tỉnh"), lambda x: _figure(x, x.total), RIGHT),
    Column(N_("Số xã có số liệu"), lambda x: sum(1 for v in x.values if v is not None), RIGHT),
)
LINE_WIDTHS = (520, 110, 160)


class ConsolidatedTab(_PeriodPage):
    """Báo cáo tổng hợp: the province totals per indicator, the warnings where a commune's own
    figure differs from its records, and the full workbook (one column per commune)."""

    def __init__(
        self, consolidation: ConsolidationService, runner: Runner, parent: QWidget | None = None
    ) -> None:
        super().__init__(runner, parent)
        self._consolidation = consolidation
        self.report: ProvinceReport | None = None
        self.export_button.setText(_("Ghi báo cáo Excel…"))
        set_primary(self.export_button)
        self.table: RecordTable[ConsolidatedLine] = RecordTable(LINE_COLUMNS, LINE_WIDTHS, row_id=id)
        self.warnings = QPlainTextEdit()
        self.warnings.setReadOnly(True)
        self.warnings.setPlaceholderText(_("Không có cảnh báo chênh lệch số liệu."))
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(self.warnings)
        splitter.setStretchFactor(0, 4)
        splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.setSpacing(8)
        layout.addLayout(self.top)
        layout.addWidget(splitter, 1)
        layout.addWidget(
            muted_label(_("Bảng Excel có một cột cho mỗi xã, phường, cột tổng và phần chi tiết từng xã."))
        )

    def refresh(self) -> None:
        self.report = self._consolidation.report(self.period.period())
        self.table.set_rows(self.report.lines, keep_selection=False)
        reported = sum(1 for c in self.report.communes if c.reported)
        self.summary.setText(
            _("Đã có số liệu của {n}/{total} đơn vị.").format(n=reported, total=len(self.report.communes))
        )
        self.warnings.setPlainText(
            "\n".join(f"{m.code} ({m.branch_code}): {m.message_vi}" for m in self.report.mismatches)
        )

    def suggested_name(self) -> str:
        return f"Bao-cao-tong-hop_{self.period.period()}.xlsx"

    def export(self, path: Path) -> None:
        consolidation, period = self._consolidation, self.period.period()
        self._write(
            lambda: consolidation.write_report(period, path),
            _("Đã ghi báo cáo tổng hợp tháng {m}.").format(m=month_label(period)),
        )
