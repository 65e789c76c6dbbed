# SPDX-License-Identifier: MIT
"""BundleService on a real branch: export → verify, data minimisation, bundle numbers, tombstones,
row versions, period scope and the key registration file."""

from __future__ import annotations

import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import select

from redcross_desktop.db.models import BundleExport, BundleSequence, PeriodLock
from redcross_desktop.services.activities import ActivityInput
from redcross_desktop.services.blood import BloodDonationInput
from redcross_desktop.services.bundles import BundleService, load_trusted_key, render_verification
from redcross_desktop.services.container import Services
from redcross_desktop.services.donations import DonationInput
from redcross_desktop.services.members import DuesInput, HoursInput, MembershipInput
from redcross_desktop.services.people import PersonInput
from redcross_desktop.services.relief import ReliefInput
from redcross_desktop.sync import keys as crypto
from redcross_desktop.sync.keyfile import KeyFileError, read_key_file

PASS = "mat-khau-chi-hoi"
PHONE = "0912345678"
CCCD = "001080012345"


@pytest.fixture
def branch(services: Services) -> dict[str, Any]:
    donor = services.people.create(
        PersonInput(
            full_name="Nguyễn Văn An",
            sex="M",
            birth_date=date(1980, 5, 1),
            phone=PHONE,
            cccd=CCCD,
            thon="Thôn Đông",
            note="ghi chú riêng tư",
        )
    ).person
    elder = services.people.create(
        PersonInput(full_name="Trần Thị Lan", sex="F", birth_year=1950, phone="0987654321", thon="Thôn Tây")
    ).person
    gift = services.donations.record(
        DonationInput(received_on=date(2026, 3, 10), donor_id=donor.id, cash_vnd=500_000)
    )
    services.donations.record(
        DonationInput(received_on=date(2026, 3, 11), cash_vnd=200_000, donor_display="Hòm chợ")
    )
    relief = services.relief.record(
        ReliefInput(
            given_on=date(2026, 3, 12),
            kind="regular",
            person_id=elder.id,
            cash_vnd=300_000,
            groups=("elderly_alone", "disabled"),
            note="bệnh tim",
            review_minutes_ref="BB 01/2026",
            confirmation_ref="XN 02/UBND",
        )
    )
    services.blood.record_donation(
        BloodDonationInput(person_id=donor.id, donated_on=date(2026, 3, 5), ml=350)
    )
    member = services.members.enrol(
        MembershipInput(person_id=donor.id, category="volunteer", joined_on=date(2025, 1, 1))
    )
    services.members.record_dues(DuesInput(member.row.id, date(2026, 3, 1), "2026-01", 3, 3_000))
    services.members.log_hours(HoursInput(member.row.id, date(2026, 3, 2), 90))
    first_aid = services.activities.record(
        ActivityInput(type="first_aid", title="Tập huấn", start_date=date(2026, 3, 3))
    )
    services.activities.delete(first_aid.id)
    return {"donor": donor, "elder": elder, "gift": gift, "relief": relief, "activity": first_aid}


def cells(path: Path) -> list[tuple[str, int, int, Any]]:
    wb = openpyxl.load_workbook(path)
    return [
        (ws.title, c.row, c.column, c.value)
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for c in row
        if c.value is not None
    ]


def sheet_rows(path: Path, title: str) -> list[dict[str, Any]]:
    ws = openpyxl.load_workbook(path)[title]
    rows = list(ws.iter_rows(values_only=True))
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


def test_export_verifies_and_keeps_personal_data_home(
    services: Services, branch: dict[str, Any], tmp_path: Path
) -> None:
    bundles = BundleService(services.ctx)
    out = tmp_path / "CTD_01_01-00070_2026-03_00001.xlsx"
    result = bundles.export("2026-03", out, PASS)
    assert result.seq == 1 and out.is_file()
    assert result.rows["donations"] == 2 and result.rows["relief"] == 1 and result.rows["blood"] == 1
    assert result.rows["members"] == 1 and result.rows["activities"] == 1
    assert result.periods_included[0] == "2025-01" and result.periods_included[-1] == "2026-03"
    verified = bundles.verify(out)
    assert (verified.ok, verified.code, verified.bundle_digest) == (True, "OK", result.bundle_digest)
    assert verified.manifest is not None and verified.manifest["seq"] == 1
    lines = render_verification(verified)
    assert lines[0] == "Kết quả: HỢP LỆ [OK]" and any(result.fingerprint in line for line in lines)

    values = cells(out)
    text = "\n".join(str(v) for *_, v in values)
    for secret in (PHONE, CCCD, "0987654321", "ghi chú riêng tư", "bệnh tim"):
        assert secret not in text, secret
    # Health groups leave only as report aggregates, never on a person's row.
    records = "\n".join(
        str(v) for title, *_, v in values if title not in ("Báo cáo tháng", "_index", "_manifest")
    )
    assert "disabled" not in records
    blood = sheet_rows(out, "Hiến máu")
    assert blood[0]["Mã người hiến"] == branch["donor"].uuid and "Nguyễn Văn An" not in str(blood[0].values())
    assert blood[0]["Năm sinh"] == 1980 and blood[0]["Giới tính"] == "M"
    relief = sheet_rows(out, "Cứu trợ")[0]
    assert relief["Nhóm đối tượng"] == "elderly_alone" and relief["Họ và tên"] == "Trần Thị Lan"
    members = sheet_rows(out, "Hội viên")[0]
    assert (members["Hội phí đã nộp (đồng)"], members["Hội phí đã nộp đến tháng"]) == (3_000, "2026-03")
    assert members["Thời gian tình nguyện (phút)"] == 90
    donations = {r["Số biên nhận"]: r for r in sheet_rows(out, "Quyên góp")}
    assert donations[branch["gift"].receipt_code]["Tên người ủng hộ"] == "Nguyễn Văn An"
    anonymous = next(r for r in donations.values() if r["Loại người ủng hộ"] == "anonymous")
    assert anonymous["Mã người ủng hộ"] is None
    # Tombstones travel: the deleted activity is there, envelope only.
    tomb = sheet_rows(out, "Hoạt động")[0]
    assert tomb["Mã bản ghi"] == branch["activity"].uuid and tomb["Đã xóa"] == 1
    assert tomb["Tên hoạt động"] is None and tomb["Phiên bản"] == 2
    # No boolean cells anywhere; flags are numbers.
    assert all(not isinstance(v, bool) for *_, v in values)


def test_sequence_increments_and_wrong_passphrase_consumes_nothing(
    services: Services, branch: dict[str, Any], tmp_path: Path
) -> None:
    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    bundles = BundleService(services.ctx)
    first = bundles.export("2026-03", tmp_path / "a.xlsx", PASS)
    with pytest.raises(crypto.WrongPassphraseError) as caught:
        bundles.export("2026-03", tmp_path / "b.xlsx", "sai-mat-khau")
    assert caught.value.code == "WRONG_PASSPHRASE"
    assert not (tmp_path / "b.xlsx").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["a.xlsx"]  # no temporary file left behind
    second = bundles.export("2026-03", tmp_path / "c.xlsx", PASS)
    assert (first.seq, second.seq) == (1, 2)
    assert first.key_id == second.key_id
    # Nothing changed: same rows, same versions; only the bundle identity differs.
    assert (
        bundles.verify(tmp_path / "c.xlsx").manifest["sheets"]
        == bundles.verify(tmp_path / "a.xlsx").manifest["sheets"]
    )  # type: ignore[index]
    with services.ctx.sessions() as s:
        assert s.scalars(select(BundleSequence.last_seq)).one() == 2
        exports = s.scalars(select(BundleExport).order_by(BundleExport.seq)).all()
        assert [(e.seq, e.status) for e in exports] == [(1, "written"), (2, "written")]
        assert (
            exports[1].bundle_digest == second.bundle_digest and exports[1].file_sha256 == second.file_sha256
        )
    assert [h.seq for h in bundles.history()] == [2, 1]


def test_failed_write_skips_the_number_and_leaves_no_file(
    services: Services, branch: dict[str, Any], tmp_path: Path
) -> None:
    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    bundles = BundleService(services.ctx)
    blocker = tmp_path / "folder.xlsx"
    blocker.mkdir()  # the target name is a folder: the rename fails after the number is taken
    with pytest.raises(OSError):
        bundles.export("2026-03", blocker, PASS)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["folder.xlsx"]
    assert bundles.export("2026-03", tmp_path / "ok.xlsx", PASS).seq == 2  # 1 is skipped, never reused


def test_changed_content_gets_a_higher_version(
    services: Services, branch: dict[str, Any], tmp_path: Path
) -> None:
    bundles = BundleService(services.ctx)
    bundles.export("2026-03", tmp_path / "a.xlsx", PASS)
    before = {r["Số biên nhận"]: r for r in sheet_rows(tmp_path / "a.xlsx", "Quyên góp")}
    donor = branch["donor"]
    services.people.update(
        donor.id,
        PersonInput(
            full_name="Nguyễn Văn Ân",
            sex="M",
            birth_date=date(1980, 5, 1),
            phone=PHONE,
            cccd=CCCD,
            thon="Thôn Đông",
        ),
    )
    bundles.export("2026-03", tmp_path / "b.xlsx", PASS)
    after = {r["Số biên nhận"]: r for r in sheet_rows(tmp_path / "b.xlsx", "Quyên góp")}
    code = branch["gift"].receipt_code
    assert after[code]["Tên người ủng hộ"] == "Nguyễn Văn Ân"
    assert (
        after[code]["Phiên bản"] == before[code]["Phiên bản"] + 1
    )  # the donation row changed through its donor
    other = next(k for k in after if k != code)
    assert after[other]["Phiên bản"] == before[other]["Phiên bản"]  # untouched rows keep their version


def test_locked_months_leave_the_snapshot_but_the_exported_month_stays(
    services: Services, branch: dict[str, Any], tmp_path: Path
) -> None:
    with services.ctx.sessions.begin() as s:
        s.add(PeriodLock(period="2026-02", locked_by="Nguyễn Thị Hoa"))
        s.add(PeriodLock(period="2026-03", locked_by="Nguyễn Thị Hoa"))
    result = BundleService(services.ctx).export("2026-03", tmp_path / "a.xlsx", PASS)
    assert "2026-02" not in result.periods_included and result.periods_included[-1] == "2026-03"
    assert result.rows["donations"] == 2


def test_key_file_round_trip_and_authenticated_verify(
    services: Services, branch: dict[str, Any], tmp_path: Path
) -> None:
    bundles = BundleService(services.ctx)
    keyfile = tmp_path / "khoa.xlsx"
    reg = bundles.export_key_file(keyfile, PASS)
    assert reg.branch_code == "01-00070" and reg.fingerprint == services.keys.require().fingerprint
    assert read_key_file(keyfile) == reg
    out = tmp_path / "a.xlsx"
    bundles.export("2026-03", out, PASS)
    authenticated = bundles.verify(out, keyfile)
    assert authenticated.ok and authenticated.authenticated
    # A key given as its QR text works too.
    qr = tmp_path / "qr.txt"
    qr.write_text(reg.qr_text, encoding="utf-8")
    assert load_trusted_key(qr).public_raw == reg.public_raw
    # The visible sheet is checked against the signed manifest.
    wb = openpyxl.load_workbook(keyfile)
    wb["Đăng ký khóa"]["B8"] = "00000 00000 00000 00000 / 00000 00000 00000 00000"
    wb.save(tmp_path / "forged.xlsx")
    with pytest.raises(KeyFileError) as caught:
        read_key_file(tmp_path / "forged.xlsx")
    assert caught.value.code == "COVER_MISMATCH"
    with zipfile.ZipFile(keyfile) as zf:
        assert "xl/sharedStrings.xml" in zf.namelist()
