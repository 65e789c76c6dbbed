# SPDX-License-Identifier: MIT
"""Builders for province tests: a province store with its services, commune stores that record real
data and export real signed bundles, and crafted bundles (re-signed, rotated, other fields) made
with the commune's own key through the public writer functions."""

from __future__ import annotations

import base64
import hashlib
import shutil
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select

from redcross_desktop.bootstrap import init_store
from redcross_desktop.core.paths import AppPaths
from redcross_desktop.db.base import Base
from redcross_desktop.db.models import Activity, BundleSequence, Donation, ProvinceRecord
from redcross_desktop.services.activities import ActivityInput
from redcross_desktop.services.bundles import BundleService, ExportResult
from redcross_desktop.services.container import Services
from redcross_desktop.services.donations import DonationInput
from redcross_desktop.services.keys import KeyService
from redcross_desktop.services.province.importer import ProvinceImportService
from redcross_desktop.services.province.locks import ProvinceLockService
from redcross_desktop.services.province.trust import ProvinceKeyRow, TrustService
from redcross_desktop.sync import keys as crypto
from redcross_desktop.sync.canonical import canonical_manifest
from redcross_desktop.sync.rows import verify_with_rows
from redcross_desktop.sync.schema import current_schema
from redcross_desktop.sync.writer import (
    BundleWritten,
    ManifestFields,
    build_manifest,
    default_cover,
    prepare,
    sheet_specs,
    write_bundle,
)
from redcross_desktop.sync.xlsxstream import write_xlsx

PASS = "mat-khau-chi-hoi"
P1, P2 = "2026-02", "2026-03"


@dataclass
class Province:
    services: Services
    trust: TrustService
    importer: ProvinceImportService
    locks: ProvinceLockService
    archive_dir: Path
    url: str  # the --db value: a SQLite file or a PostgreSQL URL

    def dump(self) -> dict[str, list[tuple[Any, ...]]]:
        """Every row of every table, in key order (what a crash or a dry run must not change)."""
        out: dict[str, list[tuple[Any, ...]]] = {}
        with self.services.engine.connect() as conn:
            for table in Base.metadata.sorted_tables:
                order = list(table.primary_key.columns) or list(table.columns)
                out[table.name] = [tuple(r) for r in conn.execute(select(table).order_by(*order))]
        return out

    def archived(self) -> list[str]:
        return sorted(p.name for p in self.archive_dir.iterdir()) if self.archive_dir.is_dir() else []

    def records(self) -> dict[tuple[str, str], tuple[Any, ...]]:
        """The merged state without provenance (which bundle brought a row, and when)."""
        with self.services.ctx.sessions() as s:
            return {
                (r.sheet_key, r.record_id): (
                    r.origin_branch,
                    r.version,
                    r.deleted,
                    r.period,
                    r.row_hash,
                    r.data,
                )
                for r in s.scalars(select(ProvinceRecord))
            }

    def record(self, sheet: str, record_id: str) -> ProvinceRecord | None:
        with self.services.ctx.sessions() as s:
            return s.get(ProvinceRecord, (sheet, record_id))


def open_province(services: Services, url: str, archive: Path) -> Province:
    return Province(
        services,
        TrustService(services.ctx),
        ProvinceImportService(services.ctx, archive),
        ProvinceLockService(services.ctx),
        archive,
        url,
    )


class Commune:
    """A commune branch on its own store, with helpers to record, correct, export and sign."""

    def __init__(self, services: Services, root: Path) -> None:
        self.services = services
        self.root = root
        self.out = root / "out"
        self.out.mkdir(exist_ok=True)
        self.code = services.branch.branch_code
        self._key_file: Path | None = None

    def donate(self, day: date, cash: int, name: str = "Hòm quyên góp") -> int:
        return self.services.donations.record(
            DonationInput(received_on=day, cash_vnd=cash, donor_display=name)
        ).id

    def correct_donation(self, donation_id: int, cash: int) -> None:
        row = self.services.donations.get(donation_id)
        self.services.donations.edit(
            donation_id,
            DonationInput(received_on=row.received_on, cash_vnd=cash, donor_display=row.donor_display),
        )

    def activity(self, day: date, title: str, participants: int = 10) -> int:
        return self.services.activities.record(
            ActivityInput(type="first_aid", title=title, start_date=day, participants=participants)
        ).id

    def correct_activity(self, activity_id: int, participants: int) -> None:
        row = self.services.activities.get(activity_id)
        self.services.activities.update(
            activity_id,
            ActivityInput(
                type=row.type, title=row.title, start_date=row.start_date, participants=participants
            ),
        )

    def delete_activity(self, activity_id: int) -> None:
        self.services.activities.delete(activity_id)

    def uuid_of_activity(self, activity_id: int) -> str:
        with self.services.ctx.sessions() as s:
            return s.get_one(Activity, activity_id).uuid

    def uuid_of_donation(self, donation_id: int) -> str:
        with self.services.ctx.sessions() as s:
            return s.get_one(Donation, donation_id).uuid

    def export(self, period: str, name: str | None = None) -> ExportResult:
        seq = len(BundleService(self.services.ctx).history()) + 1
        out = self.out / (name or f"CTD_{self.code}_{period}_{seq:05d}.xlsx")
        return BundleService(self.services.ctx).export(period, out, PASS)

    def key_file(self) -> Path:
        if self._key_file is None:
            path = self.out / f"KHOA_{self.code}.xlsx"
            BundleService(self.services.ctx).export_key_file(path, PASS)
            self._key_file = path
        return self._key_file

    @property
    def fingerprint(self) -> str:
        self.key_file()
        key = KeyService(self.services.ctx).require()
        return key.fingerprint

    def register(self, province: Province) -> ProvinceKeyRow:
        return province.trust.register_key(self.key_file(), self.code, self.fingerprint)

    def private_key(self) -> Ed25519PrivateKey:
        return KeyService(self.services.ctx).unlock(PASS)

    def set_seq(self, last_seq: int) -> None:
        """The commune's last bundle number (as after a restore, or many exports)."""
        with self.services.ctx.sessions.begin() as s:
            state = s.get(BundleSequence, self.code)
            if state is None:
                s.add(BundleSequence(branch_code=self.code, last_seq=last_seq))
            else:
                state.last_seq = last_seq

    def snapshot(self) -> bytes:
        """The store file as a backup would copy it (connections closed, WAL checkpointed)."""
        self.services.engine.dispose()
        return self.db.read_bytes()

    def restore(self, snapshot: bytes) -> None:
        """Puts a backup back, as a commune restoring its PC would."""
        self.services.engine.dispose()
        for suffix in ("-wal", "-shm"):
            Path(f"{self.db}{suffix}").unlink(missing_ok=True)
        self.db.write_bytes(snapshot)

    @property
    def db(self) -> Path:
        return AppPaths.under(self.root).database

    def close(self) -> None:
        self.services.close()


class CommuneFactory:
    def __init__(self, root: Path, template: Path) -> None:
        self.root = root
        self.template = template
        self.made: list[Commune] = []

    def make(self, commune_code: str = "00070", province_code: str = "01", **details: str) -> Commune:
        root = self.root / f"{province_code}-{commune_code}-{len(self.made)}"
        self.root.mkdir(exist_ok=True)
        paths = AppPaths.under(root).ensure()
        shutil.copy(self.template, paths.database)
        services = init_store(
            paths.database,
            paths,
            province=province_code,
            commune=commune_code,
            actor="can-bo-xa",
            officer_name="Cán bộ xã",
            **details,
        )
        commune = Commune(services, root)
        self.made.append(commune)
        return commune

    def close(self) -> None:
        for commune in self.made:
            commune.close()


# ---------------------------------------------------------------- crafted bundles


def bundle_rows(path: Path) -> tuple[dict[str, Any], dict[str, list[list[Any]]]]:
    """A real bundle's manifest and its rows as Python values the writer takes (ints as ints)."""
    verified = verify_with_rows(path.read_bytes(), province_code=None)
    assert verified.result.manifest is not None, verified.result.code
    schema = current_schema()
    data: dict[str, list[list[Any]]] = {}
    for sheet in schema.sheets:
        kinds = [c.type for c in sheet.columns]
        data[sheet.sheet_key] = [
            [
                int(v) if v is not None and k in ("int", "flag") else v
                for v, k in zip(r.values, kinds, strict=True)
            ]
            for r in verified.sheets[sheet.sheet_key].rows
        ]
    return verified.result.manifest, data


def fields_from(manifest: dict[str, Any], **changes: Any) -> ManifestFields:
    base = ManifestFields(
        province_code=manifest["province_code"],
        branch_code=manifest["branch_code"],
        branch_name=manifest["branch_name"],
        period=manifest["period"],
        periods_included=tuple(manifest["periods_included"]),
        seq=manifest["seq"],
        bundle_id=manifest["bundle_id"],
        created_at=manifest["created_at"],
        exported_by=manifest["exported_by"],
        app_version=manifest["app_version"],
        install_id=manifest["install_id"],
    )
    return replace(base, **changes)


def resign(
    src: Path,
    dst: Path,
    key: Ed25519PrivateKey,
    data: dict[str, list[list[Any]]] | None = None,
    **changes: Any,
) -> BundleWritten:
    """`src`'s rows (or `data`) signed by `key` with manifest fields changed."""
    manifest, rows = bundle_rows(src)
    return write_bundle(dst, fields_from(manifest, **changes), data if data is not None else rows, key)


def rotation_bundle(
    src: Path,
    dst: Path,
    old_key: Ed25519PrivateKey,
    new_key: Ed25519PrivateKey,
    *,
    seq: int,
    corrupt_proof: bool = False,
    **changes: Any,
) -> str:
    """`src`'s rows in a bundle signed by `old_key` announcing `new_key` from seq + 1 (§8.3);
    returns the bundle digest."""
    manifest, rows = bundle_rows(src)
    fields = fields_from(manifest, seq=seq, **changes)
    schema = current_schema()
    prepared = prepare(schema, rows)
    old_raw, new_raw = crypto.public_raw(old_key), crypto.public_raw(new_key)
    counts = {k: n for k, (n, _d) in prepared.digests.items()}
    cover = default_cover(fields, schema, counts, crypto.fingerprint(old_raw))
    full = build_manifest(fields, schema, prepared.digests, old_raw, cover)
    statement = {
        "branch_code": fields.branch_code,
        "effective_seq": seq + 1,
        "new_key_id": crypto.key_id(new_raw),
        "new_public_key": base64.b64encode(new_raw).decode("ascii"),
        "old_key_id": crypto.key_id(old_raw),
    }
    proof = bytearray(
        crypto.sign(new_key, crypto.KEY_ROTATION_DOMAIN, canonical_manifest(statement).encode())
    )
    if corrupt_proof:
        proof[0] ^= 0x01
    full["key_rotation"] = {
        "new_public_key": statement["new_public_key"],
        "new_key_id": statement["new_key_id"],
        "effective_seq": seq + 1,
        "proof": base64.b64encode(bytes(proof)).decode("ascii"),
    }
    b1 = canonical_manifest(full)
    signature = crypto.sign(old_key, crypto.BUNDLE_DOMAIN, b1.encode("utf-8"))
    write_xlsx(dst, sheet_specs(schema, prepared, cover, b1, base64.b64encode(signature).decode("ascii")))
    return hashlib.sha256(crypto.BUNDLE_DOMAIN + b1.encode("utf-8")).hexdigest()
