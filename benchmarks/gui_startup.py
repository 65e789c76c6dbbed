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
3. Scrolling the People list from the first row to the last (target < 1 s), in this process,
   until the last row is painted with its name:
   - the `fetchMore` loop a scroll bar drives, page after page of 500 ids, then `scrollToBottom()`;
   - Ctrl+End, which the app uses: `LazyTableModel.jump_to_end()` reads one keyset page from
     the end (`PeopleService.page_ids_before`); earlier pages load as the reader scrolls back up.

The children get a private bytecode cache (PYTHONPYCACHEPREFIX under --keep), as an installed app
has compiled modules; the first run of each fills it and is not counted.
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

from redcross_desktop.bootstrap import init_store, open_store  # noqa: E402
from redcross_desktop.core.paths import AppPaths  # noqa: E402
from search_people import fill  # noqa: E402

APP_CHILD = r"""
import time
t0 = time.perf_counter()
import sys
from PySide6.QtCore import QCoreApplication, QPoint
from redcross_desktop.app import build
t1 = time.perf_counter()
app, window = build(["--db", sys.argv[1], "--lang", "vi"])
t2 = time.perf_counter()
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
t3 = time.perf_counter()
first = model.data(model.index(0, 0))
print(f"ready imports={t1 - t0:.2f}s build={t2 - t1:.2f}s show={t3 - t2:.2f}s first={first}", flush=True)
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


def cold_start(code: str, *args: str, env: dict[str, str]) -> tuple[float, str]:
    """Seconds from spawning a fresh interpreter to its "ready" line, and that line."""
    start = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-c", code, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert child.stdout is not None
    line = child.stdout.readline()
    elapsed = time.perf_counter() - start
    _out, err = child.communicate(timeout=300)
    if not line.startswith("ready"):
        raise RuntimeError(f"child failed: {line!r}\n{err}")
    return elapsed, line.strip()


def build_store(root: Path, people: int, seed: int) -> AppPaths:
    paths = AppPaths.under(root).ensure()
    if not paths.database.exists():
        init_store(paths.database, paths, province="01", commune="00070").close()
        fill(paths.database, people, seed)
    return paths


def scroll_to_end(paths: AppPaths, *, jump: bool) -> tuple[float, int, str]:
    """Seconds from the first page shown to the last row painted; the rows loaded; the last name."""
    from PySide6.QtCore import QCoreApplication, QPoint, Qt
    from PySide6.QtTest import QTest
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
        if jump:
            table.setFocus()
            QTest.keyClick(table, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
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

    env = dict(
        os.environ,
        REDCROSS_DATA_DIR=str(args.keep / "appdata"),
        QT_QPA_PLATFORM="offscreen",
        PYTHONPYCACHEPREFIX=str(args.keep / "pycache"),
    )
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    cold_start(BARE_CHILD, env=env)  # fills the bytecode cache and warms the OS file cache
    cold_start(APP_CHILD, str(paths.database), env=env)
    app_s, bare_s = [], []
    for _ in range(args.rounds):
        bare_s.append(cold_start(BARE_CHILD, env=env)[0])
        elapsed, line = cold_start(APP_CHILD, str(paths.database), env=env)
        app_s.append(elapsed)
        print(f"  app run {elapsed:.2f} s: {line}")
    app_med, bare_med = statistics.median(app_s), statistics.median(bare_s)
    runs = ", ".join(f"{s:.2f}" for s in app_s)
    print(f"cold start, app (People list painted): median {app_med:.2f} s  runs {runs}")
    runs = ", ".join(f"{s:.2f}" for s in bare_s)
    print(f"cold start, bare QTableView window:    median {bare_med:.2f} s  runs {runs}")
    print(f"ratio app/bare: {app_med / bare_med:.2f}x   (target <= 2x)")

    for jump, label in ((False, "fetchMore, page by page"), (True, "Ctrl+End, keyset jump to end")):
        elapsed, rows, last = scroll_to_end(paths, jump=jump)
        print(
            f"scroll first -> last row, {label}: {elapsed:.2f} s, {rows:,} rows loaded, last: {last}  (target < 1 s)"
        )


if __name__ == "__main__":
    main()
