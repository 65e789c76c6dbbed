# SPDX-License-Identifier: MIT
"""A period filter for lists: this month, last month, this quarter, this year, last year, all, or
chosen dates. Qt is imported here."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QWidget

from ...core.i18n import N_, _
from .date_edit import DateEdit

PERIODS = (
    ("month", N_("Tháng này")),
    ("last_month", N_("Tháng trước")),
    ("quarter", N_("Quý này")),
    ("year", N_("Năm nay")),
    ("last_year", N_("Năm trước")),
    ("all", N_("Mọi thời gian")),
    ("custom", N_("Từ ngày… đến ngày…")),
)


def period_range(key: str, today: date) -> tuple[date | None, date | None]:
    """The first and last day of a named period containing `today` (None, None for "all")."""
    if key == "month":
        first = today.replace(day=1)
        return first, (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    if key == "last_month":
        last = today.replace(day=1) - timedelta(days=1)
        return last.replace(day=1), last
    if key == "quarter":
        start_month = 3 * ((today.month - 1) // 3) + 1
        first = date(today.year, start_month, 1)
        after = date(today.year + 1, 1, 1) if start_month == 10 else date(today.year, start_month + 3, 1)
        return first, after - timedelta(days=1)
    if key == "year":
        return date(today.year, 1, 1), date(today.year, 12, 31)
    if key == "last_year":
        return date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)
    return None, None


class PeriodFilter(QWidget):
    """`range()` gives (from, to), either may be None; `changed` fires when it changes."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None, *, default: str = "year") -> None:
        super().__init__(parent)
        self.combo = QComboBox()
        for key, label in PERIODS:
            self.combo.addItem(_(label), key)
        self.date_from = DateEdit(required=False)
        self.date_to = DateEdit(required=False)
        for edit in (self.date_from, self.date_to):
            edit.edit.setPlaceholderText(_("ngày/tháng/năm"))
            edit.setFixedWidth(120)
        self.to_label = QLabel(_("đến"))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(self.combo)
        layout.addWidget(self.date_from)
        layout.addWidget(self.to_label)
        layout.addWidget(self.date_to)
        self.combo.setCurrentIndex(max(0, self.combo.findData(default)))
        self._show_custom()
        self.combo.currentIndexChanged.connect(self._on_combo_current_index_changed)
        self.date_from.changed.connect(self._on_date_changed)
        self.date_to.changed.connect(self._on_date_changed)

    def key(self) -> str:
        return str(self.combo.currentData())

    def set_key(self, key: str) -> None:
        self.combo.setCurrentIndex(max(0, self.combo.findData(key)))

    def range(self) -> tuple[date | None, date | None]:
        if self.key() == "custom":
            return self.date_from.value(), self.date_to.value()
        return period_range(self.key(), date.today())

    def set_custom(self, date_from: date | None, date_to: date | None) -> None:
        self.date_from.set_value(date_from)
        self.date_to.set_value(date_to)
        self.set_key("custom")

    def _show_custom(self) -> None:
        custom = self.key() == "custom"
        for widget in (self.date_from, self.to_label, self.date_to):
            widget.setVisible(custom)

    def _on_combo_current_index_changed(self, _index: int) -> None:
        self._show_custom()
        self.changed.emit()

    def _on_date_changed(self) -> None:
        if self.date_from.error() or self.date_to.error():
            return  # the field shows what is wrong; the list keeps its last good period
        self.changed.emit()
