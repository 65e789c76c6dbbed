# SPDX-License-Identifier: MIT
"""Extracts every `_("…")` / `N_("…")` string under src/ and merges it into the English catalogue.

    uv run python scripts/extract_messages.py [--check]

Vietnamese is the source language, so the msgids are the Vietnamese strings themselves. Existing
translations are kept; a new string gets an empty msgstr (shown in Vietnamese until translated,
and reported by tests/core/test_i18n.py); a string no longer in the source is kept as an obsolete
`#~` entry, so a reworded message's old translation can be reused. With `--check` nothing is
written and the exit status is 1 when the catalogue is not up to date or not complete.
"""

from __future__ import annotations

import argparse
import io
import sys
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "src"
CATALOGUE = ROOT / "resources" / "locale" / "en" / "LC_MESSAGES" / "redcross.po"
KEYWORDS: dict[str, None] = {"_": None, "N_": None}
PROJECT = "redcross-desktop"
FIXED_DATE = datetime(2026, 1, 1, tzinfo=UTC)  # a stable header: no diff on every run


def extract(source: Path = SOURCE) -> dict[str, list[tuple[str, int]]]:
    """msgid -> [(file relative to the repository, line)], in source order."""
    found: dict[str, list[tuple[str, int]]] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(source), method_map=[("**.py", "python")], keywords=KEYWORDS
    ):
        if isinstance(message, str) and message:
            path = (source / filename).relative_to(ROOT).as_posix()
            found.setdefault(message, []).append((path, lineno))
    return found


def read_catalogue(path: Path = CATALOGUE) -> Catalog:
    if not path.is_file():
        return Catalog(locale="en", project=PROJECT)
    with path.open("rb") as handle:
        return read_po(handle, locale="en")


def existing_translations(catalog: Catalog) -> dict[str, str]:
    kept = {}
    for message in [*catalog, *catalog.obsolete.values()]:
        if isinstance(message.id, str) and message.id and isinstance(message.string, str) and message.string:
            kept[message.id] = message.string
    return kept


def merged(found: dict[str, list[tuple[str, int]]], translations: dict[str, str]) -> Catalog:
    catalog = Catalog(
        locale="en",
        project=PROJECT,
        language_team="English",
        creation_date=FIXED_DATE,
        revision_date=FIXED_DATE,
        fuzzy=False,
    )
    for msgid, locations in found.items():
        catalog.add(msgid, translations.get(msgid, ""), locations=locations)
    for msgid, text in translations.items():
        if msgid not in found:
            catalog.obsolete[msgid] = Message(msgid, text)  # kept for reuse, unused
    return catalog


def render(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    write_po(out, catalog, width=100, include_previous=False, include_lineno=False)
    return out.getvalue()


def untranslated(catalog: Catalog) -> list[str]:
    return [m.id for m in catalog if isinstance(m.id, str) and m.id and not m.string]


def write_translations(pairs: Iterable[tuple[str, str]], path: Path = CATALOGUE) -> int:
    """Sets translations (msgid, English) in the catalogue, for a batch written by hand; returns
    how many msgids matched."""
    catalog = read_catalogue(path)
    matched = 0
    for msgid, text in pairs:
        message = catalog.get(msgid)
        if message is not None:
            message.string = text
            matched += 1
    path.write_bytes(render(catalog))
    return matched


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="write nothing; fail if not up to date")
    args = parser.parse_args(argv)
    found = extract()
    before = CATALOGUE.read_bytes() if CATALOGUE.is_file() else b""
    catalog = merged(found, existing_translations(read_catalogue()))
    text = render(catalog)
    missing = untranslated(catalog)
    print(f"{len(found)} messages in src/, {len(missing)} without an English translation")
    if args.check:
        return 0 if text == before and not missing else 1
    CATALOGUE.parent.mkdir(parents=True, exist_ok=True)
    if text != before:
        CATALOGUE.write_bytes(text)
        print(f"updated {CATALOGUE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
