# SPDX-License-Identifier: MIT
"""Bulk import from the filled template: preview, all-or-nothing commit, idempotency, row rules."""

from __future__ import annotations

import json
import random
from datetime import date, timedelta
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from redcross_desktop.core.errors import FileFormatError, ImportRowsInvalidError, OperationCancelled
from redcross_desktop.core.progress import EventProgress
from redcross_desktop.core.vn import name_sort_key
from redcross_desktop.db.base import Base
from redcross_desktop.db.models import (
    Activity,
    AuditEntry,
    BloodDonation,
    Campaign,
    Donation,
    ImportedRow,
    Membership,
    NumberSeries,
    PeriodLock,
    Person,
    ReliefRecord,
)
from redcross_desktop.services.container import Services
from redcross_desktop.services.people import PersonInput
from redcross_desktop.services.records_import import ImportReport, RecordsImportService
from redcross_desktop.sheets.template_spec import records_template
from redcross_desktop.sheets.template_writer import write_template

SPEC = records_template()
TODAY = date.today()
Rows = dict[str, list[dict[str, object]]]

HO = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô"]
DEM = {"M": ["Văn", "Hữu", "Đức", "Minh", "Quang", "Công"], "F": ["Thị", "Ngọc", "Thu", "Thanh", "Kim"]}
TEN = {
    "M": [
        "An",
        "Bình",
        "Cường",
        "Dũng",
        "Đức",
        "Hải",
        "Hùng",
        "Khánh",
        "Long",
        "Nam",
        "Phong",
        "Sơn",
        "Tuấn",
    ],
    "F": ["Anh", "Bích", "Chi", "Dung", "Hà", "Hằng", "Hoa", "Hương", "Lan", "Linh", "Nga", "Phương", "Yến"],
}
THON = ["Tổ 1", "Tổ 2", "Tổ 3", "Tổ dân phố Hàng Bạc", "Tổ dân phố Hàng Đào"]


def fill(path: Path, rows: Rows) -> Path:
    """The real template, filled the way a user would: one list per sheet, columns by key."""
    write_template(path)
    wb = openpyxl.load_workbook(path)
    for key, items in rows.items():
        sheet = SPEC.sheet(key)
        ws = wb[sheet.title]
        for item in items:
            ws.append([item.get(c.key) for c in sheet.columns])
    wb.save(path)
    return path


def cccd_for(birth: date, sex: str, serial: int) -> str:
    """A CCCD consistent with the birth date and sex (Hà Nội registration), so no warnings."""
    century_sex = (birth.year // 100 - 19) * 2 + (1 if sex == "F" else 0)
    return f"001{century_sex}{birth.year % 100:02d}{serial:06d}"


def thousand_rows() -> Rows:
    """400 people, 300 donations over two calendar years, 100 members, 100 blood donations, 60 relief
    records and 40 activities: 1,000 rows."""
    rng = random.Random(2026)
    people: list[dict[str, object]] = []
    for n in range(1, 401):
        sex = rng.choice("MF")
        birth = date(rng.randint(1950, 2000), rng.randint(1, 12), rng.randint(1, 28))
        row: dict[str, object] = {
            "ref": f"ND{n:03d}",
            "full_name": f"{rng.choice(HO)} {rng.choice(DEM[sex])} {rng.choice(TEN[sex])}",
            "sex": "Nam" if sex == "M" else "Nữ",
            "phone": f"09{rng.randint(10_000_000, 99_999_999)}",
            "thon": rng.choice(THON),
        }
        if n % 4:
            row["birth_date"] = birth.strftime("%d/%m/%Y") if n % 2 else birth  # text or a real date cell
            row["cccd"] = cccd_for(birth, sex, n)
        else:
            row["birth_year"] = birth.year
        if n % 50 == 0:
            row.update(full_name=f"Công ty TNHH Thương mại Hoàn Kiếm {n}", sex=None, is_organisation="Có")
        people.append(row)
    donations = [
        {
            "received_on": (TODAY - timedelta(days=rng.randint(0, 500))).strftime("%d/%m/%Y"),
            "person": None if n % 5 == 0 else f"ND{rng.randint(1, 400):03d}",
            "channel": rng.choice(["Tiền mặt", "Chuyển khoản", "Hòm quyên góp", None]),
            "cash_vnd": rng.choice([200_000, 500_000, "1.000.000", "2tr", 150_000]),
            "note": "Ủng hộ Tết Nhân ái" if n % 7 == 0 else None,
        }
        for n in range(1, 301)
    ]
    members = [
        {
            "person": f"ND{n:03d}",
            "category": rng.choice(["Hội viên", "Tình nguyện viên", "Thanh niên Chữ thập đỏ"]),
            "member_no": f"HV-{n:04d}",
            "joined_on": (TODAY - timedelta(days=rng.randint(30, 3000))).strftime("%d/%m/%Y"),
            "dues_exempt": "Có" if n % 20 == 0 else None,
        }
        for n in range(1, 101)
    ]
    blood = [
        {
            "donated_on": (TODAY - timedelta(days=rng.randint(1, 300))).strftime("%d/%m/%Y"),
            "person": f"ND{n:03d}",
            "kind": "Máu toàn phần",
            "ml": rng.choice([250, 350, 450]),
            "facility": "Viện Huyết học - Truyền máu Trung ương",
            "certificate_no": f"GCN-{n:05d}",
        }
        for n in range(101, 201)
    ]
    relief = [
        {
            "given_on": (TODAY - timedelta(days=rng.randint(1, 200))).strftime("%d/%m/%Y"),
            "person": f"ND{n:03d}",
            "programme": "Tết Nhân ái",
            "kind": "Trợ giúp thường xuyên",
            "group": rng.choice(["Hộ nghèo", "Người cao tuổi cô đơn", "Người khuyết tật"]),
            "cash_vnd": 500_000,
            "people_covered": rng.randint(1, 5),
            "review_minutes_ref": "BB 01/BX",
            "confirmation_ref": "QĐ 12/UBND",
        }
        for n in range(201, 261)
    ]
    activities = [
        {
            "type": rng.choice(["Sơ cấp cứu", "Truyền thông", "Chăm sóc sức khỏe"]),
            "title": f"Tập huấn sơ cấp cứu đợt {n}",
            "start_date": (TODAY - timedelta(days=rng.randint(1, 365))).strftime("%d/%m/%Y"),
            "place": "Nhà văn hóa phường",
            "participants": rng.randint(10, 80),
            "value_vnd": "3.000.000" if n % 3 == 0 else None,
        }
        for n in range(1, 41)
    ]
    return {
        "people": people,
        "donations": donations,
        "members": members,
        "blood": blood,
        "relief": relief,
        "activities": activities,
    }


def count(services: Services, model: type[Base]) -> int:
    with services.ctx.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def where(report: ImportReport) -> set[tuple[str, int, str]]:
    return {(p.sheet, p.row, p.column) for p in report.problems}


# ---------------------------------------------------------------- a real list of 1,000 rows


def test_thousand_rows_preview_then_commit_then_reimport(services: Services, tmp_path: Path) -> None:
    rows = thousand_rows()
    path = fill(tmp_path / "danh-sach.xlsx", rows)
    importer = RecordsImportService(services.ctx)
    sizes = {key: len(items) for key, items in rows.items()}

    preview = importer.preview(path)
    assert preview.problems == ()
    assert not preview.committed
    assert {c.sheet: c.to_create for c in preview.sheets} == sizes
    assert {c.sheet: c.errors for c in preview.sheets} == dict.fromkeys(sizes, 0)
    assert count(services, Person) == 0  # a preview writes nothing

    report = importer.commit(path)
    assert report.committed and report.import_uuid
    assert report.total_to_create == 1000
    for model, key in (
        (Person, "people"),
        (Donation, "donations"),
        (Membership, "members"),
        (BloodDonation, "blood"),
        (ReliefRecord, "relief"),
        (Activity, "activities"),
    ):
        assert count(services, model) == sizes[key], key
    assert count(services, ImportedRow) == 1000

    with services.ctx.sessions() as session:
        # ONE audit row for the import, naming the file and its digest; no per-record rows.
        audits = session.scalars(select(AuditEntry)).all()
        assert [(a.action, a.record_uuid) for a in audits] == [("import", report.import_uuid)]
        summary = json.loads(audits[0].after or "{}")
        assert summary["file"] == "danh-sach.xlsx" and summary["sha256"] == report.sha256
        assert summary["created"]["donations"] == 300
        assert {r.import_uuid for r in session.scalars(select(ImportedRow))} == {report.import_uuid}

        people = session.scalars(select(Person)).all()
        assert {(p.origin_branch, p.version, p.deleted) for p in people} == {("01-00070", 1, False)}
        assert all(len(p.uuid) == 36 and p.uuid[14] == "7" for p in people)  # UUIDv7
        assert all(p.sort_key == name_sort_key(p.ho, p.dem, p.ten) for p in people)
        company = session.scalars(select(Person).where(Person.is_organisation.is_(True))).first()
        assert company is not None and (company.ho, company.dem) == ("", "")
        assert sum(1 for p in people if p.cccd) == 300
        assert sum(1 for p in people if p.birth_year and not p.birth_date) == 100

        # Receipts: gapless per year, following the dates, in both years of the list.
        donations = session.scalars(
            select(Donation).order_by(Donation.receipt_year, Donation.receipt_no)
        ).all()
        years = sorted({d.receipt_year for d in donations})
        assert years == sorted({d.received_on.year for d in donations}) and len(years) == 2
        for year in years:
            of_year = [d for d in donations if d.receipt_year == year]
            assert [d.receipt_no for d in of_year] == list(range(1, len(of_year) + 1))
            assert [d.received_on for d in of_year] == sorted(d.received_on for d in of_year)
            assert all(d.received_on.year == year for d in of_year)
            series = session.get(NumberSeries, ("BN", year))
            assert series is not None and series.last_number == len(of_year)
        assert sum(1 for d in donations if d.donor_id is None) == 60  # every fifth row: anonymous
        assert report.receipts[0].startswith(f"BN-{years[0]}-000001 – ")

        first = rows["people"][0]
        stored_first = session.scalars(select(Person).where(Person.full_name == first["full_name"])).first()
        assert stored_first is not None

    found = services.people.search(str(first["full_name"]).lower().replace("đ", "d"))
    assert stored_first.id in {p.id for p in found}
    assert services.people.search(str(first["phone"]))[0].phone == first["phone"]

    # The same file again: everything is recognised, nothing is created, no audit row is added.
    again = importer.preview(path)
    assert {c.sheet: c.already_imported for c in again.sheets} == sizes
    assert again.total_to_create == 0 and again.problems == ()
    second = importer.commit(path)
    assert second.committed and second.import_uuid == "" and second.total_to_create == 0
    assert count(services, Person) == 400 and count(services, Donation) == 300
    assert count(services, AuditEntry) == 1
    assert "đã được nhập trước đây" in second.describe()


def test_rows_added_to_an_imported_file_are_the_only_ones_created(services: Services, tmp_path: Path) -> None:
    day = (TODAY - timedelta(days=3)).strftime("%d/%m/%Y")
    rows: Rows = {
        "people": [{"ref": "1", "full_name": "Nguyễn Văn An"}],
        "donations": [{"received_on": day, "person": "1", "cash_vnd": 100_000}],
    }
    importer = RecordsImportService(services.ctx)
    importer.commit(fill(tmp_path / "a.xlsx", rows))
    # Next month the officer adds two identical anonymous gifts to the same list and imports it again;
    # the Mã người is renumbered, which must not matter.
    rows["people"][0]["ref"] = "ND01"
    rows["donations"][0]["person"] = "ND01"
    rows["donations"] += [{"received_on": day, "cash_vnd": 50_000}, {"received_on": day, "cash_vnd": 50_000}]
    report = importer.commit(fill(tmp_path / "b.xlsx", rows))
    assert report.counts("people").already_imported == 1
    assert (report.counts("donations").already_imported, report.counts("donations").to_create) == (1, 2)
    assert count(services, Person) == 1
    with services.ctx.sessions() as session:
        assert session.scalars(select(Donation.receipt_no).order_by(Donation.receipt_no)).all() == [1, 2, 3]


def test_existing_person_with_the_same_cccd_is_reused(services: Services, tmp_path: Path) -> None:
    saved = services.people.create(
        PersonInput("Trần Thị Lan", sex="F", birth_date=date(1985, 4, 2), cccd="001185000123")
    ).person
    day = (TODAY - timedelta(days=10)).strftime("%d/%m/%Y")
    rows: Rows = {
        "people": [
            {"ref": "1", "full_name": "Trần Thị Lan", "cccd": "001185000123"},
            {"ref": "2", "full_name": "Lê Văn Tám"},
        ],
        "donations": [
            {"received_on": day, "person": "1", "cash_vnd": 300_000},
            {"received_on": day, "person": "001185000123", "cash_vnd": 200_000},  # by CCCD directly
        ],
        "members": [{"person": "1", "category": "hoi vien", "joined_on": day}],  # code, no accents
    }
    importer = RecordsImportService(services.ctx)
    report = importer.commit(fill(tmp_path / "f.xlsx", rows))
    assert (report.counts("people").matched, report.counts("people").to_create) == (1, 1)
    assert count(services, Person) == 2
    with services.ctx.sessions() as session:
        assert set(session.scalars(select(Donation.donor_id))) == {saved.id}
        member = session.scalars(select(Membership)).one()
        assert (member.person_id, member.category) == (saved.id, "member")
    assert services.people.get(saved.id).version == 1  # reused, not rewritten
    assert importer.preview(fill(tmp_path / "g.xlsx", rows)).counts("people").already_imported == 2


def test_a_name_differing_from_the_stored_cccd_holder_warns(services: Services, tmp_path: Path) -> None:
    services.people.create(
        PersonInput("Trần Thị Lan", sex="F", birth_date=date(1985, 4, 2), cccd="001185000123")
    )
    rows: Rows = {"people": [{"ref": "1", "full_name": "Phạm Văn Lâm", "cccd": "001185000123"}]}
    report = RecordsImportService(services.ctx).preview(fill(tmp_path / "f.xlsx", rows))
    assert report.problems == ()
    assert [(w.row, w.column) for w in report.warnings] == [(2, "Họ và tên")]
    assert "Trần Thị Lan" in report.warnings[0].message


def test_same_folded_name_with_same_birth_date_or_phone_warns(services: Services, tmp_path: Path) -> None:
    services.people.create(PersonInput("Phạm Thị Hoà", birth_date=date(1980, 2, 3)))
    rows: Rows = {
        "people": [
            {"ref": "1", "full_name": "PHAM THI HÒA", "birth_date": "03/02/1980"},  # the stored one
            {"ref": "2", "full_name": "Đặng Văn Hải", "phone": "0912000111"},
            {"ref": "3", "full_name": "Dang Van Hai", "phone": "0912 000 111"},  # row 2 again
            {"ref": "4", "full_name": "Phạm Thị Hoà", "birth_date": "03/02/1981"},  # another person
        ]
    }
    report = RecordsImportService(services.ctx).preview(fill(tmp_path / "w.xlsx", rows))
    assert report.problems == ()
    assert [(w.row, w.column) for w in report.warnings] == [(2, "Họ và tên"), (4, "Họ và tên")]
    assert "Phạm Thị Hoà" in report.warnings[0].message and "ngày sinh" in report.warnings[0].message
    assert "dòng 3" in report.warnings[1].message
    assert report.counts("people").to_create == 4  # warnings do not block


# ---------------------------------------------------------------- all or nothing


def bad_rows() -> Rows:
    recent = TODAY - timedelta(days=100)
    return {
        "people": [
            {
                "ref": "1",
                "full_name": "Nguyễn Văn Hùng",
                "cccd": "001080000001",
                "sex": "Nam",
                "birth_date": "01/02/1980",
            },
            {"ref": "2", "full_name": "Lê Thị Mai", "cccd": "12345"},  # row 3: bad CCCD
            {"ref": "3", "full_name": '=CONCATENATE("Lê"," Văn")'},  # row 4: a formula
        ],
        "donations": [
            {
                "received_on": (TODAY + timedelta(days=5)).strftime("%d/%m/%Y"),
                "person": "1",
                "cash_vnd": 100_000,
            },
            {"received_on": recent.strftime("%d/%m/%Y"), "person": "1", "cash_vnd": -50_000},  # row 3
            {"received_on": recent.strftime("%d/%m/%Y"), "channel": "Bitcoin", "cash_vnd": 100_000},  # row 4
            {"received_on": recent.strftime("%d/%m/%Y"), "person": "ND999", "cash_vnd": 100_000},  # row 5
            {"received_on": recent.strftime("%d/%m/%Y"), "person": "1", "cash_vnd": 100_000},  # row 6: fine
        ],
        "blood": [
            {"donated_on": recent.strftime("%d/%m/%Y"), "person": "1", "kind": "Máu toàn phần", "ml": 350},
            {
                "donated_on": (recent + timedelta(weeks=4)).strftime("%d/%m/%Y"),
                "person": "1",
                "kind": "Máu toàn phần",
                "ml": 350,
            },  # row 3: 4 weeks after whole blood
        ],
    }


def test_a_file_with_bad_rows_is_refused_whole_listing_every_row(services: Services, tmp_path: Path) -> None:
    path = fill(tmp_path / "loi.xlsx", bad_rows())
    importer = RecordsImportService(services.ctx)
    expected = {
        ("Người", 3, "CCCD"),
        ("Người", 4, "Họ và tên"),
        ("Ủng hộ", 2, "Ngày"),
        ("Ủng hộ", 3, "Số tiền (đồng)"),
        ("Ủng hộ", 4, "Hình thức"),
        ("Ủng hộ", 5, "Mã người hoặc CCCD"),
        ("Hiến máu", 3, "Ngày hiến"),
    }
    preview = importer.preview(path)
    assert where(preview) == expected
    assert len(preview.problems) == len(expected)
    assert {c.sheet: c.errors for c in preview.sheets} == {"people": 2, "donations": 4, "blood": 1}
    assert {c.sheet: c.to_create for c in preview.sheets} == {"people": 1, "donations": 1, "blood": 1}
    by_cell = {p.cell: p.message for p in preview.problems}
    assert "công thức" in by_cell["B4"]
    assert "tương lai" in by_cell["A2"]
    assert "ND999" in by_cell["B5"]
    assert "Bitcoin" in by_cell["D4"]
    assert format_day(TODAY - timedelta(days=100) + timedelta(weeks=12)) in by_cell["A3"]

    with pytest.raises(ImportRowsInvalidError) as caught:
        importer.commit(path)
    assert caught.value.code == "IMPORT_ROWS_INVALID"
    assert {(r["sheet"], r["row"], r["column"]) for r in caught.value.rows} == expected
    for model in (Person, Donation, BloodDonation, ImportedRow, AuditEntry, NumberSeries):
        assert count(services, model) == 0, model.__name__


def format_day(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def test_blood_interval_counts_donations_already_stored(services: Services, tmp_path: Path) -> None:
    donor = services.people.create(PersonInput("Đỗ Minh Quân", sex="M", cccd="001090000777")).person
    whole_on, plasma_on = TODAY - timedelta(days=200), TODAY - timedelta(days=60)
    with services.ctx.sessions.begin() as session:
        session.add(BloodDonation(person_id=donor.id, donated_on=whole_on, kind="whole", ml=350))
        session.add(BloodDonation(person_id=donor.id, donated_on=plasma_on, kind="plasma", ml=500))
    rows: Rows = {
        "blood": [
            # 4 weeks after the stored whole-blood donation: too soon (12 weeks).
            {
                "donated_on": format_day(whole_on + timedelta(weeks=4)),
                "person": "001090000777",
                "kind": "Máu toàn phần",
                "ml": 350,
            },
            # 3 weeks after the stored plasma donation: fine (2 weeks after plasma).
            {
                "donated_on": format_day(plasma_on + timedelta(weeks=3)),
                "person": "001090000777",
                "kind": "Huyết tương",
                "ml": 500,
            },
        ]
    }
    report = RecordsImportService(services.ctx).preview(fill(tmp_path / "m.xlsx", rows))
    assert where(report) == {("Hiến máu", 2, "Ngày hiến")}
    assert "đã có trong dữ liệu" in report.problems[0].message
    assert format_day(whole_on) in report.problems[0].message


def test_closed_month_unknown_campaign_and_existing_member_are_problems(
    services: Services, tmp_path: Path
) -> None:
    person = services.people.create(PersonInput("Hồ Thị Hương", sex="F", cccd="001190000555")).person
    closed = (TODAY.replace(day=1) - timedelta(days=1)).replace(day=15)
    open_day = TODAY - timedelta(days=1) if TODAY.day > 1 else TODAY
    with services.ctx.sessions.begin() as session:
        session.add(PeriodLock(period=f"{closed.year:04d}-{closed.month:02d}", locked_by="Nguyễn Thị Hoa"))
        session.add(
            Campaign(code="TET2026", name="Tết Nhân ái 2026", kind="tet", start_date=TODAY - timedelta(30))
        )
        session.add(Membership(person_id=person.id, category="member", joined_on=date(2020, 1, 1)))
    rows: Rows = {
        "donations": [
            {"received_on": format_day(closed), "cash_vnd": 100_000},  # row 2: closed month
            {"received_on": format_day(open_day), "campaign": "TET2025", "cash_vnd": 100_000},  # row 3
            {"received_on": format_day(open_day), "campaign": "tet2026", "cash_vnd": 100_000},  # row 4: fine
        ],
        "members": [{"person": "001190000555", "category": "Hội viên", "joined_on": "01/01/2021"}],
    }
    importer = RecordsImportService(services.ctx)
    report = importer.preview(fill(tmp_path / "k.xlsx", rows))
    assert where(report) == {("Ủng hộ", 2, "Ngày"), ("Ủng hộ", 3, "Đợt vận động"), ("Hội viên", 2, "Loại")}
    assert "đã chốt số liệu" in report.problems[0].message

    fixed = fill(tmp_path / "k2.xlsx", {"donations": rows["donations"][2:]})
    importer.commit(fixed)
    with services.ctx.sessions() as session:
        campaign_id = session.scalar(select(Campaign.id))
        assert session.scalars(select(Donation.campaign_id)).all() == [campaign_id]


def test_duplicate_mã_người_and_cccd_in_the_file_are_problems(services: Services, tmp_path: Path) -> None:
    rows: Rows = {
        "people": [
            {"ref": "A", "full_name": "Vũ Văn Long", "cccd": "001095000001"},
            {"ref": "A", "full_name": "Vũ Thị Long"},
            {"ref": "B", "full_name": "Vũ Văn Long", "cccd": "001095000001"},
        ]
    }
    report = RecordsImportService(services.ctx).preview(fill(tmp_path / "d.xlsx", rows))
    assert where(report) == {("Người", 3, "Mã người"), ("Người", 4, "CCCD")}


def test_other_row_rules(services: Services, tmp_path: Path) -> None:
    gone = services.people.create(PersonInput("Bùi Văn Khánh", sex="M", cccd="001080000999")).person
    services.people.delete(gone.id)  # tombstoned: its CCCD is still taken
    day = format_day(TODAY - timedelta(days=20))
    rows: Rows = {
        "people": [
            {"ref": "1", "full_name": "Ngô Thị Yến", "birth_date": "02/03/1990", "birth_year": 1991},  # row 2
            {
                "ref": "2",
                "full_name": "Bùi Văn Khánh",
                "cccd": "001080000999",
            },  # row 3: deleted person's CCCD
            {"ref": "3", "full_name": "Ngô Văn Sơn"},
        ],
        "blood": [{"donated_on": day, "person": "3", "kind": "Máu toàn phần", "ml": 650}],  # over 500 ml
        "relief": [
            {
                "given_on": day,
                "person": "3",
                "programme": "Tết Nhân ái",
                "kind": "Trợ giúp thường xuyên",
                "cash_vnd": 500_000,
            },  # no review minutes: a warning only
            {
                "given_on": day,
                "person": "3",
                "programme": "tet nhan ai",
                "kind": "Cứu trợ khẩn cấp",
                "cash_vnd": 300_000,
            },  # same programme twice: a warning only
        ],
        "activities": [
            {
                "type": "Truyền thông",
                "title": "Nói chuyện chuyên đề",
                "start_date": day,
                "end_date": format_day(TODAY - timedelta(days=25)),
            }
        ],  # ends before it starts
        "members": [
            {"person": "3", "category": "Tình nguyện viên", "joined_on": day},
            {"person": "3", "category": "Tình nguyện viên", "joined_on": day},  # row 3: twice
        ],
    }
    report = RecordsImportService(services.ctx).preview(fill(tmp_path / "r.xlsx", rows))
    assert where(report) == {
        ("Người", 2, "Năm sinh"),
        ("Người", 3, "CCCD"),
        ("Hiến máu", 2, "Thể tích (ml)"),
        ("Hoạt động", 2, "Ngày kết thúc"),
        ("Hội viên", 3, "Loại"),
    }
    assert {(w.sheet, w.row, w.column) for w in report.warnings} == {
        ("Cứu trợ", 2, "Biên bản bình xét"),
        ("Cứu trợ", 3, "Mã người hoặc CCCD"),
    }


# ---------------------------------------------------------------- file and cancellation


def test_an_empty_template_imports_nothing(services: Services, tmp_path: Path) -> None:
    report = RecordsImportService(services.ctx).commit(write_template(tmp_path / "trong.xlsx"))
    assert (report.committed, report.import_uuid, report.sheets, report.problems) == (True, "", (), ())
    assert "chưa có dòng dữ liệu" in report.describe()
    assert count(services, AuditEntry) == 0


def test_a_text_file_renamed_to_xlsx_is_a_file_format_error(services: Services, tmp_path: Path) -> None:
    path = tmp_path / "danh-sach.xlsx"
    path.write_text("Họ và tên;CCCD\nNguyễn Văn An;001080000001\n", encoding="utf-8")
    with pytest.raises(FileFormatError) as caught:
        RecordsImportService(services.ctx).commit(path)
    assert caught.value.code == "FILE_FORMAT_INVALID"
    assert ".xlsx" in caught.value.message
    assert count(services, AuditEntry) == 0


def test_cancelling_writes_nothing(services: Services, tmp_path: Path) -> None:
    path = fill(tmp_path / "c.xlsx", thousand_rows())
    importer = RecordsImportService(services.ctx)
    workbook = importer.read(path)
    progress = EventProgress()
    progress.cancel()
    with pytest.raises(OperationCancelled):
        importer.commit_workbook(workbook, progress)
    with pytest.raises(OperationCancelled):
        importer.commit(path, progress)
    for model in (Person, Donation, ImportedRow, AuditEntry, NumberSeries):
        assert count(services, model) == 0, model.__name__


class CancelWhileWriting(EventProgress):
    """Cancels once the write phase has started, to prove the rows already inserted roll back."""

    def report(self, done: int, total: int | None = None, message: str = "") -> None:
        super().report(done, total, message)
        if message == "Đang ghi dữ liệu…":
            self.cancel()


def test_cancelling_during_the_write_rolls_back(services: Services, tmp_path: Path) -> None:
    path = fill(tmp_path / "c.xlsx", thousand_rows())
    with pytest.raises(OperationCancelled):
        RecordsImportService(services.ctx).commit(path, CancelWhileWriting())
    for model in (Person, Donation, ImportedRow, AuditEntry, NumberSeries):
        assert count(services, model) == 0, model.__name__
