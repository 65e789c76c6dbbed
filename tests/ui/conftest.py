# SPDX-License-Identifier: MIT
"""Fixtures of the GUI tests that start the application itself (`app.build()` / `app.main()`)."""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from redcross_desktop.core.paths import AppPaths


@pytest.fixture
def app_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[AppPaths]:
    """A private data folder; the process-wide hooks and log handlers that build() sets are restored."""
    monkeypatch.setenv("REDCROSS_DATA_DIR", str(tmp_path / "appdata"))
    hooks = sys.excepthook, threading.excepthook
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield AppPaths.default()
    sys.excepthook, threading.excepthook = hooks
    for handler in root.handlers:
        if handler not in handlers:
            handler.close()
    root.handlers, root.level = handlers, level
