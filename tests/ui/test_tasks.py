# SPDX-License-Identifier: MIT
"""Op dispatch with InlineTaskRunner, the threaded TaskRunner and QtProgress with waitUntil, and the
crash path that bugs take."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from typing import Any

import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox, QPushButton, QWidget

from redcross_desktop.core.errors import NotFoundError, OperationCancelled, ValidationError
from redcross_desktop.core.progress import Progress, check_cancelled
from redcross_desktop.ui.errors import CrashReporter
from redcross_desktop.ui.tasks import InlineTaskRunner, Op, TaskRunner


class Calls:
    def __init__(self) -> None:
        self.success: list[object] = []
        self.failure: list[Exception] = []


@pytest.fixture
def parent(qtbot) -> QWidget:
    widget = QWidget()
    qtbot.addWidget(widget)
    return widget


@pytest.fixture
def calls() -> Calls:
    return Calls()


@pytest.fixture
def runner() -> Iterator[TaskRunner]:
    threaded = TaskRunner()
    yield threaded
    threaded.shutdown()


def message_boxes() -> list[QMessageBox]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]


def op(
    parent: QWidget | None, work: Callable[[Progress], Any], calls: Calls, *, failure: bool = True
) -> Op[Any]:
    built = Op(parent, work, writes=True).success(calls.success.append)
    return built.failure(calls.failure.append) if failure else built


def test_a_result_goes_to_success(parent: QWidget, calls: Calls) -> None:
    seen: list[bool] = []

    def work(progress: Progress) -> int:
        seen.append(progress.cancelled())
        return 42

    done = op(parent, work, calls).run(InlineTaskRunner())
    assert done.finished
    assert calls.success == [42]
    assert calls.failure == []
    assert seen == [False]


def test_an_expected_failure_goes_to_failure(parent: QWidget, calls: Calls) -> None:
    error = ValidationError("Hãy nhập họ và tên.", fields={"full_name": "Bắt buộc"})

    def work(_progress: Progress) -> None:
        raise error

    op(parent, work, calls).run(InlineTaskRunner())
    assert calls.failure == [error]
    assert calls.success == []
    assert message_boxes() == []


def test_an_expected_failure_without_handler_is_shown_with_its_code(parent: QWidget, calls: Calls) -> None:
    def work(_progress: Progress) -> None:
        raise NotFoundError("Người này không còn trong dữ liệu.", details="mã 17")

    op(parent, work, calls, failure=False).run(InlineTaskRunner())
    boxes = message_boxes()
    assert [box.text() for box in boxes] == ["Người này không còn trong dữ liệu."]
    assert "NOT_FOUND" in boxes[0].informativeText()
    assert "mã 17" in boxes[0].informativeText()
    assert [b.text() for b in boxes[0].buttons()] == ["Đồng ý"]
    assert calls.success == []
    boxes[0].done(0)


def test_cancellation_is_dropped_silently(parent: QWidget, calls: Calls) -> None:
    def work(_progress: Progress) -> None:
        raise OperationCancelled

    done = op(parent, work, calls, failure=False).run(InlineTaskRunner())
    assert done.finished
    assert (calls.success, calls.failure, message_boxes()) == ([], [], [])


def test_a_bug_reaches_the_exception_hook_not_the_failure_handler(
    parent: QWidget, calls: Calls, qtbot
) -> None:
    def work(_progress: Progress) -> None:
        raise KeyError("bug")

    with qtbot.captureExceptions() as captured:
        op(parent, work, calls).run(InlineTaskRunner())
    assert [type(exc) for _t, exc, _tb in captured] == [KeyError]
    assert calls.failure == []
    assert calls.success == []


def test_a_base_exception_is_re_raised(parent: QWidget, calls: Calls) -> None:
    def work(_progress: Progress) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        op(parent, work, calls).run(InlineTaskRunner())


class HeldRunner:
    """Keeps the completion until the test releases it, as a slow worker would."""

    def __init__(self) -> None:
        self.pending: list[Callable[[], None]] = []

    def submit(
        self, work: Callable[[], Any], on_done: Callable[[Future[Any]], None], *, writes: bool
    ) -> None:
        future: Future[Any] = Future()
        future.set_result(work())
        self.pending.append(lambda: on_done(future))

    def shutdown(self) -> None:
        return None


def test_callbacks_are_skipped_when_the_parent_is_gone(calls: Calls) -> None:
    widget = QWidget()
    held = HeldRunner()
    done = op(widget, lambda _p: 1, calls).run(held)
    shiboken6.delete(widget)
    held.pending[0]()
    assert done.finished
    assert calls.success == []


def test_an_op_without_parent_still_reports(calls: Calls) -> None:
    op(None, lambda _p: "ok", calls).run(InlineTaskRunner())
    assert calls.success == ["ok"]


def test_task_runner_runs_writes_on_one_writer_thread_and_delivers_on_the_gui_thread(
    runner: TaskRunner, qtbot
) -> None:
    worker_threads: list[str] = []
    delivered: list[tuple[int, int]] = []

    def work(n: int) -> int:
        worker_threads.append(threading.current_thread().name)
        return n

    for n in range(3):
        runner.submit(
            lambda n=n: work(n),
            lambda future: delivered.append((future.result(), threading.get_ident())),
            writes=True,
        )
    qtbot.waitUntil(lambda: len(delivered) == 3)
    assert [n for n, _ in delivered] == [0, 1, 2]  # one writer: in submission order
    assert {ident for _, ident in delivered} == {threading.main_thread().ident}
    assert len(set(worker_threads)) == 1
    assert worker_threads[0].startswith("redcross-writer")


def test_task_runner_reads_use_the_read_pool(runner: TaskRunner, qtbot) -> None:
    names: list[str] = []
    runner.submit(lambda: threading.current_thread().name, lambda f: names.append(f.result()), writes=False)
    qtbot.waitUntil(lambda: names != [])
    assert names[0].startswith("redcross-reader")


def test_op_with_task_runner_and_progress_reports_and_succeeds(
    parent: QWidget, runner: TaskRunner, qtbot
) -> None:
    go = threading.Event()
    results: list[str] = []

    def work(progress: Progress) -> str:
        progress.report(3, 10, "Đang đọc dòng 3")  # from the worker thread
        go.wait(timeout=10)
        return "xong"

    done = Op(parent, work, writes=False).with_progress("Đang đọc tệp…").success(results.append).run(runner)
    dialog = done.progress.dialog if done.progress else None
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.value() == 3 and dialog.labelText() == "Đang đọc dòng 3")
    assert dialog.maximum() == 10
    go.set()
    qtbot.waitUntil(lambda: results == ["xong"])
    assert done.finished


def test_cancel_button_stops_the_work_and_nothing_is_reported(
    parent: QWidget, runner: TaskRunner, qtbot
) -> None:
    started, go = threading.Event(), threading.Event()
    calls = Calls()

    def work(progress: Progress) -> str:
        started.set()
        go.wait(timeout=10)
        check_cancelled(progress)
        return "không được tới đây"

    done = op(parent, work, calls, failure=False).with_progress("Đang nhập…").run(runner)
    assert done.progress is not None
    dialog = done.progress.dialog
    qtbot.waitUntil(started.is_set)
    cancel = dialog.findChild(QPushButton)
    assert cancel.text() == "Bỏ qua"
    cancel.click()
    assert done.progress.cancelled()
    go.set()
    qtbot.waitUntil(lambda: done.finished)
    assert (calls.success, calls.failure, message_boxes()) == ([], [], [])


# ---- the crash path (ui/errors.py) -------------------------------------------------------------


def raised(exc: Exception) -> Exception:
    try:
        raise exc
    except Exception as caught:  # a real traceback for the report
        return caught


def test_crash_reporter_logs_saves_a_report_and_offers_to_copy_it(tmp_path, qtbot, caplog) -> None:
    reporter = CrashReporter(tmp_path / "logs")
    exc = raised(ZeroDivisionError("chia cho 0"))
    with caplog.at_level(logging.CRITICAL):
        reporter.excepthook(type(exc), exc, exc.__traceback__)
    assert "unexpected error" in caplog.text
    [report] = (tmp_path / "logs").glob("crash-*.txt")
    text = report.read_text(encoding="utf-8")
    assert "ZeroDivisionError: chia cho 0" in text and "Traceback" in text
    dialog = reporter.dialog
    assert dialog is not None and dialog.isVisible()
    assert str(report) in " ".join(label.text() for label in dialog.findChildren(QLabel))
    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    assert QApplication.clipboard().text() == text
    assert dialog.copy_button.text() == "Đã sao chép"
    again = raised(KeyError("lần hai"))
    assert reporter.show(type(again), again, again.__traceback__) is None  # no pile of dialogs
    dialog.done(0)


def test_errors_on_other_threads_are_only_logged(tmp_path, caplog) -> None:
    reporter = CrashReporter(tmp_path / "logs")
    exc = raised(ValueError("trong luồng phụ"))
    worker = threading.Thread(
        target=reporter.thread_excepthook,
        args=(threading.ExceptHookArgs((type(exc), exc, exc.__traceback__, None)),),
    )
    with caplog.at_level(logging.CRITICAL):
        worker.start()
        worker.join()
    assert "trong luồng phụ" in caplog.text
    assert reporter.dialog is None
    assert not (tmp_path / "logs").exists()
