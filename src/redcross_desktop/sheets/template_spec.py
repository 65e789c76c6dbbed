# SPDX-License-Identifier: MIT
"""The bulk-entry template's sheets and columns, loaded from `resources/templates/records-template.json`.

The column list is data so the writer, the reader and the instructions sheet cannot drift apart,
and a header can be reworded without touching code. Code columns name a list in `domain/codes.py`;
users see its Vietnamese labels. Qt-free.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from types import MappingProxyType
from typing import Any

from ..core.resources import resource
from ..core.vn import fold
from ..domain import codes

COLUMN_TYPES = frozenset({"key", "person", "text", "cccd", "phone", "int", "vnd", "date", "code", "flag"})
# Identifiers keep their leading zeros only in text cells; dates too, so Excel cannot swap day and month.
TEXT_CELL_TYPES = frozenset({"key", "person", "cccd", "phone", "date"})
FLAG_LABELS = ("Có", "Không")
DEFAULT_MAX_LENGTH = 2000  # bundle-format.md §12: text cell default

# The lists a column may name; an explicit table rather than getattr, so a typo fails at load time.
CODE_LISTS: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {
        "SEX": codes.SEX,
        "DONATION_CHANNELS": codes.DONATION_CHANNELS,
        "RELIEF_KINDS": codes.RELIEF_KINDS,
        "VULNERABLE_GROUPS": codes.VULNERABLE_GROUPS,
        "BLOOD_TYPES": codes.BLOOD_TYPES,
        "MEMBER_CATEGORIES": codes.MEMBER_CATEGORIES,
        "ACTIVITY_TYPES": codes.ACTIVITY_TYPES,
    }
)


@dataclass(frozen=True)
class ColumnSpec:
    key: str
    header: str
    type: str
    required: bool
    max_length: int
    help: str
    width: int
    codes: Mapping[str, str]  # code -> Vietnamese label; empty unless type == "code"
    minimum: int | None
    maximum: int | None
    not_future: bool
    default: object
    text_cell: bool

    def labels(self) -> list[str]:
        """What a user picks from: the code list's labels, or Có/Không."""
        if self.type == "flag":
            return list(FLAG_LABELS)
        return list(self.codes.values())


@dataclass(frozen=True)
class SheetSpec:
    key: str
    title: str
    help: str
    columns: tuple[ColumnSpec, ...]

    def column(self, key: str) -> ColumnSpec:
        for column in self.columns:
            if column.key == key:
                return column
        raise KeyError(key)


@dataclass(frozen=True)
class TemplateSpec:
    format: str
    version: int
    instructions_title: str
    lists_title: str
    instructions: tuple[str, ...]
    sheets: tuple[SheetSpec, ...]

    def sheet(self, key: str) -> SheetSpec:
        for sheet in self.sheets:
            if sheet.key == key:
                return sheet
        raise KeyError(key)


def header_key(text: str) -> str:
    """How headers and sheet titles are matched: accents, case, spacing and a required-mark "*"
    typed by users do not matter."""
    return fold(text).rstrip("* ").strip()


def _column(raw: Mapping[str, Any], sheet: str) -> ColumnSpec:
    where = f"{sheet}.{raw.get('key')}"
    type_ = str(raw["type"])
    if type_ not in COLUMN_TYPES:
        raise ValueError(f"{where}: unknown column type {type_!r}")
    code_map: Mapping[str, str] = MappingProxyType({})
    if type_ == "code":
        name = str(raw["codes"])
        if name not in CODE_LISTS:
            raise ValueError(f"{where}: unknown code list {name!r}")
        excluded = set(raw.get("exclude", []))
        code_map = MappingProxyType({k: v for k, v in CODE_LISTS[name].items() if k not in excluded})
        default = raw.get("default")
        if default is not None and default not in code_map:
            raise ValueError(f"{where}: default {default!r} is not in {name}")
    return ColumnSpec(
        key=str(raw["key"]),
        header=str(raw["header"]),
        type=type_,
        required=bool(raw.get("required", False)),
        max_length=int(raw.get("max_length", DEFAULT_MAX_LENGTH)),
        help=str(raw.get("help", "")),
        width=int(raw.get("width", 14)),
        codes=code_map,
        minimum=int(raw["min"]) if "min" in raw else None,
        maximum=int(raw["max"]) if "max" in raw else None,
        not_future=bool(raw.get("not_future", False)),
        default=raw.get("default"),
        text_cell=type_ in TEXT_CELL_TYPES or bool(raw.get("text_cell", False)),
    )


def parse_spec(data: Mapping[str, Any]) -> TemplateSpec:
    """Builds and checks a spec; a malformed spec is a programming error (ValueError)."""
    sheets: list[SheetSpec] = []
    titles = {header_key(str(data["instructions_title"])), header_key(str(data["lists_title"]))}
    for raw_sheet in data["sheets"]:
        key = str(raw_sheet["key"])
        columns = tuple(_column(c, key) for c in raw_sheet["columns"])
        if len({c.key for c in columns}) != len(columns):
            raise ValueError(f"{key}: duplicate column keys")
        if len({header_key(c.header) for c in columns}) != len(columns):
            raise ValueError(f"{key}: headers that differ only in accents or case")
        title = str(raw_sheet["title"])
        if len(title) > 31 or header_key(title) in titles:  # Excel's limit; titles must be distinct
            raise ValueError(f"{key}: bad or duplicate sheet title {title!r}")
        titles.add(header_key(title))
        sheets.append(SheetSpec(key, title, str(raw_sheet.get("help", "")), columns))
    return TemplateSpec(
        format=str(data["format"]),
        version=int(data["version"]),
        instructions_title=str(data["instructions_title"]),
        lists_title=str(data["lists_title"]),
        instructions=tuple(str(line) for line in data["instructions"]),
        sheets=tuple(sheets),
    )


@cache
def records_template() -> TemplateSpec:
    """The shipped template spec (read once)."""
    text = resource("templates", "records-template.json").read_text(encoding="utf-8")
    return parse_spec(json.loads(text))
