# SPDX-License-Identifier: MIT
"""All services of one open store, built once by `bootstrap` and handed to the GUI or the CLI. Qt-free."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from ..db.engine import session_factory
from .branch import BranchRow, BranchService
from .context import ServiceContext
from .people import PeopleService
from .settings import SettingsService


@dataclass
class Services:
    engine: Engine
    branch: BranchRow
    ctx: ServiceContext
    branches: BranchService
    settings: SettingsService
    people: PeopleService

    @classmethod
    def build(cls, engine: Engine, branch: BranchRow, *, actor: str) -> Services:
        sessions = session_factory(engine, branch_code=branch.branch_code, actor=actor)
        ctx = ServiceContext(sessions, branch.branch_code, actor)
        return cls(
            engine=engine,
            branch=branch,
            ctx=ctx,
            branches=BranchService(sessions),
            settings=SettingsService(ctx),
            people=PeopleService(ctx),
        )

    def close(self) -> None:
        self.engine.dispose()
