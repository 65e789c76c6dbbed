# SPDX-License-Identifier: MIT
"""Screenshots of the first-run wizard and the Cài đặt section, for scripts/screenshots.py.

The wizard runs over its own empty store in `tmp`, page by page, with the province and commune
typed without accents and a passphrase typed twice; the settings section is shown at the top, at
the bottom (honour ladder), and with the new signing key dialog.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QWidget

from redcross_desktop.core.paths import AppPaths
from redcross_desktop.db.engine import store_url
from redcross_desktop.db.migrate import upgrade_database
from redcross_desktop.services.container import Services
from redcross_desktop.ui.main_window import MainWindow
from redcross_desktop.ui.sections.settings import NewKeyDialog, SettingsSection
from redcross_desktop.ui.state import UiState
from redcross_desktop.ui.tasks import InlineTaskRunner
from redcross_desktop.ui.wizard import FirstRunWizard

Save = Callable[[QWidget, Path], Path]


def shoot_wizard(out: Path, save: Save, tmp: Path) -> None:
    paths = AppPaths.under(tmp / "wizard").ensure()
    upgrade_database(store_url(paths.database), backup_dir=paths.backup_dir)
    wizard = FirstRunWizard(paths.database, paths, InlineTaskRunner(), state=UiState.for_paths(paths))
    wizard.show()
    try:
        save(wizard, out / "wizard-1-language.png")
        wizard.next()
        save(wizard, out / "wizard-2-level.png")
        wizard.next()
        wizard.area_page.province.search.setText("ha noi")
        wizard.area_page.commune.search.setText("hoan kiem")
        save(wizard, out / "wizard-3-area.png")
        wizard.next()
        wizard.details_page.edits["chair_name"].setText("Nguyễn Thị Thu Hà")
        wizard.details_page.edits["phone"].setText("0243")  # not a number yet: the hint shows
        save(wizard, out / "wizard-4-details.png")
        wizard.details_page.edits["phone"].setText("02438250000")
        wizard.next()
        wizard.key_page.fields.first.setText("mat-khau-chi-hoi")
        wizard.key_page.fields.second.setText("mat-khau-chi-ho")
        save(wizard, out / "wizard-5-key-mismatch.png")
        wizard.key_page.fields.second.setText("mat-khau-chi-hoi")
        wizard.next()
        save(wizard, out / "wizard-6-fingerprint.png")
    finally:
        if wizard.services is not None:
            wizard.services.close()
        wizard.close()


def shoot(window: MainWindow, services: Services, out: Path, save: Save, tmp: Path) -> None:
    settings = window.show_section("settings")
    assert isinstance(settings, SettingsSection)
    bar = settings.scroll_area.verticalScrollBar()
    bar.setValue(0)
    save(window, out / "12-settings-1-top.png")
    bar.setValue(bar.maximum())
    save(window, out / "12-settings-2-bottom.png")
    bar.setValue(0)
    dialog = NewKeyDialog(services, InlineTaskRunner(), settings)  # as "Tạo khóa ký" opens it
    dialog.show()
    dialog.fields.first.setText("mat-khau")
    dialog.fields.second.setText("mat-kha")
    save(dialog, out / "12-settings-3-new-key.png")
    dialog.reject()
    shoot_wizard(out, save, tmp)
