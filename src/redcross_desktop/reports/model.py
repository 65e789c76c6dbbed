# SPDX-License-Identifier: MIT
"""What the report writers receive: frozen DTOs built by `services/reports.py`, so the writers never
touch the database and can be tested with plain values. Qt-free.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True)
class ReportLine:
    """One row of the report table. `disagg` is "" for the indicator itself, or e.g. "rank=gold" for
    one of its "trong đó" rows. A figure is None when it has no value: a hand-entered indicator not
    yet entered, a comparison with zero, an indicator without an annual target."""

    code: str
    disagg: str
    label: str
    unit: str
    section: str
    month: int | None
    ytd: int | None
    last_year: int | None  # the same period of last year: year to date, or the value at its end
    compare_pct: float | None  # ytd ÷ last_year × 100, one decimal (100.0 = the same)
    plan: int | None
    plan_pct: float | None  # ytd (or the end value) ÷ plan × 100, one decimal
    is_money: bool = False
    is_percent: bool = False
    manual: bool = False


@dataclass(frozen=True)
class ReportSection:
    key: str
    roman: str
    label: str


@dataclass(frozen=True)
class NarrativeText:
    code: str
    label: str
    text: str


@dataclass(frozen=True)
class MonthlyReport:
    """Every indicator of the catalogue for one period: a month ("2026-03"), a quarter ("2026-Q1")
    or a year to date ("2026-03/YTD")."""

    period: str
    period_label: str  # "tháng 03/2026", "quý I/2026", "từ tháng 01 đến tháng 03/2026"
    date_from: date
    date_to: date
    catalogue_version: str
    sections: tuple[ReportSection, ...]
    lines: tuple[ReportLine, ...]
    narrative: tuple[NarrativeText, ...]
    closed: bool = False
    closed_by: str = ""
    closed_at: datetime | None = None

    def line(self, code: str, disagg: str = "") -> ReportLine | None:
        return next((x for x in self.lines if x.code == code and x.disagg == disagg), None)


@dataclass(frozen=True)
class DonationDetail:
    """A valid donation as it may be shown: no CCCD, phone or designation (which can name a patient)."""

    received_on: date
    receipt_code: str
    donor_name: str  # "Nhà hảo tâm (giấu tên)" for an anonymous gift
    campaign_name: str
    goods: str  # "10 kg Gạo; 2 thùng Mì tôm"
    cash_vnd: int
    goods_vnd: int

    @property
    def total_vnd(self) -> int:
        return self.cash_vnd + self.goods_vnd


@dataclass(frozen=True)
class ReliefDetail:
    """Support given as it may be shown: name, thôn and what was given; never CCCD, phone or
    vulnerable (health) groups."""

    given_on: date
    name: str
    thon: str
    kind_label: str
    support: str  # "Tiền mặt 500.000 đ; 10 kg Gạo"
    cash_vnd: int
    goods_vnd: int

    @property
    def total_vnd(self) -> int:
        return self.cash_vnd + self.goods_vnd


@dataclass(frozen=True)
class Letterhead:
    parent_line: str  # "HỘI CTĐ THÀNH PHỐ HÀ NỘI"
    branch_name: str  # "Hội Chữ thập đỏ phường Hoàn Kiếm"
    place_name: str  # for the date line
    chair_name: str
    chair_title: str  # "Chủ tịch"
    officer_name: str


@dataclass(frozen=True)
class ReportDTO:
    letterhead: Letterhead
    number: str  # from the outgoing register ("5" prints "05"); "" leaves it blank
    number_suffix: str  # "BC-CTĐ"
    report_date: date
    recipients: tuple[str, ...]
    report: MonthlyReport
    donations: tuple[DonationDetail, ...] = ()
    relief: tuple[ReliefDetail, ...] = ()


@dataclass(frozen=True)
class DisclosureDTO:
    """Decree 93/2021 Art. 14 disclosure of one campaign or one period."""

    letterhead: Letterhead
    disclosure_date: date
    scope_label: str  # "Đợt vận động: Ủng hộ đồng bào bị lũ lụt (LULUT2026)" or "Tháng 03/2026"
    documents: str  # the calling documents
    receiving_from: date | None
    receiving_to: date | None
    channels: tuple[str, ...]  # how gifts were received: "Tiền mặt", "Chuyển khoản"…
    donations: tuple[DonationDetail, ...]
    support: tuple[ReliefDetail, ...]

    @property
    def received_vnd(self) -> int:
        return sum(d.total_vnd for d in self.donations)

    @property
    def distributed_vnd(self) -> int:
        return sum(s.total_vnd for s in self.support)
