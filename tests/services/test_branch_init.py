# SPDX-License-Identifier: MIT
"""Creating a branch store from the official 2025 codes."""

from __future__ import annotations

from pathlib import Path

import pytest

from redcross_desktop.bootstrap import init_store, open_store
from redcross_desktop.core.errors import BranchExistsError, NoBranchError, UnknownAreaCodeError
from redcross_desktop.core.paths import AppPaths
from redcross_desktop.services.settings import default_settings


def test_init_creates_a_commune_branch_with_default_settings(paths: AppPaths) -> None:
    services = init_store(paths.database, paths, province="01", commune="00070", chair_name="Nguyễn Thị Hoa")
    try:
        branch = services.branch
        assert (branch.branch_code, branch.mode, branch.commune_name) == (
            "01-00070",
            "commune",
            "Phường Hoàn Kiếm",
        )
        assert branch.name == "Hội Chữ thập đỏ phường Hoàn Kiếm"
        assert branch.parent_line == "HỘI CTĐ THÀNH PHỐ HÀ NỘI"
        assert branch.chair_name == "Nguyễn Thị Hoa"
        assert services.settings.get("dues")["monthly_rate_vnd"] == 1000
        assert [level.count for level in services.settings.honour_ladder()] == [10, 15, 20, 30, 40]
    finally:
        services.close()


def test_init_province_mode(paths: AppPaths) -> None:
    services = init_store(paths.database, paths, province="8", commune=None, mode="province")
    try:
        assert (services.branch.mode, services.branch.province_code, services.branch.commune_code) == (
            "province",
            "08",
            None,
        )
        assert services.branch.is_province
    finally:
        services.close()


def test_wrong_commune_code_is_refused_with_close_matches(paths: AppPaths) -> None:
    with pytest.raises(UnknownAreaCodeError) as caught:
        init_store(paths.database, paths, province="01", commune="00071")
    assert caught.value.code == "UNKNOWN_AREA_CODE"
    assert "00070" in caught.value.message  # the nearest real code is suggested
    assert not paths.database.exists()  # codes are checked before the store is touched


def test_wrong_province_code_is_refused(paths: AppPaths) -> None:
    with pytest.raises(UnknownAreaCodeError) as caught:
        init_store(paths.database, paths, province="99", commune="00070")
    assert "99" in caught.value.message


def test_initialising_an_existing_store_is_refused(paths: AppPaths) -> None:
    init_store(paths.database, paths, province="01", commune="00070").close()
    with pytest.raises(BranchExistsError):
        init_store(paths.database, paths, province="01", commune="00070")


def test_opening_a_store_without_branch_says_what_to_do(paths: AppPaths, empty_store: Path) -> None:
    with pytest.raises(NoBranchError) as caught:
        open_store(empty_store, paths)
    assert "redcross init" in caught.value.message


def test_default_settings_file_is_complete() -> None:
    settings = default_settings()
    assert settings["blood"]["interval_days"] == {"whole": 84, "red_cells": 84, "platelets": 14, "plasma": 14}
    assert settings["dues"]["exemption_cap_percent"] == 10
