# SPDX-License-Identifier: MIT
"""ReportService: hand-entered figures (versioned, audited, refused when computed), annual plans,
closing a month (every service then refuses edits dated in it: PERIOD_LOCKED) and reopening it with
a reason, both audited; a closed month keeps its catalogue version."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import select

from redcross_desktop.core.errors import PeriodLockedError, ValidationError
from redcross_desktop.db.models import AuditEntry, PeriodLock, ReportPeriod, ReportValue
from redcross_desktop.services.container import Services
from redcross_desktop.services.donations import DonationInput, DonationService
from redcross_desktop.services.reports import IndicatorValue, ReportService


@pytest.fixture
def reports(services: Services) -> ReportService:
    return ReportService(services.ctx)


def audit(services: Services, table: str) -> list[AuditEntry]:
    with services.ctx.sessions() as s:
        return list(
            s.scalars(select(AuditEntry).where(AuditEntry.table_name == table).order_by(AuditEntry.id))
        )


def test_manual_value_is_stored_per_period_versioned_and_audited(
    services: Services, reports: ReportService
) -> None:
    saved = reports.set_manual("2026-03", "TC.HP.NOP", 1500)
    assert saved == IndicatorValue("TC.HP.NOP", "Hội phí nộp cấp trên", "đồng", 1500)
    reports.set_manual("2026-03", "TC.HP.NOP", 1800)
    reports.set_manual("2026-03", "TC.HP.NOP", 1800)  # unchanged: no new version, no audit row
    with services.ctx.sessions() as s:
        row = s.scalars(select(ReportValue).where(ReportValue.code == "TC.HP.NOP")).one()
        assert (row.period, row.value, row.version, row.origin_branch) == ("2026-03", 1800, 2, "01-00070")
    rows = audit(services, "report_values")
    assert [r.action for r in rows] == ["create", "update"]
    assert json.loads(rows[1].before or "{}") == {"value": 1500} and rows[1].actor == "test-officer"
    assert reports.manual_values("2026-03") == {"TC.HP.NOP": 1800}
    line = reports.report("2026-03").line("TC.HP.NOP")
    assert line is not None and (line.month, line.ytd, line.manual) == (1800, 1800, True)


def test_computed_indicators_cannot_be_entered_by_hand(reports: ReportService) -> None:
    for code, value in (("VD.TIEN", 5), ("NO.SUCH", 1), ("TC.HP.NOP", -1), ("TC.HP.NOP", True)):
        with pytest.raises(ValidationError) as caught:
            reports.set_manual("2026-03", code, value)  # type: ignore[arg-type]
        assert caught.value.code == "VALIDATION_FAILED"
    with pytest.raises(ValidationError) as caught:
        reports.set_manual("2026-03", "VD.TIEN", 5)
    assert caught.value.fields == {"code": "Chỉ tiêu tính tự động."}


def test_narrative_sections(reports: ReportService) -> None:
    reports.set_narrative("2026-03", "ND.PHUONG_HUONG", "  Tổ chức  hiến máu đợt 2. ")
    texts = {n.code: n.text for n in reports.report("2026-03").narrative}
    assert texts == {
        "ND.DANH_GIA": "",
        "ND.TON_TAI": "",
        "ND.PHUONG_HUONG": "Tổ chức hiến máu đợt 2.",
        "ND.KIEN_NGHI": "",
    }
    assert reports.report("2026-04").narrative[2].text == ""
    assert all(v.code != "ND.PHUONG_HUONG" for v in reports.indicators("2026-03"))
    with pytest.raises(ValidationError):
        reports.set_narrative("2026-03", "ND.NOPE", "x")


def test_plans_are_a_setting(services: Services, reports: ReportService) -> None:
    reports.set_plan(2026, "HM.DON_VI", 300)
    reports.set_plan(2026, "VD.TONG", 50_000_000)
    reports.set_plan(2027, "HM.DON_VI", 320)
    assert reports.plans(2026) == {"HM.DON_VI": 300, "VD.TONG": 50_000_000}
    assert services.settings.get("plans") == {
        "2026": {"HM.DON_VI": 300, "VD.TONG": 50_000_000},
        "2027": {"HM.DON_VI": 320},
    }
    line = reports.report("2026-05").line("HM.DON_VI")
    assert line is not None and (line.plan, line.plan_pct) == (300, 0.0)
    with pytest.raises(ValidationError):
        reports.set_plan(2026, "HM.ML", 10)  # no annual target for this indicator


def test_close_period_locks_every_service_and_is_audited(services: Services, reports: ReportService) -> None:
    donations = DonationService(services.ctx)
    donation = donations.record(DonationInput(received_on=date(2026, 3, 10), cash_vnd=100_000))
    status = reports.close_period("2026-03", "Số liệu đã rà soát")
    assert (status.period, status.closed, status.closed_by, status.catalogue_version) == (
        "2026-03",
        True,
        "test-officer",
        "2026.1",
    )
    with pytest.raises(PeriodLockedError) as caught:
        donations.record(DonationInput(received_on=date(2026, 3, 11), cash_vnd=50_000))
    assert caught.value.code == "PERIOD_LOCKED" and "03/2026" in caught.value.message
    with pytest.raises(PeriodLockedError):
        donations.void(donation.id, "Ghi sai")
    with pytest.raises(PeriodLockedError):
        reports.set_manual("2026-03", "TC.HP.NOP", 1000)
    with pytest.raises(PeriodLockedError):
        reports.set_narrative("2026-03", "ND.DANH_GIA", "x")
    reports.set_manual("2026-04", "TC.HP.NOP", 1000)  # the next month stays open
    donations.record(DonationInput(received_on=date(2026, 4, 1), cash_vnd=50_000))
    report = reports.report("2026-03")
    assert report.closed and report.closed_by == "test-officer"
    assert report.line("VD.TIEN").month == 100_000  # type: ignore[union-attr]
    rows = audit(services, "period_locks")
    assert [(r.action, r.record_uuid, r.reason, r.actor) for r in rows] == [
        ("close", "period:2026-03", "Số liệu đã rà soát", "test-officer")
    ]
    assert json.loads(rows[0].after or "{}") == {"period": "2026-03", "catalogue_version": "2026.1"}
    with pytest.raises(ValidationError):  # already closed
        reports.close_period("2026-03")
    with pytest.raises(ValidationError):  # a month that has not begun
        reports.close_period("2099-01")


def test_reopen_needs_a_reason_and_is_audited(services: Services, reports: ReportService) -> None:
    reports.close_period("2026-02")
    with pytest.raises(ValidationError) as caught:
        reports.reopen_period("2026-02", "   ")
    assert caught.value.code == "VALIDATION_FAILED" and "reason" in caught.value.fields
    assert reports.period_status("2026-02").closed
    status = reports.reopen_period("2026-02", "Bổ sung biên nhận bị sót")
    assert not status.closed and not reports.period_status("2026-02").closed
    with services.ctx.sessions() as s:
        assert s.get(PeriodLock, "2026-02") is None
        recorded = s.get(ReportPeriod, "2026-02")
        assert recorded is not None and recorded.catalogue_version == "2026.1"
    DonationService(services.ctx).record(DonationInput(received_on=date(2026, 2, 3), cash_vnd=20_000))
    reports.set_manual("2026-02", "TC.HP.NOP", 700)
    rows = audit(services, "period_locks")
    assert [(r.action, r.reason) for r in rows] == [("close", ""), ("reopen", "Bổ sung biên nhận bị sót")]
    assert json.loads(rows[1].before or "{}")["locked_by"] == "test-officer"
    with pytest.raises(ValidationError):  # not closed any more
        reports.reopen_period("2026-02", "lý do")


def test_a_closed_month_keeps_its_catalogue_version(services: Services, reports: ReportService) -> None:
    reports.close_period("2026-01")
    with services.ctx.sessions.begin() as s:  # as if it had been closed under an older version
        recorded = s.get(ReportPeriod, "2026-01")
        assert recorded is not None
        recorded.catalogue_version = "2025.9"
    from redcross_desktop.core.errors import CatalogueInvalidError

    with pytest.raises(CatalogueInvalidError) as caught:  # that file is not installed here
        reports.report("2026-01")
    assert "2025.9" in caught.value.message
    assert reports.report("2026-02").catalogue_version == "2026.1"
