# SPDX-License-Identifier: MIT
""" "Lịch sử thay đổi" of one record, read from the audit log: when, who, what changed, why.
Qt is imported here.

The audit log stores column names and JSON values; the caller names the columns it wants shown in
Vietnamese, and columns it does not name (version counters, internal links) stay out of the way.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...core.i18n import N_, _
from ...core.vn import format_date
from ...services.audit import AuditRow
from ...services.container import Services
from ..qt_i18n import button_box
from ..style import muted_label

ACTION_LABELS = {
    "create": N_("Tạo mới"),
    "update": N_("Sửa"),
    "delete": N_("Xóa"),
    "void": N_("Hủy"),
    "restore": N_("Khôi phục"),
}
EMPTY = "—"
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")

Formatter = Callable[[object], str]


def plain_value(value: object) -> str:
    """A stored JSON value as the officer reads it: dates dd/mm/yyyy, yes/no, "—" for empty."""
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return _("Có") if value else _("Không")
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        return format_date(date.fromisoformat(value))
    return str(value)


def local_time_text(at: datetime) -> str:
    """An audit time as the officer reads it: dd/mm/yyyy HH:MM in the computer's own zone
    (Vietnam: UTC+7). The log stores naive UTC, so a change at 08:30 in the commune would
    otherwise show as 01:30."""
    aware = at.replace(tzinfo=UTC) if at.tzinfo is None else at
    local = aware.astimezone()  # no argument: the operating system's zone, summer time included
    return f"{format_date(local.date())} {local:%H:%M}"


def describe_changes(
    row: AuditRow, labels: Mapping[str, str], formatters: Mapping[str, Formatter] | None = None
) -> str:
    """One line per named field: "Số tiền: 100.000 → 200.000"; a creation lists the values set."""
    formatters = formatters or {}
    lines = []
    for change in row.changes:
        label = labels.get(change.field)
        if label is None:
            continue
        show = formatters.get(change.field, plain_value)
        if row.action == "create":
            if change.after in (None, "", 0, False):
                continue
            lines.append(f"{_(label)}: {show(change.after)}")
        else:
            lines.append(f"{_(label)}: {show(change.before)} → {show(change.after)}")
    return "\n".join(lines)


class HistoryDialog(QDialog):
    """Newest change first. `labels` maps column names to N_() titles; `formatters` turn a stored
    value into text (money, code labels)."""

    def __init__(
        self,
        services: Services,
        table_name: str,
        record_uuid: str,
        title: str,
        labels: Mapping[str, str],
        parent: QWidget | None = None,
        *,
        formatters: Mapping[str, Formatter] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Lịch sử thay đổi"))
        self.setMinimumSize(760, 420)
        self.rows = services.audit.history(table_name, record_uuid)
        self.table = QTableWidget(len(self.rows), 5)
        self.table.setHorizontalHeaderLabels(
            [_("Thời điểm"), _("Người thực hiện"), _("Thao tác"), _("Nội dung thay đổi"), _("Lý do")]
        )
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(True)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        for column, width in enumerate((140, 130, 90)):
            self.table.setColumnWidth(column, width)
        self.table.setColumnWidth(4, 160)
        for position, row in enumerate(self.rows):
            cells = (
                local_time_text(row.at),
                row.actor,
                _(ACTION_LABELS.get(row.action, row.action)),
                describe_changes(row, labels, formatters),
                row.reason,
            )
            for column, text in enumerate(cells):
                self.table.setItem(position, column, QTableWidgetItem(text))
        self.table.resizeRowsToContents()

        buttons = button_box(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        heading = muted_label(title)
        layout.addWidget(heading)
        layout.addWidget(self.table, 1)
        if not self.rows:
            layout.addWidget(muted_label(_("Chưa có thay đổi nào được ghi lại cho bản ghi này.")))
        layout.addWidget(buttons)


def code_label(codes: Mapping[str, str]) -> Formatter:
    """A formatter that shows a stored code by its label from a code list ("—" when empty)."""
    return lambda value: _(codes.get(str(value), str(value))) if value else EMPTY


def open_history(
    services: Services,
    table_name: str,
    record_uuid: str,
    title: str,
    labels: Mapping[str, str],
    parent: QWidget,
    *,
    formatters: Mapping[str, Formatter] | None = None,
) -> HistoryDialog:
    """Opens a record's history window, freed when closed; the caller keeps the returned dialog."""
    dialog = HistoryDialog(services, table_name, record_uuid, title, labels, parent, formatters=formatters)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
