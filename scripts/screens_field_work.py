# SPDX-License-Identifier: MIT
"""Screenshots of Cứu trợ / hỗ trợ, Hiến máu, Hội viên & TNV and Hoạt động with their dialogs, for
`screenshots.py`.

`seed()` adds what the other seeds leave out (goods given from stock, a distribution list, a chi hội,
dues, activities, tracing cases); `shoot()` opens each tab and dialog in a telling state and saves
it. Run after `screens_donations.seed()`, whose people, items and drives it reuses.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from PySide6.QtWidgets import QWidget

from redcross_desktop.services.activities import ActivityInput, TracingInput
from redcross_desktop.services.container import Services
from redcross_desktop.services.distributions import DistributionLineInput
from redcross_desktop.services.members import DuesInput, MemberQuery
from redcross_desktop.services.relief import ReliefInput, ReliefItemInput
from redcross_desktop.ui.dialogs.distribution_dialogs import ReconcileDialog
from redcross_desktop.ui.main_window import MainWindow
from redcross_desktop.ui.sections.activities import ActivitiesSection
from redcross_desktop.ui.sections.blood import BloodSection
from redcross_desktop.ui.sections.members import MembersSection
from redcross_desktop.ui.sections.relief import ReliefSection

Save = Callable[[QWidget, Path], Path]


def _person(services: Services, name: str) -> int:
    return services.people.search(name, limit=1)[0].id


def _item(services: Services, name: str) -> int:
    return next(i.id for i in services.stock.list_items() if i.name == name)


def seed(services: Services) -> None:
    today = date.today()
    first_of_month = today.replace(day=1)
    noodles, blanket = _item(services, "Mì tôm"), _item(services, "Chăn ấm")
    services.relief.record(
        ReliefInput(
            today,
            "regular",
            person_id=_person(services, "Bùi Thị Mai"),
            programme="Trợ giúp người cao tuổi cô đơn",
            groups=("elderly_alone", "poor"),
            cash_vnd=300_000,
            items=(ReliefItemInput(blanket, 1),),
            review_minutes_ref="BB bình xét số 03 ngày 02/" + today.strftime("%m/%Y"),
            confirmation_ref="XN số 41/UBND",
        )
    )
    services.relief.record(
        ReliefInput(
            today,
            "emergency",
            person_id=_person(services, "Dương Văn Khánh"),
            programme="Ứng phó lũ lụt",
            groups=("disaster_affected",),
            items=(ReliefItemInput(noodles, 2),),
        )
    )
    listed = services.distributions.create_list(
        "Cấp quà ứng phó lũ - Tổ 5", today, "Ứng phó lũ lụt", "emergency"
    )
    for name, group in (("Phạm Thị Hồng Nhung", "poor"), ("Ngô Thị Lan Anh", "disaster_affected")):
        services.distributions.add_line(
            listed.id, DistributionLineInput(_person(services, name), group, 500_000, noodles, 1)
        )
    services.distributions.add_line(
        listed.id, DistributionLineInput(_person(services, "Trịnh Thị Yến"), "near_poor", 300_000, blanket, 1)
    )
    services.distributions.mark_printed(listed.id)
    services.distributions.create_list("Trợ giúp thường xuyên quý này", today, "Trợ giúp thường xuyên")

    services.members.create_sub_unit("chi_hoi", "Chi hội Tổ 5")
    for member in services.members.list(MemberQuery(category="member")):
        services.members.record_dues(
            DuesInput(
                member.id,
                first_of_month,
                f"{first_of_month:%Y}-01",
                max(1, today.month - 2),
                1000 * max(1, today.month - 2),
            )
        )

    record = services.activities.record
    record(
        ActivityInput(
            "first_aid",
            "Tập huấn sơ cấp cứu cho học sinh THCS",
            first_of_month,
            place="Trường THCS Hoàn Kiếm",
            sessions=2,
            participants=64,
            cases=3,
            cost_vnd=2_400_000,
        )
    )
    record(
        ActivityInput(
            "communication",
            "Nói chuyện chuyên đề hiến máu tình nguyện",
            first_of_month,
            place="Nhà văn hóa phường",
            sessions=1,
            participants=120,
            cases=2,
        )
    )
    record(
        ActivityInput(
            "disaster",
            "Diễn tập ứng phó bão",
            today - timedelta(days=1) if today.day > 1 else today,
            place="Tổ 7",
            sessions=1,
            participants=45,
        )
    )
    record(
        ActivityInput(
            "health",
            "Khám bệnh, tặng quà người cao tuổi",
            first_of_month,
            sessions=1,
            people_served=80,
            value_vnd=16_000_000,
        )
    )
    services.activities.open_case(
        TracingInput(first_of_month, "Nguyễn Văn Hải, Tổ 3", "Nguyễn Văn Bảo, sinh năm 1950, quê Nam Định")
    )
    found = services.activities.open_case(
        TracingInput(first_of_month, "Lê Thị Ba, Tổ 6", "Lê Văn Tư, thất lạc năm 1979")
    )
    services.activities.set_case_status(found.id, "found", today)


def shoot(window: MainWindow, services: Services, out: Path, save: Save) -> None:
    relief = window.show_section("relief")
    assert isinstance(relief, ReliefSection)
    relief.relief.table.selectRow(0)
    save(window, out / "05b-relief-list.png")
    dialog = relief.relief.open_dialog(None)
    dialog.person.set_person(services.people.get(_person(services, "Bùi Thị Mai")))
    dialog.kind.setCurrentIndex(dialog.kind.findData("regular"))
    dialog.groups["elderly_alone"].setChecked(True)
    dialog.cash.edit.setText("300k")
    line = dialog.goods.add_line(_item(services, "Gạo tẻ"), 10)
    line.quantity.setValue(10)
    save(dialog, out / "05c-relief-dialog-regular.png")
    dialog.reject()

    relief.tabs.setCurrentWidget(relief.distributions)
    tab = relief.distributions
    printed = next(row for row in tab.lists.rows() if row.status == "printed")
    tab.lists.select_id(printed.id)
    save(window, out / "05d-distribution-lists.png")
    tab.reconcile_button.click()
    reconcile = tab.dialog
    assert isinstance(reconcile, ReconcileDialog)
    first, *_rest, last = reconcile.checks
    reconcile.proxies[first].setText("Nguyễn Văn Hải (con)")
    reconcile.checks[last].setChecked(False)
    save(reconcile, out / "05e-reconcile-dialog.png")
    reconcile.reject()

    blood = window.show_section("blood")
    assert isinstance(blood, BloodSection)
    blood.drives.open_dialog(None)
    drive = blood.drives.dialog
    assert drive is not None
    drive.place.setText("Nhà văn hóa Tổ 5")  # type: ignore[attr-defined]
    drive.target.setValue(100)  # type: ignore[attr-defined]
    drive.screened.setValue(90)  # type: ignore[attr-defined]
    drive.donated.setValue(95)  # type: ignore[attr-defined]
    save(drive, out / "06b-drive-dialog-error.png")
    drive.reject()  # type: ignore[attr-defined]
    blood.tabs.setCurrentWidget(blood.donations)
    save(window, out / "06c-blood-donations.png")
    donation = blood.donations.open_dialog(None)
    donation.person.set_person(services.people.get(_person(services, "Đinh Thị Hương")))
    save(donation, out / "06d-donation-dialog-refused.png")
    donation.reject()
    blood.tabs.setCurrentWidget(blood.eligible)
    blood.eligible.contact_only.setChecked(False)
    save(window, out / "06e-blood-eligible.png")
    blood.tabs.setCurrentWidget(blood.honours)
    save(window, out / "06f-blood-honours.png")

    members = window.show_section("members")
    assert isinstance(members, MembersSection)
    enrol = members.members.open_enrol(None)
    enrol.person.set_person(services.people.get(_person(services, "Lý Thị Ngọc Hân")))
    enrol.category.setCurrentIndex(enrol.category.findData("volunteer"))
    enrol.exempt.setChecked(True)
    save(enrol, out / "07b-enrol-dialog.png")
    enrol.reject()
    members.tabs.setCurrentWidget(members.dues)
    members.dues.members.selectRow(0)
    save(window, out / "07c-dues.png")
    members.dues.pay_button.click()
    pay = members.dues.dialog
    assert pay is not None
    pay.months.setValue(6)  # type: ignore[attr-defined]
    save(pay, out / "07d-dues-dialog.png")
    pay.reject()  # type: ignore[attr-defined]
    members.tabs.setCurrentWidget(members.hours)
    save(window, out / "07e-volunteer-hours.png")
    hours = members.hours.open_dialog(None)
    hours.volunteer.setCurrentIndex(1)
    hours.hours.setValue(2)
    hours.minutes.setValue(30)
    save(hours, out / "07f-hours-dialog.png")
    hours.reject()

    activities = window.show_section("activities")
    assert isinstance(activities, ActivitiesSection)
    save(window, out / "08b-activities.png")
    activity = activities.activities.open_dialog(None)
    activity.type.setCurrentIndex(activity.type.findData("first_aid"))
    activity.title_edit.setText("Tập huấn sơ cấp cứu đuối nước")
    save(activity, out / "08c-activity-dialog-first-aid.png")
    activity.type.setCurrentIndex(activity.type.findData("communication"))
    save(activity, out / "08d-activity-dialog-communication.png")
    activity.reject()
    activities.tabs.setCurrentWidget(activities.tracing)
    save(window, out / "08e-tracing.png")
    activities.tracing.table.selectRow(0)
    activities.tracing.status_button.click()
    change = activities.tracing.dialog
    assert change is not None
    change.status.setCurrentIndex(change.status.findData("closed"))  # type: ignore[attr-defined]
    save(change, out / "08f-case-status-dialog.png")
    change.reject()  # type: ignore[attr-defined]
