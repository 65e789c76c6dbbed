# SPDX-License-Identifier: MIT
"""A small persistent pool of worker processes, each running one job at a time under a deadline.

bundle-format.md §9 and §12 run stages 2–7 of an untrusted file in a child process with a timeout
(300 s): a parser that hangs or crashes on a crafted file then costs that file only, never the
import or the application. Keeping the workers alive between files (and between imports) pays
their start-up once, and lets the importer verify the next bundles while it merges the previous
one (`importer.py` consumes the results in input order, so the outcome never depends on timing).

- Start method 'spawn' on every platform: the GUI imports from a QThread, and forking a process
  that runs threads (Qt's, the database driver's) is unsafe. A packaged (frozen) application must
  call `multiprocessing.freeze_support()` first thing in its entry point.
- A worker does not re-import the parent's `__main__` (`_lean_start`): it needs only the job's
  module, while re-running the main module would import the whole GUI or CLI in every worker
  (measured: 2.4 s and 1.8 s of CPU against 0.2 s) and would re-run a script without a
  `if __name__ == "__main__"` guard.
- A job is a module-level function (pickled by reference) of one picklable argument. A job that
  raises, a worker that dies and a job past its deadline each give a failed `Outcome`; the worker
  is then discarded (killed if need be) and a fresh one started on the next submission.
- A worker that dies before it is ready (a broken installation) raises `WorkerStartError`: that is
  not the file's fault.
- Workers ignore SIGINT (Ctrl+C belongs to the parent) and exit when the parent closes their pipe
  or dies, so none outlives the application.
Qt-free."""

from __future__ import annotations

import itertools
import logging
import multiprocessing
import multiprocessing.spawn
import os
import pickle
import signal
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from typing import Any

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 300.0  # §12: parse (stages 2–7) in a child process, 300 s
START_TIMEOUT = 120.0  # a worker that is not ready by then is broken, not slow
_READY = b"ready"
_STOP = b""

Job = Callable[[Any], Any]


class WorkerStartError(RuntimeError):
    """A worker process died or hung before it could take a job (the installation is broken)."""


@dataclass(frozen=True)
class Outcome:
    """What became of one job: its value, or why there is none (`failure`: "timeout" — killed at
    the deadline, "crashed" — the worker died, with its exit code in `detail`, "error" — the job
    raised, with the traceback in `detail`)."""

    value: Any = None
    failure: str | None = None
    detail: str = ""


class _Worker:
    def __init__(self, process: BaseProcess, conn: Connection) -> None:
        self.process = process
        self.conn = conn
        self.ready = False
        self.cpu = 0.0  # the worker's own CPU seconds, as it last reported them

    def discard(self) -> None:
        """Ends the process (it may be hung) and reaps it."""
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self.conn.close()


@dataclass
class Ticket:
    """A submitted job: wait for it with `WorkerPool.result`, or give it up with `cancel`."""

    number: int
    worker: _Worker
    deadline: float
    done: bool = False


def _serve(conn: Connection, job: Job) -> None:
    """The worker's loop: one request in, one reply out, until the parent says stop or goes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    conn.send_bytes(_READY)
    while True:
        try:
            request = conn.recv_bytes()
        except (EOFError, OSError):
            return  # the parent is gone
        if request == _STOP:
            return
        number = -1
        try:
            number, payload = pickle.loads(request)
            reply = pickle.dumps((number, None, job(payload)), protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:  # the job's failure is reported, the worker stays usable
            reply = pickle.dumps((number, traceback.format_exc(), None), protocol=pickle.HIGHEST_PROTOCOL)
        try:
            conn.send_bytes(reply + _cpu_stamp())
        except (EOFError, OSError):
            return


def _retire(worker: _Worker) -> None:
    """Asks an idle worker to stop, then reaps it (killed if it does not stop in time)."""
    try:
        worker.conn.send_bytes(_STOP)
    except (EOFError, OSError):
        pass
    worker.process.join(timeout=5)
    worker.discard()


def _cpu_stamp() -> bytes:
    """The worker's CPU time so far (start-up included), appended to each reply for accounting."""
    return f"{time.process_time():020.6f}".encode("ascii")


_STAMP_LEN = len(_cpu_stamp())
_SPAWN_LOCK = threading.Lock()


@contextmanager
def _lean_start() -> Iterator[None]:
    """Starts processes without the parent's `__main__` in their preparation data (see the
    module docstring). `multiprocessing.spawn.get_preparation_data` is what both the POSIX and
    the Windows spawn launchers call to build that data; it is swapped only while our own
    `Process.start()` runs, under a lock."""
    original = multiprocessing.spawn.get_preparation_data

    def without_main(name: str) -> dict[str, Any]:
        data: dict[str, Any] = original(name)
        data.pop("init_main_from_name", None)
        data.pop("init_main_from_path", None)
        return data

    with _SPAWN_LOCK:
        multiprocessing.spawn.get_preparation_data = without_main
        try:
            yield
        finally:
            multiprocessing.spawn.get_preparation_data = original


class WorkerPool:
    """Up to `size` idle workers are kept for `job`; `submit` starts one when none is idle, so a
    caller that keeps at most `size` jobs in flight never waits for a worker. Thread-safe."""

    def __init__(self, job: Job, *, size: int | None = None, timeout: float = DEFAULT_TIMEOUT) -> None:
        self.job = job
        self.size = max(1, size if size is not None else min(os.cpu_count() or 1, 4))
        self.timeout = timeout
        self._idle: list[_Worker] = []
        self._busy: set[_Worker] = set()
        self._lock = threading.Lock()
        self._numbers = itertools.count(1)
        self._spent = 0.0  # CPU of workers no longer running
        self._closed = False
        self._owner = os.getpid()

    # ------------------------------------------------------------ jobs

    def submit(self, payload: Any) -> Ticket:
        request = pickle.dumps((number := next(self._numbers), payload), protocol=pickle.HIGHEST_PROTOCOL)
        for _attempt in range(2):
            worker = self._checkout()
            try:
                worker.conn.send_bytes(request)
            except (EOFError, OSError):  # died while idle: not this job's fault, use a fresh one
                self._drop(worker)
                continue
            return Ticket(number, worker, time.monotonic() + self.timeout)
        raise WorkerStartError("worker processes die as soon as they take a job")

    def result(self, ticket: Ticket) -> Outcome:
        """Waits for the job (at most until its deadline) and frees its worker."""
        if ticket.done:
            raise ValueError("result already taken")
        ticket.done = True
        worker = ticket.worker
        if not worker.ready:
            self._await_ready(worker)
            # The job started when the worker was ready: its start-up does not count against it.
            ticket.deadline = max(ticket.deadline, time.monotonic() + self.timeout)
        remaining = max(0.0, ticket.deadline - time.monotonic())
        ready = wait([worker.conn, worker.process.sentinel], timeout=remaining)
        if worker.conn in ready:
            try:
                blob = worker.conn.recv_bytes()
            except (EOFError, OSError):
                blob = b""
            if blob:
                worker.cpu = float(blob[-_STAMP_LEN:])
                number, error, value = pickle.loads(blob[:-_STAMP_LEN])
                if number != ticket.number:
                    error = error or f"reply to job {number} for job {ticket.number}"
                self._checkin(worker)
                return Outcome(value) if error is None else Outcome(failure="error", detail=error)
        if ready:  # the process ended without a reply
            self._drop(worker)
            return Outcome(failure="crashed", detail=f"exit code {worker.process.exitcode}")
        self._drop(worker)
        return Outcome(failure="timeout", detail=f"{self.timeout:g} s")

    def cancel(self, ticket: Ticket) -> None:
        """Gives up a job whose result is not wanted any more (its worker is killed: a result
        left in its pipe would be taken for the next job's)."""
        if not ticket.done:
            ticket.done = True
            self._drop(ticket.worker)

    def cpu_seconds(self) -> float:
        """CPU time used by this pool's workers so far, start-up included, as they reported it
        with their replies (for benchmarks: it is not in the parent's process time)."""
        with self._lock:
            live = [*self._idle, *self._busy]
            return self._spent + sum(w.cpu for w in live)

    def close(self) -> None:
        """Stops every worker (busy ones are killed)."""
        self._forget_inherited()
        with self._lock:
            self._closed = True
            idle, busy = self._idle, list(self._busy)
            self._idle, self._busy = [], set()
        for worker in idle:
            _retire(worker)
        for worker in busy:
            worker.discard()

    # ------------------------------------------------------------ workers

    def _forget_inherited(self) -> None:
        """In a process forked from the pool's owner (a test's process pool, a library that
        forks), the workers belong to the parent: this process only closes its copies of their
        pipes (so they still see the parent go) and starts its own."""
        with self._lock:
            if self._owner == os.getpid():
                return
            for worker in [*self._idle, *self._busy]:
                worker.conn.close()
            self._idle, self._busy = [], set()
            self._owner = os.getpid()

    def _checkout(self) -> _Worker:
        self._forget_inherited()
        with self._lock:
            if self._closed:
                raise RuntimeError("worker pool closed")
            while self._idle:
                worker = self._idle.pop()
                if worker.process.is_alive():
                    self._busy.add(worker)
                    return worker
                self._spent += worker.cpu
                worker.discard()  # died while idle (killed from outside)
        worker = self._start()
        with self._lock:
            self._busy.add(worker)
        return worker

    def _checkin(self, worker: _Worker) -> None:
        with self._lock:
            self._busy.discard(worker)
            if not self._closed and len(self._idle) < self.size:
                self._idle.append(worker)
                return
            self._spent += worker.cpu
        _retire(worker)

    def _drop(self, worker: _Worker) -> None:
        with self._lock:
            self._busy.discard(worker)
            self._spent += worker.cpu
        worker.discard()

    def _start(self) -> _Worker:
        context = multiprocessing.get_context("spawn")
        ours, theirs = context.Pipe(duplex=True)
        process = context.Process(
            target=_serve, args=(theirs, self.job), daemon=True, name="redcross-verifier"
        )
        with _lean_start():
            process.start()
        theirs.close()  # only the worker holds its end now: its death closes the pipe for us
        return _Worker(process, ours)

    def _await_ready(self, worker: _Worker) -> None:
        if wait([worker.conn], timeout=START_TIMEOUT):
            try:
                if worker.conn.recv_bytes() == _READY:
                    worker.ready = True
                    return
            except (EOFError, OSError):
                pass
        code = worker.process.exitcode
        self._drop(worker)
        raise WorkerStartError(f"a verifier process could not start (exit code {code})")
