# SPDX-License-Identifier: MIT
"""Stages 0–2 of bundle verification on raw bytes, before any spreadsheet parser runs: file size and
type, zip structure and limits (declared sizes, entry names, overlapping entries), forbidden parts,
DTDs and entities in any XML part, and a byte scan of sheet XML for what the value reader (calamine)
does not report: formulas (C4) and error cells. Never touches the database. Qt-free."""

from __future__ import annotations

import io
import posixpath
import re
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
# Cheap first passes (a literal prefix keeps sre at memchr speed); the precise pattern above runs
# only on a sheet where one of them hits.
_FORMULA_HINTS = (re.compile(rb"<f[\s/>]"), re.compile(rb":f[\s/>]"))
_ERROR_HINT = re.compile(rb"t=[\"']e[\"']")
_ERROR_CELL_RE = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c\b[^>]*\st=[\"']e[\"']")
_CELL_START_RE = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c\b[^>]*?\sr=\"([A-Z]{1,3}[0-9]{1,7})\"")
# Refs with a row number of six digits or more, or a column of two letters or more: the only ones
# that can make the reader's dense cell range large, so the only ones looked at one by one. The
# literal prefix `r="` keeps these scans at memchr speed.
_BIG_ROW_RE = re.compile(rb'r="[A-Z]{0,3}([0-9]{6,})')
_WIDE_COL_RE = re.compile(rb'r="([A-Z]{2,3})[0-9]')


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
            parts[info.filename] = zf.read(info)  # CRC checked at the end of each read
    except (zipfile.BadZipFile, zlib.error, ValueError, OSError, EOFError, NotImplementedError) as exc:
        raise ArchiveProblem("CORRUPT_ARCHIVE", 1) from exc
    if b"macroEnabled" in parts.get("[Content_Types].xml", b""):
        raise ArchiveProblem("UNSUPPORTED_FILE_TYPE", 1)
    archive = Archive(data, parts, foreign)
    _check_xml(archive)
    return archive


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
    max_row: int  # largest row number of a big (≥ 100,000) row ref, else 0
    max_col: int  # largest 1-based column of a wide (≥ AA) ref, else 0


def _cell_ref_before(xml: bytes, pos: int) -> str:
    start = max(xml.rfind(b"<c ", 0, pos), xml.rfind(b"<", 0, xml.rfind(b":c ", 0, pos) + 1))
    match = _CELL_START_RE.match(xml, start) if start >= 0 else None
    return match.group(1).decode("ascii") if match else "?"


def _col_number(letters: bytes) -> int:
    number = 0
    for ch in letters:
        number = number * 26 + ch - 64
    return number


def scan_sheet(xml: bytes, limit: int = 100) -> SheetScan:
    """What calamine hides: formula cells (it returns their cached value) and error cells (it returns
    ""), each by cell reference, plus the extent of far-away cells, so a sheet whose cell range would
    be huge is refused before the reader allocates it."""
    formulas: list[str] = []
    errors: list[str] = []
    # Byte searches first: the precise patterns only run on the rare sheet that may hold one.
    candidates = []
    if any(hint.search(xml) for hint in _FORMULA_HINTS):
        candidates.append((formulas, _FORMULA_RE))
    if _ERROR_HINT.search(xml):
        candidates.append((errors, _ERROR_CELL_RE))
    for found, pattern in candidates:
        for match in pattern.finditer(xml):
            found.append(_cell_ref_before(xml, match.start() + 1))
            if len(found) >= limit:
                break
    max_row = max((int(m) for m in _BIG_ROW_RE.findall(xml)), default=0)
    max_col = max((_col_number(m) for m in _WIDE_COL_RE.findall(xml)), default=0)
    return SheetScan(formulas, errors, max_row, max_col)
