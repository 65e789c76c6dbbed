# SPDX-License-Identifier: MIT
"""The two trend charts of the Tổng quan page (QtCharts): money received per month as bars, people
helped per month as a line. Qt is imported here.

Axis numbers are whole numbers in a unit chosen for the largest value (đồng, nghìn, triệu, tỷ), so
no decimal mark is needed and the Vietnamese "," vs "." question never arises.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QLineSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import QWidget

from ...core.i18n import _
from .overview_figures import MonthPoint

BAR_COLOUR = QColor("#7D8FA6")
LINE_COLOUR = QColor("#A8201A")
GRID_COLOUR = QColor("#E3E3E3")
LABEL_COLOUR = QColor("#444444")


def money_unit(largest: int) -> tuple[int, str]:
    """(divisor, unit name) so the largest value reads as at least 10 of the unit."""
    for divisor, name in ((10**9, _("tỷ đồng")), (10**6, _("triệu đồng")), (10**3, _("nghìn đồng"))):
        if largest >= 10 * divisor:
            return divisor, name
    return 1, _("đồng")


def month_label(point: MonthPoint) -> str:
    """ "T7": twelve "7/2025" labels do not fit under a half-width chart; the title gives the years."""
    return _("T{month}").format(month=point.month.month)


def span_text(points: Sequence[MonthPoint]) -> str:
    if not points:
        return ""
    first, last = points[0].month, points[-1].month
    return _("từ {start} đến {end}").format(
        start=f"{first.month}/{first.year}", end=f"{last.month}/{last.year}"
    )


def _chart(title: str) -> QChart:
    chart = QChart()
    chart.setTitle(title)
    font = QFont(chart.titleFont())
    font.setBold(True)
    chart.setTitleFont(font)
    chart.legend().hide()
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    chart.setBackgroundRoundness(6)
    chart.setMargins(QMargins(4, 4, 4, 4))
    return chart


def _axes(
    chart: QChart, labels: Sequence[str], largest: float, title: str
) -> tuple[QBarCategoryAxis, QValueAxis]:
    small = QFont(chart.titleFont())
    small.setBold(False)
    small.setPointSizeF(max(small.pointSizeF() - 1.5, 7.0))  # twelve "12/25" labels fit a half-width chart
    x = QBarCategoryAxis()
    x.append(list(labels))
    x.setLabelsColor(LABEL_COLOUR)
    x.setLabelsFont(small)
    x.setGridLineVisible(False)
    y = QValueAxis()
    y.setLabelFormat("%.0f")
    y.setLabelsFont(small)
    y.setRange(0, max(largest * 1.15, 4))  # headroom: the highest point is not cut by the frame
    y.applyNiceNumbers()
    y.setTitleText(title)
    y.setLabelsColor(LABEL_COLOUR)
    y.setGridLineColor(GRID_COLOUR)
    chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
    return x, y


def chart_view(parent: QWidget | None = None) -> QChartView:
    view = QChartView(parent)
    view.setRenderHint(QPainter.RenderHint.Antialiasing)
    view.setMinimumHeight(240)
    return view


def show_chart(view: QChartView, chart: QChart) -> None:
    """Puts `chart` in the view; the view does not delete the chart it replaces."""
    old = view.chart()
    view.setChart(chart)
    if old is not None and old is not chart:
        old.deleteLater()


def cash_chart(points: Sequence[MonthPoint]) -> QChart:
    """Bars of the money received each month."""
    divisor, unit = money_unit(max((p.value for p in points), default=0))
    chart = _chart(_("Tiền nhận được theo tháng, {span}").format(span=span_text(points)))
    bars = QBarSet(_("Tiền mặt"))
    bars.setColor(BAR_COLOUR)
    bars.setBorderColor(BAR_COLOUR)
    for point in points:
        bars.append(point.value / divisor)
    series = QBarSeries()
    series.append(bars)
    chart.addSeries(series)
    x, y = _axes(
        chart, [month_label(p) for p in points], max((p.value for p in points), default=0) / divisor, unit
    )
    series.attachAxis(x)
    series.attachAxis(y)
    return chart


def helped_chart(points: Sequence[MonthPoint]) -> QChart:
    """A line of the people helped each month."""
    chart = _chart(_("Lượt người được hỗ trợ theo tháng, {span}").format(span=span_text(points)))
    series = QLineSeries()
    pen = QPen(LINE_COLOUR)
    pen.setWidth(2)
    series.setPen(pen)
    series.setPointsVisible(True)
    for number, point in enumerate(points):
        series.append(number, point.value)
    chart.addSeries(series)
    x, y = _axes(
        chart, [month_label(p) for p in points], max((p.value for p in points), default=0), _("lượt người")
    )
    series.attachAxis(x)
    series.attachAxis(y)
    return chart


def series_values(chart: QChart) -> list[float]:
    """The plotted values, bars or line."""
    series = chart.series()[0]
    if isinstance(series, QBarSeries):
        bars = series.barSets()[0]
        return [bars.at(i) for i in range(bars.count())]
    assert isinstance(series, QLineSeries)
    return [point.y() for point in series.points()]
