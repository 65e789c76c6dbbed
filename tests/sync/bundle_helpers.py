# SPDX-License-Identifier: MIT
"""Builders for signed-bundle tests: a fixed key, fixed rows, and file surgery (zip and openpyxl)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from redcross_desktop.sync.writer import BundleWritten, ManifestFields, write_bundle

KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
OTHER_KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(1, 33)))
BRANCH = "01-00070"


def rid(n: int) -> str:
    return f"0192f7a0-0000-7000-8000-{n:012d}"


def envelope(n: int, period: str = "2026-03", deleted: int = 0) -> list[Any]:
    return [rid(n), BRANCH, 1, deleted, period, "2026-03-10T09:15:00+07:00"]


def donation(
    n: int, cash: int = 500_000, name: str = "Nguyễn Thị Hoa", void_reason: str | None = None
) -> list[Any]:
    return envelope(n) + [
        f"BN-2026-{n:06d}",
        date(2026, 3, 10),
        "person",
        rid(1000 + n),
        name,
        "TET2026",
        "cash",
        cash,
        0,
        "valid",
        void_reason,
    ]


def datasets(count: int = 5) -> dict[str, list[list[Any]]]:
    return {
        "report": [
            [
                f"{BRANCH}|2026-03|D01|",
                BRANCH,
                1,
                0,
                "2026-03",
                "2026-04-01T08:00:00+07:00",
                "D01",
                "Tiền mặt nhận được",
                "đồng",
                1_250_000,
                None,
            ],
        ],
        "donations": [donation(n, cash=100_000 * n) for n in range(1, count + 1)],
        "relief": [
            envelope(50)
            + [
                date(2026, 3, 2),
                rid(2001),
                "Trần Thị Lan",
                "F",
                "Thôn Đông",
                1950,
                None,
                "Tết Nhân ái",
                "regular",
                "poor,elderly_alone",
                "TET2026",
                500_000,
                300_000,
                1,
            ],
        ],
        "blood": [envelope(60) + [rid(3001), "M", 1990, date(2026, 3, 5), "whole", 350]],
        "members": [
            envelope(70)
            + [
                rid(4001),
                "Lê Văn Tám",
                "M",
                date(1980, 5, 1),
                1980,
                "Thôn Tây",
                "member",
                "HV-001",
                None,
                date(2020, 1, 1),
                None,
                12_000,
                "2026-03",
                90,
            ],
        ],
        "activities": [
            envelope(80)
            + ["first_aid", "Tập huấn sơ cấp cứu\nkhóa 1", date(2026, 3, 3), None, 2, 30, 0, 0, 0],
        ],
    }


def fields(seq: int = 1, **changes: Any) -> ManifestFields:
    base: dict[str, Any] = dict(
        province_code="01",
        branch_code=BRANCH,
        branch_name="Hội Chữ thập đỏ phường Hoàn Kiếm",
        period="2026-03",
        periods_included=("2026-01", "2026-02", "2026-03"),
        seq=seq,
        bundle_id="0192f7a0-aaaa-7000-8000-000000000001",
        created_at="2026-04-02T09:15:00+07:00",
        exported_by="Trần Văn Nam",
        app_version="0.1.0",
        install_id="0192f7a0-bbbb-7000-8000-000000000001",
    )
    base.update(changes)
    return ManifestFields(**base)


def make_bundle(
    path: Path,
    data: dict[str, list[list[Any]]] | None = None,
    key: Ed25519PrivateKey = KEY,
    **field_changes: Any,
) -> BundleWritten:
    return write_bundle(path, fields(**field_changes), data if data is not None else datasets(), key)


def rezip(
    src: Path,
    dst: Path,
    change: Callable[[str, bytes], bytes | None] | None = None,
    extra: dict[str, bytes] | None = None,
) -> Path:
    """Copies the zip, passing each entry through `change` (None drops it) and adding `extra`."""
    out = io.BytesIO()
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if change is not None:
                changed = change(info.filename, data)
                if changed is None:
                    continue
                data = changed
            zout.writestr(info.filename, data)
        for name, data in (extra or {}).items():
            zout.writestr(name, data)
    dst.write_bytes(out.getvalue())
    return dst


def sheet_part(path: Path, title: str) -> str:
    """The zip part name of a sheet, by title (for byte-level surgery)."""
    import re

    with zipfile.ZipFile(path) as zf:
        workbook = zf.read("xl/workbook.xml").decode()
        rels = zf.read("xl/_rels/workbook.xml.rels").decode()
    rel_id = re.search(
        rf'<sheet name="{re.escape(title)}" sheetId="\d+"(?: state="\w+")? r:id="(rId\d+)"', workbook
    )
    assert rel_id, title
    target = re.search(rf'Id="{rel_id.group(1)}" Type="[^"]+" Target="([^"]+)"', rels)
    assert target
    return "xl/" + target.group(1)
