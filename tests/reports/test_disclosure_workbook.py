# SPDX-License-Identifier: MIT
"""The Decree 93 "BẢNG CÔNG KHAI": donations received and support given, with totals, anonymous
donors shown as such, and never a CCCD, phone number or vulnerable (health) group on the sheet."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from conftest import Known
from redcross_desktop.core.errors import NotFoundError
from redcross_desktop.domain.codes import HEALTH_GROUPS, VULNERABLE_GROUPS
from redcross_desktop.reports.disclosure import SHEET_DISCLOSURE

DAY = date(2026, 4, 2)


def cells(path: Path) -> list[str]:
    workbook = load_workbook(path)
    return [
        str(c.value)
        for ws in workbook.worksheets
        for row in ws.iter_rows()
        for c in row
        if c.value is not None
    ]


def test_campaign_disclosure(known: Known, tmp_path: Path) -> None:
    out = known.reports.write_disclosure(
        known.ids["c_flood"], tmp_path / "cong-khai.xlsx", disclosure_date=DAY
    )
    ws = load_workbook(out)[SHEET_DISCLOSURE]
    text = cells(out)
    assert "BẢNG CÔNG KHAI" in text and "Đợt vận động: Ủng hộ đồng bào bị lũ lụt" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Hoàn Kiếm, ngày 02 tháng 4 năm 2026" in text
    assert "- Văn bản kêu gọi, vận động: Thư kêu gọi số 12/TKG-CTĐ ngày 01/3/2026." in text
    assert "- Thời gian tiếp nhận: từ ngày 01/03/2026 đến nay." in text
    assert "- Hình thức tiếp nhận: Tiền mặt, Chuyển khoản." in text
    # Received: d1 (named) and d2 (anonymous); the voided d5 is not listed.
    first = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "I. DANH SÁCH TIẾP NHẬN") + 2
    last = next(r for r in range(first, ws.max_row + 1) if ws.cell(r, 1).value == "Tổng cộng")
    donors = [tuple(ws.cell(r, c).value for c in (1, 2, 3, 4)) for r in range(first, last)]
    assert donors == [
        (1, "05/03/2026", "Trần Thị Bích", 5_000_000),
        (2, "12/03/2026", "Nhà hảo tâm (giấu tên)", 2_000_000),
    ]
    assert "Lê Văn Cường" not in text  # his only gift to this campaign was voided
    # Support given from the campaign: r1.
    assert "Phạm Văn Dũng" in text and "Tổ 5" in text and "Tiền mặt 1.000.000 đ; 20 kg Gạo" in text
    totals = [r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "Tổng cộng"]
    assert [ws.cell(totals[0], c).value for c in (4, 6)] == [7_000_000, 0]
    assert ws.cell(totals[1], 6).value == 1_400_000
    assert ws.cell(totals[0], 4).number_format == "#,##0"
    assert "- Tổng giá trị tiếp nhận: 7.000.000 đ (bằng chữ: Bảy triệu đồng chẵn)." in text
    assert "- Còn lại chưa phân phối: 5.600.000 đ." in text
    assert {"NGƯỜI LẬP BIỂU", "TM. BAN THƯỜNG VỤ", "CHỦ TỊCH", "Nguyễn Thị Hoa", "Trần Văn Nam"} <= set(text)
    setup = ws.page_setup
    assert int(setup.paperSize) == 9 and setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage


def test_month_disclosure_never_shows_personal_or_health_data(known: Known, tmp_path: Path) -> None:
    out = known.reports.write_disclosure("2026-03", tmp_path / "thang-3.xlsx", disclosure_date=DAY)
    text = cells(out)
    assert "Tháng 03/2026" in text
    assert "Nhà hảo tâm (giấu tên)" in text
    assert "Ngô Thị Hạnh" in text  # r3 (health support, group "disabled") is listed by name and amount only
    for value in text:
        for secret in known.cccds + known.phones:
            assert secret not in value.replace(".", "").replace(" ", "")
        for group in HEALTH_GROUPS:
            assert str(VULNERABLE_GROUPS[group]) not in value
    assert "Vũ Văn Long" not in text  # r6 was tombstoned
    assert "Hộ Bùi Văn Nam" in text


def test_unknown_campaign(known: Known, tmp_path: Path) -> None:
    with pytest.raises(NotFoundError) as caught:
        known.reports.write_disclosure(999_999, tmp_path / "x.xlsx")
    assert caught.value.code == "NOT_FOUND"
    assert not (tmp_path / "x.xlsx").exists()
