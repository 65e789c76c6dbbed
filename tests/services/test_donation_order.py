# SPDX-License-Identifier: MIT
"""`DonationService.ordered_ids`: the whole matching id list in the order of one column."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from redcross_desktop.services.container import Services
from redcross_desktop.services.donations import DONATION_SORTS, DonationInput, DonationQuery
from redcross_desktop.services.people import PersonInput

TODAY = date.today()


def record(services: Services, name: str | None, cash: int, **fields: Any) -> int:
    donor = services.people.create(PersonInput(name)).person.id if name else None
    return services.donations.record(DonationInput(TODAY, donor_id=donor, cash_vnd=cash, **fields)).id


def test_donor_order_is_vietnamese_and_turns_round(services: Services) -> None:
    dao = record(services, "Đỗ Thị Đào", 10_000)
    dung = record(services, "Phạm Văn Dũng", 30_000)
    an = record(services, "Nguyễn Văn An", 20_000)
    box = record(services, None, 40_000, donor_display="Hòm quyên góp", channel="box")
    ascending = list(services.donations.ordered_ids(sort="donor"))
    assert ascending == [an, dung, dao, box]  # An < Dũng < Đào (D before Đ) < Hòm
    assert list(services.donations.ordered_ids(sort="donor", descending=True)) == ascending[::-1]
    assert list(services.donations.ordered_ids(sort="cash")) == [dao, an, dung, box]
    newest_first = list(services.donations.ordered_ids(sort="receipt", descending=True))
    assert newest_first == [box, an, dung, dao]


def test_every_sort_keeps_the_filters(services: Services) -> None:
    kept = record(services, "Lê Thị Bình", 10_000)
    voided = record(services, "Trần Văn Bình", 20_000)
    record(services, "Nguyễn Văn An", 30_000)
    services.donations.void(voided, "Ghi nhầm")
    query = DonationQuery(text="binh", status="valid")
    for sort in DONATION_SORTS:
        assert list(services.donations.ordered_ids(query, sort=sort)) == [kept], sort
    with pytest.raises(ValueError):
        services.donations.ordered_ids(sort="colour")
