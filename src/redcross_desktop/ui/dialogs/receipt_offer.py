# SPDX-License-Identifier: MIT
"""Right after a donation is saved: "Đã lưu biên nhận BN-… . In biên nhận?" — print it now (the
receipt PDF is shown with "In…" and "Lưu PDF…") or later. Qt is imported here.

The print is counted by the service, so a second print of the same receipt says "BẢN SAO".
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPushButton, QVBoxLayout, QWidget

from ...core.errors import RedCrossError
from ...core.i18n import _
from ...core.vn import format_vnd
from ...services.certificates import ReceiptPrint
from ...services.container import Services
from ...services.donations import DonationRow
from ..errors import show_error
from ..printing import ScratchFolder
from ..style import muted_label, set_primary
from ..tasks import Op, Runner
from ..widgets.pdf_viewer import PdfViewer

PREVIEW_SIZE = (820, 660)


class ReceiptOfferDialog(QDialog):
    """Asks first; after "In biên nhận" the same window shows the receipt with its print buttons."""

    def __init__(
        self, services: Services, runner: Runner, donation: DonationRow, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._runner = runner
        self.donation = donation
        self.printed: ReceiptPrint | None = None
        self._scratch = ScratchFolder()
        self.setWindowTitle(_("In biên nhận"))
        self.setMinimumWidth(480)

        self.question = QLabel(_("Đã lưu biên nhận {code}. In biên nhận?").format(code=donation.receipt_code))
        self.question.setObjectName("subTitle")
        self.question.setWordWrap(True)
        self.details = muted_label(
            _("Nhà hảo tâm: {donor} · Tổng trị giá: {amount}").format(
                donor=donation.donor_name, amount=format_vnd(donation.total_vnd)
            )
        )
        self.viewer = PdfViewer(self)
        self.viewer.hide()

        self.buttons = QDialogButtonBox()
        self.print_button = QPushButton(_("In biên nhận"))
        set_primary(self.print_button)
        self.later_button = QPushButton(_("Để sau"))
        self.later_button.setToolTip(_("Có thể in lại từ danh sách quyên góp bất cứ lúc nào."))
        self.buttons.addButton(self.print_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(self.later_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.print_button.clicked.connect(self._on_print_button_clicked)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.question)
        layout.addWidget(self.details)
        layout.addWidget(self.viewer, 1)
        layout.addWidget(self.buttons)
        self.print_button.setDefault(True)  # set once the button is inside the dialog, so Enter prints
        self.print_button.setFocus()

    def _on_print_button_clicked(self) -> None:
        certificates = self._services.certificates
        donation_id = self.donation.id
        out = self._scratch.new_pdf(self.donation.receipt_code)
        self.print_button.setEnabled(False)
        (
            Op(self, lambda _p: certificates.receipt(donation_id, out), writes=True)
            .with_progress(_("Đang tạo biên nhận…"), cancellable=False)
            .success(self._on_printed)
            .failure(self._on_failed)
            .run(self._runner)
        )

    def _on_printed(self, printed: ReceiptPrint) -> None:
        self.printed = printed
        copy = _(" (bản sao)") if printed.copy else ""
        self.question.setText(
            _("Biên nhận {code}{copy}: bấm “In…” để in hoặc “Lưu PDF…” để lưu.").format(
                code=printed.receipt_code, copy=copy
            )
        )
        self.print_button.hide()
        self.later_button.setText(_("Đóng"))
        self.viewer.load(
            printed.path,
            caption=_("Biên nhận {code}").format(code=printed.receipt_code),
            suggested_name=f"{printed.receipt_code}.pdf",
        )
        self.viewer.show()
        self.resize(*PREVIEW_SIZE)
        self.viewer.print_button.setFocus()

    def _on_failed(self, error: RedCrossError) -> None:
        self.print_button.setEnabled(True)
        show_error(self, error)

    def done(self, result: int) -> None:
        self.viewer.clear()
        self._scratch.cleanup()
        super().done(result)


def offer_receipt(
    parent: QWidget | None, services: Services, runner: Runner, donation_row: DonationRow
) -> ReceiptOfferDialog:
    """Opens the offer (window-modal, not blocking) and returns it; it deletes itself when closed.
    Without a parent, the caller keeps the returned dialog alive while it is open."""
    dialog = ReceiptOfferDialog(services, runner, donation_row, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
