# SPDX-License-Identifier: MIT
"""GUI start-up and scrolling on a large branch: the app against a bare PySide6 window.

    uv run python benchmarks/gui_startup.py [--people 1000000] [--keep /tmp/rc-bench-gui] [--rounds 3]

1. Builds (once; kept in --keep) a branch store with N people by bulk inserts, as
   benchmarks/search_people.py does.
2. Cold start, each in a fresh `python -c` process, timed from spawn to the child's "ready" line:
   - the app: `app.build()`, the window shown on the People section, events processed until the
     first rows of the list are painted with their names;
   - a bare PySide6 window holding an empty QTableView, shown and painted.
   The median of --rounds runs each, and the ratio (target ≤ 2×).
3. Scrolling the People list from the first row to the last (target < 1 s), in this process:
   the page-by-page `fetchMore` loop a scroll bar drives, and `LazyTableModel.fetch_to_end()`
   (keyset pages of 50,000 ids), each followed by `scrollToBottom()` and painting the last rows.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before Qt loads; the children inherit it
sys.path.insert(0, str(Path(__file__).resolve().parent))

from search_people import fill  # noqa: E402

from redcross_desktop.bootstrap import init_store, open_store  # noqa: E402
from redcross_desktop.core.paths import AppPaths  # noqa: E402

APP_CHILD = r"""
import sys
from PySide6.QtCore import QCoreApplication, QPoint
from redcross_desktop.app import build
app, window = build(["--db", sys.argv[1], "--lang", "vi"])
people = window.show_section("people")
window.resize(1280, 700)
window.show()
table, model = people.table, people.model

def first_rows_painted():
    index = table.indexAt(QPoint(2, 2))
    return index.isValid() and bool(model.data(index)) and table.viewport().isVisible()

while not first_rows_painted():
    QCoreApplication.processEvents()
table.viewport().repaint()
print("ready", model.data(model.index(0, 0)), flush=True)
window.close()
window.services.close()
"""

BARE_CHILD = r"""
from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import QApplication, QMainWindow, QTableView
app = QApplication([])
window = QMainWindow()
table = QTableView()
table.setModel(QStandardItemModel(0, 5))
window.setCentralWidget(table)
window.resize(1280, 700)
window.show()
while not table.viewport().isVisible():
    QCoreApplication.processEvents()
table.viewport().repaint()
print("ready", flush=True)
"""


def cold_start(code: str, *args: str, env: dict[str, str]) -> float:
    """Seconds from spawning a fresh interpreter to its "ready" line."""
    start = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-c", code, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    )
    assert child.stdout is not None
    line = child.stdout.readline()
    elapsed = time.perf_counter() - start
    _out, err = child.communicate(timeout=120)
    if not line.startswith("ready"):
        raise RuntimeError(f"child failed: {line!r}\n{err}")
    return elapsed


def build_store(root: Path, people: int, seed: int) -> AppPaths:
    paths = AppPaths.under(root).ensure()
    if not paths.database.exists():
        init_store(paths.database, paths, province="01", commune="00070").close()
        fill(paths.database, people, seed)
    return paths


def scroll_to_end(paths: AppPaths, *, bulk: bool) -> tuple[float, int, str]:
    """Seconds from the first page to the last row painted; the row count; the last name."""
    from PySide6.QtCore import QCoreApplication, QPoint
    from PySide6.QtWidgets import QApplication

    from redcross_desktop.ui.sections.people import PeopleSection
    from redcross_desktop.ui.tasks import InlineTaskRunner

    app = QApplication.instance() or QApplication([])
    services = open_store(paths.database, paths)
    try:
        section = PeopleSection(services, InlineTaskRunner())
        section.resize(1080, 700)
        section.show()
        QCoreApplication.processEvents()
        table, model = section.table, section.model
        start = time.perf_counter()
        if bulk:
            model.fetch_to_end()
        else:
            while model.canFetchMore():
                model.fetchMore()
        table.scrollToBottom()
        bottom = QPoint(2, table.viewport().height() - 3)
        while not (table.indexAt(bottom).row() == model.rowCount() - 1 and model.data(table.indexAt(bottom))):
            QCoreApplication.processEvents()
        table.viewport().repaint()
        elapsed = time.perf_counter() - start
        last = str(model.data(model.index(model.rowCount() - 1, 0)))
        rows = model.rowCount()
        section.close()
        section.deleteLater()
        QCoreApplication.processEvents()
        del app
        return elapsed, rows, last
    finally:
        services.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--keep", type=Path, default=Path("/tmp/rc-bench-gui"), help="store folder (reused)")
    args = parser.parse_args()
    paths = build_store(args.keep, args.people, args.seed)
    services = open_store(paths.database, paths)
    print(f"store: {paths.database} ({services.people.count():,} people)")
    services.close()

    env = dict(os.environ, REDCROSS_DATA_DIR=str(args.keep / "appdata"), QT_QPA_PLATFORM="offscreen")
    cold_start(BARE_CHILD, env=env)  # warm the OS file cache for both, so "cold" means a new process
    cold_start(APP_CHILD, str(paths.database), env=env)
    app_s, bare_s = [], []
    for _ in range(args.rounds):
        bare_s.append(cold_start(BARE_CHILD, env=env))
        app_s.append(cold_start(APP_CHILD, str(paths.database), env=env))
    app_med, bare_med = statistics.median(app_s), statistics.median(bare_s)
    print(f"cold start, app (People list painted): median {app_med:.2f} s  runs {', '.join(f'{s:.2f}' for s in app_s)}")
    print(f"cold start, bare QTableView window:    median {bare_med:.2f} s  runs {', '.join(f'{s:.2f}' for s in bare_s)}")
    print(f"ratio app/bare: {app_med / bare_med:.2f}x   (target <= 2x)")

    for bulk, label in ((False, "fetchMore page by page (500 ids)"), (True, "fetch_to_end (50,000-id pages)")):
        elapsed, rows, last = scroll_to_end(paths, bulk=bulk)
        print(f"scroll first -> last row, {label}: {elapsed:.2f} s for {rows:,} rows (last: {last})   (target < 1 s)")


if __name__ == "__main__":
    main()
