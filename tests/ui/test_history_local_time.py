# SPDX-License-Identifier: MIT
"""The record history shows audit times in the computer's zone (Vietnam: UTC+7), not UTC."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from redcross_desktop.services.container import Services
from redcross_desktop.services.people import PersonInput
from redcross_desktop.ui.widgets.history_dialog import HistoryDialog, local_time_text


@pytest.fixture
def zone(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Switches the process to Vietnam's zone, as the OS setting of an office PC would."""
    monkeypatch.setenv("TZ", "Asia/Ho_Chi_Minh")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_a_utc_audit_time_reads_in_vietnam_time(zone: None) -> None:
    assert local_time_text(datetime(2025, 3, 31, 20, 5)) == "01/04/2025 03:05"  # next day, UTC+7
    assert local_time_text(datetime(2025, 3, 31, 20, 5, tzinfo=UTC)) == "01/04/2025 03:05"


def test_the_history_dialog_shows_the_change_in_local_time(zone: None, qtbot, services: Services) -> None:
    person = services.people.create(PersonInput("Nguyễn Văn Đức")).person
    stored = services.audit.history("people", person.uuid)[0].at  # naive UTC, as the log keeps it
    dialog = HistoryDialog(services, "people", person.uuid, "Nguyễn Văn Đức", {"full_name": "Họ và tên"})
    qtbot.addWidget(dialog)
    shown = dialog.table.item(0, 0).text()
    assert shown == (stored + timedelta(hours=7)).strftime("%d/%m/%Y %H:%M")
    assert shown != stored.strftime("%d/%m/%Y %H:%M")
