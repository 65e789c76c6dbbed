# SPDX-License-Identifier: MIT
"""Campaigns (đợt vận động, domain.md §2.3): create, correct, tombstone, list.

Decree 93 limits are warnings, never blocks (§8): saving a campaign returns them with the row,
and `warnings` answers them for a receiving or distribution date. Qt-free.
"""

from __future__ import annotations

import builtins
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..core.errors import DuplicateError, NotFoundError, ValidationError
from ..core.i18n import _
from ..core.vn import collation_key, normalize_text
from ..db.models import Activity, Campaign, DisclosurePosting, DistributionList, Donation, ReliefRecord
from ..domain.campaign_rules import decree93_plan_warnings, decree93_warnings
from ..domain.codes import CAMPAIGN_KINDS, DECREE93_KINDS
from .context import ServiceContext


@dataclass(frozen=True)
class CampaignInput:
    code: str
    name: str
    kind: str = "regular"
    start_date: date | None = None
    end_date: date | None = None
    restricted: bool = False
    purpose: str = ""
    target_vnd: int = 0
    min_gift_vnd: int = 0
    documents: str = ""  # references to the calling documents (số, ngày văn bản phát động)
    decree93: bool | None = None  # None: in scope when the kind is one Decree 93 covers


@dataclass(frozen=True)
class CampaignRow:
    id: int
    uuid: str
    code: str
    name: str
    kind: str
    start_date: date
    end_date: date | None
    restricted: bool
    purpose: str
    target_vnd: int
    min_gift_vnd: int
    documents: str
    decree93: bool
    deleted: bool
    version: int
    warnings: tuple[str, ...] = field(default=())  # filled on save only

    @classmethod
    def from_model(cls, c: Campaign, warnings: tuple[str, ...] = ()) -> CampaignRow:
        return cls(
            c.id,
            c.uuid,
            c.code,
            c.name,
            c.kind,
            c.start_date,
            c.end_date,
            c.restricted,
            c.purpose,
            c.target_vnd,
            c.min_gift_vnd,
            c.documents,
            c.decree93,
            c.deleted,
            c.version,
            warnings,
        )


def _apply(campaign: Campaign, data: CampaignInput) -> None:
    errors: dict[str, str] = {}
    code = normalize_text(data.code)
    name = normalize_text(data.name)
    if not code:
        errors["code"] = _("Hãy nhập mã đợt vận động (ví dụ: TET2026).")
    elif len(code) > 30:
        errors["code"] = _("Mã đợt vận động dài tối đa 30 ký tự.")
    if not name:
        errors["name"] = _("Hãy nhập tên đợt vận động.")
    if data.kind not in CAMPAIGN_KINDS:
        errors["kind"] = _("Loại đợt vận động không hợp lệ; hãy chọn trong danh sách.")
    if data.start_date is None:
        errors["start_date"] = _("Hãy nhập ngày bắt đầu.")
    elif data.end_date is not None and data.end_date < data.start_date:
        errors["end_date"] = _("Ngày kết thúc phải sau ngày bắt đầu.")
    if data.target_vnd < 0:
        errors["target_vnd"] = _("Chỉ tiêu không được âm.")
    if data.min_gift_vnd < 0:
        errors["min_gift_vnd"] = _("Mức quà tối thiểu không được âm.")
    if errors:
        raise ValidationError(
            _("Thông tin đợt vận động chưa hợp lệ: {details}").format(details="; ".join(errors.values())),
            fields=errors,
        )
    assert data.start_date is not None
    campaign.code, campaign.name, campaign.kind = code, name, data.kind
    campaign.start_date, campaign.end_date = data.start_date, data.end_date
    campaign.restricted, campaign.purpose = data.restricted, normalize_text(data.purpose)
    campaign.target_vnd, campaign.min_gift_vnd = data.target_vnd, data.min_gift_vnd
    campaign.documents = normalize_text(data.documents)
    campaign.decree93 = data.kind in DECREE93_KINDS if data.decree93 is None else data.decree93


def _ensure_code_free(session: Session, campaign: Campaign) -> None:
    # Tombstoned campaigns keep their code: it travels in bundles and the column is unique.
    with session.no_autoflush:  # the edited row must not reach the unique index before the check
        other = session.scalar(
            select(Campaign).where(
                func.lower(Campaign.code) == campaign.code.lower(), Campaign.id != (campaign.id or -1)
            )
        )
    if other is not None:
        raise DuplicateError(
            _('Mã đợt vận động {code} đã được dùng cho "{name}". Hãy chọn mã khác.').format(
                code=other.code, name=other.name
            )
        )


def get_campaign(session: Session, campaign_id: int) -> Campaign:
    campaign = session.get(Campaign, campaign_id)
    if campaign is None or campaign.deleted:
        raise NotFoundError(_("Đợt vận động này không còn trong dữ liệu."))
    return campaign


class CampaignService:
    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    def create(self, data: CampaignInput) -> CampaignRow:
        """One transaction; the writer thread. The code is unique; Decree 93 date limits warn."""
        with self._ctx.sessions.begin() as session:
            campaign = Campaign()
            _apply(campaign, data)
            _ensure_code_free(session, campaign)
            session.add(campaign)
            session.flush()
            return CampaignRow.from_model(campaign, tuple(decree93_plan_warnings(campaign)))

    def update(self, campaign_id: int, data: CampaignInput) -> CampaignRow:
        """One transaction; the writer thread. Bumps the version and writes an audit row."""
        with self._ctx.sessions.begin() as session:
            campaign = get_campaign(session, campaign_id)
            _apply(campaign, data)
            _ensure_code_free(session, campaign)
            session.flush()
            return CampaignRow.from_model(campaign, tuple(decree93_plan_warnings(campaign)))

    def delete(self, campaign_id: int) -> None:
        """One transaction; the writer thread. Tombstones a campaign nothing refers to; one with
        donations, relief, activities, distribution lists or disclosure postings is kept."""
        with self._ctx.sessions.begin() as session:
            campaign = get_campaign(session, campaign_id)
            for model in (Donation, ReliefRecord, Activity, DistributionList, DisclosurePosting):
                used = session.scalar(
                    select(func.count())
                    .select_from(model)
                    .where(model.campaign_id == campaign_id, model.deleted.is_(False))
                )
                if used:
                    raise ValidationError(
                        _(
                            'Không xóa được đợt vận động "{name}": đã có khoản ủng hộ, hỗ trợ hoặc hoạt động '
                            "ghi cho đợt này. Hãy để nguyên, hoặc ghi ngày kết thúc để đóng đợt."
                        ).format(name=campaign.name)
                    )
            campaign.deleted = True

    def get(self, campaign_id: int) -> CampaignRow:
        """Read-only; any thread."""
        with self._ctx.sessions() as session:
            return CampaignRow.from_model(get_campaign(session, campaign_id))

    def list(self, *, include_deleted: bool = False) -> list[CampaignRow]:
        """Newest first, then by name. Read-only; any thread."""
        with self._ctx.sessions() as session:
            stmt = select(Campaign)
            if not include_deleted:
                stmt = stmt.where(Campaign.deleted.is_(False))
            rows = [CampaignRow.from_model(c) for c in session.scalars(stmt)]
        return sorted(rows, key=lambda r: (-r.start_date.toordinal(), collation_key(r.name), r.id))

    def warnings(self, campaign_id: int, on_date: date, *, receiving: bool) -> builtins.list[str]:
        """Decree 93 warnings for receiving or distributing on `on_date`. Read-only; any thread."""
        with self._ctx.sessions() as session:
            return decree93_warnings(get_campaign(session, campaign_id), on_date, receiving=receiving)
