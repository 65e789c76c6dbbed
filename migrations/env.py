# SPDX-License-Identifier: MIT
"""Alembic environment: runs on the connection `upgrade_database()` hands over, or on
`alembic -x db=URL` for a developer. Revisions never import the models; autogenerate does."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

config = context.config
connection = config.attributes.get("connection")


def _target_metadata():  # only autogenerate needs the models
    if context.is_offline_mode() or connection is not None:
        return None
    from redcross_desktop.db.models import Base

    return Base.metadata


def _include_object(obj, name, type_, reflected, compare_to):  # autogenerate only
    # The people search index is FTS5 DDL written by hand in revision 0001; it has no model.
    return not (type_ == "table" and name is not None and name.startswith("people_fts"))


def run_migrations_online() -> None:
    if connection is not None:
        context.configure(connection=connection, render_as_batch=True, target_metadata=None)
        context.run_migrations()
        return
    url = context.get_x_argument(as_dictionary=True).get("db")
    if not url:
        raise SystemExit("pass the database: alembic -x db=sqlite:///path/to/store.sqlite3 …")
    engine = create_engine(url)
    with engine.begin() as conn:
        context.configure(
            connection=conn,
            render_as_batch=True,
            target_metadata=_target_metadata(),
            compare_type=True,
            include_object=_include_object,
        )
        context.run_migrations()


run_migrations_online()
