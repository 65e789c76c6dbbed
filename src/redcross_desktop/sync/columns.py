# SPDX-License-Identifier: MIT
"""Column-at-a-time canonicalization: the C5–C8 rules of `canonical.py` applied to a whole column
with C-speed checks (type sets, one regex or NFC test over the joined column) and the C9 JSON text
of every value built with one join and one split, so verifying 100,000 rows costs about as much as
reading them. A column any of whose values needs more than the common case (NFD text, CR, a wrong
type, a character JSON escapes…) returns None and the caller applies the per-cell rules, which
decide every value exactly as here (the tests compare both paths). Never touches the database.
Qt-free."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from json.encoder import encode_basestring
from typing import Any

from .canonical import MAX_INT, Canon
from .schema import Column

# Joined columns use NUL as separator: XML cannot carry it, so no cell value contains it. NUL is
# also a starter that composes with nothing, so NFC of the joined text is NFC of each value.
SEP = "\x00"
_ID = "[0-9A-Za-z|:_.-]{0,200}"
_PERIOD = r"(?:\d{4}-(?:0[1-9]|1[0-2]))?"
_DATE = r"(?:\d{4}-\d{2}-\d{2})?"
_DATETIME = r"(?:\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2})?"
_PATTERNS = {
    kind: re.compile(f"(?:{p}\x00)*{p}")
    for kind, p in (("id", _ID), ("period", _PERIOD), ("date", _DATE), ("datetime", _DATETIME))
}
_PARSERS = {"date": date.fromisoformat, "datetime": datetime.fromisoformat}
_format_int = "%d".__mod__


@dataclass(frozen=True)
class FastColumn:
    raw: Sequence[object]  # canonical text, "" for null; floats for int columns
    encoded: list[str]  # JSON text per value ("null" for null)
    has_null: bool
    numeric: bool = False

    @property
    def values(self) -> list[str]:
        """Canonical text per row, "" for null."""
        if self.numeric:
            return [v if v == "" else _format_int(v) for v in self.raw]
        return list(self.raw)  # type: ignore[arg-type]


def _quote(joined: str, has_null: bool) -> list[str]:
    quoted = '"' + joined.replace(SEP, '"\x00"') + '"'
    if not has_null:
        return quoted.split(SEP)
    padded = SEP + quoted + SEP
    # Twice: replace() does not see the second of two adjacent nulls on its first pass.
    padded = padded.replace('\x00""\x00', "\x00null\x00").replace('\x00""\x00', "\x00null\x00")
    return padded[1:-1].split(SEP)


_quote_int = '"%d"'.__mod__


def _encode_many(strings: Sequence[str], distinct: set[str], joined: str, has_null: bool) -> list[str]:
    if len(distinct) * 4 < len(strings):  # few distinct values (codes, periods, dates): look them up
        table = {v: ("null" if v == "" else '"' + v + '"') for v in distinct}
        return list(map(table.__getitem__, strings))
    return _quote(joined, has_null)


def fast_column(column: Column, values: Sequence[object]) -> FastColumn | None:
    """Canonical and JSON-encoded values of a whole column, or None when the per-cell rules must
    decide (they accept or reject; this path only ever accepts)."""
    kind = column.type
    if kind in ("int", "flag"):
        types = set(map(type, values))
        if not types <= {float, str}:
            return None
        has_null = str in types
        numbers: set[Any] = set(values)  # bools were refused above, so 1.0 and True cannot merge here
        floats: list[Any] = [v for v in numbers if v != ""] if has_null else list(numbers)
        if len(floats) + has_null != len(numbers) or any(type(v) is str for v in floats):
            return None
        if floats:
            if not all(map(float.is_integer, floats)):
                return None
            low, high = min(floats), max(floats)
            if (kind == "flag" and (low < 0 or high > 1)) or low < -MAX_INT or high > MAX_INT:
                return None
        if len(numbers) * 4 < len(values):
            table = {v: ("null" if v == "" else _quote_int(v)) for v in numbers}
            encoded = list(map(table.__getitem__, values))
        elif has_null:
            encoded = ["null" if v == "" else _quote_int(v) for v in values]
        else:
            encoded = list(map(_quote_int, values))
        return FastColumn(values, encoded, has_null, numeric=True)
    try:
        joined = SEP.join(values)  # type: ignore[arg-type]  # a TypeError is the type check (C6, C8)
    except TypeError:
        return None
    strings: Sequence[str] = values  # type: ignore[assignment]
    if joined.count(SEP) != len(strings) - 1:
        return None
    distinct = set(strings)
    has_null = "" in distinct
    if kind in ("text", "code"):
        # isprintable() is a conservative C-speed filter: it fails on every character JSON escapes or
        # XML forbids (and on a few legitimate ones, e.g. NBSP or LF, which then take the per-cell path).
        if '"' in joined or "\\" in joined or not joined.replace(SEP, "").isprintable():
            return None
        if not joined.isascii() and not unicodedata.is_normalized("NFC", joined):
            return None
        if len(joined) > column.max_length and max(map(len, distinct)) > column.max_length:
            return None
        if column.codes is not None and not distinct <= column.codes | {""}:
            return None
        return FastColumn(strings, _encode_many(strings, distinct, joined, has_null), has_null)
    pattern = _PATTERNS[kind]
    if len(distinct) * 4 < len(strings):
        if not pattern.fullmatch(SEP.join(distinct)):
            return None
    elif not pattern.fullmatch(joined):
        return None
    parse = _PARSERS.get(kind)
    if parse is not None:
        try:
            for value in distinct - {""}:
                parse(value)
        except ValueError:
            return None
    return FastColumn(strings, _encode_many(strings, distinct, joined, has_null), has_null)


def from_canonical(canon: Sequence[Canon]) -> FastColumn:
    """A column decided cell by cell, in the same shape."""
    encoded = ["null" if v is None else encode_basestring(v) for v in canon]
    return FastColumn([v or "" for v in canon], encoded, None in canon)


def row_hashes(sheet_key: str, columns: Sequence[FastColumn]) -> list[str]:
    """C9 for every row of a sheet given column-wise: equal to `canonical.row_hash` row by row."""
    if not columns:
        return []
    head = "[" + encode_basestring(sheet_key) + ","
    sha256 = hashlib.sha256
    join = ",".join
    first = [head + e for e in columns[0].encoded]
    return [
        sha256((join(row) + "]").encode("utf-8")).hexdigest()
        for row in zip(first, *(c.encoded for c in columns[1:]), strict=True)
    ]
