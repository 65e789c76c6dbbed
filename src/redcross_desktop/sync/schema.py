# SPDX-License-Identifier: MIT
"""The versioned bundle schema (`resources/schemas/<YYYY.N>.json`): which data sheets a bundle has,
their Vietnamese titles and column labels, and each column's type, requirement and length limit.

Schemas are data, frozen once published; this module only loads and checks them. Qt-free."""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from ..core.resources import resource

COLUMN_TYPES = frozenset({"text", "code", "id", "period", "date", "datetime", "int", "flag"})
ENVELOPE = ("record_id", "origin_branch", "version", "deleted", "period", "updated_at")
SCOPES = frozenset({"periodic", "register"})
SCHEMA_VERSION_RE = re.compile(r"^(\d{4})\.(\d{1,4})$")
DEFAULT_TEXT_MAX = 2000


class SchemaError(ValueError):
    """A schema file is not well formed: a packaging bug, never user input."""


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    type: str
    required: bool
    max_length: int
    codes: frozenset[str] | None


@dataclass(frozen=True)
class SheetSchema:
    sheet_key: str
    title: str
    scope: str
    columns: tuple[Column, ...]

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(c.label for c in self.columns)

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(c.key for c in self.columns)


@dataclass(frozen=True)
class BundleSchema:
    schema_version: str
    status: str  # current | retired
    cover_title: str
    index_title: str
    manifest_title: str
    index_header: tuple[str, ...]
    max_rows: int
    max_sheets: int
    sheets: tuple[SheetSchema, ...]

    def sheet(self, sheet_key: str) -> SheetSchema:
        for sheet in self.sheets:
            if sheet.sheet_key == sheet_key:
                return sheet
        raise KeyError(sheet_key)

    @property
    def sheet_keys(self) -> tuple[str, ...]:
        return tuple(s.sheet_key for s in self.sheets)


def version_key(version: str) -> tuple[int, int]:
    match = SCHEMA_VERSION_RE.match(version)
    if not match:
        raise SchemaError(f"bad schema_version {version!r}")
    return int(match.group(1)), int(match.group(2))


def _nfc(text: Any, where: str) -> str:
    if not isinstance(text, str) or not text or unicodedata.normalize("NFC", text) != text:
        raise SchemaError(f"{where}: expected a non-empty NFC string")
    return text


def parse_schema(doc: dict[str, Any]) -> BundleSchema:
    """Checks a schema document completely; a bad schema must fail loudly at load, not mid-verify."""
    if doc.get("format") != "vnrc-bundle-schema":
        raise SchemaError("not a vnrc-bundle-schema document")
    version = _nfc(doc.get("schema_version"), "schema_version")
    version_key(version)
    status = doc.get("status")
    if status not in ("current", "retired"):
        raise SchemaError("status must be current or retired")
    limits = doc.get("limits", {})
    text_max = int(limits.get("text_max_length", DEFAULT_TEXT_MAX))
    sheets: list[SheetSchema] = []
    titles: set[str] = set()
    for raw in doc.get("sheets", []):
        key = _nfc(raw.get("sheet_key"), "sheet_key")
        title = _nfc(raw.get("title"), f"{key}.title")
        if raw.get("scope") not in SCOPES:
            raise SchemaError(f"{key}: bad scope")
        columns: list[Column] = []
        for col in raw.get("columns", []):
            ctype = col.get("type")
            if ctype not in COLUMN_TYPES:
                raise SchemaError(f"{key}.{col.get('key')}: bad type {ctype!r}")
            codes = col.get("codes")
            if (ctype == "code") != (codes is not None):
                raise SchemaError(f"{key}.{col.get('key')}: code columns and only they list codes")
            columns.append(
                Column(
                    key=_nfc(col.get("key"), f"{key}.key"),
                    label=_nfc(col.get("label"), f"{key}.label"),
                    type=ctype,
                    required=bool(col.get("required", False)),
                    max_length=int(col.get("max_length", text_max)),
                    codes=frozenset(codes) if codes is not None else None,
                )
            )
        sheet = SheetSchema(key, title, raw["scope"], tuple(columns))
        if sheet.keys[: len(ENVELOPE)] != ENVELOPE:
            raise SchemaError(f"{key}: the envelope columns must come first, in order")
        if len(set(sheet.labels)) != len(sheet.labels) or len(set(sheet.keys)) != len(sheet.keys):
            raise SchemaError(f"{key}: repeated column key or label")
        if len(columns) > 26:
            raise SchemaError(f"{key}: at most 26 columns (the reader's fast path assumes A–Z)")
        if title in titles:
            raise SchemaError(f"{key}: repeated title")
        titles.add(title)
        sheets.append(sheet)
    if not sheets:
        raise SchemaError("no sheets")
    header = tuple(doc.get("index_header", ()))
    if header != ("sheet_key", "record_id", "row_hash"):
        raise SchemaError("index_header must be sheet_key, record_id, row_hash")
    return BundleSchema(
        schema_version=version,
        status=status,
        cover_title=_nfc(doc.get("cover_title"), "cover_title"),
        index_title=_nfc(doc.get("index_title"), "index_title"),
        manifest_title=_nfc(doc.get("manifest_title"), "manifest_title"),
        index_header=header,
        max_rows=int(limits.get("max_rows_per_sheet", 100_000)),
        max_sheets=int(limits.get("max_sheets", 20)),
        sheets=tuple(sheets),
    )


def schema_dir() -> Path:
    return resource("schemas")


@cache
def known_schemas() -> dict[str, BundleSchema]:
    """Every shipped schema by version (current and retired)."""
    found: dict[str, BundleSchema] = {}
    for path in sorted(schema_dir().glob("*.json")):
        if not SCHEMA_VERSION_RE.match(path.stem):
            continue  # e.g. verification-codes.json
        schema = parse_schema(json.loads(path.read_text(encoding="utf-8")))
        if schema.schema_version != path.stem:
            raise SchemaError(
                f"{path.name}: schema_version {schema.schema_version} differs from the file name"
            )
        found[schema.schema_version] = schema
    if not found:
        raise SchemaError("no bundle schema shipped")
    return found


def load_schema(version: str) -> BundleSchema:
    return known_schemas()[version]


def current_schema() -> BundleSchema:
    """The newest non-retired schema: the one exports use."""
    usable = [s for s in known_schemas().values() if s.status == "current"]
    return max(usable, key=lambda s: version_key(s.schema_version))


def newest_known_version() -> str:
    return max(known_schemas(), key=version_key)
