# SPDX-License-Identifier: MIT
"""English as the second interface language: the main window built after `set_language("en")`."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from redcross_desktop.core.i18n import set_language
from redcross_desktop.services.container import Services
from redcross_desktop.ui.main_window import MainWindow
from redcross_desktop.ui.tasks import InlineTaskRunner

ENGLISH_TITLES = [
    "Overview",
    "People",
    "Donations",
    "In-kind stock",
    "Relief / support",
    "Blood donation",
    "Members & volunteers",
    "Activities",
    "Reports",
    "Sync",
    "Certificates",
    "Settings",
]


@pytest.fixture
def english() -> Iterator[None]:
    set_language("en")
    yield
    set_language("vi")


def test_the_main_window_in_english_has_english_section_titles(
    qtbot, services: Services, english: None
) -> None:
    window = MainWindow(services, InlineTaskRunner())
    qtbot.addWidget(window)
    titles = [window.sidebar.item(row).text() for row in range(window.sidebar.count())]
    assert titles == ENGLISH_TITLES
    assert window.windowTitle() == f"{services.branch.name} — Red Cross management software"
    settings = window.show_section("settings")
    assert settings.save_branch_button.text() == "Save branch details"
