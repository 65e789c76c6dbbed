# SPDX-License-Identifier: MIT
"""Certificate service: numbers only at issue, consecutive and gapless across voids, all or nothing
with the PDF; reprints, voids, verification, receipts and distribution lists, read back with pypdf."""

from __future__ import annotations

import unicodedata
from datetime import date
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pypdf import PdfReader
from sqlalchemy import select

from redcross_desktop.certificates import codes
from redcross_desktop.core.errors import DocumentVoidedError, OperationCancelled, ValidationError
from redcross_desktop.core.progress import EventProgress
from redcross_desktop.db.models import AuditEntry, Certificate, NumberSeries
from redcross_desktop.services.blood import BloodDonationInput
from redcross_desktop.services.campaigns import CampaignInput
from redcross_desktop.services.certificates import CertificateRequest, CertificateService
from redcross_desktop.services.container import Services
from redcross_desktop.services.distributions import DistributionLineInput
from redcross_desktop.services.donations import DonationInput, DonationLineInput
from redcross_desktop.services.members import HoursInput, MembershipInput
from redcross_desktop.services.people import PersonInput
from redcross_desktop.services.stock import ItemInput
from redcross_desktop.sync import keys as sync_keys

PASS = "mật khẩu ký 2026"
ISSUED = date(2026, 3, 20)


@pytest.fixture
def certs(services: Services) -> CertificateService:
    services.keys.create(PASS)
    return CertificateService(services.ctx)


def text_of(path: Path) -> list[str]:
    return [" ".join(unicodedata.normalize("NFC", p.extract_text()).split()) for p in PdfReader(path).pages]


def person(services: Services, name: str, sex: str | None = "M", **kw: object) -> int:
    return services.people.create(PersonInput(name, sex=sex, thon="Thôn Đông", **kw)).person.id  # type: ignore[arg-type]


def campaign(services: Services) -> int:
    return services.campaigns.create(
        CampaignInput(code="TET2026", name="Tết Nhân ái 2026", kind="tet", start_date=date(2026, 1, 1))
    ).id


def give(services: Services, donor: int | None, cash: int, campaign_id: int | None, **kw: object) -> int:
    data = DonationInput(date(2026, 3, 10), donor_id=donor, campaign_id=campaign_id, cash_vnd=cash, **kw)  # type: ignore[arg-type]
    return services.donations.record(data).id


def donors(services: Services) -> tuple[int, dict[str, int]]:
    tet = campaign(services)
    ids = {
        name: person(services, name, sex)
        for name, sex in (("Nguyễn Văn An", "M"), ("Lê Thị Bình", "F"), ("Trần Văn Cường", "M"))
    }
    give(services, ids["Nguyễn Văn An"], 1_250_000, tet)
    give(services, ids["Lê Thị Bình"], 500_000, tet)
    give(services, ids["Lê Thị Bình"], 300_000, tet)
    give(services, ids["Trần Văn Cường"], 2_000_000, tet)
    return tet, ids


def donor_request(tet: int, **kw: object) -> CertificateRequest:
    return CertificateRequest("donor", campaign_id=tet, issued_on=ISSUED, **kw)  # type: ignore[arg-type]


def counter(services: Services, series: str) -> int | None:
    with services.ctx.sessions() as s:
        row = s.get(NumberSeries, (series, 2026))
        return row.last_number if row else None


# ---------------------------------------------------------------- issue, numbers


def test_batch_gets_consecutive_numbers_and_reads_back(
    services: Services, certs: CertificateService, tmp_path: Path
) -> None:
    tet, _ids = donors(services)
    out = tmp_path / "cn.pdf"
    result = certs.issue(donor_request(tet), PASS, out)
    assert [(c.serial, c.recipient) for c in result.certificates] == [
        ("CN-2026-000001", "Nguyễn Văn An"),
        ("CN-2026-000002", "Lê Thị Bình"),
        ("CN-2026-000003", "Trần Văn Cường"),
    ]
    assert result.path == out and result.skipped == ()
    first = result.certificates[0]
    assert first.fields == {
        "serial": "CN-2026-000001",
        "kind": "donor",
        "branch_code": "01-00070",
        "key_id": services.keys.require().key_id,
        "issued_on": "2026-03-20",
        "recipient_name": "Nguyễn Văn An",
        "value": 1_250_000,
    }
    assert first.qr_text.startswith("VNRCCERT1:") and len(first.code) == 11
    pages = text_of(out)
    assert len(pages) == 3
    assert "Ông: NGUYỄN VĂN AN" in pages[0]
    assert "chương trình Tết Nhân ái 2026 số tiền: 1.250.000 đồng" in pages[0]
    assert "(Bằng chữ: Một triệu hai trăm năm mươi nghìn đồng chẵn)" in pages[0]
    assert f"Số: CN-2026-000001 Mã xác thực: {first.code}" in pages[0]
    assert "Bà: LÊ THỊ BÌNH" in pages[1] and "800.000 đồng" in pages[1]
    assert "Tám trăm nghìn đồng chẵn" in pages[1]
    box = PdfReader(out).pages[0].mediabox
    assert sorted((float(box.width), float(box.height))) == pytest.approx([595.28, 841.89], abs=1)
    row = certs.get("CN-2026-000001")
    assert (row.status, row.print_count, row.amount_vnd, row.verification_code) == (
        "valid",
        1,
        1_250_000,
        first.code,
    )
    assert row.reason.startswith("Đã ủng hộ chương trình Tết Nhân ái 2026 số tiền: 1.250.000 đồng")
    assert not list(tmp_path.glob(".*.tmp"))


def test_serials_stay_gapless_across_a_void_and_the_next_batch_continues(
    services: Services, certs: CertificateService, tmp_path: Path
) -> None:
    tet, ids = donors(services)
    certs.issue(donor_request(tet), PASS, tmp_path / "a.pdf")
    voided = certs.void("cn-2026-000002", "Ghi sai số tiền")
    assert (voided.status, voided.void_reason, voided.voided_by) == (
        "void",
        "Ghi sai số tiền",
        "test-officer",
    )
    assert voided.version == 2
    with services.ctx.sessions() as s:
        audit = s.scalars(
            select(AuditEntry).where(AuditEntry.record_uuid == voided.uuid, AuditEntry.action == "void")
        )
        assert audit.one().reason == "Ghi sai số tiền"
    with pytest.raises(DocumentVoidedError):
        certs.void("CN-2026-000002", "lần nữa")
    with pytest.raises(ValidationError) as err:
        certs.void("CN-2026-000001", "  ")
    assert "reason" in err.value.fields
    # The voided one may be issued again; the others already hold theirs and are skipped.
    dung = person(services, "Phạm Thị Dung", "F")
    give(services, dung, 700_000, tet)
    second = certs.issue(donor_request(tet), PASS, tmp_path / "b.pdf")
    assert [c.serial for c in second.certificates] == ["CN-2026-000004", "CN-2026-000005"]
    assert [c.recipient for c in second.certificates] == ["Lê Thị Bình", "Phạm Thị Dung"]
    assert set(second.skipped) == {"Nguyễn Văn An", "Trần Văn Cường"}
    numbers = [row.serial_no for row in certs.list(kind="donor", year=2026)]
    assert numbers == [1, 2, 3, 4, 5]
    assert [row.status for row in certs.list(kind="donor")].count("void") == 1
    assert ids  # the original donors are all still on file


def test_everyone_already_certified_is_refused_without_taking_a_number(
    services: Services, certs: CertificateService, tmp_path: Path
) -> None:
    tet, _ids = donors(services)
    certs.issue(donor_request(tet), PASS, tmp_path / "a.pdf")
    with pytest.raises(ValidationError):
        certs.issue(donor_request(tet), PASS, tmp_path / "b.pdf")
    assert counter(services, "CN") == 3
    assert not (tmp_path / "b.pdf").exists()


def test_filters_amount_people_and_anonymous_gifts(services: Services, certs: CertificateService) -> None:
    tet, ids = donors(services)
    give(services, None, 5_000_000, tet)  # anonymous: no name to print
    org = services.people.create(PersonInput("Công ty TNHH Hoàng Long", is_organisation=True)).person.id
    rice = services.stock.create_item(ItemInput(name="Gạo", unit="kg", category="food")).id
    services.donations.record(
        DonationInput(
            date(2026, 3, 11),
            donor_id=org,
            campaign_id=tet,
            channel="in_kind",
            lines=(DonationLineInput(rice, 100, 20_000, "estimate"),),
        )
    )
    chosen = certs.candidates(donor_request(tet, min_amount_vnd=1_000_000))
    assert [(c.name, c.title, c.value) for c in chosen] == [
        ("Nguyễn Văn An", "Ông", 1_250_000),
        ("Công ty TNHH Hoàng Long", "Đơn vị", 2_000_000),
        ("Trần Văn Cường", "Ông", 2_000_000),
    ]  # name order: tên, then họ (An < Công ty… < Cường)
    org_row = next(c for c in chosen if c.title == "Đơn vị")
    assert org_row.values["gift_phrase"] == "hiện vật trị giá"
    only = certs.candidates(donor_request(tet, person_ids=(ids["Lê Thị Bình"],)))
    assert [(c.name, c.value) for c in only] == [("Lê Thị Bình", 800_000)]
    assert certs.candidates(donor_request(tet, min_amount_vnd=10_000_000)) == []
    with pytest.raises(ValidationError) as err:
        certs.candidates(CertificateRequest("trophy"))
    assert err.value.code == "VALIDATION_FAILED"


def test_preview_consumes_no_serial(services: Services, certs: CertificateService, tmp_path: Path) -> None:
    tet, _ids = donors(services)
    out = tmp_path / "preview.pdf"
    chosen = certs.preview(donor_request(tet), out)
    assert len(chosen) == 3
    pages = text_of(out)
    assert all("BẢN XEM TRƯỚC" in page and "CN-2026" not in page for page in pages)
    assert counter(services, "CN") is None and certs.list() == []
    assert (
        certs.issue(donor_request(tet), PASS, tmp_path / "cn.pdf").certificates[0].serial == "CN-2026-000001"
    )


def test_wrong_passphrase_takes_no_number_and_writes_no_file(
    services: Services, certs: CertificateService, tmp_path: Path
) -> None:
    tet, _ids = donors(services)
    out = tmp_path / "cn.pdf"
    with pytest.raises(sync_keys.WrongPassphraseError) as err:
        certs.issue(donor_request(tet), "sai mật khẩu rồi", out)
    assert err.value.code == "WRONG_PASSPHRASE"
    assert counter(services, "CN") is None and not out.exists()


def test_a_cancelled_render_leaves_neither_numbers_nor_a_file(
    services: Services, certs: CertificateService, tmp_path: Path
) -> None:
    tet, _ids = donors(services)
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / "cn.pdf"
    out.write_bytes(b"the previous file")
    progress = EventProgress()
    progress.cancel()
    with pytest.raises(OperationCancelled):
        certs.issue(donor_request(tet), PASS, out, progress)
    assert counter(services, "CN") is None and certs.list() == []
    assert out.read_bytes() == b"the previous file"
    assert sorted(p.name for p in folder.iterdir()) == ["cn.pdf"]


def test_an_unwritable_target_gives_the_numbers_back(
    services: Services, certs: CertificateService, tmp_path: Path
) -> None:
    tet, _ids = donors(services)
    with pytest.raises(OSError):
        certs.issue(donor_request(tet), PASS, tmp_path / "missing" / "cn.pdf")
    assert counter(services, "CN") is None


# ---------------------------------------------------------------- reprint, verify


def test_reprint_keeps_the_number_and_code_and_says_copy(
    services: Services, certs: CertificateService, tmp_path: Path
) -> None:
    tet, _ids = donors(services)
    issued = certs.issue(donor_request(tet), PASS, tmp_path / "cn.pdf").certificates[0]
    again = certs.reprint("CN-2026-000001", tmp_path / "copy.pdf")
    assert (again.serial, again.print_count, again.version) == ("CN-2026-000001", 2, 2)
    assert (again.verification_code, again.qr_text) == (issued.code, issued.qr_text)
    (page,) = text_of(tmp_path / "copy.pdf")
    assert "BẢN SAO" in page and "Số: CN-2026-000001" in page and issued.code in page
    assert "Ông: NGUYỄN VĂN AN" in page and "Một triệu hai trăm năm mươi nghìn đồng chẵn" in page
    assert counter(services, "CN") == 3
    certs.void("CN-2026-000001", "Cấp nhầm")
    with pytest.raises(DocumentVoidedError) as err:
        certs.reprint("CN-2026-000001", tmp_path / "again.pdf")
    assert err.value.code == "DOCUMENT_VOIDED"
    assert certs.get("CN-2026-000001").print_count == 2


def test_verify_genuine_tampered_foreign_and_voided(
    services: Services, certs: CertificateService, tmp_path: Path
) -> None:
    tet, _ids = donors(services)
    issued = certs.issue(donor_request(tet), PASS, tmp_path / "cn.pdf").certificates
    public = services.keys.require().public_raw
    # Offline, with only the public key (what `redcross certificates verify --key` does).
    offline = codes.verify_code(issued[0].qr_text, public)
    assert (offline.valid, offline.fields.recipient_name if offline.fields else None) == (
        True,
        "Nguyễn Văn An",
    )
    assert certs.verify(issued[0].qr_text).valid  # this store's own key
    assert certs.verify(issued[0].qr_text, public).valid
    by_code = certs.verify(issued[0].code.lower())
    assert (by_code.valid, by_code.fields.serial if by_code.fields else None) == (True, "CN-2026-000001")
    assert certs.verify("ZZZZZ-ZZZZZ").status == "unknown"
    fields, _message, signature = codes.decode(issued[0].qr_text)
    tampered = codes.encode(
        codes.CodeFields(
            fields.serial,
            fields.branch_code,
            fields.key_id,
            fields.issued_on,
            fields.recipient_name,
            12_500_000,
        ),
        signature,
    )
    assert certs.verify(tampered).status == "bad_signature"
    assert codes.verify_code(tampered, public).status == "bad_signature"
    other = sync_keys.public_raw(Ed25519PrivateKey.generate())
    assert certs.verify(issued[0].qr_text, other).status == "wrong_key"
    certs.void("CN-2026-000002", "Cấp nhầm người")
    voided = certs.verify(issued[1].qr_text)
    assert (voided.valid, voided.status) == (False, "void")
    assert "Cấp nhầm người" in voided.reason
    assert codes.verify_code(issued[1].qr_text, public).valid  # offline cannot know of the void


# ---------------------------------------------------------------- blood and volunteers


def test_blood_honours_reached_in_the_period(
    services: Services, certs: CertificateService, tmp_path: Path
) -> None:
    an = person(
        services,
        "Nguyễn Văn An",
        birth_date=date(1990, 5, 1),
        blood_prior_donations=9,
        blood_prior_evidence="Sổ hiến máu",
        consent_status="given",
    )
    old = person(
        services,
        "Lê Văn Cũ",
        birth_date=date(1985, 5, 1),
        blood_prior_donations=8,
        blood_prior_evidence="Sổ hiến máu",
        consent_status="given",
    )
    services.blood.record_donation(BloodDonationInput(an, date(2026, 2, 10)))
    services.blood.record_donation(BloodDonationInput(old, date(2025, 1, 10)))
    services.blood.record_donation(BloodDonationInput(old, date(2025, 6, 10)))
    request = CertificateRequest(
        "blood", date_from=date(2026, 1, 1), date_to=date(2026, 12, 31), issued_on=ISSUED
    )
    assert [(c.name, c.value) for c in certs.candidates(request)] == [("Nguyễn Văn An", 10)]
    everyone = certs.candidates(CertificateRequest("blood", issued_on=ISSUED))
    assert sorted(c.name for c in everyone) == ["Lê Văn Cũ", "Nguyễn Văn An"]
    result = certs.issue(request, PASS, tmp_path / "hm.pdf")
    assert [c.serial for c in result.certificates] == ["HM-2026-000001"]
    (page,) = text_of(tmp_path / "hm.pdf")
    assert "Ông: NGUYỄN VĂN AN" in page and "Đã hiến máu tình nguyện 10 lần, góp phần" in page
    assert "Số: HM-2026-000001" in page


def test_volunteers_with_enough_hours(services: Services, certs: CertificateService, tmp_path: Path) -> None:
    members = services.members

    def volunteer(name: str, minutes: int) -> int:
        pid = person(services, name, "F", birth_date=date(1995, 1, 1))
        mid = members.enrol(MembershipInput(pid, "volunteer", date(2025, 1, 1))).row.id
        members.log_hours(HoursInput(mid, date(2026, 2, 1), minutes))
        return pid

    volunteer("Hoàng Thị Lan", 130 * 60)
    volunteer("Vũ Thị Mai", 20 * 60)
    request = CertificateRequest(
        "volunteer", min_hours=100, date_from=date(2026, 1, 1), date_to=date(2026, 6, 30), issued_on=ISSUED
    )
    result = certs.issue(request, PASS, tmp_path / "tn.pdf")
    assert [(c.serial, c.recipient, c.fields["value"]) for c in result.certificates] == [
        ("TN-2026-000001", "Hoàng Thị Lan", 130)
    ]
    (page,) = text_of(tmp_path / "tn.pdf")
    assert "Bà: HOÀNG THỊ LAN" in page
    assert "đã tham gia 130 giờ hoạt động nhân đạo từ ngày 01/01/2026 đến ngày 30/06/2026" in page


def test_thank_you_letter_template_and_kind_mismatch(
    services: Services, certs: CertificateService, tmp_path: Path
) -> None:
    tet, _ids = donors(services)
    result = certs.issue(donor_request(tet, template="donor_thanks"), PASS, tmp_path / "thu.pdf")
    assert "THƯ CẢM ƠN" in text_of(tmp_path / "thu.pdf")[0]
    assert certs.get(result.certificates[0].serial).template == "donor_thanks"
    with pytest.raises(ValidationError):
        certs.candidates(CertificateRequest("blood", template="donor"))


# ---------------------------------------------------------------- receipts and distribution lists


def test_receipt_prints_then_copies(services: Services, certs: CertificateService, tmp_path: Path) -> None:
    tet, ids = donors(services)
    donation = services.donations.list()[0]
    first = certs.receipt(donation.id, tmp_path / "bn.pdf")
    assert (first.receipt_code, first.print_count, first.copy) == (donation.receipt_code, 1, False)
    (page,) = text_of(tmp_path / "bn.pdf")
    assert f"Số: {donation.receipt_code}" in page and "Ông Nguyễn Văn An" in page
    assert "1.250.000 đ" in page and "Bằng chữ: Một triệu hai trăm năm mươi nghìn đồng chẵn" in page
    assert "BẢN SAO" not in page
    second = certs.receipt(donation.id, tmp_path / "bn2.pdf")
    assert (second.print_count, second.copy) == (2, True)
    assert "BẢN SAO" in text_of(tmp_path / "bn2.pdf")[0]
    anonymous = give(services, None, 200_000, tet)
    certs.receipt(anonymous, tmp_path / "anon.pdf")
    assert "Nhà hảo tâm (giấu tên)" in text_of(tmp_path / "anon.pdf")[0]
    services.donations.void(anonymous, "Ghi nhầm")
    with pytest.raises(DocumentVoidedError):
        certs.receipt(anonymous, tmp_path / "void.pdf")
    assert not (tmp_path / "void.pdf").exists()
    assert ids


def test_distribution_sheet_lists_every_line_and_marks_printed(
    services: Services, certs: CertificateService, tmp_path: Path
) -> None:
    lists = services.distributions
    made = lists.create_list("Tặng quà Tết 2026 - thôn Đông", date(2026, 1, 28), programme="Tết Nhân ái")
    names = [f"Người Nhận {n:02d}" for n in range(1, 19)]
    for number, name in enumerate(names):
        pid = services.people.create(
            PersonInput(
                name,
                thon="Thôn Đông",
                cccd="001090012345"[:9] + f"{number:03d}",
                birth_date=date(1990, 1, 1),
                sex="M",
            )
        ).person.id
        lists.add_line(made.id, DistributionLineInput(pid, group_code="poor", cash_vnd=500_000))
    sheet = certs.distribution_sheet(made.id, tmp_path / "ds.pdf")
    assert len(sheet.lines) == 18
    pages = text_of(tmp_path / "ds.pdf")
    whole = " ".join(pages)
    assert all(name in whole for name in names)
    assert all("Họ và tên" in page and "Ký nhận" in page for page in pages)
    assert "001090012" not in whole  # no CCCD on the sheet by default
    assert "Cộng: 18 người; tiền: 9.000.000 đ" in whole
    assert lists.get(made.id).distribution.status == "printed"
    certs.distribution_sheet(made.id, tmp_path / "ds2.pdf")  # a reprint changes nothing
    assert lists.get(made.id).distribution.status == "printed"
    empty = lists.create_list("Danh sách trống", date(2026, 1, 28))
    with pytest.raises(ValidationError):
        certs.distribution_sheet(empty.id, tmp_path / "empty.pdf")
    assert lists.get(empty.id).distribution.status == "draft"


def test_certificate_rows_are_synced_records(
    services: Services, certs: CertificateService, tmp_path: Path
) -> None:
    tet, _ids = donors(services)
    certs.issue(donor_request(tet), PASS, tmp_path / "cn.pdf")
    with services.ctx.sessions() as s:
        rows = list(s.scalars(select(Certificate).order_by(Certificate.id)))
        assert {(r.origin_branch, r.version, r.deleted) for r in rows} == {("01-00070", 1, False)}
        created = s.scalars(select(AuditEntry).where(AuditEntry.table_name == "certificates"))
        assert sorted(a.action for a in created) == ["create"] * 3
