# SPDX-License-Identifier: MIT
"""Tổng quan: how the month and the year are going (money and goods received, people helped, blood
against the drives' target, members, volunteer hours), the trends of the last twelve months, and
what needs doing (report due, donors who may give again, honours reached, stock running low).
Qt is imported here.

Everything is read in one background operation each time the page is shown.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ...core.i18n import _
from ...core.vn import format_vnd
from ...services.container import Services
from ..style import muted_label, title_label
from ..tasks import Op, Runner
from .overview_charts import cash_chart, chart_view, helped_chart, show_chart
from .overview_figures import OverviewFigures, PeriodFigures, load_overview

EMPTY = "—"
CARD_KEYS = ("cash", "in_kind", "helped", "blood", "members", "hours")


def hours_text(minutes: int) -> str:
    """ "12 giờ", "12,5 giờ": hours to one decimal, with the Vietnamese decimal comma."""
    tenths = round(minutes / 6)
    whole, rest = divmod(tenths, 10)
    number = format_vnd(whole, suffix=False) + (f",{rest}" if rest else "")
    return _("{hours} giờ").format(hours=number)


def count_text(n: int) -> str:
    return format_vnd(n, suffix=False)


class FigureCard(QFrame):
    """A title, this month's figure in large type, and a line or two of context under it."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("card")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(2)
        self.title = muted_label(title)
        self.figure = QLabel(EMPTY)
        self.figure.setObjectName("figure")
        self.figure.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail = muted_label("")
        layout.addWidget(self.title)
        layout.addWidget(self.figure)
        layout.addWidget(self.detail)
        layout.addStretch(1)

    def show_figure(self, figure: str, detail: str) -> None:
        self.figure.setText(figure)
        self.detail.setText(detail)


class OverviewSection(QWidget):
    def __init__(
        self,
        services: Services,
        runner: Runner,
        parent: QWidget | None = None,
        *,
        today: Callable[[], date] = date.today,
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._runner = runner
        self._today = today
        self.figures: OverviewFigures | None = None
        branch = services.branch

        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(14)

        header = QHBoxLayout()
        header.addWidget(title_label(_("Tổng quan")))
        header.addStretch(1)
        self.period_label = QLabel()
        self.period_label.setObjectName("subTitle")
        header.addWidget(self.period_label)
        layout.addLayout(header)

        identity = [branch.name]
        if branch.commune_name:
            identity.append(f"{branch.commune_name} ({branch.commune_code})")
        identity.append(_("Mã chi hội {code}").format(code=branch.branch_code))
        if branch.chair_name:
            identity.append(_("Chủ tịch: {name}").format(name=branch.chair_name))
        self.identity = muted_label(" · ".join(identity))
        self.people_count = QLabel(EMPTY)
        self.people_label = muted_label(_("người trong danh sách"))
        self.people_label.setWordWrap(False)
        people = QHBoxLayout()
        people.setSpacing(6)
        people.addWidget(self.identity, 1)
        people.addWidget(self.people_count)
        people.addWidget(self.people_label)
        layout.addLayout(people)

        self.cards = {
            "cash": FigureCard(_("Tiền nhận được trong tháng")),
            "in_kind": FigureCard(_("Hiện vật nhận được (trị giá)")),
            "helped": FigureCard(_("Lượt người được hỗ trợ trong tháng")),
            "blood": FigureCard(_("Máu tiếp nhận trong tháng")),
            "members": FigureCard(_("Hội viên đang sinh hoạt")),
            "hours": FigureCard(_("Giờ tình nguyện trong tháng")),
        }
        grid = QGridLayout()
        grid.setSpacing(12)
        for number, key in enumerate(CARD_KEYS):
            grid.addWidget(self.cards[key], number // 3, number % 3)
        for column in range(3):
            grid.setColumnStretch(column, 1)
        layout.addLayout(grid)

        charts = QHBoxLayout()
        charts.setSpacing(12)
        self.cash_view = chart_view()
        self.helped_view = chart_view()
        charts.addWidget(self.cash_view, 1)
        charts.addWidget(self.helped_view, 1)
        layout.addLayout(charts)

        reminders = QFrame()
        reminders.setObjectName("card")
        reminders_layout = QVBoxLayout(reminders)
        reminders_layout.setContentsMargins(16, 12, 16, 12)
        heading = QLabel(_("Việc cần làm"))
        heading.setObjectName("subTitle")
        reminders_layout.addWidget(heading)
        self.reminders = QLabel()
        self.reminders.setWordWrap(True)
        self.reminders.setTextFormat(Qt.TextFormat.RichText)
        self.reminders.linkActivated.connect(self._on_reminders_link_activated)
        reminders_layout.addWidget(self.reminders)
        layout.addWidget(reminders)
        layout.addStretch(1)

        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(page)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.refresh()

    def refresh(self) -> None:
        services, today = self._services, self._today()
        Op(self, lambda _p: load_overview(services, today), writes=False).success(self._on_loaded).run(
            self._runner
        )

    # ---- showing ----------------------------------------------------------------------------

    def _on_loaded(self, figures: OverviewFigures) -> None:
        self.figures = figures
        today, month, year = figures.today, figures.month, figures.year
        self.period_label.setText(_("Tháng {month}/{year}").format(month=today.month, year=today.year))
        self.people_count.setText(count_text(figures.people))
        in_year = _("Cả năm {year}: {value}")
        self.cards["cash"].show_figure(
            format_vnd(month.cash_vnd), in_year.format(year=today.year, value=format_vnd(year.cash_vnd))
        )
        self.cards["in_kind"].show_figure(
            format_vnd(month.in_kind_vnd), in_year.format(year=today.year, value=format_vnd(year.in_kind_vnd))
        )
        self.cards["helped"].show_figure(
            count_text(month.people_helped),
            in_year.format(year=today.year, value=count_text(year.people_helped)),
        )
        self.cards["blood"].show_figure(self._blood_figure(month), self._blood_year(today.year, year))
        members = figures.members
        self.cards["members"].show_figure(
            count_text(members.get("member", 0)),
            _("Tình nguyện viên: {volunteers} · Thanh, thiếu niên: {youth}").format(
                volunteers=count_text(members.get("volunteer", 0)),
                youth=count_text(members.get("youth", 0) + members.get("junior", 0)),
            ),
        )
        self.cards["hours"].show_figure(
            hours_text(month.volunteer_minutes),
            in_year.format(year=today.year, value=hours_text(year.volunteer_minutes)),
        )
        show_chart(self.cash_view, cash_chart(figures.cash_trend))
        show_chart(self.helped_view, helped_chart(figures.helped_trend))
        self._show_reminders(figures)

    @staticmethod
    def _blood_figure(month: PeriodFigures) -> str:
        if month.blood_target:
            return _("{units}/{target} đơn vị").format(
                units=count_text(month.blood_units), target=count_text(month.blood_target)
            )
        return _("{units} đơn vị").format(units=count_text(month.blood_units))

    @staticmethod
    def _blood_year(year_number: int, year: PeriodFigures) -> str:
        percent = year.blood_percent
        if percent is None:
            return _("Cả năm {year}: {units} đơn vị").format(
                year=year_number, units=count_text(year.blood_units)
            )
        return _("Cả năm {year}: {units}/{target} đơn vị ({percent}% kế hoạch các đợt)").format(
            year=year_number,
            units=count_text(year.blood_units),
            target=count_text(year.blood_target),
            percent=percent,
        )

    def _show_reminders(self, figures: OverviewFigures) -> None:
        if not figures.reminders:
            self.reminders.setText(html.escape(_("Không có việc gì cần nhắc lúc này.")))
            return
        items = "".join(
            f'<li style="margin-bottom:4px">{html.escape(r.text)} '
            f'<a href="{r.section}">{html.escape(r.where)}</a></li>'
            for r in figures.reminders
        )
        self.reminders.setText(f'<ul style="margin-left:-20px">{items}</ul>')

    def reminder_texts(self) -> list[str]:
        """Each reminder as shown, with where to go: "… Xem tại mục Hiến máu"."""
        if self.figures is None:
            return []
        return [f"{r.text} {r.where}" for r in self.figures.reminders]

    def _on_reminders_link_activated(self, key: str) -> None:
        show_section = getattr(self.window(), "show_section", None)  # the main window, when there is one
        if callable(show_section):
            show_section(key)
