# SPDX-License-Identifier: MIT
"""Members, volunteers, sub-units, dues and hours (domain.md §2.8)."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import select

from redcross_desktop.core.errors import DuplicateError, NotFoundError, PeriodLockedError, ValidationError
from redcross_desktop.db.models import AuditEntry, PeriodLock
from redcross_desktop.services.container import Services
from redcross_desktop.services.members import (
    DuesInput,
    HoursInput,
    MemberQuery,
    MembershipInput,
    MembershipService,
)
from redcross_desktop.services.people import PersonInput


@pytest.fixture
def members(services: Services) -> MembershipService:
    return MembershipService(services.ctx)


def person(services: Services, name: str = "Nguyễn Văn An", **kw: object) -> int:
    kw.setdefault("birth_date", date(1990, 1, 1))
    return services.people.create(PersonInput(name, **kw)).person.id  # type: ignore[arg-type]


def lock(services: Services, period: str) -> None:
    with services.ctx.sessions.begin() as session:
        session.add(PeriodLock(period=period, locked_by="Nguyễn Thị Hoa"))


def enrol(members: MembershipService, person_id: int, category: str = "member", **kw: object) -> int:
    kw.setdefault("joined_on", date(2025, 1, 15))
    return members.enrol(MembershipInput(person_id, category, **kw)).row.id  # type: ignore[arg-type]


# ---------------------------------------------------------------- enrolment


def test_enrol_returns_the_row_with_labels_and_audits(services: Services, members: MembershipService) -> None:
    unit = members.create_sub_unit("chi_hoi", "Chi hội Tổ dân phố 5")
    saved = members.enrol(
        MembershipInput(
            person(services),
            "volunteer",
            date(2025, 3, 1),
            member_no="HV-001",
            sub_unit_id=unit.id,
            volunteer_rank="gold",
            skills="Sơ cấp cứu",
        )
    )
    row = saved.row
    assert saved.warnings == ()
    assert (row.person_name, row.category, row.category_label) == (
        "Nguyễn Văn An",
        "volunteer",
        "Tình nguyện viên",
    )
    assert (row.member_no, row.sub_unit_name, row.rank, row.rank_label) == (
        "HV-001",
        "Chi hội Tổ dân phố 5",
        "gold",
        "TNV cấp 2 (Vàng)",
    )
    assert row.version == 1 and row.left_on is None
    with services.ctx.sessions() as s:
        audit = s.scalars(select(AuditEntry).where(AuditEntry.record_uuid == row.uuid)).all()
    assert [a.action for a in audit] == ["create"]


def test_volunteer_under_18_is_refused(services: Services, members: MembershipService) -> None:
    young = person(services, "Lê Minh Khoa", birth_date=date(2008, 3, 15))
    with pytest.raises(ValidationError) as err:
        members.enrol(MembershipInput(young, "volunteer", date(2026, 3, 14)))
    assert err.value.code == "VALIDATION_FAILED"
    assert "joined_on" in err.value.fields
    assert members.list() == []
    # The same person may join as youth, and as a volunteer from their 18th birthday.
    members.enrol(MembershipInput(young, "youth", date(2026, 3, 14)))
    assert members.enrol(MembershipInput(young, "volunteer", date(2026, 3, 15))).row.category == "volunteer"


def test_volunteer_with_birth_year_only_is_checked_by_year(
    services: Services, members: MembershipService
) -> None:
    young = services.people.create(PersonInput("Đỗ Thu Hà", birth_year=2008)).person.id
    with pytest.raises(ValidationError):
        members.enrol(MembershipInput(young, "volunteer", date(2025, 12, 31)))
    members.enrol(MembershipInput(young, "volunteer", date(2026, 1, 1)))


def test_second_active_membership_in_same_category_is_refused(
    services: Services, members: MembershipService
) -> None:
    pid = person(services)
    first = enrol(members, pid, "member")
    with pytest.raises(DuplicateError) as err:
        members.enrol(MembershipInput(pid, "member", date(2025, 6, 1)))
    assert err.value.code == "DUPLICATE"
    # Another category is a separate role.
    enrol(members, pid, "volunteer")
    # After leaving, the person can rejoin from the leaving day on, not before it.
    members.leave(first, date(2025, 9, 1), "Chuyển nơi ở")
    with pytest.raises(DuplicateError):
        members.enrol(MembershipInput(pid, "member", date(2025, 8, 31)))
    members.enrol(MembershipInput(pid, "member", date(2025, 9, 1)))
    assert len(members.list(MemberQuery(category="member"))) == 2


def test_exemption_needs_a_reason(services: Services, members: MembershipService) -> None:
    with pytest.raises(ValidationError) as err:
        members.enrol(MembershipInput(person(services), "member", date(2025, 1, 1), dues_exempt=True))
    assert "exempt_reason" in err.value.fields


def test_rank_only_for_volunteers_and_codes_checked(services: Services, members: MembershipService) -> None:
    pid = person(services)
    with pytest.raises(ValidationError) as err:
        members.enrol(MembershipInput(pid, "member", date(2025, 1, 1), volunteer_rank="gold"))
    assert "volunteer_rank" in err.value.fields
    with pytest.raises(ValidationError) as err:
        members.enrol(MembershipInput(pid, "elder", date(2025, 1, 1)))
    assert "category" in err.value.fields
    with pytest.raises(ValidationError) as err:
        members.enrol(MembershipInput(pid, "volunteer", date(2025, 1, 1), volunteer_rank="diamond"))
    assert "volunteer_rank" in err.value.fields
    with pytest.raises(NotFoundError):
        members.enrol(MembershipInput(999, "member", date(2025, 1, 1)))


def test_exemption_above_the_ten_percent_cap_warns(services: Services, members: MembershipService) -> None:
    ids = [
        enrol(members, person(services, f"Hội Viên {i}", birth_date=date(1980, 1, i + 1))) for i in range(9)
    ]
    first = members.enrol(
        MembershipInput(
            person(services, "Trần Thị Nghèo"),
            "member",
            date(2025, 1, 15),
            dues_exempt=True,
            exempt_reason="Hoàn cảnh khó khăn",
        )
    )
    assert first.warnings == ()  # 1 of 10 = 10 %: within the cap
    data = MembershipInput(
        person_id=members.get(ids[0]).person_id,
        category="member",
        joined_on=date(2025, 1, 15),
        dues_exempt=True,
        exempt_reason="Ốm dài ngày",
    )
    second = members.update(ids[0], data)  # 2 of 10 = 20 %
    assert len(second.warnings) == 1
    assert "2/10" in second.warnings[0]
    assert second.row.exempt is True
    assert second.row.version == 2


def test_leave_needs_a_reason_and_a_date_after_joining(
    services: Services, members: MembershipService
) -> None:
    mid = enrol(members, person(services))
    with pytest.raises(ValidationError) as err:
        members.leave(mid, date(2025, 6, 1), "  ")
    assert "reason" in err.value.fields
    with pytest.raises(ValidationError) as err:
        members.leave(mid, date(2025, 1, 14), "Xin thôi")
    assert "left_on" in err.value.fields
    row = members.leave(mid, date(2025, 6, 1), "Xin thôi")
    assert (row.left_on, row.leave_reason, row.version) == (date(2025, 6, 1), "Xin thôi", 2)
    with services.ctx.sessions() as s:
        entry = s.scalars(
            select(AuditEntry).where(AuditEntry.record_uuid == row.uuid, AuditEntry.action == "update")
        )
        audit = entry.one()
    assert audit.reason == "Xin thôi"
    assert json.loads(audit.after or "{}")["left_on"] == "2025-06-01"


def test_counts_list_and_new_members(services: Services, members: MembershipService) -> None:
    unit = members.create_sub_unit("chi_hoi", "Chi hội Thôn Đông")
    a = enrol(
        members, person(services, "Nguyễn Văn An"), "member", joined_on=date(2025, 1, 10), sub_unit_id=unit.id
    )
    enrol(members, person(services, "Bùi Thị Bích"), "member", joined_on=date(2025, 2, 5))
    enrol(members, person(services, "Trần Văn Cường"), "volunteer", joined_on=date(2025, 2, 20))
    members.leave(a, date(2025, 3, 1), "Chuyển đi")
    assert members.counts(date(2025, 2, 28)) == {"member": 2, "volunteer": 1, "youth": 0, "junior": 0}
    assert members.counts(date(2025, 3, 1)) == {"member": 1, "volunteer": 1, "youth": 0, "junior": 0}
    assert members.counts(date(2025, 1, 9)) == {"member": 0, "volunteer": 0, "youth": 0, "junior": 0}
    assert [r.person_name for r in members.new_members(date(2025, 2, 1), date(2025, 2, 28))] == [
        "Bùi Thị Bích",
        "Trần Văn Cường",
    ]
    assert [r.person_name for r in members.left_members(date(2025, 3, 1), date(2025, 3, 31))] == [
        "Nguyễn Văn An"
    ]
    assert [r.person_name for r in members.list(MemberQuery(text="cuong"))] == ["Trần Văn Cường"]
    assert [r.person_name for r in members.list(MemberQuery(sub_unit_id=unit.id))] == ["Nguyễn Văn An"]
    assert [r.person_name for r in members.list(MemberQuery(active_on=date(2025, 3, 1)))] == [
        "Bùi Thị Bích",
        "Trần Văn Cường",
    ]


def test_enrol_in_a_closed_month_is_refused(services: Services, members: MembershipService) -> None:
    lock(services, "2025-01")
    with pytest.raises(PeriodLockedError) as err:
        enrol(members, person(services), joined_on=date(2025, 1, 15))
    assert err.value.code == "PERIOD_LOCKED"


def test_sub_units(members: MembershipService) -> None:
    members.create_sub_unit("blood_club", "CLB Hiến máu Hoàn Kiếm")
    members.create_sub_unit("chi_hoi", "Chi hội Tổ 2")
    members.create_sub_unit("chi_hoi", "Chi hội Ấp 1")
    with pytest.raises(DuplicateError):
        members.create_sub_unit("chi_hoi", "chi hoi to 2")
    with pytest.raises(ValidationError) as err:
        members.create_sub_unit("party_cell", "")
    assert set(err.value.fields) == {"kind", "name"}
    assert [(u.kind, u.name) for u in members.list_sub_units()] == [
        ("chi_hoi", "Chi hội Ấp 1"),
        ("chi_hoi", "Chi hội Tổ 2"),
        ("blood_club", "CLB Hiến máu Hoàn Kiếm"),
    ]


# ---------------------------------------------------------------- dues


def test_dues_recorded_and_status(services: Services, members: MembershipService) -> None:
    mid = enrol(members, person(services), joined_on=date(2025, 11, 20))
    saved = members.record_dues(DuesInput(mid, date(2026, 1, 5), "2025-11", 3, 3000, "Trần Văn Nam"))
    assert saved.warnings == ()
    assert saved.row.months_covered == ("2025-11", "2025-12", "2026-01")
    status = members.dues_status(mid, "2026-04")
    assert status.paid_months == ("2025-11", "2025-12", "2026-01")
    assert status.unpaid_months == ("2026-02", "2026-03", "2026-04")
    assert status.amount_due == 3000


def test_dues_amount_other_than_the_rate_warns_but_saves(
    services: Services, members: MembershipService
) -> None:
    mid = enrol(members, person(services))
    saved = members.record_dues(DuesInput(mid, date(2025, 2, 1), "2025-01", 2, 5000))
    assert len(saved.warnings) == 1 and "2.000 đ" in saved.warnings[0]
    assert members.dues_collected(date(2025, 2, 1), date(2025, 2, 28)) == 5000


def test_dues_overlap_is_refused_naming_the_months(services: Services, members: MembershipService) -> None:
    mid = enrol(members, person(services))
    members.record_dues(DuesInput(mid, date(2025, 2, 1), "2025-01", 3, 3000))
    with pytest.raises(ValidationError) as err:
        members.record_dues(DuesInput(mid, date(2025, 4, 1), "2025-03", 2, 2000))
    assert err.value.code == "VALIDATION_FAILED"
    assert "03/2025" in err.value.message and "04/2025" not in err.value.message
    assert members.dues_collected(date(2025, 1, 1), date(2025, 12, 31)) == 3000
    members.record_dues(DuesInput(mid, date(2025, 4, 1), "2025-04", 2, 2000))
    assert members.dues_collected(date(2025, 1, 1), date(2025, 12, 31)) == 5000


def test_dues_for_an_exempt_member_are_refused(services: Services, members: MembershipService) -> None:
    mid = members.enrol(
        MembershipInput(
            person(services), "member", date(2025, 1, 1), dues_exempt=True, exempt_reason="Hộ nghèo"
        )
    ).row.id
    with pytest.raises(ValidationError) as err:
        members.record_dues(DuesInput(mid, date(2025, 2, 1), "2025-01", 1, 1000))
    assert "miễn hội phí" in err.value.message
    assert members.dues_collected(date(2025, 1, 1), date(2025, 12, 31)) == 0
    status = members.dues_status(mid, "2025-12")
    assert (status.exempt, status.unpaid_months, status.amount_due) == (True, (), 0)


def test_dues_in_a_closed_month_are_refused(services: Services, members: MembershipService) -> None:
    mid = enrol(members, person(services))
    lock(services, "2025-02")
    with pytest.raises(PeriodLockedError):
        members.record_dues(DuesInput(mid, date(2025, 2, 1), "2025-01", 1, 1000))


def test_dues_split_sums_exactly(services: Services, members: MembershipService) -> None:
    mid = enrol(members, person(services))
    members.record_dues(DuesInput(mid, date(2025, 2, 1), "2025-01", 1, 1001))
    assert members.dues_split(date(2025, 2, 1), date(2025, 2, 28)) == {
        "chi_hoi": 500,
        "commune": 301,
        "province": 200,
    }


def test_cancelled_dues_free_the_months(services: Services, members: MembershipService) -> None:
    mid = enrol(members, person(services))
    paid = members.record_dues(DuesInput(mid, date(2025, 2, 1), "2025-01", 1, 1000)).row
    with pytest.raises(ValidationError):
        members.cancel_dues(paid.id, "")
    members.cancel_dues(paid.id, "Nhập nhầm người")
    assert members.dues_payments(mid) == []
    members.record_dues(DuesInput(mid, date(2025, 2, 2), "2025-01", 1, 1000))
    with services.ctx.sessions() as s:
        entry = s.scalars(
            select(AuditEntry).where(AuditEntry.record_uuid == paid.uuid, AuditEntry.action == "delete")
        )
        assert entry.one().reason == "Nhập nhầm người"


# ---------------------------------------------------------------- hours


def test_hours_only_for_active_volunteers(services: Services, members: MembershipService) -> None:
    pid = person(services)
    member = enrol(members, pid, "member", joined_on=date(2025, 1, 1))
    volunteer = enrol(members, pid, "volunteer", joined_on=date(2025, 3, 1))
    with pytest.raises(ValidationError) as err:
        members.log_hours(HoursInput(member, date(2025, 3, 5), 120))
    assert "membership_id" in err.value.fields
    with pytest.raises(ValidationError) as err:
        members.log_hours(HoursInput(volunteer, date(2025, 2, 28), 120))
    assert "worked_on" in err.value.fields
    with pytest.raises(ValidationError) as err:
        members.log_hours(HoursInput(volunteer, date(2025, 3, 5), 0))
    assert "minutes" in err.value.fields
    members.log_hours(HoursInput(volunteer, date(2025, 3, 1), 90, "Hiến máu", verified_by="Trần Văn Nam"))
    members.leave(volunteer, date(2025, 4, 1), "Xin thôi")
    with pytest.raises(ValidationError):
        members.log_hours(HoursInput(volunteer, date(2025, 4, 1), 60))
    assert members.hours_of(volunteer, 2025) == 90


def test_hours_totals_and_volunteers_over_a_threshold(services: Services, members: MembershipService) -> None:
    a = enrol(members, person(services, "Nguyễn Văn An"), "volunteer", joined_on=date(2025, 1, 1))
    b = enrol(members, person(services, "Bùi Thị Bích"), "volunteer", joined_on=date(2025, 1, 1))
    c = enrol(members, person(services, "Trần Văn Cường"), "volunteer", joined_on=date(2025, 1, 1))
    members.log_hours(HoursInput(a, date(2025, 5, 1), 120))
    members.log_hours(HoursInput(a, date(2025, 5, 20), 45))
    members.log_hours(HoursInput(b, date(2025, 5, 3), 240))
    members.log_hours(HoursInput(c, date(2025, 5, 3), 30))
    members.log_hours(HoursInput(b, date(2025, 6, 1), 600))
    assert members.hours_of(a, 2025) == 165
    assert members.hours_total(date(2025, 5, 1), date(2025, 5, 31)) == 435
    result = members.volunteers_with_hours(date(2025, 5, 1), date(2025, 5, 31), min_minutes=60)
    assert [(row.person_name, minutes) for row, minutes in result] == [
        ("Bùi Thị Bích", 240),
        ("Nguyễn Văn An", 165),
    ]
