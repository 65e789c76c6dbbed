# SPDX-License-Identifier: MIT
"""A guard against a PySide6 defect that aborts the interpreter. Qt is imported here.

PySide6 6.12.0's `SignalInstance.emit()` returns `True` without taking a reference to it, so every
signal emitted from Python code drops one reference to `True`. On CPython before 3.12 `True` is an
ordinary counted object: after some thousands of emits (every background operation emits once to
come back to the GUI thread, a progress dialog a few hundred times per import) the count reaches
zero and Python aborts with "Fatal Python error: bool_dealloc", losing the user's session.

`protect_bools()` measures the defect once at start-up; when it is present, `True` and `False` get
2**40 extra references, enough for a trillion emits. A PySide6 that counts correctly, or CPython
3.12 and later (where bools are immortal), is left alone. Remove this module once the app requires
either.
"""

from __future__ import annotations

import ctypes
import logging
import sys

from PySide6.QtCore import QObject, Signal

log = logging.getLogger(__name__)

EXTRA_REFERENCES = 1 << 40
_PROBES = 64

_protected = False


class _Probe(QObject):
    fired = Signal()


def emit_drops_true() -> bool:
    """True when emitting a signal from Python loses a reference to `True`."""
    probe = _Probe()
    before = sys.getrefcount(True)
    for _ in range(_PROBES):
        probe.fired.emit()
    return before - sys.getrefcount(True) >= _PROBES // 2  # half: other code may hold or drop a few


def protect_bools() -> bool:
    """Applies the guard if needed (once per process); returns whether it did."""
    global _protected
    if _protected or sys.implementation.name != "cpython" or sys.version_info >= (3, 12):
        return False
    if not emit_drops_true():
        return False
    for value in (True, False):
        # ob_refcnt is the first field of every object in CPython's (non-debug) layout.
        ctypes.c_ssize_t.from_address(id(value)).value += EXTRA_REFERENCES
    _protected = True
    log.info("PySide6 signal emit drops a reference to True; bools protected")
    return True
