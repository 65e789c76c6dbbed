# SPDX-License-Identifier: MIT
"""Bulk import of 100,000 template rows against raw `sqlite3.executemany` of the same records.

    uv run python benchmarks/records_import.py [--rows 100000] [--keep DIR]

Writes a filled template (half people, a third donations, the rest members), then times, on fresh
copies of one migrated branch store:
  - reading the workbook (`RecordsImportService.read`: openpyxl, hardened, typed values);
  - `commit_workbook`: every rule, person resolution, receipt numbering, the bulk inserts, the
    `import_rows` bookkeeping and the audit row, in one transaction;
  - raw `sqlite3.executemany` inserting the same people, donations and memberships (values already
    computed, one transaction).
The target is commit <= 3x raw (the file parse is reported separately: it is the same whatever
the write path does).
"""

from __future__ import annotations

import argparse
import random
import shutil
import sqlite3
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from openpyxl import Workbook  # noqa: E402

from redcross_desktop.bootstrap import init_store, open_store  # noqa: E402
from redcross_desktop.core.paths import AppPaths  # noqa: E402
from redcross_desktop.services.records_import import RecordsImportService  # noqa: E402
from redcross_desktop.sheets.template_spec import records_template  # noqa: E402

HO = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô"]
DEM = ["Văn", "Thị", "Đức", "Minh", "Ngọc", "Thanh", "Hữu", "Quang", "Thu", "Xuân"]
TEN = [
    "An",
    "Bình",
    "Cường",
    "Dũng",
    "Đức",
    "Hà",
    "Hải",
    "Hằng",
    "Hoa",
    "Hùng",
    "Hương",
    "Lan",
    "Linh",
    "Nam",
]


def write_workbook(path: Path, rows: int, seed: int) -> None:
    spec = records_template()
    rng = random.Random(seed)
    today = date.today()
    n_people, n_donations = rows // 2, rows // 3
    n_members = rows - n_people - n_donations
    wb = Workbook(write_only=True)
    data = {
        "people": (
            [
                f"P{i}",
                f"{rng.choice(HO)} {rng.choice(DEM)} {rng.choice(TEN)}",
                rng.choice(["Nam", "Nữ"]),
                None,
                rng.randint(1950, 2005),
                None,
                f"09{rng.randrange(10**8):08d}",
                f"Tổ {rng.randint(1, 20)}",
                None,
                None,
                None,
            ]
            for i in range(n_people)
        ),
        "donations": (
            [
                (today - timedelta(days=rng.randint(0, 700))).strftime("%d/%m/%Y"),
                f"P{rng.randrange(n_people)}" if i % 5 else None,
                None,
                "Tiền mặt",
                rng.choice([100_000, 200_000]),
                None,
            ]
            for i in range(n_donations)
        ),
        "members": (
            [
                f"P{i}",
                "Hội viên",
                f"HV{i:06d}",
                (today - timedelta(days=rng.randint(30, 3000))).strftime("%d/%m/%Y"),
                None,
            ]
            for i in range(n_members)
        ),
    }
    for sheet in spec.sheets:
        ws = wb.create_sheet(sheet.title)
        ws.append([c.header for c in sheet.columns])
        for row in data.get(sheet.key, ()):
            ws.append(row)
    wb.save(path)


def raw_insert(
    db: Path,
    people: list[tuple[object, ...]],
    donations: list[tuple[object, ...]],
    members: list[tuple[object, ...]],
) -> float:
    conn = sqlite3.connect(db, isolation_level=None)
    start = time.perf_counter()
    conn.execute("BEGIN IMMEDIATE")
    cols = ", ".join(f"[{c}]" for c in PEOPLE_COLUMNS)
    conn.executemany(f"INSERT INTO people ({cols}) VALUES ({', '.join('?' * len(PEOPLE_COLUMNS))})", people)
    ids = [r[0] for r in conn.execute("SELECT id FROM people ORDER BY id")]
    cols = ", ".join(f"[{c}]" for c in DONATION_COLUMNS)
    conn.executemany(
        f"INSERT INTO donations ({cols}) VALUES ({', '.join('?' * len(DONATION_COLUMNS))})",
        [d[:-1] + (ids[d[-1]] if d[-1] is not None else None,) for d in donations],
    )
    cols = ", ".join(f"[{c}]" for c in MEMBER_COLUMNS)
    conn.executemany(
        f"INSERT INTO memberships ({cols}) VALUES ({', '.join('?' * len(MEMBER_COLUMNS))})",
        [m[:-1] + (ids[m[-1]],) for m in members],
    )
    conn.execute("COMMIT")
    elapsed = time.perf_counter() - start
    conn.close()
    return elapsed


PEOPLE_COLUMNS: list[str] = []
DONATION_COLUMNS: list[str] = []
MEMBER_COLUMNS: list[str] = []


def snapshot(db: Path) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]], list[tuple[object, ...]]]:
    """The rows the import wrote, as plain tuples (person foreign keys as positions), to insert raw."""
    conn = sqlite3.connect(db)
    global PEOPLE_COLUMNS, DONATION_COLUMNS, MEMBER_COLUMNS
    PEOPLE_COLUMNS = [r[1] for r in conn.execute("PRAGMA table_info(people)") if r[1] != "id"]
    DONATION_COLUMNS = [
        r[1] for r in conn.execute("PRAGMA table_info(donations)") if r[1] not in ("id", "donor_id")
    ]
    DONATION_COLUMNS.append("donor_id")
    MEMBER_COLUMNS = [
        r[1] for r in conn.execute("PRAGMA table_info(memberships)") if r[1] not in ("id", "person_id")
    ]
    MEMBER_COLUMNS.append("person_id")
    position = {row[0]: i for i, row in enumerate(conn.execute("SELECT id FROM people ORDER BY id"))}
    people = [tuple(r) for r in conn.execute(f"SELECT {', '.join(PEOPLE_COLUMNS)} FROM people ORDER BY id")]
    donations = [
        tuple(r[:-1]) + (position.get(r[-1]),)
        for r in conn.execute(f"SELECT {', '.join(DONATION_COLUMNS)} FROM donations ORDER BY id")
    ]
    members = [
        tuple(r[:-1]) + (position[r[-1]],)
        for r in conn.execute(f"SELECT {', '.join(MEMBER_COLUMNS)} FROM memberships ORDER BY id")
    ]
    conn.close()
    return people, donations, members


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", type=Path, help="keep the stores and the workbook in this folder")
    args = parser.parse_args()
    root = args.keep or Path(tempfile.mkdtemp(prefix="rc-bench-import-"))
    base = AppPaths.under(root / "base").ensure()
    if not base.database.exists():
        init_store(base.database, base, province="01", commune="00070").close()
    workbook = root / "danh-sach.xlsx"
    start = time.perf_counter()
    write_workbook(workbook, args.rows, args.seed)
    print(f"wrote {args.rows:,} rows to {workbook.name} in {time.perf_counter() - start:.1f} s")

    app = AppPaths.under(root / "app").ensure()
    shutil.copy(base.database, app.database)
    services = open_store(app.database, app)
    importer = RecordsImportService(services.ctx)
    start = time.perf_counter()
    parsed = importer.read(workbook)
    read_s = time.perf_counter() - start
    start = time.perf_counter()
    report = importer.commit_workbook(parsed)
    commit_s = time.perf_counter() - start
    services.close()
    assert report.total_to_create == args.rows, report.describe()

    raw = AppPaths.under(root / "raw").ensure()
    shutil.copy(base.database, raw.database)
    people, donations, members = snapshot(app.database)
    raw_s = raw_insert(raw.database, people, donations, members)

    print(f"read workbook        {read_s:7.2f} s")
    print(f"commit (rules+write) {commit_s:7.2f} s")
    print(f"raw executemany      {raw_s:7.2f} s")
    print(f"commit / raw         {commit_s / raw_s:7.2f} x  (target <= 3)")
    if not args.keep:
        shutil.rmtree(root)


if __name__ == "__main__":
    main()
