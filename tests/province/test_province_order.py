# SPDX-License-Identifier: MIT
"""Import order never changes the final state (bundle-format.md §10, §15 case 63; issue 5 "done
when"): 150 real commune stores (Thành phố Hồ Chí Minh has 168 communes) each export two periods
with corrections, deletions and new records in between; the 300 bundles, plus replays of some of
them, are imported in three random orders into three copies of one province store whose keys were
registered once. Every order ends with the same `province_records`, equal to the union of the
latest version of every record found in the bundles; every replay is ALREADY_IMPORTED and every
older bundle arriving after a newer one is OLDER_BUNDLE."""

from __future__ import annotations

import multiprocessing
import os
import random
import shutil
import time
from concurrent.futures import ProcessPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from province_helpers import P1, P2, CommuneFactory, open_province
from sqlalchemy import make_url, select

from redcross_desktop.bootstrap import init_store, open_store
from redcross_desktop.core.paths import AppPaths
from redcross_desktop.db.models import ProvinceRecord
from redcross_desktop.domain import areas
from redcross_desktop.services.container import Services
from redcross_desktop.sync.rows import verify_with_rows

PROVINCE = "79"
COMMUNES = 150
REPLAYS = 40
SEEDS = (11, 22, 33)

State = dict[tuple[str, str], tuple[Any, ...]]


@dataclass(frozen=True)
class Branch:
    code: str
    key_file: Path
    fingerprint: str
    bundles: tuple[Path, Path]  # seq 1 (P1), seq 2 (P2, with the corrections)
    corrected: str  # donation uuid corrected between the periods
    deleted: str  # activity uuid deleted between the periods


def build_branch(factory: CommuneFactory, commune_code: str, n: int) -> Branch:
    commune = factory.make(commune_code, province_code=PROVINCE)
    try:
        gifts = [commune.donate(date(2026, 2, 1 + i), 10_000 * (n + i + 1)) for i in range(3)]
        talks = [commune.activity(date(2026, 2, 10 + i), f"Tập huấn {i + 1}", 10 + i) for i in range(2)]
        first = commune.export(P1)
        commune.correct_donation(gifts[n % 3], 99_000 + n)
        commune.correct_activity(talks[0], 40 + n)
        commune.delete_activity(talks[1])
        commune.donate(date(2026, 3, 2), 5_000 * (n + 1))
        commune.activity(date(2026, 3, 5), "Sơ cấp cứu", 7)
        second = commune.export(P2)
        assert (first.seq, second.seq) == (1, 2)
        return Branch(
            commune.code,
            commune.key_file(),
            commune.fingerprint,
            (first.path, second.path),
            commune.uuid_of_donation(gifts[n % 3]),
            commune.uuid_of_activity(talks[1]),
        )
    finally:
        commune.close()


def build_chunk(root: Path, template: Path, items: list[tuple[int, str]]) -> list[Branch]:
    """One worker's share of the communes (each on its own store file)."""
    factory = CommuneFactory(root, template)
    return [build_branch(factory, code, n) for n, code in items]


@pytest.fixture(scope="module")
def branches(tmp_path_factory: pytest.TempPathFactory, migrated_template: Path) -> list[Branch]:
    """The 150 communes' bundles, built once for the module. The communes are independent stores,
    so they are built by one worker process per CPU (fork, where the platform has it)."""
    root = tmp_path_factory.mktemp("xa-hcm")
    codes = [a.code for a in areas.communes(PROVINCE)][:COMMUNES]
    assert len(codes) == COMMUNES
    items = list(enumerate(codes))
    workers = max(1, min(os.cpu_count() or 1, 8))
    if workers == 1 or "fork" not in multiprocessing.get_all_start_methods():
        return build_chunk(root, migrated_template, items)
    chunks = [items[i::workers] for i in range(workers)]
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
        built = list(
            pool.map(
                build_chunk, [root / str(i) for i in range(workers)], [migrated_template] * workers, chunks
            )
        )
    return sorted((b for chunk in built for b in chunk), key=lambda b: b.code)


def latest_versions(paths: list[Path]) -> State:
    """The union of the latest version of every record in the bundles, read by the verifier alone
    (no importer code): what any import order must end with."""
    best: State = {}
    for path in paths:
        verified = verify_with_rows(path.read_bytes(), province_code=PROVINCE)
        assert verified.result.severity == "OK", verified.result.code
        for key, sheet in verified.sheets.items():
            for row in sheet.rows:
                v = row.values
                entry = (v[1], int(v[2] or 0), v[3] == "1", v[4], row.row_hash)
                seen = best.get((key, row.record_id))
                if seen is not None and seen[1] == entry[1]:
                    assert seen[4] == entry[4], f"same version, other content: {row.record_id}"
                if seen is None or entry[1] > seen[1]:
                    best[(key, row.record_id)] = entry
    return best


def final_state(services: Services) -> State:
    with services.ctx.sessions() as s:
        return {
            (r.sheet_key, r.record_id): (r.origin_branch, r.version, r.deleted, r.period, r.row_hash)
            for r in s.scalars(select(ProvinceRecord))
        }


@dataclass(frozen=True)
class Outcome:
    """What a worker reports of one bundle (BundleReport holds findings that need not travel)."""

    status: str
    result: str
    code: str
    codes: tuple[str, ...]
    conflicts: int
    branch_code: str | None
    seq: int | None
    total: dict[str, int]


def run_order(url: str, root: Path, order: list[Path]) -> tuple[State, list[Outcome]]:
    """Commits the bundles in `order` into the store at `url` (one worker process per order)."""
    services = open_store(url, AppPaths.under(root).ensure(), actor="can-bo-tinh")
    try:
        reports = open_province(services, url, root / "archive").importer.commit(order)
        outcomes = [
            Outcome(
                r.status, r.result, r.code, r.codes, len(r.conflicts), r.branch_code, r.seq, dict(r.total)
            )
            for r in reports
        ]
        return final_state(services), outcomes
    finally:
        services.close()


def clones(url: str, tmp_path: Path, request: pytest.FixtureRequest, stack: ExitStack) -> list[str]:
    """Copies of the (closed) registered province store, one per order, on the same backend."""
    if "://" not in url:
        out = []
        for n in range(len(SEEDS)):
            shutil.copy(url, tmp_path / f"order{n}.sqlite3")
            out.append(str(tmp_path / f"order{n}.sqlite3"))
        return out
    server = request.getfixturevalue("pg_server")
    source = make_url(url).database
    assert source is not None
    return [
        stack.enter_context(server.scratch(template=source)).render_as_string(hide_password=False)
        for _ in SEEDS
    ]


@pytest.mark.slow
@pytest.mark.parametrize("province_store", ["sqlite", "postgresql"], indirect=True)
def test_import_order_never_changes_the_final_state(
    province_store: str,
    paths: AppPaths,
    branches: list[Branch],
    tmp_path: Path,
    request: pytest.FixtureRequest,
) -> None:
    started = time.perf_counter()
    registrar = init_store(
        province_store, paths, province=PROVINCE, commune=None, mode="province", actor="can-bo-tinh"
    )
    trust = open_province(registrar, province_store, tmp_path / "unused").trust
    for branch in branches:
        trust.register_key(branch.key_file, branch.code, branch.fingerprint)
    registrar.close()
    everything = [p for b in branches for p in b.bundles]
    expected = latest_versions(everything)
    assert len(expected) > COMMUNES * 70
    orders = []
    for seed in SEEDS:
        rng = random.Random(seed)
        order = everything + rng.sample(everything, REPLAYS)
        rng.shuffle(order)
        orders.append(order)
    assert orders[0] != orders[1] != orders[2]
    with ExitStack() as stack:
        urls = clones(province_store, tmp_path, request, stack)
        roots = [tmp_path / f"order{n}" for n in range(len(SEEDS))]
        if "fork" in multiprocessing.get_all_start_methods():
            context = multiprocessing.get_context("fork")
            with ProcessPoolExecutor(len(SEEDS), mp_context=context) as pool:
                results = list(pool.map(run_order, urls, roots, orders))
        else:
            results = [run_order(u, r, o) for u, r, o in zip(urls, roots, orders, strict=True)]
    for order, (_state, outcomes) in zip(orders, results, strict=True):
        seen: set[Path] = set()
        done: set[tuple[str, int]] = set()
        for path, report in zip(order, outcomes, strict=True):
            assert report.result in ("OK", "WARN", "INFO"), (path.name, report.code)
            assert report.conflicts == 0, (path.name, report.codes)
            assert report.branch_code is not None and report.seq is not None
            if path in seen:
                assert (report.status, report.code) == ("replay", "ALREADY_IMPORTED")
            else:
                assert report.status == "committed"
                newer_first = report.seq == 1 and (report.branch_code, 2) in done
                assert ("OLDER_BUNDLE" in report.codes) == newer_first, path.name
                if newer_first:
                    assert report.total["ignored_stale"] > 0 and report.total["imported"] == 0
                done.add((report.branch_code, report.seq))
            seen.add(path)
        assert len(done) == 2 * COMMUNES
    states = [state for state, _outcomes in results]
    assert states[0] == expected
    assert states[1] == states[0] and states[2] == states[0]
    # The corrections and deletions made between the periods won, whatever came first.
    for branch in branches[:10]:
        corrected = states[0][("donations", branch.corrected)]
        deleted = states[0][("activities", branch.deleted)]
        assert corrected[1] == 2 and deleted[1] == 2 and deleted[2] is True
    print(f"\n150 communes × 2 periods, 3 orders: {time.perf_counter() - started:.1f} s after generation")
