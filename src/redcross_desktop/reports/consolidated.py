# SPDX-License-Identifier: MIT
"""The province's consolidated monthly report (issue 5, item 4): frozen DTOs built by
`services/province/consolidation.py` and the Decree 30-style workbook written from them, so the
writer never touches the database and can be tested with plain values.

**Layout, for a province of ~150 communes.** One column per commune cannot be fitted to the width
of any paper and stay readable (150 columns on A3 would print at about 9 %), so:

- "Tổng hợp" — the Decree 30 document: letterhead, title, the indicator table (STT | Chỉ tiêu |
  Đơn vị tính | Toàn tỉnh | one column per commune) and the signature block. A3 landscape at 70 %:
  the first four columns and the table header repeat on every printed page, so each page reads
  on its own and the communes continue across pages (about 15 per page). On screen the panes are
  frozen at the first commune column.
- "Theo xã" — the same figures transposed, one row per commune (code, name, reported or not, then
  every indicator's own figure) with the province total first: it sorts and filters in Excel
  (autofilter), which is how a province officer looks for one commune or the largest figures.
- "Cảnh báo" — the `REPORT_MISMATCH` warnings: a commune's reported figure next to the one
  recomputed from its records.

Numbers are real numbers with `#,##0` (layout.MONEY_FORMAT), Times New Roman throughout. Qt-free.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, NamedStyle
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from .layout import (
    BOX,
    COUNT_FORMAT,
    MONEY_FORMAT,
    font,
    letterhead,
    number_text,
    page_setup,
    put,
    signature,
)
from .model import Letterhead, ReportSection

SHEET_SUMMARY = "Tổng hợp"
SHEET_BY_COMMUNE = "Theo xã"
SHEET_WARNINGS = "Cảnh báo"


@dataclass(frozen=True)
class CommuneColumn:
    """A commune of the report: registered at the province, or known only from its records."""

    branch_code: str
    commune_code: str | None
    name: str
    reported: bool  # sent report rows for the period


@dataclass(frozen=True)
class ConsolidatedLine:
    """One indicator (disagg "") or one of its breakdowns ("bag=350"): the province total and one
    figure per commune, in `ProvinceReport.communes` order. None = no figure (not reported, or a
    hand-entered row left empty). A ratio's total is recomputed, never added up (`summed` False)."""

    code: str
    disagg: str
    label: str
    unit: str
    section: str
    total: int | None
    values: tuple[int | None, ...]
    is_money: bool = False
    is_percent: bool = False
    summed: bool = True


@dataclass(frozen=True)
class ReportMismatch:
    """`REPORT_MISMATCH` (bundle-format.md §9, WARN): a commune's own figure differs from the one
    the province recomputes from its imported records."""

    branch_code: str
    period: str
    indicator: str
    label: str
    reported: int
    recomputed: int
    message_vi: str
    message_en: str
    code: str = "REPORT_MISMATCH"

    @property
    def difference(self) -> int:
        return self.reported - self.recomputed


@dataclass(frozen=True)
class ProvinceReport:
    period: str
    period_label: str  # "tháng 03/2026"
    province_code: str
    province_name: str
    catalogue_version: str
    letterhead: Letterhead
    report_date: date
    number_suffix: str
    sections: tuple[ReportSection, ...]
    communes: tuple[CommuneColumn, ...]
    lines: tuple[ConsolidatedLine, ...]
    mismatches: tuple[ReportMismatch, ...]

    def line(self, code: str, disagg: str = "") -> ConsolidatedLine | None:
        return next((x for x in self.lines if x.code == code and x.disagg == disagg), None)

    def column(self, branch_code: str) -> int:
        """Index of a commune in `communes` (and in every line's `values`); ValueError if absent."""
        for index, commune in enumerate(self.communes):
            if commune.branch_code == branch_code:
                return index
        raise ValueError(branch_code)

    def value(self, code: str, branch_code: str, disagg: str = "") -> int | None:
        line = self.line(code, disagg)
        return None if line is None else line.values[self.column(branch_code)]

    @property
    def reported_count(self) -> int:
        return sum(1 for c in self.communes if c.reported)

    def as_dict(self) -> dict[str, Any]:
        """Plain data for `--json`: every indicator per commune (keyed by branch code) and in total."""
        codes = [c.branch_code for c in self.communes]
        return {
            "period": self.period,
            "province_code": self.province_code,
            "catalogue_version": self.catalogue_version,
            "communes": [asdict(c) for c in self.communes],
            "reported": self.reported_count,
            "lines": [
                {
                    "code": x.code,
                    "disagg": x.disagg,
                    "label": x.label,
                    "unit": x.unit,
                    "total": x.total,
                    "communes": dict(zip(codes, x.values, strict=True)),
                }
                for x in self.lines
            ],
            "warnings": [
                {
                    "code": m.code,
                    "branch_code": m.branch_code,
                    "indicator": m.indicator,
                    "reported": m.reported,
                    "recomputed": m.recomputed,
                    "message_vi": m.message_vi,
                    "message_en": m.message_en,
                }
                for m in self.mismatches
            ],
        }


# ---------------------------------------------------------------- the workbook

LABEL_COLUMNS: tuple[tuple[str, float], ...] = (
    ("STT", 5),
    ("Chỉ tiêu", 34),
    ("Đơn vị tính", 9),
    ("Toàn tỉnh", 14),
)
FIRST_COMMUNE = len(LABEL_COLUMNS) + 1
COMMUNE_WIDTH = 13
LEFT_BLOCK = (1, 2)
RIGHT_BLOCK = (3, 8)
PRINT_SCALE = 70  # percent, A3 landscape: about 15 communes beside the repeated columns


def _number_format(line: ConsolidatedLine) -> str:
    return "0" if line.is_percent else (MONEY_FORMAT if line.is_money else COUNT_FORMAT)


def _value_style(ws: Worksheet, fmt: str, bold: bool) -> str:
    """A named style per (format, weight), registered once per workbook: assigning a named style
    costs a lookup, while a fresh font, alignment and border per cell make openpyxl hash every
    style object again (seconds for 150 communes × 90 rows)."""
    name = f"CTĐ số {fmt}{' đậm' if bold else ''}"
    workbook = ws.parent
    if name not in workbook.named_styles:
        style = NamedStyle(name=name, number_format=fmt, border=BOX)
        style.font = font(11, bold=bold)
        style.alignment = Alignment(horizontal="right", vertical="center", indent=1)
        workbook.add_named_style(style)
    return name


def _value_cell(
    ws: Worksheet, row: int, col: int, value: int | None, fmt: str, *, bold: bool = False
) -> None:
    cell = ws.cell(row=row, column=col, value=value)
    cell.style = _value_style(ws, fmt, bold)


def _wide_setup(ws: Worksheet, *, last_col: int, last_row: int, rows: tuple[int, int], cols: str) -> None:
    """Decree 30 page furniture (margins, page numbers) on A3 landscape, NOT fitted to the width:
    the label columns and the header rows repeat on every page instead."""
    page_setup(ws, last_col=last_col, last_row=last_row, title_rows=rows)
    ws.page_setup.paperSize = ws.PAPERSIZE_A3
    ws.page_setup.orientation = "landscape"
    ws.sheet_properties.pageSetUpPr.fitToPage = False
    ws.page_setup.scale = PRINT_SCALE
    ws.print_title_cols = cols
    ws.print_options.horizontalCentered = False


def _summary_sheet(ws: Worksheet, report: ProvinceReport) -> None:
    for index, (_title, width) in enumerate(LABEL_COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    last_col = FIRST_COMMUNE + len(report.communes) - 1
    for col in range(FIRST_COMMUNE, last_col + 1):
        ws.column_dimensions[get_column_letter(col)].width = COMMUNE_WIDTH
    title_end = max(RIGHT_BLOCK[1], 4)
    row = letterhead(
        ws,
        report.letterhead,
        left=LEFT_BLOCK,
        right=RIGHT_BLOCK,
        number_line=number_text("", report.number_suffix),
        on=report.report_date,
    )
    put(ws, row, 1, title_end, "BÁO CÁO TỔNG HỢP", size=14, bold=True)
    put(
        ws,
        row + 1,
        1,
        title_end,
        f"Kết quả công tác Hội {report.period_label} của các Hội Chữ thập đỏ cấp xã",
        size=13,
        bold=True,
    )
    put(
        ws,
        row + 2,
        1,
        title_end,
        f"Số đơn vị đã báo cáo: {report.reported_count}/{len(report.communes)}"
        f" (danh mục chỉ tiêu {report.catalogue_version})",
        size=12,
        italic=True,
    )
    row += 4
    header = row
    for col, (title, _width) in enumerate(LABEL_COLUMNS, start=1):
        put(ws, row, col, col, title, size=11, bold=True, border=True, fit=False)
        ws.cell(row=row + 1, column=col).border = BOX
        ws.merge_cells(start_row=row, start_column=col, end_row=row + 1, end_column=col)
    for offset, commune in enumerate(report.communes):
        col = FIRST_COMMUNE + offset
        put(ws, row, col, col, commune.name, size=11, bold=True, border=True, fit=False)
        code = commune.commune_code or commune.branch_code
        put(
            ws,
            row + 1,
            col,
            col,
            code if commune.reported else f"{code} (chưa BC)",
            size=9,
            italic=True,
            border=True,
        )
    ws.row_dimensions[row].height = 45
    row += 2
    ws.freeze_panes = ws.cell(row=row, column=FIRST_COMMUNE)

    for section in report.sections:
        lines = [x for x in report.lines if x.section == section.key]
        if not lines:
            continue
        put(ws, row, 1, 1, section.roman, size=11, bold=True, border=True, fit=False)
        put(ws, row, 2, 4, section.label, size=11, bold=True, horizontal="left", border=True)
        for col in range(FIRST_COMMUNE, last_col + 1):
            ws.cell(row=row, column=col).border = BOX
        row += 1
        number = 0
        for line in lines:
            sub = bool(line.disagg)
            if not sub:
                number += 1
            put(ws, row, 1, 1, None if sub else number, size=11, border=True, fit=False)
            put(
                ws,
                row,
                2,
                2,
                f"- {line.label}" if sub else line.label,
                size=11,
                italic=sub,
                horizontal="left",
                border=True,
            )
            put(ws, row, 3, 3, line.unit, size=11, italic=sub, border=True, fit=False)
            fmt = _number_format(line)
            _value_cell(ws, row, 4, line.total, fmt, bold=True)
            for offset, value in enumerate(line.values):
                _value_cell(ws, row, FIRST_COMMUNE + offset, value, fmt)
            row += 1

    row += 1
    end = signature(
        ws,
        row,
        left=LEFT_BLOCK,
        right=RIGHT_BLOCK,
        left_title="Nơi nhận:",
        left_lines=("- Trung ương Hội CTĐ Việt Nam (b/c);", "- Lưu: VT."),
        right_lines=("TM. BAN THƯỜNG VỤ", report.letterhead.chair_title.upper()),
        name=report.letterhead.chair_name,
    )
    _wide_setup(
        ws, last_col=max(last_col, RIGHT_BLOCK[1]), last_row=end - 1, rows=(header, header + 1), cols="A:D"
    )


def _by_commune_sheet(ws: Worksheet, report: ProvinceReport) -> None:
    own = [x for x in report.lines if not x.disagg]
    fixed = (("STT", 5), ("Mã xã", 8), ("Tên đơn vị", 26), ("Đã báo cáo", 9))
    for col, (title, width) in enumerate(fixed, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
        put(ws, 1, col, col, title, size=11, bold=True, border=True, fit=False)
    first = len(fixed) + 1
    for offset, line in enumerate(own):
        col = first + offset
        ws.column_dimensions[get_column_letter(col)].width = 14
        put(
            ws,
            1,
            col,
            col,
            f"{line.code}\n{line.label} ({line.unit})",
            size=10,
            bold=True,
            border=True,
            fit=False,
        )
    ws.row_dimensions[1].height = 80
    put(
        ws,
        2,
        1,
        4,
        f"Toàn tỉnh ({report.reported_count}/{len(report.communes)} đã báo cáo)",
        size=11,
        bold=True,
        border=True,
    )
    for offset, line in enumerate(own):
        _value_cell(ws, 2, first + offset, line.total, _number_format(line), bold=True)
    for index, commune in enumerate(report.communes):
        row = 3 + index
        put(ws, row, 1, 1, index + 1, size=11, border=True, fit=False)
        put(ws, row, 2, 2, commune.commune_code or "", size=11, border=True, fit=False)
        put(ws, row, 3, 3, commune.name, size=11, horizontal="left", border=True, fit=False)
        put(ws, row, 4, 4, "có" if commune.reported else "chưa", size=11, border=True, fit=False)
        for offset, line in enumerate(own):
            _value_cell(ws, row, first + offset, line.values[index], _number_format(line))
    last_row = 2 + len(report.communes)
    last_col = first + len(own) - 1
    ws.freeze_panes = ws.cell(row=3, column=first)
    if report.communes:
        ws.auto_filter.ref = f"A1:{get_column_letter(last_col)}{last_row}"
    _wide_setup(ws, last_col=last_col, last_row=last_row, rows=(1, 2), cols="A:C")


def _warnings_sheet(ws: Worksheet, report: ProvinceReport) -> None:
    titles = (
        ("STT", 5),
        ("Mã đơn vị", 12),
        ("Tên đơn vị", 26),
        ("Mã chỉ tiêu", 13),
        ("Chỉ tiêu", 34),
        ("Xã báo cáo", 14),
        ("Tính lại từ dữ liệu", 14),
        ("Chênh lệch", 14),
    )
    for col, (_title, width) in enumerate(titles, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    put(ws, 1, 1, len(titles), "BÁO CÁO KHÔNG KHỚP SỐ LIỆU CHI TIẾT", size=14, bold=True)
    put(
        ws,
        2,
        1,
        len(titles),
        f"{report.period_label}: số liệu xã tự báo cáo so với số tính lại từ dữ liệu chi tiết xã đã gửi"
        " (REPORT_MISMATCH). Đề nghị xã kiểm tra, sửa trong phần mềm rồi gửi lại gói dữ liệu.",
        size=12,
        italic=True,
    )
    for col, (title, _width) in enumerate(titles, start=1):
        put(ws, 4, col, col, title, size=11, bold=True, border=True)
    names = {c.branch_code: c.name for c in report.communes}
    row = 5
    for index, m in enumerate(report.mismatches, start=1):
        put(ws, row, 1, 1, index, size=11, border=True, fit=False)
        put(ws, row, 2, 2, m.branch_code, size=11, border=True, fit=False)
        put(ws, row, 3, 3, names.get(m.branch_code, ""), size=11, horizontal="left", border=True)
        put(ws, row, 4, 4, m.indicator, size=11, border=True, fit=False)
        put(ws, row, 5, 5, m.label, size=11, horizontal="left", border=True)
        for col, value in ((6, m.reported), (7, m.recomputed), (8, m.difference)):
            _value_cell(ws, row, col, value, COUNT_FORMAT)
        row += 1
    if not report.mismatches:
        put(ws, row, 1, len(titles), "Không có chênh lệch.", size=12, italic=True, border=True)
        row += 1
    page_setup(ws, last_col=len(titles), last_row=row - 1, title_rows=(4, 4))
    ws.page_setup.orientation = "landscape"


def build_consolidated_workbook(report: ProvinceReport) -> Workbook:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = SHEET_SUMMARY
    _summary_sheet(sheet, report)
    _by_commune_sheet(workbook.create_sheet(SHEET_BY_COMMUNE), report)
    _warnings_sheet(workbook.create_sheet(SHEET_WARNINGS), report)
    workbook.properties.title = f"Báo cáo tổng hợp kết quả công tác Hội {report.period_label}"
    workbook.properties.creator = report.letterhead.branch_name
    return workbook


def write_consolidated_workbook(path: Path, report: ProvinceReport) -> Path:
    """Writes the workbook to `path` (the caller makes it atomic) and returns the path."""
    build_consolidated_workbook(report).save(path)
    return path
