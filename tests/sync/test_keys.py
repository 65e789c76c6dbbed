# SPDX-License-Identifier: MIT
"""Branch signing keys: fingerprint format, passphrase protection, domain-separated signatures."""

from __future__ import annotations

import re

import pytest

from redcross_desktop.services.container import Services
from redcross_desktop.services.keys import NoSigningKeyError, SigningKeyExistsError
from redcross_desktop.sync import keys as crypto

PASS = "mat-khau-chi-hoi"


def test_fingerprint_golden_vector() -> None:
    raw = bytes(range(32))
    assert crypto.key_id(raw) == "630dcd2966c43366"
    assert crypto.fingerprint(raw) == crypto.fingerprint(bytes(range(32)))
    assert re.fullmatch(r"(\d{5} ){3}\d{5} / (\d{5} ){3}\d{5}", crypto.fingerprint(raw))
    assert crypto.normalise_fingerprint(crypto.fingerprint(raw)) == crypto.fingerprint(raw).replace(
        " ", ""
    ).replace("/", "")


def test_key_is_created_encrypted_and_unlocks_only_with_its_passphrase(services: Services) -> None:
    with pytest.raises(NoSigningKeyError):
        services.keys.require()
    row = services.keys.create(PASS)
    assert row.key_id == crypto.key_id(row.public_raw)
    assert row.qr_text.startswith("VNRCKEY1:01-00070:")
    with pytest.raises(SigningKeyExistsError):
        services.keys.create(PASS)
    with pytest.raises(crypto.WrongPassphraseError) as caught:
        services.keys.unlock("sai-mat-khau")
    assert caught.value.code == "WRONG_PASSPHRASE"
    private = services.keys.unlock(PASS)
    signature = crypto.sign(private, crypto.BUNDLE_DOMAIN, b"payload")
    assert crypto.verify(row.public_raw, crypto.BUNDLE_DOMAIN, b"payload", signature)
    # Domain separation: the same bytes under another domain do not verify.
    assert not crypto.verify(row.public_raw, crypto.CERTIFICATE_DOMAIN, b"payload", signature)
    assert not crypto.verify(row.public_raw, crypto.BUNDLE_DOMAIN, b"payloaD", signature)


def test_short_passphrase_is_refused(services: Services) -> None:
    with pytest.raises(crypto.WeakPassphraseError):
        services.keys.create("short")
    assert services.keys.show() is None
