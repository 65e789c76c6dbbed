# SPDX-License-Identifier: MIT
"""Reads a filled bulk-entry template into typed values, listing every cell it cannot accept.

The file comes from outside, so reading is hardened (bundle-format.md §12): defusedxml must be active,
the file size, zip entries and declared uncompressed sizes are checked before anything is inflated,
the workbook is opened read-only without formulas evaluated or links kept, formulas are refused, and
rows and columns are capped. A file that cannot be a template raises `FileFormatError`; everything
wrong inside a usable template is a `RowProblem` (sheet, Excel row, column, reason), so the user can
fix the whole file in one pass. Qt-free.
"""

from __future__ import annotations

import hashlib
import io
import logging
import re
import zipfile
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import ParseError

import openpyxl
import openpyxl.xml
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from ..core.errors import FileFormatError
from ..core.i18n import N_, _
from ..core.progress import NullProgress, Progress, check_cancelled
from ..core.vn import fold, format_date, normalize_text, parse_date, parse_vnd, validate_cccd, validate_phone
from .template_spec import FLAG_LABELS, ColumnSpec, SheetSpec, TemplateSpec, header_key, records_template

log = logging.getLogger(__name__)

CellValue = str | int | bool | date | None

_YES = frozenset({"co", "c", "x", "1", "true", "yes", "y", "dung"})
_NO = frozenset({"khong", "k", "0", "false", "no", "n", "sai"})
_INT_RE = re.compile(r"[+-]?\d+")
# Errors that parsing a broken or hostile package can raise from openpyxl, zipfile or the XML parser
# (defusedxml's refusals are ValueErrors).
_PACKAGE_ERRORS = (
    InvalidFileException,
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    KeyError,
    ValueError,
    ParseError,
    EOFError,
    zlib.error,
)
_REPORT_EVERY = 500


@dataclass(frozen=True)
class ReadLimits:
    """bundle-format.md §12 defaults."""

    max_bytes: int = 25 * 1024 * 1024
    max_zip_entries: int = 200
    max_uncompressed_total: int = 200 * 1024 * 1024
    max_uncompressed_entry: int = 100 * 1024 * 1024
    max_sheets: int = 20
    max_rows_per_sheet: int = 100_000
    # Cells this far right of the last header are still looked at, to report data typed with no
    # header; beyond that they are not read, so one stray cell in column XFD cannot make every row
    # 16,384 cells wide.
    extra_columns: int = 20


@dataclass(frozen=True)
class RowProblem:
    """Why a row (or a header, or a whole sheet when `row` is 0) cannot be imported."""

    sheet: str  # the sheet title users see
    row: int  # Excel row number; 1 is the header row, 0 the whole sheet
    column: str  # the column header ("" for the whole row or sheet)
    message: str
    cell: str = ""  # e.g. "C7", when one cell is at fault

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass(frozen=True)
class ParsedRow:
    row: int  # Excel row number
    values: Mapping[str, CellValue]  # column key -> typed value; every column of the sheet, None if blank
    valid: bool  # False when some cell could not be read (its problem is listed)


@dataclass(frozen=True)
class ParsedSheet:
    spec: SheetSpec
    rows: tuple[ParsedRow, ...]
    letters: Mapping[str, str] = field(default_factory=dict)  # column key -> Excel column letter

    def cell(self, column_key: str, row: int) -> str:
        letter = self.letters.get(column_key)
        return f"{letter}{row}" if letter else ""


@dataclass(frozen=True)
class ParsedWorkbook:
    file_name: str
    sha256: str
    sheets: Mapping[str, ParsedSheet]  # by sheet key, in template order; only sheets present in the file
    problems: tuple[RowProblem, ...]


class _CellError(Exception):
    """A cell's value cannot be used; the message tells the user what to write instead."""


# ---------------------------------------------------------------- cell values


def _as_text(value: object) -> str | None:
    """A cell value as text; strings are expected already normalised (`_Texts`)."""
    if value is None or isinstance(value, str):
        return value or None
    if isinstance(value, bool):
        return FLAG_LABELS[0] if value else FLAG_LABELS[1]
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return format_date(value)
    return str(value)


class _Texts:
    """normalize_text, remembered for short strings within one file: labels, dates typed as text,
    thôn names and the like repeat on most rows."""

    def __init__(self) -> None:
        self._seen: dict[str, str | None] = {}

    def __call__(self, raw: str) -> str | None:
        if len(raw) > 64:
            return normalize_text(raw) or None
        text = self._seen.get(raw, "")
        if text == "":
            text = self._seen[raw] = normalize_text(raw) or None
        return text


def _code_lookup(column: ColumnSpec) -> dict[str, str]:
    """Code by code or label, as typed and folded (accents and case do not matter)."""
    lookup: dict[str, str] = {}
    for code, label in column.codes.items():
        for form in (code, label, _(label)):
            lookup.setdefault(form, code)
            lookup.setdefault(fold(form), code)
    return lookup


def _parse_text(column: ColumnSpec, value: object) -> str | None:
    text = _as_text(value)
    if text is not None and len(text) > column.max_length:
        raise _CellError(
            _("Dài {n} ký tự, quá {max} ký tự cho phép. Hãy rút gọn.").format(
                n=len(text), max=column.max_length
            )
        )
    return text


def _parse_cccd(value: object) -> str | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        digits = str(int(value))
        # A CCCD starts with "0" and a province code, often "0" too (001 Hà Nội); a number cell drops them.
        full = 12 if len(digits) in (10, 11) else 9 if len(digits) in (7, 8) else 0
        if full:
            raise _CellError(
                _(
                    "Số {digits} bị mất số 0 ở đầu vì ô đang ở dạng số. Hãy định dạng ô là Văn bản rồi nhập "
                    "lại {fixed}."
                ).format(digits=digits, fixed=digits.zfill(full))
            )
    text = _as_text(value)
    if text is None:
        return None
    check = validate_cccd(text)
    if not check.valid:
        raise _CellError("; ".join(check.errors))
    return check.normalized


def _parse_phone(value: object) -> str | None:
    text = _as_text(value)
    if text is None:
        return None
    check = validate_phone(text)
    if not check.valid:
        raise _CellError(check.message or _("Số điện thoại không hợp lệ."))
    return check.normalized


def _parse_int(column: ColumnSpec, value: object, today: date) -> int:
    if isinstance(value, bool) or isinstance(value, datetime | date):
        raise _CellError(_("Hãy ghi một số nguyên."))
    if isinstance(value, float):
        if not value.is_integer():
            raise _CellError(_("Hãy ghi số nguyên, không có phần lẻ."))
        number = int(value)
    elif isinstance(value, int):
        number = value
    else:
        text = "".join(str(value).split())
        if not _INT_RE.fullmatch(text):
            raise _CellError(_('"{v}" không phải số nguyên. Hãy ghi số, ví dụ 12.').format(v=value))
        number = int(text)
    if column.minimum is not None and number < column.minimum:
        raise _CellError(_("Phải từ {min} trở lên.").format(min=column.minimum))
    if column.maximum is not None and number > column.maximum:
        raise _CellError(_("Không được lớn hơn {max}.").format(max=column.maximum))
    if column.not_future and number > today.year:
        raise _CellError(_("Năm {year} chưa tới. Hãy kiểm tra lại.").format(year=number))
    return number


def _parse_vnd(column: ColumnSpec, value: object) -> int:
    if isinstance(value, bool) or isinstance(value, datetime | date):
        raise _CellError(_("Hãy ghi số tiền bằng số đồng, ví dụ 500000."))
    if isinstance(value, float):
        if not value.is_integer():
            raise _CellError(_("Số tiền có phần lẻ dưới 1 đồng. Hãy ghi số đồng chẵn."))
        amount = int(value)
    elif isinstance(value, int):
        amount = value
    else:
        try:
            amount = parse_vnd(str(value))
        except ValueError as exc:
            raise _CellError(str(exc)) from None
    minimum = column.minimum if column.minimum is not None else 0
    if amount < minimum:
        if minimum > 0:
            raise _CellError(_("Số tiền phải lớn hơn 0."))
        raise _CellError(_("Số tiền không được âm."))
    return amount


def _parse_date(column: ColumnSpec, value: object, today: date) -> date:
    if isinstance(value, datetime):
        day = value.date()
    elif isinstance(value, date):
        day = value
    elif isinstance(value, int | float) and not isinstance(value, bool):
        raise _CellError(
            _("Ô ngày đang là số ({v}). Hãy ghi dạng ngày/tháng/năm, ví dụ 05/03/2026.").format(v=value)
        )
    else:
        try:
            day = parse_date(str(value))
        except ValueError as exc:
            raise _CellError(str(exc)) from None
    if day.year < 1900:
        raise _CellError(_("Năm {year} không hợp lệ. Hãy ghi năm đủ 4 chữ số.").format(year=day.year))
    if column.not_future and day > today:
        raise _CellError(_("Ngày {d} ở tương lai. Hãy kiểm tra lại.").format(d=format_date(day)))
    return day


def _parse_flag(value: object) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    folded = fold(str(value))
    if folded in _YES:
        return True
    if folded in _NO:
        return False
    raise _CellError(_('"{v}" không hiểu được. Hãy ghi Có hoặc Không.').format(v=value))


class _ColumnReader:
    """Turns one column's raw cell values into typed values."""

    def __init__(self, column: ColumnSpec, today: date, texts: _Texts) -> None:
        self.column = column
        self.today = today
        self.texts = texts
        self.lookup = _code_lookup(column) if column.type == "code" else {}

    def read(self, raw: object) -> CellValue:
        column = self.column
        if isinstance(raw, str):
            raw = self.texts(raw)
        if raw is None:
            if column.required:
                raise _CellError(_("Thiếu {header}: cột này bắt buộc.").format(header=column.header))
            default = column.default
            return default if isinstance(default, str | int | bool) else None
        kind = column.type
        if kind in ("text", "key", "person"):
            return _parse_text(column, raw)
        if kind == "cccd":
            return _parse_cccd(raw)
        if kind == "phone":
            return _parse_phone(raw)
        if kind == "int":
            return _parse_int(column, raw, self.today)
        if kind == "vnd":
            return _parse_vnd(column, raw)
        if kind == "date":
            return _parse_date(column, raw, self.today)
        if kind == "flag":
            return _parse_flag(raw)
        text = _as_text(raw) or ""
        code = self.lookup.get(text) or self.lookup.get(fold(text))
        if code is None:
            raise _CellError(
                _('"{v}" không có trong danh sách {header}. Hãy chọn một trong: {labels}.').format(
                    v=text, header=column.header, labels="; ".join(column.labels())
                )
            )
        return code


# ---------------------------------------------------------------- package checks


def _refuse(message: str, *, details: str | None = None) -> FileFormatError:
    return FileFormatError(message, details=details)


def _not_xlsx(name: str) -> FileFormatError:
    return _refuse(
        _(
            "Tệp {name} không phải tệp Excel .xlsx. Hãy mở tệp bằng Excel hoặc LibreOffice, lưu lại dạng "
            "Sổ làm việc Excel (.xlsx), hoặc tạo mẫu mới bằng 'redcross template'."
        ).format(name=name)
    )


def _check_package(data: bytes, name: str, limits: ReadLimits) -> None:
    """Refuses zip bombs from the central directory, before anything is inflated."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except zipfile.BadZipFile:
        raise _not_xlsx(name) from None
    too_big = _(
        "Tệp {name} có cấu trúc bất thường ({what}) nên không được mở. Hãy tạo mẫu mới bằng "
        "'redcross template' và chép dữ liệu sang."
    )
    if len(entries) > limits.max_zip_entries:
        raise _refuse(too_big.format(name=name, what=_("{n} thành phần").format(n=len(entries))))
    total = sum(e.file_size for e in entries)
    largest = max((e.file_size for e in entries), default=0)
    if total > limits.max_uncompressed_total or largest > limits.max_uncompressed_entry:
        raise _refuse(too_big.format(name=name, what=_("{mb} MB khi giải nén").format(mb=total // 2**20)))


# ---------------------------------------------------------------- sheets


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not normalize_text(value))


_UNKNOWN_COLUMN = N_(
    'Cột "{h}" không có trong mẫu trang {title}. Hãy sửa lại đúng tiêu đề của mẫu (xem trang Hướng dẫn) '
    "hoặc xóa cột này."
)
_DUPLICATE_COLUMN = N_('Cột "{h}" xuất hiện hai lần. Hãy giữ một cột.')
_MISSING_COLUMN = N_('Thiếu cột bắt buộc "{h}". Hãy thêm lại cột này (tiêu đề như trong mẫu).')
_STRAY_DATA = N_(
    "Có dữ liệu ở cột {letter} nhưng cột này không có tiêu đề. Hãy xóa hoặc chuyển vào đúng cột."
)
_FORMULA = N_(
    "Ô có công thức ({f}); chỉ nhận giá trị. Hãy sao chép rồi dán giá trị (Dán đặc biệt → Giá trị)."
)
_ERROR_CELL = N_("Ô bị lỗi ({v}). Hãy nhập lại giá trị.")
_UNKNOWN_SHEET = N_(
    'Trang tính "{title}" không thuộc mẫu nên không được nhập. Hãy chuyển dữ liệu sang đúng trang của mẫu '
    "(không đổi tên trang), hoặc xóa trang này."
)


class _SheetReader:
    """Reads one data sheet: the header row maps positions to columns, then each non-blank row."""

    def __init__(
        self, ws: Any, sheet: SheetSpec, limits: ReadLimits, today: date, problems: list[RowProblem]
    ):
        self.ws, self.sheet, self.limits, self.today, self.problems = ws, sheet, limits, today, problems
        self.readers: dict[int, _ColumnReader] = {}  # by 0-based position
        self.letters: dict[str, str] = {}  # column key -> letter
        self.width = 0
        self.texts = _Texts()

    def _blank(self, value: object) -> bool:
        return value is None or (isinstance(value, str) and self.texts(value) is None)

    def _problem(self, row: int, column: str, message: str, cell: str = "") -> None:
        self.problems.append(RowProblem(self.sheet.title, row, column, message, cell))

    def read_headers(self) -> None:
        by_key = {header_key(c.header): c for c in self.sheet.columns}
        first = next(iter(self.ws.iter_rows(min_row=1, max_row=1)), ())
        for index, cell in enumerate(first):
            text = _as_text(self.texts(cell.value) if isinstance(cell.value, str) else cell.value)
            if text is None:
                continue
            self.width = index + 1
            letter = get_column_letter(index + 1)
            column = by_key.get(header_key(text))
            if column is None:
                self._problem(
                    1, text, _(_UNKNOWN_COLUMN).format(h=text, title=self.sheet.title), f"{letter}1"
                )
            elif column.key in self.letters:
                self._problem(1, column.header, _(_DUPLICATE_COLUMN).format(h=column.header), f"{letter}1")
            else:
                self.readers[index] = _ColumnReader(column, self.today, self.texts)
                self.letters[column.key] = letter
        for column in self.sheet.columns:
            if column.required and column.key not in self.letters:
                self._problem(1, column.header, _(_MISSING_COLUMN).format(h=column.header))

    def _read_cell(
        self, reader: _ColumnReader, index: int, cell: Any, excel_row: int, values: dict[str, CellValue]
    ) -> bool:
        """Stores the typed value of one cell; False (with a problem listed) when it cannot be used."""
        column = reader.column
        message = None
        if cell.data_type == "f":
            formula = str(cell.value)
            message = _(_FORMULA).format(f=formula if len(formula) <= 40 else formula[:40] + "…")
        elif cell.data_type == "e":
            message = _(_ERROR_CELL).format(v=cell.value)
        else:
            try:
                values[column.key] = reader.read(cell.value)
                return True
            except _CellError as exc:
                message = str(exc)
        values[column.key] = None
        self._problem(excel_row, column.header, message, f"{get_column_letter(index + 1)}{excel_row}")
        return False

    def _no_stray_data(self, cells: Sequence[Any], excel_row: int) -> bool:
        """Data right of the last header has nowhere to go: each such cell is a problem."""
        clean = True
        for index in range(self.width, len(cells)):
            if not self._blank(cells[index].value):
                letter = get_column_letter(index + 1)
                self._problem(excel_row, "", _(_STRAY_DATA).format(letter=letter), f"{letter}{excel_row}")
                clean = False
        return clean

    def read_rows(self, progress: Progress) -> ParsedSheet:
        columns = sorted(self.readers.items())
        # Optional columns the user deleted still get their defaults.
        absent = [
            _ColumnReader(c, self.today, self.texts) for c in self.sheet.columns if c.key not in self.letters
        ]
        rows: list[ParsedRow] = []
        limit = self.limits.max_rows_per_sheet
        cells_iter = self.ws.iter_rows(min_row=2, max_col=self.width + self.limits.extra_columns)
        for offset, cells in enumerate(cells_iter):
            if all(self._blank(cell.value) for cell in cells):
                continue
            if len(rows) >= limit:
                raise _refuse(
                    _("Trang {title} có hơn {n} dòng dữ liệu. Hãy chia thành nhiều tệp nhỏ hơn.").format(
                        title=self.sheet.title, n=f"{limit:,}".replace(",", ".")
                    )
                )
            if len(rows) % _REPORT_EVERY == 0:
                check_cancelled(progress)
                progress.report(len(rows), None, _("Đang đọc trang {title}…").format(title=self.sheet.title))
            excel_row = offset + 2
            values: dict[str, CellValue] = {}
            valid = self._no_stray_data(cells, excel_row)
            for index, reader in columns:
                valid = self._read_cell(reader, index, cells[index], excel_row, values) and valid
            for reader in absent:
                values[reader.column.key] = None if reader.column.required else reader.read(None)
            rows.append(ParsedRow(excel_row, values, valid))
        return ParsedSheet(self.sheet, tuple(rows), self.letters)


def _has_data(ws: Any) -> bool:
    for cells in ws.iter_rows(max_col=50):
        if any(not _is_blank(cell.value) for cell in cells):
            return True
    return False


def _match_sheets(worksheets: Iterable[Any], spec: TemplateSpec) -> tuple[dict[str, Any], list[Any]]:
    """Template sheets by key, and the sheets that belong to no part of the template."""
    by_title = {header_key(s.title): s for s in spec.sheets}
    skipped = {header_key(spec.instructions_title), header_key(spec.lists_title)}
    found: dict[str, Any] = {}
    unknown: list[Any] = []
    for ws in worksheets:
        title = header_key(ws.title)
        if title in skipped:
            continue
        sheet = by_title.get(title)
        if sheet is None or sheet.key in found:
            unknown.append(ws)
        else:
            found[sheet.key] = ws
    return found, unknown


def read_records(
    path: str | Path,
    *,
    spec: TemplateSpec | None = None,
    limits: ReadLimits | None = None,
    today: date | None = None,
    progress: Progress | None = None,
) -> ParsedWorkbook:
    """Reads a filled template. Raises `FileFormatError` when the file is not a usable template;
    problems inside a usable template are returned in `ParsedWorkbook.problems`."""
    spec = spec or records_template()
    limits = limits or ReadLimits()
    today = today or date.today()
    progress = progress or NullProgress()
    path = Path(path)
    name = path.name
    if not openpyxl.xml.DEFUSEDXML:
        raise _refuse(
            _("Thiếu thư viện defusedxml nên không thể mở tệp Excel an toàn. Hãy cài lại phần mềm."),
            details="DEFUSEDXML_MISSING",
        )
    try:
        size = path.stat().st_size
        if size > limits.max_bytes:
            raise _refuse(
                _("Tệp {name} quá lớn ({mb} MB; tối đa {max} MB). Hãy chia dữ liệu thành nhiều tệp.").format(
                    name=name, mb=size // 2**20, max=limits.max_bytes // 2**20
                )
            )
        data = path.read_bytes()  # hashed and parsed from the same bytes
    except OSError as exc:
        raise _refuse(
            _("Không đọc được tệp {name}. Hãy kiểm tra đường dẫn và đóng tệp nếu đang mở.").format(name=name),
            details=str(exc),
        ) from exc
    digest = hashlib.sha256(data).hexdigest()
    _check_package(data, name, limits)
    problems: list[RowProblem] = []
    sheets: dict[str, ParsedSheet] = {}
    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False, keep_links=False)
    except _PACKAGE_ERRORS as exc:
        log.info("refused %s: %r", name, exc)
        raise _not_xlsx(name) from exc
    try:
        if len(wb.sheetnames) > limits.max_sheets:
            raise _refuse(
                _(
                    "Tệp {name} có {n} trang tính, nhiều hơn mẫu nhập liệu. Hãy dùng mẫu tạo bằng "
                    "'redcross template'."
                ).format(name=name, n=len(wb.sheetnames))
            )
        found, unknown = _match_sheets(wb.worksheets, spec)
        if not found:
            raise _refuse(
                _(
                    "Tệp {name} không phải mẫu nhập liệu: không có trang nào tên {titles}. Hãy tạo mẫu bằng "
                    "'redcross template' rồi điền dữ liệu vào đó."
                ).format(name=name, titles=", ".join(s.title for s in spec.sheets))
            )
        for sheet in spec.sheets:
            ws = found.get(sheet.key)
            if ws is None:
                continue
            ws.reset_dimensions()  # read-only mode trusts <dimension>, which some writers get wrong
            reader = _SheetReader(ws, sheet, limits, today, problems)
            reader.read_headers()
            sheets[sheet.key] = reader.read_rows(progress)
        for ws in unknown:
            if _has_data(ws):
                problems.append(RowProblem(ws.title, 0, "", _(_UNKNOWN_SHEET).format(title=ws.title)))
    except _PACKAGE_ERRORS as exc:
        log.info("refused %s while reading: %r", name, exc)
        raise _not_xlsx(name) from exc
    finally:
        wb.close()
    return ParsedWorkbook(name, digest, sheets, tuple(_sorted(problems, spec)))


def _sorted(problems: Iterable[RowProblem], spec: TemplateSpec) -> list[RowProblem]:
    order = {s.title: i for i, s in enumerate(spec.sheets)}
    return sorted(problems, key=lambda p: (order.get(p.sheet, len(order)), p.row))
