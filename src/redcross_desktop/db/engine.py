# SPDX-License-Identifier: MIT
"""Engines and session factories for SQLite (one office PC) and PostgreSQL (a province). Qt-free."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import URL, Engine, create_engine, event, make_url
from sqlalchemy.orm import Session, sessionmaker

from .audit import install_session_hooks


def store_url(db: str | Path) -> URL:
    """`--db` takes a file path or a SQLAlchemy URL (`postgresql+psycopg://…`)."""
    text = str(db)
    if "://" in text:
        return make_url(text)
    return make_url(f"sqlite:///{Path(text).expanduser().resolve()}")


def sqlite_file(url: URL) -> Path | None:
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database)


def create_store_engine(url: str | URL, *, migrating: bool = False) -> Engine:
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.isolation_level = None  # we emit BEGIN, so DDL is transactional too
            dbapi_connection.execute("PRAGMA journal_mode = WAL")
            dbapi_connection.execute("PRAGMA synchronous = NORMAL")
            dbapi_connection.execute("PRAGMA busy_timeout = 5000")
            # Batch migrations copy and drop tables; with foreign keys on, the drop would cascade.
            dbapi_connection.execute(f"PRAGMA foreign_keys = {'OFF' if migrating else 'ON'}")

        @event.listens_for(engine, "begin")
        def _on_begin(connection: Any) -> None:
            # IMMEDIATE takes the write lock up front, so two writers queue on busy_timeout instead
            # of one failing later when it upgrades a read lock.
            connection.exec_driver_sql("BEGIN EXCLUSIVE" if migrating else "BEGIN IMMEDIATE")

    return engine


def session_factory(engine: Engine, *, branch_code: str, actor: str) -> sessionmaker[Session]:
    """Sessions that stamp new records with the branch and audit every change under `actor`."""
    factory = sessionmaker(engine, expire_on_commit=False, info={"branch_code": branch_code, "actor": actor})
    install_session_hooks(factory)
    return factory
