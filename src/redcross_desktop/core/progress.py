# SPDX-License-Identifier: MIT
"""Progress reporting and cancellation for long operations, shared by the GUI and the CLI. Qt-free."""

from __future__ import annotations

import sys
import threading
from typing import Protocol, TextIO

from .errors import OperationCancelled


class Progress(Protocol):
    def report(self, done: int, total: int | None = None, message: str = "") -> None: ...

    def cancelled(self) -> bool: ...


def check_cancelled(progress: Progress) -> None:
    if progress.cancelled():
        raise OperationCancelled


class NullProgress:
    """For calls that nobody watches."""

    def report(self, done: int, total: int | None = None, message: str = "") -> None:
        return None

    def cancelled(self) -> bool:
        return False


class EventProgress:
    """Cancellable from another thread through a `threading.Event` (used by tests and the GUI)."""

    def __init__(self) -> None:
        self.event = threading.Event()
        self.last: tuple[int, int | None, str] = (0, None, "")

    def report(self, done: int, total: int | None = None, message: str = "") -> None:
        self.last = (done, total, message)

    def cancelled(self) -> bool:
        return self.event.is_set()

    def cancel(self) -> None:
        self.event.set()


class ConsoleProgress:
    """A one-line progress counter on stderr for the command line; silent when not a terminal."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self._stream = stream or sys.stderr

    def report(self, done: int, total: int | None = None, message: str = "") -> None:
        if not self._stream.isatty():
            return
        of = f"/{total}" if total else ""
        self._stream.write(f"\r{message} {done}{of}   ")
        self._stream.flush()

    def cancelled(self) -> bool:
        return False
