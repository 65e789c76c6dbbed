# SPDX-License-Identifier: MIT
"""Chứng nhận → Đã cấp: the certificates issued, in serial order, with reprints ("BẢN SAO"),
voids (with a reason; the number stays used) and the check of a code. Qt is imported here."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QModelIndex
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QSpinBox, QVBoxLayout, QWidget

from ...core.i18n import N_, _
from ...core.vn import format_vnd
from ...services.certificates import CertificateRow
from ...services.container import Services
from ..dialogs.pdf_preview import PdfPreviewDialog
from ..dialogs.verify_certificate import VerifyDialog
from ..models.lazy_table import CENTER, RIGHT, Column
from ..printing import ScratchFolder
from ..style import muted_label
from ..tasks import Op, Runner
from ..widgets.reason_dialog import ReasonDialog
from ..widgets.record_table import RecordTable

KIND_LABELS = {
    "donor": N_("Chứng nhận ủng hộ"),
    "blood": N_("Tôn vinh hiến máu"),
    "volunteer": N_("Tình nguyện viên"),
}
TEMPLATE_LABELS = {"donor_thanks": N_("Thư cảm ơn")}
STATUSES = (("", N_("Mọi trạng thái")), ("valid", N_("Còn hiệu lực")), ("void", N_("Đã hủy")))
ALL_YEARS = 1999  # the spin box's minimum, shown as "Mọi năm"


def _kind(row: CertificateRow) -> str:
    label = TEMPLATE_LABELS.get(row.template) or KIND_LABELS.get(row.kind, row.kind)
    return _(label)


def _status(row: CertificateRow) -> str:
    if row.status == "void":
        return _("Đã hủy: {reason}").format(reason=row.void_reason)
    return _("Còn hiệu lực")


COLUMNS: tuple[Column[CertificateRow], ...] = (
    Column(N_("Số"), lambda r: r.serial),
    Column(N_("Loại giấy"), _kind),
    Column(N_("Người nhận"), lambda r: r.recipient_name),
    Column(N_("Ngày cấp"), lambda r: r.issued_on, CENTER),
    Column(N_("Số tiền"), lambda r: format_vnd(r.amount_vnd) if r.amount_vnd else "", RIGHT),
    Column(N_("Mã xác thực"), lambda r: r.verification_code, CENTER),
    Column(N_("Lần in"), lambda r: r.print_count, CENTER),
    Column(N_("Trạng thái"), _status),
    Column(N_("Nội dung"), lambda r: r.reason),
)
COLUMN_WIDTHS = (125, 150, 170, 96, 110, 120, 64, 110)


class IssuedTab(QWidget):
    def __init__(self, services: Services, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._runner = runner
        self._scratch = ScratchFolder()
        self.preview: PdfPreviewDialog | None = None
        self.reason_dialog: ReasonDialog | None = None
        self.verify_dialog: VerifyDialog | None = None

        self.kind = QComboBox()
        self.kind.addItem(_("Mọi loại giấy"), "")
        for kind, label in KIND_LABELS.items():
            self.kind.addItem(_(label), kind)
        self.year = QSpinBox()
        self.year.setRange(ALL_YEARS, 2100)
        self.year.setSpecialValueText(_("Mọi năm"))
        self.year.setValue(date.today().year)
        self.year.setPrefix(_("Năm "))
        self.status = QComboBox()
        for key, label in STATUSES:
            self.status.addItem(_(label), key)
        self.summary = QLabel()
        self.summary.setObjectName("muted")
        filters = QHBoxLayout()
        filters.addWidget(self.kind)
        filters.addWidget(self.year)
        filters.addWidget(self.status)
        filters.addWidget(self.summary, 1)

        self.table: RecordTable[CertificateRow] = RecordTable(COLUMNS, COLUMN_WIDTHS)
        self.reprint_button = QPushButton(_("In lại (bản sao)"))
        self.reprint_button.setToolTip(_("In lại giấy đang chọn: giữ nguyên số và mã, ghi “BẢN SAO”"))
        self.void_button = QPushButton(_("Hủy giấy…"))
        self.void_button.setToolTip(_("Hủy giấy cấp sai: số vẫn được giữ cùng lý do hủy"))
        self.verify_button = QPushButton(_("Kiểm tra mã…"))
        self.verify_button.setToolTip(_("Kiểm tra mã QR hoặc mã xác thực trên một giấy chứng nhận"))
        buttons = QHBoxLayout()
        buttons.addWidget(self.reprint_button)
        buttons.addWidget(self.void_button)
        buttons.addStretch(1)
        buttons.addWidget(self.verify_button)
        self.empty = muted_label(_("Chưa có giấy nào khớp bộ lọc. Giấy được cấp ở thẻ “Cấp giấy”."))

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)
        layout.addLayout(buttons)

        for combo in (self.kind, self.status):
            combo.currentIndexChanged.connect(self._on_filter_changed)
        self.year.valueChanged.connect(self._on_filter_changed)
        self.table.selectionModel().selectionChanged.connect(self._on_selection_changed)
        self.table.activated.connect(self._on_table_activated)
        self.reprint_button.clicked.connect(self._on_reprint_button_clicked)
        self.void_button.clicked.connect(self._on_void_button_clicked)
        self.verify_button.clicked.connect(self._on_verify_button_clicked)
        self._on_selection_changed()

    def refresh(self) -> None:
        year = self.year.value()
        kind, status = str(self.kind.currentData()), str(self.status.currentData())
        certificates = self._services.certificates
        Op(
            self,
            lambda _p: certificates.list(kind=kind, year=None if year == ALL_YEARS else year, status=status),
            writes=False,
        ).success(self._on_loaded).run(self._runner)

    def _on_loaded(self, rows: list[CertificateRow]) -> None:
        self.table.set_rows(rows)
        voided = sum(1 for r in rows if r.status == "void")
        self.summary.setText(_("{n} giấy, trong đó {v} đã hủy").format(n=len(rows), v=voided))
        self.empty.setVisible(not rows)
        self._on_selection_changed()

    def _on_filter_changed(self, *_args: object) -> None:
        self.refresh()

    def _on_selection_changed(self, *_args: object) -> None:
        row = self.table.current()
        valid = row is not None and row.status == "valid"
        self.reprint_button.setEnabled(valid)
        self.void_button.setEnabled(valid)

    def _on_table_activated(self, _index: QModelIndex) -> None:
        self._on_reprint_button_clicked()

    # ---- actions ----------------------------------------------------------------------------

    def _on_reprint_button_clicked(self) -> None:
        row = self.table.current()
        if row is None:
            return
        certificates = self._services.certificates
        serial = row.serial
        out = self._scratch.new_pdf(serial)
        (
            Op(self, lambda progress: certificates.reprint(serial, out, progress), writes=True)
            .with_progress(_("Đang tạo bản sao…"))
            .success(lambda printed: self._on_reprinted(printed, out))
            .run(self._runner)
        )

    def _on_reprinted(self, printed: CertificateRow, out: Path) -> None:
        self.preview = PdfPreviewDialog(
            out,
            _("Giấy {serial} (bản sao)").format(serial=printed.serial),
            self,
            message=_("Bản in lại mang chữ “BẢN SAO”, giữ nguyên số và mã xác thực (lần in thứ {n}).").format(
                n=printed.print_count
            ),
            suggested_name=f"{printed.serial}-ban-sao.pdf",
        )
        self.preview.open()
        self.refresh()

    def _on_void_button_clicked(self) -> None:
        row = self.table.current()
        if row is None:
            return
        certificates = self._services.certificates
        serial = row.serial
        self.reason_dialog = ReasonDialog(
            self._runner,
            _("Hủy giấy {serial}").format(serial=serial),
            _(
                "Hủy giấy {serial} cấp cho {name}. Số {serial} vẫn được giữ (không cấp lại cho người "
                "khác) và mã QR trên giấy sẽ báo “đã hủy” khi kiểm tra."
            ).format(serial=serial, name=row.recipient_name),
            _("Hủy giấy"),
            lambda reason: certificates.void(serial, reason),
            self,
            placeholder=_("Ví dụ: ghi sai tên, cấp nhầm người"),
            missing=_("Hãy ghi lý do hủy giấy."),
        )
        self.reason_dialog.done_with.connect(self._on_voided)
        self.reason_dialog.open()

    def _on_voided(self, _row: CertificateRow) -> None:
        self.refresh()

    def _on_verify_button_clicked(self) -> None:
        self.verify_dialog = VerifyDialog(self._services, self._runner, self)
        self.verify_dialog.open()
