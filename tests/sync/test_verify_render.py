# SPDX-License-Identifier: MIT
"""`render_verification`: the exact Vietnamese lines of a tampered bundle (unchanged since the
lines went through gettext), and the same lines in English once the interface language is English."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from bundle_helpers import make_bundle, rid

from redcross_desktop.core.i18n import set_language
from redcross_desktop.sync.verify import render_verification, verify_bundle


@pytest.fixture
def tampered(tmp_path: Path) -> Path:
    path = tmp_path / "b.xlsx"
    make_bundle(path)
    wb = openpyxl.load_workbook(path)
    wb["Quyên góp"]["N3"] = 123
    wb["Quyên góp"].delete_rows(2)
    wb.save(path)
    return path


@pytest.fixture
def english() -> Iterator[None]:
    set_language("en")
    yield
    set_language("vi")


def test_vietnamese_lines_of_a_tampered_bundle(tampered: Path) -> None:
    lines = render_verification(verify_bundle(tampered))
    assert lines[0] == "Kết quả: KHÔNG HỢP LỆ [CONTENT_MISMATCH]"
    assert lines[2:4] == [
        f"  - Quyên góp dòng 2: bị sửa (mã bản ghi {rid(2)})",
        f"  - Quyên góp dòng 2: bị xóa (mã bản ghi {rid(1)})",
    ]
    assert lines[4] == (
        "Đơn vị: Hội Chữ thập đỏ phường Hoàn Kiếm (01-00070); kỳ 2026-03; gói số 1; "
        "xuất lúc 2026-04-02T09:15:00+07:00 bởi Trần Văn Nam"
    )
    assert lines[5] == "Số dòng: report 1, donations 4, relief 1, blood 1, members 1, activities 1"
    assert lines[6].startswith("Khóa ký: ") and "; mã vân tay: " in lines[6]
    assert lines[7].startswith("Mã gói: ")


def test_lines_follow_the_interface_language(tampered: Path, english: None) -> None:
    lines = render_verification(verify_bundle(tampered))
    assert lines[0] == "Result: NOT VALID [CONTENT_MISMATCH]"
    assert lines[2] == f"  - Quyên góp row 2: modified (record id {rid(2)})"
    assert lines[4].startswith("Unit: Hội Chữ thập đỏ phường Hoàn Kiếm (01-00070); period 2026-03; bundle 1;")
