# SPDX-License-Identifier: MIT
"""Background work for the GUI: `TaskRunner`, `InlineTaskRunner`, `Op` and `QtProgress`. Qt is imported here.

Writes go to one writer thread, so two user actions never race for SQLite's write lock; reads go
to a small pool. Results come back to the GUI thread through `MainThreadPoster`, a queued
signal, and `Op` dispatches them: result to `success()`, `RedCrossError` to `failure()` or
`show_error()`, `OperationCancelled` nowhere, and a bug to `sys.excepthook` (the crash dialog).
Nothing here subclasses QThread or polls.
"""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from functools import partial
from typing import Generic, Protocol, TypeVar

import shiboken6
from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget

from ..core.errors import OperationCancelled, RedCrossError
from ..core.i18n import _
from ..core.progress import NullProgress, Progress
from .errors import show_error

log = logging.getLogger(__name__)

T = TypeVar("T")

READ_WORKERS = 2
PROGRESS_DELAY_MS = 400  # quick operations finish before a dialog flashes up


class Runner(Protocol):
    def submit(
        self, work: Callable[[], T], on_done: Callable[[Future[T]], None], *, writes: bool
    ) -> None: ...

    def shutdown(self) -> None: ...


class MainThreadPoster(QObject):
    """Runs callables on the thread that created it (the GUI thread), posted from any thread."""

    _posted = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._posted.connect(self._on_posted, Qt.ConnectionType.QueuedConnection)

    def post(self, callback: Callable[[], None]) -> None:
        self._posted.emit(callback)

    @Slot(object)
    def _on_posted(self, callback: Callable[[], None]) -> None:
        callback()


class TaskRunner:
    """One writer thread, a small read pool; `on_done` runs on the GUI thread. Create it there."""

    def __init__(self, *, read_workers: int = READ_WORKERS) -> None:
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="redcross-writer")
        self._readers = ThreadPoolExecutor(max_workers=read_workers, thread_name_prefix="redcross-reader")
        self._poster = MainThreadPoster()

    def submit(self, work: Callable[[], T], on_done: Callable[[Future[T]], None], *, writes: bool) -> None:
        future = (self._writer if writes else self._readers).submit(work)
        future.add_done_callback(lambda done: self._poster.post(partial(on_done, done)))

    def shutdown(self) -> None:
        """Waits for queued writes (they are the user's data); pending reads are dropped."""
        self._readers.shutdown(wait=False, cancel_futures=True)
        self._writer.shutdown(wait=True)


class InlineTaskRunner:
    """Runs the work at once on the calling thread: for tests, and a real future's delivery."""

    def submit(self, work: Callable[[], T], on_done: Callable[[Future[T]], None], *, writes: bool) -> None:
        future: Future[T] = Future()
        try:
            future.set_result(work())
        except BaseException as exc:  # delivered as a real future would deliver it
            future.set_exception(exc)
        on_done(future)

    def shutdown(self) -> None:
        """Nothing is ever queued."""


class QtProgress(QObject):
    """A `Progress` shown as a window-modal `QProgressDialog`; Cancel sets a `threading.Event`.

    `report()` is called on the worker thread and reaches the dialog through a queued signal.
    """

    _reported = Signal(object, object, str)

    def __init__(self, parent: QWidget | None, label: str, *, cancellable: bool = True) -> None:
        super().__init__()
        self._cancel = threading.Event()
        self.dialog = QProgressDialog(label, _("Bỏ qua"), 0, 0, parent)
        self.dialog.setWindowTitle(_("Đang thực hiện"))
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.setMinimumDuration(PROGRESS_DELAY_MS)
        self.dialog.setAutoClose(False)
        self.dialog.setAutoReset(False)
        self.dialog.setMinimumWidth(380)
        if cancellable:
            self.dialog.canceled.connect(self._on_dialog_canceled)
        else:
            self.dialog.setCancelButton(None)
        self._reported.connect(self._on_reported, Qt.ConnectionType.QueuedConnection)
        self.dialog.setValue(0)  # arms the minimum-duration timer

    def report(self, done: int, total: int | None = None, message: str = "") -> None:
        self._reported.emit(done, total, message)

    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def close(self) -> None:
        if shiboken6.isValid(self.dialog):
            # hide(), not close(): closeEvent would emit `canceled` for an operation that finished.
            self.dialog.hide()
            self.dialog.deleteLater()

    @Slot()
    def _on_dialog_canceled(self) -> None:
        self._cancel.set()
        if shiboken6.isValid(self.dialog):
            self.dialog.setLabelText(_("Đang dừng…"))

    @Slot(object, object, str)
    def _on_reported(self, done: int, total: int | None, message: str) -> None:
        if not shiboken6.isValid(self.dialog) or self._cancel.is_set():
            return
        if total:
            self.dialog.setMaximum(total)
            self.dialog.setValue(min(done, total))
        if message:
            self.dialog.setLabelText(message)


class Op(Generic[T]):
    """One user action run in the background:

        Op(self, lambda progress: services.people.create(data), writes=True)
            .with_progress(_("Đang lưu…")).success(self._on_saved).run(self._runner)

    Read the widgets before building the Op; the work runs on another thread and only calls
    services. Callbacks are skipped if `parent` has been deleted meanwhile.
    """

    def __init__(self, parent: QWidget | None, work: Callable[[Progress], T], writes: bool) -> None:
        self._parent = parent
        self._work = work
        self._writes = writes
        self._label: str | None = None
        self._cancellable = True
        self._on_success: Callable[[T], None] | None = None
        self._on_failure: Callable[[RedCrossError], None] | None = None
        self.progress: QtProgress | None = None
        self.finished = False

    def with_progress(self, label: str, *, cancellable: bool = True) -> Op[T]:
        self._label, self._cancellable = label, cancellable
        return self

    def success(self, callback: Callable[[T], None]) -> Op[T]:
        self._on_success = callback
        return self

    def failure(self, callback: Callable[[RedCrossError], None]) -> Op[T]:
        """Receives expected failures only; a bug always reaches the crash dialog, so a form's
        error handler cannot hide one."""
        self._on_failure = callback
        return self

    def run(self, runner: Runner) -> Op[T]:
        progress: Progress = NullProgress()
        if self._label is not None:
            self.progress = QtProgress(self._parent, self._label, cancellable=self._cancellable)
            progress = self.progress
        runner.submit(partial(self._work, progress), self._finish, writes=self._writes)
        return self

    def _finish(self, future: Future[T]) -> None:
        self.finished = True
        if self.progress is not None:
            self.progress.close()
        if future.cancelled():  # a read dropped by `TaskRunner.shutdown()` as the window closes
            return
        parent_gone = self._parent is not None and not shiboken6.isValid(self._parent)
        try:
            result = future.result()
        except OperationCancelled:
            return
        except RedCrossError as error:
            if parent_gone:
                log.info("not shown, its window is closed: %s", error)
            elif self._on_failure is not None:
                self._on_failure(error)
            else:
                show_error(self._parent, error)
            return
        except Exception as exc:
            sys.excepthook(type(exc), exc, exc.__traceback__)
            return
        if not parent_gone and self._on_success is not None:
            self._on_success(result)
