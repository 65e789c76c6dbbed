# SPDX-License-Identifier: MIT
"""Settings saved together, the honour ladder's rules, the wizard's suggested branch details, and a
backup on demand."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from redcross_desktop.core.errors import UnknownAreaCodeError, ValidationError
from redcross_desktop.core.paths import AppPaths
from redcross_desktop.services.branch import suggested_details
from redcross_desktop.services.container import Services
from redcross_desktop.services.maintenance import BackupNotPossibleError, backup_now, backup_store
from redcross_desktop.services.people import PersonInput
from redcross_desktop.services.settings import HonourLevel


def test_set_many_saves_every_key(services: Services) -> None:
    services.settings.set_many({"report": {"deadline_day": 8}, "stock": {"low_level_default": 3}})
    assert services.settings.get("report") == {"deadline_day": 8}
    assert services.settings.get("stock") == {"low_level_default": 3}


def test_set_many_is_all_or_nothing(services: Services) -> None:
    with pytest.raises(TypeError):  # the second value cannot be stored as JSON
        services.settings.set_many({"report": {"deadline_day": 8}, "stock": {1, 2}})
    assert services.settings.get("report")["deadline_day"] == 5


def test_the_honour_ladder_is_sorted_and_keeps_the_verify_mark_of_unchanged_levels(
    services: Services,
) -> None:
    saved = services.settings.set_honour_ladder(
        [
            HonourLevel(50, "  Huy chương   Vì sự nghiệp nhân đạo ", "Trung ương Hội", ""),
            HonourLevel(10, "Cúp thủy tinh bạc (gia đình hiến máu lần thứ 10)", "BCĐ tỉnh", "QĐ 122"),
            HonourLevel(20, "Bằng khen của Chủ tịch UBND tỉnh", "UBND tỉnh", ""),
        ]
    )
    assert [(level.count, level.award) for level in saved] == [
        (10, "Cúp thủy tinh bạc (gia đình hiến máu lần thứ 10)"),
        (20, "Bằng khen của Chủ tịch UBND tỉnh"),
        (50, "Huy chương Vì sự nghiệp nhân đạo"),
    ]
    assert services.settings.honour_ladder() == saved
    stored = services.settings.get("honour_ladder")
    assert [level.get("verify_with_province", False) for level in stored] == [True, False, False]


@pytest.mark.parametrize(
    ("levels", "fields"),
    [
        ([HonourLevel(0, "Cúp", "", "")], {"count.1"}),
        ([HonourLevel(10, "Cúp", "", ""), HonourLevel(10, "Bằng khen", "", "")], {"count.2"}),
        ([HonourLevel(10, "   ", "", "")], {"award.1"}),
    ],
)
def test_a_wrong_honour_ladder_is_refused_whole(
    services: Services, levels: list[HonourLevel], fields: set[str]
) -> None:
    before = services.settings.get("honour_ladder")
    with pytest.raises(ValidationError) as refused:
        services.settings.set_honour_ladder(levels)
    assert refused.value.code == "VALIDATION_FAILED"
    assert set(refused.value.fields) == fields
    assert services.settings.get("honour_ladder") == before


def test_suggested_details_name_the_branch_after_its_area() -> None:
    assert suggested_details("01", "00070") == {
        "name": "Hội Chữ thập đỏ phường Hoàn Kiếm",
        "parent_line": "HỘI CTĐ THÀNH PHỐ HÀ NỘI",
        "place_name": "Hoàn Kiếm",
    }
    assert suggested_details("79", None, mode="province")["name"] == "Hội Chữ thập đỏ thành phố Hồ Chí Minh"
    with pytest.raises(UnknownAreaCodeError):
        suggested_details("01", "99999")


def test_backup_now_writes_a_consistent_copy_and_never_overwrites(
    services: Services, paths: AppPaths
) -> None:
    services.people.create(PersonInput("Nguyễn Văn Đức"))
    first = backup_store(services.engine, paths)
    second = backup_now(paths)
    assert first != second and first.parent == second.parent == paths.backup_dir
    for copy in (first, second):
        with sqlite3.connect(copy) as db:
            assert db.execute("SELECT full_name FROM people").fetchall() == [("Nguyễn Văn Đức",)]
        db.close()


def test_backup_of_a_missing_store_says_so(tmp_path: Path) -> None:
    paths = AppPaths.under(tmp_path / "nowhere")
    with pytest.raises(BackupNotPossibleError) as refused:
        backup_now(paths)
    assert refused.value.code == "BACKUP_NOT_POSSIBLE"
    assert "Không tìm thấy tệp dữ liệu" in refused.value.message
