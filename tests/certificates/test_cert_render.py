# SPDX-License-Identifier: MIT
"""Rendering read back with pypdf: Vietnamese text whole, fonts embedded, A4, names that fit."""

from __future__ import annotations

import unicodedata
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pypdf import PdfReader
from reportlab.pdfbase.pdfmetrics import stringWidth

from redcross_desktop.certificates import codes
from redcross_desktop.certificates.dto import (
    BranchHeader,
    CertificateDTO,
    DistributionSheetDTO,
    ReceiptDTO,
    ReceiptLineDTO,
    SheetLineDTO,
)
from redcross_desktop.certificates.fonts import BOLD, register_fonts
from redcross_desktop.certificates.render import (
    fit_text,
    qr_modules,
    render_certificates,
    render_distribution_list,
    render_receipt,
)
from redcross_desktop.certificates.templates import MM, load_certificate_template, load_document_template
from redcross_desktop.core.errors import OperationCancelled
from redcross_desktop.core.progress import EventProgress
from redcross_desktop.core.vn import amount_in_words
from redcross_desktop.sync import keys as sync_keys

BRANCH = BranchHeader(
    "01-00070",
    "Hội Chữ thập đỏ phường Hoàn Kiếm",
    "HỘI CTĐ THÀNH PHỐ HÀ NỘI",
    "Hoàn Kiếm",
    "Nguyễn Thị Hoa",
    officer_name="Trần Văn Nam",
    commune_kind="phường",
)
LONG_NAME = "Tôn Nữ Hoàng Phương Thảo Ngọc Bích Huyền Trân"  # 45 characters
STANDARD_14 = ("Helvetica", "Times-", "Courier", "Symbol", "ZapfDingbats")


def text_of(path: Path) -> list[str]:
    """Each page's extracted text, NFC, whitespace collapsed (lines wrap where the layout says)."""
    pages = []
    for page in PdfReader(path).pages:
        pages.append(" ".join(unicodedata.normalize("NFC", page.extract_text()).split()))
    return pages


def assert_fonts_embedded(path: Path) -> None:
    reader = PdfReader(path)
    seen = 0
    for page in reader.pages:
        fonts = page["/Resources"]["/Font"]
        for ref in fonts.values():
            font = ref.get_object()
            name = str(font["/BaseFont"])
            assert not any(std in name for std in STANDARD_14), name
            assert "LiberationSerif" in name
            assert "/FontFile2" in font["/FontDescriptor"].get_object(), name
            seen += 1
    assert seen


def donor_page(name: str = "Nguyễn Văn Đức", *, amount: int = 1_250_000, **extra: object) -> CertificateDTO:
    key = Ed25519PrivateKey.generate()
    raw = sync_keys.public_raw(key)
    fields = codes.CodeFields(
        "CN-2026-000123", BRANCH.branch_code, sync_keys.key_id(raw), date(2026, 3, 5), name, amount
    )
    signature = sync_keys.sign(key, sync_keys.CERTIFICATE_DOMAIN, fields.message())
    values = {
        "campaign_phrase": "chương trình Tết Nhân ái 2026 ",
        "gift_phrase": "số tiền",
        "amount": f"{amount:,}".replace(",", "."),
        "amount_words": amount_in_words(amount),
    }
    page = CertificateDTO(
        BRANCH,
        name,
        "Ông",
        date(2026, 3, 5),
        values,
        "Thôn Đông",
        fields.serial,
        codes.short_code(signature),
        codes.encode(fields, signature),
    )
    return replace(page, **extra)  # type: ignore[arg-type]


def test_certificate_reads_back_exactly(tmp_path: Path) -> None:
    out = tmp_path / "cn.pdf"
    page = donor_page()
    render_certificates(out, [page], load_certificate_template("donor"))
    (text,) = text_of(out)
    assert "Ông: NGUYỄN VĂN ĐỨC" in text
    assert "1.250.000 đồng" in text
    assert "(Bằng chữ: Một triệu hai trăm năm mươi nghìn đồng chẵn)" in text
    assert "Số: CN-2026-000123" in text
    assert f"Mã xác thực: {page.short_code}" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Độc lập - Tự do - Hạnh phúc" in text
    assert "BAN THƯỜNG VỤ HỘI CHỮ THẬP ĐỎ PHƯỜNG HOÀN KIẾM" in text
    assert "Hoàn Kiếm, ngày 05 tháng 3 năm 2026" in text
    assert "TM. BAN THƯỜNG VỤ CHỦ TỊCH" in text and "Nguyễn Thị Hoa" in text
    assert "BẢN SAO" not in text and "BẢN XEM TRƯỚC" not in text
    box = PdfReader(out).pages[0].mediabox
    assert sorted((float(box.width), float(box.height))) == pytest.approx([595.28, 841.89], abs=1)
    assert_fonts_embedded(out)


@pytest.mark.parametrize("name", ["blood", "volunteer", "donor_thanks"])
def test_every_kind_renders_a4_with_embedded_fonts(tmp_path: Path, name: str) -> None:
    out = tmp_path / f"{name}.pdf"
    values = {"count": "10", "hours": "120", "period_phrase": "từ ngày 01/01/2026 đến ngày 31/12/2026"}
    page = replace(donor_page(), values={**donor_page().values, **values})
    render_certificates(out, [page], load_certificate_template(name))
    (text,) = text_of(out)
    expected = {
        "blood": "Đã hiến máu tình nguyện 10 lần, góp phần",
        "volunteer": "đã tham gia 120 giờ hoạt động nhân đạo từ ngày 01/01/2026 đến ngày 31/12/2026",
        "donor_thanks": "THƯ CẢM ƠN",
    }[name]
    assert expected in text
    box = PdfReader(out).pages[0].mediabox
    assert sorted((float(box.width), float(box.height))) == pytest.approx([595.28, 841.89], abs=1)
    assert_fonts_embedded(out)


def test_a_45_character_name_shrinks_to_fit_and_stays_whole(tmp_path: Path) -> None:
    assert len(LONG_NAME) == 45
    template = load_certificate_template("donor")
    (block,) = [b for b in template.blocks if "recipient_name_upper" in b.text]
    register_fonts()
    line = f"Ông: {LONG_NAME.upper()}"
    size, lines = fit_text(line, BOLD, block.size, block.max_width_mm * MM, block.min_size)
    assert lines == [line]
    assert block.min_size <= size < block.size
    assert stringWidth(line, BOLD, size) <= block.max_width_mm * MM
    out = tmp_path / "long.pdf"
    render_certificates(out, [donor_page(LONG_NAME)], template)
    assert f"Ông: {LONG_NAME.upper()}" in text_of(out)[0]


def test_text_too_long_even_at_the_minimum_wraps_inside_the_width() -> None:
    register_fonts()
    text = "BAN THƯỜNG VỤ " + "HỘI CHỮ THẬP ĐỎ " * 12
    size, lines = fit_text(text, BOLD, 13, 250 * MM, 9)
    assert size == 9 and len(lines) > 1
    assert all(stringWidth(x, BOLD, 9) <= 250 * MM for x in lines)
    assert " ".join(lines) == " ".join(text.split())


def test_user_text_with_markup_characters_prints_verbatim(tmp_path: Path) -> None:
    out = tmp_path / "stars.pdf"
    page = donor_page("Lê **Văn** __Tư__")
    page = replace(page, values={**page.values, "campaign_phrase": "quỹ *Vì người nghèo* "})
    render_certificates(out, [page], load_certificate_template("donor"))
    (text,) = text_of(out)
    assert "Ông: LÊ **VĂN** __TƯ__" in text
    assert "Đã ủng hộ quỹ *Vì người nghèo* số tiền: 1.250.000 đồng" in text


def test_preview_shows_no_number_and_copy_says_so(tmp_path: Path) -> None:
    out = tmp_path / "p.pdf"
    render_certificates(
        out, [donor_page(preview=True), donor_page(copy=True)], load_certificate_template("donor")
    )
    preview, copy = text_of(out)
    assert "BẢN XEM TRƯỚC" in preview and "CN-2026" not in preview and "(cấp số khi in chính thức)" in preview
    assert "BẢN SAO" in copy and "CN-2026-000123" in copy and "BẢN XEM TRƯỚC" not in copy


def test_render_reports_progress_and_stops_when_cancelled(tmp_path: Path) -> None:
    progress = EventProgress()
    render_certificates(
        tmp_path / "a.pdf", [donor_page(), donor_page()], load_certificate_template("donor"), progress
    )
    assert progress.last[:2] == (2, 2)
    progress.cancel()
    with pytest.raises(OperationCancelled):
        render_certificates(tmp_path / "b.pdf", [donor_page()], load_certificate_template("donor"), progress)


def test_both_qr_encoders_give_a_symbol_of_the_same_size() -> None:
    page = donor_page()
    ours, widget = qr_modules(page.qr_text, "segno"), qr_modules(page.qr_text, "reportlab")
    assert len(ours) == len(widget) and (len(ours) - 17) % 4 == 0
    assert all(len(row) == len(ours) for row in ours)
    # The finder patterns (7×7 corners) are fixed by the standard, whatever the mask.
    for matrix in (ours, widget):
        assert matrix[0][:7] == [True] * 7 and matrix[6][:7] == [True] * 7 and matrix[3][1] is False


def receipt(**extra: object) -> ReceiptDTO:
    dto = ReceiptDTO(
        BRANCH,
        "BN-2026-000042",
        date(2026, 3, 5),
        "Nguyễn Văn Đức",
        "Ông",
        1_250_000,
        amount_in_words(1_250_000),
        400_000,
        amount_in_words(400_000),
        (ReceiptLineDTO("Gạo", "kg", 20, 20_000, 400_000),),
        "Thôn Đông",
        "Tết Nhân ái 2026",
        "Tiền mặt",
        collector="Trần Văn Nam",
    )
    return replace(dto, **extra)  # type: ignore[arg-type]


def test_receipt_reads_back_with_copy_marker(tmp_path: Path) -> None:
    first, again = tmp_path / "bn.pdf", tmp_path / "bn2.pdf"
    render_receipt(first, receipt())
    render_receipt(again, receipt(copy=True))
    (text,) = text_of(first)
    for expected in (
        "Số: BN-2026-000042",
        "BIÊN NHẬN ỦNG HỘ",
        "Ông Nguyễn Văn Đức",
        "Tết Nhân ái 2026",
        "1.250.000 đ",
        "Bằng chữ: Một triệu hai trăm năm mươi nghìn đồng chẵn",
        "Gạo",
        "20.000",
        "400.000 đ",
        "Bốn trăm nghìn đồng chẵn",
        "NGƯỜI ỦNG HỘ",
        "NGƯỜI NHẬN",
        "Trần Văn Nam",
    ):
        assert expected in text, expected
    assert "BẢN SAO" not in text
    assert "BẢN SAO" in text_of(again)[0]
    box = PdfReader(first).pages[0].mediabox
    assert sorted((float(box.width), float(box.height))) == pytest.approx([419.53, 595.28], abs=1)  # A5
    assert_fonts_embedded(first)


def test_anonymous_receipt_prints_the_anonymous_label(tmp_path: Path) -> None:
    out = tmp_path / "anon.pdf"
    render_receipt(
        out,
        receipt(
            donor_name="Nhà hảo tâm (giấu tên)",
            donor_title="",
            donor_address="",
            anonymous=True,
            lines=(),
            in_kind_vnd=0,
        ),
    )
    (text,) = text_of(out)
    assert "Nhận của: Nhà hảo tâm (giấu tên)" in text
    assert "Hiện vật" not in text


def sheet(count: int) -> DistributionSheetDTO:
    lines = tuple(
        SheetLineDTO(
            n,
            f"Người Nhận Thứ {n:02d}",
            "Thôn Đông",
            "disabled" if n == 2 else "poor",
            "Người khuyết tật" if n == 2 else "Hộ nghèo",
            "500.000 đ; Gạo 10 kg",
            "Nhận thay: Lê Văn Tư" if n == 3 else "",
            "001******789",
        )
        for n in range(1, count + 1)
    )
    return DistributionSheetDTO(
        BRANCH,
        "Tặng quà Tết Nhân ái 2026",
        "Tết Nhân ái",
        date(2026, 1, 28),
        lines,
        500_000 * count,
        (("Gạo", "kg", 10 * count),),
    )


def test_distribution_list_has_every_line_and_repeats_the_header(tmp_path: Path) -> None:
    out = tmp_path / "ds.pdf"
    render_distribution_list(out, sheet(30))
    pages = text_of(out)
    assert len(pages) >= 3
    whole = " ".join(pages)
    for n in range(1, 31):
        assert f"Người Nhận Thứ {n:02d}" in whole
    for page in pages:  # the column header once on every page, never inside the table
        assert page.count("Họ và tên") == 1 and "Ký nhận" in page and "Tiền/hiện vật" in page
    assert "Người Nhận Thứ 30" in pages[-1]  # the signatures never stand alone on a page
    assert "DANH SÁCH NHẬN HỖ TRỢ CÓ KÝ NHẬN" in pages[0]
    assert "Người khuyết tật" not in whole and "(bảo mật)" in whole  # health groups stay private
    assert "Nhận thay: Lê Văn Tư" in whole
    assert "Cộng: 30 người; tiền: 15.000.000 đ; Gạo: 300 kg" in whole
    last = pages[-1]
    for signer in ("NGƯỜI LẬP BIỂU", "ĐẠI DIỆN HỘI CHỮ THẬP ĐỎ", "ĐẠI DIỆN UBND PHƯỜNG", "Trần Văn Nam"):
        assert signer in last
    assert "001******789" not in whole  # no CCCD column by default
    box = PdfReader(out).pages[0].mediabox
    assert (float(box.width), float(box.height)) == pytest.approx((841.89, 595.28), abs=1)  # A4 landscape
    assert_fonts_embedded(out)


def test_distribution_list_masks_cccd_when_the_column_is_on(tmp_path: Path) -> None:
    template = load_document_template("distribution")
    template = replace(template, options={**template.options, "show_id": True})
    out = tmp_path / "id.pdf"
    render_distribution_list(out, sheet(2), template)
    (text,) = text_of(out)
    assert "Số CCCD" in text and "001******789" in text
