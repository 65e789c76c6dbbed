# SPDX-License-Identifier: MIT
"""The province's consolidated monthly report (issue 5, item 4; domain.md §3): the same indicator
catalogue, one column per commune plus the province total, from each commune's latest report rows
(`province_records`, sheet "report"), checked against the figures recomputed from the communes'
imported records (`REPORT_MISMATCH`, see `indicators.py`), and written as a Decree 30-style
workbook (`reports/consolidated.py`, which explains the layout chosen for ~150 communes).

**Totals.** `sum` and `end` indicators add up the communes' figures (domain.md §3.2: "At the
province, sum and end indicators are summed over the communes"); a commune that sent no figure for
a row adds nothing, and a row no commune has a figure for stays empty. `ratio` indicators are
recomputed, never summed: the % of the annual plan is the communes' year-to-date base figure ÷ the
province's own target (setting "plans" → {year: {code: value}} in the province store), empty
without a target. Each commune's column shows its own reported ratio.

**Columns.** Every commune registered at the province (`province_branches`), plus any commune whose
report rows are stored without a registration, in the order of the official 2025 list. A commune
that sent no report rows for the period has an empty column, marked "chưa báo cáo". Qt-free.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...core.errors import NotFoundError
from ...core.i18n import _
from ...db.models import Branch, ProvinceBranch, ProvinceRecord
from ...db.repositories.province import json_text
from ...domain import areas
from ...reports.catalogue import DISAGG_VALUES, Catalogue, Indicator
from ...reports.consolidated import (
    CommuneColumn,
    ConsolidatedLine,
    ProvinceReport,
    ReportMismatch,
    write_consolidated_workbook,
)
from ...reports.model import Letterhead, ReportSection
from ..context import ServiceContext
from ..reports import _atomic_write, parse_period
from ..settings import read_setting
from .indicators import mismatches_of, province_catalogue, recompute_many

__all__ = [
    "CommuneColumn",
    "ConsolidatedLine",
    "ConsolidationService",
    "ProvinceReport",
    "ReportMismatch",
]

VN_TZ = timezone(timedelta(hours=7))  # Vietnam keeps no daylight saving time

# (indicator, disagg) -> value, and the label the commune printed for a breakdown row.
Figures = dict[tuple[str, str], int]


def today_vn() -> date:
    return datetime.now(UTC).astimezone(VN_TZ).date()


def _whole_percent(numerator: int, denominator: int) -> int:
    return int(
        (Decimal(numerator) * 100 / Decimal(denominator)).quantize(Decimal("1"), rounding=ROUND_HALF_UP)
    )


def province_branch(session: Session) -> Branch:
    branch = session.scalars(select(Branch)).first()
    if branch is None:
        raise NotFoundError(_("Chưa có thông tin Hội tỉnh. Hãy khởi tạo cơ sở dữ liệu cấp tỉnh trước."))
    return branch


def commune_columns(
    session: Session, province_code: str, extra_branches: Iterable[str] = ()
) -> list[CommuneColumn]:
    """Registered communes plus `extra_branches` (known from their records), in the order of the
    official list; `reported` is False here and set by the caller."""
    official = {area.code: (index, area.name) for index, area in enumerate(areas.communes(province_code))}
    found: dict[str, tuple[str | None, str]] = {
        code: (commune, name)
        for code, commune, name in session.execute(
            select(ProvinceBranch.branch_code, ProvinceBranch.commune_code, ProvinceBranch.name)
        )
    }
    for code in extra_branches:
        found.setdefault(code, (None, code))
    columns: list[tuple[tuple[int, str], CommuneColumn]] = []
    for code, (commune, name) in found.items():
        place = official.get(commune or "")
        order = (place[0] if place else len(official), code)
        columns.append((order, CommuneColumn(code, commune, place[1] if place else name, False)))
    return [column for _order, column in sorted(columns, key=lambda item: item[0])]


def _report_rows(
    session: Session, periods: Sequence[str], codes: Iterable[str] | None = None
) -> list[tuple[str, str, str, str, int, str]]:
    """Live report rows of these months: (branch, period, indicator, disagg, value, label)."""
    doc = ProvinceRecord.data
    stmt = select(
        ProvinceRecord.origin_branch,
        ProvinceRecord.period,
        json_text(doc, "indicator"),
        json_text(doc, "disagg"),
        json_text(doc, "value"),
        json_text(doc, "label"),
    ).where(
        ProvinceRecord.sheet_key == "report",
        ProvinceRecord.deleted.is_(False),
        ProvinceRecord.period.in_(list(periods)),
    )
    if codes is not None:
        stmt = stmt.where(json_text(doc, "indicator").in_(sorted(codes)))
    rows = []
    for branch, period, code, disagg, value, label in session.execute(stmt):
        if code is None or value is None:
            continue
        rows.append((str(branch), str(period), str(code), str(disagg or ""), int(value), str(label or "")))
    return rows


def _disagg_keys(indicator: Indicator, figures: Iterable[Figures]) -> list[str]:
    """Breakdowns with a figure other than zero in some commune, in the catalogue's fixed order
    (then any others, such as campaign codes, alphabetically)."""
    seen: set[str] = set()
    for commune in figures:
        seen.update(d for (code, d), v in commune.items() if code == indicator.code and d and v)
    order = [f"{indicator.disagg}={v}" for v in DISAGG_VALUES.get(indicator.disagg or "", ())]
    return sorted(seen, key=lambda k: (order.index(k) if k in order else len(order), k))


def _sum(values: Sequence[int | None]) -> int | None:
    present = [v for v in values if v is not None]
    return sum(present) if present else None


class ConsolidationService:
    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    def report(self, period: str, *, report_date: date | None = None) -> ProvinceReport:
        """Every indicator of the catalogue per commune and in total for the month, with the
        REPORT_MISMATCH warnings of the communes that reported. Read-only; any thread."""
        first, _last = parse_period(period)
        period = f"{first:%Y-%m}"
        with self._ctx.sessions() as session:
            branch = province_branch(session)
            catalogue = province_catalogue(session)
            rows = _report_rows(session, [period])
            figures: dict[str, Figures] = {}
            labels: dict[tuple[str, str], str] = {}
            for code_branch, _p, code, disagg, value, label in rows:
                figures.setdefault(code_branch, {})[(code, disagg)] = value
                if disagg and label:
                    labels.setdefault((code, disagg), label)
            columns = [
                CommuneColumn(c.branch_code, c.commune_code, c.name, c.branch_code in figures)
                for c in commune_columns(session, branch.province_code, figures)
            ]
            lines = self._lines(session, catalogue, period, columns, figures, labels)
            recomputed = recompute_many(session, period, sorted(figures), catalogue=catalogue)
            mismatches = [
                m
                for column in columns
                if column.reported
                for m in mismatches_of(
                    catalogue,
                    column.branch_code,
                    period,
                    figures[column.branch_code],
                    recomputed[column.branch_code],
                )
            ]
            settings = read_setting(session, "report") or {}
            suffix = settings.get("number_suffix", "BC-CTĐ") if isinstance(settings, Mapping) else "BC-CTĐ"
            return ProvinceReport(
                period=period,
                period_label=f"tháng {first.month:02d}/{first.year}",
                province_code=branch.province_code,
                province_name=branch.province_name,
                catalogue_version=catalogue.version,
                letterhead=Letterhead(
                    parent_line=branch.parent_line,
                    branch_name=branch.name,
                    place_name=branch.place_name,
                    chair_name=branch.chair_name,
                    chair_title=branch.chair_title or "Chủ tịch",
                    officer_name=branch.officer_name,
                ),
                report_date=report_date or today_vn(),
                number_suffix=str(suffix),
                sections=tuple(ReportSection(s.key, s.roman, s.label_vi) for s in catalogue.sections),
                communes=tuple(columns),
                lines=tuple(lines),
                mismatches=tuple(mismatches),
            )

    def _lines(
        self,
        session: Session,
        catalogue: Catalogue,
        period: str,
        columns: Sequence[CommuneColumn],
        figures: Mapping[str, Figures],
        labels: Mapping[tuple[str, str], str],
    ) -> list[ConsolidatedLine]:
        lines: list[ConsolidatedLine] = []
        per_column = [figures.get(c.branch_code, {}) for c in columns]
        for indicator in catalogue.indicators:
            for key in ["", *(_disagg_keys(indicator, per_column) if indicator.disagg else [])]:
                values = tuple(f.get((indicator.code, key)) for f in per_column)
                ratio = indicator.period_agg == "ratio"
                total = self._ratio_total(session, catalogue, indicator, period) if ratio else _sum(values)
                lines.append(
                    ConsolidatedLine(
                        code=indicator.code,
                        disagg=key,
                        label=indicator.label_vi if not key else labels.get((indicator.code, key), key),
                        unit=indicator.unit,
                        section=indicator.section,
                        total=None if ratio and key else total,
                        values=values,
                        is_money=indicator.is_money,
                        is_percent=indicator.is_percent,
                        summed=not ratio,
                    )
                )
        return lines

    @staticmethod
    def _ratio_total(session: Session, catalogue: Catalogue, indicator: Indicator, period: str) -> int | None:
        """% of the province's annual target reached by the communes' year-to-date base figure."""
        if indicator.source.kind != "derived" or indicator.source.op != "plan_percent":
            return None
        base = catalogue.indicator(indicator.source.of[0])
        if base is None or base.plan_key is None:
            return None
        year = int(period[:4])
        plans = read_setting(session, "plans") or {}
        year_plans = plans.get(str(year)) if isinstance(plans, Mapping) else None
        target: Any = year_plans.get(base.plan_key) if isinstance(year_plans, Mapping) else None
        if not isinstance(target, int | float) or isinstance(target, bool) or target <= 0:
            return None
        months = (
            [period]
            if base.period_agg == "end"
            else [f"{year:04d}-{m:02d}" for m in range(1, int(period[5:]) + 1)]
        )
        rows = _report_rows(session, months, [base.code])
        ytd = sum(value for _b, _p, _c, disagg, value, _l in rows if not disagg)
        return _whole_percent(ytd, int(target))

    def write_report(self, period: str, out: Path, *, report_date: date | None = None) -> Path:
        """Writes the consolidated report workbook to `out` through a temporary file renamed over
        it (a failure leaves no partial file). Read-only; any thread."""
        report = self.report(period, report_date=report_date)
        return _atomic_write(Path(out), lambda path: write_consolidated_workbook(path, report))
