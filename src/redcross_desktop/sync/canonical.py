# SPDX-License-Identifier: MIT
"""Canonicalization `vnrc-c14n-1` (bundle-format.md §6, C1–C14): the canonical value of a cell,
row hashes, sheet digests and the canonical manifest JSON. Frozen: golden vectors in the tests pin
every rule, and a new rule needs a new `canon` id. Never touches the database. Qt-free."""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from typing import Any

from .schema import Column

CANON_ID = "vnrc-c14n-1"
MAX_INT = 999_999_999_999_999
MAX_CELL_TEXT = 32_767
MAX_MANIFEST_CHARS = 32_767

ID_RE = re.compile(r"[0-9A-Za-z|:_.-]{1,200}")
PERIOD_RE = re.compile(r"\d{4}-(0[1-9]|1[0-2])")
DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
DATETIME_RE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}")
# XML 1.0 cannot carry these; lone surrogates cannot be encoded at all (C6).
ILLEGAL_TEXT_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
CONTROL_RE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")

Canon = str | None
CanonFn = Callable[[object], Canon]


class CellTypeError(ValueError):
    """C5–C8, code list: the cell is not a valid value of its column type (CELL_TYPE_INVALID)."""


class CellLimitError(ValueError):
    """§12: a text cell is longer than its column allows (LIMIT_EXCEEDED)."""


class ManifestError(ValueError):
    """B1 is not a manifest this canonicalization accepts (MANIFEST_MALFORMED)."""


# ---------------------------------------------------------------- cell values (reader side)


def canonical_text(value: str) -> str:
    """C6 on a string: NFC, CRLF/CR → LF, nothing trimmed or folded."""
    if not value.isascii():
        value = unicodedata.normalize("NFC", value)
    if "\r" in value:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    return value


def _text_fn(column: Column) -> CanonFn:
    limit, codes = column.max_length, column.codes

    def canon(value: object) -> Canon:
        if value is None or value == "":
            return None
        if type(value) is not str:
            raise CellTypeError
        text = canonical_text(value)
        if ILLEGAL_TEXT_RE.search(text):
            raise CellTypeError
        if codes is not None and text not in codes:
            raise CellTypeError
        if len(text) > limit:
            raise CellLimitError
        return text

    return canon


def _pattern_fn(pattern: re.Pattern[str], parse: Callable[[str], object] | None) -> CanonFn:
    def canon(value: object) -> Canon:
        if value is None or value == "":
            return None
        if type(value) is not str or not pattern.fullmatch(value):
            raise CellTypeError
        if parse is not None:
            try:
                parse(value)
            except ValueError as exc:
                raise CellTypeError from exc
        return value

    return canon


def _int_fn(flag: bool) -> CanonFn:
    def canon(value: object) -> Canon:
        if value is None or value == "":
            return None
        kind = type(value)
        if kind is int:
            number = value
        elif kind is float and value.is_integer():  # type: ignore[attr-defined]
            number = int(value)  # type: ignore[call-overload]
        else:  # bool, str, dates and fractions (C7)
            raise CellTypeError
        if flag:
            if number not in (0, 1):
                raise CellTypeError
        elif not -MAX_INT <= number <= MAX_INT:  # type: ignore[operator]
            raise CellTypeError
        return str(number)

    return canon


def canon_function(column: Column) -> CanonFn:
    """The C5–C8 canonicalizer of one column; raises CellTypeError / CellLimitError."""
    kind = column.type
    if kind in ("text", "code"):
        return _text_fn(column)
    if kind == "id":
        return _pattern_fn(ID_RE, None)
    if kind == "period":
        return _pattern_fn(PERIOD_RE, None)
    if kind == "date":
        return _pattern_fn(DATE_RE, date.fromisoformat)
    if kind == "datetime":
        return _pattern_fn(DATETIME_RE, datetime.fromisoformat)
    if kind in ("int", "flag"):
        return _int_fn(kind == "flag")
    raise ValueError(f"unknown column type {kind}")


# ---------------------------------------------------------------- python values (writer side)


def to_canonical(value: object, column: Column) -> Canon:
    """The canonical cell value an exporter writes for a Python value: text NFC, LF-only and trimmed,
    ints as ints (bools only in flag columns), dates as ISO text. Raises ValueError on a value the
    column cannot hold, so a bad export fails before anything is signed."""
    if value is None:
        return None
    kind = column.type
    if kind in ("text", "code"):
        if not isinstance(value, str):
            raise ValueError(f"{column.key}: text expected, got {type(value).__name__}")
        text = canonical_text(value).strip()
        if not text:
            return None
        if ILLEGAL_TEXT_RE.search(text):
            raise ValueError(f"{column.key}: control character in text")
        if column.codes is not None and text not in column.codes:
            raise ValueError(f"{column.key}: {text!r} is not a listed code")
        if len(text) > column.max_length:
            raise ValueError(f"{column.key}: text longer than {column.max_length}")
        return text
    if kind in ("int", "flag"):
        if isinstance(value, bool):
            if kind != "flag":
                raise ValueError(f"{column.key}: bool in an int column")
            return "1" if value else "0"
        if not isinstance(value, int):
            raise ValueError(f"{column.key}: int expected, got {type(value).__name__}")
        return _int_fn(kind == "flag")(value)
    if kind == "date" and isinstance(value, date) and not isinstance(value, datetime):
        value = value.isoformat()
    elif kind == "datetime" and isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError(f"{column.key}: datetime without a UTC offset")
        value = value.replace(microsecond=0).isoformat()
    if not isinstance(value, str):
        raise ValueError(f"{column.key}: {kind} expected, got {type(value).__name__}")
    if value == "":
        return None
    try:
        return canon_function(column)(value)
    except CellTypeError as exc:
        raise ValueError(f"{column.key}: {value!r} is not a valid {kind}") from exc


# ---------------------------------------------------------------- hashes and digests

# One encoder, reused: json.dumps with non-default options builds a new encoder per call.
_ROW_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
_encode_row = _ROW_ENCODER.encode


def row_hash(sheet_key: str, values: Sequence[Canon]) -> str:
    """C9: SHA-256 of the JSON array [sheet_key, c1, …, cn] (equal to JCS for strings and nulls)."""
    return hashlib.sha256(_encode_row([sheet_key, *values]).encode("utf-8")).hexdigest()


def hash_keyed_row(values_with_key: list[Canon]) -> str:
    """`row_hash` for hot loops whose list already starts with the sheet_key."""
    return hashlib.sha256(_encode_row(values_with_key).encode("utf-8")).hexdigest()


def index_lines(pairs: Iterable[tuple[str, str]]) -> bytes:
    """C10 lines `record_id\\trow_hash\\n`, sorted by record_id (ids are ASCII: str order = bytes)."""
    # Sorting the lines is sorting by record_id: TAB sorts below every character an id may hold.
    lines = sorted(map("\t".join, pairs))
    if not lines:
        return b""
    return ("\n".join(lines) + "\n").encode("utf-8")


def sheet_digest(pairs: Sequence[tuple[str, str]]) -> tuple[int, str]:
    """C10: (rows, hex SHA-256 of the sorted lines)."""
    return len(pairs), hashlib.sha256(index_lines(pairs)).hexdigest()


def sheet_digest_columns(ids: Sequence[str], hashes: Sequence[str]) -> tuple[int, str]:
    """`sheet_digest` of `zip(ids, hashes)`, for a verifier that holds the index column-wise."""
    return len(ids), hashlib.sha256(index_lines(zip(ids, hashes, strict=True))).hexdigest()


# ---------------------------------------------------------------- manifest (C12)


def canonical_manifest(manifest: dict[str, Any]) -> str:
    """C12: B1, the canonical JSON text (JCS-equal for strings, integers, lists and objects)."""
    return json.dumps(manifest, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            raise ManifestError(f"duplicate key {key!r}")
        seen[key] = value
    return seen


def _reject_float(text: str) -> Any:
    raise ManifestError(f"float {text} not allowed")


def _reject_constant(text: str) -> Any:
    raise ManifestError(f"{text} not allowed")


def _check_value(value: Any, where: str) -> None:
    if isinstance(value, bool) or value is None or isinstance(value, float):
        raise ManifestError(f"{where}: only strings, integers, lists and objects")
    if isinstance(value, str):
        if CONTROL_RE.search(value) or unicodedata.normalize("NFC", value) != value:
            raise ManifestError(f"{where}: string not NFC or with a control character")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _check_value(item, f"{where}[{i}]")
    elif isinstance(value, dict):
        for key, item in value.items():
            if not key.isascii() or CONTROL_RE.search(key):
                raise ManifestError(f"{where}: non-ASCII key")
            _check_value(item, f"{where}.{key}")
    elif not isinstance(value, int):
        raise ManifestError(f"{where}: unexpected {type(value).__name__}")


def parse_manifest(text: str) -> dict[str, Any]:
    """B1 → dict, rejecting duplicate keys, floats, NaN, booleans, nulls, non-NFC or control
    characters and non-ASCII keys (§4). Raises ManifestError."""
    if len(text) > MAX_MANIFEST_CHARS:
        raise ManifestError("B1 longer than 32,767 characters")
    try:
        value = json.loads(
            text, object_pairs_hook=_no_duplicates, parse_float=_reject_float, parse_constant=_reject_constant
        )
    except ManifestError:
        raise
    except (ValueError, RecursionError) as exc:  # JSONDecodeError, int digit limit, deep nesting
        raise ManifestError(f"not JSON: {exc}") from exc
    if not isinstance(value, dict):
        raise ManifestError("not a JSON object")
    _check_value(value, "manifest")
    return value
