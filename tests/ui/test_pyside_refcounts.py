# SPDX-License-Identifier: MIT
"""A guard on the Qt binding itself: PySide6 6.12.0 drops a reference to `True` on every signal
emitted from Python (and to `None` on some calls), which aborts CPython 3.11 with "bool_dealloc"
after some thousands of operations. pyproject excludes that release; this test fails loudly if a
binding with the defect is ever installed again (run scripts/check_pyside_refcounts.py for detail)."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QLabel

CALLS = 256


class _Probe(QObject):
    fired = Signal(bool)


def test_emitting_signals_keeps_the_reference_count_of_true(qtbot) -> None:
    probe = _Probe()
    seen: list[bool] = []
    probe.fired.connect(seen.append)
    before = sys.getrefcount(True)
    for _ in range(CALLS):
        probe.fired.emit(True)
    seen.clear()
    assert before - sys.getrefcount(True) < CALLS // 4


def test_calls_returning_nothing_keep_the_reference_count_of_none(qtbot) -> None:
    label = QLabel()
    qtbot.addWidget(label)
    before = sys.getrefcount(None)
    for _ in range(CALLS):
        label.setText("x")
        label.setObjectName("y")
    assert before - sys.getrefcount(None) < CALLS // 4
