# SPDX-License-Identifier: MIT
"""Export of what a table shows to an Excel workbook: the visible columns, every row of the current
view (a lazy model is paged to its end first), money as numbers. Qt is imported here.

The rows are read on the GUI thread (the model is not thread-safe); the workbook is written in the
background by `ExcelExport.run()`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Collection, Sequence
from datetime import date
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from PySide6.QtCore import QAbstractItemModel, QModelIndex, Qt
from PySide6.QtWidgets import QFileDialog, QWidget

from ...core.errors import ExportFailedError
from ...core.i18n import _
from ...core.progress import Progress, check_cancelled
from ...core.vn import format_date, parse_vnd
from ..tasks import Op, Runner

VND_FORMAT = '#,##0 "đ"'


def model_rows(model: QAbstractItemModel) -> tuple[list[str], list[list[str]]]:
    """(headers, rows) as displayed; a lazy model fetches its remaining pages first."""
    while model.canFetchMore(QModelIndex()):
        model.fetchMore(QModelIndex())
    columns = model.columnCount()
    headers = [
        str(model.headerData(c, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole) or "")
        for c in range(columns)
    ]
    rows = [
        [str(model.data(model.index(r, c)) or "") for c in range(columns)] for r in range(model.rowCount())
    ]
    return headers, rows


def _cell(text: str, money: bool) -> object:
    if money and text:
        try:
            return parse_vnd(text)
        except ValueError:
            return text
    return text


def write_workbook(
    path: Path,
    title: str,
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    money_columns: Collection[int] = (),
    footer: Sequence[str] = (),
    progress: Progress | None = None,
) -> Path:
    """Writes one sheet: a title line, the headers, the rows, then the footer lines. Money columns
    become numbers with a "đ" format so they can be summed in Excel."""
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([_("Xuất ngày {day}").format(day=format_date(date.today()))])
    sheet.append(list(headers))
    header_row = sheet.max_row
    for column in range(1, len(headers) + 1):
        sheet.cell(header_row, column).font = Font(bold=True)
    for number, row in enumerate(rows):
        if progress is not None and number % 500 == 0:
            check_cancelled(progress)
            progress.report(number, len(rows))
        sheet.append([_cell(text, c in money_columns) for c, text in enumerate(row)])
        if money_columns:
            for c in money_columns:
                sheet.cell(sheet.max_row, c + 1).number_format = VND_FORMAT
    for line in footer:
        sheet.append([line])
    for column, header in enumerate(headers, start=1):
        longest = max([len(header), *(len(r[column - 1]) for r in rows[:200])], default=10)
        sheet.column_dimensions[get_column_letter(column)].width = min(max(longest + 2, 10), 50)
    sheet.freeze_panes = sheet.cell(header_row + 1, 1)
    partial = path.with_name(path.name + ".partial")
    try:
        # Written beside the target, then renamed: a failure never leaves half a workbook behind.
        book.save(partial)
        os.replace(partial, path)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise ExportFailedError(
            _(
                "Không ghi được tệp {path}. Hãy đóng tệp nếu đang mở trong Excel, hoặc chọn nơi lưu khác."
            ).format(path=path),
            details=str(exc),
        ) from exc
    return path


def ask_path(parent: QWidget | None, suggested_name: str) -> Path | None:
    """A native "save as" dialog for an .xlsx; None when the user cancels."""
    name, _filter = QFileDialog.getSaveFileName(
        parent, _("Xuất ra Excel"), suggested_name, _("Bảng tính Excel (*.xlsx)")
    )
    if not name:
        return None
    path = Path(name)
    return path if path.suffix.lower() == ".xlsx" else path.with_suffix(".xlsx")


class ExcelExport:
    """Exports a table model's current view: `ExcelExport(parent, model, title).run(runner, path)`."""

    def __init__(
        self,
        parent: QWidget,
        model: QAbstractItemModel,
        title: str,
        *,
        money_columns: Collection[int] = (),
        footer: Sequence[str] = (),
    ) -> None:
        self._parent = parent
        self._model = model
        self._title = title
        self._money = tuple(money_columns)
        self._footer = tuple(footer)

    def run(self, runner: Runner, path: Path, on_done: Callable[[Path], None] | None = None) -> Op[Path]:
        headers, rows = model_rows(self._model)  # on the GUI thread, before the work starts
        title, money, footer = self._title, self._money, self._footer
        op: Op[Path] = Op(
            self._parent,
            lambda progress: write_workbook(
                path, title, headers, rows, money_columns=money, footer=footer, progress=progress
            ),
            writes=False,
        ).with_progress(_("Đang xuất ra Excel…"))
        if on_done is not None:
            op.success(on_done)
        return op.run(runner)


def export_view(
    parent: QWidget,
    runner: Runner,
    model: QAbstractItemModel,
    suggested_name: str,
    title: str,
    *,
    money_columns: Collection[int] = (),
    footer: Sequence[str] = (),
) -> None:
    """The "Xuất Excel" button: asks where to save, then exports the model's current view."""
    path = ask_path(parent, suggested_name)
    if path is not None:
        ExcelExport(parent, model, title, money_columns=money_columns, footer=footer).run(runner, path)
