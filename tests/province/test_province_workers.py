# SPDX-License-Identifier: MIT
"""Stages 2–7 run in worker processes with a deadline (bundle-format.md §9, §12): a worker that dies
or hangs on a bundle gives MALFORMED_WORKBOOK for that bundle alone, the worker is replaced, and
the bundles around it import as usual, on SQLite and PostgreSQL. Real processes throughout: the
job is the real verifier, with a test-only fault on chosen files (`province_faults.py`)."""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import threading
from concurrent.futures import ProcessPoolExecutor
from datetime import date
from functools import partial
from pathlib import Path

from province_faults import (
    CRASH_EXIT_CODE,
    INHERITED,
    echo,
    faulty_verify,
    loaded,
    raising,
    use_inherited_pool,
)
from province_helpers import P1, CommuneFactory, Province

from redcross_desktop.services.province.import_report import BundleReport
from redcross_desktop.services.province.importer import ProvinceImportService
from redcross_desktop.services.province.workers import WorkerPool


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def three_bundles(province: Province, communes: CommuneFactory) -> tuple[Path, Path, Path]:
    """Three valid bundles of three registered communes, one donation each."""
    paths = []
    for n, code in enumerate(("00073", "00070", "00004")):
        commune = communes.make(code)
        commune.register(province)
        commune.donate(date(2026, 2, 3 + n), 10_000 * (n + 1))
        paths.append(commune.export(P1).path)
    return paths[0], paths[1], paths[2]


def outcome(reports: list[BundleReport]) -> list[tuple[str, str]]:
    return [(r.status, r.code) for r in reports]


def imported_branches(province: Province) -> list[str]:
    return sorted({origin for origin, *_rest in province.records().values()})


def test_a_worker_dying_on_a_bundle_rejects_that_bundle_only(
    province: Province, communes: CommuneFactory
) -> None:
    first, bad, last = three_bundles(province, communes)
    pool = WorkerPool(partial(faulty_verify, crash=frozenset({sha(bad)})), size=2)
    importer = ProvinceImportService(province.services.ctx, province.archive_dir, pool=pool)
    try:
        before = province.dump()
        previews = importer.preview([first, bad, last])
        assert outcome(previews) == [
            ("previewed", "OK"),
            ("rejected", "MALFORMED_WORKBOOK"),
            ("previewed", "OK"),
        ]
        [finding] = previews[1].findings
        assert (finding.stage, finding.params) == (2, {"reason": "crashed"})
        assert province.dump() == before and province.archived() == []  # the dry run wrote nothing

        reports = importer.commit([first, bad, last])
        assert outcome(reports) == [
            ("committed", "OK"),
            ("rejected", "MALFORMED_WORKBOOK"),
            ("committed", "OK"),
        ]
        assert imported_branches(province) == ["01-00004", "01-00073"]  # not the crashed bundle's commune
        assert province.archived() == sorted(f"{sha(p)}.xlsx" for p in (first, last))
        assert json.loads(json.dumps(reports[1].to_json()))["code"] == "MALFORMED_WORKBOOK"
    finally:
        pool.close()


def test_a_worker_hanging_on_a_bundle_is_killed_at_the_deadline(
    province: Province, communes: CommuneFactory
) -> None:
    first, stuck, last = three_bundles(province, communes)
    pool = WorkerPool(partial(faulty_verify, hang=frozenset({sha(stuck)})), size=1, timeout=5)
    importer = ProvinceImportService(province.services.ctx, province.archive_dir, pool=pool)
    try:
        reports = importer.commit([first, stuck, last])
        assert outcome(reports) == [
            ("committed", "OK"),
            ("rejected", "MALFORMED_WORKBOOK"),
            ("committed", "OK"),
        ]
        assert reports[1].findings[0].params == {"reason": "timeout"}
        assert imported_branches(province) == ["01-00004", "01-00073"]
        # The hung file is refused again on its own, and the healthy ones are replays now.
        again = importer.commit([stuck, first])
        assert outcome(again) == [("rejected", "MALFORMED_WORKBOOK"), ("replay", "ALREADY_IMPORTED")]
    finally:
        pool.close()


def test_import_from_another_thread_as_the_gui_does(province: Province, communes: CommuneFactory) -> None:
    """The GUI runs imports on a QThread: the workers are spawned, never forked, from it."""
    first, second, third = three_bundles(province, communes)
    results: list[list[BundleReport]] = []
    thread = threading.Thread(target=lambda: results.append(province.importer.commit([first, second, third])))
    thread.start()
    thread.join()
    [reports] = results
    assert outcome(reports) == [("committed", "OK")] * 3
    assert imported_branches(province) == ["01-00004", "01-00070", "01-00073"]


# ---------------------------------------------------------------- the pool itself


def test_pool_reports_a_raising_job_and_keeps_its_worker() -> None:
    pool = WorkerPool(raising, size=1)
    try:
        first = pool.result(pool.submit("a"))
        assert first.failure == "error" and "cannot handle 'a'" in first.detail
        second = pool.result(pool.submit("b"))  # the same worker, still usable
        assert second.failure == "error" and "cannot handle 'b'" in second.detail
    finally:
        pool.close()


def test_pool_replaces_a_dead_worker_and_hands_results_back_by_ticket() -> None:
    pool = WorkerPool(echo, size=2)
    try:
        tickets = [pool.submit(n) for n in (1, 2, 3)]  # more jobs than idle workers: one more starts
        assert [pool.result(t).value for t in reversed(tickets)] == [3, 2, 1]
        crashed = pool.result(pool.submit("crash"))
        assert (crashed.failure, crashed.detail) == ("crashed", f"exit code {CRASH_EXIT_CODE}")
        assert pool.result(pool.submit(4)).value == 4  # a fresh worker
        assert pool.cpu_seconds() > 0  # the workers report their own CPU time
    finally:
        pool.close()


def test_a_forked_child_starts_its_own_workers_and_leaves_the_parents_alone() -> None:
    """A process forked while the pool had workers (the order test forks its importers) must not
    use, stop or test the parent's workers: it starts its own, and the parent's keep working."""
    pool = WorkerPool(echo, size=1)
    try:
        assert pool.result(pool.submit("before")).value == "before"  # the parent has a worker now
        INHERITED[:] = [pool]
        with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork")) as children:
            assert children.submit(use_inherited_pool, "in the child").result() == "in the child"
        assert pool.result(pool.submit("after")).value == "after"
    finally:
        INHERITED.clear()
        pool.close()


def test_pool_workers_do_not_run_the_parents_main_module() -> None:
    """A worker loads only the job's module: re-running the parent's main module would import the
    whole GUI or CLI (or re-run a script without a main guard) in every worker."""
    pool = WorkerPool(loaded, size=1)
    try:
        assert pool.result(pool.submit(None)).value == ([], None)
    finally:
        pool.close()
