# SPDX-License-Identifier: MIT
"""The monthly report as a table: section headers (I, II…) and indicator rows with this period, year
to date, the same period last year, the comparison, the annual plan and the % of plan. Qt is
imported here.

Hand-entered figures (this month) and annual plans are edited in place; the model only parses what
was typed and asks for the change with `edit_requested`; the section saves it through the service
and reloads the report.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont

from ...core.i18n import N_, _
from ...core.vn import format_vnd, parse_vnd
from ...reports.model import MonthlyReport, ReportLine, ReportSection
from .lazy_table import CENTER, LEFT, RIGHT

Index = QModelIndex | QPersistentModelIndex

NUMBER, LABEL, UNIT, CURRENT, YTD, LAST_YEAR, COMPARE, PLAN, PLAN_PCT = range(9)
TITLES = (
    N_("STT"),
    N_("Chỉ tiêu"),
    N_("Đơn vị"),
    N_("Tháng này"),
    N_("Lũy kế"),
    N_("Cùng kỳ"),
    N_("So sánh %"),
    N_("Kế hoạch"),
    N_("% KH"),
)
TOOLTIPS = (
    "",
    "",
    N_("Đơn vị tính"),
    N_("Số liệu của kỳ báo cáo"),
    N_("Lũy kế từ đầu năm đến hết kỳ báo cáo"),
    N_("Cùng kỳ năm trước (lũy kế đến cùng thời điểm năm trước)"),
    N_("Lũy kế so với cùng kỳ năm trước (%)"),
    N_("Kế hoạch năm (chỉ tiêu được giao)"),
    N_("Lũy kế so với kế hoạch năm (%)"),
)
CURRENT_TITLES = {"month": N_("Tháng này"), "quarter": N_("Quý này"), "ytd": N_("Kỳ báo cáo")}
MANUAL_BACKGROUND = QColor("#FFF6D6")  # a soft yellow: "typed by hand, double-click to change"
SECTION_BACKGROUND = QColor("#EFEFEF")
ROLE_CODE = Qt.ItemDataRole.UserRole


@dataclass(frozen=True)
class Row:
    section: ReportSection | None = None
    line: ReportLine | None = None
    number: int | None = None


def figure_text(value: float | None, line: ReportLine) -> str:
    if value is None:
        return ""
    if line.is_percent:
        return f"{int(value)}"
    return format_vnd(int(value), suffix=False)


def percent_text(value: float | None) -> str:
    """One decimal, Vietnamese style: 85,3 and 1.116,3."""
    if value is None:
        return ""
    return f"{value:,.1f}".replace(",", " ").replace(".", ",").replace(" ", ".")


def parse_figure(text: str, money: bool) -> int:
    """A whole, non-negative figure as typed: "1.200", "12", and for money "500k" or "1,5tr"."""
    cleaned = text.strip()
    if not cleaned:
        raise ValueError(_("Hãy nhập một số."))
    if money:
        value = parse_vnd(cleaned)
    else:
        digits = cleaned.replace(".", "").replace(" ", "").replace("\u00a0", "")
        if not digits.isdigit():
            raise ValueError(
                _("“{text}” không phải số nguyên; hãy nhập ví dụ 12 hoặc 1.200.").format(text=text)
            )
        value = int(digits)
    if value < 0:
        raise ValueError(_("Số liệu không được âm."))
    return value


class ReportTableModel(QAbstractTableModel):
    """`set_report()` shows a report; `edit_requested(code, what, value)` with `what` "manual" (this
    month's hand-entered figure) or "plan" (the annual target); `edit_refused(message)` when the text
    typed is not a number."""

    edit_requested = Signal(str, str, int)
    edit_refused = Signal(str)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.report: MonthlyReport | None = None
        self.rows: list[Row] = []
        self.kind = "month"
        self.manual_editable = False
        self.plan_codes: frozenset[str] = frozenset()

    def set_report(
        self,
        report: MonthlyReport,
        *,
        kind: str,
        manual_editable: bool,
        plan_codes: Collection[str] = (),
    ) -> None:
        self.beginResetModel()
        self.report, self.kind = report, kind
        self.manual_editable = manual_editable
        self.plan_codes = frozenset(plan_codes)
        self.rows = []
        for section in report.sections:
            lines = [x for x in report.lines if x.section == section.key]
            if not lines:
                continue
            self.rows.append(Row(section=section))
            number = 0
            for line in lines:
                if not line.disagg:
                    number += 1
                self.rows.append(Row(line=line, number=None if line.disagg else number))
        self.endResetModel()
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, CURRENT, CURRENT)

    def section_rows(self) -> list[int]:
        return [i for i, row in enumerate(self.rows) if row.section is not None]

    def row_of(self, code: str, disagg: str = "") -> int | None:
        for i, row in enumerate(self.rows):
            if row.line is not None and row.line.code == code and row.line.disagg == disagg:
                return i
        return None

    # ---- Qt interface -----------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(TITLES)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(TITLES):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return _(CURRENT_TITLES[self.kind]) if section == CURRENT else _(TITLES[section])
        if role == Qt.ItemDataRole.ToolTipRole:
            return _(TOOLTIPS[section]) if TOOLTIPS[section] else None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(LEFT if section == LABEL else CENTER)
        return None

    def _manual_cell(self, line: ReportLine, column: int) -> bool:
        return column == CURRENT and line.manual and not line.disagg and self.kind == "month"

    def _plan_cell(self, line: ReportLine, column: int) -> bool:
        return column == PLAN and not line.disagg and line.code in self.plan_codes

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row, column = self.rows[index.row()], index.column()
        if row.section is not None:
            return self._section_data(row.section, column, role)
        line = row.line
        assert line is not None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, line, column)
        if role == Qt.ItemDataRole.EditRole:
            value = line.month if column == CURRENT else line.plan
            return "" if value is None else str(value)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if column == LABEL:
                return int(LEFT)
            return int(CENTER if column in (NUMBER, UNIT) else RIGHT)
        if role == Qt.ItemDataRole.FontRole and line.disagg:
            font = QFont()
            font.setItalic(True)
            return font
        if role == Qt.ItemDataRole.BackgroundRole and self._manual_cell(line, column):
            return QBrush(MANUAL_BACKGROUND)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(line, column)
        if role == ROLE_CODE:
            return line.code
        return None

    def _section_data(self, section: ReportSection, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return section.roman if column == NUMBER else section.label if column == LABEL else None
        if role == Qt.ItemDataRole.FontRole:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(SECTION_BACKGROUND)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(CENTER if column == NUMBER else LEFT)
        return None

    def _text(self, row: Row, line: ReportLine, column: int) -> str:
        if column == NUMBER:
            return "" if row.number is None else str(row.number)
        if column == LABEL:
            label = f"    – {line.label}" if line.disagg else line.label
            if line.manual and not line.disagg:
                return _("{label} (nhập tay)").format(label=label)
            return label
        if column == UNIT:
            return line.unit
        if column == CURRENT:
            return figure_text(line.month, line)
        if column == YTD:
            return figure_text(line.ytd, line)
        if column == LAST_YEAR:
            return figure_text(line.last_year, line)
        if column == COMPARE:
            return percent_text(line.compare_pct)
        if column == PLAN:
            return figure_text(line.plan, line)
        return percent_text(line.plan_pct)

    def _tooltip(self, line: ReportLine, column: int) -> str | None:
        if self._manual_cell(line, column):
            if self.manual_editable:
                return _("Số liệu nhập tay: bấm đúp (hoặc F2) để sửa.")
            return _("Số liệu nhập tay. Tháng đã chốt số liệu; mở khóa để sửa.")
        if self._plan_cell(line, column):
            return _("Kế hoạch năm: bấm đúp (hoặc F2) để sửa.")
        if column == LABEL:
            return f"{line.code}: {line.label}"
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return Qt.ItemFlag.NoItemFlags
        line = self.rows[index.row()].line
        if line is None:
            return Qt.ItemFlag.ItemIsEnabled
        column = index.column()
        if (self._manual_cell(line, column) and self.manual_editable) or self._plan_cell(line, column):
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not self.flags(index) & Qt.ItemFlag.ItemIsEditable:
            return False
        line = self.rows[index.row()].line
        assert line is not None
        current = line.month if index.column() == CURRENT else line.plan
        try:
            number = parse_figure(str(value), line.is_money)
        except ValueError as exc:
            self.edit_refused.emit(str(exc))
            return False
        if number == current:
            return False
        self.edit_requested.emit(line.code, "manual" if index.column() == CURRENT else "plan", number)
        return True
