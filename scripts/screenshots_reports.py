# SPDX-License-Identifier: MIT
"""The Báo cáo and Chứng nhận sections, their dialogs and the receipt offer, with data in them; called
by `screenshots.py` after the plain section shots (it adds records, so it runs last)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QDeadlineTimer, QEventLoop
from PySide6.QtWidgets import QWidget

from redcross_desktop.services.campaigns import CampaignInput
from redcross_desktop.services.certificates import CertificateRequest
from redcross_desktop.services.container import Services
from redcross_desktop.services.distributions import DistributionLineInput
from redcross_desktop.services.donations import DonationInput
from redcross_desktop.services.people import PersonInput
from redcross_desktop.ui.dialogs.receipt_offer import offer_receipt
from redcross_desktop.ui.main_window import MainWindow
from redcross_desktop.ui.sections.certificates import CertificatesSection
from redcross_desktop.ui.sections.reports import ReportsSection
from redcross_desktop.ui.tasks import InlineTaskRunner
from redcross_desktop.ui.widgets.pdf_viewer import PdfViewer

PASSPHRASE = "mat-khau-chi-hoi"
Save = Callable[[QWidget, Path], Path]


def _rendered(viewer: PdfViewer) -> None:
    """QtPdf draws pages on a worker thread; lets it finish before the grab (events only, no sleep)."""
    for _ in range(40):
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, QDeadlineTimer(50))
        viewer.view.viewport().repaint()


def _seed(services: Services) -> int:
    today = date.today()
    flood = services.campaigns.create(
        CampaignInput(
            code="LULUT", name="Ủng hộ đồng bào vùng lũ", kind="disaster", start_date=today.replace(day=1)
        )
    ).id
    donors = [
        ("Công ty TNHH Thương mại và Dịch vụ Hoàn Kiếm Xanh", None, 25_000_000),
        ("Nguyễn Thị Phương Thảo", "F", 2_500_000),
        ("Trần Quốc Bảo", "M", 1_200_000),
        ("Lê Văn Hùng", "M", 500_000),
    ]
    last = 0
    for name, sex, amount in donors:
        person = services.people.create(
            PersonInput(name, sex=sex, is_organisation=sex is None, thon="Tổ 2")
        ).person.id
        last = services.donations.record(
            DonationInput(today, donor_id=person, campaign_id=flood, cash_vnd=amount)
        ).id
    services.donations.record(DonationInput(today.replace(year=today.year - 1), cash_vnd=9_000_000))
    services.donations.record(DonationInput(today.replace(day=1) - timedelta(days=1), cash_vnd=3_000_000))
    services.reports.set_manual(f"{today:%Y-%m}", "TC.HP.NOP", 1_800_000)
    services.reports.set_plan(today.year, "VD.TONG", 60_000_000)
    services.reports.set_plan(today.year, "HM.DON_VI", 300)
    services.keys.create(PASSPHRASE)
    lists = services.distributions
    made = lists.create_list("Tặng quà hộ bị ảnh hưởng lũ - tổ 2", today, programme="Cứu trợ lũ lụt")
    for person in services.people.search("tran quoc bao")[:1] + services.people.search("le van hung")[:1]:
        lists.add_line(made.id, DistributionLineInput(person.id, group_code="poor", cash_vnd=1_000_000))
    return last


def shoot(window: MainWindow, services: Services, out: Path, save: Save, scratch: Path) -> None:
    donation_id = _seed(services)
    services.certificates.issue(
        CertificateRequest("donor", min_amount_vnd=1_000_000), PASSPHRASE, scratch / "cn.pdf"
    )

    reports = window.show_section("reports")
    assert isinstance(reports, ReportsSection)
    reports.refresh()
    save(window, out / "09b-reports-data.png")
    reports.table.scrollToBottom()
    save(window, out / "09c-reports-bottom.png")
    reports.table.scrollToTop()
    for button, name in (
        (reports.entry_button, "09d-report-entry"),
        (reports.plans_button, "09e-report-plans"),
        (reports.export_button, "09f-report-export"),
        (reports.disclosure_button, "09g-report-disclosure"),
    ):
        button.click()
        dialog = reports.dialog
        assert dialog is not None
        if name.endswith("export"):
            dialog.number.setText("12")  # type: ignore[union-attr]
        save(dialog, out / f"{name}.png")
        if name.endswith("entry"):
            dialog.tabs.setCurrentIndex(1)  # type: ignore[union-attr]
            save(dialog, out / f"{name}-texts.png")
        dialog.reject()
    reports.close_button.click()
    assert reports.confirm is not None
    save(reports.confirm, out / "09h-report-close-confirm.png")
    reports.close_confirm_button.click()
    save(window, out / "09i-reports-closed.png")
    reports.reopen_button.click()
    assert reports.reason_dialog is not None
    save(reports.reason_dialog, out / "09j-report-reopen.png")
    reports.reason_dialog.reject()

    certificates = window.show_section("certificates")
    assert isinstance(certificates, CertificatesSection)
    issue = certificates.issue
    issue.find_candidates()
    save(window, out / "11b-certificates-candidates.png")
    issue.preview_button.click()
    _rendered(issue.viewer)
    save(window, out / "11c-certificates-preview.png")
    issue.issue_button.click()
    assert issue.prompt is not None
    save(issue.prompt, out / "11d-certificates-passphrase.png")
    issue.prompt.reject()
    certificates.tabs.setCurrentWidget(certificates.issued)
    save(window, out / "11e-certificates-issued.png")
    certificates.issued.table.selectRow(0)
    certificates.issued.verify_button.click()
    verify = certificates.issued.verify_dialog
    assert verify is not None
    verify.code.setText(services.certificates.list()[0].qr_text)
    verify.check_button.click()
    save(verify, out / "11f-certificates-verify.png")
    verify.reject()
    certificates.tabs.setCurrentWidget(certificates.sheets)
    save(window, out / "11g-certificates-sheets.png")
    certificates.sheets.table.selectRow(0)
    certificates.sheets.print_button.click()
    preview = certificates.sheets.preview
    assert preview is not None
    _rendered(preview.viewer)
    save(preview, out / "11h-distribution-sheet.png")
    preview.reject()

    offer = offer_receipt(window, services, InlineTaskRunner(), services.donations.get(donation_id))
    save(offer, out / "12b-receipt-offer.png")
    offer.print_button.click()
    _rendered(offer.viewer)
    save(offer, out / "12c-receipt-printed.png")
    offer.reject()
