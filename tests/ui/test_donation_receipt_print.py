# SPDX-License-Identifier: MIT
"""A saved receipt can be printed from the list at once (issue 6: a receipt is offered after saving)."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QLabel

from redcross_desktop.services.container import Services
from redcross_desktop.services.donations import DonationInput
from redcross_desktop.ui.dialogs.receipt_offer import ReceiptOfferDialog
from redcross_desktop.ui.sections.donations import DonationsSection
from redcross_desktop.ui.tasks import InlineTaskRunner


def test_the_selected_receipt_is_offered_for_printing(qtbot, services: Services) -> None:
    row = services.donations.record(DonationInput(date.today(), channel="cash", cash_vnd=500_000))
    section = DonationsSection(services, InlineTaskRunner())
    qtbot.addWidget(section)
    section.reload(select_id=row.id)
    assert section.current() is not None and section.current().id == row.id
    assert section.print_button.isEnabled()
    section._offer_receipt(row)
    assert "In biên nhận" in section.notice.informativeText()
    section.notice.done(0)
    section.print_button.click()
    offer = section.receipt_offer
    assert isinstance(offer, ReceiptOfferDialog)
    assert row.receipt_code in " ".join(label.text() for label in offer.findChildren(QLabel))
    offer.reject()


def test_a_voided_receipt_cannot_be_printed(qtbot, services: Services) -> None:
    row = services.donations.record(DonationInput(date.today(), channel="cash", cash_vnd=200_000))
    services.donations.void(row.id, "Ghi nhầm")
    section = DonationsSection(services, InlineTaskRunner())
    qtbot.addWidget(section)
    section.reload(select_id=row.id)
    assert not section.print_button.isEnabled()
