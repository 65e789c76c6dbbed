# SPDX-License-Identifier: MIT
"""Test-only verifier jobs for the worker pool: the real `verification.verify_job`, except for the
files named by their SHA-256, on which the worker process dies (`os._exit`) or hangs for good.
They run in real worker processes (pickled by reference: this module is on the test's sys.path,
which spawn hands to the workers); nothing of the pool is replaced."""

from __future__ import annotations

import hashlib
import os
import sys
import threading
from typing import Any

from redcross_desktop.services.province.verification import PreparedBundle, VerifyRequest, verify_job

CRASH_EXIT_CODE = 71


def faulty_verify(
    request: VerifyRequest, *, crash: frozenset[str] = frozenset(), hang: frozenset[str] = frozenset()
) -> PreparedBundle:
    sha = hashlib.sha256(request.data).hexdigest()
    if sha in crash:
        os._exit(CRASH_EXIT_CODE)  # as a parser crashing the interpreter would: no reply, no cleanup
    if sha in hang:
        threading.Event().wait()  # never set: the worker hangs until it is killed
    return verify_job(request)


def raising(payload: Any) -> Any:
    raise ValueError(f"cannot handle {payload!r}")


def echo(payload: Any) -> Any:
    """The payload back; the worker dies on "crash"."""
    if payload == "crash":
        os._exit(CRASH_EXIT_CODE)
    return payload


HEAVY = ("pytest", "sqlalchemy", "PySide6", "redcross_desktop.db.models")


def loaded(_payload: Any) -> tuple[list[str], str | None]:
    """Which of the parent's heavy modules the worker has loaded, and the file its `__main__`
    runs (None: the parent's main module was not re-run)."""
    return [m for m in HEAVY if m in sys.modules], getattr(sys.modules["__main__"], "__file__", None)


INHERITED: list[Any] = []  # a pool the test leaves here for a forked child to find


def use_inherited_pool(payload: Any) -> Any:
    """In a forked child: a job through the pool inherited from the parent process."""
    pool = INHERITED[0]
    return pool.result(pool.submit(payload)).value
