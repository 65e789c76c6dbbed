# SPDX-License-Identifier: MIT
"""Province store queries over `province_records.data`, the JSON text of a commune row's canonical
values by column key (bundle-format.md §3: strings or null, e.g. {"cash_vnd": "500000"}).

SQLAlchemy's own JSON type does not read a TEXT column identically on both back ends: on SQLite a
`CAST(data AS JSON)` has NUMERIC affinity and turns the document into 0, and without the cast
PostgreSQL has no `->>` on `text`. `json_text()` is therefore a small construct compiled per
dialect — the one dialect switch of the province queries:

- SQLite: `json_extract(data, '$.key')` (JSON1, built into every supported SQLite);
- PostgreSQL: `CAST(data AS JSON) ->> 'key'` (`json`, not `jsonb`: a lazy parse of one document is
  cheaper than building its binary form once per expression).

Both give the value as text (SQLite returns a number for a JSON number, which compares and casts
the same way) and NULL for a JSON null or a missing key. Repositories take a Session and never
commit. Qt-free.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import BigInteger, ColumnElement, String, cast, literal_column
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

_KEY_RE = re.compile(r"^[a-z][a-z0-9_]{0,59}$")


class JsonText(FunctionElement[str]):
    """`data.key` as text; see the module docstring for the SQL of each dialect."""

    type = String()
    inherit_cache = True
    name = "json_text"

    def __init__(self, column: ColumnElement[Any], key: str) -> None:
        if not _KEY_RE.match(key):  # the key is written into the SQL text, so it is checked here
            raise ValueError(f"not a schema column key: {key!r}")
        self.key = key
        super().__init__(column)


def _column_sql(element: JsonText, compiler: SQLCompiler, **kw: Any) -> str:
    (column,) = element.clauses
    return str(compiler.process(column, **kw))


@compiles(JsonText, "sqlite")
def _json_text_sqlite(element: JsonText, compiler: SQLCompiler, **kw: Any) -> str:
    return f"json_extract({_column_sql(element, compiler, **kw)}, '$.{element.key}')"


@compiles(JsonText, "postgresql")
def _json_text_postgresql(element: JsonText, compiler: SQLCompiler, **kw: Any) -> str:
    return f"(CAST({_column_sql(element, compiler, **kw)} AS JSON) ->> '{element.key}')"


@compiles(JsonText)
def _json_text_other(element: JsonText, compiler: SQLCompiler, **kw: Any) -> str:
    raise NotImplementedError(f"json_text is not implemented for {compiler.dialect.name}")


def json_text(column: ColumnElement[Any] | Any, key: str) -> ColumnElement[str]:
    """The value of `key` in the JSON object held by `column`, as text (NULL when null/missing)."""
    return JsonText(column, key)


def json_int(column: ColumnElement[Any] | Any, key: str) -> ColumnElement[int]:
    """The value of an `int` column of the schema (canonical decimal text) as a BIGINT."""
    return cast(json_text(column, key), BigInteger)


def zero() -> ColumnElement[int]:
    return literal_column("0", BigInteger)
