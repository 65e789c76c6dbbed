# SPDX-License-Identifier: MIT
"""Verification codes: the self-contained signed QR text, the short code, tampering, foreign keys."""

from __future__ import annotations

import base64
from dataclasses import replace
from datetime import date

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from redcross_desktop.certificates import codes
from redcross_desktop.certificates.codes import CodeFields
from redcross_desktop.sync import keys as sync_keys

FIELDS = CodeFields("CN-2026-000123", "01-00070", "", date(2026, 3, 5), "Nguyễn Văn Đức", 1_250_000)


def signed(key: Ed25519PrivateKey, fields: CodeFields = FIELDS) -> tuple[str, CodeFields, bytes]:
    raw = sync_keys.public_raw(key)
    fields = replace(fields, key_id=sync_keys.key_id(raw))
    signature = sync_keys.sign(key, sync_keys.CERTIFICATE_DOMAIN, fields.message())
    return codes.encode(fields, signature), fields, signature


def reencode(fields: CodeFields, signature: bytes) -> str:
    return codes.PREFIX + base64.b32encode(fields.message() + signature).decode().rstrip("=")


def test_constants_match_the_sync_layer() -> None:
    key = Ed25519PrivateKey.generate()
    raw = sync_keys.public_raw(key)
    assert codes.CERTIFICATE_DOMAIN == sync_keys.CERTIFICATE_DOMAIN
    assert codes.key_id(raw) == sync_keys.key_id(raw)


def test_genuine_code_passes_and_shows_the_fields() -> None:
    key = Ed25519PrivateKey.generate()
    text, fields, _sig = signed(key)
    check = codes.verify_code(text, sync_keys.public_raw(key))
    assert (check.valid, check.status) == (True, "valid")
    assert check.fields == fields
    assert check.fields.kind == "donor"
    assert ("Số tiền", "1.250.000 đ") in check.fields.describe()
    assert ("Người nhận", "Nguyễn Văn Đức") in check.fields.describe()


def test_qr_text_uses_only_qr_alphanumeric_characters() -> None:
    text, _fields, _sig = signed(Ed25519PrivateKey.generate())
    alphanumeric = set("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:")
    assert text.startswith("VNRCCERT1:")
    assert set(text) <= alphanumeric
    assert len(text) < 260  # a version 8 symbol at level M holds 221 alphanumeric characters … 9 holds 259


def test_scanner_noise_is_ignored() -> None:
    key = Ed25519PrivateKey.generate()
    text, _fields, _sig = signed(key)
    noisy = (
        "  " + text[:10].lower() + "\n" + " ".join(text[10 + i : 10 + i + 8] for i in range(0, 300, 8)) + " "
    )
    assert codes.verify_code(noisy, sync_keys.public_raw(key)).valid


@pytest.mark.parametrize(
    "change",
    [
        {"serial": "CN-2026-000124"},
        {"branch_code": "01-00071"},
        {"issued_on": date(2026, 3, 6)},
        {"recipient_name": "Nguyễn Văn Đúc"},
        {"value": 12_500_000},
    ],
)
def test_one_field_changed_fails(change: dict[str, object]) -> None:
    key = Ed25519PrivateKey.generate()
    _text, fields, signature = signed(key)
    tampered = reencode(replace(fields, **change), signature)  # type: ignore[arg-type]
    check = codes.verify_code(tampered, sync_keys.public_raw(key))
    assert (check.valid, check.status) == (False, "bad_signature")


def test_flipped_signature_bit_fails() -> None:
    key = Ed25519PrivateKey.generate()
    _text, fields, signature = signed(key)
    broken = bytes([signature[0] ^ 1]) + signature[1:]
    assert codes.verify_code(reencode(fields, broken), sync_keys.public_raw(key)).status == "bad_signature"


def test_another_branchs_key_fails() -> None:
    ours, theirs = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    text, _fields, _sig = signed(ours)
    check = codes.verify_code(text, sync_keys.public_raw(theirs))
    assert (check.valid, check.status) == (False, "wrong_key")
    assert check.fields is not None and check.fields.serial == "CN-2026-000123"


def test_a_forger_claiming_our_key_id_fails() -> None:
    ours, forger = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    fields = replace(FIELDS, key_id=sync_keys.key_id(sync_keys.public_raw(ours)))
    forged = codes.encode(fields, sync_keys.sign(forger, sync_keys.CERTIFICATE_DOMAIN, fields.message()))
    assert codes.verify_code(forged, sync_keys.public_raw(ours)).status == "bad_signature"


def test_a_signature_from_another_domain_fails() -> None:
    key = Ed25519PrivateKey.generate()
    fields = replace(FIELDS, key_id=sync_keys.key_id(sync_keys.public_raw(key)))
    bundle_sig = sync_keys.sign(key, sync_keys.BUNDLE_DOMAIN, fields.message())
    assert (
        codes.verify_code(codes.encode(fields, bundle_sig), sync_keys.public_raw(key)).status
        == "bad_signature"
    )


@pytest.mark.parametrize(
    "text", ["", "hello", "VNRCCERT1:", "VNRCCERT1:@@@@", "VNRCCERT1:AAAAAAAA", "VNRCCERT1:" + "A" * 300]
)
def test_malformed_text_is_reported(text: str) -> None:
    check = codes.verify_code(text, sync_keys.public_raw(Ed25519PrivateKey.generate()))
    assert (check.valid, check.status) == (False, "malformed")


def test_short_code_needs_the_records() -> None:
    key = Ed25519PrivateKey.generate()
    _text, _fields, signature = signed(key)
    short = codes.short_code(signature)
    assert len(short) == 11 and short[5] == "-"
    assert codes.normalise_short_code(short.lower().replace("-", " ")) == short.replace("-", "")
    assert codes.verify_code(short, sync_keys.public_raw(key)).status == "short_code"


def test_public_key_forms() -> None:
    raw = sync_keys.public_raw(Ed25519PrivateKey.generate())
    info = sync_keys.PublicKeyInfo(raw)
    for text in (
        info.b64,
        base64.urlsafe_b64encode(raw).decode().rstrip("="),
        raw.hex(),
        info.qr_text("01-00070", date(2026, 1, 1)),
    ):
        assert codes.parse_public_key(text) == raw
    with pytest.raises(ValueError):
        codes.parse_public_key("not a key")
