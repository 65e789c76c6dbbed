# SPDX-License-Identifier: MIT
"""§15 case 2: a bundle re-saved unchanged by LibreOffice still verifies (a spreadsheet program reads
what the streaming writer writes), and the same file with one amount changed does not."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
from bundle_helpers import make_bundle, rid

from redcross_desktop.sync.verify import verify_bundle

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def _require_soffice() -> str:
    if SOFFICE is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice (soffice) is required under CI: install libreoffice-calc")
        pytest.skip("LibreOffice (soffice) is not installed on this machine")
    return SOFFICE


def _resave(soffice: str, src: Path, outdir: Path, profile: Path) -> Path:
    outdir.mkdir()
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(outdir),
            str(src),
        ],
        check=True,
        capture_output=True,
        timeout=240,
    )
    return outdir / src.name


def test_02_libreoffice_resave_verifies_and_a_changed_amount_does_not(tmp_path: Path) -> None:
    soffice = _require_soffice()
    original = tmp_path / "bundle.xlsx"
    written = make_bundle(original)
    resaved = _resave(soffice, original, tmp_path / "lo", tmp_path / "profile")
    assert resaved.read_bytes() != original.read_bytes()
    result = verify_bundle(resaved)
    assert result.code == "OK", [(f.code, f.location) for f in result.findings]
    assert result.bundle_digest == written.bundle_digest  # the same bundle, whatever the bytes
    wb = openpyxl.load_workbook(resaved)
    assert wb["_manifest"].sheet_state in ("hidden", "veryHidden")

    wb["Quyên góp"].cell(3, 14).value = 123
    tampered = tmp_path / "tampered.xlsx"
    wb.save(tampered)
    changed = verify_bundle(tampered)
    assert changed.code == "CONTENT_MISMATCH"
    assert changed.findings[-1].params["changes"] == [
        {"kind": "modified", "excel_row": 3, "record_id": rid(2)}
    ]
