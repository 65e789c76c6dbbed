# SPDX-License-Identifier: MIT
"""The layering rules hold in the code that ships."""

from __future__ import annotations

import subprocess
import sys


def test_headless_side_imports_without_qt() -> None:
    probe = "import sys; sys.modules['PySide6'] = None; sys.modules['shiboken6'] = None; " + "; ".join(
        f"import redcross_desktop.{m}" for m in ("cli", "bootstrap", "services.container", "db.migrate")
    )
    subprocess.run([sys.executable, "-c", probe], check=True)


def test_import_contracts_hold() -> None:
    result = subprocess.run(["lint-imports"], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
