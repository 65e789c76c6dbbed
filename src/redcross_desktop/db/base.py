# SPDX-License-Identifier: MIT
"""Declarative base, constraint naming and the sync envelope every synced table carries. Qt-free."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import uuid6
from sqlalchemy import BigInteger, Boolean, DateTime, Integer, MetaData, String
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

# Named constraints let Alembic's batch mode (SQLite) and ALTER (PostgreSQL) address them.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """Naive UTC: SQLite keeps no time zone, so every stored datetime is UTC by convention."""
    return datetime.now(UTC).replace(tzinfo=None)


def new_uuid() -> str:
    """UUIDv7 (RFC 9562): time-ordered, minted once at the origin and never reused."""
    return str(uuid6.uuid7())


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {int: BigInteger().with_variant(Integer(), "sqlite")}


class Synced:
    """The sync envelope of `bundle-format.md` §3.

    `id` is the local integer key (compact foreign keys, keyset paging); `uuid` is the record id
    that travels in bundles. `version` is SQLAlchemy's version counter, so every flushed UPDATE
    (a tombstone included) bumps it; bulk `update()`/`delete()` would bypass it and are not used
    on these tables. `origin_branch` is filled from the session when a record is created.
    """

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True, default=new_uuid)
    origin_branch: Mapped[str] = mapped_column(String(40))
    version: Mapped[int] = mapped_column(Integer)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:  # noqa: N805 - declarative hook
        return {"version_id_col": cls.__table__.c.version}  # type: ignore[attr-defined]
