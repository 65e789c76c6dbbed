# SPDX-License-Identifier: MIT
"""Province import of 150 commune bundles of 1,000 records each against the fastest raw reader.

    uv run python benchmarks/province_import.py [--communes 150] [--records 1000] [--keep DIR]
    REDCROSS_BENCH_PG_URL=postgresql+psycopg://user:pw@host/db uv run python benchmarks/province_import.py

Writes `--communes` signed bundles (one Ed25519 key per commune, registered at a fresh province
store through its key file and fingerprint), each with `--records` data rows spread over the sheets
as a commune year would (donations, relief, blood, members, activities, report), then in one run
times: python-calamine reading every sheet of the same files (the raw floor: no checks at all), our
dry run (`ProvinceImportService.preview`: stages 0–9, rolled back) and our commit (the same, written,
with the archive). Issue 5 target: ≤ 3× the raw reader. With `REDCROSS_BENCH_PG_URL` the dry run and
commit are repeated on a scratch database created on that server (and dropped afterwards).

Stages 0–7 run in worker processes (bundle-format.md §9) while the parent merges, so the figures are
wall clock, the parent's process CPU, the workers' CPU as they report it (start-up included: the
pool starts in the first run, the dry run) and the sum of both; the machine may be shared, so
judge speed-ups on CPU.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

import uuid6  # noqa: E402
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey  # noqa: E402
from python_calamine import CalamineWorkbook  # noqa: E402
from sqlalchemy import URL, create_engine, make_url, text  # noqa: E402

from redcross_desktop.bootstrap import init_store  # noqa: E402
from redcross_desktop.core.paths import AppPaths  # noqa: E402
from redcross_desktop.domain import areas  # noqa: E402
from redcross_desktop.services.province import importer as importer_module  # noqa: E402
from redcross_desktop.services.province.importer import ProvinceImportService  # noqa: E402
from redcross_desktop.services.province.trust import TrustService  # noqa: E402
from redcross_desktop.services.province.verification import shared_pool  # noqa: E402
from redcross_desktop.sync import keys as crypto  # noqa: E402
from redcross_desktop.sync.keyfile import KeyRegistration, write_key_file  # noqa: E402
from redcross_desktop.sync.writer import ManifestFields, write_bundle  # noqa: E402

PROVINCE = "79"  # Thành phố Hồ Chí Minh: 168 communes
PERIOD = "2026-03"
INCLUDED = tuple(f"2025-{m:02d}" for m in range(1, 13)) + ("2026-01", "2026-02", "2026-03")
STAMP = "2026-04-02T09:15:00+07:00"
HO = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi"]
DEM = ["Văn", "Thị", "Hữu", "Ngọc", "Minh", "Thanh"]
TEN = ["An", "Bình", "Cường", "Dũng", "Hoa", "Lan", "Hùng", "Mai", "Tâm", "Yến"]
THON = ["Tổ dân phố 1", "Tổ dân phố 2", "Khu phố 3", "Ấp Đông", "Ấp Tây"]


def timed(fn: Callable[[], Any]) -> tuple[float, float, Any]:
    w0, c0 = time.perf_counter(), time.process_time()
    result = fn()
    return time.perf_counter() - w0, time.process_time() - c0, result


def datasets(branch: str, records: int, rng: random.Random) -> dict[str, list[list[Any]]]:
    """One commune's sheets: `records` data rows in all (report rows included)."""
    counter = iter(range(1, 10_000_000))

    def env(period: str) -> list[Any]:
        n = next(counter)
        deleted = 1 if n % 97 == 0 else 0
        return [
            str(uuid6.uuid7()),  # as the communes mint them: time-ordered
            branch,
            rng.randint(1, 3),
            deleted,
            period,
            STAMP,
        ]

    def day() -> date:
        return date(2025, 1, 1) + timedelta(days=rng.randrange(455))

    def period_of(d: date) -> str:
        return f"{d.year:04d}-{d.month:02d}"

    def name() -> str:
        return f"{rng.choice(HO)} {rng.choice(DEM)} {rng.choice(TEN)}"

    def live(row: list[Any], business: list[Any]) -> list[Any]:
        return row + ([None] * len(business) if row[3] else business)

    report = [
        [
            f"{branch}|{PERIOD}|I{i:02d}|",
            branch,
            1,
            0,
            PERIOD,
            STAMP,
            f"I{i:02d}",
            f"Chỉ tiêu {i}",
            "lượt",
            rng.randint(0, 5000),
            None,
        ]
        for i in range(70)
    ]
    rest = records - len(report)
    counts = {"donations": rest * 2 // 5, "relief": rest // 5, "blood": rest // 10, "members": rest // 10}
    counts["activities"] = rest - sum(counts.values())
    out: dict[str, list[list[Any]]] = {"report": report}
    rows = []
    for i in range(counts["donations"]):
        d = day()
        rows.append(
            live(
                env(period_of(d)),
                [
                    f"BN-{d.year}-{i + 1:06d}",
                    d,
                    "person",
                    None,
                    name(),
                    None,
                    rng.choice(["cash", "transfer"]),
                    rng.randint(1, 500) * 10_000,
                    0,
                    "valid",
                    None,
                ],
            )
        )
    out["donations"] = rows
    rows = []
    for _ in range(counts["relief"]):
        d = day()
        rows.append(
            live(
                env(period_of(d)),
                [
                    d,
                    None,
                    name(),
                    rng.choice("MF"),
                    rng.choice(THON),
                    rng.randint(1930, 2015),
                    None,
                    "Tết Nhân ái",
                    "regular",
                    "poor",
                    None,
                    500_000,
                    300_000,
                    rng.randint(1, 5),
                ],
            )
        )
    out["relief"] = rows
    rows = []
    for _ in range(counts["blood"]):
        d = day()
        rows.append(
            live(
                env(period_of(d)),
                [
                    str(uuid6.uuid7()),
                    rng.choice("MF"),
                    rng.randint(1960, 2005),
                    d,
                    "whole",
                    350,
                ],
            )
        )
    out["blood"] = rows
    rows = []
    for i in range(counts["members"]):
        joined = day()
        rows.append(
            live(
                env(period_of(joined)),
                [
                    str(uuid6.uuid7()),
                    name(),
                    rng.choice("MF"),
                    None,
                    rng.randint(1950, 2005),
                    rng.choice(THON),
                    "member",
                    f"HV-{i + 1:04d}",
                    None,
                    joined,
                    None,
                    12_000,
                    "2026-03",
                    rng.randint(0, 600),
                ],
            )
        )
    out["members"] = rows
    rows = []
    for i in range(counts["activities"]):
        d = day()
        rows.append(
            live(
                env(period_of(d)),
                [
                    "first_aid",
                    f"Tập huấn sơ cấp cứu {i + 1}",
                    d,
                    None,
                    1,
                    rng.randint(5, 60),
                    0,
                    0,
                    0,
                ],
            )
        )
    out["activities"] = rows
    return out


def make_bundles(folder: Path, communes: int, records: int) -> list[tuple[str, Path, Path, str]]:
    """(branch code, bundle, key file, fingerprint) per commune."""
    rng = random.Random(5)
    codes = [a.code for a in areas.communes(PROVINCE)][:communes]
    out = []
    for n, code in enumerate(codes):
        branch = f"{PROVINCE}-{code}"
        key = Ed25519PrivateKey.from_private_bytes(rng.randbytes(32))
        raw = crypto.public_raw(key)
        reg = KeyRegistration(
            branch_code=branch,
            branch_name=f"Hội CTĐ {code}",
            province_code=PROVINCE,
            public_raw=raw,
            key_id=crypto.key_id(raw),
            created_at=STAMP,
            install_id=str(uuid.uuid4()),
            officer_name="Cán bộ",
            app_version="bench",
        )
        key_file = folder / f"KHOA_{branch}.xlsx"
        write_key_file(key_file, key, reg)
        fields = ManifestFields(
            province_code=PROVINCE,
            branch_code=branch,
            branch_name=f"Hội CTĐ {code}",
            period=PERIOD,
            periods_included=INCLUDED,
            seq=n + 1,
            bundle_id=str(uuid.uuid4()),
            created_at=STAMP,
            exported_by="Cán bộ",
            app_version="bench",
            install_id=reg.install_id,
        )
        path = folder / f"CTD_{PROVINCE}_{branch}_{PERIOD}_{n + 1:05d}.xlsx"
        write_bundle(path, fields, datasets(branch, records, rng), key)
        out.append((branch, path, key_file, crypto.fingerprint(raw)))
    return out


def read_calamine(paths: list[Path]) -> int:
    cells = 0
    for path in paths:
        workbook = CalamineWorkbook.from_path(str(path))
        for name in workbook.sheet_names:
            for row in workbook.get_sheet_by_name(name).to_python(skip_empty_area=False):
                cells += len(row)
    return cells


def province_store(db: str | Path, folder: Path, bundles: list[tuple[str, Path, Path, str]]) -> Any:
    paths = AppPaths.under(folder).ensure()
    services = init_store(db, paths, province=PROVINCE, commune=None, mode="province", actor="benchmark")
    trust = TrustService(services.ctx)
    for branch, _bundle, key_file, fingerprint in bundles:
        trust.register_key(key_file, branch, fingerprint)
    return services


class Stopwatch:
    """CPU seconds of the REPORT_MISMATCH recompute (consolidation), measured by wrapping the
    function the importer calls (benchmark instrumentation only). Stages 0–7 run in the worker
    processes: their CPU is what the workers report (`WorkerPool.cpu_seconds`, start-up
    included), which the parent's process time does not contain."""

    def __init__(self) -> None:
        self.spent = 0.0

    def install(self) -> None:
        original = importer_module.report_mismatches

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            c0 = time.process_time()
            try:
                return original(*args, **kwargs)
            finally:
                self.spent += time.process_time() - c0

        importer_module.report_mismatches = wrapper  # type: ignore[assignment]

    def take(self) -> float:
        spent, self.spent = self.spent, 0.0
        return spent


STOPWATCH = Stopwatch()


def measured(fn: Callable[[], Any]) -> tuple[float, float, float, float, Any]:
    """(wall, parent CPU, workers' CPU, REPORT_MISMATCH CPU, result) of one import run."""
    pool = shared_pool()
    workers0 = pool.cpu_seconds()
    STOPWATCH.take()
    wall, cpu, result = timed(fn)
    return wall, cpu, pool.cpu_seconds() - workers0, STOPWATCH.take(), result


def run(
    label: str,
    db: str | Path,
    folder: Path,
    bundles: list[tuple[str, Path, Path, str]],
    floor: tuple[float, float],
) -> None:
    services = province_store(db, folder, bundles)
    try:
        importer = ProvinceImportService(services.ctx, folder / "archive")
        files = [b[1] for b in bundles]
        dry = measured(lambda: importer.preview(files))
        assert all(r.code == "OK" for r in dry[4]), {r.code for r in dry[4]}
        com = measured(lambda: importer.commit(files))
        assert all(r.status == "committed" for r in com[4]), {r.code for r in com[4]}
        rows = sum(r.total["imported"] + r.total["deleted"] for r in com[4])
        print(f"{label}: {rows:,} records merged ({shared_pool().size} worker processes)")
        print(f"{'':24s}{'wall s':>9s}{'cpu s':>9s}{'workers':>9s}{'total':>9s}")
        for name, (wall, cpu, workers, report_check, _reports) in (
            ("dry run (preview)", dry),
            ("commit", com),
        ):
            total = cpu + workers
            print(
                f"  {name:22s}{wall:9.2f}{cpu:9.2f}{workers:9.2f}{total:9.2f}"
                f"   ×{wall / floor[0]:5.2f} wall  ×{total / floor[1]:5.2f} cpu (parent + workers)"
                f"   target ≤ 3× wall ({'met' if wall / floor[0] <= 3 else 'MISSED'})"
            )
            print(
                f"    cpu: parent {cpu:.2f} (×{cpu / floor[1]:.2f}) of which REPORT_MISMATCH recompute "
                f"{report_check:.2f} (×{report_check / floor[1]:.2f}); stages 0–7 in the workers "
                f"{workers:.2f} (×{workers / floor[1]:.2f})"
            )
    finally:
        services.close()


def scratch_database(server_url: URL) -> tuple[URL, Callable[[], None]]:
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    name = f"redcross_bench_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8'"))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return server_url.set(database=name), drop


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--communes", type=int, default=150)
    parser.add_argument("--records", type=int, default=1000)
    parser.add_argument("--keep", type=Path, help="copy the generated bundles here")
    args = parser.parse_args()
    STOPWATCH.install()
    folder = Path(tempfile.mkdtemp(prefix="redcross-province-bench-"))
    try:
        gen_wall, _cpu, bundles = timed(lambda: make_bundles(folder, args.communes, args.records))
        files = [b[1] for b in bundles]
        size = sum(p.stat().st_size for p in files)
        print(
            f"{len(files)} bundles × {args.records:,} records ({size / 1048576:.1f} MiB), written in {gen_wall:.1f} s"
        )
        read_calamine(files[:3])  # warm the reader
        cal_wall, cal_cpu, cells = timed(lambda: read_calamine(files))
        print(f"{'':24s}{'wall s':>9s}{'cpu s':>9s}")
        print(f"  {'python-calamine read':22s}{cal_wall:9.2f}{cal_cpu:9.2f}   ({cells:,} cells)")
        run("SQLite", folder / "sqlite" / "province.sqlite3", folder / "sqlite", bundles, (cal_wall, cal_cpu))
        pg = os.environ.get("REDCROSS_BENCH_PG_URL", "").strip()
        if pg:
            url, drop = scratch_database(make_url(pg))
            try:
                run(
                    "PostgreSQL",
                    url.render_as_string(hide_password=False),
                    folder / "pg",
                    bundles,
                    (cal_wall, cal_cpu),
                )
            finally:
                drop()
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            for path in files:
                shutil.copy(path, args.keep / path.name)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
