# SPDX-License-Identifier: MIT
"""Signed bundle export and verify against the fastest raw writer and reader of the same cells.

    uv run python benchmarks/bundle_export_verify.py [--records 100000] [--keep DIR]

Builds a commune branch of `--records` bundle records (bulk insert through SQLAlchemy core), then in
one run times: our export (BundleService.export: snapshot, versions, seq, write, self-verify) against
xlsxwriter constant_memory writing the same cells (openpyxl write-only for reference), and our verify
against python-calamine reading the same file (openpyxl read-only for reference). Issue 4 targets:
export ≤ 1.5× the fastest raw writer, verify ≤ 2× the fastest raw reader. Times are best of
`--repeat` runs, wall clock and process CPU (the machine may be shared). Verify turns the cycle
collector off while it runs; a calamine read with it off too is printed for reference.
"""

from __future__ import annotations

import argparse
import gc
import random
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

import openpyxl  # noqa: E402
import uuid6  # noqa: E402
import xlsxwriter  # noqa: E402
from python_calamine import CalamineWorkbook  # noqa: E402
from sqlalchemy import insert  # noqa: E402

from redcross_desktop.bootstrap import init_store  # noqa: E402
from redcross_desktop.core.paths import AppPaths  # noqa: E402
from redcross_desktop.db.engine import store_url  # noqa: E402
from redcross_desktop.db.migrate import upgrade_database  # noqa: E402
from redcross_desktop.db.models import (  # noqa: E402
    Activity,
    BloodDonation,
    Donation,
    DuesPayment,
    Membership,
    Person,
    ReliefRecord,
)
from redcross_desktop.services.bundles import BundleService  # noqa: E402
from redcross_desktop.sync.verify import verify_bundle  # noqa: E402

PASS = "mat-khau-chi-hoi"
HO = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi"]
DEM = ["Văn", "Thị", "Hữu", "Ngọc", "Minh", "Thanh"]
TEN = ["An", "Bình", "Cường", "Dũng", "Hoa", "Lan", "Hùng", "Mai", "Tâm", "Yến"]
THON = ["Thôn Đông", "Thôn Tây", "Thôn Nam", "Thôn Bắc", "Tổ dân phố 5"]


def best(fn: Callable[[], Any], repeat: int) -> tuple[float, float, Any]:
    wall = cpu = float("inf")
    result = None
    for _ in range(repeat):
        w0, c0 = time.perf_counter(), time.process_time()
        result = fn()
        wall, cpu = min(wall, time.perf_counter() - w0), min(cpu, time.process_time() - c0)
    return wall, cpu, result


def build_branch(folder: Path, records: int) -> Any:
    paths = AppPaths.under(folder).ensure()
    upgrade_database(store_url(paths.database), backup_dir=paths.backup_dir)
    services = init_store(
        paths.database,
        paths,
        province="01",
        commune="00070",
        actor="benchmark",
        chair_name="Nguyễn Thị Hoa",
        officer_name="Trần Văn Nam",
    )
    rng = random.Random(7)
    now = datetime.now(UTC).replace(tzinfo=None)
    branch = services.branch.branch_code

    def env(i: int) -> dict[str, Any]:
        return {
            "uuid": str(uuid6.uuid7()),
            "origin_branch": branch,
            "version": 1,
            "deleted": i % 97 == 0,
            "updated_at": now - timedelta(minutes=i),
        }

    n_people = records // 5
    counts = {
        "donations": records * 2 // 5,
        "relief": records // 5,
        "blood": records // 10,
        "members": records // 10,
        "activities": records - records * 2 // 5 - records // 5 - records // 10 * 2,
    }
    with services.ctx.sessions.begin() as s:
        s.execute(
            insert(Person),
            [
                {
                    **env(i),
                    "ho": rng.choice(HO),
                    "dem": rng.choice(DEM),
                    "ten": rng.choice(TEN),
                    "full_name": f"{rng.choice(HO)} {rng.choice(DEM)} {rng.choice(TEN)}",
                    "sex": rng.choice("MF"),
                    "birth_year": rng.randint(1950, 2005),
                    "phone": f"09{rng.randint(10_000_000, 99_999_999)}",
                    "thon": rng.choice(THON),
                    "deleted": False,
                }
                for i in range(n_people)
            ],
        )
        days = [date(2025, 1, 1) + timedelta(days=d) for d in range(450)]
        s.execute(
            insert(Donation),
            [
                {
                    **env(i),
                    "receipt_year": 2026,
                    "receipt_no": i + 1,
                    "received_on": rng.choice(days),
                    "donor_id": rng.randint(1, n_people) if i % 7 else None,
                    "channel": rng.choice(["cash", "transfer", "box"]),
                    "cash_vnd": rng.randint(1, 500) * 10_000,
                    "status": "valid" if i % 50 else "void",
                    "void_reason": "" if i % 50 else "Ghi nhầm số tiền",
                }
                for i in range(counts["donations"])
            ],
        )
        s.execute(
            insert(ReliefRecord),
            [
                {
                    **env(i),
                    "given_on": rng.choice(days),
                    "person_id": rng.randint(1, n_people),
                    "kind": "emergency",
                    "groups": "poor,disabled",
                    "cash_vnd": 500_000,
                    "people_covered": 1,
                    "programme": "Cứu trợ lũ",
                }
                for i in range(counts["relief"])
            ],
        )
        s.execute(
            insert(BloodDonation),
            [
                {
                    **env(i),
                    "person_id": rng.randint(1, n_people),
                    "donated_on": rng.choice(days),
                    "kind": "whole",
                    "ml": rng.choice([250, 350, 450]),
                }
                for i in range(counts["blood"])
            ],
        )
        s.execute(
            insert(Membership),
            [
                {**env(i), "person_id": i % n_people + 1, "category": "member", "joined_on": date(2020, 1, 1)}
                for i in range(counts["members"])
            ],
        )
        s.execute(
            insert(DuesPayment),
            [
                {
                    **env(i),
                    "membership_id": i + 1,
                    "paid_on": date(2026, 1, 5),
                    "first_month": "2026-01",
                    "months": 3,
                    "amount_vnd": 3_000,
                }
                for i in range(counts["members"])
            ],
        )
        s.execute(
            insert(Activity),
            [
                {
                    **env(i),
                    "type": "communication",
                    "title": f"Tuyên truyền số {i}",
                    "start_date": rng.choice(days),
                    "participants": rng.randint(10, 200),
                }
                for i in range(counts["activities"])
            ],
        )
    services.keys.ensure(PASS)
    return services


def read_cells(path: Path) -> list[tuple[str, str, list[list[Any]]]]:
    """Every sheet's cells (title, state, rows) of the exported file: what the raw writers write."""
    wb = openpyxl.load_workbook(path, read_only=True)
    states = {ws.title: ws.sheet_state for ws in wb.worksheets}
    cal = CalamineWorkbook.from_path(str(path))
    out = []
    for name in cal.sheet_names:
        rows = [
            [None if v == "" else (int(v) if isinstance(v, float) else v) for v in row]
            for row in cal.get_sheet_by_name(name).to_python(skip_empty_area=False)
        ]
        out.append((name, states[name], rows))
    return out


def write_xlsxwriter(path: Path, sheets: list[tuple[str, str, list[list[Any]]]]) -> None:
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    for title, state, rows in sheets:
        ws = wb.add_worksheet(title)
        if state == "veryHidden":
            ws.very_hidden()
        write_string, write_number = ws.write_string, ws.write_number
        for r, row in enumerate(rows):
            for c, v in enumerate(row):
                if v is None:
                    continue
                if type(v) is str:
                    write_string(r, c, v)
                else:
                    write_number(r, c, v)
    wb.close()


def write_openpyxl(path: Path, sheets: list[tuple[str, str, list[list[Any]]]]) -> None:
    wb = openpyxl.Workbook(write_only=True)
    for title, state, rows in sheets:
        ws = wb.create_sheet(title)
        ws.sheet_state = state
        for row in rows:
            ws.append(row)
    wb.save(path)


def read_calamine(path: Path, collect: bool = True) -> int:
    """Every sheet's values; `collect=False` turns the cycle collector off meanwhile, as verify does,
    for reference (verify's ratio is against the plain read)."""
    enabled = gc.isenabled()
    if not collect:
        gc.disable()
    try:
        wb = CalamineWorkbook.from_path(str(path))
        return sum(len(wb.get_sheet_by_name(n).to_python(skip_empty_area=False)) for n in wb.sheet_names)
    finally:
        if enabled:
            gc.enable()


def read_openpyxl(path: Path) -> int:
    wb = openpyxl.load_workbook(path, read_only=True, data_only=False, keep_links=False)
    count = 0
    for ws in wb.worksheets:
        ws.reset_dimensions()
        for row in ws.iter_rows(values_only=True):
            count += len(row)
    return count


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--keep", type=Path)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bundle-bench-"))
    try:
        t0 = time.perf_counter()
        services = build_branch(folder / "store", args.records)
        print(f"branch of {args.records:,} records built in {time.perf_counter() - t0:.1f} s")
        bundles = BundleService(services.ctx)
        out = folder / "bundle.xlsx"
        cold_wall, cold_cpu, result = best(lambda: bundles.export("2026-03", out, PASS), 1)
        export_wall, export_cpu, result = best(lambda: bundles.export("2026-03", out, PASS), args.repeat)
        export_wall, export_cpu = max(export_wall, cold_wall), max(export_cpu, cold_cpu)
        print(f"bundle rows: {result.rows}, file {out.stat().st_size / 1048576:.1f} MiB")
        sheets = read_cells(out)
        cells = sum(1 for _t, _s, rows in sheets for row in rows for v in row if v is not None)
        xw_wall, xw_cpu, _ = best(lambda: write_xlsxwriter(folder / "xw.xlsx", sheets), args.repeat)
        op_wall, op_cpu, _ = best(lambda: write_openpyxl(folder / "op.xlsx", sheets), 1)
        # The writers' copy of every cell would otherwise stay alive and make each cycle collection
        # during the reads below walk 1.8 million extra objects, slowing the raw readers most.
        sheets.clear()
        gc.collect()
        verify_bundle(out)  # warm imports
        ver_wall, ver_cpu, verdict = best(lambda: verify_bundle(out), args.repeat)
        assert verdict.code == "OK", verdict.code
        cal_wall, cal_cpu, _ = best(lambda: read_calamine(out), args.repeat)
        calx_wall, calx_cpu, _ = best(lambda: read_calamine(out, collect=False), args.repeat)
        opr_wall, opr_cpu, _ = best(lambda: read_openpyxl(out), 1)
        print(f"cells written/read: {cells:,}")
        print(f"{'':34s}{'wall s':>9s}{'cpu s':>9s}")
        for label, wall, cpu in (
            ("export (ours, first run)", cold_wall, cold_cpu),
            ("export (ours, worst of runs)", export_wall, export_cpu),
            ("xlsxwriter constant_memory", xw_wall, xw_cpu),
            ("openpyxl write-only (reference)", op_wall, op_cpu),
            ("verify (ours)", ver_wall, ver_cpu),
            ("python-calamine read", cal_wall, cal_cpu),
            ("python-calamine, no cycle GC (ref.)", calx_wall, calx_cpu),
            ("openpyxl read-only (reference)", opr_wall, opr_cpu),
        ):
            print(f"{label:34s}{wall:9.2f}{cpu:9.2f}")
        fastest_writer = min(xw_wall, op_wall), min(xw_cpu, op_cpu)
        ratios = {
            "export / fastest writer": (export_wall / fastest_writer[0], export_cpu / fastest_writer[1], 1.5),
            "verify / fastest reader": (
                ver_wall / min(cal_wall, opr_wall),
                ver_cpu / min(cal_cpu, opr_cpu),
                2.0,
            ),
        }
        for label, (wall_ratio, cpu_ratio, target) in ratios.items():
            verdict_text = "met" if cpu_ratio <= target else "MISSED"
            print(f"{label:34s}{wall_ratio:9.2f}{cpu_ratio:9.2f}  target ≤ {target} ({verdict_text}, cpu)")
        services.close()
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            shutil.copy(out, args.keep / out.name)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
