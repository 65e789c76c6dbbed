# SPDX-License-Identifier: MIT
"""The completeness board (issue 5, item 5; bundle-format.md §10 "indefinite freeze"): for every
commune of the province in the official 2025 list, registered at the province or not, and one
period — reported or not, on time or late, the last bundle received, bundles held in quarantine and
open conflicts. Registered branches outside the official list follow at the end, so nothing the
province receives is left off.

**Reported** = a bundle of that month was imported (status committed, or accepted after
quarantine), or the commune's report rows for the month are stored (they arrived with a later
bundle). The report's date is when the first such bundle was received (an officer's later decision
on a quarantined bundle is not the commune's delay).

**Deadline** = day N of the following month, N from the setting "report" → "deadline_day"
(default 5; a day past the month's end means its last day), compared in Vietnam time: a report
received on the deadline day is on time. Unreported communes are "missing" once the deadline has
passed and "waiting" before. Qt-free.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from ...db.models import ImportedBundle, ProvinceBranch, ProvinceConflict, ProvinceRecord
from ...domain import areas
from ...reports.board import STATUS_LABELS, BoardDTO, BoardRow, write_board_workbook
from ..context import ServiceContext
from ..reports import _atomic_write, parse_period
from ..settings import read_setting
from .consolidation import VN_TZ, province_branch, today_vn

__all__ = ["STATUS_LABELS", "BoardDTO", "BoardRow", "CompletenessService", "DELIVERED", "report_deadline"]

DELIVERED = ("committed", "accepted")  # the bundle's records are in the province store
DEFAULT_DEADLINE_DAY = 5


def report_deadline(period: str, deadline_day: int) -> date:
    """Day `deadline_day` of the month after `period` (its last day when the month is shorter)."""
    first, _last = parse_period(period)
    year, month = (first.year + 1, 1) if first.month == 12 else (first.year, first.month + 1)
    day = min(max(1, deadline_day), calendar.monthrange(year, month)[1])
    return date(year, month, day)


def _deadline_day(session: Session) -> int:
    settings = read_setting(session, "report") or {}
    value: Any = settings.get("deadline_day") if isinstance(settings, Mapping) else None
    return (
        value
        if isinstance(value, int) and not isinstance(value, bool) and value >= 1
        else DEFAULT_DEADLINE_DAY
    )


def _local(moment: datetime | None) -> datetime | None:
    """Stored naive UTC → Vietnam time."""
    return moment.replace(tzinfo=UTC).astimezone(VN_TZ) if moment is not None else None


class CompletenessService:
    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    def board(self, period: str, *, today: date | None = None) -> list[BoardRow]:
        """One row per commune of the official list (then registered branches outside it) for
        the month. `today` (Vietnam time by default) decides missing vs waiting. Read-only; any
        thread."""
        return list(self.board_dto(period, today=today).rows)

    def board_dto(self, period: str, *, today: date | None = None) -> BoardDTO:
        """The board with its title data, for the workbook and the GUI. Read-only; any thread."""
        first, _last = parse_period(period)
        period = f"{first:%Y-%m}"
        as_of = today or today_vn()
        with self._ctx.sessions() as session:
            province = province_branch(session)
            deadline = report_deadline(period, _deadline_day(session))
            rows = self._rows(session, province.province_code, period, deadline, as_of)
            return BoardDTO(
                province_name=province.name,
                period=period,
                period_label=f"tháng {first.month:02d}/{first.year}",
                deadline=deadline,
                as_of=as_of,
                rows=tuple(rows),
            )

    def write_board(self, period: str, out: Path, *, today: date | None = None) -> Path:
        """Writes the board as an Excel list to `out` through a temporary file renamed over it.
        Read-only; any thread."""
        dto = self.board_dto(period, today=today)
        return _atomic_write(Path(out), lambda path: write_board_workbook(path, dto))

    # ------------------------------------------------------------ queries

    @staticmethod
    def _rows(
        session: Session, province_code: str, period: str, deadline: date, as_of: date
    ) -> list[BoardRow]:
        delivered = ImportedBundle.status.in_(DELIVERED)
        registered = {
            code: (commune, name)
            for code, commune, name in session.execute(
                select(ProvinceBranch.branch_code, ProvinceBranch.commune_code, ProvinceBranch.name)
            )
        }
        # When the month first arrived: a bundle of that month, else the bundle that brought the
        # month's report rows stored now.
        reported_at: dict[str, datetime] = {
            str(b): t
            for b, t in session.execute(
                select(ImportedBundle.branch_code, func.min(ImportedBundle.received_at))
                .where(delivered, ImportedBundle.period == period)
                .group_by(ImportedBundle.branch_code)
            )
            if t is not None
        }
        report_rows = and_(
            ProvinceRecord.sheet_key == "report",
            ProvinceRecord.period == period,
            ProvinceRecord.deleted.is_(False),
        )
        for b, t, imported in session.execute(
            select(
                ProvinceRecord.origin_branch,
                func.min(ImportedBundle.received_at),
                func.min(ProvinceRecord.imported_at),
            )
            .outerjoin(
                ImportedBundle,
                and_(
                    ImportedBundle.bundle_digest == ProvinceRecord.bundle_digest,
                    ImportedBundle.branch_code == ProvinceRecord.origin_branch,
                    delivered,
                ),
            )
            .where(report_rows)
            .group_by(ProvinceRecord.origin_branch)
        ):
            moment = t or imported
            if str(b) not in reported_at and moment is not None:
                reported_at[str(b)] = moment
        # The last bundle: the highest number (a late, older bundle does not hide it) and the
        # latest reception.
        last: dict[str, tuple[int, str]] = {}
        last_received: dict[str, datetime] = {}
        for b, seq, p, received in session.execute(
            select(
                ImportedBundle.branch_code,
                ImportedBundle.seq,
                ImportedBundle.period,
                ImportedBundle.received_at,
            ).where(delivered)
        ):
            code = str(b)
            if code not in last or seq > last[code][0]:
                last[code] = (int(seq), str(p))
            if code not in last_received or received > last_received[code]:
                last_received[code] = received
        quarantined: dict[str, int] = {
            str(b): int(n)
            for b, n in session.execute(
                select(ImportedBundle.branch_code, func.count())
                .where(ImportedBundle.status == "quarantined")
                .group_by(ImportedBundle.branch_code)
            )
        }
        conflicts: dict[str, int] = {
            str(b): int(n)
            for b, n in session.execute(
                select(ProvinceRecord.origin_branch, func.count())
                .select_from(ProvinceConflict)
                .join(
                    ProvinceRecord,
                    and_(
                        ProvinceRecord.sheet_key == ProvinceConflict.sheet_key,
                        ProvinceRecord.record_id == ProvinceConflict.record_id,
                    ),
                )
                .where(ProvinceConflict.status == "open")
                .group_by(ProvinceRecord.origin_branch)
            )
        }

        def row(commune_code: str | None, name: str, code: str | None, is_registered: bool) -> BoardRow:
            # An unregistered commune's bundles are held under the code it claims (UNKNOWN_BRANCH);
            # the usual "<province>-<commune>" code finds them.
            key = code or (f"{province_code}-{commune_code}" if commune_code else "")
            when = _local(reported_at.get(key)) if is_registered or key in reported_at else None
            if when is not None:
                late = (when.date() - deadline).days
                status = "on_time" if late <= 0 else "late"
                days_late: int | None = late if late > 0 else None
            elif not is_registered:
                status, days_late = "unregistered", None
            elif as_of > deadline:
                status, days_late = "missing", (as_of - deadline).days
            else:
                status, days_late = "waiting", None
            seq_period = last.get(key)
            return BoardRow(
                commune_code=commune_code,
                commune_name=name,
                branch_code=code,
                registered=is_registered,
                reported=when is not None,
                status=status,
                deadline=deadline,
                reported_at=when,
                days_late=days_late,
                last_seq=seq_period[0] if seq_period else None,
                last_period=seq_period[1] if seq_period else None,
                last_received_at=_local(last_received.get(key)),
                quarantined=quarantined.get(key, 0),
                open_conflicts=conflicts.get(key, 0),
            )

        by_commune: dict[str, str] = {}
        for code, (commune, _name) in sorted(registered.items()):
            if commune:
                by_commune.setdefault(commune, code)
        rows: list[BoardRow] = []
        official: set[str] = set()
        for area in areas.communes(province_code):
            official.add(area.code)
            found = by_commune.get(area.code)
            rows.append(row(area.code, area.name, found, found is not None))
        placed = {by_commune[c] for c in official if c in by_commune}
        for code, (commune, name) in sorted(registered.items()):
            if code not in placed:
                rows.append(row(commune, name, code, True))
        return rows
