# SPDX-License-Identifier: MIT
"""The bulk-entry template (layout, pick lists, text cells) and its hardened reader."""

from __future__ import annotations

import zipfile
from datetime import date, datetime, timedelta
from pathlib import Path

import openpyxl
import pytest

from redcross_desktop.core.errors import FileFormatError
from redcross_desktop.sheets.records_reader import ReadLimits, read_records
from redcross_desktop.sheets.template_spec import records_template
from redcross_desktop.sheets.template_writer import write_template

SPEC = records_template()
TITLES = [s.title for s in SPEC.sheets]


@pytest.fixture
def template(tmp_path: Path) -> Path:
    return write_template(tmp_path / "mau-nhap-lieu.xlsx")


def append(path: Path, sheet_key: str, *rows: dict[str, object]) -> None:
    wb = openpyxl.load_workbook(path)
    sheet = SPEC.sheet(sheet_key)
    ws = wb[sheet.title]
    for row in rows:
        ws.append([row.get(c.key) for c in sheet.columns])
    wb.save(path)


def letter_of(sheet_key: str, column_key: str) -> str:
    keys = [c.key for c in SPEC.sheet(sheet_key).columns]
    return openpyxl.utils.get_column_letter(keys.index(column_key) + 1)


# ---------------------------------------------------------------- the template


def test_template_has_instructions_first_then_one_sheet_per_kind(template: Path) -> None:
    wb = openpyxl.load_workbook(template)
    assert wb.sheetnames == [
        "Hướng dẫn",
        "Người",
        "Ủng hộ",
        "Cứu trợ",
        "Hiến máu",
        "Hội viên",
        "Hoạt động",
        "Danh mục",
    ]
    assert wb["Danh mục"].sheet_state == "hidden"
    assert wb.active is not None and wb.active.title == "Hướng dẫn"
    text = "\n".join(str(c.value) for row in wb["Hướng dẫn"].iter_rows() for c in row if c.value)
    assert "05/03/2026" in text and "đồng chẵn" in text
    assert "hiện vật" in text and "nhập trong phần mềm" in text
    assert "không đổi, xóa hay chèn tiêu đề" in text
    for sheet in SPEC.sheets:
        assert sheet.title in text
        assert all(column.header in text for column in sheet.columns)


def test_data_sheets_have_bold_frozen_headers_text_cells_and_pick_lists(template: Path) -> None:
    wb = openpyxl.load_workbook(template)
    lists = wb["Danh mục"]
    for sheet in SPEC.sheets:
        ws = wb[sheet.title]
        assert [c.value for c in ws[1]] == [c.header for c in sheet.columns]
        assert all(c.font.b for c in ws[1])
        assert ws.freeze_panes == "A2"
        validations = {str(dv.sqref).split(":")[0]: dv for dv in ws.data_validations.dataValidation}
        for index, column in enumerate(sheet.columns, start=1):
            letter = openpyxl.utils.get_column_letter(index)
            fmt = ws.column_dimensions[letter].number_format
            if column.type in ("cccd", "phone", "key", "person", "date"):
                assert fmt == "@", (sheet.key, column.key)  # leading zeros and dd/mm survive
            dv = validations[f"{letter}2"]
            assert dv.prompt == column.help[:255]
            if column.type in ("code", "flag"):
                assert dv.type == "list" and dv.showErrorMessage
                source = dv.formula1.split("!")[1].replace("$", "")
                labels = [c.value for row in lists[source] for c in row]
                assert labels == column.labels()
    donations = SPEC.sheet("donations").column("channel")
    assert donations.labels() == ["Tiền mặt", "Chuyển khoản", "Hòm quyên góp"]  # no in-kind in bulk import


def test_empty_template_reads_with_no_rows_and_no_problems(template: Path) -> None:
    parsed = read_records(template)
    assert parsed.problems == ()
    assert list(parsed.sheets) == [s.key for s in SPEC.sheets]
    assert all(s.rows == () for s in parsed.sheets.values())
    assert len(parsed.sha256) == 64


# ---------------------------------------------------------------- values


def test_values_are_typed_and_blank_rows_skipped(template: Path) -> None:
    append(
        template,
        "people",
        {
            "ref": "1",
            "full_name": "  Nguye\u0302\u0303n   Va\u0306n An ",
            "sex": "nam",
            "birth_date": "05/03/1980",
            "cccd": "001 080 012345",
            "phone": "+84 912 345 678",
            "is_organisation": "không",
        },
        {},  # a blank row in the middle
        {
            "ref": 2,
            "full_name": "Lê Thị Bình",
            "sex": "F",
            "birth_date": datetime(1990, 1, 2),
            "phone": "0243 826 1234",
        },
    )
    append(
        template,
        "donations",
        {"received_on": "1/2/2026", "person": "1", "channel": "chuyen khoan", "cash_vnd": "1.500.000"},
        {"received_on": date(2026, 2, 3), "channel": "box", "cash_vnd": 2_000_000.0},
        {"received_on": "2026-02-04", "cash_vnd": "1tr5"},
    )
    parsed = read_records(template, today=date(2026, 11, 22))
    assert parsed.problems == ()
    people = parsed.sheets["people"].rows
    assert [r.row for r in people] == [2, 4]
    assert dict(people[0].values) == {
        "ref": "1",
        "full_name": "Nguyễn Văn An",
        "sex": "M",
        "birth_date": date(1980, 3, 5),
        "birth_year": None,
        "cccd": "001080012345",
        "phone": "0912345678",
        "thon": None,
        "address": None,
        "is_organisation": False,
        "note": None,
    }
    assert (people[1].values["ref"], people[1].values["sex"], people[1].values["phone"]) == (
        "2",
        "F",
        "02438261234",
    )
    donations = [dict(r.values) for r in parsed.sheets["donations"].rows]
    assert [(d["received_on"], d["channel"], d["cash_vnd"]) for d in donations] == [
        (date(2026, 2, 1), "transfer", 1_500_000),
        (date(2026, 2, 3), "box", 2_000_000),
        (date(2026, 2, 4), "cash", 1_500_000),  # blank channel: the default
    ]


def test_bad_cells_are_listed_with_sheet_row_column_and_cell(template: Path) -> None:
    today = date(2026, 11, 22)
    append(
        template,
        "people",
        {"ref": "1", "full_name": '=HYPERLINK("x")'},
        {"ref": "2", "full_name": "Trần Văn Cường", "cccd": 1080012345, "phone": 912345678},
        {
            "ref": "3",
            "full_name": "Phạm Thị Dung",
            "sex": "X",
            "birth_date": "31/02/1990",
            "birth_year": 2099,
            "is_organisation": "có lẽ",
            "thon": "x" * 121,
        },
    )
    append(
        template,
        "donations",
        {"received_on": (today + timedelta(days=1)).strftime("%d/%m/%Y"), "cash_vnd": 0},
        {"received_on": 46000, "cash_vnd": "mười nghìn", "channel": "Hiện vật"},
    )
    parsed = read_records(template, today=today)
    got = {(p.sheet, p.row, p.column, p.cell) for p in parsed.problems}
    assert got == {
        ("Người", 2, "Họ và tên", "B2"),
        ("Người", 3, "CCCD", "F3"),
        ("Người", 3, "Điện thoại", "G3"),
        ("Người", 4, "Giới tính", "C4"),
        ("Người", 4, "Ngày sinh", "D4"),
        ("Người", 4, "Năm sinh", "E4"),
        ("Người", 4, "Thôn/tổ", "H4"),
        ("Người", 4, "Tổ chức", "J4"),
        ("Ủng hộ", 2, "Ngày", "A2"),
        ("Ủng hộ", 2, "Số tiền (đồng)", "E2"),
        ("Ủng hộ", 3, "Ngày", "A3"),
        ("Ủng hộ", 3, "Số tiền (đồng)", "E3"),
        ("Ủng hộ", 3, "Hình thức", "D3"),
    }
    messages = {p.cell: p.message for p in parsed.problems if p.sheet == "Người"}
    assert "công thức" in messages["B2"]
    assert "001080012345" in messages["F3"]  # the lost leading zeros, put back as a suggestion
    assert "0912345678" in messages["G3"]
    assert all(not r.valid for r in parsed.sheets["people"].rows)


def test_headers_renamed_missing_or_duplicated_are_reported(template: Path) -> None:
    wb = openpyxl.load_workbook(template)
    ws = wb["Ủng hộ"]
    ws["A1"] = "Ngày nhận"  # renamed: unknown, and the required Ngày is now missing
    ws["F1"] = "HÌNH THỨC"  # a second Hình thức (accents and case do not matter)
    ws.append(["01/02/2026", None, None, "Tiền mặt", 100000, None, None, "lạc cột"])
    wb.create_sheet("Sheet1")["B3"] = "dữ liệu lạc"
    wb.create_sheet("Trống")
    wb.save(template)
    parsed = read_records(template, today=date(2026, 11, 22))
    got = {(p.sheet, p.row, p.column, p.cell) for p in parsed.problems}
    assert got == {
        ("Ủng hộ", 1, "Ngày nhận", "A1"),
        ("Ủng hộ", 1, "Hình thức", "F1"),
        ("Ủng hộ", 1, "Ngày", ""),
        ("Ủng hộ", 2, "", "H2"),
        ("Sheet1", 0, "", ""),
    }


def test_headers_are_matched_without_accents_case_or_required_mark(template: Path) -> None:
    wb = openpyxl.load_workbook(template)
    ws = wb["Ủng hộ"]
    ws["A1"], ws["E1"] = "NGAY *", "so tien (dong)"
    ws.append(["01/02/2026", None, None, None, 100000])
    wb.save(template)
    parsed = read_records(template, today=date(2026, 11, 22))
    assert parsed.problems == ()
    assert parsed.sheets["donations"].rows[0].values["cash_vnd"] == 100000


# ---------------------------------------------------------------- files that are not templates


def test_text_file_renamed_to_xlsx_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "danh-sach.xlsx"
    path.write_text("Họ và tên,CCCD\nNguyễn Văn An,001080012345\n", encoding="utf-8")
    with pytest.raises(FileFormatError) as caught:
        read_records(path)
    assert caught.value.code == "FILE_FORMAT_INVALID"
    assert "danh-sach.xlsx" in caught.value.message and ".xlsx" in caught.value.message


def test_a_workbook_that_is_not_the_template_is_refused(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    assert wb.active is not None
    wb.active.append(["STT", "Họ tên", "Số tiền"])
    wb.save(tmp_path / "khac.xlsx")
    with pytest.raises(FileFormatError) as caught:
        read_records(tmp_path / "khac.xlsx")
    assert "không phải mẫu nhập liệu" in caught.value.message and "redcross template" in caught.value.message


def test_a_zip_that_is_not_a_workbook_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "nen.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "không phải Excel")
    with pytest.raises(FileFormatError):
        read_records(path)


def test_size_entry_and_row_limits(template: Path) -> None:
    with pytest.raises(FileFormatError) as caught:
        read_records(template, limits=ReadLimits(max_bytes=1000))
    assert "quá lớn" in caught.value.message
    with pytest.raises(FileFormatError):
        read_records(template, limits=ReadLimits(max_zip_entries=3))
    with pytest.raises(FileFormatError):
        read_records(template, limits=ReadLimits(max_uncompressed_total=10_000))
    append(
        template,
        "activities",
        *({"type": "Truyền thông", "title": f"Nói chuyện {n}", "start_date": "01/02/2026"} for n in range(4)),
    )
    assert len(read_records(template, limits=ReadLimits(max_rows_per_sheet=4)).sheets["activities"].rows) == 4
    with pytest.raises(FileFormatError) as caught:
        read_records(template, limits=ReadLimits(max_rows_per_sheet=3))
    assert "Hoạt động" in caught.value.message


def test_entity_expansion_in_the_package_is_refused(template: Path, tmp_path: Path) -> None:
    """Billion laughs in a worksheet: defusedxml refuses the DTD before anything is expanded."""
    dtd = (
        '<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    )
    hostile = tmp_path / "bom.xlsx"
    with zipfile.ZipFile(template) as source, zipfile.ZipFile(hostile, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet2.xml":  # the Người sheet
                data = dtd.encode() + data.replace("Mã người".encode(), b"&lol2;")
            target.writestr(item, data)
    with pytest.raises(FileFormatError):
        read_records(hostile)
