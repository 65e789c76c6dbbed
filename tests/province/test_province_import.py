# SPDX-License-Identifier: MIT
"""The province import pipeline on real bundles from real commune stores: every province-side
adversarial case of bundle-format.md §15 (16–30, 57, 58, 60, 61) with its exact code, the dry run
that writes nothing, quarantine decisions, the archive, and the §11 summary."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from province_helpers import (
    P1,
    P2,
    Commune,
    CommuneFactory,
    Province,
    bundle_rows,
    resign,
    rotation_bundle,
)
from sqlalchemy import select

from redcross_desktop.core.errors import ValidationError
from redcross_desktop.db.models import (
    AuditEntry,
    Donation,
    ImportedBundle,
    ProvinceConflict,
    ProvinceKey,
    ProvinceRecordHistory,
)
from redcross_desktop.services.province.conflicts import ProvinceConflictService
from redcross_desktop.services.province.import_report import BundleReport, render_report
from redcross_desktop.sync import keys as crypto


def registered(province: Province, communes: CommuneFactory, code: str = "00073") -> Commune:
    commune = communes.make(code)
    commune.register(province)
    return commune


def one(reports: list[BundleReport]) -> BundleReport:
    assert len(reports) == 1
    return reports[0]


def bundles(province: Province) -> list[ImportedBundle]:
    with province.services.ctx.sessions() as s:
        return list(s.scalars(select(ImportedBundle).order_by(ImportedBundle.id)))


def key_status(province: Province) -> dict[str, tuple[str, int | None, int | None]]:
    with province.services.ctx.sessions() as s:
        return {
            k.key_id: (k.status, k.effective_seq, k.retired_at_seq) for k in s.scalars(select(ProvinceKey))
        }


def row_codes(report: BundleReport) -> list[tuple[str, str, str]]:
    return [(c.sheet, c.record_id, c.code) for c in report.conflicts]


# ---------------------------------------------------------------- the ordinary path


def test_valid_bundle_preview_then_commit(province: Province, communes: CommuneFactory) -> None:
    commune = registered(province, communes)
    gift = commune.donate(date(2026, 2, 3), 100_000)
    commune.activity(date(2026, 2, 4), "Tập huấn sơ cứu")
    export = commune.export(P1)
    before = province.dump()
    preview = one(province.importer.preview([export.path]))
    assert (preview.status, preview.result, preview.code, preview.dry_run) == ("previewed", "OK", "OK", True)
    assert preview.authenticated and preview.branch_code == "01-00073" and preview.seq == 1
    assert preview.sheets["donations"]["imported"] == 1 and preview.sheets["activities"]["imported"] == 1
    assert preview.total["imported"] == sum(export.rows.values())
    assert province.dump() == before and province.archived() == []  # the dry run wrote nothing
    done = one(province.importer.commit([export.path]))
    assert (done.status, done.result, done.dry_run) == ("committed", "OK", False)
    assert dict(done.total) == {**dict(preview.total)}
    record = province.record("donations", commune.uuid_of_donation(gift))
    assert record is not None and (record.origin_branch, record.version, record.deleted) == (
        "01-00073",
        1,
        False,
    )
    data = json.loads(record.data)
    assert (data["cash_vnd"], data["period"], data["channel"], data["donor_id"]) == (
        "100000",
        P1,
        "cash",
        None,
    )
    [stored] = bundles(province)
    assert (stored.status, stored.result_code, stored.seq, stored.officer) == (
        "committed",
        "OK",
        1,
        "can-bo-tinh",
    )
    summary = json.loads(stored.summary)
    assert summary["dry_run"] is False and summary["result"] == "OK"
    assert summary["sheets"]["donations"] == {
        "imported": 1,
        "updated": 0,
        "deleted": 0,
        "ignored_unchanged": 0,
        "ignored_stale": 0,
        "conflicts": 0,
    }
    assert summary["total"] == dict(done.total) and summary["conflicts"] == []
    archive = Path(stored.archive_path)
    assert archive.name == f"{export.file_sha256}.xlsx" and archive.read_bytes() == export.path.read_bytes()
    assert not archive.stat().st_mode & 0o222  # read-only
    lines = render_report(done)
    assert lines[1] == "Kết quả: ĐÃ NHẬP [OK]" and any(line.startswith("Quyên góp: thêm 1") for line in lines)


def test_corrections_and_deletions_update_with_history(province: Province, communes: CommuneFactory) -> None:
    commune = registered(province, communes)
    gift = commune.donate(date(2026, 2, 3), 100_000)
    talk = commune.activity(date(2026, 2, 4), "Tuyên truyền")
    province.importer.commit([commune.export(P1).path])
    commune.correct_donation(gift, 150_000)
    commune.delete_activity(talk)
    report = one(province.importer.commit([commune.export(P2).path]))
    assert report.sheets["donations"]["updated"] == 1 and report.sheets["activities"]["deleted"] == 1
    donation = province.record("donations", commune.uuid_of_donation(gift))
    activity = province.record("activities", commune.uuid_of_activity(talk))
    assert (
        donation is not None and json.loads(donation.data)["cash_vnd"] == "150000" and donation.version == 2
    )
    assert activity is not None and activity.deleted and activity.version == 2
    with province.services.ctx.sessions() as s:
        history = {
            (h.sheet_key, h.version, h.deleted)
            for h in s.scalars(
                select(ProvinceRecordHistory).where(ProvinceRecordHistory.sheet_key != "report")
            )
        }
    assert history == {("donations", 1, False), ("activities", 1, False)}


def test_missing_bundles_is_a_warning(province: Province, communes: CommuneFactory) -> None:
    commune = registered(province, communes)
    first = commune.export(P1)
    commune.export(P1)  # seq 2 never reaches the province
    commune.donate(date(2026, 2, 3), 100_000)
    third = commune.export(P1)
    province.importer.commit([first.path])
    report = one(province.importer.commit([third.path]))
    assert (report.status, report.result, report.code) == ("committed", "WARN", "MISSING_BUNDLES")
    [finding] = [f for f in report.findings if f.code == "MISSING_BUNDLES"]
    assert finding.params == {"a": 2, "b": 2} and "2–2" in finding.message_vi


# ---------------------------------------------------------------- keys (§15 16–20, 61)


def test_16_fresh_key_is_unknown_key_preview_only(province: Province, communes: CommuneFactory) -> None:
    commune = registered(province, communes)
    commune.donate(date(2026, 2, 3), 100_000)
    export = commune.export(P1)
    forged = resign(export.path, commune.out / "forged.xlsx", Ed25519PrivateKey.generate()).path
    preview = one(province.importer.preview([forged]))
    assert (preview.result, preview.code, preview.authenticated) == ("QUARANTINE", "UNKNOWN_KEY", False)
    [unknown] = [f for f in preview.findings if f.code == "UNKNOWN_KEY"]
    assert unknown.params["active_key_id"] == export.key_id  # shown as a key change
    assert preview.sheets["donations"]["imported"] == 1  # the full preview still runs
    held = one(province.importer.commit([forged]))
    assert (held.status, held.code) == ("quarantined", "UNKNOWN_KEY")
    assert province.records() == {}  # never committed
    assert [q.id for q in province.importer.quarantined()] == [held.bundle_id]
    assert province.archived() == [f"{held.file_sha256}.xlsx"]
    # The officer refuses it: it stays archived, out of the data.
    assert held.bundle_id is not None
    refused = province.importer.decide(held.bundle_id, False, "Không phải khóa của xã")
    assert refused.status == "refused" and province.records() == {}
    assert province.importer.quarantined() == []
    with province.services.ctx.sessions() as s:
        audit = s.scalars(select(AuditEntry).where(AuditEntry.table_name == "imported_bundles")).one()
    assert (audit.action, audit.reason) == ("refuse", "Không phải khóa của xã")
    with pytest.raises(ValidationError):
        province.importer.decide(held.bundle_id, True, "đổi ý")


def test_quarantined_bundle_accepted_by_an_officer(province: Province, communes: CommuneFactory) -> None:
    commune = communes.make("00073")  # never registered: UNKNOWN_BRANCH and UNKNOWN_KEY
    gift = commune.donate(date(2026, 2, 3), 100_000)
    held = one(province.importer.commit([commune.export(P1).path]))
    assert (held.status, held.code) == ("quarantined", "UNKNOWN_BRANCH")
    assert held.bundle_id is not None
    with pytest.raises(ValidationError):
        province.importer.decide(held.bundle_id, True, "")
    accepted = province.importer.decide(held.bundle_id, True, "Đã gọi điện xác minh với xã")
    assert (accepted.status, accepted.bundle_id) == ("accepted", held.bundle_id)
    assert accepted.sheets["donations"]["imported"] == 1
    record = province.record("donations", commune.uuid_of_donation(gift))
    assert record is not None and record.origin_branch == "01-00073"
    [stored] = bundles(province)
    assert (stored.status, stored.decided_by, stored.decision_reason) == (
        "accepted",
        "can-bo-tinh",
        "Đã gọi điện xác minh với xã",
    )
    with province.services.ctx.sessions() as s:
        audit = s.scalars(select(AuditEntry).where(AuditEntry.table_name == "imported_bundles")).one()
    assert (audit.action, audit.record_uuid) == ("accept", str(held.bundle_id))


def test_quarantined_bundle_commits_once_its_key_is_registered(
    province: Province, communes: CommuneFactory
) -> None:
    commune = communes.make("00073")
    commune.donate(date(2026, 2, 3), 100_000)
    export = commune.export(P1)
    held = one(province.importer.commit([export.path]))
    commune.register(province)
    done = one(province.importer.commit([export.path]))
    assert (done.status, done.code, done.bundle_id) == ("committed", "OK", held.bundle_id)
    assert [b.status for b in bundles(province)] == ["committed"]


def test_17_key_of_another_branch(province: Province, communes: CommuneFactory) -> None:
    a = registered(province, communes, "00073")
    registered(province, communes, "00070")
    a.donate(date(2026, 2, 3), 100_000)
    export = a.export(P1)
    claimed = resign(export.path, a.out / "claimed.xlsx", a.private_key(), branch_code="01-00070").path
    before = province.dump()
    report = one(province.importer.commit([claimed]))
    assert (report.status, report.result, report.code) == ("rejected", "REJECT", "KEY_BRANCH_MISMATCH")
    assert report.findings[-1].params == {"a": "01-00073", "b": "01-00070"}
    assert province.dump() == before and province.archived() == []


def test_18_unseen_bundle_of_a_revoked_key(province: Province, communes: CommuneFactory) -> None:
    commune = registered(province, communes)
    commune.donate(date(2026, 2, 3), 100_000)
    seen = commune.export(P1)
    province.importer.commit([seen.path])
    commune.donate(date(2026, 2, 4), 200_000)
    unseen = commune.export(P1)
    province.trust.revoke("01-00073", "Máy tính xã bị mất cắp")
    before = province.dump()
    report = one(province.importer.commit([unseen.path]))
    assert (report.status, report.code) == ("rejected", "KEY_REVOKED")
    assert province.dump() == before
    # A bundle imported before the revocation stays, and re-importing it is a replay.
    replay = one(province.importer.commit([seen.path]))
    assert (replay.status, replay.code) == ("replay", "ALREADY_IMPORTED")
    assert len([k for k in province.records() if k[0] == "donations"]) == 1


def rotate(
    province: Province, commune: Commune, *, corrupt: bool = False
) -> tuple[Ed25519PrivateKey, Path, int]:
    """A committed bundle of the commune, then a rotation bundle (seq 2, effective 3)."""
    commune.donate(date(2026, 2, 3), 100_000)
    first = commune.export(P1)
    province.importer.commit([first.path])
    new_key = Ed25519PrivateKey.generate()
    path = commune.out / "rotation.xlsx"
    rotation_bundle(
        first.path,
        path,
        commune.private_key(),
        new_key,
        seq=2,
        corrupt_proof=corrupt,
        bundle_id="0192f7a0-aaaa-7000-8000-000000000002",
    )
    return new_key, path, 3


def test_20_rotation_with_a_corrupted_proof(province: Province, communes: CommuneFactory) -> None:
    commune = registered(province, communes)
    _new, path, _effective = rotate(province, commune, corrupt=True)
    keys = key_status(province)
    report = one(province.importer.commit([path]))
    assert (report.status, report.code) == ("rejected", "SIGNATURE_INVALID")
    assert report.new_key is None and key_status(province) == keys


def test_61_rotation_then_new_key_bundle(province: Province, communes: CommuneFactory) -> None:
    commune = registered(province, communes)
    old_id = key_status(province).popitem()[0]
    new_key, path, effective = rotate(province, commune)
    new_id = crypto.key_id(crypto.public_raw(new_key))
    # A new-key bundle arriving before the rotation bundle is UNKNOWN_KEY (held, not lost).
    early = resign(
        path,
        commune.out / "new-3.xlsx",
        new_key,
        seq=effective,
        bundle_id="0192f7a0-aaaa-7000-8000-000000000003",
    )
    assert one(province.importer.preview([early.path])).code == "UNKNOWN_KEY"
    report = one(province.importer.commit([path]))
    assert (report.status, report.code) == ("committed", "OK")
    assert report.new_key is not None and report.new_key.key_id == new_id
    assert report.new_key.fingerprint == crypto.fingerprint(crypto.public_raw(new_key))
    assert any(report.new_key.fingerprint in line for line in render_report(report))
    assert key_status(province) == {
        old_id: ("retired", None, effective),
        new_id: ("active", effective, None),
    }
    with province.services.ctx.sessions() as s:
        actions = [
            (a.record_uuid, a.action)
            for a in s.scalars(
                select(AuditEntry).where(AuditEntry.table_name == "province_keys").order_by(AuditEntry.id)
            )
        ]
    assert actions[-2:] == [(old_id, "retire"), (new_id, "create")], actions
    # The new key's bundle is authenticated now.
    later = one(province.importer.commit([early.path]))
    assert (later.status, later.authenticated, later.key_id) == ("committed", True, new_id)
    # §15 19: the old key, seq ≥ effective_seq → KEY_RETIRED; an older one of it still verifies.
    old_late = resign(
        path,
        commune.out / "old-3.xlsx",
        commune.private_key(),
        seq=effective,
        bundle_id="0192f7a0-aaaa-7000-8000-000000000004",
    )
    assert one(province.importer.commit([old_late.path])).code == "KEY_RETIRED"
    old_early = resign(
        path,
        commune.out / "old-1b.xlsx",
        commune.private_key(),
        seq=1,
        bundle_id="0192f7a0-aaaa-7000-8000-000000000005",
    )
    assert one(province.importer.preview([old_early.path])).authenticated


def test_19_old_key_after_replacement_is_key_retired(province: Province, communes: CommuneFactory) -> None:
    commune = registered(province, communes)
    commune.donate(date(2026, 2, 3), 100_000)
    export = commune.export(P1)
    province.importer.commit([export.path])
    replacement = communes.make("00073")
    province.trust.register_key(
        replacement.key_file(), "01-00073", replacement.fingerprint, confirm_replace=True
    )
    late = resign(
        export.path,
        commune.out / "late.xlsx",
        commune.private_key(),
        seq=2,
        bundle_id="0192f7a0-aaaa-7000-8000-000000000006",
    )
    report = one(province.importer.commit([late.path]))
    assert (report.status, report.code) == ("rejected", "KEY_RETIRED")
    assert report.findings[-1].params == {"n": 2}


# ---------------------------------------------------------------- stage 8 (§15 21–25, 57)


def test_21_same_bundle_twice(province: Province, communes: CommuneFactory) -> None:
    commune = registered(province, communes)
    commune.donate(date(2026, 2, 3), 100_000)
    export = commune.export(P1)
    first = one(province.importer.commit([export.path]))
    before = province.dump()
    copy = commune.out / "ban-sao.xlsx"
    copy.write_bytes(export.path.read_bytes())
    again = province.importer.commit([export.path, copy])
    assert [(r.status, r.result, r.code) for r in again] == [("replay", "INFO", "ALREADY_IMPORTED")] * 2
    assert all(dict(r.total) == dict(first.total) for r in again)  # the stored summary is shown
    assert province.dump() == before
    assert one(province.importer.preview([export.path])).code == "ALREADY_IMPORTED"


def seq_7_and_8(province: Province, communes: CommuneFactory) -> tuple[Commune, int, int, Path, Path]:
    """Seq 7 with a donation and an activity; a correction and a deletion; seq 8."""
    commune = registered(province, communes)
    commune.export(P1)
    commune.set_seq(6)
    gift = commune.donate(date(2026, 2, 3), 100_000)
    talk = commune.activity(date(2026, 2, 4), "Tuyên truyền")
    seven = commune.export(P1)
    commune.correct_donation(gift, 150_000)
    commune.delete_activity(talk)
    eight = commune.export(P1)
    assert (seven.seq, eight.seq) == (7, 8)
    return commune, gift, talk, seven.path, eight.path


def test_22_older_bundle_keeps_the_correction(province: Province, communes: CommuneFactory) -> None:
    commune, gift, _talk, seven, eight = seq_7_and_8(province, communes)
    province.importer.commit([eight])
    report = one(province.importer.commit([seven]))
    assert (report.status, report.result, report.code) == ("committed", "WARN", "OLDER_BUNDLE")
    [older] = [f for f in report.findings if f.code == "OLDER_BUNDLE"]
    assert older.params == {"n": 7, "m": 8}
    assert report.sheets["donations"]["ignored_stale"] == 1 and report.sheets["donations"]["updated"] == 0
    record = province.record("donations", commune.uuid_of_donation(gift))
    assert record is not None and json.loads(record.data)["cash_vnd"] == "150000" and record.version == 2


def test_23_tombstone_stays_deleted(province: Province, communes: CommuneFactory) -> None:
    commune, _gift, talk, seven, eight = seq_7_and_8(province, communes)
    province.importer.commit([eight])
    report = one(province.importer.commit([seven]))
    assert report.sheets["activities"]["ignored_stale"] == 1
    record = province.record("activities", commune.uuid_of_activity(talk))
    assert record is not None and record.deleted and record.version == 2


def test_24_equal_seq_is_sequence_conflict(province: Province, communes: CommuneFactory) -> None:
    commune = registered(province, communes)
    commune.donate(date(2026, 2, 3), 100_000)
    province.importer.commit([commune.export(P1).path])
    backup = commune.snapshot()
    province.importer.commit([commune.export(P1).path])  # seq 2
    commune.restore(backup)  # the commune restored its PC from the backup
    commune.donate(date(2026, 2, 5), 50_000)
    clash = commune.export(P1, name="clash.xlsx")
    assert clash.seq == 2
    report = one(province.importer.commit([clash.path]))
    assert (report.status, report.result, report.code) == ("quarantined", "QUARANTINE", "SEQUENCE_CONFLICT")
    assert report.findings[-1].params == {"n": 2}
    assert report.sheets["donations"]["imported"] == 1  # what it would do, not done
    assert len([k for k in province.records() if k[0] == "donations"]) == 1


def test_25_seq_jump_is_suspicious(province: Province, communes: CommuneFactory) -> None:
    commune = registered(province, communes)
    commune.export(P1)
    commune.set_seq(9)
    province.importer.commit([commune.export(P1).path])  # seq 10: a key's first bundle, no warning
    commune.set_seq(49_999)
    jump = commune.export(P1)
    assert jump.seq == 50_000
    report = one(province.importer.commit([jump.path]))
    assert (report.status, report.code) == ("quarantined", "SEQ_JUMP_SUSPICIOUS")


def test_57_clock_skew_is_imported(province: Province, communes: CommuneFactory) -> None:
    commune = registered(province, communes)
    gift = commune.donate(date(2026, 2, 3), 100_000)
    export = commune.export(P1)
    future = resign(
        export.path, commune.out / "2030.xlsx", commune.private_key(), created_at="2030-01-01T08:00:00+07:00"
    ).path
    report = one(province.importer.commit([future]))
    assert (report.status, report.result, report.code) == ("committed", "WARN", "CLOCK_SKEW")
    assert province.record("donations", commune.uuid_of_donation(gift)) is not None


# ---------------------------------------------------------------- stages 4 and 9 (§15 26–30, 58, 60)


def test_26_other_province_is_wrong_recipient(province: Province, communes: CommuneFactory) -> None:
    elsewhere = communes.make("26506", province_code="79")
    elsewhere.donate(date(2026, 2, 3), 100_000)
    before = province.dump()
    report = one(province.importer.commit([elsewhere.export(P1).path]))
    assert (report.status, report.code) == ("rejected", "WRONG_RECIPIENT")
    assert report.findings[-1].params == {"p": "79"}
    assert province.dump() == before and province.archived() == []


def test_27_unregistered_branch(province: Province, communes: CommuneFactory) -> None:
    commune = communes.make("00073")
    commune.donate(date(2026, 2, 3), 100_000)
    report = one(province.importer.preview([commune.export(P1).path]))
    assert (report.result, report.code) == ("QUARANTINE", "UNKNOWN_BRANCH")
    assert [f.code for f in report.findings] == ["UNKNOWN_BRANCH", "UNKNOWN_KEY"]


def test_28_foreign_origin_is_ownership_conflict(province: Province, communes: CommuneFactory) -> None:
    a = registered(province, communes, "00073")
    b = registered(province, communes, "00070")
    gift = a.donate(date(2026, 2, 3), 100_000)
    borrowed = a.donate(date(2026, 2, 4), 70_000)
    with a.services.ctx.sessions.begin() as s:  # a row claiming another branch as its origin
        donation = s.get(Donation, borrowed)
        assert donation is not None
        donation.origin_branch = "01-00070"
    export = a.export(P1)
    report = one(province.importer.commit([export.path]))
    assert report.status == "committed" and report.result == "WARN"
    assert row_codes(report) == [("donations", a.uuid_of_donation(borrowed), "OWNERSHIP_CONFLICT")]
    assert report.sheets["donations"] == {
        "imported": 1,
        "updated": 0,
        "deleted": 0,
        "ignored_unchanged": 0,
        "ignored_stale": 0,
        "conflicts": 1,
    }
    assert province.record("donations", a.uuid_of_donation(borrowed)) is None
    # Branch B's bundle carrying A's record id (as its own) is refused too: the stored origin is A.
    manifest, rows = bundle_rows(export.path)
    rows = {key: [] for key in rows} | {
        "donations": [
            [r[0], "01-00070", 5, *r[3:]] for r in rows["donations"] if r[0] == a.uuid_of_donation(gift)
        ]
    }
    b.export(P1)
    steal = resign(
        export.path,
        b.out / "steal.xlsx",
        b.private_key(),
        data=rows,
        branch_code="01-00070",
        seq=2,
        bundle_id="0192f7a0-aaaa-7000-8000-000000000007",
    )
    stolen = one(province.importer.commit([steal.path]))
    assert row_codes(stolen) == [("donations", a.uuid_of_donation(gift), "OWNERSHIP_CONFLICT")]
    record = province.record("donations", a.uuid_of_donation(gift))
    assert record is not None and (record.origin_branch, record.version) == ("01-00073", 1)
    assert manifest["branch_code"] == "01-00073"


def test_29_same_version_other_values(province: Province, communes: CommuneFactory) -> None:
    commune = registered(province, communes)
    gift = commune.donate(date(2026, 2, 3), 100_000)
    province.importer.commit([commune.export(P1).path])
    backup = commune.snapshot()
    commune.correct_donation(gift, 150_000)
    province.importer.commit([commune.export(P1).path])
    commune.restore(backup)  # a restored install corrects the same receipt differently
    commune.correct_donation(gift, 200_000)
    commune.set_seq(5)
    report = one(province.importer.commit([commune.export(P1).path]))
    rid = commune.uuid_of_donation(gift)
    assert (report.status, report.result) == ("committed", "WARN")
    donations = [c for c in report.conflicts if c.sheet == "donations"]
    assert [(c.record_id, c.code) for c in donations] == [(rid, "VERSION_CONFLICT")]
    assert donations[0].message_vi == f"Bản ghi {rid} phiên bản 2 khác với bản đã nhập."
    record = province.record("donations", rid)
    assert record is not None and json.loads(record.data)["cash_vnd"] == "150000"
    [queued] = [
        c for c in ProvinceConflictService(province.services.ctx).list() if c.sheet_key == "donations"
    ]
    assert (queued.record_id, queued.version, queued.incoming["cash_vnd"]) == (rid, 2, "200000")
    with province.services.ctx.sessions() as s:
        assert set(s.scalars(select(ProvinceConflict.status))) == {"open"}


def test_30_change_in_a_locked_period(province: Province, communes: CommuneFactory) -> None:
    commune = registered(province, communes)
    gift = commune.donate(date(2026, 2, 3), 100_000)
    province.importer.commit([commune.export(P1).path])
    province.locks.lock("01-00073", P1, "Đã chốt số liệu tháng 2")
    commune.correct_donation(gift, 150_000)
    report = one(province.importer.commit([commune.export(P2).path]))
    rid = commune.uuid_of_donation(gift)
    assert ("donations", rid, "PERIOD_LOCKED") in row_codes(report)
    [conflict] = [c for c in report.conflicts if c.record_id == rid]
    assert conflict.message_vi == f"Kỳ {P1} đã khóa sổ; cần mở khóa để cập nhật."
    record = province.record("donations", rid)
    assert record is not None and json.loads(record.data)["cash_vnd"] == "100000"
    # After an audited unlock the commune's next export applies.
    province.locks.unlock("01-00073", P1, "Xã điều chỉnh biên nhận, đã duyệt")
    later = one(province.importer.commit([commune.export(P2).path]))
    assert later.sheets["donations"]["updated"] == 1
    record = province.record("donations", rid)
    assert record is not None and json.loads(record.data)["cash_vnd"] == "150000"


def test_60_new_record_in_a_locked_period(province: Province, communes: CommuneFactory) -> None:
    commune = registered(province, communes)
    province.locks.lock("01-00073", P1)
    late = commune.donate(date(2026, 2, 20), 80_000)
    report = one(province.importer.commit([commune.export(P2).path]))
    rid = commune.uuid_of_donation(late)
    assert ("donations", rid, "PERIOD_LOCKED") in row_codes(report)
    assert province.record("donations", rid) is None
    assert report.sheets["donations"]["imported"] == 0


def test_period_outside_the_bundle_is_period_invalid(province: Province, communes: CommuneFactory) -> None:
    commune = registered(province, communes)
    commune.donate(date(2026, 2, 3), 100_000)
    commune.donate(date(2026, 2, 4), 200_000)
    export = commune.export(P1)
    _manifest, rows = bundle_rows(export.path)
    first, second = rows["donations"]
    first[4] = "2024-12"  # before periods_included
    second[4] = "2099-01"  # in the future
    crafted = resign(
        export.path,
        commune.out / "periods.xlsx",
        commune.private_key(),
        data=rows,
        periods_included=(*export.periods_included, "2099-01"),
    )
    report = one(province.importer.commit([crafted.path]))
    assert sorted(c.code for c in report.conflicts if c.sheet == "donations") == ["PERIOD_INVALID"] * 2
    assert {c.message_vi for c in report.conflicts if c.sheet == "donations"} == {
        "Kỳ 2024-12 không hợp lệ.",
        "Kỳ 2099-01 không hợp lệ.",
    }


def test_58_report_disagreeing_with_records(province: Province, communes: CommuneFactory) -> None:
    commune = registered(province, communes)
    commune.donate(date(2026, 2, 3), 100_000)
    export = commune.export(P1)
    _manifest, rows = bundle_rows(export.path)
    [cash] = [r for r in rows["report"] if r[6] == "VD.TIEN" and r[10] is None and r[4] == P1]
    assert cash[9] == 100_000
    cash[9] = 120_000
    edited = resign(export.path, commune.out / "report.xlsx", commune.private_key(), data=rows).path
    report = one(province.importer.commit([edited]))
    assert (report.status, report.result, report.code) == ("committed", "WARN", "REPORT_MISMATCH")
    [mismatch] = [f for f in report.findings if f.code == "REPORT_MISMATCH"]
    assert (mismatch.params["reported"], mismatch.params["recomputed"]) == (120_000, 100_000)
    assert mismatch.params["indicator_code"] == "VD.TIEN"
    # The unedited bundle agrees with its records.
    other = communes.make("00070")
    other.register(province)
    other.donate(date(2026, 2, 3), 100_000)
    assert "REPORT_MISMATCH" not in one(province.importer.commit([other.export(P1).path])).codes


# ---------------------------------------------------------------- integrity failures and the dry run


def tampered(export_path: Path, out: Path) -> Path:
    """One amount changed after signing (CONTENT_MISMATCH)."""
    import openpyxl

    wb = openpyxl.load_workbook(export_path)
    ws = wb["Quyên góp"]
    ws["N2"] = 999_999
    wb.save(out)
    return out


def test_failed_import_writes_nothing(province: Province, communes: CommuneFactory) -> None:
    commune = registered(province, communes)
    commune.donate(date(2026, 2, 3), 100_000)
    export = commune.export(P1)
    bad = tampered(export.path, commune.out / "sua.xlsx")
    empty = commune.out / "rong.xlsx"
    empty.write_bytes(b"")
    before = province.dump()
    reports = province.importer.commit([bad, empty])
    assert [(r.status, r.code) for r in reports] == [
        ("rejected", "CONTENT_MISMATCH"),
        ("rejected", "FILE_EMPTY"),
    ]
    assert province.dump() == before and province.archived() == []
    assert any("dòng 2" in line for line in render_report(reports[0]))


def test_preview_writes_nothing(province: Province, communes: CommuneFactory) -> None:
    """Every kind of bundle at once (new, replay, quarantined, rejected, rotation): the dry run
    leaves the store byte-for-byte as it was and writes no archive file."""
    commune = registered(province, communes)
    commune.donate(date(2026, 2, 3), 100_000)
    first = commune.export(P1)
    province.importer.commit([first.path])
    archived = province.archived()
    commune.donate(date(2026, 2, 4), 50_000)
    second = commune.export(P1)
    forged = resign(second.path, commune.out / "forged.xlsx", Ed25519PrivateKey.generate()).path
    bad = tampered(second.path, commune.out / "sua.xlsx")
    rotation = commune.out / "rotation.xlsx"
    rotation_bundle(
        second.path,
        rotation,
        commune.private_key(),
        Ed25519PrivateKey.generate(),
        seq=3,
        bundle_id="0192f7a0-aaaa-7000-8000-000000000008",
    )
    stranger = communes.make("00070")
    stranger.donate(date(2026, 2, 3), 1_000)
    unknown = stranger.export(P1).path
    before = province.dump()
    reports = province.importer.preview([second.path, first.path, forged, bad, rotation, unknown])
    assert [r.code for r in reports] == [
        "OK",
        "ALREADY_IMPORTED",
        "UNKNOWN_KEY",
        "CONTENT_MISMATCH",
        "MISSING_BUNDLES",
        "UNKNOWN_BRANCH",
    ]
    assert all(r.dry_run for r in reports)
    assert [r.bundle_id is None for r in reports] == [
        True,
        False,
        True,
        True,
        True,
        True,
    ]  # a replay names its import
    assert province.dump() == before and province.archived() == archived
    # The preview's counts are what the commit does.
    assert dict(one(province.importer.commit([second.path])).total) == dict(reports[0].total)


def summary_of(report: BundleReport) -> dict[str, Any]:
    return report.summary()


def test_summary_lists_every_conflict_row(province: Province, communes: CommuneFactory) -> None:
    commune = registered(province, communes)
    province.locks.lock("01-00073", P1)
    for day in (3, 4, 5):
        commune.donate(date(2026, 2, day), 10_000 * day)
    report = one(province.importer.commit([commune.export(P1).path]))
    summary = summary_of(report)
    donations = [c for c in summary["conflicts"] if c["sheet"] == "donations"]
    assert len(donations) == 3 and {c["code"] for c in donations} == {"PERIOD_LOCKED"}
    assert set(donations[0]) == {"sheet", "excel_row", "record_id", "code", "message_vi", "message_en"}
    assert sorted(c["excel_row"] for c in donations) == [2, 3, 4]
    assert summary["sheets"]["donations"]["conflicts"] == 3
    assert summary["total"]["conflicts"] == sum(s["conflicts"] for s in summary["sheets"].values())
    assert json.loads(json.dumps(report.to_json()))["branch_code"] == "01-00073"
