# SPDX-License-Identifier: MIT
"""What the renderer prints, as plain frozen data: the services build these from the records, the
renderer never touches the database. Money is whole đồng; amounts in words come ready-made (the
branch's Northern/Southern setting is applied by the service). Qt-free."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class BranchHeader:
    """The issuing branch as it appears on paper (Decree 30 header and signature block)."""

    branch_code: str
    name: str  # "Hội Chữ thập đỏ phường Hoàn Kiếm"
    parent_line: str  # "HỘI CTĐ THÀNH PHỐ HÀ NỘI"
    place_name: str  # for the date line: "Hoàn Kiếm, ngày …"
    chair_name: str
    chair_title: str = "Chủ tịch"
    officer_name: str = ""
    officer_title: str = ""
    commune_kind: str = "xã"  # xã | phường | đặc khu: "ĐẠI DIỆN UBND PHƯỜNG"

    def values(self) -> dict[str, str]:
        return {
            "branch_code": self.branch_code,
            "branch_name": self.name,
            "branch_name_upper": self.name.upper(),
            "parent_line": self.parent_line,
            "place_name": self.place_name,
            "chair_name": self.chair_name,
            "chair_title": self.chair_title,
            "chair_title_upper": self.chair_title.upper(),
            "officer_name": self.officer_name,
            "officer_title": self.officer_title,
            "commune_kind": self.commune_kind,
            "commune_kind_upper": self.commune_kind.upper(),
        }


@dataclass(frozen=True)
class CertificateDTO:
    """One certificate page. `values` holds the kind's placeholders (amount, amount_words,
    campaign_phrase, count, hours…). A preview has no serial, code or QR."""

    branch: BranchHeader
    recipient_name: str
    recipient_title: str  # "Ông", "Bà", "Ông/Bà", "Đơn vị"
    issued_on: date
    values: Mapping[str, str] = field(default_factory=dict)
    recipient_address: str = ""
    serial: str = ""
    short_code: str = ""
    qr_text: str = ""
    copy: bool = False  # a reprint: "BẢN SAO"
    preview: bool = False  # "BẢN XEM TRƯỚC", no number consumed


@dataclass(frozen=True)
class ReceiptLineDTO:
    item: str
    unit: str
    quantity: int
    unit_value_vnd: int
    value_vnd: int


@dataclass(frozen=True)
class ReceiptDTO:
    branch: BranchHeader
    receipt_code: str  # BN-2026-000123
    received_on: date
    donor_name: str  # the person, the label, or "Nhà hảo tâm (giấu tên)"
    donor_title: str  # "Ông/Bà", "Đơn vị" or "" for an anonymous gift
    cash_vnd: int
    cash_words: str
    in_kind_vnd: int
    in_kind_words: str
    lines: tuple[ReceiptLineDTO, ...] = ()
    donor_address: str = ""
    campaign_name: str = ""
    channel_label: str = ""
    designation: str = ""
    collector: str = ""
    anonymous: bool = False
    copy: bool = False  # "BẢN SAO"
    void: bool = False  # "ĐÃ HỦY" (printed only for the records)


@dataclass(frozen=True)
class SheetLineDTO:
    no: int
    name: str
    thon: str
    group_code: str
    group_label: str
    support: str  # "500.000 đ; Gạo 10 kg"
    note: str = ""
    id_masked: str = ""  # "001******789", only when the template shows the column


@dataclass(frozen=True)
class DistributionSheetDTO:
    branch: BranchHeader
    title: str
    programme: str
    planned_on: date
    lines: tuple[SheetLineDTO, ...]
    total_cash_vnd: int
    goods_totals: tuple[tuple[str, str, int], ...] = ()  # (item, unit, quantity)
