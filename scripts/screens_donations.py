# SPDX-License-Identifier: MIT
"""Screenshots of Tổng quan, Quyên góp and Kho hiện vật with their dialogs, for `screenshots.py`.

`seed()` records a year of plausible work (dated up to today) so the lists, totals, charts and
reminders have something to show; `shoot()` opens each dialog in a telling state and saves it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QWidget

from redcross_desktop.services.blood import BloodDonationInput, DriveInput
from redcross_desktop.services.campaigns import CampaignInput
from redcross_desktop.services.container import Services
from redcross_desktop.services.donations import DonationInput, DonationLineInput
from redcross_desktop.services.members import HoursInput, MembershipInput
from redcross_desktop.services.people import PersonInput
from redcross_desktop.services.relief import ReliefInput
from redcross_desktop.services.stock import ItemInput
from redcross_desktop.ui.main_window import MainWindow
from redcross_desktop.ui.sections.donations import DonationsSection
from redcross_desktop.ui.sections.stock import StockSection

Save = Callable[[QWidget, Path], Path]


def _month_day(today: date, months_back: int, day: int) -> date:
    index = today.year * 12 + today.month - 1 - months_back
    wanted = date(index // 12, index % 12 + 1, min(day, 28))
    return min(wanted, today)


def _person(services: Services, name: str) -> int:
    return services.people.search(name, limit=1)[0].id


def seed(services: Services) -> None:
    today = date.today()
    tet = services.campaigns.create(
        CampaignInput("TET" + str(today.year), f"Tết Nhân ái {today.year}", "tet", date(today.year, 1, 1))
    )
    flood = services.campaigns.create(
        CampaignInput(
            "LU" + str(today.year),
            "Ủng hộ đồng bào bị lũ lụt",
            "disaster",
            today - timedelta(days=40),
            documents="Thư kêu gọi số 12/TKG-CTĐ",
        )
    )
    rice = services.stock.create_item(ItemInput("Gạo tẻ", "kg", "food", 18_000, low_stock_level=100))
    noodles = services.stock.create_item(ItemInput("Mì tôm", "thùng", "food", 110_000, low_stock_level=5))
    blanket = services.stock.create_item(ItemInput("Chăn ấm", "chiếc", "essentials", 250_000))
    oil = services.stock.create_item(ItemInput("Dầu ăn", "lít", "food", 45_000))
    services.stock.create_item(ItemInput("Vở học sinh", "quyển", "school", 8_000))

    donors = [
        _person(services, n) for n in ("Nguyễn Văn Đức", "Lê Thị Bình", "Công ty TNHH", "Vũ Thị Thu Hà")
    ]
    record = services.donations.record
    for months_back in range(11, 0, -1):
        record(
            DonationInput(
                _month_day(today, months_back, 5),
                donor_id=donors[months_back % len(donors)],
                campaign_id=tet.id if months_back > 8 else None,
                cash_vnd=(months_back % 4 + 1) * 1_500_000,
                collector="Trần Minh Quân",
            )
        )
    record(
        DonationInput(
            _month_day(today, 0, 2),
            donor_id=donors[2],
            campaign_id=flood.id,
            channel="in_kind",
            lines=(DonationLineInput(rice.id, 500, 18_000), DonationLineInput(noodles.id, 20, 110_000)),
        )
    )
    record(
        DonationInput(_month_day(today, 0, 3), donor_id=donors[0], campaign_id=flood.id, cash_vnd=5_000_000)
    )
    record(
        DonationInput(
            _month_day(today, 0, 3),
            channel="box",
            donor_display="Hòm quyên góp chợ Hàng Bè",
            campaign_id=flood.id,
            cash_vnd=3_270_000,
        )
    )
    wrong = record(DonationInput(_month_day(today, 0, 4), donor_id=donors[1], cash_vnd=200_000))
    services.donations.void(wrong.id, "Ghi sai số tiền, đã lập lại biên nhận")
    record(DonationInput(_month_day(today, 0, 4), donor_id=donors[1], cash_vnd=2_000_000))
    record(
        DonationInput(
            _month_day(today, 0, 6),
            donor_id=donors[3],
            channel="in_kind",
            lines=(DonationLineInput(blanket.id, 30, 250_000), DonationLineInput(oil.id, 40, 45_000)),
        )
    )
    services.stock.adjust(rice.id, -420, "Biên bản kiểm kê: cấp cho điểm nấu ăn", _month_day(today, 0, 7))

    helped = [_person(services, n) for n in ("Bùi Thị Mai", "Hoàng Minh Tuấn", "Trịnh Thị Yến")]
    for months_back in range(11, -1, -1):
        services.relief.record(
            ReliefInput(
                _month_day(today, months_back, 15),
                "emergency",
                person_id=helped[months_back % len(helped)],
                cash_vnd=500_000,
                people_covered=(months_back % 5) + 2,
            )
        )
    services.blood.create_drive(
        DriveInput(
            _month_day(today, 0, 8),
            "Nhà văn hóa phường",
            "Viện Huyết học - Truyền máu TW",
            120,
            110,
            100,
            92,
            20,
            units_250=12,
            units_350=80,
        )
    )
    services.blood.create_drive(
        DriveInput(
            _month_day(today, 4, 8),
            "Trường THPT Trần Phú",
            "Viện Huyết học - Truyền máu TW",
            150,
            140,
            125,
            118,
            40,
            units_350=118,
        )
    )
    donor = services.people.create(
        PersonInput("Tạ Văn Hòa", sex="M", birth_year=1990, consent_status="given")
    )
    services.blood.record_donation(BloodDonationInput(donor.person.id, today - timedelta(days=120)))
    veteran = services.people.create(
        PersonInput(
            "Đinh Thị Hương", sex="F", birth_year=1984, blood_prior_donations=14, consent_status="given"
        )
    )
    services.blood.record_donation(BloodDonationInput(veteran.person.id, today - timedelta(days=10)))

    for name in ("Nguyễn Văn An", "Đặng Quốc Việt", "Mai Xuân Trường"):
        services.members.enrol(
            MembershipInput(_person(services, name), "member", date(today.year - 2, 3, 26))
        )
    volunteer = services.members.enrol(
        MembershipInput(_person(services, "Ngô Thị Lan Anh"), "volunteer", date(today.year - 1, 3, 26))
    )
    services.members.log_hours(HoursInput(volunteer.row.id, _month_day(today, 0, 2), 270))
    services.members.log_hours(HoursInput(volunteer.row.id, _month_day(today, 2, 2), 600))


def shoot(window: MainWindow, out: Path, save: Save) -> None:
    donations = window.show_section("donations")
    assert isinstance(donations, DonationsSection)
    donations.table.selectRow(0)
    save(window, out / "03b-donations-selected.png")

    donations.add_button.click()
    dialog = donations.dialog
    assert dialog is not None
    dialog.donor.edit.setFocus()
    QTest.keyClicks(dialog.donor.edit, "nguyen van")
    save(dialog, out / "03c-donation-dialog-picking.png")
    dialog.donor.completer.popup().hide()
    dialog.donor.choose_row(0)
    dialog.campaign.setCurrentIndex(2)
    dialog.cash.edit.setText("1tr25")
    row = dialog.lines.add_line()
    dialog.lines.item_box(row).setCurrentIndex(1)
    dialog.lines.quantity_edit(row).setText("50")
    dialog.remark.setText("Ủng hộ qua Ban điều hành tổ dân phố số 5")
    save(dialog, out / "03d-donation-dialog.png")
    dialog.reject()

    donations.add_button.click()
    dialog = donations.dialog
    assert dialog is not None
    dialog.save_button.click()  # nothing filled in: every hint shows
    dialog.cash.edit.setText("12,5 chục")
    save(dialog, out / "03e-donation-dialog-errors.png")
    dialog.reject()

    valid_row = next(
        r
        for r in range(donations.model.rowCount())
        if not donations.model.row_at(r).is_void  # type: ignore[union-attr]
    )
    donations.table.selectRow(valid_row)
    donations.void_button.click()
    void = donations.void_dialog
    assert void is not None
    void.confirm_button.click()  # no reason: refused, with the hint
    save(void, out / "03f-void-dialog.png")
    void.reject()

    void_row = next(
        r
        for r in range(donations.model.rowCount())
        if donations.model.row_at(r).is_void  # type: ignore[union-attr]
    )
    donations.table.selectRow(void_row)
    donations.edit_button.click()
    assert donations.dialog is not None
    save(donations.dialog, out / "03g-donation-voided.png")
    donations.dialog.reject()
    donations.history_button.click()
    assert donations.history is not None
    save(donations.history, out / "03h-donation-history.png")
    donations.history.reject()

    donations.campaigns_button.click()
    campaigns = donations.campaigns_dialog
    assert campaigns is not None
    save(campaigns, out / "03i-campaigns.png")
    campaigns.add_button.click()
    form = campaigns.dialog
    assert form is not None
    form.code.setText("BN2026")
    form.name.setText("Hỗ trợ bệnh nhân hiểm nghèo Nguyễn Thị X")
    form.kind.setCurrentIndex(form.kind.findData("critical_patient"))
    form.start_date.set_value(date.today() - timedelta(days=10))
    form.end_date.set_value(date.today() + timedelta(days=120))
    save(form, out / "03j-campaign-dialog.png")
    form.reject()
    campaigns.reject()

    stock = window.show_section("stock")
    assert isinstance(stock, StockSection)
    stock.balances.selectRow(0)
    save(window, out / "04b-stock-selected.png")
    stock.adjust_button.click()
    adjust = stock.adjust_dialog
    assert adjust is not None
    adjust.quantity.setText("70")
    QTest.keyClick(adjust.reason, Qt.Key.Key_Tab)
    save(adjust, out / "04c-stock-adjust.png")
    adjust.reject()
    stock.add_button.click()
    assert stock.dialog is not None
    save(stock.dialog, out / "04d-item-dialog.png")
    stock.dialog.reject()
