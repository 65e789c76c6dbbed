# SPDX-License-Identifier: MIT
"""Domain settings stored in the branch's database (dues, blood intervals, honour ladder…). Qt-free."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from ..core.errors import ValidationError
from ..core.i18n import _
from ..core.resources import resource
from ..core.vn import normalize_text
from ..db.models import Setting
from .context import ServiceContext


def default_settings() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(resource("defaults", "settings.json").read_text(encoding="utf-8"))
    data.pop("_comment", None)
    return data


def read_setting(session: Session, key: str) -> Any:
    row = session.get(Setting, key)
    if row is None:
        return default_settings().get(key)
    return json.loads(row.value)


def write_setting(session: Session, key: str, value: Any) -> None:
    row = session.get(Setting, key)
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    if row is None:
        session.add(Setting(key=key, value=text))
    else:
        row.value = text


@dataclass(frozen=True)
class HonourLevel:
    count: int
    award: str
    body: str
    rule: str


class SettingsService:
    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    def get(self, key: str) -> Any:
        """Read-only; any thread."""
        with self._ctx.sessions() as session:
            return read_setting(session, key)

    def set(self, key: str, value: Any) -> None:
        """One transaction; the writer thread."""
        with self._ctx.sessions.begin() as session:
            write_setting(session, key, value)

    def set_many(self, values: Mapping[str, Any]) -> None:
        """Several settings saved together (one form), all or none. One transaction; the writer thread."""
        with self._ctx.sessions.begin() as session:
            for key, value in values.items():
                write_setting(session, key, value)

    def set_honour_ladder(self, levels: Sequence[HonourLevel]) -> list[HonourLevel]:
        """Replaces the blood donors' honour ladder, sorted by count. A level kept unchanged keeps its
        "verify with the province" mark. One transaction; the writer thread."""
        problems: dict[str, str] = {}
        seen: set[int] = set()
        for n, level in enumerate(levels, start=1):
            if level.count < 1:
                problems[f"count.{n}"] = _("Dòng {n}: số lần hiến phải là số nguyên dương.").format(n=n)
            elif level.count in seen:
                problems[f"count.{n}"] = _("Dòng {n}: đã có bậc {count} lần; mỗi số lần chỉ một bậc.").format(
                    n=n, count=level.count
                )
            seen.add(level.count)
            if not normalize_text(level.award):
                problems[f"award.{n}"] = _("Dòng {n}: hãy ghi hình thức tôn vinh.").format(n=n)
        if problems:
            raise ValidationError(" ".join(problems.values()), fields=problems)
        with self._ctx.sessions.begin() as session:
            stored = {
                (int(x["count"]), str(x["award"])): bool(x.get("verify_with_province"))
                for x in read_setting(session, "honour_ladder") or []
            }
            cleaned = sorted(
                (
                    HonourLevel(
                        level.count,
                        normalize_text(level.award),
                        normalize_text(level.body),
                        normalize_text(level.rule),
                    )
                    for level in levels
                ),
                key=lambda level: level.count,
            )
            value = []
            for level in cleaned:
                entry: dict[str, Any] = {
                    "count": level.count,
                    "award": level.award,
                    "body": level.body,
                    "rule": level.rule,
                }
                if stored.get((level.count, level.award)):
                    entry["verify_with_province"] = True
                value.append(entry)
            write_setting(session, "honour_ladder", value)
        return cleaned

    def honour_ladder(self) -> list[HonourLevel]:
        levels = [
            HonourLevel(int(x["count"]), str(x["award"]), str(x.get("body", "")), str(x.get("rule", "")))
            for x in self.get("honour_ladder") or []
        ]
        return sorted(levels, key=lambda level: level.count)
