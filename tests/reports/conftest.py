# SPDX-License-Identifier: MIT
"""A commune branch with KNOWN records in March 2026, earlier in 2026 and in early 2025, entered
through the services, for the report tests. Every figure expected from it is worked out in
`test_indicator_values.py`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pytest

from redcross_desktop.services.activities import ActivityInput, ActivityService, TracingInput
from redcross_desktop.services.blood import BloodDonationInput, BloodService, DriveInput
from redcross_desktop.services.campaigns import CampaignInput, CampaignService
from redcross_desktop.services.container import Services
from redcross_desktop.services.donations import DonationInput, DonationLineInput, DonationService
from redcross_desktop.services.households import HouseholdInput, HouseholdService
from redcross_desktop.services.members import DuesInput, HoursInput, MembershipInput, MembershipService
from redcross_desktop.services.people import PersonInput
from redcross_desktop.services.relief import ReliefInput, ReliefItemInput, ReliefService
from redcross_desktop.services.reports import ReportService
from redcross_desktop.services.stock import ItemInput, StockService

PERIOD = "2026-03"


@dataclass
class Known:
    services: Services
    reports: ReportService
    ids: dict[str, int] = field(default_factory=dict)
    cccds: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)


def _person(known: Known, key: str, name: str, **kw: object) -> int:
    kw.setdefault("birth_date", date(1985, 6, 1))
    kw.setdefault("sex", "M")
    saved = known.services.people.create(PersonInput(name, **kw))  # type: ignore[arg-type]
    known.ids[key] = saved.person.id
    return saved.person.id


def build_known_branch(services: Services) -> Known:
    known = Known(services, ReportService(services.ctx))
    ctx = services.ctx
    members = MembershipService(ctx)
    campaigns = CampaignService(ctx)
    donations = DonationService(ctx)
    stock = StockService(ctx)
    relief = ReliefService(ctx)
    blood = BloodService(ctx)
    activities = ActivityService(ctx)
    households = HouseholdService(ctx)
    ids = known.ids

    # ---- sub-units: 2 chi hội, a first-aid team, a blood club
    members.create_sub_unit("chi_hoi", "Chi hội Tổ dân phố 1")
    members.create_sub_unit("chi_hoi", "Chi hội Tổ dân phố 2")
    members.create_sub_unit("first_aid_team", "Đội sơ cấp cứu phường")
    members.create_sub_unit("blood_club", "CLB hiến máu tình nguyện")

    # ---- members (category member)
    def enrol(key: str, category: str, joined: date, rank: str = "") -> int:
        pid = _person(known, f"p_{key}", f"Hội viên {key.upper()}", thon="Tổ 1")
        row = members.enrol(MembershipInput(pid, category, joined, volunteer_rank=rank)).row
        ids[key] = row.id
        return row.id

    enrol("m1", "member", date(2024, 5, 10))
    enrol("m2", "member", date(2025, 2, 10))
    enrol("m3", "member", date(2026, 2, 15))
    enrol("m4", "member", date(2026, 3, 5))
    enrol("m5", "member", date(2024, 1, 10))
    members.leave(ids["m5"], date(2026, 3, 20), "Chuyển nơi ở")
    enrol("m6", "member", date(2025, 3, 1))
    members.leave(ids["m6"], date(2025, 12, 1), "Xin thôi")
    enrol("m8", "member", date(2023, 1, 1))
    members.leave(ids["m8"], date(2025, 6, 30), "Chuyển nơi ở")
    enrol("m7", "member", date(2026, 3, 10))
    from redcross_desktop.db.models import Membership

    with ctx.sessions.begin() as session:  # entered in error: tombstoned
        membership = session.get(Membership, ids["m7"])
        assert membership is not None
        membership.deleted = True

    # ---- volunteers and youth
    enrol("v1", "volunteer", date(2025, 1, 10), "gold")
    enrol("v2", "volunteer", date(2026, 3, 2))
    enrol("v3", "volunteer", date(2026, 1, 20), "silver")
    enrol("y1", "youth", date(2026, 2, 1))
    enrol("j1", "junior", date(2025, 9, 1))

    for membership, day, minutes in (
        ("v1", date(2026, 3, 10), 90),
        ("v1", date(2026, 2, 10), 45),
        ("v1", date(2025, 3, 5), 120),
        ("v3", date(2026, 3, 15), 30),
    ):
        members.log_hours(HoursInput(ids[membership], day, minutes, description="Trực sơ cấp cứu"))

    # ---- dues
    members.record_dues(DuesInput(ids["m1"], date(2026, 3, 5), "2026-01", 3, 3000))
    members.record_dues(DuesInput(ids["m3"], date(2026, 2, 20), "2026-02", 1, 1000))
    members.record_dues(DuesInput(ids["m1"], date(2025, 3, 10), "2025-01", 3, 3000))
    cancelled = members.record_dues(DuesInput(ids["m2"], date(2026, 3, 6), "2026-01", 2, 2000)).row.id
    members.cancel_dues(cancelled, "Ghi nhầm người đóng")

    # ---- campaigns
    ids["c_tet26"] = campaigns.create(
        CampaignInput(
            "TNA2026",
            "Tết Nhân ái Bính Ngọ 2026",
            kind="tet",
            start_date=date(2026, 1, 5),
            end_date=date(2026, 3, 31),
        )
    ).id
    ids["c_flood"] = campaigns.create(
        CampaignInput(
            "LULUT2026",
            "Ủng hộ đồng bào bị lũ lụt",
            kind="disaster",
            start_date=date(2026, 3, 1),
            documents="Thư kêu gọi số 12/TKG-CTĐ ngày 01/3/2026",
        )
    ).id
    ids["c_tet25"] = campaigns.create(
        CampaignInput(
            "TNA2025",
            "Tết Nhân ái Ất Tỵ 2025",
            kind="tet",
            start_date=date(2025, 1, 5),
            end_date=date(2025, 3, 31),
        )
    ).id

    # ---- items
    rice = stock.create_item(ItemInput("Gạo", "kg", "food", suggested_value_vnd=20_000)).id
    noodles = stock.create_item(ItemInput("Mì tôm", "thùng", "food", suggested_value_vnd=100_000)).id
    ids["rice"], ids["noodles"] = rice, noodles

    # ---- donors and beneficiaries (with CCCD and phone, which must never be disclosed)
    donor = _person(
        known,
        "donor",
        "Trần Thị Bích",
        sex="F",
        birth_date=date(1980, 4, 2),
        cccd="001180012345",
        phone="0912345678",
        thon="Tổ 3",
    )
    donor2 = _person(known, "donor2", "Lê Văn Cường", cccd="001085011111", phone="0987654321")
    known.cccds += ["001180012345", "001085011111"]
    known.phones += ["0912345678", "0987654321"]
    h1 = households.create(HouseholdInput(thon="Tổ 5", size=3)).id
    h2 = households.create(HouseholdInput(thon="Tổ 6", size=4, poverty_status="poor", poverty_year=2026)).id
    h3 = households.create(HouseholdInput(thon="Tổ 7", size=2)).id
    b1 = _person(
        known, "b1", "Phạm Văn Dũng", household_id=h1, thon="Tổ 5", cccd="001085022222", phone="0977111222"
    )
    b2 = _person(known, "b2", "Ngô Thị Hạnh", sex="F", thon="Tổ 6", cccd="001185033333", phone="0355123456")
    b3 = _person(known, "b3", "Đỗ Minh Khôi", household_id=h3, thon="Tổ 7", birth_date=date(2012, 1, 1))
    b4 = _person(known, "b4", "Vũ Văn Long", thon="Tổ 8")
    _person(
        known,
        "h2_head",
        "Bùi Văn Nam",
        household_id=h2,
        is_household_head=True,
        thon="Tổ 6",
        phone="0388999000",
    )
    known.cccds += ["001085022222", "001185033333"]
    known.phones += ["0977111222", "0355123456", "0388999000"]
    ids.update(h1=h1, h2=h2, h3=h3)

    # ---- donations
    def give(**kw: object) -> int:
        return donations.record(DonationInput(**kw)).id  # type: ignore[arg-type]

    ids["d8"] = give(
        received_on=date(2025, 2, 1),
        donor_id=donor2,
        campaign_id=ids["c_tet25"],
        channel="in_kind",
        lines=(DonationLineInput(rice, 50, 20_000),),
    )
    ids["d7"] = give(
        received_on=date(2025, 3, 8), donor_id=donor2, campaign_id=ids["c_tet25"], cash_vnd=4_000_000
    )
    ids["d9"] = give(
        received_on=date(2026, 1, 15),
        donor_display="Hòm quyên góp chợ Hàng Bè",
        channel="box",
        cash_vnd=500_000,
    )
    ids["d4"] = give(
        received_on=date(2026, 2, 10), donor_id=donor, campaign_id=ids["c_tet26"], cash_vnd=3_000_000
    )
    ids["d1"] = give(
        received_on=date(2026, 3, 5), donor_id=donor, campaign_id=ids["c_flood"], cash_vnd=5_000_000
    )
    ids["d2"] = give(
        received_on=date(2026, 3, 12), campaign_id=ids["c_flood"], channel="transfer", cash_vnd=2_000_000
    )
    ids["d3"] = give(
        received_on=date(2026, 3, 15),
        donor_id=donor2,
        campaign_id=ids["c_tet26"],
        channel="in_kind",
        lines=(DonationLineInput(rice, 100, 20_000), DonationLineInput(noodles, 10, 100_000)),
    )
    ids["d5"] = give(
        received_on=date(2026, 3, 20), donor_id=donor2, campaign_id=ids["c_flood"], cash_vnd=700_000
    )
    donations.void(ids["d5"], "Ghi sai số tiền")
    ids["d10"] = give(
        received_on=date(2026, 3, 25),
        donor_id=donor2,
        channel="in_kind",
        lines=(DonationLineInput(rice, 5, 20_000),),
    )
    donations.void(ids["d10"], "Trùng biên nhận")

    # ---- relief
    def support(**kw: object) -> int:
        return relief.record(ReliefInput(**kw)).row.id  # type: ignore[arg-type]

    reviewed = {"review_minutes_ref": "BB bình xét 01/2026", "confirmation_ref": "XN UBND 05/2026"}
    ids["r5"] = support(
        given_on=date(2025, 3, 15),
        kind="regular",
        person_id=b1,
        groups=("poor",),
        cash_vnd=600_000,
        items=(ReliefItemInput(rice, 10),),
        campaign_id=ids["c_tet25"],
        **reviewed,
    )
    ids["r4"] = support(
        given_on=date(2026, 2, 12), kind="house", person_id=b3, groups=("poor",), cash_vnd=10_000_000
    )
    ids["r1"] = support(
        given_on=date(2026, 3, 18),
        kind="emergency",
        person_id=b1,
        groups=("disaster_affected",),
        cash_vnd=1_000_000,
        items=(ReliefItemInput(rice, 20),),
        campaign_id=ids["c_flood"],
    )
    ids["r2"] = support(
        given_on=date(2026, 3, 20),
        kind="regular",
        household_id=h2,
        groups=("poor", "elderly_alone"),
        cash_vnd=500_000,
        items=(ReliefItemInput(noodles, 2),),
        campaign_id=ids["c_tet26"],
        **reviewed,
    )
    ids["r3"] = support(
        given_on=date(2026, 3, 22), kind="health", person_id=b2, groups=("disabled",), cash_vnd=300_000
    )
    ids["r7"] = support(
        given_on=date(2026, 3, 26), kind="scholarship", person_id=b3, groups=("orphan",), cash_vnd=1_000_000
    )
    ids["r6"] = support(given_on=date(2026, 3, 25), kind="emergency", person_id=b4, cash_vnd=200_000)
    relief.delete(ids["r6"], "Nhập trùng")
    stock.return_goods(noodles, 1, date(2026, 3, 28), "Hộ nhận 1 thùng", relief_id=ids["r2"])

    # ---- blood
    def drive(held_on: date, **counts: int) -> int:
        return blood.create_drive(
            DriveInput(held_on, "Nhà văn hóa phường", "Viện Huyết học", **counts)
        ).row.id

    ids["b1_drive"] = drive(
        date(2026, 3, 14),
        target_units=100,
        registered=120,
        screened=110,
        donated=95,
        first_time=20,
        units_250=10,
        units_350=80,
        units_450=5,
    )
    drive(date(2026, 2, 20), registered=50, screened=45, donated=40, first_time=5, units_350=40)
    drive(date(2025, 3, 10), registered=60, screened=55, donated=50, first_time=10, units_250=50)
    dropped = drive(date(2026, 3, 28), registered=10, screened=10, donated=10, units_350=10)
    blood.delete_drive(dropped)

    def donate(key: str, on: date, kind: str, ml: int, drive_id: int | None = None, prior: int = 0) -> int:
        pid = _person(
            known,
            key,
            f"Người hiến {key.upper()}",
            blood_prior_donations=prior,
            blood_prior_evidence="Sổ hiến máu" if prior else "",
        )
        return blood.record_donation(BloodDonationInput(pid, on, kind, ml, drive_id=drive_id)).row.id

    donate("dn1", date(2026, 3, 14), "whole", 350, ids["b1_drive"])  # inside the drive's summary
    donate("dn2", date(2026, 3, 20), "whole", 450)
    donate("dn3", date(2026, 3, 22), "platelets", 250)
    donate("dn4", date(2026, 3, 25), "whole", 250, prior=3)
    donate("dn5", date(2025, 3, 12), "whole", 350)
    dropped_donation = donate("dn6", date(2026, 3, 26), "whole", 350)
    blood.delete_donation(dropped_donation, "Nhập nhầm")

    # ---- activities
    def act(type_: str, on: date, **counts: int) -> int:
        return activities.record(ActivityInput(type_, f"Hoạt động {type_}", on, **counts)).id  # type: ignore[arg-type]

    act("health", date(2026, 3, 8), people_served=50, value_vnd=5_000_000)
    act("health", date(2025, 3, 20), people_served=30, value_vnd=2_000_000)
    act("first_aid", date(2026, 3, 12), sessions=2, participants=40, cases=3)
    act("first_aid", date(2026, 1, 20), sessions=1, participants=25)
    act("first_aid", date(2025, 3, 2), sessions=1, participants=30, cases=1)
    activities.delete(act("first_aid", date(2026, 3, 29), sessions=5, participants=99))
    act("disaster", date(2026, 3, 5), participants=60)
    act("youth", date(2026, 3, 1), participants=100)
    act("movement", date(2026, 2, 14), participants=200)

    # ---- tracing
    def case(on: date, status: str | None = None, closed: date | None = None) -> int:
        cid = activities.open_case(TracingInput(on, "Người yêu cầu", "Người cần tìm")).id
        if status:
            activities.set_case_status(cid, status, closed)
        return cid

    case(date(2026, 3, 3), "found", date(2026, 3, 25))
    case(date(2026, 2, 10), "in_progress")
    case(date(2025, 12, 1), "closed", date(2026, 3, 10))
    case(date(2025, 2, 1), "found", date(2025, 3, 20))
    case(date(2025, 3, 5), "referred")

    # ---- hand-entered figures, plans and the narrative
    reports = known.reports
    reports.set_manual("2026-03", "TC.HP.NOP", 1500)
    reports.set_manual("2026-02", "TC.HP.NOP", 500)
    reports.set_manual("2025-03", "TC.HP.NOP", 1000)
    reports.set_manual("2026-03", "HM.TON_VINH", 2)
    reports.set_manual("2026-03", "TT.BUOI", 4)  # no communication activity is kept: entered by hand
    reports.set_manual("2026-01", "TT.BUOI", 2)
    reports.set_manual("2026-03", "SCC.LOP", 99)  # ignored: first-aid activities are recorded
    for code, value in (
        ("TC.HV.TONG", 8),
        ("TC.HP.THU", 8000),
        ("VD.TONG", 27_000_000),
        ("CT.GT", 26_000_000),
        ("HM.DON_VI", 276),
    ):
        reports.set_plan(2026, code, value)
    reports.set_plan(2025, "HM.DON_VI", 200)
    reports.set_narrative("2026-03", "ND.DANH_GIA", "Hoàn thành tốt các chỉ tiêu tháng 3.")
    return known


@pytest.fixture
def known(services: Services) -> Known:
    return build_known_branch(services)
