# SPDX-License-Identifier: MIT
"""Decree 93/2021/NĐ-CP time limits for campaigns (domain.md §2.3): warnings, never blocks.

A Decree 93 campaign (disasters, epidemics, incidents, critically ill patients) receives
contributions for at most 90 days from its start, and distributes them within 20 days after
receiving ends, unless donors were told otherwise. The app only warns at both limits (§8).

Periods "from" a day follow the Civil Code 2015 Art. 147: the first day is not counted, so
"90 days from 01/01" ends on the 91st calendar day (01/04 in a non-leap year). Qt-free.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Protocol

from ..core.i18n import _
from ..core.vn import format_date

RECEIVING_DAYS = 90
DISTRIBUTION_DAYS = 20


class CampaignDates(Protocol):
    """What the rules read; a `Campaign` model and a `CampaignRow` both fit."""

    @property
    def start_date(self) -> date: ...

    @property
    def end_date(self) -> date | None: ...

    @property
    def decree93(self) -> bool: ...


def receiving_limit(start: date) -> date:
    """The last day a Decree 93 campaign may receive contributions."""
    return start + timedelta(days=RECEIVING_DAYS)


def receiving_end(campaign: CampaignDates) -> date:
    """When receiving ends: the campaign's own end date, or else the legal limit."""
    return campaign.end_date if campaign.end_date is not None else receiving_limit(campaign.start_date)


def distribution_limit(campaign: CampaignDates) -> date:
    """The last day to distribute, counted from the end of receiving (capped at the legal limit,
    since receiving beyond it is itself outside the decree)."""
    end = min(receiving_end(campaign), receiving_limit(campaign.start_date))
    return end + timedelta(days=DISTRIBUTION_DAYS)


def decree93_plan_warnings(campaign: CampaignDates) -> list[str]:
    """Warnings about the campaign's planned dates (shown when it is saved)."""
    if not campaign.decree93 or campaign.end_date is None:
        return []
    limit = receiving_limit(campaign.start_date)
    if campaign.end_date > limit:
        return [
            _(
                "Đợt vận động thuộc Nghị định 93 chỉ được tiếp nhận tối đa 90 ngày kể từ ngày bắt đầu "
                "(đến hết {limit}), nhưng ngày kết thúc là {end}. Hãy rút ngắn thời gian tiếp nhận."
            ).format(limit=format_date(limit), end=format_date(campaign.end_date))
        ]
    return []


def decree93_warnings(campaign: CampaignDates, on_date: date, *, receiving: bool) -> list[str]:
    """Warnings for receiving (`receiving=True`) or distributing on `on_date`; empty when the
    campaign is outside Decree 93 or the date is within the limits."""
    if not campaign.decree93:
        return []
    warnings: list[str] = []
    if receiving:
        limit = receiving_limit(campaign.start_date)
        if on_date < campaign.start_date:
            warnings.append(
                _("Ngày nhận {day} trước ngày bắt đầu đợt vận động ({start}). Hãy kiểm tra lại ngày.").format(
                    day=format_date(on_date), start=format_date(campaign.start_date)
                )
            )
        if on_date > limit:
            warnings.append(
                _(
                    "Đã quá 90 ngày tiếp nhận theo Nghị định 93 (hạn cuối {limit}). Khoản này nên được "
                    "ghi cho một đợt vận động khác hoặc có văn bản gia hạn."
                ).format(limit=format_date(limit))
            )
        elif campaign.end_date is not None and on_date > campaign.end_date:
            warnings.append(
                _(
                    "Ngày nhận {day} sau ngày kết thúc tiếp nhận của đợt ({end}). "
                    "Hãy kiểm tra lại đợt vận động."
                ).format(day=format_date(on_date), end=format_date(campaign.end_date))
            )
        return warnings
    limit = distribution_limit(campaign)
    if on_date > limit:
        warnings.append(
            _(
                "Đã quá 20 ngày phân phối sau khi kết thúc tiếp nhận theo Nghị định 93 (hạn cuối {limit}). "
                "Chỉ tiếp tục nếu đã thông báo với người ủng hộ, và ghi rõ lý do."
            ).format(limit=format_date(limit))
        )
    return warnings
