# SPDX-License-Identifier: MIT
"""All services of one open store, built once by `bootstrap` and handed to the GUI or the CLI.

The services whose modules pull in the heavy libraries (reportlab and segno for certificates,
openpyxl for workbooks, the bundle writer) are built on first use: opening the store — and so the
GUI's first list — does not wait for libraries the officer may not need in this session. Qt-free."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from sqlalchemy import Engine

from ..db.engine import session_factory
from .activities import ActivityService
from .audit import AuditService
from .blood import BloodService
from .branch import BranchRow, BranchService
from .campaigns import CampaignService
from .context import ServiceContext
from .distributions import DistributionService
from .donations import DonationService
from .households import HouseholdService
from .keys import KeyService
from .members import MembershipService
from .people import PeopleService
from .relief import ReliefService
from .settings import SettingsService
from .stock import StockService

if TYPE_CHECKING:
    from .bundles import BundleService
    from .certificates import CertificateService
    from .records_import import RecordsImportService
    from .reports import ReportService


@dataclass
class Services:
    engine: Engine
    branch: BranchRow
    ctx: ServiceContext
    branches: BranchService
    settings: SettingsService
    people: PeopleService
    households: HouseholdService
    campaigns: CampaignService
    donations: DonationService
    stock: StockService
    relief: ReliefService
    distributions: DistributionService
    blood: BloodService
    members: MembershipService
    activities: ActivityService
    audit: AuditService
    keys: KeyService

    @cached_property
    def records(self) -> RecordsImportService:
        from .records_import import RecordsImportService

        return RecordsImportService(self.ctx)

    @cached_property
    def reports(self) -> ReportService:
        from .reports import ReportService

        return ReportService(self.ctx)

    @cached_property
    def certificates(self) -> CertificateService:
        from .certificates import CertificateService

        return CertificateService(self.ctx)

    @cached_property
    def bundles(self) -> BundleService:
        from .bundles import BundleService

        return BundleService(self.ctx)

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
            households=HouseholdService(ctx),
            campaigns=CampaignService(ctx),
            donations=DonationService(ctx),
            stock=StockService(ctx),
            relief=ReliefService(ctx),
            distributions=DistributionService(ctx),
            blood=BloodService(ctx),
            members=MembershipService(ctx),
            activities=ActivityService(ctx),
            audit=AuditService(ctx),
            keys=KeyService(ctx),
        )

    def close(self) -> None:
        self.engine.dispose()
