# SPDX-License-Identifier: MIT
"""The archive of imported bundles is written off the import's critical path (bundle_archive.py):
each file is written and fsynced in a background thread into a staging folder beside the archive
while its bundle merges, and renamed into the archive right before the commit that records it.
These tests pin what every outcome leaves on disk, including an import killed between that rename
and its commit (a real child process, as in test_province_crash.py)."""

from __future__ import annotations

import hashlib
import os
import signal
import stat
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

from province_helpers import P1, CommuneFactory, Province

from redcross_desktop.services.province.bundle_archive import STALE_AFTER, BundleArchive


def sha_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_a_staged_file_is_placed_read_only_and_the_staging_folder_goes(tmp_path: Path) -> None:
    data = b"the bundle's bytes"
    sha = sha_of(data)
    with BundleArchive(tmp_path / "archive") as archive:
        staged = archive.start(data, sha)
        assert staged is not None and staged.temp.parent == tmp_path / ".archive.partial"
        target, placed = archive.place(staged, data, sha)
        archive.discard(staged)  # a placed file is not discarded
    assert placed and target == tmp_path / "archive" / f"{sha}.xlsx"
    assert target.read_bytes() == data and stat.S_IMODE(target.stat().st_mode) == 0o444
    assert [p.name for p in tmp_path.iterdir()] == ["archive"]  # the empty staging folder is removed

    with BundleArchive(tmp_path / "archive") as again:  # already archived: nothing is written again
        assert again.start(data, sha) is None
        assert again.place(None, data, sha) == (target, False)
    assert [p.name for p in (tmp_path / "archive").iterdir()] == [target.name]


def test_discarded_and_day_old_staging_files_are_removed(tmp_path: Path) -> None:
    staging = tmp_path / ".archive.partial"
    staging.mkdir()
    old = staging / "a.dead-import.tmp"  # left by an import killed yesterday
    old.write_bytes(b"old")
    day_ago = time.time() - STALE_AFTER - 60
    os.utime(old, (day_ago, day_ago))
    fresh = staging / "b.running-import.tmp"  # another import's file, being written now
    fresh.write_bytes(b"fresh")
    data = b"not archived after all"
    with BundleArchive(tmp_path / "archive") as archive:
        staged = archive.start(data, sha_of(data))
        assert staged is not None
        archive.discard(staged)
    assert sorted(p.name for p in staging.iterdir()) == [fresh.name]
    assert not (tmp_path / "archive").exists()


CHILD = r"""
import os, signal, sys
from pathlib import Path

from sqlalchemy import event

from redcross_desktop.bootstrap import open_store
from redcross_desktop.core.paths import AppPaths
from redcross_desktop.services.province.importer import ProvinceImportService

url, root, archive, bundle = sys.argv[1:5]
services = open_store(url, AppPaths.under(Path(root)).ensure(), actor="can-bo-tinh")


@event.listens_for(services.engine, "before_cursor_execute")
def _kill(conn, cursor, statement, parameters, context, executemany):
    # The bundle's own row is the last write before COMMIT, after its file went into the archive.
    if statement.lstrip().upper().startswith("INSERT INTO IMPORTED_BUNDLES"):
        os.kill(os.getpid(), signal.SIGKILL)


ProvinceImportService(services.ctx, Path(archive)).commit([Path(bundle)])
print("finished without being killed")
"""


def test_import_killed_after_archiving_before_its_commit(
    province: Province, communes: CommuneFactory, tmp_path: Path
) -> None:
    """The database is exactly as before; the archive holds the bundle's file, named by no row: the
    exact file under its own hash, which the next import of the bundle finds and records."""
    commune = communes.make("00073")
    commune.register(province)
    commune.donate(date(2026, 2, 3), 100_000)
    bundle = commune.export(P1).path
    sha = sha_of(bundle.read_bytes())
    before = province.dump()

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
        ],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    assert child.returncode == -signal.SIGKILL, child.stdout + child.stderr
    assert "finished" not in child.stdout

    assert province.dump() == before
    assert province.archived() == [f"{sha}.xlsx"]
    [report] = province.importer.commit([bundle])
    assert (report.status, report.code) == ("committed", "OK")
    assert province.archived() == [f"{sha}.xlsx"]
    [row] = province.importer.history()
    assert Path(row.archive_path) == province.archive_dir / f"{sha}.xlsx" and row.file_sha256 == sha
