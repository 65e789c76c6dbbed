# SPDX-License-Identifier: MIT
"""A realistic, deterministic demo branch: the 24 months up to the current one, written through the
real services so every rule (gapless receipts, stock, blood intervals, dues) holds in demo data too.

The same seed and the same current month give the same branch. Qt-free.
"""

from __future__ import annotations

import calendar
import json
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from ..core.errors import RedCrossError, ValidationError
from ..core.i18n import _
from ..core.progress import Progress, check_cancelled
from ..core.resources import resource
from .activities import ActivityInput, TracingInput
from .blood import BloodDonationInput, DriveInput
from .campaigns import CampaignInput
from .container import Services
from .donations import DonationInput, DonationLineInput
from .households import HouseholdInput
from .members import DuesInput, HoursInput, MembershipInput
from .people import PersonInput
from .relief import ReliefInput, ReliefItemInput
from .stock import ItemInput

DEMO_PROVINCE, DEMO_COMMUNE = "01", "00070"  # Phường Hoàn Kiếm, Thành phố Hà Nội
MONTHS = 24
STREETS = ("phố Hàng Bạc", "phố Hàng Đào", "phố Lò Sũ", "phố Tràng Tiền")


@dataclass
class DemoSummary:
    counts: dict[str, int] = field(default_factory=dict)

    def add(self, label: str, n: int = 1) -> None:
        self.counts[label] = self.counts.get(label, 0) + n


def _month_days(year: int, month: int, today: date) -> list[date]:
    last = calendar.monthrange(year, month)[1]
    return [d for d in (date(year, month, day) for day in range(1, last + 1)) if d <= today]


class _DemoBuilder:
    def __init__(
        self, services: Services, *, people: int, seed: int, today: date, progress: Progress
    ) -> None:
        self.s = services
        self.rng = random.Random(seed)
        self.today = today
        self.progress = progress
        self.n_people = people
        self.vocab: dict[str, Any] = json.loads(
            resource("demo", "vocabulary.json").read_text(encoding="utf-8")
        )
        self.summary = DemoSummary()
        self.stock, self.donations = services.stock, services.donations
        self.campaigns, self.relief = services.campaigns, services.relief
        self.blood, self.members = services.blood, services.members
        self.activities, self.households = services.activities, services.households
        self.person_ids: list[int] = []
        self.birth: dict[int, date] = {}
        self.sex: dict[int, str] = {}
        self.org_ids: list[int] = []
        self.item_ids: dict[str, int] = {}
        self.poor_people: list[int] = []
        self.campaign_by_month: dict[tuple[int, int], int] = {}

    # ------------------------------------------------------------ reference data
    def people(self) -> None:
        families = [name for name, weight in self.vocab["family_names"] for _ in range(weight)]
        thon = self.vocab["thon"]
        cccd_serial = 0
        for i in range(self.n_people):
            sex = self.rng.choice("MF")
            name = (
                f"{self.rng.choice(families)} {self.rng.choice(self.vocab['middle_names'][sex])} "
                f"{self.rng.choice(self.vocab['given_names'][sex])}"
            )
            born = date(self.rng.randint(1950, 2006), self.rng.randint(1, 12), self.rng.randint(1, 28))
            cccd = ""
            if self.rng.random() < 0.5:
                cccd_serial += 1
                century = (0 if born.year < 2000 else 2) + (0 if sex == "M" else 1)
                cccd = f"001{century}{born.year % 100:02d}{cccd_serial:06d}"
            phone = f"09{self.rng.randrange(10**8):08d}" if self.rng.random() < 0.7 else ""
            saved = self.s.people.create(
                PersonInput(
                    name,
                    sex=sex,
                    birth_date=born,
                    cccd=cccd,
                    phone=phone,
                    thon=self.rng.choice(thon),
                    address=f"Số {self.rng.randint(1, 120)} {self.rng.choice(STREETS)}",
                    consent_status="given" if self.rng.random() < 0.8 else "unknown",
                    consent_date=self.today - timedelta(days=400) if i % 5 else None,
                    blood_prior_donations=self.rng.choice([0, 0, 0, 2, 5, 8]) if i % 7 == 0 else 0,
                )
            )
            pid = saved.person.id
            self.person_ids.append(pid)
            self.birth[pid], self.sex[pid] = born, sex
            if i % 50 == 0:
                check_cancelled(self.progress)
                self.progress.report(i, self.n_people, _("Đang tạo danh sách người…"))
        for org in self.vocab["organisations"]:
            self.org_ids.append(self.s.people.create(PersonInput(org, is_organisation=True)).person.id)
        self.summary.add(_("Người"), len(self.person_ids) + len(self.org_ids))
        # Households: a third of the people, a few of them poor (from the People's Committee list).
        pool = self.person_ids[: len(self.person_ids) // 3]
        while len(pool) >= 2:
            size = min(len(pool), self.rng.randint(2, 5))
            members, pool = pool[:size], pool[size:]
            status = self.rng.choices(["poor", "near_poor", "none"], [1, 1, 6])[0]
            household = self.households.create(
                HouseholdInput(
                    thon=self.rng.choice(thon),
                    size=size,
                    poverty_status=status,
                    poverty_year=self.today.year - 1 if status != "none" else None,
                )
            )
            for k, pid in enumerate(members):
                self.households.add_member(household.id, pid, is_head=k == 0)
            if status != "none":
                self.poor_people.append(members[0])
            self.summary.add(_("Hộ gia đình"))

    def items(self) -> None:
        for item in self.vocab["items"]:
            row = self.stock.create_item(
                ItemInput(
                    item["name"],
                    item["unit"],
                    category=item["category"],
                    suggested_value_vnd=item["value"],
                    low_stock_level=20 if item["unit"] == "kg" else 5,
                )
            )
            self.item_ids[item["name"]] = row.id

    def campaigns_for(self, year: int) -> None:
        for spec in self.vocab["campaigns"]:
            start = date(year, spec["month"], 1)
            if start > self.today:
                continue
            row = self.campaigns.create(
                CampaignInput(
                    code=f"{spec['code']}-{year}",
                    name=spec["name"].format(year=year + (1 if spec["kind"] == "tet" else 0)),
                    kind=spec["kind"],
                    start_date=start,
                    end_date=start + timedelta(days=spec["days"] - 1),
                    min_gift_vnd=spec["min_gift"],
                    target_vnd=50_000_000,
                    documents=f"Kế hoạch số {self.rng.randint(10, 99)}/KH-CTĐ ngày {start:%d/%m/%Y}",
                )
            )
            for offset in range(0, spec["days"], 28):
                day = start + timedelta(days=offset)
                self.campaign_by_month[(day.year, day.month)] = row.id
            self.summary.add(_("Đợt vận động"))

    # ------------------------------------------------------------ a month of work
    def month(self, year: int, month: int) -> None:
        days = _month_days(year, month, self.today)
        if not days:
            return
        campaign = self.campaign_by_month.get((year, month))
        self._donations(days, campaign)
        self._relief(days, campaign)
        if month in (3, 6, 9, 12):
            self._blood_drive(days)
        self._members(year, month, days)
        self._activities(days, month)

    def _donations(self, days: list[date], campaign: int | None) -> None:
        donors = self.person_ids[: max(10, len(self.person_ids) // 2)] + self.org_ids
        for _i in range(self.rng.randint(8, 16) + (10 if campaign else 0)):
            day = self.rng.choice(days)
            anonymous = self.rng.random() < 0.1
            if self.rng.random() < 0.2:
                name = self.rng.choice(["Gạo tẻ", "Mì tôm", "Chăn ấm", "Vở học sinh", "Dầu ăn"])
                item = next(x for x in self.vocab["items"] if x["name"] == name)
                qty = (
                    self.rng.choice([10, 20, 50, 100])
                    if item["unit"] in ("kg", "quyển")
                    else self.rng.randint(2, 10)
                )
                data = DonationInput(
                    day,
                    donor_id=None if anonymous else self.rng.choice(donors),
                    campaign_id=campaign,
                    channel="in_kind",
                    lines=(DonationLineInput(self.item_ids[name], qty, item["value"]),),
                    collector="Trần Minh Quân",
                )
            else:
                amount = self.rng.choice(
                    [100_000, 200_000, 300_000, 500_000, 500_000, 1_000_000, 2_000_000, 5_000_000]
                )
                data = DonationInput(
                    day,
                    donor_id=None if anonymous else self.rng.choice(donors),
                    campaign_id=campaign,
                    channel=self.rng.choice(["cash", "cash", "transfer"]),
                    cash_vnd=amount,
                    collector="Trần Minh Quân",
                )
            row = self.donations.record(data)
            self.summary.add(_("Biên nhận quyên góp"))
            roll = self.rng.random()
            if roll < 0.03:
                self.donations.void(row.id, _("Ghi nhầm người ủng hộ; đã lập biên nhận khác"))
                self.summary.add(_("Biên nhận đã hủy"))
            elif roll < 0.06 and row.cash_vnd:
                self.donations.edit(
                    row.id, DonationInput(**{**data.__dict__, "note": _("Sửa: bổ sung ghi chú")})
                )
            elif roll < 0.5:
                self.donations.mark_printed(row.id)
        # The collection box is opened once a month and counted as one donation.
        self.donations.record(
            DonationInput(
                days[-1],
                donor_display=_("Hòm quyên góp tại trụ sở"),
                channel="box",
                cash_vnd=self.rng.randint(5, 40) * 50_000,
                campaign_id=campaign,
            )
        )
        self.summary.add(_("Biên nhận quyên góp"))

    def _relief(self, days: list[date], campaign: int | None) -> None:
        targets = self.poor_people or self.person_ids[:5]
        tet = days[0].month in (1, 2)
        for _i in range(self.rng.randint(2, 5) + (len(targets) // 2 if tet else 0)):
            day = self.rng.choice(days)
            items: tuple[ReliefItemInput, ...] = ()
            rice = self.item_ids["Gạo tẻ"]
            quantity = self.stock.balance(rice).quantity
            if quantity >= 10 and self.rng.random() < 0.5:
                items = (ReliefItemInput(rice, 10),)
            kind = self.rng.choice(["regular", "emergency"]) if not tet else "regular"
            try:
                self.relief.record(
                    ReliefInput(
                        day,
                        kind,
                        person_id=self.rng.choice(targets),
                        programme=_("Tết Nhân ái") if tet else _("Trợ giúp thường xuyên"),
                        groups=(self.rng.choice(["poor", "near_poor", "elderly_alone", "orphan"]),),
                        cash_vnd=self.rng.choice([300_000, 500_000, 1_000_000]),
                        items=items,
                        campaign_id=campaign,
                        review_minutes_ref=f"Biên bản bình xét ngày {day:%d/%m/%Y}"
                        if kind == "regular"
                        else "",
                        confirmation_ref="Xác nhận của UBND phường" if kind == "regular" else "",
                    )
                )
                self.summary.add(_("Lượt hỗ trợ"))
            except RedCrossError:
                continue  # e.g. stock used up by an earlier gift that day: a real officer would pick another

    def _blood_drive(self, days: list[date]) -> None:
        day = days[min(14, len(days) - 1)]
        donors = [p for p in self.person_ids if 18 <= (day - self.birth[p]).days // 365 <= 60][:60]
        chosen = self.rng.sample(donors, min(len(donors), self.rng.randint(15, 30)))
        donated = 0
        for pid in chosen:
            if self.blood.eligibility(pid, day).eligible:
                self.blood.record_donation(
                    BloodDonationInput(
                        pid,
                        day,
                        kind="whole",
                        ml=self.rng.choice([250, 350, 350, 450]),
                        facility=self.vocab["facilities"][0],
                        certificate_no=f"GCN-{day:%y%m}-{pid:05d}",
                        certificate_date=day,
                    )
                )
                donated += 1
                self.summary.add(_("Lượt hiến máu"))
        screened = donated + self.rng.randint(2, 8)
        units = [0, 0, 0]
        for _i in range(donated):
            units[self.rng.choice([0, 1, 1, 2])] += 1
        self.blood.create_drive(
            DriveInput(
                day,
                _("Nhà văn hóa phường Hoàn Kiếm"),
                facility=self.vocab["facilities"][0],
                target_units=40,
                registered=screened + self.rng.randint(0, 10),
                screened=screened,
                donated=donated,
                first_time=donated // 4,
                units_250=units[0],
                units_350=units[1],
                units_450=units[2],
            )
        )
        self.summary.add(_("Đợt hiến máu"))

    def _members(self, year: int, month: int, days: list[date]) -> None:
        if (year, month) == self._first_month:
            chi_hoi = [self.members.create_sub_unit("chi_hoi", f"Chi hội {t}").id for t in self.vocab["thon"]]
            self.members.create_sub_unit("first_aid_team", _("Đội sơ cấp cứu phường"))
            self.members.create_sub_unit("blood_club", _("CLB Hiến máu tình nguyện phường"))
            adults = [p for p in self.person_ids if (days[0] - self.birth[p]).days // 365 >= 18]
            self._member_ids: list[int] = []
            self._volunteer_ids: list[int] = []
            for k, pid in enumerate(adults[: max(4, len(adults) // 4)]):
                row = self.members.enrol(
                    MembershipInput(
                        pid,
                        "member",
                        days[0],
                        member_no=f"HV{k + 1:04d}",
                        sub_unit_id=chi_hoi[k % len(chi_hoi)],
                        dues_exempt=k % 25 == 0,
                        exempt_reason=_("Hoàn cảnh khó khăn") if k % 25 == 0 else "",
                    )
                )
                self._member_ids.append(row.row.id)
                self.summary.add(_("Hội viên"))
                if k % 3 == 0:
                    vol = self.members.enrol(
                        MembershipInput(pid, "volunteer", days[0], volunteer_rank="active")
                    )
                    self._volunteer_ids.append(vol.row.id)
                    self.summary.add(_("Tình nguyện viên"))
        if month in (1, 7):  # dues collected twice a year, six months at a time
            rate = int(self.s.settings.get("dues")["monthly_rate_vnd"])
            for mid in self._member_ids:
                try:
                    self.members.record_dues(
                        DuesInput(
                            mid,
                            days[min(9, len(days) - 1)],
                            f"{year}-{month:02d}",
                            6,
                            6 * rate,
                            collector="Trần Minh Quân",
                        )
                    )
                    self.summary.add(_("Lần thu hội phí"))
                except RedCrossError:
                    continue  # exempt members pay nothing
        for vid in self._volunteer_ids[: len(self._volunteer_ids) // 2 + 1]:
            self.members.log_hours(
                HoursInput(
                    vid,
                    self.rng.choice(days),
                    self.rng.choice([60, 120, 180, 240]),
                    description=_("Hỗ trợ trao quà, truyền thông"),
                    verified_by="Trần Minh Quân",
                )
            )
            self.summary.add(_("Lượt giờ tình nguyện"))

    def _activities(self, days: list[date], month: int) -> None:
        titles = self.vocab["activity_titles"]
        kinds = (
            ["communication"]
            + (["first_aid"] if month % 3 == 1 else [])
            + (["disaster"] if month == 6 else [])
            + (["health"] if month in (1, 10) else [])
            + (["movement"] if month == 1 else [])
            + (["youth"] if month == 7 else [])
        )
        for kind in kinds:
            day = self.rng.choice(days)
            self.activities.record(
                ActivityInput(
                    kind,
                    titles[kind],
                    day,
                    place=_("Nhà văn hóa phường"),
                    sessions=self.rng.randint(1, 3),
                    participants=self.rng.randint(20, 120),
                    cases=self.rng.randint(0, 4) if kind == "first_aid" else 0,
                    people_served=self.rng.randint(50, 200) if kind == "health" else 0,
                    value_vnd=self.rng.randint(10, 60) * 500_000 if kind == "health" else 0,
                )
            )
            self.summary.add(_("Hoạt động"))
        if month in (4, 11):
            self.activities.open_case(
                TracingInput(
                    self.rng.choice(days),
                    requester=_("Gia đình ông Nguyễn Văn Thành"),
                    sought_person=_("Liệt sĩ Nguyễn Văn Tâm, hy sinh năm 1972"),
                    narrative=_("Tìm thông tin phần mộ"),
                )
            )
            self.summary.add(_("Hồ sơ tìm kiếm thân nhân"))

    def build(self) -> DemoSummary:
        months = []
        y, m = self.today.year, self.today.month
        for _i in range(MONTHS):
            months.append((y, m))
            y, m = (y, m - 1) if m > 1 else (y - 1, 12)
        months.reverse()
        self._first_month = months[0]
        self.people()
        self.items()
        for year in sorted({y for y, _m in months} | {months[0][0] - 1}):
            self.campaigns_for(year)
        for done, (year, month) in enumerate(months):
            check_cancelled(self.progress)
            self.progress.report(
                done, len(months), _("Đang tạo dữ liệu tháng {m}/{y}…").format(m=month, y=year)
            )
            self.month(year, month)
        return self.summary


def fill_demo(
    services: Services, *, people: int = 300, seed: int = 1, progress: Progress, today: date | None = None
) -> DemoSummary:
    """Fill an empty branch with demo records (each record is its own service transaction)."""
    if people < 10:
        raise ValidationError(_("Chi hội mẫu cần ít nhất 10 người."))
    return _DemoBuilder(
        services, people=people, seed=seed, today=today or date.today(), progress=progress
    ).build()
