# SPDX-License-Identifier: MIT
"""Domain settings stored in the branch's database (dues, blood intervals, honour ladder…). Qt-free."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from ..core.resources import resource
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

    def honour_ladder(self) -> list[HonourLevel]:
        levels = [
            HonourLevel(int(x["count"]), str(x["award"]), str(x.get("body", "")), str(x.get("rule", "")))
            for x in self.get("honour_ladder") or []
        ]
        return sorted(levels, key=lambda level: level.count)
