# SPDX-License-Identifier: MIT
"""Templates are data: every shipped one loads; a broken one is refused with a clear message."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from redcross_desktop.certificates.templates import (
    available_templates,
    fill,
    load_certificate_template,
    load_document_template,
    template_dir,
)
from redcross_desktop.core.errors import FileFormatError


def test_every_shipped_template_loads() -> None:
    names = available_templates()
    assert {"donor", "donor_thanks", "blood", "volunteer", "receipt", "distribution"} <= set(names)
    for name in names:
        data = json.loads((template_dir() / f"{name}.json").read_text(encoding="utf-8"))
        if data["kind"] in ("receipt", "distribution"):
            assert load_document_template(name).kind == data["kind"]
        else:
            template = load_certificate_template(name)
            assert template.page_size == pytest.approx((841.89, 595.28), abs=0.01)  # A4 landscape
            assert {b.type for b in template.blocks} >= {"text", "paragraph", "emblem", "qr"}


def test_broken_templates_are_refused(tmp_path: Path) -> None:
    base = json.loads((template_dir() / "donor.json").read_text(encoding="utf-8"))
    cases = {
        "notjson.json": "{",
        "kind.json": json.dumps({**base, "kind": "trophy"}),
        "block.json": json.dumps({**base, "blocks": [{"type": "hologram"}]}),
        "key.json": json.dumps({**base, "blocks": [{"type": "text", "colour": "red"}]}),
        "font.json": json.dumps({**base, "blocks": [{"type": "text", "font": "comic"}]}),
        "page.json": json.dumps({**base, "page": {"size": "Letter"}}),
    }
    for name, text in cases.items():
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        with pytest.raises(FileFormatError) as err:
            load_certificate_template(path)
        assert err.value.code == "FILE_FORMAT_INVALID"
        assert name in err.value.message
    with pytest.raises(FileFormatError):
        load_certificate_template("no_such_template")


def test_unknown_placeholder_names_itself() -> None:
    assert fill("Ông/Bà: {name}", {"name": "An"}) == "Ông/Bà: An"
    with pytest.raises(FileFormatError) as err:
        fill("Số: {serail}", {"serial": "x"}, source="donor")
    assert "{serail}" in err.value.message
