# SPDX-License-Identifier: MIT
"""All services of one open store, built once by `bootstrap` and handed to the GUI or the CLI. Qt-free."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from ..db.engine import session_factory
from .activities import ActivityService
from .audit import AuditService
from .blood import BloodService
from .branch import BranchRow, BranchService
from .bundles import BundleService
from .campaigns import CampaignService
from .certificates import CertificateService
from .context import ServiceContext
from .distributions import DistributionService
from .donations import DonationService
from .households import HouseholdService
from .keys import KeyService
from .members import MembershipService
from .people import PeopleService
from .records_import import RecordsImportService
from .relief import ReliefService
from .reports import ReportService
from .settings import SettingsService
from .stock import StockService


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
    records: RecordsImportService
    reports: ReportService
    certificates: CertificateService
    bundles: BundleService

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
            records=RecordsImportService(ctx),
            reports=ReportService(ctx),
            certificates=CertificateService(ctx),
            bundles=BundleService(ctx),
        )

    def close(self) -> None:
        self.engine.dispose()
