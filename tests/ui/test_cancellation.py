# SPDX-License-Identifier: MIT
"""A long write cancelled from its progress dialog leaves nothing half-written: the records import
of a 3,000-row workbook, through `Op`, the real `TaskRunner` (writer thread) and `QtProgress`."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
import shiboken6
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton, QWidget
from sqlalchemy import func, select

from redcross_desktop.core.progress import Progress
from redcross_desktop.db.base import Base
from redcross_desktop.db.models import AuditEntry, ImportedRow, NumberSeries, Person
from redcross_desktop.services.container import Services
from redcross_desktop.sheets.template_spec import records_template
from redcross_desktop.sheets.template_writer import write_template
from redcross_desktop.ui.tasks import Op, TaskRunner

ROWS = 3000
WRITING = "Đang ghi dữ liệu…"  # the import's message once it inserts rows

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô"]
MIDDLE = ["Văn", "Thị", "Minh", "Ngọc", "Thanh", "Hữu", "Quang", "Thu"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Đức", "Hà", "Hải", "Hoa", "Hùng", "Lan", "Linh", "Nam", "Sơn", "Yến"]


def workbook(path: Path, rows: int) -> Path:
    """The real template with `rows` people, as an officer's filled list would be."""
    write_template(path)
    book = openpyxl.load_workbook(path)
    sheet = records_template().sheet("people")
    ws = book[sheet.title]
    for n in range(rows):
        values = {
            "ref": f"ND{n:05d}",
            "full_name": f"{FAMILY[n % 10]} {MIDDLE[n // 10 % 8]} {GIVEN[n // 80 % 14]} {n}",
            "phone": f"09{n:08d}",
            "thon": f"Tổ {n % 12 + 1}",
        }
        ws.append([values.get(column.key) for column in sheet.columns])
    book.save(path)
    return path


class HoldWhenWriting:
    """Forwards to the dialog's progress; once rows are being written, waits (on the writer thread)
    until the test has pressed Cancel, so the press lands in the middle of the write."""

    def __init__(self, inner: Progress, release: threading.Event) -> None:
        self.inner, self.release = inner, release
        self.held = threading.Event()

    def report(self, done: int, total: int | None = None, message: str = "") -> None:
        self.inner.report(done, total, message)
        if message == WRITING and not self.held.is_set():
            self.held.set()
            self.release.wait(timeout=60)

    def cancelled(self) -> bool:
        return self.inner.cancelled()


def count(services: Services, model: type[Base]) -> int:
    with services.ctx.sessions() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


@pytest.fixture
def runner() -> Iterator[TaskRunner]:
    threaded = TaskRunner()
    yield threaded
    threaded.shutdown()


def test_cancelling_an_import_while_it_writes_leaves_nothing_written(
    qtbot, services: Services, runner: TaskRunner, tmp_path: Path
) -> None:
    path = workbook(tmp_path / "danh-sach.xlsx", ROWS)
    window = QWidget()
    qtbot.addWidget(window)
    window.resize(800, 600)
    window.show()
    release = threading.Event()
    holds: list[HoldWhenWriting] = []
    results: list[object] = []
    failures: list[object] = []
    records = services.records

    def work(progress: Progress) -> object:
        hold = HoldWhenWriting(progress, release)
        holds.append(hold)
        return records.commit(path, hold)

    op = (
        Op(window, work, writes=True)
        .with_progress("Đang nhập danh sách…")
        .success(results.append)
        .failure(failures.append)
        .run(runner)
    )
    assert op.progress is not None
    dialog = op.progress.dialog
    try:
        qtbot.waitUntil(lambda: bool(holds) and holds[0].held.is_set(), timeout=60_000)
        qtbot.waitUntil(lambda: dialog.isVisible() and dialog.value() > 0, timeout=10_000)
        assert dialog.maximum() == ROWS
        assert dialog.labelText() == WRITING
        cancel = dialog.findChild(QPushButton)
        assert cancel is not None and cancel.text() == "Bỏ qua"
        cancel.click()
        assert op.progress.cancelled()
        assert dialog.labelText() == "Đang dừng…"
    finally:
        release.set()  # the writer thread goes on, sees the cancel and rolls back
    qtbot.waitUntil(lambda: op.finished, timeout=60_000)

    assert (results, failures) == ([], [])
    assert not shiboken6.isValid(dialog) or not dialog.isVisible()  # closed, then deleted
    assert [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()] == []
    for model in (Person, ImportedRow, AuditEntry, NumberSeries):
        assert count(services, model) == 0, model.__name__
    assert services.people.count() == 0


def test_the_same_import_not_cancelled_writes_every_row(
    qtbot, services: Services, runner: TaskRunner, tmp_path: Path
) -> None:
    """The control: without the cancel, the same operation does write (so the test above proves
    the cancel, not a failing import)."""
    path = workbook(tmp_path / "danh-sach.xlsx", ROWS)
    window = QWidget()
    qtbot.addWidget(window)
    results: list[object] = []
    records = services.records
    op = (
        Op(window, lambda progress: records.commit(path, progress), writes=True)
        .with_progress("Đang nhập danh sách…")
        .success(results.append)
        .run(runner)
    )
    qtbot.waitUntil(lambda: op.finished, timeout=60_000)
    assert len(results) == 1
    assert services.people.count() == ROWS
    assert count(services, ImportedRow) == ROWS
