# SPDX-License-Identifier: MIT
"""Writes the bulk-entry Excel template: an instructions sheet, one sheet per kind of record, and a
hidden sheet with the pick lists. Qt-free.

Pick lists point at ranges on the hidden sheet instead of inline lists, because several labels contain
commas ("Khám, tư vấn, cấp thuốc, tặng quà") and an inline list is split on commas (and capped at 255
characters).
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from .template_spec import ColumnSpec, SheetSpec, TemplateSpec, records_template

# Validation and formats reach as far as the import accepts rows (bundle-format.md §12).
LAST_ROW = 100_001
_HEADER_FILL = PatternFill("solid", fgColor="FDE9E7")
_REQUIRED_FONT = Font(bold=True, color="B00020")
_OPTIONAL_FONT = Font(bold=True)
_NUMBER_FORMATS = {"vnd": "#,##0", "int": "0"}


def _how_to_write(column: ColumnSpec) -> str:
    kind = column.type
    if kind in ("code", "flag"):
        return "Chọn: " + "; ".join(column.labels())
    if kind == "date":
        return "ngày/tháng/năm, ví dụ 05/03/2026"
    if kind == "vnd":
        return "Số đồng chẵn" + (", lớn hơn 0" if (column.minimum or 0) > 0 else "")
    if kind == "int":
        bounds = ""
        if column.minimum is not None and column.maximum is not None:
            bounds = f" từ {column.minimum} đến {column.maximum}"
        elif column.minimum is not None:
            bounds = f" từ {column.minimum} trở lên"
        return "Số nguyên" + bounds
    if kind == "cccd":
        return "12 chữ số (CMND cũ: 9 chữ số)"
    if kind == "phone":
        return "Số điện thoại"
    if kind == "person":
        return "Mã người hoặc CCCD"
    return f"Chữ, tối đa {column.max_length} ký tự"


def _write_instructions(ws: Worksheet, spec: TemplateSpec) -> None:
    ws.column_dimensions["A"].width = 16
    ws.column_dimensions["B"].width = 28
    ws.column_dimensions["C"].width = 10
    ws.column_dimensions["D"].width = 44
    ws.column_dimensions["E"].width = 70
    wrap = Alignment(wrap_text=True, vertical="top")
    ws.append([spec.instructions[0]])
    ws["A1"].font = Font(bold=True, size=14, color="B00020")
    for line in spec.instructions[1:]:
        ws.append([line])
    ws.append(["Cột có tiêu đề màu đỏ là bắt buộc."])
    ws.append([])
    ws.append(["Trang", "Cột", "Bắt buộc", "Cách ghi", "Giải thích"])
    for cell in ws[ws.max_row]:
        cell.font, cell.fill = _OPTIONAL_FONT, _HEADER_FILL
    for sheet in spec.sheets:
        ws.append([sheet.title, "", "", "", sheet.help])
        ws.cell(ws.max_row, 1).font = _OPTIONAL_FONT
        for column in sheet.columns:
            ws.append(
                ["", column.header, "Có" if column.required else "", _how_to_write(column), column.help]
            )
            for cell in ws[ws.max_row]:
                cell.alignment = wrap
    ws.append([])
    ws.append([f"{spec.format} phiên bản {spec.version}"])
    ws.cell(ws.max_row, 1).font = Font(italic=True, color="808080")


def _write_lists(ws: Worksheet, spec: TemplateSpec) -> dict[tuple[str, str], str]:
    """One column per pick list; returns (sheet key, column key) -> absolute range for validation."""
    ranges: dict[tuple[str, str], str] = {}
    index = 0
    for sheet in spec.sheets:
        for column in sheet.columns:
            if column.type not in ("code", "flag"):
                continue
            index += 1
            letter = get_column_letter(index)
            labels = column.labels()
            ws.cell(1, index, f"{sheet.title} - {column.header}").font = _OPTIONAL_FONT
            for row, label in enumerate(labels, start=2):
                ws.cell(row, index, label)
            ws.column_dimensions[letter].width = max(len(x) for x in labels) + 4
            ranges[(sheet.key, column.key)] = (
                f"{quote_sheetname(ws.title)}!${letter}$2:${letter}${len(labels) + 1}"
            )
    return ranges


def _write_sheet(ws: Worksheet, sheet: SheetSpec, lists: dict[tuple[str, str], str]) -> None:
    for index, column in enumerate(sheet.columns, start=1):
        letter = get_column_letter(index)
        cell = ws.cell(1, index, column.header)
        cell.font = _REQUIRED_FONT if column.required else _OPTIONAL_FONT
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        dimension = ws.column_dimensions[letter]
        dimension.width = column.width
        # A column style is what Excel and LibreOffice give the cells users type into later.
        if column.text_cell:
            dimension.number_format = "@"
        elif column.type in _NUMBER_FORMATS:
            dimension.number_format = _NUMBER_FORMATS[column.type]
        source = lists.get((sheet.key, column.key))
        validation = DataValidation(
            type="list" if source else None,
            formula1=source,
            allow_blank=True,
            showInputMessage=True,
            promptTitle=column.header[:32],  # Excel's limits for the prompt box
            prompt=column.help[:255],
            showErrorMessage=source is not None,
            errorTitle=column.header[:32],
            error="Hãy chọn một giá trị trong danh sách." if source else None,
        )
        validation.add(f"{letter}2:{letter}{LAST_ROW}")
        ws.add_data_validation(validation)
    ws.row_dimensions[1].height = 32
    ws.freeze_panes = "A2"


def write_template(path: str | Path, spec: TemplateSpec | None = None) -> Path:
    """Writes the template to `path` (an .xlsx file) and returns the path."""
    spec = spec or records_template()
    wb = Workbook()
    instructions = wb.active
    assert instructions is not None  # a new workbook always has one sheet
    instructions.title = spec.instructions_title
    _write_instructions(instructions, spec)
    lists_ws = wb.create_sheet(spec.lists_title)  # written first (the sheets point at it), moved last
    lists = _write_lists(lists_ws, spec)
    for sheet in spec.sheets:
        _write_sheet(wb.create_sheet(sheet.title), sheet, lists)
    wb.move_sheet(lists_ws, offset=len(wb.sheetnames) - 1 - wb.index(lists_ws))
    lists_ws.sheet_state = "hidden"
    wb.active = 0
    target = Path(path)
    wb.save(target)
    return target
