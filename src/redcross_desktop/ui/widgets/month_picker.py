# SPDX-License-Identifier: MIT
"""A month and a year ("Tháng 03" / "2026"), read as "2026-03"; last month by default, since what is
sent or consolidated is usually the month just ended. Qt is imported here."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QSpinBox, QWidget

from ...core.i18n import _


def last_month(today: date | None = None) -> tuple[int, int]:
    day = today or date.today()
    return (day.year, day.month - 1) if day.month > 1 else (day.year - 1, 12)


class MonthPicker(QWidget):
    """`period()` is "YYYY-MM"; `changed` is emitted with it when either part changes."""

    changed = Signal(str)

    def __init__(self, parent: QWidget | None = None, *, today: date | None = None) -> None:
        super().__init__(parent)
        self.month = QComboBox()
        for month in range(1, 13):
            self.month.addItem(_("Tháng {m:02d}").format(m=month), month)
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(self.month)
        layout.addWidget(self.year)
        self.set_period(*last_month(today))
        self.month.currentIndexChanged.connect(self._on_changed)
        self.year.valueChanged.connect(self._on_changed)

    def period(self) -> str:
        return f"{self.year.value():04d}-{int(self.month.currentData()):02d}"

    def label(self) -> str:
        """The month as the Vietnamese forms write it: "03/2026"."""
        return f"{int(self.month.currentData()):02d}/{self.year.value():04d}"

    def set_period(self, year: int, month: int) -> None:
        self.month.blockSignals(True)
        self.year.blockSignals(True)
        self.year.setValue(year)
        self.month.setCurrentIndex(month - 1)
        self.month.blockSignals(False)
        self.year.blockSignals(False)
        self.changed.emit(self.period())

    def _on_changed(self, _value: int) -> None:
        self.changed.emit(self.period())
