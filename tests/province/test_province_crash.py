# SPDX-License-Identifier: MIT
"""A province import killed in the middle of its merge (issue 5 "done when"): a child process runs
`commit` on a bundle and SIGKILLs itself after its second write to the merged records (a hook the
test installs in the child only), so the kill lands deterministically between two statements of
the merge. The province database is then exactly as before, no archive file was left, and running
the import again succeeds."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from datetime import date
from pathlib import Path

from province_helpers import P1, P2, CommuneFactory, Province

CHILD = r"""
import os, signal, sys
from pathlib import Path

from sqlalchemy import event

from redcross_desktop.bootstrap import open_store
from redcross_desktop.core.paths import AppPaths
from redcross_desktop.services.province.importer import ProvinceImportService

url, root, archive, bundle, kill_after = sys.argv[1:6]
services = open_store(url, AppPaths.under(Path(root)).ensure(), actor="can-bo-tinh")
writes = 0
MERGE = ("INSERT INTO PROVINCE_RECORDS", "UPDATE PROVINCE_RECORDS", "INSERT INTO PROVINCE_RECORD_HISTORY")


@event.listens_for(services.engine, "after_cursor_execute")
def _count(conn, cursor, statement, parameters, context, executemany):
    global writes
    if statement.lstrip().upper().startswith(MERGE):
        writes += 1
        if writes >= int(kill_after):
            os.kill(os.getpid(), signal.SIGKILL)


ProvinceImportService(services.ctx, Path(archive)).commit([Path(bundle)])
print("finished without being killed")
"""


def test_import_killed_mid_merge_leaves_the_store_as_before(
    province: Province, communes: CommuneFactory, tmp_path: Path
) -> None:
    commune = communes.make("00073")
    commune.register(province)
    gifts = [commune.donate(date(2026, 2, 1 + i), 10_000 * (i + 1)) for i in range(3)]
    talk = commune.activity(date(2026, 2, 10), "Tập huấn")
    province.importer.commit([commune.export(P1).path])
    commune.correct_donation(gifts[0], 55_000)
    commune.delete_activity(talk)
    commune.donate(date(2026, 3, 2), 7_000)
    bundle = commune.export(P2).path
    before = province.dump()
    archived = province.archived()

    script = tmp_path / "child.py"
    script.write_text(CHILD, encoding="utf-8")
    child = subprocess.run(
        [
            sys.executable,
            str(script),
            province.url,
            str(tmp_path / "child"),
            str(province.archive_dir),
            str(bundle),
            "2",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    assert child.returncode == -signal.SIGKILL, child.stdout + child.stderr
    assert "finished" not in child.stdout

    assert province.dump() == before
    assert province.archived() == archived
    report = province.importer.commit([bundle])[0]
    assert (report.status, report.code) == ("committed", "OK")
    assert report.sheets["donations"]["updated"] == 1 and report.sheets["donations"]["imported"] == 1
    assert report.sheets["activities"]["deleted"] == 1
    record = province.record("donations", commune.uuid_of_donation(gifts[0]))
    assert record is not None and json.loads(record.data)["cash_vnd"] == "55000"
    assert len(province.archived()) == len(archived) + 1
