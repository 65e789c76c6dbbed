# SPDX-License-Identifier: MIT
"""Sorting the receipt list by a header click: the service orders the ids (donor names in
Vietnamese order), the model still loads rows lazily, the selection follows its receipt."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import QPoint, Qt

from redcross_desktop.services.campaigns import CampaignInput
from redcross_desktop.services.container import Services
from redcross_desktop.services.donations import DonationInput, DonationLineInput
from redcross_desktop.services.people import PersonInput
from redcross_desktop.services.stock import ItemInput
from redcross_desktop.ui.sections.donations import DonationsSection
from redcross_desktop.ui.tasks import InlineTaskRunner

TODAY = date.today()
DONORS = ("Trần Văn Bình", "Nguyễn Văn An", "Đỗ Thị Đào", "Lê Thị Bình", "Phạm Văn Dũng")
# By tên, then họ, then đệm; D before Đ; a label without a person sorts by its words.
IN_VIETNAMESE_ORDER = [
    "Nguyễn Văn An",
    "Lê Thị Bình",
    "Trần Văn Bình",
    "Phạm Văn Dũng",
    "Đỗ Thị Đào",
    "Hòm quyên góp chợ Đồng Xuân",
    "Nhà hảo tâm (giấu tên)",
]


@pytest.fixture
def receipts(services: Services) -> Services:
    """Seven receipts recorded in a scrambled order of names, amounts, dates and channels."""
    tet = services.campaigns.create(
        CampaignInput("TET", "Tết Nhân ái", start_date=TODAY - timedelta(days=30))
    ).id
    lu = services.campaigns.create(
        CampaignInput("LU", "Ủng hộ đồng bào lũ lụt", start_date=TODAY - timedelta(days=30))
    ).id
    rice = services.stock.create_item(ItemInput("Gạo", "kg", "food"))
    amounts = (300_000, 50_000, 1_200_000, 700_000, 90_000)
    for n, (name, cash) in enumerate(zip(DONORS, amounts, strict=True)):
        person = services.people.create(PersonInput(name)).person
        services.donations.record(
            DonationInput(
                TODAY - timedelta(days=(n * 3) % 5),
                donor_id=person.id,
                cash_vnd=cash,
                campaign_id=(tet, lu, None)[n % 3],
                channel=("cash", "transfer")[n % 2],
            )
        )
    services.donations.record(
        DonationInput(TODAY, donor_display="Hòm quyên góp chợ Đồng Xuân", channel="box", cash_vnd=450_000)
    )
    services.donations.record(
        DonationInput(TODAY, channel="in_kind", lines=(DonationLineInput(rice.id, 50, 20_000),))
    )
    return services


@pytest.fixture
def section(qtbot, receipts: Services) -> DonationsSection:
    widget = DonationsSection(receipts, InlineTaskRunner())
    qtbot.addWidget(widget)
    widget.period.set_key("all")  # the dates reach back a few days, maybe into last year
    widget.resize(1160, 680)
    with qtbot.waitExposed(widget):
        widget.show()
    return widget


def column(section: DonationsSection, number: int) -> list[str]:
    model = section.model
    return [model.data(model.index(row, number)) for row in range(model.rowCount())]


def click_header(qtbot, section: DonationsSection, number: int) -> None:
    header = section.table.horizontalHeader()
    where = QPoint(
        header.sectionViewportPosition(number) + header.sectionSize(number) // 2, header.height() // 2
    )
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=where)


def test_the_list_opens_newest_receipt_first(section: DonationsSection) -> None:
    codes = column(section, 0)
    assert codes == sorted(codes, reverse=True) and len(codes) == 7
    header = section.table.horizontalHeader()
    assert header.sortIndicatorSection() == 0
    assert header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder


def test_a_donor_header_click_sorts_names_in_vietnamese_order(section: DonationsSection, qtbot) -> None:
    click_header(qtbot, section, 2)
    assert section.table.horizontalHeader().sortIndicatorSection() == 2
    ascending = section.table.horizontalHeader().sortIndicatorOrder() == Qt.SortOrder.AscendingOrder
    expected = IN_VIETNAMESE_ORDER if ascending else IN_VIETNAMESE_ORDER[::-1]
    assert column(section, 2) == expected
    click_header(qtbot, section, 2)  # the second click turns the order round
    assert column(section, 2) == expected[::-1]
    assert section.model.complete  # the service gave the whole ordered id list


def test_amount_date_channel_status_and_receipt_headers_sort(
    section: DonationsSection, receipts: Services, qtbot
) -> None:
    def sorted_by(number: int) -> tuple[list[str], bool]:
        click_header(qtbot, section, number)
        header = section.table.horizontalHeader()
        assert header.sortIndicatorSection() == number
        return column(section, number), header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder

    cash, descending = sorted_by(5)
    amounts = [int(text.replace(".", "").replace(" đ", "")) if text else 0 for text in cash]
    assert amounts == sorted(amounts, reverse=descending) and amounts[0 if descending else -1] == 1_200_000

    days, descending = sorted_by(1)
    as_dates = [date(int(d[6:]), int(d[3:5]), int(d[:2])) for d in days]
    assert as_dates == sorted(as_dates, reverse=descending) and len(set(as_dates)) > 1

    channels, descending = sorted_by(4)
    order = ["Chuyển khoản", "Hiện vật", "Hòm quyên góp", "Tiền mặt"]  # as read, C < Hi < Hò < T
    assert list(dict.fromkeys(channels)) == (order[::-1] if descending else order)

    goods, descending = sorted_by(6)
    assert goods[0 if descending else -1] == "1.000.000 đ"

    campaigns, descending = sorted_by(3)
    named = [c for c in campaigns if c]
    assert named == sorted(named, key=["Tết Nhân ái", "Ủng hộ đồng bào lũ lụt"].index, reverse=descending)

    receipt = receipts.donations.list()[1]
    receipts.donations.void(receipt.id, "Ghi nhầm")
    section.reload()
    statuses, descending = sorted_by(7)
    assert statuses.count("Đã hủy") == 1
    assert statuses.index("Đã hủy") == (0 if descending else 6)

    codes, descending = sorted_by(0)
    assert codes == sorted(codes, reverse=descending)


def test_the_selected_receipt_stays_selected_across_a_sort(section: DonationsSection, qtbot) -> None:
    section.table.selectRow(0)
    chosen = section.current()
    assert chosen is not None
    click_header(qtbot, section, 2)
    assert section.current() == chosen
    assert column(section, 2).index(chosen.donor_name) == section.table.currentIndex().row()


def test_a_sorted_list_follows_the_filters(section: DonationsSection, qtbot) -> None:
    click_header(qtbot, section, 2)
    section.status.setCurrentIndex(section.status.findData("valid"))
    section.search.setText("binh")
    section.reload()
    assert sorted(column(section, 2)) == ["Lê Thị Bình", "Trần Văn Bình"]
    assert column(section, 2) in (["Lê Thị Bình", "Trần Văn Bình"], ["Trần Văn Bình", "Lê Thị Bình"])
