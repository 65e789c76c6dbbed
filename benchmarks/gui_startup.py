# SPDX-License-Identifier: MIT
"""GUI cold start on a large branch: the app against a bare PySide6 window with an empty table.

    uv run python benchmarks/gui_startup.py [--people 1000000] [--keep /tmp/rc-bench-gui] [--rounds 5]

1. Builds (once; kept in --keep) a branch store with N people by bulk inserts, as
   benchmarks/search_people.py does.
2. Cold start, each in a fresh `python -c` process, timed by this process from spawn to a line
   the child prints; the child also reports its own CPU time (all threads) at that moment:
   (a) the app's main window shown and painted: `app.build()`, the People section chosen (as a
       click on the sidebar would), `show()`, events processed until the window's first paint —
       the sidebar with the twelve sections, the title and the status line. This is what the
       target compares with the bare window;
   (b) the same process, on until the People list's first rows are painted with their names:
       what the officer waits for before the first search or click on a person;
   and a bare PySide6 window holding an empty QTableView, shown and painted, timed the same way.
   The median of --rounds runs each, and both ratios (target ≤ 2×, for (a)).

Scrolling the People list from the first row to the last, which this script used to time too,
is now benchmarks/gui_scroll.py.

The children get a private bytecode cache (PYTHONPYCACHEPREFIX under --keep), as an installed app
has compiled modules; the first run of each fills it and is not counted. `--src DIR` runs the
children on another copy of the package (e.g. a copy of the tree before a change), for before/after
figures in the same conditions.
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

# Both children detect "painted" the same way: an event filter sees the first Paint event of the
# widget that matters (the sidebar's list, the empty table), and the loop stops once that
# processEvents() call, which paints the whole window in one pass, has returned. The loops wait
# for events rather than spin: a spinning GUI thread would take the GIL from the writer thread,
# which the real event loop (`app.exec()`) does not.
PAINT_PROBE = r"""
import time
from PySide6.QtCore import QCoreApplication, QEvent, QEventLoop, QObject

WAIT = QEventLoop.ProcessEventsFlag.WaitForMoreEvents

class PaintProbe(QObject):
    def __init__(self, widget):
        super().__init__()
        self.painted = False
        widget.installEventFilter(self)

    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint:
            self.painted = True
        return False

def wait_painted(probe):
    while not probe.painted:
        QCoreApplication.processEvents(WAIT)

def mark(label, **extra):
    fields = " ".join(f"{key}={value}" for key, value in extra.items())
    print(f"{label} cpu={time.process_time():.3f} {fields}", flush=True)
"""

APP_CHILD = (
    PAINT_PROBE
    + r"""
t0 = time.perf_counter()
import sys
from PySide6.QtCore import QPoint
from redcross_desktop.app import build
app, window = build(["--db", sys.argv[1], "--lang", "vi"])
t1 = time.perf_counter()
window.show_section("people")  # the officer's click; before the store is open it only selects the row
probe = PaintProbe(window.sidebar.viewport())
window.show()
wait_painted(probe)
t2 = time.perf_counter()
mark("shown", build=f"{t1 - t0:.2f}s", show=f"{t2 - t1:.2f}s", heavy="sqlalchemy" in sys.modules)

def first_rows_painted():
    if window.services is None:  # still opening
        return False
    people = window.sections["people"]
    index = people.table.indexAt(QPoint(2, 2))
    return index.isValid() and bool(people.model.data(index)) and people.table.viewport().isVisible()

while not first_rows_painted():
    QCoreApplication.processEvents(WAIT)
people = window.sections["people"]
people.table.viewport().repaint()
t3 = time.perf_counter()
mark("rows", rows=f"{t3 - t2:.2f}s", first=repr(people.model.data(people.model.index(0, 0))))
window.close()
window.services.close()
"""
)

BARE_CHILD = (
    PAINT_PROBE
    + r"""
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import QApplication, QMainWindow, QTableView
app = QApplication([])
window = QMainWindow()
table = QTableView()
table.setModel(QStandardItemModel(0, 5))
window.setCentralWidget(table)
window.resize(1280, 700)
probe = PaintProbe(table.viewport())
window.show()
wait_painted(probe)
mark("shown")
"""
)


class Run:
    """One child: seconds from spawn to each line it printed, and the CPU time it reported there."""

    def __init__(self, code: str, args: list[str], env: dict[str, str], expect: list[str]) -> None:
        start = time.perf_counter()
        child = subprocess.Popen(
            [sys.executable, "-c", code, *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        assert child.stdout is not None
        self.wall: dict[str, float] = {}
        self.cpu: dict[str, float] = {}
        self.lines: dict[str, str] = {}
        for label in expect:
            line = child.stdout.readline()
            elapsed = time.perf_counter() - start
            if not line.startswith(label + " "):
                _out, err = child.communicate(timeout=300)
                raise RuntimeError(f"child failed waiting for {label!r}: {line!r}\n{err}")
            self.wall[label] = elapsed
            self.cpu[label] = float(line.split("cpu=")[1].split()[0])
            self.lines[label] = line.strip()
        _out, err = child.communicate(timeout=300)
        if child.returncode != 0:
            raise RuntimeError(f"child exited with {child.returncode}\n{err}")


def build_store(root: Path, people: int, seed: int) -> AppPaths:
    paths = AppPaths.under(root).ensure()
    if not paths.database.exists():
        init_store(paths.database, paths, province="01", commune="00070").close()
        fill(paths.database, people, seed)
    return paths


def med(runs: list[Run], label: str, what: str) -> float:
    return statistics.median(getattr(run, what)[label] for run in runs)


def listing(runs: list[Run], label: str, what: str) -> str:
    return ", ".join(f"{getattr(run, what)[label]:.2f}" for run in runs)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--keep", type=Path, default=Path("/tmp/rc-bench-gui"), help="store folder (reused)")
    parser.add_argument("--src", type=Path, default=None, help="run the children on this copy of src/")
    args = parser.parse_args()
    paths = build_store(args.keep, args.people, args.seed)
    services = open_store(paths.database, paths)
    print(f"store: {paths.database} ({services.people.count():,} people)")
    services.close()

    env = dict(
        os.environ,
        REDCROSS_DATA_DIR=str(args.keep / "appdata"),
        QT_QPA_PLATFORM="offscreen",
        PYTHONPYCACHEPREFIX=str(args.keep / ("pycache" if args.src is None else "pycache-src")),
    )
    if args.src is not None:
        env["PYTHONPATH"] = str(args.src.resolve())
        print(f"children run the package in {args.src}")
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    app_args = [str(paths.database)]
    Run(BARE_CHILD, [], env, ["shown"])  # fills the bytecode cache and warms the OS file cache
    Run(APP_CHILD, app_args, env, ["shown", "rows"])
    apps: list[Run] = []
    bares: list[Run] = []
    for _ in range(args.rounds):
        bares.append(Run(BARE_CHILD, [], env, ["shown"]))
        apps.append(Run(APP_CHILD, app_args, env, ["shown", "rows"]))
        print(f"  {apps[-1].lines['shown']}\n  {apps[-1].lines['rows']}")

    bare_wall, bare_cpu = med(bares, "shown", "wall"), med(bares, "shown", "cpu")
    rows = [
        ("(a) app, main window painted", apps, "shown"),
        ("(b) app, first People rows painted", apps, "rows"),
        ("bare QTableView window painted", bares, "shown"),
    ]
    print(f"median of {args.rounds} fresh processes (wall from spawn; CPU of the child, all threads):")
    for title, runs, label in rows:
        print(
            f"  {title:<36} wall {med(runs, label, 'wall'):5.2f} s  cpu {med(runs, label, 'cpu'):5.2f} s"
            f"   runs wall {listing(runs, label, 'wall')}"
        )
    for title, label in (("(a) window painted", "shown"), ("(b) People rows painted", "rows")):
        wall, cpu = med(apps, label, "wall"), med(apps, label, "cpu")
        target = "   (target <= 2x)" if label == "shown" else "   (no target; what the officer waits for)"
        print(f"ratio {title} / bare: wall {wall / bare_wall:.2f}x  cpu {cpu / bare_cpu:.2f}x{target}")


if __name__ == "__main__":
    main()
