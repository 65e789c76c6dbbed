# SPDX-License-Identifier: MIT
"""The `redcross` command line: exit codes, Vietnamese messages, JSON, the same services as the GUI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from redcross_desktop.cli import main


@pytest.fixture(autouse=True)
def _data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REDCROSS_DATA_DIR", str(tmp_path / "data"))  # logs and backups stay in the test
    monkeypatch.delenv("REDCROSS_PASSPHRASE", raising=False)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exc:  # argparse exits 2 on bad usage
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_init_then_search_in_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "b.sqlite3")
    code, out, _ = run(
        capsys, "init", "--db", db, "--province", "01", "--commune", "00070", "--chair", "Lê Thị Hoa"
    )
    assert code == 0 and "Hội Chữ thập đỏ phường Hoàn Kiếm" in out
    code, out, _ = run(capsys, "search", "--db", db, "nguyen van duc", "--json")
    assert code == 0
    assert json.loads(out) == {"ok": True, "result": {"query": "nguyen van duc", "count": 0, "people": []}}


def test_user_errors_exit_1_with_a_stable_code(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "b.sqlite3")
    code, _, err = run(capsys, "init", "--db", db, "--province", "01", "--commune", "99999")
    assert code == 1 and err.startswith("UNKNOWN_AREA_CODE: ")
    run(capsys, "init", "--db", db, "--province", "01", "--commune", "00070")
    code, out, _ = run(capsys, "init", "--db", db, "--province", "01", "--commune", "00070", "--json")
    assert code == 1 and json.loads(out)["code"] == "BRANCH_EXISTS"
    code, _, err = run(capsys, "search", "--db", str(tmp_path / "none.sqlite3"), "x")
    assert code == 1 and err.startswith("NO_BRANCH: ")


def test_bad_usage_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "no-such-command")[0] == 2
    assert run(capsys, "init", "--db", "x.sqlite3")[0] == 2  # --province is required


def test_keys_need_a_passphrase_and_show_the_fingerprint(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = str(tmp_path / "b.sqlite3")
    run(capsys, "init", "--db", db, "--province", "01", "--commune", "00070")
    code, _, err = run(capsys, "keys", "show", "--db", db)
    assert code == 1 and err.startswith("NO_SIGNING_KEY: ")
    code, _, err = run(capsys, "keys", "create", "--db", db)  # stdin is not a terminal under pytest
    assert code == 1 and err.startswith("PASSPHRASE_REQUIRED: ")
    monkeypatch.setenv("REDCROSS_PASSPHRASE", "mat-khau-chi-hoi")
    assert run(capsys, "keys", "create", "--db", db)[0] == 0
    code, out, _ = run(capsys, "keys", "show", "--db", db, "--json")
    shown = json.loads(out)["result"]
    assert code == 0 and shown["qr_text"].startswith("VNRCKEY1:01-00070:")
    assert len(shown["fingerprint"].replace(" ", "").replace("/", "")) == 40


def test_demo_creates_a_searchable_branch(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "demo.sqlite3")
    code, out, _ = run(capsys, "demo", "--db", db, "--people", "40", "--seed", "3", "--json")
    assert code == 0
    counts = json.loads(out)["result"]["counts"]
    assert counts["Người"] >= 40 and counts["Biên nhận quyên góp"] > 100
    code, out, _ = run(capsys, "search", "--db", db, "nguyen", "--json")
    assert code == 0 and json.loads(out)["result"]["count"] > 0


def test_db_upgrade_reports_head(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "b.sqlite3")
    code, out, _ = run(capsys, "db", "upgrade", "--db", db, "--json")
    assert code == 0 and json.loads(out)["result"]["upgraded"] is True
    code, out, _ = run(capsys, "db", "upgrade", "--db", db, "--json")
    assert json.loads(out)["result"]["upgraded"] is False


def test_report_json_lists_every_indicator_and_close_reopen(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "b.sqlite3")
    run(capsys, "init", "--db", db, "--province", "01", "--commune", "00070")
    out_file = tmp_path / "bao-cao.xlsx"
    code, out, _ = run(capsys, "report", "--db", db, "--period", "2026-10", "--out", str(out_file), "--json")
    indicators = json.loads(out)["result"]["indicators"]
    assert code == 0 and out_file.stat().st_size > 0
    codes = {i["code"] for i in indicators}
    assert {"VD.TIEN", "CT.NGUOI", "HM.DON_VI", "TC.HV.TONG"} <= codes
    assert next(i for i in indicators if i["code"] == "VD.TIEN" and not i["disagg"])["value"] == 0
    assert run(capsys, "period", "close", "--db", db, "--period", "2026-10")[0] == 0
    code, _, err = run(capsys, "period", "reopen", "--db", db, "--period", "2026-10")
    assert code == 1 and err.startswith("VALIDATION_FAILED: ")  # a reason is required
    code, out, _ = run(
        capsys, "period", "reopen", "--db", db, "--period", "2026-10", "--reason", "Bổ sung biên nhận"
    )
    assert code == 0 and "mở lại" in out


def test_certificates_issue_then_verify_offline_and_tampered(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = str(tmp_path / "demo.sqlite3")
    run(capsys, "demo", "--db", db, "--people", "30", "--seed", "2")
    monkeypatch.setenv("REDCROSS_PASSPHRASE", "mat-khau-chi-hoi")
    run(capsys, "keys", "create", "--db", db)
    key = json.loads(run(capsys, "keys", "show", "--db", db, "--json")[1])["result"]["qr_text"]
    pdf = tmp_path / "tnv.pdf"
    code, out, _ = run(
        capsys, "certificates", "issue", "--db", db, "--kind", "volunteer", "--out", str(pdf), "--json"
    )
    issued = json.loads(out)["result"]["certificates"]
    assert code == 0 and pdf.read_bytes().startswith(b"%PDF") and issued
    assert [c["serial"] for c in issued] == [
        f"TN-{issued[0]['serial'][3:7]}-{n:06d}" for n in range(1, len(issued) + 1)
    ]
    qr = issued[0]["qr_text"]
    code, out, _ = run(capsys, "certificates", "verify", qr, "--key", key)
    assert code == 0 and issued[0]["recipient"] in out
    # Change a character in the middle: the last base32 character may only carry padding bits.
    middle = len(qr) // 2
    tampered = qr[:middle] + ("A" if qr[middle] != "A" else "B") + qr[middle + 1 :]
    code, out, _ = run(capsys, "certificates", "verify", tampered, "--key", key, "--json")
    assert code == 1 and json.loads(out)["code"] == "CERTIFICATE_INVALID"


def test_export_verify_and_tampered_bundle(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import openpyxl

    db = str(tmp_path / "demo.sqlite3")
    run(capsys, "demo", "--db", db, "--people", "30", "--seed", "4")
    bundle, key = tmp_path / "goi.xlsx", tmp_path / "khoa.xlsx"
    code, _, err = run(capsys, "export", "--db", db, "--period", "2026-10", "--out", str(bundle))
    assert code == 1 and err.startswith("PASSPHRASE_REQUIRED: ") and not bundle.exists()
    monkeypatch.setenv("REDCROSS_PASSPHRASE", "mat-khau-chi-hoi")
    code, out, _ = run(capsys, "export", "--db", db, "--period", "2026-10", "--out", str(bundle), "--json")
    assert code == 0 and json.loads(out)["result"]["seq"] == 1
    assert run(capsys, "keys", "export", "--db", db, "--out", str(key))[0] == 0
    code, out, _ = run(capsys, "verify", str(bundle), "--key", str(key), "--json")
    assert code == 0 and json.loads(out)["result"]["authenticated"] is True
    book = openpyxl.load_workbook(bundle)
    sheet = book["Quyên góp"]
    column = [c.value for c in sheet[1]].index(
        next(v for v in (c.value for c in sheet[1]) if "Tiền" in str(v))
    ) + 1
    sheet.cell(2, column).value = int(sheet.cell(2, column).value or 0) + 1000
    book.save(bundle)
    code, out, _ = run(capsys, "verify", str(bundle), "--key", str(key))
    assert code == 1 and "CONTENT_MISMATCH" in out and "dòng 2" in out


def test_province_registers_a_key_imports_a_bundle_and_reports(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    commune, province = str(tmp_path / "xa.sqlite3"), str(tmp_path / "tinh.sqlite3")
    bundle, key = tmp_path / "goi.xlsx", tmp_path / "khoa.xlsx"
    run(capsys, "demo", "--db", commune, "--people", "30", "--seed", "6")
    monkeypatch.setenv("REDCROSS_PASSPHRASE", "mat-khau-chi-hoi")
    run(capsys, "export", "--db", commune, "--period", "2026-10", "--out", str(bundle))
    fingerprint = json.loads(run(capsys, "keys", "export", "--db", commune, "--out", str(key), "--json")[1])[
        "result"
    ]["fingerprint"]
    run(capsys, "init", "--db", province, "--province", "01", "--mode", "province")
    code, _, err = run(
        capsys,
        "keys",
        "register",
        "--db",
        province,
        str(key),
        "--branch",
        "01-00070",
        "--fingerprint",
        "0" + fingerprint,
    )
    assert code == 1 and err.startswith("FINGERPRINT_MISMATCH: ")
    register = (
        "keys",
        "register",
        "--db",
        province,
        str(key),
        "--branch",
        "01-00070",
        "--fingerprint",
        fingerprint,
    )
    assert run(capsys, *register)[0] == 0
    code, out, _ = run(capsys, "import", "--db", province, str(bundle), "--json")  # a dry run by default
    preview = json.loads(out)["result"]
    assert code == 0 and preview["dry_run"] is True and preview["bundles"][0]["total"]["imported"] > 0
    code, out, _ = run(capsys, "completeness", "--db", province, "--period", "2026-10", "--json")
    assert not any(c["reported"] for c in json.loads(out)["result"]["communes"])  # nothing was written
    code, out, _ = run(capsys, "import", "--db", province, str(bundle), "--commit", "--json")
    assert json.loads(out)["result"]["bundles"][0]["status"] == "committed"
    code, out, _ = run(capsys, "import", "--db", province, str(bundle), "--commit", "--json")
    assert json.loads(out)["result"]["bundles"][0]["code"] == "ALREADY_IMPORTED"
    code, out, _ = run(capsys, "completeness", "--db", province, "--period", "2026-10", "--json")
    reported = [c for c in json.loads(out)["result"]["communes"] if c["reported"]]
    assert [c["branch_code"] for c in reported] == ["01-00070"]
    code, out, _ = run(capsys, "report", "--db", province, "--period", "2026-10", "--json")
    lines = json.loads(out)["result"]["lines"]
    cash = next(x for x in lines if x["code"] == "VD.TIEN" and not x["disagg"])
    assert code == 0 and cash["communes"]["01-00070"] == cash["total"]
    assert (tmp_path / "bundle-archive").is_dir()


def test_conflicts_command_lists_and_refuses_bad_decisions(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    province = str(tmp_path / "province.sqlite3")
    run(capsys, "init", "--db", province, "--province", "01", "--mode", "province")
    code, out, _ = run(capsys, "conflicts", "--db", province, "--json")
    assert code == 0 and json.loads(out)["result"] == {"conflicts": []}
    code, out, _ = run(capsys, "conflicts", "--db", province)
    assert code == 0 and "Không có xung đột" in out
    code, out, _ = run(capsys, "conflicts", "--db", province, "--resolve", "1", "--keep", "--take", "--json")
    assert code == 1 and json.loads(out)["code"] == "VALIDATION_FAILED"
    code, out, _ = run(
        capsys, "conflicts", "--db", province, "--resolve", "7", "--keep", "--reason", "x", "--json"
    )
    assert code == 1 and json.loads(out)["code"] == "NOT_FOUND"
