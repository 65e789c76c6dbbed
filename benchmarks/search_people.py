# SPDX-License-Identifier: MIT
"""People search on a large branch: the app's search service against the raw FTS5 query.

    uv run python benchmarks/search_people.py [--people 1000000] [--keep DIR]

Builds a store through the app's migrations, fills it with N people (keys computed by core.vn, as
the service does), then times typical officer queries: median and p95 latency per query for
`PeopleService.search` and for the bare `sqlite3` FTS5 MATCH returning the same ids, and the ratio.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import latencies_ms, summary  # noqa: E402
from redcross_desktop.bootstrap import init_store, open_store  # noqa: E402
from redcross_desktop.core.paths import AppPaths  # noqa: E402
from redcross_desktop.core.vn import fold, name_sort_key  # noqa: E402
from redcross_desktop.db.base import new_uuid  # noqa: E402
from redcross_desktop.db.repositories.people import search_terms  # noqa: E402

FAMILY = (
    ["Nguyễn"] * 38
    + ["Trần"] * 11
    + ["Lê"] * 9
    + ["Phạm"] * 7
    + ["Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý"] * 2
)
MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Ngọc", "Thanh", "Hữu", "Quang", "Thu", "Xuân"]
GIVEN = [
    "An",
    "Bình",
    "Cường",
    "Dũng",
    "Đức",
    "Giang",
    "Hà",
    "Hải",
    "Hạnh",
    "Hằng",
    "Hiếu",
    "Hoa",
    "Hùng",
    "Hương",
    "Huy",
    "Khánh",
    "Lan",
    "Linh",
    "Long",
    "Mai",
    "Nam",
    "Nga",
    "Ngân",
    "Phong",
    "Phúc",
    "Phương",
    "Quân",
    "Sơn",
    "Thảo",
    "Thắng",
    "Thành",
    "Thủy",
    "Trang",
    "Tuấn",
    "Uyên",
    "Việt",
    "Vinh",
    "Yến",
    "Ánh",
    "Ậu",
]
QUERIES = [
    "nguyen van duc",
    "nguyen",
    "tran thi h",
    "le",
    "pham minh",
    "duc",
    "hoang ngoc anh",
    "vu thanh thuy",
    "0912",
    "ng v",
    "bui xuan",
    "thi",
    "dang huu long",
    "0987654",
]


def fill(db: Path, people: int, seed: int) -> None:
    rng = random.Random(seed)
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA journal_mode = WAL")
    batch = []
    start = time.perf_counter()
    for i in range(people):
        ho, dem, ten = rng.choice(FAMILY), rng.choice(MIDDLE), rng.choice(GIVEN)
        full = f"{ho} {dem} {ten}"
        phone = f"09{rng.randrange(10**8):08d}"
        batch.append(
            (
                new_uuid(),
                "01-00070",
                full,
                ho,
                dem,
                ten,
                phone,
                f"{fold(full)} {phone}",
                name_sort_key(ho, dem, ten),
            )
        )
        if len(batch) == 50_000 or i == people - 1:
            conn.executemany(
                "INSERT INTO people (uuid, origin_branch, version, deleted, updated_at, full_name, ho, dem, ten, phone,"
                " email, thon, address, is_household_head, is_organisation, tax_code, contact_name, consent_status,"
                " consent_purposes, consent_recorded_by, blood_prior_donations, blood_prior_evidence, note,"
                " search_key, sort_key) VALUES (?, ?, 1, 0, '2026-01-01 00:00:00', ?, ?, ?, ?, ?, '', '', '', 0, 0,"
                " '', '', 'unknown', '', '', 0, '', '', ?, ?)",
                batch,
            )
            conn.commit()
            batch.clear()
    conn.execute("ANALYZE")
    conn.commit()
    conn.close()
    print(f"filled {people:,} people in {time.perf_counter() - start:.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--keep", type=Path, help="reuse/keep the store in this folder")
    args = parser.parse_args()
    root = args.keep or Path(tempfile.mkdtemp(prefix="rc-bench-search-"))
    paths = AppPaths.under(root).ensure()
    if not paths.database.exists():
        init_store(paths.database, paths, province="01", commune="00070").close()
        fill(paths.database, args.people, args.seed)
    services = open_store(paths.database, paths)
    raw = sqlite3.connect(paths.database)

    def raw_search(q: str) -> list[int]:
        match = " AND ".join(f'"{t}"*' for t in search_terms(q))
        rows = raw.execute(
            "SELECT p.id FROM people_fts JOIN people p ON p.id = people_fts.rowid "
            "WHERE people_fts MATCH ? AND p.deleted = 0 LIMIT 200",
            (match,),
        ).fetchall()
        ids = [r[0] for r in rows]
        marks = ",".join("?" * len(ids))
        return raw.execute(
            f"SELECT * FROM people WHERE id IN ({marks}) ORDER BY sort_key, id", ids
        ).fetchall()

    for q in QUERIES:  # warm the page cache for both
        services.people.search(q)
        raw_search(q)
    app_ms = latencies_ms(lambda q: services.people.search(q, limit=200), QUERIES, args.rounds)
    raw_ms = latencies_ms(raw_search, QUERIES, args.rounds)
    (app_med, app_p95), (raw_med, raw_p95) = summary(app_ms), summary(raw_ms)
    print(f"people: {services.people.count():,}; queries: {len(QUERIES)} x {args.rounds} rounds")
    print(f"app search   median {app_med:6.2f} ms   p95 {app_p95:6.2f} ms")
    print(f"raw sqlite3  median {raw_med:6.2f} ms   p95 {raw_p95:6.2f} ms")
    print(
        f"ratio app/raw: median {app_med / raw_med:.2f}x   p95 {app_p95 / raw_p95:.2f}x   (target p95 < 50 ms)"
    )
    for q in QUERIES:
        per = latencies_ms(lambda x: services.people.search(x, limit=200), [q], 5)
        print(f"  {q!r:22} hits {len(services.people.search(q)):4d}  median {summary(per)[0]:6.2f} ms")
    services.close()


if __name__ == "__main__":
    main()
