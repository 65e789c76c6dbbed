# SPDX-License-Identifier: MIT
"""Certificate, receipt and distribution-list templates: layout and wording as JSON data in
`resources/templates/certificates/`, so a province can change texts, positions and sizes without
touching code. This module reads them into typed, validated objects and fills `{placeholders}`.

A bad template (unreadable JSON, a missing key, an unknown placeholder) is a `FileFormatError`
that names the file and the problem. Qt-free.
"""

from __future__ import annotations

import json
import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reportlab.lib.pagesizes import A4, A5, landscape, portrait

from ..core.errors import FileFormatError
from ..core.i18n import _
from ..core.resources import resource
from .fonts import STYLES

MM = 72 / 25.4  # points per millimetre

_PAGES = {"A4": A4, "A5": A5}
_BLOCK_TYPES = frozenset({"text", "paragraph", "emblem", "qr", "stamp", "watermark"})
_ALIGNS = frozenset({"left", "center", "right"})

# Default template per certificate kind; others (e.g. "donor_thanks") are chosen by name.
DEFAULT_TEMPLATES = {"donor": "donor", "blood": "blood", "volunteer": "volunteer"}


def template_dir() -> Path:
    return resource("templates", "certificates")


def available_templates() -> list[str]:
    return sorted(p.stem for p in template_dir().glob("*.json"))


def _bad(source: str, problem: str) -> FileFormatError:
    return FileFormatError(
        _("Mẫu in {source} không dùng được: {problem}. Hãy sửa tệp mẫu hoặc lấy lại mẫu gốc.").format(
            source=source, problem=problem
        )
    )


def fill(text: str, values: Mapping[str, object], *, source: str = "") -> str:
    """`text` with its `{name}` placeholders replaced; an unknown name is a FileFormatError."""
    try:
        return text.format_map(values)
    except KeyError as exc:
        raise _bad(source or "?", _("không có chỗ trống {{{name}}}").format(name=exc.args[0])) from None
    except (ValueError, IndexError, AttributeError) as exc:
        raise _bad(source or "?", _("chỗ trống viết sai ({detail})").format(detail=exc)) from None


def placeholders(text: str) -> set[str]:
    return {name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name}


def _page_size(data: Mapping[str, Any], source: str) -> tuple[float, float]:
    page = data.get("page") or {}
    size = _PAGES.get(str(page.get("size", "A4")).upper())
    if size is None:
        raise _bad(source, _("khổ giấy phải là A4 hoặc A5"))
    orientation = str(page.get("orientation", "portrait"))
    if orientation not in ("portrait", "landscape"):
        raise _bad(source, _("hướng giấy phải là portrait (dọc) hoặc landscape (ngang)"))
    width, height = landscape(size) if orientation == "landscape" else portrait(size)
    return float(width), float(height)


def _font(value: object, source: str) -> str:
    style = str(value or "regular")
    if style not in STYLES:
        raise _bad(
            source, _("kiểu chữ '{style}' không có (regular, bold, italic, bolditalic)").format(style=style)
        )
    return style


# ---------------------------------------------------------------- certificates


@dataclass(frozen=True)
class Border:
    inset_mm: float = 7.0
    outer_width_pt: float = 3.0
    gap_mm: float = 2.4
    inner_width_pt: float = 0.9
    color: str = "#B3121B"
    corner_mm: float = 10.0


@dataclass(frozen=True)
class Block:
    """One element of a certificate page. Positions in mm from the bottom-left, sizes in pt."""

    type: str
    text: str = ""
    x_mm: float = 0.0
    y_mm: float = 0.0
    align: str = "center"
    font: str = "regular"
    size: float = 12.0
    min_size: float = 0.0  # shrink to fit `max_width_mm` (text) or `max_lines` (paragraph)
    max_width_mm: float = 0.0
    width_mm: float = 0.0  # paragraph width
    leading: float = 1.3  # paragraph line spacing, times the size
    max_lines: int = 0
    color: str = "#000000"
    underline: bool = False
    when: str = ""  # "copy", "preview", a placeholder that must be non-empty; "!" negates
    size_mm: float = 0.0  # emblem and QR
    angle: float = 0.0  # watermark


@dataclass(frozen=True)
class CertificateTemplate:
    name: str
    kind: str
    title: str
    page_size: tuple[float, float]
    border: Border | None
    reason: str
    phrases: Mapping[str, str]
    blocks: tuple[Block, ...]

    def phrase(self, key: str, values: Mapping[str, object] | None = None) -> str:
        text = self.phrases.get(key, "")
        return fill(text, values or {}, source=self.name) if values is not None else text


def _block(raw: Mapping[str, Any], source: str, number: int) -> Block:
    kind = str(raw.get("type", ""))
    where = f"{source} (khối {number})"
    if kind not in _BLOCK_TYPES:
        raise _bad(where, _("loại khối '{kind}' không có").format(kind=kind))
    known = set(Block.__dataclass_fields__)
    extra = set(raw) - known - {"_comment"}
    if extra:
        raise _bad(where, _("khóa không biết: {keys}").format(keys=", ".join(sorted(extra))))
    values = {k: v for k, v in raw.items() if k in known}
    values["font"] = _font(values.get("font"), where)
    if str(values.get("align", "center")) not in _ALIGNS:
        raise _bad(where, _("căn lề phải là left, center hoặc right"))
    try:
        block = Block(**values)
        for name in (
            "x_mm",
            "y_mm",
            "size",
            "min_size",
            "max_width_mm",
            "width_mm",
            "leading",
            "size_mm",
            "angle",
        ):
            float(getattr(block, name))
    except (TypeError, ValueError) as exc:
        raise _bad(where, str(exc)) from None
    if block.type == "paragraph" and block.width_mm <= 0:
        raise _bad(where, _("đoạn văn cần width_mm"))
    if block.type in ("emblem", "qr") and block.size_mm <= 0:
        raise _bad(where, _("biểu tượng và mã QR cần size_mm"))
    return block


def _read(name_or_path: str | Path) -> tuple[str, str, dict[str, Any]]:
    """(template name, file name for messages, data)."""
    path = Path(name_or_path) if isinstance(name_or_path, Path) else template_dir() / f"{name_or_path}.json"
    source = path.name
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise _bad(source, _("không tìm thấy tệp")) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _bad(source, _("tệp không đọc được ({detail})").format(detail=exc)) from None
    if not isinstance(data, dict):
        raise _bad(source, _("tệp phải là một đối tượng JSON"))
    return path.stem, source, data


def load_certificate_template(name_or_path: str | Path) -> CertificateTemplate:
    name, source, data = _read(name_or_path)
    if data.get("kind") not in DEFAULT_TEMPLATES:
        raise _bad(source, _("kind phải là donor, blood hoặc volunteer"))
    blocks = data.get("blocks")
    if not isinstance(blocks, list) or not blocks:
        raise _bad(source, _("thiếu danh sách blocks"))
    border_data = data.get("border")
    try:
        border = Border(**border_data) if isinstance(border_data, dict) else None
    except TypeError as exc:
        raise _bad(source, str(exc)) from None
    phrases = data.get("phrases") or {}
    if not isinstance(phrases, dict):
        raise _bad(source, _("phrases phải là đối tượng"))
    return CertificateTemplate(
        name=name,
        kind=str(data["kind"]),
        title=str(data.get("title", name)),
        page_size=_page_size(data, source),
        border=border,
        reason=str(data.get("reason", "")),
        phrases={str(k): str(v) for k, v in phrases.items()},
        blocks=tuple(_block(b, source, i) for i, b in enumerate(blocks, start=1)),
    )


# ---------------------------------------------------------------- receipts and distribution lists


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    width_mm: float
    align: str = "left"


@dataclass(frozen=True)
class Row:
    label: str
    text: str
    when: str = ""


@dataclass(frozen=True)
class Signature:
    title: str
    hint: str
    name: str


@dataclass(frozen=True)
class Header:
    left: tuple[str, ...]
    right: tuple[str, ...]
    left_size: float = 10.0
    right_size: float = 10.0
    number: str = ""


@dataclass(frozen=True)
class DocumentTemplate:
    """A receipt (`kind` receipt) or a distribution list (`kind` distribution)."""

    name: str
    kind: str
    title: str
    page_size: tuple[float, float]
    margins_mm: tuple[float, float, float, float]  # left, right, top, bottom
    font_size: float
    header: Header
    title_text: str
    title_size: float
    subtitle: str
    signatures: tuple[Signature, ...]
    signature_space_mm: float
    columns: tuple[Column, ...] = ()
    rows: tuple[Row, ...] = ()
    texts: Mapping[str, str] = field(default_factory=dict)
    options: Mapping[str, Any] = field(default_factory=dict)

    def text(self, key: str) -> str:
        return self.texts.get(key, "")


def _columns(raw: object, source: str) -> tuple[Column, ...]:
    if not isinstance(raw, list):
        raise _bad(source, _("columns phải là danh sách"))
    try:
        columns = tuple(Column(**c) for c in raw)
    except TypeError as exc:
        raise _bad(source, str(exc)) from None
    for column in columns:
        if column.align not in _ALIGNS or column.width_mm <= 0:
            raise _bad(source, _("cột '{key}' cần width_mm > 0 và align hợp lệ").format(key=column.key))
    return columns


def load_document_template(name_or_path: str | Path) -> DocumentTemplate:
    name, source, data = _read(name_or_path)
    kind = data.get("kind")
    if kind not in ("receipt", "distribution"):
        raise _bad(source, _("kind phải là receipt hoặc distribution"))
    try:
        margins = data.get("margins_mm") or {}
        header = data.get("header") or {}
        signatures = tuple(Signature(**s) for s in data.get("signatures") or [])
        goods = data.get("goods") or {}
        columns = _columns(goods.get("columns", []) if kind == "receipt" else data.get("columns", []), source)
        rows = tuple(Row(**r) for r in data.get("rows") or [])
        texts: dict[str, str] = {
            key: str(data[key])
            for key in (
                "copy_marker",
                "void_marker",
                "total_line",
                "thanks",
                "total",
                "page_number",
                "date_line",
                "hidden_group",
            )
            if key in data
        }
        if goods:
            texts["goods_title"] = str(goods.get("title", ""))
            texts["goods_total"] = str(goods.get("total", ""))
        return DocumentTemplate(
            name=name,
            kind=str(kind),
            title=str(data.get("title", name)),
            page_size=_page_size(data, source),
            margins_mm=(
                float(margins.get("left", 12)),
                float(margins.get("right", 12)),
                float(margins.get("top", 12)),
                float(margins.get("bottom", 12)),
            ),
            font_size=float(data.get("font_size", 11)),
            header=Header(
                tuple(header.get("left") or ()),
                tuple(header.get("right") or ()),
                float(header.get("left_size", 10)),
                float(header.get("right_size", 10)),
                str(header.get("number", "")),
            ),
            title_text=str(data.get("title_text", "")),
            title_size=float(data.get("title_size", 14)),
            subtitle=str(data.get("subtitle", "")),
            signatures=signatures,
            signature_space_mm=float(data.get("signature_space_mm", 20)),
            columns=columns,
            rows=rows,
            texts=texts,
            options={
                "lines": list(data.get("lines") or []),
                "show_id": bool(data.get("show_id", False)),
                "hide_health_groups": bool(data.get("hide_health_groups", True)),
                "row_height_mm": float(data.get("row_height_mm", 10)),
            },
        )
    except (TypeError, ValueError, AttributeError) as exc:
        raise _bad(source, str(exc)) from None
