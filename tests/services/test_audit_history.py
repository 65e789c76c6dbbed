# SPDX-License-Identifier: MIT
"""The audit history, read back field by field."""

from __future__ import annotations

from datetime import date

import pytest

from redcross_desktop.core.errors import ValidationError
from redcross_desktop.services.activities import ActivityInput, ActivityService
from redcross_desktop.services.audit import AuditService, FieldChange
from redcross_desktop.services.container import Services
from redcross_desktop.services.members import MembershipInput, MembershipService
from redcross_desktop.services.people import PersonInput


def test_editing_an_activity_shows_the_field_change(services: Services) -> None:
    activities, audit = ActivityService(services.ctx), AuditService(services.ctx)
    row = activities.record(ActivityInput("health", "Khám bệnh", date(2026, 3, 8), people_served=300))
    edited = activities.update(
        row.id, ActivityInput("health", "Khám bệnh", date(2026, 3, 8), people_served=320)
    )
    assert edited.version == row.version + 1
    activities.delete(row.id)
    history = audit.history("activities", row.uuid)
    assert [h.action for h in history] == ["delete", "update", "create"]  # newest first
    update = history[1]
    assert update.actor == "test-officer"
    assert update.changes == (FieldChange("people_served", 300, 320),)
    assert history[0].changes == (FieldChange("deleted", False, True),)
    created = history[2]
    assert created.change("people_served") == FieldChange("people_served", None, 300)
    assert created.change("start_date") == FieldChange("start_date", None, "2026-03-08")
    assert created.change("uuid") is None  # envelope fields are not listed
    assert audit.history("activities", "no-such-uuid") == []


def test_reason_is_shown_and_recent_spans_tables(services: Services) -> None:
    members, audit = MembershipService(services.ctx), AuditService(services.ctx)
    pid = services.people.create(PersonInput("Nguyễn Văn An", birth_date=date(1990, 1, 1))).person.id
    membership = members.enrol(MembershipInput(pid, "member", date(2025, 1, 1))).row
    members.leave(membership.id, date(2025, 6, 30), "Chuyển nơi ở")
    latest = audit.history("memberships", membership.uuid)[0]
    assert (latest.action, latest.reason) == ("update", "Chuyển nơi ở")
    assert latest.change("left_on") == FieldChange("left_on", None, "2025-06-30")
    recent = audit.recent(limit=3)
    assert [(r.table_name, r.action) for r in recent] == [
        ("memberships", "update"),
        ("memberships", "create"),
        ("people", "create"),
    ]
    with pytest.raises(ValidationError):
        audit.recent(limit=0)
