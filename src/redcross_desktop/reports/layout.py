# SPDX-License-Identifier: MIT
"""Decree 30/2020/NĐ-CP page furniture shared by the report and the disclosure workbooks: the
letterhead (Quốc hiệu, Tiêu ngữ, issuing body, number, place and date), the signature block and the
A4 page setup. Qt-free.

Merged cells never grow to fit their text in Excel or LibreOffice, so rows holding wrapped text get
an explicit height estimated from the text length and the merged width.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date

from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ..core.vn import date_line
from .model import Letterhead

FONT_NAME = "Times New Roman"  # PDFs embed a metric-compatible face (Liberation Serif, Tinos)
QUOC_HIEU = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
TIEU_NGU = "Độc lập - Tự do - Hạnh phúc"
# "#,##0" shows the grouping of the reader's locale ("1.250.000" under Vietnamese settings,
# "1,250,000" under English ones). A literal "." cannot be forced portably: in a number format "."
# always means the decimal point, and a text cell would stop being a number the reader can sum.
MONEY_FORMAT = "#,##0"
COUNT_FORMAT = "#,##0"
PERCENT_FORMAT = "#,##0.0"

THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)

# A4 margins (Decree 30 Appendix I): top/bottom 20–25 mm, left 30–35 mm, right 15–20 mm; in inches.
MARGINS_IN = {"top": 20 / 25.4, "bottom": 20 / 25.4, "left": 30 / 25.4, "right": 15 / 25.4}


def font(size: float = 12, *, bold: bool = False, italic: bool = False, underline: bool = False) -> Font:
    return Font(
        name=FONT_NAME, size=size, bold=bold, italic=italic, underline="single" if underline else None
    )


def columns_width(ws: Worksheet, first: int, last: int) -> float:
    return sum(
        float(ws.column_dimensions[get_column_letter(c)].width or 8.43) for c in range(first, last + 1)
    )


def text_lines(text: str, width: float, size: float) -> int:
    """How many lines `text` takes in cells `width` characters wide at `size` points (an estimate
    that errs on the side of one line too many rather than cut text)."""
    per_line = max(1, int(width * 1.05 * 11 / size))
    return sum(max(1, math.ceil(len(part) / per_line)) for part in text.split("\n"))


def fit_height(ws: Worksheet, row: int, lines: int, size: float) -> None:
    height = round(lines * size * 1.32 + 3, 1)
    current = ws.row_dimensions[row].height
    if current is None or current < height:
        ws.row_dimensions[row].height = height


def put(
    ws: Worksheet,
    row: int,
    first_col: int,
    last_col: int,
    value: object,
    *,
    size: float = 12,
    bold: bool = False,
    italic: bool = False,
    underline: bool = False,
    horizontal: str = "center",
    vertical: str = "center",
    wrap: bool = True,
    border: bool = False,
    number_format: str | None = None,
    fit: bool = True,
) -> None:
    """Writes `value` into row `row`, columns first..last (merged when more than one), styled."""
    cell = ws.cell(row=row, column=first_col, value=value)
    cell.font = font(size, bold=bold, italic=italic, underline=underline)
    # Inside a table a small indent keeps text and figures off the cell borders (and apart from
    # the neighbouring cell's figures).
    indent = 1 if border and horizontal in ("left", "right") else 0
    cell.alignment = Alignment(horizontal=horizontal, vertical=vertical, wrap_text=wrap, indent=indent)
    if number_format:
        cell.number_format = number_format
    if last_col > first_col:
        ws.merge_cells(start_row=row, start_column=first_col, end_row=row, end_column=last_col)
    if border:
        for col in range(first_col, last_col + 1):
            ws.cell(row=row, column=col).border = BOX
    if fit and wrap and isinstance(value, str) and value:
        fit_height(ws, row, text_lines(value, columns_width(ws, first_col, last_col), size), size)


def number_text(number: str, suffix: str) -> str:
    """ "Số: 05/BC-CTĐ": numbers below 10 are zero-padded; a blank number leaves room to write it."""
    number = number.strip()
    if number.isdigit():
        number = f"{int(number):02d}"
    return f"Số: {number or ' ' * 6}/{suffix}"


def letterhead(
    ws: Worksheet,
    head: Letterhead,
    *,
    left: tuple[int, int],
    right: tuple[int, int],
    number_line: str,
    on: date,
    row: int = 1,
) -> int:
    """The two header blocks of Decree 30: the issuing body on the left, the Quốc hiệu and Tiêu ngữ
    on the right, then the number and the italic place-and-date line. Returns the next free row."""
    put(ws, row, *left, head.parent_line.upper(), size=12)
    put(ws, row, *right, QUOC_HIEU, size=12, bold=True)
    put(ws, row + 1, *left, head.branch_name.upper(), size=12, bold=True, underline=True)
    put(ws, row + 1, *right, TIEU_NGU, size=13, bold=True, underline=True)
    put(ws, row + 2, *left, number_line, size=13)
    put(ws, row + 2, *right, date_line(head.place_name, on), size=13, italic=True)
    return row + 4


def signature(
    ws: Worksheet,
    row: int,
    *,
    left: tuple[int, int],
    right: tuple[int, int],
    left_title: str,
    left_lines: Sequence[str],
    right_lines: Sequence[str],
    name: str,
    left_name: str = "",
) -> int:
    """Left: "Nơi nhận:" and its list (or a second signer); right: "TM. BAN THƯỜNG VỤ" / "CHỦ TỊCH",
    room to sign and seal, and the name. Returns the next free row."""
    if left_name:  # a second signer ("NGƯỜI LẬP BIỂU"), laid out like the right block
        put(ws, row, *left, left_title, size=13, bold=True)
    else:  # "Nơi nhận:" in bold italics, its list in small type
        put(ws, row, *left, left_title, size=12, bold=True, italic=True, horizontal="left")
    for offset, text in enumerate(right_lines):
        put(ws, row + offset, *right, text, size=13, bold=True)
    for offset, text in enumerate(left_lines, start=1):
        put(ws, row + offset, *left, text, size=11, horizontal="left")
    gap = max(len(right_lines), len(left_lines) + 1) + 4
    if left_name:
        put(ws, row + gap, *left, left_name, size=13, bold=True)
    put(ws, row + gap, *right, name, size=13, bold=True)
    return row + gap + 1


def page_setup(ws: Worksheet, *, last_col: int, last_row: int, title_rows: tuple[int, int] | None) -> None:
    """A4 portrait, fitted to one page wide (any number of pages tall), header rows repeated,
    Decree 30 margins, page number at the bottom centre."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.top = MARGINS_IN["top"]
    ws.page_margins.bottom = MARGINS_IN["bottom"]
    ws.page_margins.left = MARGINS_IN["left"]
    ws.page_margins.right = MARGINS_IN["right"]
    ws.page_margins.header = 0.3
    ws.page_margins.footer = 0.3
    ws.print_options.horizontalCentered = True
    ws.print_area = f"A1:{get_column_letter(last_col)}{last_row}"
    if title_rows is not None:
        ws.print_title_rows = f"{title_rows[0]}:{title_rows[1]}"
    ws.oddFooter.center.text = "&P/&N"
    ws.oddFooter.center.font = FONT_NAME
    ws.oddFooter.center.size = 11
    ws.sheet_view.showGridLines = False
