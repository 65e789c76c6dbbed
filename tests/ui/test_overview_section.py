# SPDX-License-Identifier: MIT
"""The Tổng quan page over real services: exact figures for known records in the month and the year,
the twelve-month trends, and the reminders with where to go."""

from __future__ import annotations

from datetime import date

import pytest

from redcross_desktop.services.blood import BloodDonationInput, DriveInput
from redcross_desktop.services.container import Services
from redcross_desktop.services.donations import DonationInput, DonationLineInput
from redcross_desktop.services.members import HoursInput, MembershipInput
from redcross_desktop.services.people import PersonInput
from redcross_desktop.services.relief import ReliefInput
from redcross_desktop.services.stock import ItemInput
from redcross_desktop.ui.main_window import MainWindow
from redcross_desktop.ui.sections.overview import OverviewSection, hours_text
from redcross_desktop.ui.sections.overview_charts import money_unit, series_values
from redcross_desktop.ui.tasks import InlineTaskRunner

TODAY = date(2025, 6, 15)  # a fixed day in the past: every record below is dated before it


def person(services: Services, name: str, **fields) -> int:
    return services.people.create(PersonInput(name, **fields)).person.id


@pytest.fixture
def known(services: Services) -> Services:
    rice = services.stock.create_item(ItemInput("Gạo", "kg", "food", low_stock_level=60))
    donations = services.donations
    donations.record(DonationInput(date(2025, 6, 3), cash_vnd=1_250_000))
    donations.record(
        DonationInput(date(2025, 6, 10), channel="in_kind", lines=(DonationLineInput(rice.id, 50, 20_000),))
    )
    donations.record(DonationInput(date(2025, 3, 1), channel="transfer", cash_vnd=2_000_000))
    donations.record(DonationInput(date(2024, 12, 1), cash_vnd=700_000))  # last year, still in the trend
    voided = donations.record(DonationInput(date(2025, 6, 5), cash_vnd=9_999_000))
    donations.void(voided.id, "Ghi nhầm")

    helped = person(services, "Trần Thị Mai")
    services.relief.record(
        ReliefInput(date(2025, 6, 12), "emergency", person_id=helped, cash_vnd=500_000, people_covered=4)
    )
    services.relief.record(ReliefInput(date(2025, 2, 10), "emergency", person_id=helped, cash_vnd=300_000))

    services.blood.create_drive(
        DriveInput(
            date(2025, 6, 8),
            "Nhà văn hóa phường",
            target_units=60,
            screened=50,
            donated=45,
            units_250=5,
            units_350=40,
        )
    )
    services.blood.create_drive(
        DriveInput(date(2025, 4, 1), "Trường THCS", target_units=50, screened=35, donated=30)
    )

    member = person(services, "Nguyễn Văn An")
    services.members.enrol(MembershipInput(member, "member", date(2024, 1, 1)))
    volunteer_person = person(services, "Lê Văn Bảo")
    volunteer = services.members.enrol(MembershipInput(volunteer_person, "volunteer", date(2024, 1, 1)))
    services.members.log_hours(HoursInput(volunteer.row.id, date(2025, 6, 2), 90))
    services.members.log_hours(HoursInput(volunteer.row.id, date(2025, 5, 20), 60))

    donor = person(services, "Phạm Văn Đức", birth_year=1990, consent_status="given")
    services.blood.record_donation(BloodDonationInput(donor, date(2025, 1, 10)))
    veteran = person(services, "Hoàng Thị Lan", birth_year=1985, blood_prior_donations=9)
    services.blood.record_donation(BloodDonationInput(veteran, date(2025, 6, 8)))
    return services


@pytest.fixture
def overview(qtbot, known: Services) -> OverviewSection:
    widget = OverviewSection(known, InlineTaskRunner(), today=lambda: TODAY)
    qtbot.addWidget(widget)
    widget.resize(1160, 680)
    with qtbot.waitExposed(widget):
        widget.show()
    return widget


def card(overview: OverviewSection, key: str) -> tuple[str, str]:
    shown = overview.cards[key]
    return shown.figure.text(), shown.detail.text()


def test_cards_show_the_month_and_the_year(overview: OverviewSection) -> None:
    assert overview.period_label.text() == "Tháng 6/2025"
    assert card(overview, "cash") == ("1.250.000 đ", "Cả năm 2025: 3.250.000 đ")
    assert card(overview, "in_kind") == ("1.000.000 đ", "Cả năm 2025: 1.000.000 đ")
    assert card(overview, "helped") == ("4", "Cả năm 2025: 5")
    assert card(overview, "blood") == ("45/60 đơn vị", "Cả năm 2025: 75/110 đơn vị (68% kế hoạch các đợt)")
    assert card(overview, "members") == ("1", "Tình nguyện viên: 1 · Thanh, thiếu niên: 0")
    assert card(overview, "hours") == ("1,5 giờ", "Cả năm 2025: 2,5 giờ")
    assert overview.people_count.text() == "5"


def test_trends_cover_twelve_months(overview: OverviewSection) -> None:
    figures = overview.figures
    assert figures is not None
    assert [p.month for p in figures.cash_trend][0] == date(2024, 7, 1)
    assert [p.month for p in figures.cash_trend][-1] == date(2025, 6, 1)
    assert [p.value for p in figures.cash_trend] == [0, 0, 0, 0, 0, 700_000, 0, 0, 2_000_000, 0, 0, 1_250_000]
    assert [p.value for p in figures.helped_trend] == [0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 4]
    # Bars in thousands of đồng (the largest month is 2 triệu), the line in people.
    assert series_values(overview.cash_view.chart()) == [0, 0, 0, 0, 0, 700, 0, 0, 2000, 0, 0, 1250]
    assert series_values(overview.helped_view.chart()) == [0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 4]
    axis = overview.cash_view.chart().axes()[0]
    assert axis.categories()[0] == "T7" and axis.categories()[-1] == "T6"
    assert overview.cash_view.chart().title() == "Tiền nhận được theo tháng, từ 7/2024 đến 6/2025"


def test_reminders_say_what_to_do_and_where(overview: OverviewSection) -> None:
    assert overview.reminder_texts() == [
        "Báo cáo tháng 6/2025 cần gửi Hội cấp trên trước hết ngày 05/07/2025 (còn 20 ngày). "
        "Xem tại mục Báo cáo",
        "1 người hiến máu đã đủ điều kiện hiến lại (1 người đồng ý được liên hệ): Phạm Văn Đức. "
        "Xem tại mục Hiến máu",
        "1 người hiến máu đã đạt mốc tôn vinh: Hoàng Thị Lan (10 lần). Xem tại mục Hiến máu",
        "1 mặt hàng sắp hết: Gạo (còn 50 kg). Xem tại mục Kho hiện vật",
    ]
    assert 'href="blood"' in overview.reminders.text()


def test_early_in_the_month_last_months_report_is_due_unless_closed(known: Services, qtbot) -> None:
    early = OverviewSection(known, InlineTaskRunner(), today=lambda: date(2025, 7, 3))
    qtbot.addWidget(early)
    early.refresh()
    assert early.reminder_texts()[0] == (
        "Báo cáo tháng 6/2025 cần gửi Hội cấp trên trước hết ngày 05/07/2025 (còn 2 ngày). "
        "Xem tại mục Báo cáo"
    )
    known.reports.close_period("2025-06")
    early.refresh()
    assert early.reminder_texts()[0].startswith(
        "Báo cáo tháng 7/2025 cần gửi Hội cấp trên trước hết ngày 05/08/2025"
    )


def test_a_reminder_link_opens_its_section(known: Services, qtbot) -> None:
    window = MainWindow(known, InlineTaskRunner())
    qtbot.addWidget(window)
    overview = window.sections["overview"]
    assert isinstance(overview, OverviewSection)
    overview.reminders.linkActivated.emit("stock")
    assert window.current_section() is window.sections["stock"]


def test_an_empty_branch_shows_zeros_and_nothing_to_remind(services: Services, qtbot) -> None:
    section = OverviewSection(services, InlineTaskRunner(), today=lambda: date(2025, 6, 15))
    qtbot.addWidget(section)
    section.refresh()
    assert card(section, "cash") == ("0 đ", "Cả năm 2025: 0 đ")
    assert card(section, "blood") == ("0 đơn vị", "Cả năm 2025: 0 đơn vị")
    assert len(section.reminder_texts()) == 1  # only the report


@pytest.mark.parametrize(
    ("minutes", "text"),
    [(0, "0 giờ"), (60, "1 giờ"), (90, "1,5 giờ"), (125, "2,1 giờ"), (60_000, "1.000 giờ")],
)
def test_hours_are_written_the_vietnamese_way(minutes: int, text: str) -> None:
    assert hours_text(minutes) == text


@pytest.mark.parametrize(
    ("largest", "unit"),
    [
        (0, (1, "đồng")),
        (9_999, (1, "đồng")),
        (10_000, (1_000, "nghìn đồng")),
        (25_000_000, (10**6, "triệu đồng")),
    ],
)
def test_the_money_axis_unit_keeps_numbers_whole(largest: int, unit: tuple[int, str]) -> None:
    assert money_unit(largest) == unit
