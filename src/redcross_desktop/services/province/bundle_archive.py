# SPDX-License-Identifier: MIT
"""The archive of imported bundles (bundle-format.md §11 "Audit": the original file kept read-only
under its SHA-256), written without an fsync on the import's critical path.

A bundle's file is written and fsynced in a background thread into a staging folder beside the
archive (`.<archive>.partial`) while the parent merges the bundle; just before the bundle's
transaction commits, the staged file is renamed into the archive (a rename, no data to flush).
What each failure leaves:

- a transaction that fails or is rolled back: its staged file is deleted, and an archive file it
  placed is removed (as before);
- a process killed before the rename: a staged file in the staging folder, never referenced by
  the database and not in the archive (deleted by a later import once a day old — a concurrent
  import's fresh staging file is never touched);
- a process killed between the rename and the commit: an archive file no bundle row names. It is
  the exact file under its own hash, so a re-import finds it and uses it: harmless.

The data is on disk before the commit that names it, as with an fsync per bundle: only the wait
for it moved off the critical path. Qt-free."""

from __future__ import annotations

import os
import time
import uuid
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

STALE_AFTER = 24 * 3600.0  # seconds: a staging file this old belongs to no running import


@dataclass
class Staged:
    """A bundle's file being written to the staging folder."""

    sha: str
    temp: Path
    written: Future[None]
    placed: bool = False


class BundleArchive:
    """One import run's archive writer (a context manager: `close` waits for its thread and
    removes the staging folder when it is empty)."""

    def __init__(self, archive_dir: Path) -> None:
        self.archive_dir = Path(archive_dir)
        self.staging = self.archive_dir.with_name(f".{self.archive_dir.name}.partial")
        self._writer: ThreadPoolExecutor | None = None

    def __enter__(self) -> BundleArchive:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def target(self, sha: str) -> Path:
        return self.archive_dir / f"{sha}.xlsx"

    def start(self, data: bytes, sha: str) -> Staged | None:
        """Starts writing `data` in the background; None when the archive already holds it."""
        if self.target(sha).is_file():
            return None
        if self._writer is None:
            self.staging.mkdir(parents=True, exist_ok=True)
            self._sweep()
            self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="bundle-archive")
        temp = self.staging / f"{sha}.{uuid.uuid4().hex}.tmp"
        return Staged(sha, temp, self._writer.submit(_write, temp, data))

    def place(self, staged: Staged | None, data: bytes, sha: str) -> tuple[Path, bool]:
        """The archived file, renamed into place now if it is not there yet: (path, placed now).
        Call right before the commit that names it."""
        target = self.target(sha)
        if target.is_file():
            return target, False
        if staged is None:  # not staged ahead (archive file removed meanwhile): write it now
            staged = self.start(data, sha)
            assert staged is not None
        staged.written.result()  # re-raises a write error: the transaction then does not commit
        self.archive_dir.mkdir(parents=True, exist_ok=True)
        os.replace(staged.temp, target)
        staged.placed = True
        return target, True

    def discard(self, staged: Staged | None) -> None:
        """Deletes a staged file that was not placed (the bundle was not archived after all)."""
        if staged is None or staged.placed:
            return
        try:
            staged.written.result()
        except OSError:
            pass
        _unlink(staged.temp)

    def close(self) -> None:
        if self._writer is not None:
            self._writer.shutdown(wait=True)
            self._writer = None
            try:
                self.staging.rmdir()  # only when empty: a killed import's leftovers stay for _sweep
            except OSError:
                pass

    def _sweep(self) -> None:
        cutoff = time.time() - STALE_AFTER
        for leftover in self.staging.glob("*.tmp"):
            try:
                if leftover.stat().st_mtime < cutoff:
                    _unlink(leftover)
            except OSError:
                pass


def _write(temp: Path, data: bytes) -> None:
    try:
        with temp.open("xb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        temp.chmod(0o444)
    except BaseException:
        _unlink(temp)
        raise


def _unlink(path: Path) -> None:
    try:
        path.chmod(0o644)  # read-only files cannot be deleted on Windows
        path.unlink(missing_ok=True)
    except FileNotFoundError:
        pass
