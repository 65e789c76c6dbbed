# SPDX-License-Identifier: MIT
"""The completeness board ("Bảng theo dõi nộp báo cáo", issue 5 item 5): frozen DTOs built by
`services/province/completeness.py` and the Excel list written from them — one row per commune
of the official list, whether registered, whether and when its month arrived against the deadline,
its last bundle and what waits for a decision. A4 landscape fitted to the width, header repeated,
autofilter on the table so the officer can list the late or missing communes. Qt-free.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter

from ..core.vn import format_date
from .layout import BOX, COUNT_FORMAT, font, page_setup, put

SHEET_BOARD = "Theo dõi nộp báo cáo"

# Stable status codes (scripts and the GUI match on them) and their Vietnamese labels.
STATUS_LABELS = {
    "on_time": "Đúng hạn",
    "late": "Muộn",
    "missing": "Quá hạn, chưa nộp",
    "waiting": "Chưa nộp (chưa đến hạn)",
    "unregistered": "Chưa đăng ký",
}


@dataclass(frozen=True)
class BoardRow:
    """One commune for one period. Times are Vietnam local time. `days_late` counts days after
    the deadline (for a late report, or for a missing one as of the board's day)."""

    commune_code: str | None  # None: a registered branch outside the official list
    commune_name: str
    branch_code: str | None  # None: not registered at the province
    registered: bool
    reported: bool
    status: str  # on_time | late | missing | waiting | unregistered
    deadline: date
    reported_at: datetime | None
    days_late: int | None
    last_seq: int | None
    last_period: str | None
    last_received_at: datetime | None
    quarantined: int
    open_conflicts: int

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def on_time(self) -> bool:
        return self.status == "on_time"

    def as_dict(self) -> dict[str, Any]:
        return {
            "commune_code": self.commune_code,
            "commune_name": self.commune_name,
            "branch_code": self.branch_code,
            "registered": self.registered,
            "reported": self.reported,
            "status": self.status,
            "status_label": self.status_label,
            "deadline": self.deadline.isoformat(),
            "reported_at": self.reported_at.isoformat() if self.reported_at else None,
            "days_late": self.days_late,
            "last_seq": self.last_seq,
            "last_period": self.last_period,
            "last_received_at": self.last_received_at.isoformat() if self.last_received_at else None,
            "quarantined": self.quarantined,
            "open_conflicts": self.open_conflicts,
        }


@dataclass(frozen=True)
class BoardDTO:
    province_name: str
    period: str
    period_label: str  # "tháng 03/2026"
    deadline: date
    as_of: date
    rows: tuple[BoardRow, ...]

    def summary(self) -> str:
        counts = Counter(r.status for r in self.rows)
        registered = sum(1 for r in self.rows if r.registered)
        reported = counts["on_time"] + counts["late"]
        return (
            f"Đã nộp {reported}/{registered} đơn vị đã đăng ký (đúng hạn {counts['on_time']}, muộn "
            f"{counts['late']}); quá hạn chưa nộp {counts['missing']}; chưa đến hạn {counts['waiting']}; "
            f"chưa đăng ký {counts['unregistered']}/{len(self.rows)} xã, phường."
        )


COLUMNS: tuple[tuple[str, float], ...] = (
    ("STT", 5),
    ("Mã xã", 8),
    ("Tên xã, phường", 24),
    ("Mã đơn vị", 12),
    ("Tình trạng", 18),
    ("Ngày nộp", 16),
    ("Số ngày muộn", 9),
    ("Gói cuối (số)", 9),
    ("Kỳ của gói cuối", 10),
    ("Nhận gói gần nhất", 16),
    ("Gói tạm giữ", 9),
    ("Xung đột chưa xử lý", 10),
)


def _when(moment: datetime | None) -> str:
    return f"{format_date(moment.date())} {moment:%H:%M}" if moment else ""


def _period_text(period: str | None) -> str:
    return f"{period[5:]}/{period[:4]}" if period else ""


def build_board_workbook(dto: BoardDTO) -> Workbook:
    workbook = Workbook()
    ws = workbook.active
    assert ws is not None
    ws.title = SHEET_BOARD
    last = len(COLUMNS)
    for col, (_title, width) in enumerate(COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    put(ws, 1, 1, last, dto.province_name.upper(), size=12, bold=True)
    put(ws, 2, 1, last, f"BẢNG THEO DÕI NỘP BÁO CÁO {dto.period_label.upper()}", size=14, bold=True)
    put(
        ws,
        3,
        1,
        last,
        f"Hạn nộp: {format_date(dto.deadline)}. Tình hình đến ngày {format_date(dto.as_of)}.",
        size=12,
        italic=True,
    )
    put(ws, 4, 1, last, dto.summary(), size=12, italic=True)
    header = 6
    for col, (title, _width) in enumerate(COLUMNS, start=1):
        put(ws, header, col, col, title, size=11, bold=True, border=True)
    row = header + 1
    for index, r in enumerate(dto.rows, start=1):
        texts: list[Any] = [
            index,
            r.commune_code or "",
            r.commune_name,
            r.branch_code or "",
            r.status_label,
            _when(r.reported_at),
            r.days_late,
            r.last_seq,
            _period_text(r.last_period),
            _when(r.last_received_at),
            r.quarantined or None,
            r.open_conflicts or None,
        ]
        for col, value in enumerate(texts, start=1):
            cell = ws.cell(row=row, column=col, value=value)
            cell.font = font(11, bold=col == 5 and r.status in ("missing", "late"))
            numeric = isinstance(value, int)
            cell.alignment = Alignment(
                horizontal="right" if numeric else ("left" if col in (3, 5) else "center"),
                vertical="center",
                wrap_text=not numeric,
            )
            if numeric:
                cell.number_format = COUNT_FORMAT
            cell.border = BOX
        row += 1
    ws.freeze_panes = ws.cell(row=header + 1, column=4)
    if dto.rows:
        ws.auto_filter.ref = f"A{header}:{get_column_letter(last)}{row - 1}"
    page_setup(ws, last_col=last, last_row=row - 1, title_rows=(header, header))
    ws.page_setup.orientation = "landscape"
    workbook.properties.title = f"Bảng theo dõi nộp báo cáo {dto.period_label}"
    workbook.properties.creator = dto.province_name
    return workbook


def write_board_workbook(path: Path, dto: BoardDTO) -> Path:
    """Writes the board to `path` (the caller makes it atomic) and returns the path."""
    build_board_workbook(dto).save(path)
    return path
