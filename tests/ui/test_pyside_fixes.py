# SPDX-License-Identifier: MIT
"""The PySide6 emit guard: a long session's worth of signals does not use up `True`."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal

from redcross_desktop.ui.pyside_fixes import EXTRA_REFERENCES, emit_drops_true, protect_bools


class Emitter(QObject):
    progressed = Signal(int, object, str)
    done = Signal()


def test_a_long_sessions_signals_leave_true_alive() -> None:
    protect_bools()  # already applied by conftest; a second call does nothing
    assert protect_bools() is False
    emitter = Emitter()
    seen: list[int] = []
    emitter.progressed.connect(lambda done, _total, _message: seen.append(done))
    for n in range(100_000):
        emitter.progressed.emit(n, None, "")
        emitter.done.emit()
    assert len(seen) == 100_000
    if emit_drops_true() and sys.version_info < (3, 12):
        assert sys.getrefcount(True) > EXTRA_REFERENCES // 2  # the guard holds
