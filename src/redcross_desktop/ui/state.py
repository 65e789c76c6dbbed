# SPDX-License-Identifier: MIT
"""The user's interface preferences (today: the language), kept in an INI file beside the data.
Qt is imported here.

An INI file, not the Windows registry, so a portable install or a support copy of the data folder
carries the preference along, and a person can read it. Domain settings (dues, blood intervals…)
belong to the store, not here.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings

from ..core.i18n import LANGUAGES, SOURCE_LANGUAGE
from ..core.paths import AppPaths

INI_NAME = "redcross-desktop.ini"
_LANGUAGE = "ui/language"


class UiState:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._settings = QSettings(str(path), QSettings.Format.IniFormat)

    @classmethod
    def for_paths(cls, paths: AppPaths) -> UiState:
        return cls(paths.data_dir / INI_NAME)

    @classmethod
    def default(cls) -> UiState:
        """The user's one preference file: the same for the real branch and the demo branch."""
        return cls.for_paths(AppPaths.default())

    def language(self) -> str | None:
        """The saved interface language, or None before the user chose one."""
        value = self._settings.value(_LANGUAGE)
        return value if isinstance(value, str) and value in LANGUAGES else None

    def language_or_default(self) -> str:
        return self.language() or SOURCE_LANGUAGE

    def set_language(self, lang: str) -> None:
        """Saved at once; the interface changes at the next start."""
        if lang not in LANGUAGES:
            raise ValueError(f"unknown language {lang}")
        self._settings.setValue(_LANGUAGE, lang)
        self._settings.sync()
