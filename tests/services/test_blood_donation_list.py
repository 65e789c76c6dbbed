# SPDX-License-Identifier: MIT
"""BloodService.list_donations: the donations of a period with their donors, for the Hiến máu list."""

from __future__ import annotations

from datetime import date, timedelta

from redcross_desktop.services.blood import BloodDonationInput, DriveInput
from redcross_desktop.services.container import Services
from redcross_desktop.services.people import PersonInput


def test_donations_of_a_period_newest_first_with_donor_and_drive(services: Services) -> None:
    today = date.today()
    duc = services.people.create(PersonInput("Nguyễn Văn Đức", thon="Tổ 1", phone="0912345678")).person
    lan = services.people.create(PersonInput("Phạm Thị Lan", thon="Tổ 2")).person
    drive = services.blood.create_drive(
        DriveInput(today - timedelta(days=5), "Nhà văn hóa", "Viện Huyết học")
    )
    old = services.blood.record_donation(BloodDonationInput(duc.id, today - timedelta(days=200)))
    recent = services.blood.record_donation(
        BloodDonationInput(duc.id, today - timedelta(days=5), drive_id=drive.row.id)
    )
    other = services.blood.record_donation(
        BloodDonationInput(lan.id, today - timedelta(days=2), "plasma", 500)
    )

    rows = services.blood.list_donations()
    assert [r.id for r in rows] == [other.row.id, recent.row.id, old.row.id]
    assert (rows[1].full_name, rows[1].thon, rows[1].drive_place, rows[1].donation.facility) == (
        "Nguyễn Văn Đức",
        "Tổ 1",
        "Nhà văn hóa",
        "Viện Huyết học",
    )
    assert rows[2].drive_place == ""

    week = services.blood.list_donations(today - timedelta(days=7), today)
    assert [r.id for r in week] == [other.row.id, recent.row.id]
    assert [r.id for r in services.blood.list_donations(text="nguyen duc")] == [recent.row.id, old.row.id]
    assert [r.id for r in services.blood.list_donations(text="0912")] == [recent.row.id, old.row.id]

    services.blood.delete_donation(other.row.id, "Ghi nhầm")
    assert [r.id for r in services.blood.list_donations(today - timedelta(days=7))] == [recent.row.id]
