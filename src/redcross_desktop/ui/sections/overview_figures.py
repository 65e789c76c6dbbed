# SPDX-License-Identifier: MIT
"""The figures and reminders of the Tổng quan page, gathered from the services in one background
read. No Qt here: the page only lays them out.

Periods are the calendar month and year containing `today`; the trends cover the twelve months
ending with this one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from ...core.i18n import _
from ...core.vn import format_date
from ...services.blood import DriveRow
from ...services.container import Services
from ...services.donations import DonationQuery
from ...services.relief import ReliefQuery

TREND_MONTHS = 12
DEFAULT_DEADLINE_DAY = 5
SHOWN_NAMES = 3  # names listed in a reminder before "…"


def month_start(day: date, offset: int = 0) -> date:
    """The first day of the month `offset` months after the one containing `day`."""
    index = day.year * 12 + day.month - 1 + offset
    return date(index // 12, index % 12 + 1, 1)


def month_end(day: date) -> date:
    return month_start(day, 1) - timedelta(days=1)


def drive_units(drive: DriveRow) -> int:
    """Units collected at a drive: the facility's bags, or the donors counted when the bags by
    size were not entered."""
    bags = drive.units_250 + drive.units_350 + drive.units_450
    return bags or drive.donated


@dataclass(frozen=True)
class PeriodFigures:
    cash_vnd: int
    in_kind_vnd: int
    people_helped: int  # lượt người: the people each relief record covered
    blood_units: int
    blood_target: int  # the drives' planned units
    volunteer_minutes: int

    @property
    def blood_percent(self) -> int | None:
        return round(100 * self.blood_units / self.blood_target) if self.blood_target else None


@dataclass(frozen=True)
class MonthPoint:
    month: date  # first day
    value: int


@dataclass(frozen=True)
class Reminder:
    text: str
    section: str  # the main window's key of the section to open
    where: str  # "Xem tại mục …"


@dataclass(frozen=True)
class OverviewFigures:
    today: date
    people: int
    month: PeriodFigures
    year: PeriodFigures
    members: dict[str, int]  # active on `today`, by category
    cash_trend: tuple[MonthPoint, ...]
    helped_trend: tuple[MonthPoint, ...]
    reminders: tuple[Reminder, ...]


def _period(services: Services, first: date, last: date, drives: list[DriveRow]) -> PeriodFigures:
    totals = services.donations.totals(DonationQuery(date_from=first, date_to=last))
    relief = services.relief.totals(ReliefQuery(date_from=first, date_to=last))
    held = [d for d in drives if first <= d.held_on <= last]
    return PeriodFigures(
        cash_vnd=totals.cash_vnd,
        in_kind_vnd=totals.in_kind_vnd,
        people_helped=relief.people_covered,
        blood_units=sum(drive_units(d) for d in held),
        blood_target=sum(d.target_units for d in held),
        volunteer_minutes=services.members.hours_total(first, last),
    )


def _report_reminder(services: Services, today: date) -> Reminder | None:
    """The next monthly report not yet closed: last month's while its deadline (day N of this month)
    has not passed, else this month's, due on day N of next month."""
    setting = services.settings.get("report") or {}
    deadline_day = int(setting.get("deadline_day", DEFAULT_DEADLINE_DAY))
    candidates = []
    if today.day <= deadline_day:
        candidates.append(month_start(today, -1))
    candidates.append(month_start(today))
    for month in candidates:
        if services.reports.period_status(f"{month.year:04d}-{month.month:02d}").closed:
            continue
        next_month = month_start(month, 1)
        due = min(next_month.replace(day=1) + timedelta(days=deadline_day - 1), month_end(next_month))
        days = (due - today).days
        if days == 0:
            left = _("hạn cuối là hôm nay")
        else:
            left = _("còn {n} ngày").format(n=days)
        return Reminder(
            _("Báo cáo tháng {month}/{year} cần gửi Hội cấp trên trước hết ngày {due} ({left}).").format(
                month=month.month, year=month.year, due=format_date(due), left=left
            ),
            "reports",
            _("Xem tại mục Báo cáo"),
        )
    return None


def _names(names: list[str]) -> str:
    shown = ", ".join(names[:SHOWN_NAMES])
    return shown + ("…" if len(names) > SHOWN_NAMES else "")


def _reminders(services: Services, today: date) -> list[Reminder]:
    reminders: list[Reminder] = []
    report = _report_reminder(services, today)
    if report is not None:
        reminders.append(report)
    eligible = services.blood.eligible_donors(today)
    if eligible:
        contactable = sum(1 for donor in eligible if donor.may_contact)
        reminders.append(
            Reminder(
                _(
                    "{n} người hiến máu đã đủ điều kiện hiến lại "
                    "({contactable} người đồng ý được liên hệ): {names}."
                ).format(
                    n=len(eligible), contactable=contactable, names=_names([d.full_name for d in eligible])
                ),
                "blood",
                _("Xem tại mục Hiến máu"),
            )
        )
    honours = services.blood.honour_candidates()
    if honours:
        reminders.append(
            Reminder(
                _("{n} người hiến máu đã đạt mốc tôn vinh: {names}.").format(
                    n=len(honours),
                    names=_names(
                        [
                            _("{name} ({count} lần)").format(name=h.person.full_name, count=h.count)
                            for h in honours
                        ]
                    ),
                ),
                "blood",
                _("Xem tại mục Hiến máu"),
            )
        )
    low = [b for b in services.stock.balances() if b.is_low]
    if low:
        reminders.append(
            Reminder(
                _("{n} mặt hàng sắp hết: {names}.").format(
                    n=len(low),
                    names=_names(
                        [
                            _("{name} (còn {quantity} {unit})").format(
                                name=b.name, quantity=b.quantity, unit=b.unit
                            )
                            for b in low
                        ]
                    ),
                ),
                "stock",
                _("Xem tại mục Kho hiện vật"),
            )
        )
    return reminders


def load_overview(services: Services, today: date) -> OverviewFigures:
    """Every figure of the page. Read-only; any thread (several short reads)."""
    year_first, year_last = date(today.year, 1, 1), date(today.year, 12, 31)
    drives = services.blood.list_drives(today.year)
    cash: list[MonthPoint] = []
    helped: list[MonthPoint] = []
    for offset in range(1 - TREND_MONTHS, 1):
        first = month_start(today, offset)
        last = month_end(first)
        cash.append(
            MonthPoint(
                first, services.donations.totals(DonationQuery(date_from=first, date_to=last)).cash_vnd
            )
        )
        helped.append(
            MonthPoint(
                first, services.relief.totals(ReliefQuery(date_from=first, date_to=last)).people_covered
            )
        )
    return OverviewFigures(
        today=today,
        people=services.people.count(),
        month=_period(services, month_start(today), month_end(today), drives),
        year=_period(services, year_first, year_last, drives),
        members=services.members.counts(today),
        cash_trend=tuple(cash),
        helped_trend=tuple(helped),
        reminders=tuple(_reminders(services, today)),
    )
