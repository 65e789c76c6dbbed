# SPDX-License-Identifier: MIT
"""`sync.rows.verify_with_rows`: the same verdict as `verify_bytes`, every data row's canonical
values as signed (re-hashing them gives the signed row hashes), and stage 4–5 decided by the caller
(`authorize`), in table order, with a REJECT ending the pipeline there."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bundle_helpers import BRANCH, KEY, OTHER_KEY, datasets, make_bundle, rid

from redcross_desktop.sync import keys as crypto
from redcross_desktop.sync.canonical import row_hash
from redcross_desktop.sync.rows import KeyDecision, verify_with_rows
from redcross_desktop.sync.verify import TrustedKey, verify_bytes

PUBLIC = crypto.public_raw(KEY)


def test_rows_are_the_signed_canonical_values(tmp_path: Path) -> None:
    data = datasets()
    data["donations"][1][10] = "Trần  Thị\r\nBé"  # CRLF and a double space survive canonically
    path = tmp_path / "b.xlsx"
    written = make_bundle(path, data)
    plain = verify_bytes(path.read_bytes(), trusted_key=PUBLIC)
    verified = verify_with_rows(path.read_bytes(), province_code="01")
    assert (verified.result.code, verified.result.bundle_digest) == (plain.code, written.bundle_digest)
    assert {k: len(s.rows) for k, s in verified.sheets.items()} == plain.rows
    donations = verified.sheets["donations"]
    assert donations.scope == "periodic" and donations.columns[:3] == (
        "record_id",
        "origin_branch",
        "version",
    )
    first = donations.rows[0]
    assert first.record_id == rid(1) and first.excel_row == 2
    assert first.values[:6] == (rid(1), BRANCH, "1", "0", "2026-03", "2026-03-10T09:15:00+07:00")
    assert first.values[13:] == ("100000", "0", "valid", None)  # ints as text, null as None
    assert donations.rows[1].values[10] == "Trần  Thị\nBé"
    for sheet in verified.sheets.values():
        for row in sheet.rows:
            assert row_hash(sheet.sheet_key, row.values) == row.row_hash
    assert verified.sheets["members"].scope == "register"


def test_a_reject_gives_no_rows(tmp_path: Path) -> None:
    path = tmp_path / "b.xlsx"
    make_bundle(path)
    verified = verify_with_rows(path.read_bytes(), province_code="79")
    assert (verified.result.code, verified.sheets) == ("WRONG_RECIPIENT", {})


def test_authorize_decides_stages_4_and_5(tmp_path: Path) -> None:
    path = tmp_path / "b.xlsx"
    written = make_bundle(path)
    seen: list[tuple[dict[str, Any], str]] = []

    def registered(manifest: dict[str, Any], digest: str) -> KeyDecision:
        seen.append((manifest, digest))
        return KeyDecision(TrustedKey(PUBLIC, BRANCH))

    ok = verify_with_rows(path.read_bytes(), province_code="01", authorize=registered)
    assert (ok.result.code, ok.result.authenticated) == ("OK", True)
    assert seen[0][0]["seq"] == 1 and seen[0][1] == written.bundle_digest

    held = verify_with_rows(
        path.read_bytes(),
        province_code="01",
        authorize=lambda m, d: KeyDecision(
            None, (("UNKNOWN_BRANCH", {"b": BRANCH}), ("UNKNOWN_KEY", {"key_id": "x"}))
        ),
    )
    assert (held.result.severity, held.result.code, held.result.authenticated) == (
        "QUARANTINE",
        "UNKNOWN_BRANCH",
        False,
    )
    assert [f.code for f in held.result.findings] == ["UNKNOWN_BRANCH", "UNKNOWN_KEY"]
    assert len(held.sheets["donations"].rows) == 5  # a full preview still runs

    refused = verify_with_rows(
        path.read_bytes(),
        province_code="01",
        authorize=lambda m, d: KeyDecision(
            TrustedKey(PUBLIC, BRANCH), (("KEY_REVOKED", {"d": "01/04/2026"}),)
        ),
    )
    assert (refused.result.code, refused.result.stage, refused.sheets) == ("KEY_REVOKED", 5, {})

    forged = tmp_path / "forged.xlsx"
    make_bundle(forged, key=OTHER_KEY)
    wrong = verify_with_rows(forged.read_bytes(), province_code="01", authorize=registered)
    assert wrong.result.code == "UNKNOWN_KEY" and not wrong.result.authenticated
