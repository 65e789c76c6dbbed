# SPDX-License-Identifier: MIT
"""The monthly report workbook (domain.md §3.3): Decree 30/2020/NĐ-CP letterhead, the indicator
table with merged headers, the narrative sections and the signature block on the first sheet, and
the detail lists ("Danh sách chi tiết") on the second. Both sheets print on A4 portrait, one page
wide, with the table header repeated on every page.

Numbers are real numbers with `#,##0` (see `layout.MONEY_FORMAT` for why the thousands separator
follows the reader's locale), so the province can add them up. Everything is Times New Roman. Qt-free.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment
from openpyxl.worksheet.worksheet import Worksheet

from ..core.vn import format_date
from .layout import (
    BOX,
    COUNT_FORMAT,
    MONEY_FORMAT,
    PERCENT_FORMAT,
    font,
    letterhead,
    number_text,
    page_setup,
    put,
    signature,
)
from .model import MonthlyReport, ReportDTO, ReportLine

SHEET_REPORT = "Báo cáo"
SHEET_DETAILS = "Danh sách chi tiết"

# (header, width in characters); nine columns fit A4 portrait between 30 mm and 15 mm margins at
# about 85 % scale.
COLUMNS: tuple[tuple[str, float], ...] = (
    ("STT", 5),
    ("Chỉ tiêu", 36),
    ("Đơn vị tính", 9.5),
    ("Tháng này", 12.5),
    ("Lũy kế từ đầu năm", 12.5),
    ("Cùng kỳ năm trước", 12.5),
    ("So sánh (%)", 9),
    ("Kế hoạch năm", 12.5),
    ("% kế hoạch", 9.5),
)
GROUP_HEADERS: tuple[tuple[int, int, str], ...] = (
    (4, 5, "Thực hiện"),
    (6, 7, "So với cùng kỳ"),
    (8, 9, "So với kế hoạch"),
)
COLUMN_NUMBERS = ("A", "B", "C", "1", "2", "3", "4 = 2/3", "5", "6 = 2/5")
LAST_COL = len(COLUMNS)
LEFT_BLOCK = (1, 3)
RIGHT_BLOCK = (4, LAST_COL)

DETAIL_COLUMNS: tuple[float, ...] = (5, 11, 15, 27, 24, 13, 13, 13)
DETAIL_LAST = len(DETAIL_COLUMNS)


def current_column_title(report: MonthlyReport) -> str:
    if "-Q" in report.period:
        return "Quý này"
    if report.period.endswith("/YTD"):
        return "Kỳ báo cáo"
    return "Tháng này"


def _value_cell(ws: Worksheet, row: int, col: int, value: float | None, fmt: str, *, italic: bool) -> None:
    cell = ws.cell(row=row, column=col, value=value)
    cell.font = font(12, italic=italic)
    cell.alignment = Alignment(horizontal="right", vertical="center", indent=1)
    cell.number_format = fmt
    cell.border = BOX


def _table_header(ws: Worksheet, row: int, report: MonthlyReport) -> int:
    titles = [title for title, _width in COLUMNS]
    titles[3] = current_column_title(report)
    grouped = {c for first, last, _t in GROUP_HEADERS for c in range(first, last + 1)}
    for col, title in enumerate(titles, start=1):
        if col in grouped:
            put(ws, row + 1, col, col, title, size=12, bold=True, border=True)
        else:
            put(ws, row, col, col, title, size=12, bold=True, border=True, fit=False)
            ws.cell(row=row + 1, column=col).border = BOX
            ws.merge_cells(start_row=row, start_column=col, end_row=row + 1, end_column=col)
    for first, last, title in GROUP_HEADERS:
        put(ws, row, first, last, title, size=12, bold=True, border=True)
    for col, label in enumerate(COLUMN_NUMBERS, start=1):
        put(ws, row + 2, col, col, label, size=10, italic=True, border=True, fit=False)
    ws.row_dimensions[row + 1].height = 33
    return row + 3


def _line_row(ws: Worksheet, row: int, line: ReportLine, number: int | None) -> None:
    sub = bool(line.disagg)
    put(ws, row, 1, 1, number, size=12, border=True, fit=False)
    label = f"- {line.label}" if sub else line.label
    put(ws, row, 2, 2, label, size=12, italic=sub, horizontal="left", border=True)
    if sub:
        ws.cell(row=row, column=2).alignment = Alignment(
            horizontal="left", vertical="center", wrap_text=True, indent=2
        )
    # Units are short words that wrap at a space if needed; the label decides the row height.
    put(ws, row, 3, 3, line.unit, size=12, italic=sub, border=True, fit=False)
    fmt = "0" if line.is_percent else (MONEY_FORMAT if line.is_money else COUNT_FORMAT)
    _value_cell(ws, row, 4, line.month, fmt, italic=sub)
    _value_cell(ws, row, 5, line.ytd, fmt, italic=sub)
    _value_cell(ws, row, 6, line.last_year, fmt, italic=sub)
    _value_cell(ws, row, 7, line.compare_pct, PERCENT_FORMAT, italic=sub)
    _value_cell(ws, row, 8, line.plan, fmt, italic=sub)
    _value_cell(ws, row, 9, line.plan_pct, PERCENT_FORMAT, italic=sub)


def _report_sheet(ws: Worksheet, dto: ReportDTO) -> None:
    report = dto.report
    for index, (_title, width) in enumerate(COLUMNS, start=1):
        ws.column_dimensions[ws.cell(row=1, column=index).column_letter].width = width
    row = letterhead(
        ws,
        dto.letterhead,
        left=LEFT_BLOCK,
        right=RIGHT_BLOCK,
        number_line=number_text(dto.number, dto.number_suffix),
        on=dto.report_date,
    )
    put(ws, row, 1, LAST_COL, "BÁO CÁO", size=14, bold=True)
    put(ws, row + 1, 1, LAST_COL, f"KẾT QUẢ CÔNG TÁC HỘI {report.period_label.upper()}", size=13, bold=True)
    row += 3
    header_first = row
    row = _table_header(ws, row, report)
    header_last = row - 1
    ws.freeze_panes = ws.cell(row=row, column=3)

    for section in report.sections:
        lines = [x for x in report.lines if x.section == section.key]
        if not lines:
            continue
        put(ws, row, 1, 1, section.roman, size=12, bold=True, border=True, fit=False)
        put(ws, row, 2, LAST_COL, section.label, size=12, bold=True, horizontal="left", border=True)
        row += 1
        number = 0
        for line in lines:
            if not line.disagg:
                number += 1
            _line_row(ws, row, line, None if line.disagg else number)
            row += 1

    row += 1
    put(ws, row, 1, LAST_COL, "ĐÁNH GIÁ, PHƯƠNG HƯỚNG", size=13, bold=True, horizontal="left")
    row += 1
    for index, item in enumerate(report.narrative, start=1):
        put(ws, row, 1, LAST_COL, f"{index}. {item.label}", size=13, bold=True, horizontal="left")
        row += 1
        if item.text:
            put(ws, row, 1, LAST_COL, item.text, size=13, horizontal="justify", vertical="top")
        else:  # a dotted line to write on by hand
            put(ws, row, 1, LAST_COL, "." * 270, size=13, horizontal="left", wrap=False)
            ws.row_dimensions[row].height = 20
        row += 1

    row += 1
    row = signature(
        ws,
        row,
        left=LEFT_BLOCK,
        right=RIGHT_BLOCK,
        left_title="Nơi nhận:",
        left_lines=dto.recipients,
        right_lines=("TM. BAN THƯỜNG VỤ", dto.letterhead.chair_title.upper()),
        name=dto.letterhead.chair_name,
    )
    page_setup(ws, last_col=LAST_COL, last_row=row - 1, title_rows=(header_first, header_last))


def _detail_header(ws: Worksheet, row: int, titles: tuple[str, ...]) -> int:
    for col, title in enumerate(titles, start=1):
        put(ws, row, col, col, title, size=12, bold=True, border=True)
    return row + 1


def _money(ws: Worksheet, row: int, col: int, value: int, *, bold: bool = False) -> None:
    put(
        ws,
        row,
        col,
        col,
        value,
        size=12,
        bold=bold,
        horizontal="right",
        border=True,
        number_format=MONEY_FORMAT,
        fit=False,
    )


def _details_sheet(ws: Worksheet, dto: ReportDTO) -> None:
    for index, width in enumerate(DETAIL_COLUMNS, start=1):
        ws.column_dimensions[ws.cell(row=1, column=index).column_letter].width = width
    report = dto.report
    put(ws, 1, 1, DETAIL_LAST, "DANH SÁCH CHI TIẾT", size=14, bold=True)
    put(
        ws,
        2,
        1,
        DETAIL_LAST,
        f"(Kèm theo báo cáo kết quả công tác Hội {report.period_label} của {dto.letterhead.branch_name})",
        size=12,
        italic=True,
    )
    row = 4
    put(ws, row, 1, DETAIL_LAST, "I. CÁC KHOẢN ỦNG HỘ ĐÃ TIẾP NHẬN", size=12, bold=True, horizontal="left")
    row = _detail_header(
        ws,
        row + 1,
        (
            "STT",
            "Ngày",
            "Số biên nhận",
            "Người ủng hộ",
            "Đợt vận động",
            "Tiền (đồng)",
            "Hiện vật (đồng)",
            "Cộng (đồng)",
        ),
    )
    for number, d in enumerate(dto.donations, start=1):
        put(ws, row, 1, 1, number, size=12, border=True, fit=False)
        put(ws, row, 2, 2, format_date(d.received_on), size=12, border=True)
        put(ws, row, 3, 3, d.receipt_code, size=12, border=True)
        donor = d.donor_name + (f"\n({d.goods})" if d.goods else "")
        put(ws, row, 4, 4, donor, size=12, horizontal="left", border=True)
        put(ws, row, 5, 5, d.campaign_name, size=12, horizontal="left", border=True)
        _money(ws, row, 6, d.cash_vnd)
        _money(ws, row, 7, d.goods_vnd)
        _money(ws, row, 8, d.total_vnd)
        row += 1
    put(ws, row, 1, 5, "Cộng", size=12, bold=True, border=True)
    _money(ws, row, 6, sum(d.cash_vnd for d in dto.donations), bold=True)
    _money(ws, row, 7, sum(d.goods_vnd for d in dto.donations), bold=True)
    _money(ws, row, 8, sum(d.total_vnd for d in dto.donations), bold=True)
    row += 2

    put(ws, row, 1, DETAIL_LAST, "II. CỨU TRỢ, TRỢ GIÚP ĐÃ TRAO", size=12, bold=True, horizontal="left")
    row = _detail_header(
        ws,
        row + 1,
        (
            "STT",
            "Ngày",
            "Thôn, tổ",
            "Họ và tên",
            "Hình thức hỗ trợ",
            "Tiền (đồng)",
            "Hiện vật (đồng)",
            "Cộng (đồng)",
        ),
    )
    for number, r in enumerate(dto.relief, start=1):
        put(ws, row, 1, 1, number, size=12, border=True, fit=False)
        put(ws, row, 2, 2, format_date(r.given_on), size=12, border=True)
        put(ws, row, 3, 3, r.thon, size=12, horizontal="left", border=True)
        put(ws, row, 4, 4, r.name, size=12, horizontal="left", border=True)
        put(ws, row, 5, 5, r.support or r.kind_label, size=12, horizontal="left", border=True)
        _money(ws, row, 6, r.cash_vnd)
        _money(ws, row, 7, r.goods_vnd)
        _money(ws, row, 8, r.total_vnd)
        row += 1
    put(ws, row, 1, 5, "Cộng", size=12, bold=True, border=True)
    _money(ws, row, 6, sum(r.cash_vnd for r in dto.relief), bold=True)
    _money(ws, row, 7, sum(r.goods_vnd for r in dto.relief), bold=True)
    _money(ws, row, 8, sum(r.total_vnd for r in dto.relief), bold=True)
    page_setup(ws, last_col=DETAIL_LAST, last_row=row, title_rows=None)


def build_report_workbook(dto: ReportDTO) -> Workbook:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = SHEET_REPORT
    _report_sheet(sheet, dto)
    _details_sheet(workbook.create_sheet(SHEET_DETAILS), dto)
    workbook.properties.title = f"Báo cáo kết quả công tác Hội {dto.report.period_label}"
    workbook.properties.creator = dto.letterhead.branch_name
    return workbook


def write_report_workbook(path: Path, report: ReportDTO) -> Path:
    """Writes the report workbook to `path` (the caller makes it atomic) and returns the path."""
    build_report_workbook(report).save(path)
    return path
