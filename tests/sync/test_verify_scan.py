# SPDX-License-Identifier: MIT
"""The byte scan that runs before calamine (`archive.scan_sheet`), the zip entry reader, and the
column fast paths of `columns.py`, each against the real thing: far cells in every spelling calamine
accepts are refused before calamine parses them (its own placement is measured here, on ranges
small enough to allocate), and the fast column checks decide exactly as the per-cell rules."""

from __future__ import annotations

import re
import struct
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from bundle_helpers import make_bundle, rezip, sheet_part
from hypothesis import given, settings
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook

from redcross_desktop.sync import verify
from redcross_desktop.sync.archive import scan_sheet
from redcross_desktop.sync.canonical import CellLimitError, CellTypeError, canon_function
from redcross_desktop.sync.columns import fast_column
from redcross_desktop.sync.schema import Column
from redcross_desktop.sync.verify import verify_bundle

V = b"<v>1</v>"
A1 = b'<row r="1"><c r="A1"><v>1</v></c>'


def _far(tag: bytes) -> bytes:
    """A plain A1, then one cell whose start tag is `tag`, in the same row."""
    return A1 + tag + V + b"</c></row>"


def _row(number: int | None) -> bytes:
    """A row of one cell in column A, with refs, or without any when `number` is None."""
    if number is None:
        return b"<row><c>" + V + b"</c></row>"
    return b'<row r="%d"><c r="A%d">' % (number, number) + V + b"</c></row>"


# One far cell (row 300,000 or column CV = 100, both beyond the limits of 200,001 rows and 64
# columns) in each spelling calamine 0.37 / quick-xml 0.42 accepts.
FAR_SPELLINGS = {
    "double quotes": _far(b'<c r="A300000">'),
    "single quotes": _far(b"<c r='A300000'>"),
    "spaces around =": _far(b'<c r = "A300000">'),
    "tab and newline": _far(b'<c\nr\t=\n"A300000">'),
    "lowercase column": _far(b'<c r="a300000">'),
    "wide lowercase": _far(b'<c r="cv1">'),
    "four letters": _far(b'<c r="AAAA1">'),
    "leading zeros": _far(b'<c r="A0000300000">'),
    "prefixed element": A1 + b'<x:c r="A300000">' + V + b"</x:c></row>",
    "second r attribute": _far(b'<c r="A2" r="A300000">'),
    "no space before r": _far(b'<c s="0"r="A300000">'),
    "> inside a value": _far(b'<c s=">" r="A300000">'),
    "row ref, cell without": A1 + b"</row><row r='300000'><c>" + V + b"</c></row>",
    "far cell in the middle": A1 + b"</row>" + _row(300_000) + _row(3),
    "rows counted, no refs": _row(None) + b"<row></row>" * 300_000 + _row(None),
    "columns counted, no refs": A1 + (b"<c>" + V + b"</c>") * 99 + b"</row>",
    "comment hides a reset": _row(250_000) + b'<!-- <row r="1"> --><c>' + V + b"</c>",
}
NS = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def _sheet_xml(sheet_data: bytes) -> bytes:
    return (
        b'<?xml version="1.0" encoding="UTF-8"?><worksheet '
        + NS
        + b"><sheetData>"
        + sheet_data
        + b"</sheetData></worksheet>"
    )


def _calamine_extent(path: Path, title: str) -> tuple[int, int]:
    """calamine's own placement: the 1-based (row, column) of the far corner of its range."""
    end = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(title).end
    assert end is not None
    return end[0] + 1, end[1] + 1


@pytest.fixture(scope="module")
def plain_bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("far") / "bundle.xlsx"
    make_bundle(path)
    return path


def _with_sheet_data(src: Path, dst: Path, title: str, sheet_data: bytes) -> Path:
    part = sheet_part(src, title)

    def change(name: str, data: bytes) -> bytes:
        return _sheet_xml(sheet_data) if name == part else data

    return rezip(src, dst, change)


@pytest.mark.parametrize("spelling", sorted(FAR_SPELLINGS))
def test_far_cell_in_every_spelling_calamine_accepts_is_refused_before_parsing(
    spelling: str, plain_bundle: Path, tmp_path: Path
) -> None:
    sheet_data = FAR_SPELLINGS[spelling]
    path = _with_sheet_data(plain_bundle, tmp_path / "far.xlsx", "Hoạt động", sheet_data)
    far_row, far_col = _calamine_extent(path, "Hoạt động")  # calamine really goes that far
    assert far_row > 200_001 or far_col > 64
    scan = scan_sheet(_sheet_xml(sheet_data))
    assert scan.max_row >= far_row and scan.max_col >= far_col
    result = verify_bundle(path)
    assert result.code == "LIMIT_EXCEEDED"
    assert result.findings[-1].params["sheet"] == "Hoạt động"


def test_plain_sheets_take_the_fast_path_and_odd_ones_are_replayed_exactly() -> None:
    plain = b'<row r="1"><c r="A1" s="1" t="s"><v>0</v></c><c r="Z199999"/></row>'
    assert scan_sheet(_sheet_xml(plain)).max_row == 0  # proven within A1:Z199999 without reading refs
    odd = b'<row r="1"><c r="A1" s="1" t="s"><v>0</v></c><c r = "B7"><v>2</v></c></row>'
    scan = scan_sheet(_sheet_xml(odd))
    assert (scan.max_row, scan.max_col) == (7, 2)
    edge = b'<row r="1"><c r="A200000"><v>1</v></c></row>'  # six digits, above the fast bound
    assert scan_sheet(_sheet_xml(edge)).max_row == 200_000


def test_error_cells_are_found_in_any_spelling(plain_bundle: Path, tmp_path: Path) -> None:
    part = sheet_part(plain_bundle, "Quyên góp")

    def spoil(name: str, data: bytes) -> bytes:
        if name != part:
            return data
        return re.sub(rb'<c r="H2"([^>]*)>.*?</c>', rb"<c r='H2' t = 'e'><v>#N/A</v></c>", data, count=1)

    result = verify_bundle(rezip(plain_bundle, tmp_path / "err.xlsx", spoil))
    assert result.code == "CELL_TYPE_INVALID"
    assert any(f.location == "Quyên góp!H2" and f.params["v"] == "#ERROR" for f in result.findings)


def test_sheet_names_must_mean_the_same_parts_to_both_readers(plain_bundle: Path, tmp_path: Path) -> None:
    def twin(name: str, data: bytes) -> bytes:
        if name != "xl/workbook.xml":
            return data
        return data.replace('name="Cứu trợ"'.encode(), 'name="Quyên góp"'.encode())

    assert verify_bundle(rezip(plain_bundle, tmp_path / "twin.xlsx", twin)).code == "MALFORMED_WORKBOOK"


def _central_record(data: bytearray, name: str) -> int:
    """Offset of an entry's central-directory record."""
    pos = data.find(b"PK\x01\x02")
    while pos >= 0:
        name_len = struct.unpack("<H", data[pos + 28 : pos + 30])[0]
        if data[pos + 46 : pos + 46 + name_len] == name.encode():
            return pos
        pos = data.find(b"PK\x01\x02", pos + 4)
    raise AssertionError(name)


def _bad_crc(data: bytearray, info: zipfile.ZipInfo) -> None:
    record = _central_record(data, info.filename)
    data[record + 16 : record + 20] = struct.pack("<I", info.CRC ^ 1)


def _renamed_local(data: bytearray, info: zipfile.ZipInfo) -> None:
    start = info.header_offset + 30
    data[start : start + 2] = b"yy"


def _encrypted(data: bytearray, info: zipfile.ZipInfo) -> None:
    record = _central_record(data, info.filename)
    flags = struct.unpack("<H", data[record + 8 : record + 10])[0]
    data[record + 8 : record + 10] = struct.pack("<H", flags | 1)


@pytest.mark.parametrize("patch", [_bad_crc, _renamed_local, _encrypted])
def test_zip_entries_are_checked_as_zipfile_checks_them(
    plain_bundle: Path, tmp_path: Path, patch: Any
) -> None:
    data = bytearray(plain_bundle.read_bytes())
    with zipfile.ZipFile(plain_bundle) as zf:
        info = zf.getinfo("xl/workbook.xml")
    patch(data, info)
    path = tmp_path / "patched.xlsx"
    path.write_bytes(bytes(data))
    assert verify_bundle(path).code == "CORRUPT_ARCHIVE"


def _per_cell(column: Column, values: list[Any]) -> list[str | None] | None:
    fn = canon_function(column)
    try:
        return [fn(v) for v in values]
    except (CellTypeError, CellLimitError):
        return None


def _agrees(column: Column, values: list[Any]) -> None:
    """The fast path only ever accepts what the per-cell rules accept, with the same values."""
    fast = fast_column(column, values)
    slow = _per_cell(column, values)
    if fast is not None:
        assert slow is not None
        assert fast.values == [v or "" for v in slow]
        assert fast.encoded == ["null" if v is None else f'"{v}"' for v in slow]


DATETIME = Column("updated_at", "Cập nhật", "datetime", True, 25, None)
ID = Column("record_id", "Mã", "id", True, 200, None)


@pytest.mark.parametrize(
    "odd",
    [
        "2026-03-10T24:00:00+07:00",
        "2026-03-10T23:60:00+07:00",
        "2026-03-10T23:59:60+07:00",
        "2026-02-30T09:15:00+07:00",
        "0000-01-01T09:15:00+07:00",
        "2026-03-10T09:15:00+24:00",
        "2026-03-10T09:15:00*07:00",
        "2026-03-10 09:15:00+07:00",
        "٢٠٢٦-03-10T09:15:00+07:00",
        "2026-03-10T09:15:00+07:0",
        "2026-03-10T09:15:00+07:000",
        "",
    ],
)
def test_datetime_fast_path_refuses_what_parsing_refuses(odd: str) -> None:
    good = ["2026-03-10T09:15:00+07:00", "2025-12-31T23:59:59-11:30"] * 5
    for position in (0, 5, 9):
        values = list(good)
        values[position] = odd
        _agrees(DATETIME, values)
    _agrees(DATETIME, good)
    assert fast_column(DATETIME, good) is not None


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.datetimes().map(lambda d: d.strftime("%Y-%m-%dT%H:%M:%S") + "+07:00"),
            st.text(alphabet="0123456789-T:+ ", min_size=20, max_size=27),
            st.just(""),
        ),
        min_size=1,
        max_size=12,
    )
)
def test_datetime_fast_path_agrees_with_the_per_cell_rules(values: list[str]) -> None:
    _agrees(DATETIME, values)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.one_of(st.text(min_size=0, max_size=8), st.just("0192f7a0-0000-7000-8000-000000000001")),
        min_size=1,
        max_size=12,
    )
)
def test_id_fast_path_agrees_with_the_per_cell_rules(values: list[str]) -> None:
    _agrees(ID, values)


def test_id_fast_path_accepts_ids_with_nulls_and_refuses_long_ones() -> None:
    ids = ["0192f7a0-0000-7000-8000-000000000001", "", "01-00070|2026-03|D01|", ""]
    fast = fast_column(ID, ids)
    assert fast is not None and fast.encoded[1] == "null" and fast.has_null
    assert fast_column(ID, ["a" * 201]) is None
    assert fast_column(ID, ["ab cd"]) is None


def _outcome(path: Path) -> tuple[Any, ...]:
    result = verify_bundle(path)
    return (
        result.code,
        result.stage,
        [(f.code, f.location) for f in result.findings],
        result.rows,
        result.changes,
    )


def test_two_thread_pipeline_gives_the_sequential_outcomes(
    plain_bundle: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tampered = tmp_path / "tampered.xlsx"
    wb = openpyxl.load_workbook(plain_bundle)
    wb["Quyên góp"]["N3"] = 123
    wb["Cứu trợ"].delete_rows(2)
    wb.save(tampered)
    far = _with_sheet_data(plain_bundle, tmp_path / "far.xlsx", "Cứu trợ", FAR_SPELLINGS["single quotes"])
    cases = [plain_bundle, tampered, far]
    sequential = [_outcome(p) for p in cases]
    assert [o[0] for o in sequential] == ["OK", "CONTENT_MISMATCH", "LIMIT_EXCEEDED"]

    used: list[bool] = []
    real_read = verify._Verifier._read_sheets

    def spy(self: Any, names: Any, stage: int) -> Any:
        used.append(self.pipelined)
        return real_read(self, names, stage)

    monkeypatch.setattr(verify, "PIPELINE_MIN_BYTES", 0)
    monkeypatch.setattr(verify, "_spare_core", lambda: True)
    monkeypatch.setattr(verify._Verifier, "_read_sheets", spy)
    assert [_outcome(p) for p in cases] == sequential
    assert used == [True, True, True]
