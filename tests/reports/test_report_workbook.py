# SPDX-License-Identifier: MIT
"""The Decree 30 report workbook read back with openpyxl: letterhead, merged headers, every value,
number formats, fonts, signature block, A4 page setup; written atomically; and, through
LibreOffice, a PDF whose pages are A4 portrait with no column cut off."""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from pypdf import PdfReader

from conftest import Known
from redcross_desktop.core.errors import ExportFailedError, ValidationError
from redcross_desktop.reports.layout import number_text
from redcross_desktop.reports.workbook import SHEET_DETAILS, SHEET_REPORT

REPORT_DAY = date(2026, 4, 5)


@pytest.fixture
def workbook_path(known: Known, tmp_path: Path) -> Path:
    out = tmp_path / "bao-cao-2026-03.xlsx"
    assert known.reports.write_report("2026-03", out, "5", report_date=REPORT_DAY) == out
    return out


def texts(ws: Worksheet) -> list[str]:
    return [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]


def find(ws: Worksheet, text: str) -> tuple[int, int]:
    for row in ws.iter_rows():
        for cell in row:
            if cell.value == text:
                return cell.row, cell.column
    raise AssertionError(f"{text!r} not found")


def test_letterhead_and_title(workbook_path: Path) -> None:
    ws = load_workbook(workbook_path)[SHEET_REPORT]
    assert ws["A1"].value == "HỘI CTĐ THÀNH PHỐ HÀ NỘI"
    assert ws["A2"].value == "HỘI CHỮ THẬP ĐỎ PHƯỜNG HOÀN KIẾM" and ws["A2"].font.b
    assert ws["A3"].value == "Số: 05/BC-CTĐ"
    assert ws["D1"].value == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" and ws["D1"].font.b
    assert ws["D2"].value == "Độc lập - Tự do - Hạnh phúc"
    assert ws["D2"].font.b and ws["D2"].font.u == "single"
    assert ws["D3"].value == "Hoàn Kiếm, ngày 05 tháng 4 năm 2026" and ws["D3"].font.i
    assert ws["A5"].value == "BÁO CÁO" and ws["A5"].font.b
    assert ws["A6"].value == "KẾT QUẢ CÔNG TÁC HỘI THÁNG 03/2026"
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A1:C1", "A2:C2", "A3:C3", "D1:I1", "D2:I2", "D3:I3", "A5:I5", "A6:I6"} <= merged


def test_table_header_is_merged_and_complete(workbook_path: Path) -> None:
    ws = load_workbook(workbook_path)[SHEET_REPORT]
    assert [ws.cell(8, c).value for c in range(1, 10)] == [
        "STT",
        "Chỉ tiêu",
        "Đơn vị tính",
        "Thực hiện",
        None,
        "So với cùng kỳ",
        None,
        "So với kế hoạch",
        None,
    ]
    assert [ws.cell(9, c).value for c in range(4, 10)] == [
        "Tháng này",
        "Lũy kế từ đầu năm",
        "Cùng kỳ năm trước",
        "So sánh (%)",
        "Kế hoạch năm",
        "% kế hoạch",
    ]
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A8:A9", "B8:B9", "C8:C9", "D8:E8", "F8:G8", "H8:I8"} <= merged
    assert ws.print_title_rows == "$8:$10"


def test_every_value_section_and_number_format(known: Known, workbook_path: Path) -> None:
    report = known.reports.report("2026-03")
    ws = load_workbook(workbook_path)[SHEET_REPORT]
    row = 11
    for section in report.sections:
        assert (ws.cell(row, 1).value, ws.cell(row, 2).value) == (section.roman, section.label)
        assert ws.cell(row, 2).font.b
        row += 1
        number = 0
        for line in (x for x in report.lines if x.section == section.key):
            number += 0 if line.disagg else 1
            cells = [ws.cell(row, c) for c in range(1, 10)]
            assert cells[0].value == (None if line.disagg else number)
            label = f"- {line.label}" if line.disagg else line.label
            assert (cells[1].value, cells[2].value) == (label, line.unit), line.code
            assert [c.value for c in cells[3:]] == [
                line.month,
                line.ytd,
                line.last_year,
                line.compare_pct,
                line.plan,
                line.plan_pct,
            ], line.code
            expected_format = "0" if line.is_percent else "#,##0"
            assert {c.number_format for c in (cells[3], cells[4], cells[5], cells[7])} == {expected_format}
            assert cells[6].number_format == cells[8].number_format == "#,##0.0"
            row += 1
    # Spot checks against the hand-worked figures.
    tien_row, _col = find(ws, "Tiền mặt, chuyển khoản tiếp nhận")
    assert [ws.cell(tien_row, c).value for c in range(4, 8)] == [7_000_000, 10_500_000, 4_000_000, 262.5]
    plan_row, _col = find(ws, "Tổng giá trị vận động")
    assert [ws.cell(plan_row, c).value for c in (8, 9)] == [27_000_000, 50.0]


def test_times_new_roman_everywhere(workbook_path: Path) -> None:
    workbook = load_workbook(workbook_path)
    for ws in workbook.worksheets:
        fonts = {c.font.name for row in ws.iter_rows() for c in row if c.value is not None}
        assert fonts == {"Times New Roman"}, ws.title


def test_narrative_and_signature_block(workbook_path: Path) -> None:
    ws = load_workbook(workbook_path)[SHEET_REPORT]
    all_text = texts(ws)
    assert "1. Đánh giá chung" in all_text and "Hoàn thành tốt các chỉ tiêu tháng 3." in all_text
    assert "4. Kiến nghị, đề xuất" in all_text
    row, col = find(ws, "Nơi nhận:")
    assert col == 1 and ws.cell(row, 1).font.b and ws.cell(row, 1).font.i
    assert [ws.cell(row + i, 1).value for i in (1, 2, 3)] == [
        "- Hội CTĐ thành phố Hà Nội (b/c);",
        "- Đảng ủy, UBND phường Hoàn Kiếm (b/c);",
        "- Lưu: VT.",
    ]
    assert (ws.cell(row, 4).value, ws.cell(row + 1, 4).value) == ("TM. BAN THƯỜNG VỤ", "CHỦ TỊCH")
    name_row, name_col = find(ws, "Nguyễn Thị Hoa")
    assert name_col == 4 and name_row > row + 3 and ws.cell(name_row, 4).font.b
    assert ws.print_area == f"'{SHEET_REPORT}'!$A$1:$I${name_row}"


def test_a4_portrait_fit_to_width_with_margins(workbook_path: Path) -> None:
    for ws in load_workbook(workbook_path).worksheets:
        setup = ws.page_setup
        assert int(setup.paperSize) == 9 and setup.orientation == "portrait"  # 9 = A4
        assert (setup.fitToWidth, setup.fitToHeight) == (1, 0)
        assert ws.sheet_properties.pageSetUpPr.fitToPage is True
        assert round(ws.page_margins.left * 25.4) == 30 and round(ws.page_margins.right * 25.4) == 15
        assert round(ws.page_margins.top * 25.4) == 20 and round(ws.page_margins.bottom * 25.4) == 20


def test_detail_sheet_lists_the_months_donations_and_relief(known: Known, workbook_path: Path) -> None:
    workbook = load_workbook(workbook_path)
    assert workbook.sheetnames == [SHEET_REPORT, SHEET_DETAILS]
    ws = workbook[SHEET_DETAILS]
    all_text = texts(ws)
    assert "Nhà hảo tâm (giấu tên)" in all_text  # d2, anonymous
    assert "Trần Thị Bích" in all_text and "Phạm Văn Dũng" in all_text and "Hộ Bùi Văn Nam" in all_text
    receipts = [t for t in all_text if t.startswith("BN-")]
    assert len(receipts) == 3  # d1 d2 d3; the voided d5 and d10 are not listed
    total_row, _col = find(ws, "Cộng")
    assert [ws.cell(total_row, c).value for c in (6, 7, 8)] == [7_000_000, 3_000_000, 10_000_000]
    assert ws.cell(total_row, 8).number_format == "#,##0"
    for workbook_text in (texts(w) for w in workbook.worksheets):
        for secret in known.cccds + known.phones:
            assert not any(secret in t for t in workbook_text)


def test_number_line() -> None:
    assert number_text("5", "BC-CTĐ") == "Số: 05/BC-CTĐ"
    assert number_text("12", "BC-CTĐ") == "Số: 12/BC-CTĐ"
    assert number_text("", "BC-CTĐ") == "Số:       /BC-CTĐ"


def test_a_failed_export_leaves_nothing(known: Known, tmp_path: Path) -> None:
    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    target = tmp_path / "report.xlsx"
    target.mkdir()  # the rename onto a folder fails after the workbook was written
    with pytest.raises(ExportFailedError) as caught:
        known.reports.write_report("2026-03", target, "5")
    assert caught.value.code == "EXPORT_FAILED"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.xlsx"] and target.is_dir()
    assert list(target.iterdir()) == []
    with pytest.raises(ExportFailedError):
        known.reports.write_report("2026-03", tmp_path / "missing" / "r.xlsx")
    with pytest.raises(ValidationError):
        known.reports.write_report("2026-3", tmp_path / "r.xlsx")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.xlsx"]


def test_a_second_export_replaces_the_file(known: Known, tmp_path: Path) -> None:
    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    out = tmp_path / "r.xlsx"
    out.write_bytes(b"old")
    known.reports.write_report("2026-03", out, "")
    assert load_workbook(out)[SHEET_REPORT]["A3"].value == "Số:       /BC-CTĐ"
    assert [p.name for p in tmp_path.iterdir()] == ["r.xlsx"]


def test_libreoffice_prints_it_on_a4_without_cut_columns(workbook_path: Path, tmp_path: Path) -> None:
    """What an officer gets on paper: every page A4 portrait; every page of the report sheet
    carries the repeated header with its last column ("6 = 2/5"), so no column went to a page of
    its own; the letterhead is on the first page, the signature on the last report page."""
    profile = (tmp_path / "lo-profile").as_uri()
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(workbook_path),
        ],
        check=True,
        capture_output=True,
        timeout=240,
    )
    pdf = PdfReader(tmp_path / "bao-cao-2026-03.pdf")
    pages = [page.extract_text() for page in pdf.pages]
    for page in pdf.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert abs(width - 595.3) < 1 and abs(height - 841.9) < 1
    report_pages = [text for text in pages if "4 = 2/3" in text]
    assert 1 <= len(report_pages) <= 3
    assert all("STT" in text and "6 = 2/5" in text for text in report_pages)
    assert "05/BC-CT" in report_pages[0]
    assert "Hoa" in report_pages[-1] and "VT." in report_pages[-1]
    assert len(pages) == len(report_pages) + 1  # the detail list fits one page
