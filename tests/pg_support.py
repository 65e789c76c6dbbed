# SPDX-License-Identifier: MIT
"""PostgreSQL for the tests (issue 5: the province test set and the migrations run on SQLite and on
PostgreSQL). `REDCROSS_TEST_PG_URL` names a database on a server where the role may create
databases; `scripts/ci_postgres.sh` starts such a server and prints the variable.

Without the variable a PostgreSQL test is skipped on a developer's machine and FAILS in CI (the
environment variable `CI` is set), so a CI that silently lost its server cannot pass.

Importable as `pg_support` from any test: `tests/` is on `sys.path` because `tests/conftest.py`
lives there (pytest's default "prepend" import mode, as for `tests/sync/bundle_helpers.py`).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import URL, create_engine, make_url, text

PG_ENV = "REDCROSS_TEST_PG_URL"
SKIP_REASON = "PostgreSQL not configured (set REDCROSS_TEST_PG_URL)"
TEMPLATE_DB = "redcross_template"


def pg_url() -> URL:
    """The configured server URL; skips outside CI and fails in CI when it is missing."""
    value = os.environ.get(PG_ENV, "").strip()
    if not value:
        if os.environ.get("CI"):
            pytest.fail(
                f"{PG_ENV} is not set although CI is: the PostgreSQL half of the province tests "
                'cannot run. Start a server with `eval "$(scripts/ci_postgres.sh)"` before pytest.',
                pytrace=False,
            )
        pytest.skip(SKIP_REASON)
    url = make_url(value)
    if url.get_backend_name() != "postgresql":
        pytest.fail(f"{PG_ENV} must be a postgresql+psycopg:// URL, not {url.drivername}", pytrace=False)
    return url


class PgServer:
    """Creates and drops whole databases on the configured server (AUTOCOMMIT: CREATE DATABASE
    cannot run inside a transaction)."""

    def __init__(self, url: URL) -> None:
        self.url = url
        self._engine = create_engine(url, isolation_level="AUTOCOMMIT")

    def url_for(self, database: str) -> URL:
        return self.url.set(database=database)

    def create(self, database: str, *, template: str | None = None) -> URL:
        clause = f" TEMPLATE {template}" if template else " TEMPLATE template0 ENCODING 'UTF8'"
        with self._engine.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{database}"{clause}'))
        return self.url_for(database)

    def drop(self, database: str) -> None:
        with self._engine.connect() as conn:
            # FORCE (PostgreSQL 13+) ends connections a failed test may have left open.
            conn.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))

    @contextmanager
    def scratch(self, *, template: str | None = None, prefix: str = "redcross_t") -> Iterator[URL]:
        """A fresh database for one test, dropped afterwards."""
        name = f"{prefix}_{uuid.uuid4().hex[:12]}"
        url = self.create(name, template=template)
        try:
            yield url
        finally:
            self.drop(name)

    def dispose(self) -> None:
        self._engine.dispose()
