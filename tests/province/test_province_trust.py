# SPDX-License-Identifier: MIT
"""Trust store (bundle-format.md §8.2–§8.4): key registration with the fingerprint check (§15 case
62), KEY_CHANGED and confirmed replacement, revocation, the branch list, and the audit rows."""

from __future__ import annotations

import json
from datetime import date

import pytest
from province_helpers import P1, CommuneFactory, Province
from sqlalchemy import select

from redcross_desktop.core.errors import DuplicateError, NotFoundError, UnknownAreaCodeError, ValidationError
from redcross_desktop.db.models import AuditEntry, BundleState, ProvinceBranch, ProvinceKey
from redcross_desktop.services.province.common import ProvinceError
from redcross_desktop.services.province.trust import render_keys
from redcross_desktop.sync.keyfile import KeyFileError


def audit_rows(province: Province, table: str) -> list[AuditEntry]:
    with province.services.ctx.sessions() as s:
        return list(
            s.scalars(select(AuditEntry).where(AuditEntry.table_name == table).order_by(AuditEntry.id))
        )


def keys_in_store(province: Province) -> list[ProvinceKey]:
    with province.services.ctx.sessions() as s:
        return list(s.scalars(select(ProvinceKey)))


def test_register_key_with_matching_fingerprint(province: Province, communes: CommuneFactory) -> None:
    commune = communes.make("00073")
    info = province.trust.inspect_key_file(commune.key_file())
    assert (info.branch_code, info.province_code) == ("01-00073", "01")
    assert info.fingerprint == commune.fingerprint
    # Typed with other spacing and separators: only the digits are compared.
    typed = commune.fingerprint.replace(" ", "").replace("/", "-")
    row = province.trust.register_key(commune.key_file(), "01-00073", typed, "phone")
    assert (row.status, row.confirm_method, row.confirmed_by) == ("active", "phone", "can-bo-tinh")
    assert row.key_id == info.key_id and row.fingerprint == commune.fingerprint and row.last_seq == 0
    # The branch was not listed: it is added from the key file, with its commune code.
    branches = province.trust.branches()
    assert [(b.branch_code, b.commune_code, b.name) for b in branches] == [
        ("01-00073", "00073", "Hội Chữ thập đỏ phường Cửa Nam")
    ]
    created = audit_rows(province, "province_keys")
    assert [(a.record_uuid, a.action, a.actor) for a in created] == [(row.key_id, "create", "can-bo-tinh")]
    assert json.loads(created[0].after or "{}")["status"] == "active" and "phone" in created[0].reason
    assert [a.action for a in audit_rows(province, "province_branches")] == ["create"]
    # Registering the same key again changes nothing.
    again = province.trust.register_key(commune.key_file(), "01-00073", commune.fingerprint)
    assert again.key_id == row.key_id and len(audit_rows(province, "province_keys")) == 1


def test_wrong_fingerprint_is_refused_and_nothing_stored(
    province: Province, communes: CommuneFactory
) -> None:
    commune = communes.make("00073")
    digits = commune.fingerprint.replace(" ", "").replace("/", "")
    wrong = digits[:-1] + str((int(digits[-1]) + 1) % 10)
    before = province.dump()
    with pytest.raises(ProvinceError) as caught:
        province.trust.register_key(commune.key_file(), "01-00073", wrong)
    assert caught.value.code == "FINGERPRINT_MISMATCH"
    assert "Mã vân tay không khớp" in caught.value.message
    assert province.dump() == before


def test_second_key_is_key_changed_until_confirmed(province: Province, communes: CommuneFactory) -> None:
    first = communes.make("00073")
    old = first.register(province)
    first.export(P1)  # seq 1 …
    province.importer.commit([first.export(P1).path])  # … seq 2 committed: last seq 2
    # The commune lost its PC: a new install of the same branch registers a new key.
    second = communes.make("00073")
    before = province.dump()
    with pytest.raises(ProvinceError) as caught:
        province.trust.register_key(second.key_file(), "01-00073", second.fingerprint)
    assert caught.value.code == "KEY_CHANGED"
    assert caught.value.params["key_id"] == old.key_id
    assert f"đang có khóa {old.key_id}" in caught.value.message
    assert province.dump() == before
    new = province.trust.register_key(
        second.key_file(), "01-00073", second.fingerprint, "paper form", confirm_replace=True
    )
    listed = {k.key_id: k for k in province.trust.list_keys()}
    assert listed[new.key_id].status == "active"
    assert (listed[old.key_id].status, listed[old.key_id].retired_at_seq) == ("retired", 3)
    actions = [(a.record_uuid, a.action) for a in audit_rows(province, "province_keys")]
    assert actions[-2:] == [(old.key_id, "retire"), (new.key_id, "create")]
    # A retired key cannot come back through a key file.
    with pytest.raises(ProvinceError) as again:
        province.trust.register_key(first.key_file(), "01-00073", first.fingerprint, confirm_replace=True)
    assert again.value.code == "KEY_RETIRED"


def test_key_file_of_other_branch_or_province(province: Province, communes: CommuneFactory) -> None:
    commune = communes.make("00073")
    with pytest.raises(ProvinceError) as wrong_branch:
        province.trust.register_key(commune.key_file(), "01-00070", commune.fingerprint)
    assert wrong_branch.value.code == "KEY_BRANCH_MISMATCH"
    elsewhere = communes.make("26506", province_code="79")
    with pytest.raises(ProvinceError) as wrong_province:
        province.trust.register_key(elsewhere.key_file(), elsewhere.code, elsewhere.fingerprint)
    assert wrong_province.value.code == "WRONG_RECIPIENT"
    assert keys_in_store(province) == []


def test_damaged_key_file_is_refused(province: Province, communes: CommuneFactory) -> None:
    commune = communes.make("00073")
    path = commune.key_file()
    bad = path.with_name("hong.xlsx")
    bad.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])
    with pytest.raises(KeyFileError) as caught:
        province.trust.register_key(bad, "01-00073", commune.fingerprint)
    assert caught.value.code == "CORRUPT_ARCHIVE"
    with pytest.raises(ValidationError):
        province.trust.register_key(path, "01-00073", commune.fingerprint, "email")
    with pytest.raises(NotFoundError):
        province.trust.register_key(path.with_name("khong-co.xlsx"), "01-00073", commune.fingerprint)
    assert keys_in_store(province) == []


def test_revoke_needs_a_reason_and_is_audited(province: Province, communes: CommuneFactory) -> None:
    commune = communes.make("00073")
    key = commune.register(province)
    with pytest.raises(ValidationError):
        province.trust.revoke("01-00073", "  ")
    revoked = province.trust.revoke("01-00073", "Mất máy tính xã")
    assert (revoked.status, revoked.revoke_reason) == ("revoked", "Mất máy tính xã")
    assert revoked.revoked_at is not None
    last = audit_rows(province, "province_keys")[-1]
    assert (last.record_uuid, last.action, last.reason) == (key.key_id, "revoke", "Mất máy tính xã")
    assert json.loads(last.before or "{}")["status"] == "active"
    assert json.loads(last.after or "{}")["status"] == "revoked"
    with pytest.raises(NotFoundError):
        province.trust.revoke("01-00073", "lần nữa")
    with pytest.raises(DuplicateError):
        province.trust.revoke("01-00073", "lần nữa", key_id=key.key_id)
    # The branch now has no active key: the same key cannot be registered again.
    with pytest.raises(ProvinceError) as caught:
        province.trust.register_key(commune.key_file(), "01-00073", commune.fingerprint)
    assert caught.value.code == "KEY_REVOKED"
    lines = render_keys(province.trust.list_keys())
    assert "đã thu hồi" in lines[0] and "Mất máy tính xã" in lines[0]


def test_register_branch(province: Province) -> None:
    row = province.trust.register_branch("01-00004", "00004", "Hội CTĐ phường Ba Đình")
    assert (row.branch_code, row.commune_code) == ("01-00004", "00004")
    with pytest.raises(DuplicateError):
        province.trust.register_branch("01-00004", "00004", "Hội CTĐ phường Ba Đình")
    with pytest.raises(UnknownAreaCodeError):
        province.trust.register_branch("01-99999", "99999", "Không có")
    with pytest.raises(ValidationError) as bad:
        province.trust.register_branch("01 00004/x", None, "")
    assert set(bad.value.fields) == {"branch_code", "name"}
    with province.services.ctx.sessions() as s:
        assert s.scalar(select(ProvinceBranch.name).where(ProvinceBranch.branch_code == "01-00004"))
    assert [a.action for a in audit_rows(province, "province_branches")] == ["create"]


def test_list_keys_shows_last_seq(province: Province, communes: CommuneFactory) -> None:
    commune = communes.make("00073")
    commune.register(province)
    commune.donate(date(2026, 2, 3), 100_000)
    province.importer.commit([commune.export(P1).path])
    [row] = province.trust.list_keys()
    assert row.last_seq == 1
    with province.services.ctx.sessions() as s:
        state = s.get(BundleState, ("01-00073", row.key_id))
        assert state is not None and state.last_seq == 1


def test_commune_store_refuses_province_services(services: object, tmp_path: object) -> None:
    from redcross_desktop.services.container import Services
    from redcross_desktop.services.province.trust import TrustService

    assert isinstance(services, Services)
    with pytest.raises(ProvinceError) as caught:
        TrustService(services.ctx).register_branch("01-00004", None, "Ba Đình")
    assert caught.value.code == "NOT_PROVINCE_STORE"
