# SPDX-License-Identifier: MIT
"""The English catalogue: complete for every string in the source, placeholders kept, and used by
`_()` once `set_language("en")`."""

from __future__ import annotations

import importlib.util
import string
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from babel.messages.catalog import Catalog

from redcross_desktop.core.i18n import _, set_language, translations_for

ROOT = Path(__file__).resolve().parents[2]
COMMAND = "uv run python scripts/extract_messages.py"


def _extractor() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "extract_messages", ROOT / "scripts" / "extract_messages.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


extractor = _extractor()


@pytest.fixture(scope="module")
def source_ids() -> set[str]:
    return set(extractor.extract())


@pytest.fixture(scope="module")
def catalogue() -> Catalog:
    return extractor.read_catalogue()


@pytest.fixture
def english() -> Iterator[None]:
    set_language("en")
    yield
    set_language("vi")


def fields(text: str) -> set[tuple[str | None, str | None, str | None]]:
    """The `{name:spec!conv}` replacement fields of a format string."""
    return {
        (name, spec, conv) for _lit, name, spec, conv in string.Formatter().parse(text) if name is not None
    }


def test_every_string_in_the_source_has_an_english_translation(
    source_ids: set[str], catalogue: Catalog
) -> None:
    translated = {m.id for m in catalogue if isinstance(m.id, str) and m.id and m.string and not m.fuzzy}
    missing = sorted(source_ids - translated)
    assert not missing, (
        f"{len(missing)} message(s) have no English translation. Run `{COMMAND}` to add them to "
        f"resources/locale/en/LC_MESSAGES/redcross.po, then write their msgstr. First ones: {missing[:5]}"
    )


def test_the_catalogue_holds_no_stale_or_fuzzy_entries(source_ids: set[str], catalogue: Catalog) -> None:
    ids = {m.id for m in catalogue if isinstance(m.id, str) and m.id}
    stale = sorted(ids - source_ids)
    fuzzy = sorted(str(m.id) for m in catalogue if m.id and m.fuzzy)
    assert (stale, fuzzy) == ([], []), f"the catalogue is out of date: run `{COMMAND}`"


def test_placeholders_are_the_same_in_the_translation(catalogue: Catalog) -> None:
    wrong = [
        (m.id, m.string)
        for m in catalogue
        if isinstance(m.id, str) and m.id and isinstance(m.string, str) and m.string
        if fields(m.id) != fields(m.string)
    ]
    assert wrong == [], "placeholders differ between msgid and msgstr"


def test_set_language_en_makes_underscore_return_english(english: None) -> None:
    assert _("Cài đặt") == "Settings"
    assert _("Tên chi hội không được để trống.") == "The branch name cannot be empty."
    assert _("Mã chi hội: {code}").format(code="01-00070") == "Branch code: 01-00070"
    assert _("chuỗi không có trong danh mục") == "chuỗi không có trong danh mục"  # falls back to the source


def test_vietnamese_is_the_source_and_needs_no_catalogue() -> None:
    set_language("vi")
    assert _("Cài đặt") == "Cài đặt"
    assert translations_for("vi").gettext("Cài đặt") == "Cài đặt"
