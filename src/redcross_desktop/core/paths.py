# SPDX-License-Identifier: MIT
"""Where the store, logs and backups live. Passed around as a value, never a global. Qt-free."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

DATABASE_NAME = "redcross.sqlite3"


@dataclass(frozen=True)
class AppPaths:
    data_dir: Path
    log_dir: Path
    backup_dir: Path

    @property
    def database(self) -> Path:
        return self.data_dir / DATABASE_NAME

    @classmethod
    def under(cls, root: Path) -> AppPaths:
        return cls(root, root / "logs", root / "backups")

    @classmethod
    def default(cls) -> AppPaths:
        if override := os.environ.get("REDCROSS_DATA_DIR"):  # tests, portable installs, support
            return cls.under(Path(override))
        dirs = platformdirs.PlatformDirs("RedCrossDesktop", "VietnamRedCross")
        return cls(dirs.user_data_path, dirs.user_log_path, dirs.user_data_path / "backups")

    def ensure(self) -> AppPaths:
        for folder in (self.data_dir, self.log_dir, self.backup_dir):
            folder.mkdir(parents=True, exist_ok=True)
        return self
