# SPDX-License-Identifier: MIT
"""GUI tests run many thousands of signal emits in one process: apply the app's PySide6 guard
(see redcross_desktop.ui.pyside_fixes) as `app.build()` does, before any test emits."""

from __future__ import annotations

from redcross_desktop.ui.pyside_fixes import protect_bools

protect_bools()
