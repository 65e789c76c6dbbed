# SPDX-License-Identifier: MIT
"""Measures whether the installed PySide6 loses references to None/True (see pyproject's pin).

    uv run python scripts/check_pyside_refcounts.py

Prints the change of each refcount over 1,000 calls; non-zero means the binding leaks (6.12.0 loses
one `True` per emit and aborts CPython 3.11 with "bool_dealloc" before the loop ends)."""

from __future__ import annotations

import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import PySide6  # noqa: E402
from PySide6.QtCore import QObject, Signal  # noqa: E402
from PySide6.QtWidgets import QApplication, QLabel  # noqa: E402

CALLS = 1000


class _Probe(QObject):
    fired = Signal(bool)


def main() -> None:
    app = QApplication([])
    label = QLabel()
    before = sys.getrefcount(None)
    for _ in range(CALLS):
        label.setText("x")
        label.setObjectName("y")
    none_lost = before - sys.getrefcount(None)
    probe = _Probe()
    probe.fired.connect(lambda _on: None)
    before = sys.getrefcount(True)
    for _ in range(CALLS):
        probe.fired.emit(True)
    true_lost = before - sys.getrefcount(True)
    print(f"PySide6 {PySide6.__version__} on Python {sys.version.split()[0]}")
    print(f"references lost over {CALLS} calls: None {none_lost}, True {true_lost}")
    del app


if __name__ == "__main__":
    main()
