# SPDX-License-Identifier: MIT
"""The receipt offered right after a donation is saved: printed as a PDF with its BN number, shown
in the embedded viewer, and counted (the second print is a copy); "Để sau" prints nothing."""

from __future__ import annotations

import unicodedata
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QDialog, QMessageBox

from redcross_desktop.core.errors import ExportFailedError, PrintFailedError
from redcross_desktop.services.container import Services
from redcross_desktop.services.donations import DonationInput, DonationRow
from redcross_desktop.services.people import PersonInput
from redcross_desktop.ui.dialogs.receipt_offer import ReceiptOfferDialog, offer_receipt
from redcross_desktop.ui.printing import print_document
from redcross_desktop.ui.tasks import InlineTaskRunner


def pdf_text(path: Path) -> str:
    return " ".join(
        " ".join(unicodedata.normalize("NFC", page.extract_text()).split()) for page in PdfReader(path).pages
    )


@pytest.fixture
def donation(services: Services) -> DonationRow:
    donor = services.people.create(PersonInput("Nguyễn Văn Đức", sex="M", thon="Tổ 1")).person.id
    return services.donations.record(DonationInput(date(2026, 3, 10), donor_id=donor, cash_vnd=1_250_000))


def offer(qtbot, services: Services, donation: DonationRow) -> ReceiptOfferDialog:
    dialog = offer_receipt(None, services, InlineTaskRunner(), donation)
    qtbot.addWidget(dialog)
    qtbot.waitExposed(dialog)
    return dialog


def test_printing_the_offered_receipt_shows_a_pdf_with_its_number(
    qtbot, services: Services, donation: DonationRow, tmp_path: Path
) -> None:
    dialog = offer(qtbot, services, donation)
    assert donation.receipt_code == "BN-2026-000001"
    assert dialog.question.text() == "Đã lưu biên nhận BN-2026-000001. In biên nhận?"
    assert (dialog.print_button.text(), dialog.later_button.text()) == ("In biên nhận", "Để sau")
    assert dialog.print_button.isDefault()

    qtbot.mouseClick(dialog.print_button, Qt.MouseButton.LeftButton)
    printed = dialog.printed
    assert printed is not None and printed.receipt_code == "BN-2026-000001" and not printed.copy
    qtbot.waitUntil(dialog.viewer.ready)
    assert dialog.viewer.isVisible() and dialog.viewer.print_button.isEnabled()
    assert dialog.viewer.document.pageCount() == 1
    text = pdf_text(printed.path)
    assert "BN-2026-000001" in text and "NGUYỄN VĂN ĐỨC" in text.upper() and "1.250.000" in text
    assert services.donations.get(donation.id).print_count == 1

    saved = dialog.viewer.save_to(tmp_path / "bien-nhan")
    assert saved == tmp_path / "bien-nhan.pdf" and "BN-2026-000001" in pdf_text(saved)

    # What "In…" sends to the printer, written to a PDF file instead of paper.
    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "paper.pdf"))
    assert print_document(printer, printed.path) == 1
    assert len(PdfReader(tmp_path / "paper.pdf").pages) == 1

    scratch = printed.path.parent
    dialog.later_button.click()  # now "Đóng"
    assert dialog.result() == QDialog.DialogCode.Rejected
    assert not scratch.exists()  # the scratch copy goes with the window


def test_a_second_print_is_a_copy(qtbot, services: Services, donation: DonationRow) -> None:
    first = offer(qtbot, services, donation)
    qtbot.keyClick(first, Qt.Key.Key_Return)  # Enter prints
    assert first.printed is not None and not first.printed.copy
    again = offer(qtbot, services, donation)
    again.print_button.click()
    assert again.printed is not None and again.printed.copy
    assert "bản sao" in again.question.text()
    assert services.donations.get(donation.id).print_count == 2


def test_later_prints_nothing(qtbot, services: Services, donation: DonationRow) -> None:
    dialog = offer(qtbot, services, donation)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.result() == QDialog.DialogCode.Rejected and dialog.printed is None
    assert services.donations.get(donation.id).print_count == 0


def test_a_voided_receipt_is_refused_and_nothing_is_counted(
    qtbot, services: Services, donation: DonationRow
) -> None:
    services.donations.void(donation.id, "Ghi nhầm số tiền")
    dialog = offer(qtbot, services, donation)
    dialog.print_button.click()
    assert dialog.printed is None and dialog.print_button.isEnabled()
    box = dialog.findChild(QMessageBox)
    assert box is not None and box.isVisible() and "đã bị hủy" in box.text()
    box.close()
    assert services.donations.get(donation.id).print_count == 0


def test_saving_to_a_missing_folder_is_an_export_error(
    qtbot, services: Services, donation: DonationRow, tmp_path: Path
) -> None:
    dialog = offer(qtbot, services, donation)
    dialog.print_button.click()
    with pytest.raises(ExportFailedError) as caught:
        dialog.viewer.save_to(tmp_path / "khong-co" / "bn.pdf")
    assert caught.value.code == "EXPORT_FAILED" and not (tmp_path / "khong-co").exists()


def test_a_file_that_is_not_a_pdf_is_a_print_error(tmp_path: Path, qtbot) -> None:
    bad = tmp_path / "hong.pdf"
    bad.write_text("không phải PDF", encoding="utf-8")
    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "paper.pdf"))
    with pytest.raises(PrintFailedError) as caught:
        print_document(printer, bad)
    assert caught.value.code == "PRINT_FAILED"
