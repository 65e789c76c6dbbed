# SPDX-License-Identifier: MIT
"""Activities with counts by type, and the family tracing register (domain.md §2.9)."""

from __future__ import annotations

from datetime import date

import pytest

from redcross_desktop.core.errors import NotFoundError, PeriodLockedError, ValidationError
from redcross_desktop.db.models import PeriodLock
from redcross_desktop.services.activities import (
    ActivityInput,
    ActivityQuery,
    ActivityService,
    ActivityTotals,
    TracingInput,
)
from redcross_desktop.services.container import Services


@pytest.fixture
def activities(services: Services) -> ActivityService:
    return ActivityService(services.ctx)


def test_record_and_validate(activities: ActivityService) -> None:
    row = activities.record(
        ActivityInput(
            "first_aid",
            "Lớp sơ cấp cứu cộng đồng",
            date(2026, 3, 2),
            date(2026, 3, 4),
            place="Nhà văn hóa",
            sessions=1,
            participants=35,
            cases=2,
            cost_vnd=1_500_000,
        )
    )
    assert (row.type_label, row.participants, row.cases, row.cost_vnd, row.version) == (
        "Sơ cấp cứu",
        35,
        2,
        1_500_000,
        1,
    )
    with pytest.raises(ValidationError) as err:
        activities.record(ActivityInput("party", " ", date(2026, 3, 2), date(2026, 3, 1), participants=-1))
    assert err.value.code == "VALIDATION_FAILED"
    assert set(err.value.fields) == {"type", "title", "end_date", "participants"}
    with pytest.raises(ValidationError) as err:
        activities.record(ActivityInput("health", "Khám bệnh", date(2026, 3, 2), campaign_id=999))
    assert set(err.value.fields) == {"campaign_id"}


def test_totals_by_type_are_exact(activities: ActivityService) -> None:
    activities.record(
        ActivityInput("first_aid", "Lớp 1", date(2026, 3, 2), sessions=1, participants=30, cases=2)
    )
    activities.record(
        ActivityInput("first_aid", "Lớp 2", date(2026, 3, 20), sessions=2, participants=25, cases=1)
    )
    activities.record(
        ActivityInput(
            "health", "Khám miễn phí", date(2026, 3, 8), sessions=1, people_served=300, value_vnd=45_000_000
        )
    )
    activities.record(
        ActivityInput("communication", "Nói chuyện", date(2026, 3, 31), sessions=3, participants=120, cases=4)
    )
    activities.record(ActivityInput("first_aid", "Lớp tháng 4", date(2026, 4, 1), participants=99))
    deleted = activities.record(ActivityInput("health", "Nhập nhầm", date(2026, 3, 9), people_served=7))
    activities.delete(deleted.id)
    assert activities.totals(date(2026, 3, 1), date(2026, 3, 31)) == {
        "first_aid": ActivityTotals(
            count=2, sessions=3, participants=55, cases=3, people_served=0, value_vnd=0
        ),
        "health": ActivityTotals(
            count=1, sessions=1, participants=0, cases=0, people_served=300, value_vnd=45_000_000
        ),
        "communication": ActivityTotals(
            count=1, sessions=3, participants=120, cases=4, people_served=0, value_vnd=0
        ),
    }
    with pytest.raises(NotFoundError):
        activities.get(deleted.id)


def test_list_filters(activities: ActivityService) -> None:
    activities.record(
        ActivityInput("first_aid", "Tập huấn sơ cứu", date(2026, 3, 2), place="Trường Tiểu học")
    )
    activities.record(ActivityInput("disaster", "Diễn tập ứng phó lũ", date(2026, 3, 10)))
    activities.record(ActivityInput("first_aid", "Sơ cứu đuối nước", date(2026, 4, 2)))
    assert [a.title for a in activities.list()] == [
        "Sơ cứu đuối nước",
        "Diễn tập ứng phó lũ",
        "Tập huấn sơ cứu",
    ]
    assert [a.title for a in activities.list(ActivityQuery(type="first_aid", date_to=date(2026, 3, 31)))] == [
        "Tập huấn sơ cứu"
    ]
    assert [a.title for a in activities.list(ActivityQuery(text="TRUONG tieu hoc"))] == ["Tập huấn sơ cứu"]
    assert [a.title for a in activities.list(ActivityQuery(date_from=date(2026, 3, 5)))] == [
        "Sơ cứu đuối nước",
        "Diễn tập ứng phó lũ",
    ]


def test_closed_month_refuses_record_update_and_delete(
    services: Services, activities: ActivityService
) -> None:
    row = activities.record(ActivityInput("youth", "Học kỳ Nhân đạo", date(2026, 2, 10), participants=40))
    with services.ctx.sessions.begin() as session:
        session.add(PeriodLock(period="2026-02", locked_by="Nguyễn Thị Hoa"))
    with pytest.raises(PeriodLockedError) as err:
        activities.record(ActivityInput("youth", "Khác", date(2026, 2, 11)))
    assert err.value.code == "PERIOD_LOCKED"
    with pytest.raises(PeriodLockedError):
        activities.update(
            row.id, ActivityInput("youth", "Học kỳ Nhân đạo", date(2026, 3, 10), participants=40)
        )
    with pytest.raises(PeriodLockedError):
        activities.delete(row.id)
    assert activities.get(row.id).start_date == date(2026, 2, 10)


def test_update_bumps_version(activities: ActivityService) -> None:
    row = activities.record(
        ActivityInput("movement", "Hội chợ Tết Nhân ái", date(2026, 1, 20), participants=200)
    )
    same = activities.update(
        row.id, ActivityInput("movement", "Hội chợ Tết Nhân ái", date(2026, 1, 20), participants=200)
    )
    assert same.version == 1  # nothing changed, nothing written
    changed = activities.update(
        row.id, ActivityInput("movement", "Hội chợ Tết Nhân ái", date(2026, 1, 20), participants=250)
    )
    assert (changed.participants, changed.version) == (250, 2)


# ---------------------------------------------------------------- tracing


def test_tracing_closing_status_sets_the_date(activities: ActivityService) -> None:
    case = activities.open_case(
        TracingInput(date(2026, 2, 1), "Nguyễn Thị Mai", "Nguyễn Văn Hùng (liệt sĩ)", "Thất lạc từ năm 1972")
    )
    assert (case.status, case.status_label, case.closed_on) == ("received", "Tiếp nhận", None)
    working = activities.set_case_status(case.id, "in_progress", date(2026, 2, 5))
    assert (working.status, working.closed_on) == ("in_progress", None)
    found = activities.set_case_status(case.id, "found", date(2026, 3, 15))
    assert (found.status, found.closed_on, found.version) == ("found", date(2026, 3, 15), 3)
    reopened = activities.set_case_status(case.id, "referred")
    assert (reopened.status, reopened.closed_on) == ("referred", None)
    closed = activities.set_case_status(case.id, "closed")
    assert closed.closed_on == date.today()
    with pytest.raises(ValidationError) as err:
        activities.set_case_status(case.id, "found", date(2026, 1, 31))
    assert "closed_on" in err.value.fields
    with pytest.raises(ValidationError) as err:
        activities.set_case_status(case.id, "lost")
    assert "status" in err.value.fields


def test_tracing_register_and_counts(activities: ActivityService) -> None:
    with pytest.raises(ValidationError) as err:
        activities.open_case(TracingInput(date(2026, 2, 1), "", ""))
    assert set(err.value.fields) == {"requester", "sought_person"}
    a = activities.open_case(TracingInput(date(2026, 2, 1), "Người A", "Người B"))
    b = activities.open_case(TracingInput(date(2026, 2, 10), "Người C", "Người D"))
    activities.open_case(TracingInput(date(2026, 2, 20), "Người E", "Người F"))
    activities.open_case(TracingInput(date(2026, 3, 1), "Người G", "Người H"))
    activities.set_case_status(a.id, "found", date(2026, 2, 25))
    activities.set_case_status(b.id, "in_progress")
    assert activities.case_counts(date(2026, 2, 1), date(2026, 2, 28)) == {
        "received": 1,
        "in_progress": 1,
        "found": 1,
        "referred": 0,
        "closed": 0,
    }
    assert [c.requester for c in activities.cases()] == ["Người G", "Người E", "Người C", "Người A"]
    assert [c.requester for c in activities.cases("found")] == ["Người A"]
