# SPDX-License-Identifier: MIT
"""Builds province-store rows directly (no bundle, no importer): a commune record exactly as the
merge stores it — `data` = the canonical values of every schema column by key (strings or null,
bundle-format.md §3/§6), `row_hash` per C9 — plus registered communes and imported bundles.

Import as `from province_rows import …` (this folder is on sys.path, as for
tests/sync/bundle_helpers.py).
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from redcross_desktop.db.models import ImportedBundle, ProvinceBranch, ProvinceConflict, ProvinceRecord
from redcross_desktop.sync.canonical import row_hash, to_canonical
from redcross_desktop.sync.schema import load_schema

SCHEMA = load_schema("2026.1")
PROVINCE = "01"
STAMP = "2026-04-02T09:15:00+07:00"

_counter = 0


def branch_code(commune: str) -> str:
    return f"{PROVINCE}-{commune}"


def next_id(prefix: str = "0195") -> str:
    global _counter
    _counter += 1
    return f"{prefix}0000-0000-7000-8000-{_counter:012d}"


def record(
    sheet: str,
    branch: str,
    period: str,
    *,
    record_id: str | None = None,
    version: int = 1,
    deleted: bool = False,
    digest: str = "d" * 64,
    **business: Any,
) -> ProvinceRecord:
    """One stored commune record of `sheet`; business columns not given are null (a tombstone's
    are all null, as exported)."""
    columns = SCHEMA.sheet(sheet).columns
    rid = record_id or next_id()
    known = {c.key for c in columns}
    unknown = set(business) - known
    extra = {k: business.pop(k) for k in list(unknown) if k == "cccd_hmac"}  # a future column
    if set(business) - known:
        raise KeyError(f"{sheet}: no column {sorted(set(business) - known)}")
    raw: dict[str, Any] = {
        "record_id": rid,
        "origin_branch": branch,
        "version": version,
        "deleted": deleted,
        "period": period,
        "updated_at": STAMP,
        **({} if deleted else business),
    }
    values = [to_canonical(raw.get(c.key), c) for c in columns]
    data = {c.key: v for c, v in zip(columns, values, strict=True)}
    data.update(extra)
    return ProvinceRecord(
        sheet_key=sheet,
        record_id=rid,
        origin_branch=branch,
        version=version,
        deleted=deleted,
        period=period,
        row_hash=row_hash(sheet, values),
        data=json.dumps(data, ensure_ascii=False, sort_keys=True),
        bundle_digest=digest,
    )


def report_row(
    branch: str, period: str, indicator: str, value: int, disagg: str = "", **kw: Any
) -> ProvinceRecord:
    key = disagg.replace("=", ":")
    return record(
        "report",
        branch,
        period,
        record_id=f"{branch}|{period}|{indicator}|{key}",
        indicator=indicator,
        label=kw.pop("label", indicator),
        unit=kw.pop("unit", "đồng"),
        value=value,
        disagg=disagg or None,
        **kw,
    )


def donation(
    branch: str,
    on: date,
    cash: int,
    in_kind: int = 0,
    *,
    status: str = "valid",
    campaign: str | None = None,
    **kw: Any,
) -> ProvinceRecord:
    return record(
        "donations",
        branch,
        f"{on:%Y-%m}",
        receipt_code=kw.pop("receipt_code", f"BN-{on.year}-{_counter + 1:06d}"),
        received_on=on,
        donor_kind=kw.pop("donor_kind", "anonymous"),
        channel=kw.pop("channel", "cash" if cash else "in_kind"),
        cash_vnd=cash,
        in_kind_vnd=in_kind,
        status=status,
        campaign_code=campaign,
        **kw,
    )


def relief(
    branch: str,
    on: date,
    kind: str,
    *,
    cash: int = 0,
    goods: int = 0,
    covered: int = 1,
    person_id: str | None = None,
    full_name: str | None = None,
    birth_year: int | None = None,
    **kw: Any,
) -> ProvinceRecord:
    return record(
        "relief",
        branch,
        f"{on:%Y-%m}",
        given_on=on,
        person_id=person_id,
        full_name=full_name,
        birth_year=birth_year,
        kind=kind,
        cash_vnd=cash,
        goods_vnd=goods,
        people_covered=covered,
        **kw,
    )


def member(
    branch: str,
    person_id: str,
    full_name: str,
    category: str,
    joined: date,
    *,
    left: date | None = None,
    birth_date: date | None = None,
    birth_year: int | None = None,
    rank: str | None = None,
    period: str | None = None,
    **kw: Any,
) -> ProvinceRecord:
    return record(
        "members",
        branch,
        period or f"{joined:%Y-%m}",
        person_id=person_id,
        full_name=full_name,
        birth_date=birth_date,
        birth_year=birth_year if birth_year is not None else (birth_date.year if birth_date else None),
        category=category,
        volunteer_rank=rank,
        joined_on=joined,
        left_on=left,
        dues_paid_vnd=kw.pop("dues", 0),
        volunteer_minutes=kw.pop("minutes", 0),
        **kw,
    )


def activity(branch: str, on: date, kind: str, **figures: int) -> ProvinceRecord:
    return record(
        "activities",
        branch,
        f"{on:%Y-%m}",
        type=kind,
        title=f"Hoạt động {kind}",
        start_date=on,
        sessions=figures.get("sessions", 0),
        participants=figures.get("participants", 0),
        cases=figures.get("cases", 0),
        people_served=figures.get("people_served", 0),
        value_vnd=figures.get("value_vnd", 0),
    )


def blood(branch: str, on: date, donor_id: str, ml: int = 350) -> ProvinceRecord:
    return record("blood", branch, f"{on:%Y-%m}", donor_id=donor_id, donated_on=on, kind="whole", ml=ml)


def register(session: Session, commune: str, name: str, *, at: datetime | None = None) -> str:
    code = branch_code(commune)
    registered = at or datetime(2026, 1, 5)
    session.add(ProvinceBranch(branch_code=code, commune_code=commune, name=name, registered_at=registered))
    return code


def bundle(
    session: Session,
    branch: str,
    period: str,
    seq: int,
    received_at: datetime,
    *,
    status: str = "committed",
    key_id: str = "k" * 16,
) -> ImportedBundle:
    digest = f"{branch}-{seq}-{status}".encode().hex()[:64].ljust(64, "0")
    row = ImportedBundle(
        bundle_digest=digest,
        file_sha256="f" * 64,
        branch_code=branch,
        key_id=key_id,
        seq=seq,
        period=period,
        periods_included=json.dumps([period]),
        created_at=STAMP,
        received_at=received_at,
        officer="province-officer",
        status=status,
        result_code="OK" if status == "committed" else "UNKNOWN_KEY",
        summary="{}",
    )
    session.add(row)
    return row


def conflict(session: Session, stored: ProvinceRecord, *, status: str = "open") -> ProvinceConflict:
    row = ProvinceConflict(
        sheet_key=stored.sheet_key,
        record_id=stored.record_id,
        version=stored.version,
        incoming_hash="e" * 64,
        incoming_data=stored.data,
        bundle_digest="c" * 64,
        status=status,
    )
    session.add(row)
    return row
