# SPDX-License-Identifier: MIT
"""Campaigns: unique codes, Decree 93 scope by kind, tombstones only when unused."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import select

from redcross_desktop.core.errors import DuplicateError, NotFoundError, ValidationError
from redcross_desktop.db.models import Activity, AuditEntry, ReliefRecord
from redcross_desktop.services.campaigns import CampaignInput, CampaignService
from redcross_desktop.services.container import Services
from redcross_desktop.services.donations import DonationInput, DonationService

TET = CampaignInput(
    code="TET2026", name="Tết Nhân ái 2026", kind="tet", start_date=date(2026, 1, 5), min_gift_vnd=500_000
)
FLOOD = CampaignInput(
    code="LU2026", name="Ủng hộ đồng bào lũ lụt", kind="disaster", start_date=date(2026, 9, 1)
)


@pytest.fixture
def campaigns(services: Services) -> CampaignService:
    return CampaignService(services.ctx)


def test_create_and_get(campaigns: CampaignService) -> None:
    row = campaigns.create(TET)
    again = campaigns.get(row.id)
    assert (again.code, again.name, again.kind, again.min_gift_vnd) == (
        "TET2026",
        "Tết Nhân ái 2026",
        "tet",
        500_000,
    )
    assert again.decree93 is False and again.version == 1 and row.warnings == ()


def test_decree93_defaults_from_the_kind_and_can_be_overridden(campaigns: CampaignService) -> None:
    assert campaigns.create(FLOOD).decree93 is True
    patient = CampaignInput(
        code="BN1", name="Bệnh nhân A", kind="critical_patient", start_date=date(2026, 2, 1)
    )
    assert campaigns.create(patient).decree93 is True
    told = CampaignInput(code="LU2", name="Lũ", kind="disaster", start_date=date(2026, 2, 1), decree93=False)
    assert campaigns.create(told).decree93 is False


def test_code_is_unique_case_insensitively(campaigns: CampaignService) -> None:
    campaigns.create(TET)
    with pytest.raises(DuplicateError) as err:
        campaigns.create(CampaignInput(code="tet2026", name="Khác", start_date=date(2026, 1, 1)))
    assert err.value.code == "DUPLICATE" and "TET2026" in err.value.message


def test_update_to_another_campaigns_code_is_refused(campaigns: CampaignService) -> None:
    campaigns.create(TET)
    flood = campaigns.create(FLOOD)
    with pytest.raises(DuplicateError):
        campaigns.update(
            flood.id, CampaignInput(code="TET2026", name="Lũ", kind="disaster", start_date=date(2026, 9, 1))
        )


def test_invalid_input_names_every_field(campaigns: CampaignService) -> None:
    with pytest.raises(ValidationError) as err:
        campaigns.create(
            CampaignInput(
                code=" ",
                name="",
                kind="party",
                start_date=date(2026, 5, 1),
                end_date=date(2026, 4, 1),
                target_vnd=-1,
            )
        )
    assert err.value.code == "VALIDATION_FAILED"
    assert set(err.value.fields) == {"code", "name", "kind", "end_date", "target_vnd"}
    with pytest.raises(ValidationError) as err:
        campaigns.create(CampaignInput(code="X", name="X"))
    assert set(err.value.fields) == {"start_date"}


def test_update_bumps_version_and_is_audited(services: Services, campaigns: CampaignService) -> None:
    row = campaigns.create(TET)
    updated = campaigns.update(row.id, CampaignInput(**{**TET.__dict__, "target_vnd": 100_000_000}))
    assert updated.version == row.version + 1 and updated.target_vnd == 100_000_000
    with services.ctx.sessions() as s:
        audit = s.scalars(
            select(AuditEntry).where(AuditEntry.record_uuid == row.uuid, AuditEntry.action == "update")
        ).one()
    assert json.loads(audit.after or "{}") == {"target_vnd": 100_000_000}
    assert json.loads(audit.before or "{}") == {"target_vnd": 0}


def test_saving_a_decree93_campaign_beyond_90_days_warns(campaigns: CampaignService) -> None:
    row = campaigns.create(CampaignInput(**{**FLOOD.__dict__, "end_date": date(2026, 12, 31)}))
    assert len(row.warnings) == 1 and "90 ngày" in row.warnings[0]
    assert campaigns.warnings(row.id, date(2026, 12, 1), receiving=True)  # 30/11 is the last day
    assert campaigns.warnings(row.id, date(2026, 11, 30), receiving=True) == []


def test_unused_campaign_is_tombstoned(services: Services, campaigns: CampaignService) -> None:
    row = campaigns.create(TET)
    campaigns.delete(row.id)
    with pytest.raises(NotFoundError):
        campaigns.get(row.id)
    assert campaigns.list() == []
    listed = campaigns.list(include_deleted=True)
    assert [r.id for r in listed] == [row.id] and listed[0].deleted is True
    with services.ctx.sessions() as s:
        actions = s.scalars(select(AuditEntry.action).where(AuditEntry.record_uuid == row.uuid)).all()
    assert list(actions) == ["create", "delete"]
    # a tombstoned campaign keeps its code
    with pytest.raises(DuplicateError):
        campaigns.create(TET)


def test_campaign_with_a_donation_cannot_be_deleted(services: Services, campaigns: CampaignService) -> None:
    row = campaigns.create(TET)
    DonationService(services.ctx).record(
        DonationInput(received_on=date(2026, 1, 10), campaign_id=row.id, cash_vnd=500_000)
    )
    with pytest.raises(ValidationError) as err:
        campaigns.delete(row.id)
    assert err.value.code == "VALIDATION_FAILED"
    assert campaigns.get(row.id).deleted is False


@pytest.mark.parametrize("kind", ["relief", "activity"])
def test_campaign_with_relief_or_activity_cannot_be_deleted(
    services: Services, campaigns: CampaignService, kind: str
) -> None:
    row = campaigns.create(TET)
    with services.ctx.sessions.begin() as s:
        if kind == "relief":
            s.add(ReliefRecord(given_on=date(2026, 1, 20), kind="regular", campaign_id=row.id))
        else:
            s.add(
                Activity(type="health", title="Khám bệnh", start_date=date(2026, 1, 20), campaign_id=row.id)
            )
    with pytest.raises(ValidationError):
        campaigns.delete(row.id)
    assert campaigns.get(row.id).deleted is False


def test_list_is_newest_first(campaigns: CampaignService) -> None:
    campaigns.create(TET)
    campaigns.create(FLOOD)
    assert [r.code for r in campaigns.list()] == ["LU2026", "TET2026"]
