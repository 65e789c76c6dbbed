# SPDX-License-Identifier: MIT
"""Blood drives and donations: drive checks, donation intervals with override, honours with prior
donations, call lists with consent, tombstones and audit."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from redcross_desktop.core.errors import NotEligibleError, NotFoundError, PeriodLockedError, ValidationError
from redcross_desktop.db.models import AuditEntry, BloodDonation, BloodDrive, PeriodLock
from redcross_desktop.services.blood import BloodDonationInput, BloodService, DriveInput
from redcross_desktop.services.container import Services
from redcross_desktop.services.people import PersonInput

FIRST = date(2026, 3, 2)


def donor(
    services: Services,
    name: str = "Nguyễn Văn An",
    *,
    prior: int = 0,
    consent: str = "given",
    birth_date: date | None = date(1990, 5, 1),
    birth_year: int | None = None,
) -> int:
    return services.people.create(
        PersonInput(
            name,
            sex="M",
            birth_date=birth_date,
            birth_year=birth_year,
            blood_prior_donations=prior,
            blood_prior_evidence="Sổ hiến máu" if prior else "",
            consent_status=consent,
            thon="Thôn Đông",
            phone="0912345678",
        )
    ).person.id


def give(person_id: int, on: date, kind: str = "whole", ml: int = 350, **extra: object) -> BloodDonationInput:
    return BloodDonationInput(person_id=person_id, donated_on=on, kind=kind, ml=ml, **extra)  # type: ignore[arg-type]


# ---------------------------------------------------------------- drives


def drive(**changes: object) -> DriveInput:
    values: dict[str, object] = {
        "held_on": date(2026, 6, 14),
        "place": "Nhà văn hóa phường",
        "facility": "Viện Huyết học - Truyền máu TW",
        "target_units": 100,
        "registered": 120,
        "screened": 110,
        "donated": 95,
        "first_time": 30,
        "units_250": 20,
        "units_350": 60,
        "units_450": 15,
    }
    values.update(changes)
    return DriveInput(**values)  # type: ignore[arg-type]


def test_drive_summary_counts_deferred_and_ml(services: Services) -> None:
    blood = BloodService(services.ctx)
    saved = blood.create_drive(drive())
    assert saved.warnings == ()
    summary = blood.drive_summary(saved.row.id)
    assert summary.deferred == 15
    assert summary.units_total == 95
    assert summary.total_ml == 250 * 20 + 350 * 60 + 450 * 15
    assert summary.target_reached_percent == 95
    assert summary.recorded_donations == 0


def test_drive_with_more_donated_than_screened_is_refused(services: Services) -> None:
    blood = BloodService(services.ctx)
    with pytest.raises(ValidationError) as caught:
        blood.create_drive(drive(screened=90, donated=95))
    assert caught.value.code == "VALIDATION_FAILED"
    assert set(caught.value.fields) == {"donated"}
    assert blood.list_drives(2026) == []


def test_walk_ins_allow_more_screened_than_registered(services: Services) -> None:
    saved = BloodService(services.ctx).create_drive(drive(registered=80, screened=110))
    assert saved.warnings == ()
    assert saved.row.registered == 80 and saved.row.screened == 110


def test_bags_not_matching_donated_warn(services: Services) -> None:
    saved = BloodService(services.ctx).create_drive(drive(units_450=10))
    assert len(saved.warnings) == 1 and "90" in saved.warnings[0] and "95" in saved.warnings[0]
    no_bags = BloodService(services.ctx).create_drive(drive(units_250=0, units_350=0, units_450=0))
    assert no_bags.warnings == ()


def test_negative_counts_and_missing_place_are_refused(services: Services) -> None:
    with pytest.raises(ValidationError) as caught:
        BloodService(services.ctx).create_drive(drive(place=" ", registered=-1))
    assert set(caught.value.fields) == {"place", "registered"}


def test_update_and_delete_drive(services: Services) -> None:
    blood = BloodService(services.ctx)
    row = blood.create_drive(drive()).row
    updated = blood.update_drive(row.id, drive(donated=100, units_350=65)).row
    assert updated.version > row.version and updated.donated == 100
    with pytest.raises(ValidationError):
        blood.update_drive(row.id, drive(donated=111))
    assert blood.drive_summary(row.id).drive.donated == 100
    blood.create_drive(drive(held_on=date(2025, 6, 14)))
    assert [d.held_on.year for d in blood.list_drives(2026)] == [2026]
    blood.delete_drive(row.id)
    assert blood.list_drives(2026) == []
    with pytest.raises(NotFoundError):
        blood.drive_summary(row.id)
    with services.ctx.sessions() as session:
        stored = session.get(BloodDrive, row.id)
        assert stored is not None and stored.deleted


# ---------------------------------------------------------------- donations and eligibility


def test_whole_blood_eleven_weeks_later_is_refused_and_accepted_with_a_reason(services: Services) -> None:
    blood = BloodService(services.ctx)
    an = donor(services)
    blood.record_donation(give(an, FIRST))
    early = FIRST + timedelta(weeks=11)
    with pytest.raises(NotEligibleError) as caught:
        blood.record_donation(give(an, early))
    assert caught.value.code == "BLOOD_NOT_ELIGIBLE"
    assert "25/05/2026" in caught.value.message  # 02/03/2026 + 84 days
    assert "lý do" in caught.value.message
    assert len(blood.donations_of(an)) == 1
    saved = blood.record_donation(give(an, early, override_reason="Bệnh viện đề nghị hiến gấp cho ca mổ"))
    assert saved.row.override_reason == "Bệnh viện đề nghị hiến gấp cho ca mổ"
    with services.ctx.sessions() as session:
        stored = session.get(BloodDonation, saved.row.id)
        assert stored is not None and stored.override_reason == "Bệnh viện đề nghị hiến gấp cho ca mổ"
        audit = session.scalars(
            select(AuditEntry).where(
                AuditEntry.table_name == "blood_donations", AuditEntry.record_uuid == saved.row.uuid
            )
        ).one()
        assert json.loads(audit.after or "{}")["override_reason"] == "Bệnh viện đề nghị hiến gấp cho ca mổ"


def test_twelve_weeks_after_whole_blood_is_allowed(services: Services) -> None:
    blood = BloodService(services.ctx)
    an = donor(services)
    blood.record_donation(give(an, FIRST))
    eligibility = blood.eligibility(an, FIRST + timedelta(days=83))
    assert eligibility.next_eligible == date(2026, 5, 25) and not eligibility.eligible
    assert blood.eligibility(an, date(2026, 5, 25)).eligible
    assert blood.record_donation(give(an, date(2026, 5, 25))).row.override_reason == ""


def test_two_weeks_after_plasma_is_allowed(services: Services) -> None:
    blood = BloodService(services.ctx)
    an = donor(services)
    blood.record_donation(give(an, FIRST, kind="plasma", ml=500))
    with pytest.raises(NotEligibleError) as caught:
        blood.record_donation(give(an, FIRST + timedelta(days=13), kind="plasma", ml=500))
    assert "16/03/2026" in caught.value.message
    saved = blood.record_donation(give(an, FIRST + timedelta(weeks=2), kind="plasma", ml=500))
    assert saved.row.donated_on == date(2026, 3, 16)


def test_the_last_donations_type_decides(services: Services) -> None:
    blood = BloodService(services.ctx)
    an = donor(services)
    blood.record_donation(give(an, date(2026, 1, 5)))
    # Plasma 13 weeks after whole blood, then whole blood 2 weeks after the plasma.
    blood.record_donation(give(an, date(2026, 4, 6), kind="plasma", ml=450))
    eligibility = blood.eligibility(an, date(2026, 4, 20))
    assert (eligibility.last_kind, eligibility.last_date) == ("plasma", date(2026, 4, 6))
    assert eligibility.next_eligible == date(2026, 4, 20)
    assert eligibility.eligible
    assert blood.record_donation(give(an, date(2026, 4, 20))).row.kind == "whole"


def test_a_late_entered_donation_must_not_crowd_a_later_one(services: Services) -> None:
    blood = BloodService(services.ctx)
    an = donor(services)
    blood.record_donation(give(an, date(2026, 5, 4)))
    with pytest.raises(NotEligibleError):
        blood.record_donation(give(an, date(2026, 3, 2)))  # 9 weeks before the recorded one
    assert blood.record_donation(give(an, date(2026, 2, 9))).row.donated_on == date(
        2026, 2, 9
    )  # 12 weeks before


def test_age_outside_18_to_60_needs_an_override(services: Services) -> None:
    blood = BloodService(services.ctx)
    young = donor(services, "Lê Văn Trẻ", birth_date=date(2008, 6, 1))
    with pytest.raises(NotEligibleError) as caught:
        blood.record_donation(give(young, date(2026, 5, 31)))
    assert "17" in caught.value.message
    assert blood.eligibility(young, date(2026, 5, 31)).age_problems
    assert blood.record_donation(give(young, date(2026, 6, 1))).row.person_id == young
    year_only = donor(services, "Phạm Văn Già", birth_date=None, birth_year=1965)
    assert not blood.eligibility(year_only, date(2026, 3, 1)).eligible  # 2026 − 1965 = 61


def test_volume_and_type_are_checked(services: Services) -> None:
    blood = BloodService(services.ctx)
    an = donor(services)
    with pytest.raises(ValidationError) as caught:
        blood.record_donation(give(an, FIRST, ml=550))
    assert set(caught.value.fields) == {"ml"}
    with pytest.raises(ValidationError) as caught:
        blood.record_donation(give(an, FIRST, kind="bone_marrow", ml=0))
    assert set(caught.value.fields) == {"kind", "ml"}
    assert blood.record_donation(give(an, FIRST, kind="platelets", ml=550)).row.ml == 550


def test_closed_month_refuses_donations(services: Services) -> None:
    blood = BloodService(services.ctx)
    an = donor(services)
    with services.ctx.sessions.begin() as session:
        session.add(PeriodLock(period="2026-03", locked_by="Tỉnh hội"))
    with pytest.raises(PeriodLockedError):
        blood.record_donation(give(an, FIRST))
    with pytest.raises(PeriodLockedError):
        blood.create_drive(drive(held_on=FIRST))


def test_honours_are_flagged_at_the_ladder_count_with_prior_donations(services: Services) -> None:
    blood = BloodService(services.ctx)
    an = donor(services, prior=8)
    assert blood.record_donation(give(an, date(2026, 1, 5))).honours_reached == ()  # 9th
    tenth = blood.record_donation(give(an, date(2026, 4, 6)))
    assert [level.count for level in tenth.honours_reached] == [10]
    assert "bạc" in tenth.honours_reached[0].award
    assert blood.record_donation(give(an, date(2026, 7, 6))).honours_reached == ()  # 11th
    assert blood.eligibility(an, date(2026, 10, 1)).donation_count == 11
    candidates = blood.honour_candidates()
    assert [(c.person.id, c.count, c.level.count) for c in candidates] == [(an, 11, 10)]


def test_the_honour_ladder_is_configurable(services: Services) -> None:
    services.settings.set("honour_ladder", [{"count": 2, "award": "Thư cảm ơn", "body": "Hội CTĐ phường"}])
    blood = BloodService(services.ctx)
    an = donor(services, prior=1)
    reached = blood.record_donation(give(an, FIRST)).honours_reached
    assert [(level.count, level.award) for level in reached] == [(2, "Thư cảm ơn")]


def test_intervals_come_from_settings(services: Services) -> None:
    services.settings.set(
        "blood",
        {
            "interval_days": {"whole": 90, "red_cells": 90, "platelets": 14, "plasma": 14},
            "min_age": 18,
            "max_age": 60,
        },
    )
    blood = BloodService(services.ctx)
    an = donor(services)
    blood.record_donation(give(an, FIRST))
    assert blood.eligibility(an, FIRST).next_eligible == FIRST + timedelta(days=90)


def test_edit_rechecks_without_counting_itself_and_delete_tombstones(services: Services) -> None:
    blood = BloodService(services.ctx)
    an = donor(services)
    first = blood.record_donation(give(an, FIRST)).row
    second = blood.record_donation(give(an, date(2026, 6, 1))).row
    moved = blood.edit_donation(first.id, give(an, date(2026, 3, 9), certificate_no="GCN 12345")).row
    assert moved.version > first.version and moved.certificate_no == "GCN 12345"
    with pytest.raises(NotEligibleError):
        blood.edit_donation(second.id, give(an, date(2026, 5, 1)))
    blood.delete_donation(second.id, reason="Nhập trùng")
    assert [d.id for d in blood.donations_of(an)] == [first.id]
    with services.ctx.sessions() as session:
        audit = session.scalars(
            select(AuditEntry).where(AuditEntry.record_uuid == second.uuid).order_by(AuditEntry.id)
        )
        assert [(a.action, a.reason) for a in audit] == [("create", ""), ("delete", "Nhập trùng")]


def test_donation_takes_the_drive_facility(services: Services) -> None:
    blood = BloodService(services.ctx)
    row = blood.create_drive(drive(held_on=FIRST)).row
    saved = blood.record_donation(give(donor(services), FIRST, drive_id=row.id))
    assert saved.row.facility == "Viện Huyết học - Truyền máu TW"
    assert blood.drive_summary(row.id).recorded_donations == 1


def test_eligible_donors_for_call_lists_carry_the_consent_flag(services: Services) -> None:
    blood = BloodService(services.ctx)
    an = donor(services, "Nguyễn Văn An")
    binh = donor(services, "Trần Thị Bình", consent="unknown")
    cuong = donor(services, "Lê Văn Cường")
    dung = donor(services, "Phạm Văn Dũng", prior=3)  # only evidenced earlier donations
    donor(services, "Hoàng Văn Em")  # never gave: not on the call list
    old = donor(services, "Vũ Văn Già", birth_date=date(1960, 1, 1), prior=20)
    blood.record_donation(give(an, date(2026, 1, 5)))
    blood.record_donation(give(binh, date(2026, 2, 2), kind="plasma", ml=500))
    blood.record_donation(give(cuong, date(2026, 3, 2)))
    on = date(2026, 4, 1)
    found = blood.eligible_donors(on)
    assert [d.full_name for d in found] == ["Nguyễn Văn An", "Trần Thị Bình", "Phạm Văn Dũng"]  # by tên
    by_id = {d.person_id: d for d in found}
    assert by_id[an].next_eligible == date(2026, 3, 30) and by_id[an].may_contact
    assert by_id[binh].last_kind == "plasma" and not by_id[binh].may_contact
    assert by_id[dung].last_date is None and by_id[dung].donation_count == 3
    assert cuong not in by_id and old not in by_id
