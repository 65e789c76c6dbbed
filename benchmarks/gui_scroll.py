# SPDX-License-Identifier: MIT
"""Scrolling the People list of a 1,000,000-person branch from the first row to the last.

    uv run python benchmarks/gui_scroll.py [--keep /tmp/rc-bench-gui] [--rounds 5]

Uses the store that benchmarks/gui_startup.py builds (1,000,000 people by default; built here the
same way when missing). In this process, on the offscreen platform, timed from the list showing
its first rows to the last row painted with its name, wall and process CPU:

  (a) the whole ordered id list: `PeopleService.all_ids()` alone, and in the app, the People
      section (real TaskRunner) from its first rows painted to the id list adopted by the model
      (it starts the read, off the GUI thread, after that first paint);
  (b) then the officer drags the scroll bar thumb to the bottom: `setValue(maximum)`;
  (c) or presses Ctrl+End on the table, as a key press.
  The total from the first rows painted to the last row painted is (a)+(b) or (a)+(c): an officer
  who drags at once waits that long.

The baseline, in the same run: raw sqlite3 reading the same ordered ids into an array, and a bare
QTableView over a trivial QAbstractTableModel with as many rows (each cell its row number), its
scroll bar set to the maximum until the last row is painted. Ratios are app/baseline; the target
is < 1 s for (b) and (c), and for (a)+(b), an officer who drags before the list has arrived.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import sys
import time
from array import array
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before Qt loads
sys.path.insert(0, str(Path(__file__).resolve().parent))

from PySide6.QtCore import QAbstractTableModel, QCoreApplication, QEventLoop, QModelIndex, QPoint, Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication, QTableView  # noqa: E402

from redcross_desktop.bootstrap import init_store, open_store  # noqa: E402
from redcross_desktop.core.paths import AppPaths  # noqa: E402
from search_people import fill  # noqa: E402

Timing = tuple[float, float]  # wall seconds, process CPU seconds


def timed(work: Callable[[], Any]) -> tuple[Timing, Any]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = work()
    return (time.perf_counter() - wall, time.process_time() - cpu), result


def build_store(root: Path, people: int, seed: int) -> AppPaths:
    paths = AppPaths.under(root).ensure()
    if not paths.database.exists():
        init_store(paths.database, paths, province="01", commune="00070").close()
        fill(paths.database, people, seed)
    return paths


class CountModel(QAbstractTableModel):
    """The least a table model can be: N rows, each cell its row number."""

    def __init__(self, rows: int) -> None:
        super().__init__()
        self._rows = rows

    def rowCount(self, parent: Any = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._rows

    def columnCount(self, parent: Any = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 5

    def data(self, index: Any, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        return str(index.row()) if role == Qt.ItemDataRole.DisplayRole else None


def wait_last_row_painted(table: QTableView) -> None:
    """Processes events until the bottom row on screen is the model's last, with its text."""
    model = table.model()
    bottom = QPoint(2, table.viewport().height() - 3)
    while not (table.indexAt(bottom).row() == model.rowCount() - 1 and model.data(table.indexAt(bottom))):
        QCoreApplication.processEvents()
    table.viewport().repaint()


def raw_ids(database: Path) -> array[int]:
    con = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        cursor = con.execute("SELECT id FROM people WHERE deleted = 0 ORDER BY sort_key, id")
        return array("q", (row_id for (row_id,) in cursor))
    finally:
        con.close()


def bare_scroll(rows: int) -> Timing:
    table = QTableView()
    table.setModel(CountModel(rows))
    table.resize(1080, 600)
    table.show()
    QCoreApplication.processEvents()
    timing, _ = timed(
        lambda: (
            table.verticalScrollBar().setValue(table.verticalScrollBar().maximum()),
            wait_last_row_painted(table),
        )
    )
    table.close()
    table.deleteLater()
    QCoreApplication.processEvents()
    return timing


def app_scroll(paths: AppPaths, how: str) -> tuple[Timing, Timing, int, str]:
    """Opens the People section with the app's TaskRunner; times first rows painted -> id list
    adopted, then the scroll to the last row painted."""
    from redcross_desktop.ui.sections.people import PeopleSection
    from redcross_desktop.ui.tasks import TaskRunner

    services = open_store(paths.database, paths)
    runner = TaskRunner()
    try:
        section = PeopleSection(services, runner)
        section.resize(1080, 700)
        section.show()
        table, model = section.table, section.model
        top = QPoint(2, 2)
        while not (table.viewport().isVisible() and model.data(table.indexAt(top))):
            QCoreApplication.processEvents()
        table.viewport().repaint()

        def wait_complete() -> None:
            """Until the model has every id and the view has laid its scroll bar out for them."""
            bar = table.verticalScrollBar()
            while not (model.complete and bar.maximum() + bar.pageStep() >= model.rowCount()):
                # Sleeps until an event comes, as the app's event loop does: a busy loop here would
                # fight the worker thread for the GIL.
                QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)

        adopted, _ = timed(wait_complete)
        if how == "bar":
            bar = table.verticalScrollBar()
            timing, _ = timed(lambda: (bar.setValue(bar.maximum()), wait_last_row_painted(table)))
        else:
            table.setFocus()
            timing, _ = timed(
                lambda: (
                    QTest.keyClick(table, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier),
                    wait_last_row_painted(table),
                )
            )
        rows = model.rowCount()
        last = str(model.data(model.index(rows - 1, 0)))
        section.close()
        section.deleteLater()
        QCoreApplication.processEvents()
        return adopted, timing, rows, last
    finally:
        runner.shutdown()
        services.close()


def median(timings: list[Timing]) -> Timing:
    return statistics.median(t[0] for t in timings), statistics.median(t[1] for t in timings)


def show(label: str, timing: Timing) -> str:
    return f"{label:<52} wall {timing[0] * 1000:7.1f} ms  cpu {timing[1] * 1000:7.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--keep", type=Path, default=Path("/tmp/rc-bench-gui"), help="store folder (reused)")
    args = parser.parse_args()
    paths = build_store(args.keep, args.people, args.seed)
    app = QApplication.instance() or QApplication([])

    services = open_store(paths.database, paths)
    raw_ids(paths.database)  # warms the OS file cache for both readers
    raw, app_ids = [], []
    for _ in range(args.rounds):
        raw.append(timed(lambda: raw_ids(paths.database))[0])
        timing, ids = timed(services.people.all_ids)
        app_ids.append(timing)
    services.close()
    count = len(ids)
    print(f"store: {paths.database} ({count:,} people), median of {args.rounds} rounds")

    bare, bar, end, adopted = [], [], [], []
    rows, last = 0, ""
    for _ in range(args.rounds):
        bare.append(bare_scroll(count))
        waited, timing, rows, last = app_scroll(paths, "bar")
        bar.append(timing)
        adopted.append(waited)
        waited, timing, rows, last = app_scroll(paths, "ctrl+end")
        end.append(timing)
        adopted.append(waited)
    assert rows == count, (rows, count)
    print(f"last row: {last!r} (row {rows:,})")

    lines = [
        ("(a) id list, service: PeopleService.all_ids()", median(app_ids), median(raw)),
        ("(a) id list, app: first rows painted -> adopted", median(adopted), median(raw)),
        ("(b) scroll bar to maximum -> last row painted", median(bar), median(bare)),
        ("(c) Ctrl+End -> last row painted", median(end), median(bare)),
    ]
    print(show("baseline: raw sqlite3 ordered ids -> array", median(raw)))
    print(show("baseline: bare QTableView, scroll bar to maximum", median(bare)))
    for label, timing, base in lines:
        ratio = f"ratio {timing[0] / base[0]:.1f}x wall, {timing[1] / max(base[1], 1e-9):.1f}x cpu"
        print(f"{show(label, timing)}   {ratio}")
    worst = median(adopted)[0] + max(median(bar)[0], median(end)[0])
    target = worst
    print(f"first rows painted -> last row painted, dragging at once, (a)+(b|c): {worst * 1000:.0f} ms")
    print(f"target < 1 s: {'met' if target < 1.0 else 'NOT met'} ({target * 1000:.0f} ms)")
    del app


if __name__ == "__main__":
    main()
