# SPDX-License-Identifier: MIT
"""A report breakdown row that no longer exists is sent as a tombstone, so the province stops
counting the figure it received before."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import openpyxl

from redcross_desktop.services.bundles import BundleService
from redcross_desktop.services.campaigns import CampaignInput
from redcross_desktop.services.container import Services
from redcross_desktop.services.donations import DonationInput
from redcross_desktop.sync.verify import verify_bundle

PASS = "mat-khau-chi-hoi"


def report_rows(path: Path) -> dict[str, dict[str, Any]]:
    ws = openpyxl.load_workbook(path)["Báo cáo tháng"]
    rows = list(ws.iter_rows(values_only=True))
    return {r[0]: dict(zip(rows[0], r, strict=True)) for r in rows[1:]}


def test_vanished_breakdown_row_becomes_a_tombstone_with_a_higher_version(
    services: Services, tmp_path: Path
) -> None:
    flood = services.campaigns.create(
        CampaignInput(code="LU2026", name="Ủng hộ đồng bào lũ lụt", start_date=date(2026, 3, 1))
    )
    gift = services.donations.record(
        DonationInput(
            received_on=date(2026, 3, 10), cash_vnd=700_000, campaign_id=flood.id, donor_display="Ẩn danh"
        )
    )
    bundles = BundleService(services.ctx)
    bundles.export("2026-03", tmp_path / "a.xlsx", PASS)
    before = report_rows(tmp_path / "a.xlsx")
    flood_rows = {rid: r for rid, r in before.items() if rid.endswith("|campaign:LU2026")}
    assert flood_rows, "the campaign breakdown was exported"
    assert all(r["Đã xóa"] == 0 for r in flood_rows.values())
    assert any(r["Giá trị"] == 700_000 for r in flood_rows.values())

    services.donations.void(gift.id, "Ghi nhầm chiến dịch")
    bundles.export("2026-03", tmp_path / "b.xlsx", PASS)
    after = report_rows(tmp_path / "b.xlsx")
    assert verify_bundle(tmp_path / "b.xlsx").ok
    for rid, old in flood_rows.items():
        row = after[rid]
        assert row["Đã xóa"] == 1
        assert row["Phiên bản"] == old["Phiên bản"] + 1
        assert row["Giá trị"] is None and row["Mã chỉ tiêu"] is None  # envelope only (§3)
        assert row["Kỳ"] == "2026-03"

    # The tombstone is part of every later snapshot, unchanged.
    bundles.export("2026-03", tmp_path / "c.xlsx", PASS)
    again = report_rows(tmp_path / "c.xlsx")
    for rid in flood_rows:
        assert again[rid]["Đã xóa"] == 1 and again[rid]["Phiên bản"] == after[rid]["Phiên bản"]
    # Rows of figures that still exist are untouched by all this.
    total = next(rid for rid in before if "|VD.TONG|" in rid and rid.endswith("|"))
    assert after[total]["Đã xóa"] == 0
