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
from operator import add, itemgetter
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
# The id alphabet as bytes, deleted from a whole ASCII column at C speed instead of a regex over it.
_ID_BYTES = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz|:_.-"
# `YYYY-MM-DDTHH:MM:SS+HH:MM`: positions of its digits and of its fixed marks (the sign aside).
_DT_WIDTH = 25
_DT_DIGITS = (0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18, 20, 21, 23, 24)
_DT_MARKS = ((4, "-"), (7, "-"), (10, "T"), (13, ":"), (16, ":"), (22, ":"))
_DATE_PART = itemgetter(slice(0, 10))
_OFFSET_PART = itemgetter(slice(19, 25))
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
    parts = ('"' + joined.replace(SEP, '"\x00"') + '"').split(SEP)
    if has_null:  # a null is the empty string, quoted `""`: JSON null instead
        parts = list(map(_NULLS.get, parts, parts))
    return parts


_NULLS = {'""': "null"}

_quote_int = '"%d"'.__mod__


def _encode_many(strings: Sequence[str], distinct: set[str], joined: str, has_null: bool) -> list[str]:
    if len(distinct) * 4 < len(strings):  # few distinct values (codes, periods, dates): look them up
        table = {v: ("null" if v == "" else '"' + v + '"') for v in distinct}
        return list(map(table.__getitem__, strings))
    return _quote(joined, has_null)


def _ids_ok(joined: str, distinct: set[str], count: int) -> bool:
    """The id pattern over a whole column: nothing but separators left once the alphabet is deleted."""
    if not joined.isascii():
        return False
    rest = joined.encode("ascii").translate(None, _ID_BYTES)
    return len(rest) == count - 1 and max(map(len, distinct)) <= 200


def _datetimes_ok(joined: str, strings: Sequence[str], has_null: bool) -> bool | None:
    """The datetime pattern and `datetime.fromisoformat` over a column of non-null values, checked
    on strided slices of the joined column (a column, not a value, per C call); None when the values
    are not all 25 ASCII characters, for the general path to decide. Parsing a value fails only on
    a range: its date, its hour, minute or second, or its UTC offset, each checked here apart."""
    n = len(strings)
    stride = _DT_WIDTH + 1
    if has_null or len(joined) != stride * n - 1 or not joined.isascii():
        return None
    if joined[_DT_WIDTH::stride] != SEP * (n - 1):  # every value exactly 25 characters
        return None
    if not "".join(joined[i::stride] for i in _DT_DIGITS).isdigit():
        return False
    if any(joined[i::stride] != mark * n for i, mark in _DT_MARKS) or not set(joined[19::stride]) <= {
        "+",
        "-",
    }:
        return False
    if max(map(add, joined[11::stride], joined[12::stride])) > "23":
        return False
    if max(joined[14::stride]) > "5" or max(joined[17::stride]) > "5":
        return False
    try:
        for day in set(map(_DATE_PART, strings)):
            date.fromisoformat(day)
        for offset in set(map(_OFFSET_PART, strings)):
            datetime.fromisoformat("2000-01-01T00:00:00" + offset)
    except ValueError:
        return False
    return True


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
    if kind == "id":
        if not _ids_ok(joined, distinct, len(strings)):
            return None
        return FastColumn(strings, _encode_many(strings, distinct, joined, has_null), has_null)
    if kind == "datetime":
        shaped = _datetimes_ok(joined, strings, has_null)
        if shaped is False:
            return None
        if shaped:
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
    texts = map(",".join, zip(*(c.encoded for c in columns), strict=True))
    return [sha256((head + text + "]").encode("utf-8")).hexdigest() for text in texts]
