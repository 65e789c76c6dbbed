# SPDX-License-Identifier: MIT
"""Stages 0–2 of bundle verification on raw bytes, before any spreadsheet parser runs: file size and
type, zip structure and limits (declared sizes, entry names, overlapping entries), forbidden parts,
DTDs and entities in any XML part, and a byte scan of sheet XML for what the value reader (calamine)
does not report: formulas (C4) and error cells. Never touches the database. Qt-free."""

from __future__ import annotations

import io
import posixpath
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from typing import Any

from defusedxml import (
    DTDForbidden,
    EntitiesForbidden,
    ExternalReferenceForbidden,
)
from defusedxml import ElementTree as SafeET

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PKG_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"

# Parts that make a workbook do things beyond holding values: never parsed, reported (§12).
FOREIGN_PART_RE = re.compile(
    r"^xl/(externalLinks|embeddings|activeX|ctrlProps|oleObjects)/|\.bin$", re.IGNORECASE
)
# Entities can only be declared inside a DOCTYPE, so one marker covers DTDs, entity bombs and
# external references; UTF-16 parts are searched in their own encoding.
_DOCTYPE = b"<!DOCTYPE"
_DOCTYPE_UTF16 = ("<!DOCTYPE".encode("utf-16-le"), "<!DOCTYPE".encode("utf-16-be"))
_FORMULA_RE = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s/>]")
_CELL_START_RE = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c\b[^>]*?\sr=\"([A-Z]{1,3}[0-9]{1,7})\"")

# The sheet scan must bound where the reader will place cells BEFORE it parses, because calamine
# allocates the dense range between its extreme cells. What calamine (0.37, quick-xml 0.42, in
# python-calamine 0.9) accepts, measured on hand-made files: a cell's place is the value of the last
# `r` attribute of a `<c>` or `<prefix:c>` element, in either quotes, with whitespace around `=`,
# letters of either case and leading zeros; a cell without `r` takes the row of the last `<row r>`
# plus one per `</row>` (or `<row/>`) since, and the column after the previous cell's; `x:r` is
# ignored; any other character in the value makes the whole read fail.
#
# Fast path: each of the five searches below is a literal-prefixed regex (C speed). When no cell tag
# differs from `<c r="A12345"` followed only by other plainly spelled attributes, and no element is
# prefixed, every cell sits within A1:Z199999, under the limits, with no need to read a single ref.
_ODD_CELL_RE = re.compile(
    rb'<c(?! r="[A-Z][0-9]{1,6}+(?<![2-9][0-9]{5})"(?: [a-qs-z][a-z]{0,2}+="[^"]*+")*+/?>)[\s/>]'
)
_PREFIXED_RE = re.compile(rb":[cf][\s/>]")
_FORMULA_HINT = re.compile(rb"<f[\s/>]")
_ERROR_HINT = re.compile(rb't="e"')
_PLAIN_ERROR_RE = re.compile(rb'<c r="([A-Z]+[0-9]+)"(?: [a-qs-z][a-z]{0,2}="[^"]*")*? t="e"')
# Slow path, for any other spelling: every markup token in order (comments, CDATA and processing
# instructions skipped whole, attribute values read with their quotes, so nothing inside them is
# taken for a tag), replaying calamine's placement on the `row` and `c` elements.
_TOKEN_RE = re.compile(
    rb"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<\?.*?\?>|<![^>]*>"
    rb"""|<(/?)([^\s/>]*)((?:[^>"']|"[^"]*"|'[^']*')*)>""",
    re.DOTALL,
)
_NAME_CHAR = rb"[\w.:\x80-\xff-]"
_R_ATTR_RE = re.compile(rb"(?<!" + _NAME_CHAR + rb""")r\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_T_ERROR_RE = re.compile(rb"(?<!" + _NAME_CHAR + rb""")t\s*=\s*(?:"e"|'e')""")
_REF_RE = re.compile(rb"([A-Za-z]*)([0-9]*)")


class ArchiveProblem(Exception):
    """A stage 0–2 REJECT; `code` is a verification code of bundle-format.md §9."""

    def __init__(self, code: str, stage: int, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.stage = stage
        self.params = params


@dataclass(frozen=True)
class ZipLimits:
    max_file_bytes: int = 25 * 1024 * 1024
    max_entries: int = 200
    max_total_uncompressed: int = 200 * 1024 * 1024
    max_entry_uncompressed: int = 100 * 1024 * 1024


@dataclass
class Archive:
    """The checked parts of a workbook, decompressed once."""

    data: bytes
    parts: dict[str, bytes]
    foreign_parts: list[str]
    sheets: list[tuple[str, str, str]] = field(default_factory=list)  # (name, state, part)


def check_file(data: bytes, limits: ZipLimits) -> None:
    """Stage 0."""
    if not data:
        raise ArchiveProblem("FILE_EMPTY", 0)
    if len(data) > limits.max_file_bytes:
        raise ArchiveProblem(
            "FILE_TOO_LARGE",
            0,
            size=f"{len(data) / 1048576:.1f}",
            limit=f"{limits.max_file_bytes / 1048576:.0f}",
        )
    if data.startswith(OLE_MAGIC):
        raise ArchiveProblem("FILE_ENCRYPTED_OR_XLS", 0)
    if not data.startswith(ZIP_MAGICS):
        raise ArchiveProblem("UNSUPPORTED_FILE_TYPE", 0)


def _unsafe(name: str) -> bool:
    if not name or "\\" in name or "\x00" in name or name.startswith("/") or re.match(r"^[A-Za-z]:", name):
        return True
    return any(part == ".." for part in name.split("/"))


def open_archive(data: bytes, limits: ZipLimits) -> Archive:
    """Stage 1, then the stage-2 XML checks; raises ArchiveProblem."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as exc:
        raise ArchiveProblem("CORRUPT_ARCHIVE", 1) from exc
    if len(infos) > limits.max_entries:
        raise ArchiveProblem("ZIP_LIMITS_EXCEEDED", 1)
    names = [i.filename for i in infos]
    if len(set(names)) != len(names):
        raise ArchiveProblem("CORRUPT_ARCHIVE", 1)
    if any(_unsafe(n) for n in names):
        raise ArchiveProblem("UNSAFE_ENTRY_NAME", 1)
    total = 0
    for info in infos:
        if info.file_size > limits.max_entry_uncompressed:
            raise ArchiveProblem("ZIP_LIMITS_EXCEEDED", 1)
        total += info.file_size
    if total > limits.max_total_uncompressed:
        raise ArchiveProblem("ZIP_LIMITS_EXCEEDED", 1)
    # Overlapping entries (one deflate stream shared by many headers) are a zip bomb, not a workbook.
    spans = sorted(
        (i.header_offset, i.header_offset + 30 + len(i.orig_filename) + i.compress_size) for i in infos
    )
    for (_start, end), (next_start, _) in zip(spans, spans[1:], strict=False):
        if next_start < end:
            raise ArchiveProblem("ZIP_LIMITS_EXCEEDED", 1)
    lowered = {n.lower() for n in names}
    if "mimetype" in lowered:
        raise ArchiveProblem("UNSUPPORTED_FILE_TYPE", 1)  # ODF (.ods)
    if "xl/workbook.xml" not in names or any(n.endswith("vbaproject.bin") for n in lowered):
        raise ArchiveProblem("UNSUPPORTED_FILE_TYPE", 1)
    foreign = [n for n in names if FOREIGN_PART_RE.search(n)]
    parts: dict[str, bytes] = {}
    try:
        for info in infos:
            if info.filename in foreign or info.is_dir():
                continue
            parts[info.filename] = _read_entry(data, info)
    except (zlib.error, ValueError, OverflowError, struct.error) as exc:
        raise ArchiveProblem("CORRUPT_ARCHIVE", 1) from exc
    if b"macroEnabled" in parts.get("[Content_Types].xml", b""):
        raise ArchiveProblem("UNSUPPORTED_FILE_TYPE", 1)
    archive = Archive(data, parts, foreign)
    _check_xml(archive)
    return archive


def _read_entry(data: bytes, info: zipfile.ZipInfo) -> bytes:
    """One entry's bytes, inflated in a single call: what `ZipFile.read` checks (local header and
    name, method, encryption, CRC), about a third cheaper on a large sheet. The output is bounded by
    the declared size, which stage 1 has already limited, so a lying header cannot inflate more."""
    start = info.header_offset
    header = data[start : start + 30]
    if len(header) != 30 or header[:4] != b"PK\x03\x04" or info.flag_bits & 0x1:
        raise ValueError("bad local header or encrypted entry")
    name_len, extra_len = struct.unpack("<HH", header[26:30])
    name = data[start + 30 : start + 30 + name_len]
    encoding = "utf-8" if info.flag_bits & 0x800 else "cp437"
    if name.decode(encoding) != info.orig_filename:
        raise ValueError("local and central names differ")
    begin = start + 30 + name_len + extra_len
    raw = data[begin : begin + info.compress_size]
    if len(raw) != info.compress_size:
        raise ValueError("truncated entry")
    if info.compress_type == zipfile.ZIP_STORED:
        out = raw
    elif info.compress_type == zipfile.ZIP_DEFLATED:
        inflater = zlib.decompressobj(-15)
        out = inflater.decompress(raw, info.file_size + 1)
        if not inflater.eof:
            raise ValueError("deflate stream longer than declared or cut short")
    else:
        raise ValueError("unsupported compression method")
    if len(out) != info.file_size or zlib.crc32(out) != info.CRC:
        raise ValueError("size or CRC mismatch")
    return out


def _parse(data: bytes) -> Any:
    try:
        return SafeET.fromstring(data, forbid_dtd=True)
    except (DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden) as exc:
        raise ArchiveProblem("XML_FORBIDDEN", 2) from exc
    except Exception as exc:  # ParseError and friends: anything unreadable
        raise ArchiveProblem("MALFORMED_WORKBOOK", 2) from exc


def _check_xml(archive: Archive) -> None:
    """Stage 2: no DTD or entity declaration in any part (defusedxml's rule, applied to every part by
    a byte search so the large sheet parts need no second parse), then the workbook's sheet list."""
    for data in archive.parts.values():
        if _DOCTYPE in data:
            raise ArchiveProblem("XML_FORBIDDEN", 2)
        if (data[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in data[:4]) and any(
            m in data for m in _DOCTYPE_UTF16
        ):
            raise ArchiveProblem("XML_FORBIDDEN", 2)
    for name in ("[Content_Types].xml", "_rels/.rels"):
        if name in archive.parts:
            _parse(archive.parts[name])
    workbook = _parse(archive.parts["xl/workbook.xml"])
    rels_data = archive.parts.get("xl/_rels/workbook.xml.rels")
    if rels_data is None:
        raise ArchiveProblem("MALFORMED_WORKBOOK", 2)
    targets: dict[str, str] = {}
    for rel in _parse(rels_data).iter(f"{PKG_REL_NS}Relationship"):
        target = rel.get("Target", "")
        resolved = (
            target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        )
        targets[rel.get("Id", "")] = resolved
    sheets_el = workbook.find(f"{MAIN_NS}sheets")
    if sheets_el is None:
        raise ArchiveProblem("MALFORMED_WORKBOOK", 2)
    for sheet in sheets_el.iter(f"{MAIN_NS}sheet"):
        part = targets.get(sheet.get(f"{REL_NS}id", ""))
        if part is None or part not in archive.parts:
            raise ArchiveProblem("MALFORMED_WORKBOOK", 2)
        archive.sheets.append((sheet.get("name", ""), sheet.get("state", "visible"), part))


@dataclass(frozen=True)
class SheetScan:
    formula_cells: list[str]
    error_cells: list[str]
    # Upper bounds of the rows and 1-based columns the reader can place a cell at; both 0 when the
    # fast path proved every cell within A1:Z199999.
    max_row: int
    max_col: int


def _cell_ref_before(xml: bytes, pos: int) -> str:
    start = max(xml.rfind(b"<c ", 0, pos), xml.rfind(b"<", 0, xml.rfind(b":c ", 0, pos) + 1))
    match = _CELL_START_RE.match(xml, start) if start >= 0 else None
    return match.group(1).decode("ascii") if match else "?"


def _col_number(letters: bytes) -> int:
    number = 0
    for ch in letters.upper():
        number = number * 26 + ch - 64
    return number


def _refs(attrs: bytes) -> list[tuple[int, int]]:
    """(row, column) of every `r` attribute in a tag's attribute text; 0 for a missing part. Values
    calamine cannot read are skipped: it fails on them, allocating nothing."""
    out = []
    for match in _R_ATTR_RE.finditer(attrs):
        ref = _REF_RE.fullmatch(match.group(1) if match.group(1) is not None else match.group(2))
        if ref is not None:
            out.append((int(ref.group(2) or 0), _col_number(ref.group(1))))
    return out


def _replay(xml: bytes, limit: int) -> tuple[int, int, list[str]]:
    """calamine's cell placement replayed on any spelling: (largest row, largest column, error
    cells). Where an element has several `r` attributes the largest value counts, so the bounds can
    only be too high, never too low."""
    max_row = max_col = 0
    row, col = 1, 1  # where the next cell without `r` goes
    errors: list[str] = []
    for token in _TOKEN_RE.finditer(xml):
        name = token.group(2)
        if name is None:
            continue  # comment, CDATA, processing instruction
        local = name[name.find(b":") + 1 :]
        closing, attrs = token.group(1), token.group(3)
        if local == b"row":
            if not closing:
                rows = [r for r, _c in _refs(attrs) if r]
                if rows:
                    row = max(rows)
            if closing or attrs.endswith(b"/"):
                row, col = row + 1, 1
        elif local == b"c" and not closing:
            places = [(r, c) for r, c in _refs(attrs) if r and c]
            cell_row = max((r for r, _c in places), default=row)
            cell_col = max((c for _r, c in places), default=col)
            max_row, max_col = max(max_row, cell_row), max(max_col, cell_col)
            col = cell_col + 1
            if _T_ERROR_RE.search(attrs) and len(errors) < limit:
                errors.append(f"{_letters(cell_col)}{cell_row}")
    return max_row, max_col, errors


def _letters(col: int) -> str:
    out = ""
    while col > 0 and len(out) < 8:
        col, rest = divmod(col - 1, 26)
        out = chr(65 + rest) + out
    return out


def scan_sheet(xml: bytes, limit: int = 100) -> SheetScan:
    """What calamine hides: formula cells (it returns their cached value) and error cells (it returns
    ""), each by cell reference, plus bounds on where it will place cells, so a sheet whose cell
    range would be huge is refused before the reader allocates it."""
    formulas: list[str] = []
    prefixed = _PREFIXED_RE.search(xml) is not None
    if _FORMULA_HINT.search(xml) or prefixed:
        for match in _FORMULA_RE.finditer(xml):
            formulas.append(_cell_ref_before(xml, match.start() + 1))
            if len(formulas) >= limit:
                break
    if prefixed or _ODD_CELL_RE.search(xml):
        max_row, max_col, errors = _replay(xml, limit)
        return SheetScan(formulas, errors, max_row, max_col)
    errors = []
    if _ERROR_HINT.search(xml):
        for match in _PLAIN_ERROR_RE.finditer(xml):
            errors.append(match.group(1).decode("ascii"))
            if len(errors) >= limit:
                break
    return SheetScan(formulas, errors, 0, 0)
