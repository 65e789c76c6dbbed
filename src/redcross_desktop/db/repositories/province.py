# SPDX-License-Identifier: MIT
"""Province store queries over `province_records.data`, the JSON text of a commune row's canonical
values by column key (bundle-format.md §3: strings or null, e.g. {"cash_vnd": "500000"}).

SQLAlchemy's own JSON type does not read a TEXT column identically on both back ends: on SQLite a
`CAST(data AS JSON)` has NUMERIC affinity and turns the document into 0, and without the cast
PostgreSQL has no `->>` on `text`. `json_text()` is therefore a small construct compiled per
dialect — the one dialect switch of the province queries:

- SQLite: `json_extract(data, '$.key')` (JSON1, built into every supported SQLite);
- PostgreSQL: `CAST(data AS JSON) ->> 'key'` (`json`, not `jsonb`: for one field, a lazy parse
  of the text is cheaper than building the binary form).

Both give the value as text (SQLite returns a number for a JSON number, which compares and casts
the same way) and NULL for a JSON null or a missing key.

A query reading several fields of every row parses each document once with `json_document()` in a
subquery (PostgreSQL: `CAST(data AS JSONB)`; SQLite: the text itself, which `json_extract` reads
directly) and applies `json_text()` to that column: on PostgreSQL `doc ->> 'key'` on `jsonb` is a
lookup, not a parse. Measured on 150,000 member rows: three fields by `CAST … AS JSON` 1.1 s, one
`jsonb` parse per row 0.54 s. Repositories take a Session and never commit. Qt-free.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import BigInteger, ColumnElement, String, Text, cast
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

_KEY_RE = re.compile(r"^[a-z][a-z0-9_]{0,59}$")


class JsonDocumentType(Text):
    """Marks an expression holding a parsed document (`json_document`); never stored."""

    cache_ok = True


class JsonDocument(FunctionElement[str]):
    """The JSON document of a TEXT column, parsed once (see the module docstring)."""

    type = JsonDocumentType()
    inherit_cache = True
    name = "json_document"


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
    (column,) = element.clauses
    if isinstance(column.type, JsonDocumentType):  # already jsonb: a lookup
        return f"({_column_sql(element, compiler, **kw)} ->> '{element.key}')"
    return f"(CAST({_column_sql(element, compiler, **kw)} AS JSON) ->> '{element.key}')"


@compiles(JsonDocument, "sqlite")
def _json_document_sqlite(element: JsonDocument, compiler: SQLCompiler, **kw: Any) -> str:
    (column,) = element.clauses
    return str(compiler.process(column, **kw))


@compiles(JsonDocument, "postgresql")
def _json_document_postgresql(element: JsonDocument, compiler: SQLCompiler, **kw: Any) -> str:
    (column,) = element.clauses
    return f"CAST({compiler.process(column, **kw)} AS JSONB)"


@compiles(JsonDocument)
def _json_document_other(element: JsonDocument, compiler: SQLCompiler, **kw: Any) -> str:
    raise NotImplementedError(f"json_document is not implemented for {compiler.dialect.name}")


@compiles(JsonText)
def _json_text_other(element: JsonText, compiler: SQLCompiler, **kw: Any) -> str:
    raise NotImplementedError(f"json_text is not implemented for {compiler.dialect.name}")


def json_text(column: ColumnElement[Any] | Any, key: str) -> ColumnElement[str]:
    """The value of `key` in the JSON object held by `column`, as text (NULL when null/missing)."""
    return JsonText(column, key)


def json_document(column: ColumnElement[Any] | Any) -> ColumnElement[str]:
    """The document held by a TEXT column, parsed once, for `json_text` to read several fields of;
    label it in a subquery fenced with OFFSET 0 so PostgreSQL does not inline it."""
    return JsonDocument(column)


def json_int(column: ColumnElement[Any] | Any, key: str) -> ColumnElement[int]:
    """The value of an `int` column of the schema (canonical decimal text) as a BIGINT."""
    return cast(json_text(column, key), BigInteger)
