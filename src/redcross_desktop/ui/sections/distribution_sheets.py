# SPDX-License-Identifier: MIT
"""Chứng nhận → Danh sách cấp phát: print a distribution list for signatures (danh sách nhận hỗ
trợ có ký nhận) and see it before it goes to the printer. Qt is imported here.

Printing a draft list freezes it for signatures (status "đã in"); who received is marked after the
distribution in Cứu trợ / hỗ trợ.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QModelIndex
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from ...certificates.dto import DistributionSheetDTO
from ...core.i18n import N_, _
from ...services.container import Services
from ...services.distributions import DistributionListRow
from ..dialogs.pdf_preview import PdfPreviewDialog
from ..models.lazy_table import CENTER, Column
from ..printing import ScratchFolder
from ..style import muted_label, set_primary
from ..tasks import Op, Runner
from ..widgets.record_table import RecordTable

COLUMNS: tuple[Column[DistributionListRow], ...] = (
    Column(N_("Ngày cấp phát"), lambda r: r.planned_on, CENTER),
    Column(N_("Danh sách"), lambda r: r.title),
    Column(N_("Chương trình"), lambda r: r.programme),
    Column(N_("Đợt vận động"), lambda r: r.campaign_name),
    Column(N_("Số người"), lambda r: r.line_count, CENTER),
    Column(N_("Trạng thái"), lambda r: r.status_label),
)
COLUMN_WIDTHS = (110, 300, 180, 200, 80)


class DistributionSheetsTab(QWidget):
    def __init__(self, services: Services, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._runner = runner
        self._scratch = ScratchFolder()
        self.preview: PdfPreviewDialog | None = None
        self.table: RecordTable[DistributionListRow] = RecordTable(COLUMNS, COLUMN_WIDTHS)
        self.print_button = QPushButton(_("In danh sách ký nhận"))
        self.print_button.setToolTip(
            _("Tạo danh sách có cột ký nhận của người nhận (hoặc người nhận thay), cán bộ Hội và chính quyền")
        )
        set_primary(self.print_button)
        self.empty = muted_label(
            _("Chưa có danh sách cấp phát. Danh sách được lập ở mục Cứu trợ / hỗ trợ → Danh sách cấp phát.")
        )
        buttons = QHBoxLayout()
        buttons.addWidget(
            muted_label(
                _(
                    "In danh sách nháp sẽ chốt danh sách để lấy chữ ký. Sau buổi cấp phát, đánh dấu "
                    "người đã nhận ở mục Cứu trợ / hỗ trợ; kho và hồ sơ hỗ trợ được cập nhật theo đó."
                )
            ),
            1,
        )
        buttons.addWidget(self.print_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)
        layout.addLayout(buttons)
        self.table.selectionModel().selectionChanged.connect(self._on_selection_changed)
        self.table.activated.connect(self._on_table_activated)
        self.print_button.clicked.connect(self._on_print_button_clicked)
        self._on_selection_changed()

    def refresh(self) -> None:
        distributions = self._services.distributions
        Op(self, lambda _p: distributions.lists(), writes=False).success(self._on_loaded).run(self._runner)

    def _on_loaded(self, rows: list[DistributionListRow]) -> None:
        self.table.set_rows(rows)
        self.empty.setVisible(not rows)
        self._on_selection_changed()

    def _on_selection_changed(self, *_args: object) -> None:
        row = self.table.current()
        self.print_button.setEnabled(row is not None and row.line_count > 0)

    def _on_table_activated(self, _index: QModelIndex) -> None:
        self._on_print_button_clicked()

    def _on_print_button_clicked(self) -> None:
        row = self.table.current()
        if row is None:
            return
        certificates = self._services.certificates
        list_id = row.id
        out = self._scratch.new_pdf("danh-sach-ky-nhan")
        (
            Op(self, lambda _p: certificates.distribution_sheet(list_id, out), writes=True)
            .with_progress(_("Đang tạo danh sách…"), cancellable=False)
            .success(lambda sheet: self._on_printed(sheet, out))
            .run(self._runner)
        )

    def _on_printed(self, sheet: DistributionSheetDTO, out: Path) -> None:
        self.preview = PdfPreviewDialog(
            out,
            _("Danh sách ký nhận: {title}").format(title=sheet.title),
            self,
            message=_("{n} người nhận. Bấm “In…” để in và mang đi lấy chữ ký.").format(n=len(sheet.lines)),
            suggested_name="danh-sach-ky-nhan.pdf",
        )
        self.preview.open()
        self.refresh()
