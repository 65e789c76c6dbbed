# SPDX-License-Identifier: MIT
"""The public disclosure sheet ("BẢNG CÔNG KHAI", Decree 93/2021/NĐ-CP Art. 14) of a campaign or a
period: the calling documents and how gifts were received, every gift received (anonymous donors
as "Nhà hảo tâm (giấu tên)") and every support given (name, thôn, what and how much), with totals,
printable on A4 to post at the office and in the thôn.

Only what is public by duty is written (domain.md §6): the DTO has no CCCD, phone, designation or
vulnerable-group field, so none can leak onto the wall. Qt-free.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from ..core.vn import amount_in_words, format_date, format_vnd
from .layout import MONEY_FORMAT, letterhead, page_setup, put, signature
from .model import DisclosureDTO

SHEET_DISCLOSURE = "Bảng công khai"
WIDTHS: tuple[float, ...] = (5, 11.5, 30, 14, 28, 14)
LAST_COL = len(WIDTHS)


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


def _header(ws: Worksheet, row: int, titles: tuple[tuple[int, int, str], ...]) -> int:
    for first, last, title in titles:
        put(ws, row, first, last, title, size=12, bold=True, border=True)
    return row + 1


def _period_text(dto: DisclosureDTO) -> str:
    if dto.receiving_from is None:
        return ""
    if dto.receiving_to is None:
        return f"từ ngày {format_date(dto.receiving_from)} đến nay"
    return f"từ ngày {format_date(dto.receiving_from)} đến ngày {format_date(dto.receiving_to)}"


def _sheet(ws: Worksheet, dto: DisclosureDTO) -> None:
    for index, width in enumerate(WIDTHS, start=1):
        ws.column_dimensions[ws.cell(row=1, column=index).column_letter].width = width
    row = letterhead(
        ws, dto.letterhead, left=(1, 3), right=(4, LAST_COL), number_line="", on=dto.disclosure_date
    )
    put(ws, row, 1, LAST_COL, "BẢNG CÔNG KHAI", size=14, bold=True)
    put(ws, row + 1, 1, LAST_COL, "Tiếp nhận và phân phối nguồn đóng góp tự nguyện", size=13, bold=True)
    put(ws, row + 2, 1, LAST_COL, dto.scope_label, size=13, bold=True)
    put(
        ws,
        row + 3,
        1,
        LAST_COL,
        "(Theo Điều 14 Nghị định số 93/2021/NĐ-CP ngày 27/10/2021 của Chính phủ)",
        size=12,
        italic=True,
    )
    row += 5
    facts = [
        ("Văn bản kêu gọi, vận động", dto.documents),
        ("Thời gian tiếp nhận", _period_text(dto)),
        ("Hình thức tiếp nhận", ", ".join(dto.channels)),
        ("Địa điểm tiếp nhận", dto.letterhead.branch_name),
    ]
    for label, value in facts:
        if value:
            put(ws, row, 1, LAST_COL, f"- {label}: {value}.", size=12, horizontal="left")
            row += 1
    row += 1

    put(ws, row, 1, LAST_COL, "I. DANH SÁCH TIẾP NHẬN", size=12, bold=True, horizontal="left")
    row = _header(
        ws,
        row + 1,
        (
            (1, 1, "STT"),
            (2, 2, "Ngày"),
            (3, 3, "Người ủng hộ"),
            (4, 4, "Tiền (đồng)"),
            (5, 5, "Hiện vật"),
            (6, 6, "Trị giá hiện vật (đồng)"),
        ),
    )
    for number, d in enumerate(dto.donations, start=1):
        put(ws, row, 1, 1, number, size=12, border=True, fit=False)
        put(ws, row, 2, 2, format_date(d.received_on), size=12, border=True)
        put(ws, row, 3, 3, d.donor_name, size=12, horizontal="left", border=True)
        _money(ws, row, 4, d.cash_vnd)
        put(ws, row, 5, 5, d.goods, size=12, horizontal="left", border=True)
        _money(ws, row, 6, d.goods_vnd)
        row += 1
    put(ws, row, 1, 3, "Tổng cộng", size=12, bold=True, border=True)
    _money(ws, row, 4, sum(d.cash_vnd for d in dto.donations), bold=True)
    put(ws, row, 5, 5, "", size=12, border=True)
    _money(ws, row, 6, sum(d.goods_vnd for d in dto.donations), bold=True)
    row += 2

    put(ws, row, 1, LAST_COL, "II. DANH SÁCH HỖ TRỢ", size=12, bold=True, horizontal="left")
    row = _header(
        ws,
        row + 1,
        (
            (1, 1, "STT"),
            (2, 3, "Họ và tên"),
            (4, 4, "Thôn, tổ"),
            (5, 5, "Hình thức, mức hỗ trợ"),
            (6, 6, "Trị giá (đồng)"),
        ),
    )
    for number, s in enumerate(dto.support, start=1):
        put(ws, row, 1, 1, number, size=12, border=True, fit=False)
        put(ws, row, 2, 3, s.name, size=12, horizontal="left", border=True)
        put(ws, row, 4, 4, s.thon, size=12, horizontal="left", border=True)
        put(ws, row, 5, 5, s.support or s.kind_label, size=12, horizontal="left", border=True)
        _money(ws, row, 6, s.total_vnd)
        row += 1
    put(ws, row, 1, 5, "Tổng cộng", size=12, bold=True, border=True)
    _money(ws, row, 6, dto.distributed_vnd, bold=True)
    row += 2

    put(ws, row, 1, LAST_COL, "III. TỔNG HỢP", size=12, bold=True, horizontal="left")
    row += 1
    received, given = dto.received_vnd, dto.distributed_vnd
    summary = (
        f"- Tổng giá trị tiếp nhận: {format_vnd(received)} (bằng chữ: {amount_in_words(received)}).",
        f"- Tổng giá trị đã phân phối: {format_vnd(given)}.",
        f"- Còn lại chưa phân phối: {format_vnd(received - given)}.",
    )
    for text in summary:
        put(ws, row, 1, LAST_COL, text, size=12, horizontal="left")
        row += 1
    row += 1
    row = signature(
        ws,
        row,
        left=(1, 3),
        right=(4, LAST_COL),
        left_title="NGƯỜI LẬP BIỂU",
        left_lines=(),
        right_lines=("TM. BAN THƯỜNG VỤ", dto.letterhead.chair_title.upper()),
        name=dto.letterhead.chair_name,
        left_name=dto.letterhead.officer_name or " ",
    )
    page_setup(ws, last_col=LAST_COL, last_row=row - 1, title_rows=None)


def build_disclosure_workbook(dto: DisclosureDTO) -> Workbook:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = SHEET_DISCLOSURE
    _sheet(sheet, dto)
    workbook.properties.title = f"Bảng công khai - {dto.scope_label}"
    workbook.properties.creator = dto.letterhead.branch_name
    return workbook


def write_disclosure_workbook(path: Path, dto: DisclosureDTO) -> Path:
    """Writes the disclosure workbook to `path` (the caller makes it atomic) and returns the path."""
    build_disclosure_workbook(dto).save(path)
    return path
