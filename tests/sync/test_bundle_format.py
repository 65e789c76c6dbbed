# SPDX-License-Identifier: MIT
"""Signed bundles on real files: golden vectors of vnrc-c14n-1, the property that values survive,
and every single-bundle adversarial case of bundle-format.md §15, each with its exact code."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import subprocess
import sys
import unicodedata
import zipfile
import zlib
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from bundle_helpers import (
    KEY,
    OTHER_KEY,
    datasets,
    donation,
    make_bundle,
    rezip,
    rid,
    sheet_part,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from redcross_desktop.sync import keys as crypto
from redcross_desktop.sync.canonical import canonical_manifest, canonical_text, row_hash, sheet_digest
from redcross_desktop.sync.columns import fast_column, from_canonical, row_hashes
from redcross_desktop.sync.schema import current_schema
from redcross_desktop.sync.verify import TrustedKey, VerificationResult, verify_bundle, verify_bytes
from redcross_desktop.sync.writer import BundleWriteError

PUBLIC = crypto.public_raw(KEY)


@pytest.fixture
def bundle(tmp_path: Path) -> Path:
    path = tmp_path / "bundle.xlsx"
    make_bundle(path)
    return path


def codes(result: VerificationResult) -> list[str]:
    return [f.code for f in result.findings]


def edit(path: Path, change: Any, out: Path | None = None) -> Path:
    """Opens with openpyxl, applies `change(workbook)`, saves (as an officer's spreadsheet would)."""
    wb = openpyxl.load_workbook(path)
    change(wb)
    target = out or path.with_name("edited.xlsx")
    wb.save(target)
    return target


def manifest_cells(path: Path) -> tuple[str, str]:
    wb = openpyxl.load_workbook(path)
    ws = wb["_manifest"]
    return ws["B1"].value, ws["B2"].value


def set_manifest(path: Path, b1: str, b2: str | None = None) -> Path:
    def change(wb: openpyxl.Workbook) -> None:
        wb["_manifest"]["B1"].value = b1
        wb["_manifest"]["B1"].data_type = "s"
        if b2 is not None:
            wb["_manifest"]["B2"].value = b2

    return edit(path, change)


def resign(b1: str, key: Any = KEY) -> str:
    return base64.b64encode(crypto.sign(key, crypto.BUNDLE_DOMAIN, b1.encode("utf-8"))).decode("ascii")


# ---------------------------------------------------------------- golden vectors (C9, C10, C12, §5)


def test_golden_row_hashes_digest_and_manifest_bytes(tmp_path: Path) -> None:
    values = [
        rid(1),
        "01-00070",
        "1",
        "0",
        "2026-03",
        "2026-03-10T09:15:00+07:00",
        "BN-2026-000001",
        "2026-03-10",
        "person",
        "0192f7a0-0000-7000-8000-0000000000aa",
        "Nguyễn Thị Hoa",
        None,
        "cash",
        "500000",
        "0",
        "valid",
        None,
    ]
    h1 = row_hash("donations", values)
    assert (
        h1
        == hashlib.sha256(
            json.dumps(["donations", *values], ensure_ascii=False, separators=(",", ":")).encode()
        ).hexdigest()
    )
    assert h1 == "5c3a11dc8813e1ab8cbed8e71233acfb315d387970afc3ec42bc1b9f8d8b672c"
    report = [
        "01-00070|2026-03|D01|",
        "01-00070",
        "1",
        "0",
        "2026-03",
        "2026-04-01T08:00:00+07:00",
        "D01",
        "Tiền mặt nhận được",
        "đồng",
        "1250000",
        None,
    ]
    h2 = row_hash("report", report)
    assert h2 == "b4c4dfe189d258479a1dbeb3240484254c5526a35540bb881152d78731164533"
    assert sheet_digest([(report[0], h2)]) == (1, hashlib.sha256(f"{report[0]}\t{h2}\n".encode()).hexdigest())
    assert (
        canonical_manifest({"b": [1, "x"], "a": {"é": "Hội", "c": 2}})
        == '{"a":{"c":2,"é":"Hội"},"b":[1,"x"]}'
    )
    # The column path (verifier) equals the row path (writer) on the same values.
    sheet = current_schema().sheet("donations")
    columns = [from_canonical([v]) for v in values]
    assert row_hashes("donations", columns) == [h1]
    cells = [
        "" if v is None else float(v) if c.type in ("int", "flag") else v
        for c, v in zip(sheet.columns, values, strict=True)
    ]  # as calamine reports them: numbers are floats, blanks ""
    fast = [fast_column(c, [v]) for c, v in zip(sheet.columns, cells, strict=True)]
    assert all(f is not None for f in fast)
    assert row_hashes("donations", fast) == [h1]  # type: ignore[arg-type]


def test_golden_bundle_manifest_and_digest(tmp_path: Path) -> None:
    written = make_bundle(tmp_path / "g.xlsx")
    b1, b2 = manifest_cells(tmp_path / "g.xlsx")
    assert b1 == canonical_manifest(written.manifest)
    assert written.bundle_digest == hashlib.sha256(crypto.BUNDLE_DOMAIN + b1.encode()).hexdigest()
    assert base64.b64decode(b2) == crypto.sign(
        KEY, crypto.BUNDLE_DOMAIN, b1.encode()
    )  # Ed25519 is deterministic
    # Same rows, same fields, same key → same B1 and digest, whatever the file bytes.
    again = make_bundle(tmp_path / "g2.xlsx")
    assert again.bundle_digest == written.bundle_digest
    assert written.manifest["sheets"]["donations"]["rows"] == 5
    assert written.manifest["key_id"] == crypto.key_id(PUBLIC)


# ---------------------------------------------------------------- property: values survive


TEXT = st.text(
    alphabet=st.characters(
        blacklist_categories=("Cs",),
        blacklist_characters="\x00\ufffe\uffff"
        + "".join(chr(c) for c in range(1, 32) if chr(c) not in "\n\t\r"),
    ),
    max_size=40,
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    names=st.lists(
        st.one_of(
            TEXT,
            st.sampled_from(
                [
                    "=1+1",
                    '=HYPERLINK("http://x")',
                    "+84912345678",
                    "-5",
                    "@SUM(A1)",
                    "a\r\nb",
                    unicodedata.normalize("NFD", "Nguyễn Thị Hoa"),
                    "_x0041_",
                ]
            ),
        ),
        min_size=1,
        max_size=6,
    ),
    amounts=st.lists(st.integers(min_value=0, max_value=999_999_999_999_999), min_size=6, max_size=6),
)
def test_property_text_and_ints_survive_export_and_verify(
    tmp_path: Path, names: list[str], amounts: list[int]
) -> None:
    data = datasets(0)
    data["donations"] = [donation(i + 1, cash=amounts[i], name=name) for i, name in enumerate(names)]
    path = tmp_path / f"p{abs(hash((tuple(names), tuple(amounts))))}.xlsx"
    written = make_bundle(path, data)
    result = verify_bundle(path, trusted_key=PUBLIC)
    assert result.ok and result.code == "OK", codes(result)
    assert result.bundle_digest == written.bundle_digest
    wb = openpyxl.load_workbook(path, read_only=True)
    rows = list(wb["Quyên góp"].iter_rows(min_row=2, values_only=True))
    for row, name, amount in zip(rows, names, amounts, strict=False):
        expected = canonical_text(name).strip() or None
        assert row[10] == expected  # stored as text: "=…", "+84…" never became formulas or numbers
        assert row[13] == amount
    path.unlink()


# ---------------------------------------------------------------- §15 single-bundle cases


def test_01_valid_bundle_verifies_with_counts(bundle: Path) -> None:
    result = verify_bundle(bundle, trusted_key=PUBLIC)
    assert (result.ok, result.code, result.authenticated) == (True, "OK", True)
    assert result.rows == {
        "report": 1,
        "donations": 5,
        "relief": 1,
        "blood": 1,
        "members": 1,
        "activities": 1,
    }
    assert result.key_fingerprint == crypto.fingerprint(PUBLIC)
    standalone = verify_bundle(bundle)
    assert standalone.ok and not standalone.authenticated


def test_03_resaved_by_openpyxl_verifies(bundle: Path) -> None:
    assert verify_bundle(edit(bundle, lambda wb: None)).code == "OK"


def test_04_two_rows_swapped_verifies(bundle: Path) -> None:
    def swap(wb: openpyxl.Workbook) -> None:
        ws = wb["Quyên góp"]
        for col in range(1, ws.max_column + 1):
            a, b = ws.cell(2, col), ws.cell(3, col)
            a.value, b.value = b.value, a.value

    assert verify_bundle(edit(bundle, swap)).code == "OK"


def test_05_amount_changed_names_record_and_row(bundle: Path) -> None:
    result = verify_bundle(edit(bundle, lambda wb: wb["Quyên góp"].cell(4, 14, 9_999_999)))
    assert result.code == "CONTENT_MISMATCH" and result.stage == 7
    finding = result.findings[-1]
    assert finding.location == "Quyên góp"
    assert (finding.params["m"], finding.params["a"], finding.params["d"]) == (1, 0, 0)
    assert finding.params["changes"] == [{"kind": "modified", "excel_row": 4, "record_id": rid(3)}]
    assert "1 dòng bị sửa" in finding.message_vi and "Quyên góp: dòng 4 (sửa)" in finding.message_vi


def test_06_plausible_row_appended(bundle: Path) -> None:
    def append(wb: openpyxl.Workbook) -> None:
        ws = wb["Quyên góp"]
        row = [c.value for c in ws[2]]
        row[0] = rid(99)
        ws.append(row)

    result = verify_bundle(edit(bundle, append))
    assert result.code == "CONTENT_MISMATCH"
    assert result.findings[-1].params["changes"] == [{"kind": "added", "excel_row": 7, "record_id": rid(99)}]


def test_07_row_deleted(bundle: Path) -> None:
    result = verify_bundle(edit(bundle, lambda wb: wb["Quyên góp"].delete_rows(3)))
    assert result.code == "CONTENT_MISMATCH"
    assert result.findings[-1].params["changes"] == [{"kind": "deleted", "excel_row": 3, "record_id": rid(2)}]


def test_08_change_with_matching_index_edit(bundle: Path) -> None:
    def forge(wb: openpyxl.Workbook) -> None:
        ws = wb["Quyên góp"]
        ws.cell(2, 14, 1)
        values = [canonical_text(str(c.value)) if c.value is not None else None for c in ws[2]]
        values = [str(int(v)) if isinstance(c.value, int) else v for v, c in zip(values, ws[2], strict=True)]
        index = wb["_index"]
        for row in index.iter_rows(min_row=2):
            if row[1].value == rid(1):
                row[2].value = row_hash("donations", values)

    assert verify_bundle(edit(bundle, forge)).code == "INDEX_MISMATCH"


def test_09_manifest_seq_edited(bundle: Path) -> None:
    b1, _ = manifest_cells(bundle)
    assert verify_bundle(set_manifest(bundle, b1.replace('"seq":1', '"seq":2'))).code == "SIGNATURE_INVALID"
    assert verify_bundle(
        set_manifest(bundle, b1.replace('"period":"2026-03"', '"period":"2026-02"'))
    ).code in (
        "SIGNATURE_INVALID",
        "MANIFEST_MALFORMED",
    )  # 2026-02 is still in periods_included: signature decides


def test_10_manifest_redumped_with_spaces(bundle: Path) -> None:
    b1, _ = manifest_cells(bundle)
    spaced = json.dumps(json.loads(b1), sort_keys=True, ensure_ascii=False)
    assert verify_bundle(set_manifest(bundle, spaced)).code == "SIGNATURE_INVALID"
    assert verify_bundle(set_manifest(bundle, spaced, resign(spaced))).code == "MANIFEST_NOT_CANONICAL"


def test_11_duplicate_json_key(bundle: Path) -> None:
    b1, _ = manifest_cells(bundle)
    doubled = b1.replace('{"app_version"', '{"seq":9,"app_version"', 1)
    result = verify_bundle(set_manifest(bundle, doubled, resign(doubled)))
    assert result.code == "MANIFEST_MALFORMED" and result.stage == 3


def test_12_two_sheet_titles_swapped(bundle: Path) -> None:
    def swap(wb: openpyxl.Workbook) -> None:
        wb["Cứu trợ"].title = "tmp"
        wb["Hiến máu"].title = "Cứu trợ"
        wb["tmp"].title = "Hiến máu"

    assert verify_bundle(edit(bundle, swap)).code == "HEADER_MISMATCH"


def test_13_sheet_renamed_or_deleted(bundle: Path) -> None:
    def rename(wb: openpyxl.Workbook) -> None:
        wb["Hiến máu"].title = "Hien mau"

    renamed = verify_bundle(edit(bundle, rename))
    assert renamed.code == "SHEET_MISSING"
    assert renamed.findings[0].params == {"sheet": "Hiến máu"}
    assert verify_bundle(edit(bundle, lambda wb: wb.remove(wb["Hoạt động"]))).code == "SHEET_MISSING"


def test_14_sheet_spliced_from_another_bundle(tmp_path: Path, bundle: Path) -> None:
    other_data = datasets()
    other_data["donations"] = [donation(n, cash=7) for n in range(1, 6)]
    other = tmp_path / "other.xlsx"
    make_bundle(other, other_data, seq=2)
    source = openpyxl.load_workbook(other)["Quyên góp"]

    def splice(wb: openpyxl.Workbook) -> None:
        ws = wb["Quyên góp"]
        for row in source.iter_rows():
            for cell in row:
                ws.cell(cell.row, cell.column, cell.value)

    result = verify_bundle(edit(bundle, splice))
    assert result.code == "CONTENT_MISMATCH"
    assert result.findings[-1].params["m"] == 5


def test_15_cover_count_edited(bundle: Path) -> None:
    def change(wb: openpyxl.Workbook) -> None:
        ws = wb["Thông tin gói"]
        for row in ws.iter_rows():
            if row[0].value == "Số dòng – Quyên góp":
                row[1].value = "6"

    assert verify_bundle(edit(bundle, change)).code == "COVER_MISMATCH"


def test_16_17_foreign_key_and_branch(tmp_path: Path) -> None:
    path = tmp_path / "k.xlsx"
    make_bundle(path, key=OTHER_KEY)
    quarantined = verify_bundle(path, trusted_key=PUBLIC)
    assert (quarantined.code, quarantined.severity, quarantined.ok) == ("UNKNOWN_KEY", "QUARANTINE", False)
    assert not quarantined.authenticated
    mismatch = verify_bundle(path, trusted_key=TrustedKey(crypto.public_raw(OTHER_KEY), "01-99999"))
    assert mismatch.code == "KEY_BRANCH_MISMATCH"
    assert verify_bundle(path, province_code="79").code == "WRONG_RECIPIENT"


def test_31_schema_too_new(bundle: Path) -> None:
    b1, _ = manifest_cells(bundle)
    assert verify_bundle(set_manifest(bundle, b1.replace('"2026.1"', '"2099.1"'))).code == "SCHEMA_TOO_NEW"
    assert (
        verify_bundle(set_manifest(bundle, b1.replace('"2026.1"', '"2020.1"'))).code == "UNSUPPORTED_FORMAT"
    )


def test_33_unsupported_format(bundle: Path) -> None:
    b1, _ = manifest_cells(bundle)
    assert verify_bundle(
        set_manifest(bundle, b1.replace('"format_version":1', '"format_version":2'))
    ).code == ("UNSUPPORTED_FORMAT")
    canon = verify_bundle(set_manifest(bundle, b1.replace("vnrc-c14n-1", "vnrc-c14n-9")))
    assert canon.code == "UNSUPPORTED_FORMAT" and "vnrc-c14n-9" in canon.findings[0].message_vi


def test_34_35_truncated_and_empty(tmp_path: Path, bundle: Path) -> None:
    data = bundle.read_bytes()
    half = tmp_path / "half.xlsx"
    half.write_bytes(data[: len(data) // 2])
    assert verify_bundle(half).code == "CORRUPT_ARCHIVE"
    empty = tmp_path / "empty.xlsx"
    empty.write_bytes(b"")
    assert verify_bundle(empty).code == "FILE_EMPTY"
    assert verify_bytes(b"x" * 100, limits=None).code == "UNSUPPORTED_FILE_TYPE"


def test_36_gigabyte_of_rows_refused_before_parsing(tmp_path: Path, bundle: Path) -> None:
    bomb = tmp_path / "bomb.xlsx"
    part = sheet_part(bundle, "Quyên góp")
    with (
        zipfile.ZipFile(bundle) as zin,
        zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zout,
    ):
        for info in zin.infolist():
            if info.filename != part:
                zout.writestr(info.filename, zin.read(info))
        with zout.open(part, "w", force_zip64=True) as out:
            row = b'<row r="2"><c r="A2" t="s"><v>0</v></c></row>' * 20_000
            for _ in range(1024**3 // len(row) + 1):
                out.write(row)
    assert bomb.stat().st_size < 25 * 1024 * 1024
    assert verify_bundle(bomb).code == "ZIP_LIMITS_EXCEEDED"


def test_37_overlapping_entries(tmp_path: Path, bundle: Path) -> None:
    # Many central-directory entries pointing at one local entry (one deflate stream).
    data = bundle.read_bytes()
    with zipfile.ZipFile(bundle) as zf:
        info = zf.getinfo(sheet_part(bundle, "Quyên góp"))
    eocd = data.rfind(b"PK\x05\x06")
    cd_offset = int.from_bytes(data[eocd + 16 : eocd + 20], "little")
    cd = data[cd_offset:eocd]
    start = cd.find(b"PK\x01\x02" + cd[4:4])  # first entry
    entries = []
    pos = start
    while pos < len(cd):
        n, m, k = (int.from_bytes(cd[pos + o : pos + o + 2], "little") for o in (28, 30, 32))
        entries.append(cd[pos : pos + 46 + n + m + k])
        pos += 46 + n + m + k
    target = next(e for e in entries if e[46 : 46 + len(info.filename)] == info.filename.encode())
    copies = [
        target[:46] + f"xl/worksheets/copy{i}.xml".encode() + target[46 + len(info.filename) :]
        for i in range(40)
    ]
    for i, c in enumerate(copies):  # fix the name length field
        name_len = len(f"xl/worksheets/copy{i}.xml")
        copies[i] = c[:28] + name_len.to_bytes(2, "little") + c[30:]
    new_cd = b"".join(entries + copies)
    count = len(entries) + len(copies)
    new_eocd = (
        data[eocd : eocd + 8]
        + count.to_bytes(2, "little")
        + count.to_bytes(2, "little")
        + len(new_cd).to_bytes(4, "little")
        + cd_offset.to_bytes(4, "little")
        + data[eocd + 20 : eocd + 22]
    )
    forged = tmp_path / "overlap.xlsx"
    forged.write_bytes(data[:cd_offset] + new_cd + new_eocd)
    assert verify_bundle(forged).code == "ZIP_LIMITS_EXCEEDED"


def test_38_unsafe_entry_name(tmp_path: Path, bundle: Path) -> None:
    bad = rezip(bundle, tmp_path / "bad.xlsx", extra={"../../x": b"boo"})
    assert verify_bundle(bad).code == "UNSAFE_ENTRY_NAME"


BILLION_LAUGHS = b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'


def test_39_40_dtd_entities_and_external_entity(tmp_path: Path, bundle: Path) -> None:
    def in_workbook(name: str, data: bytes) -> bytes:
        if name == "xl/workbook.xml":
            return BILLION_LAUGHS + data.split(b"?>", 1)[1]
        return data

    assert verify_bundle(rezip(bundle, tmp_path / "a.xlsx", in_workbook)).code == "XML_FORBIDDEN"
    part = sheet_part(bundle, "Quyên góp")

    def in_sheet(name: str, data: bytes) -> bytes:
        if name == part:
            return BILLION_LAUGHS + data.split(b"?>", 1)[1].replace(b"<v>0</v>", b"<v>&lol2;</v>", 1)
        return data

    assert verify_bundle(rezip(bundle, tmp_path / "b.xlsx", in_sheet)).code == "XML_FORBIDDEN"

    def external(name: str, data: bytes) -> bytes:
        if name == "xl/sharedStrings.xml":
            return (
                b'<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                + data.split(b"?>", 1)[1]
            )
        return data

    assert verify_bundle(rezip(bundle, tmp_path / "c.xlsx", external)).code == "XML_FORBIDDEN"


def test_41_formula_typed_in_a_cell(bundle: Path) -> None:
    result = verify_bundle(edit(bundle, lambda wb: wb["Quyên góp"].__setitem__("H3", "=1+1")))
    assert result.code == "FORMULA_NOT_ALLOWED"
    assert result.findings[0].location == "Quyên góp!H3"
    assert (
        result.findings[0].message_vi
        == "Ô Quyên góp!H3 chứa công thức. Gói dữ liệu không được chứa công thức."
    )


def test_42_formula_like_text_stays_text(tmp_path: Path) -> None:
    data = datasets(0)
    texts = ['=HYPERLINK("http://x","y")', "@SUM(A1)", "+84912345678", "-5", "0912345678"]
    data["donations"] = [donation(i + 1, name=t) for i, t in enumerate(texts)]
    path = tmp_path / "t.xlsx"
    make_bundle(path, data)
    assert verify_bundle(path).code == "OK"
    ws = openpyxl.load_workbook(path)["Quyên góp"]
    assert [ws.cell(r, 11).value for r in range(2, 7)] == texts
    assert all(ws.cell(r, 11).data_type == "s" for r in range(2, 7))


def test_43_boolean_in_flag_column(bundle: Path) -> None:
    result = verify_bundle(edit(bundle, lambda wb: wb["Quyên góp"].cell(2, 4, True)))
    assert result.code == "CELL_TYPE_INVALID"
    assert result.findings[0].location == "Quyên góp!D2"
    assert result.findings[0].message_vi == "Ô Quyên góp!D2: giá trị “TRUE” không đúng kiểu 0 hoặc 1."


def test_44_lying_dimension(tmp_path: Path, bundle: Path) -> None:
    part = sheet_part(bundle, "Quyên góp")

    def huge(name: str, data: bytes) -> bytes:
        if name == part:
            start = data.index(b"<dimension ref=")
            end = data.index(b"/>", start) + 2
            return data[:start] + b'<dimension ref="A1:XFD1048576"/>' + data[end:]
        return data

    assert verify_bundle(rezip(bundle, tmp_path / "dim.xlsx", huge)).code == "OK"


def test_45_too_many_rows(tmp_path: Path, bundle: Path) -> None:
    part = sheet_part(bundle, "Hoạt động")

    def grow(name: str, data: bytes) -> bytes:
        if name == part:
            rows = b"".join(b'<row r="%d"><c r="A%d"><v>1</v></c></row>' % (r, r) for r in range(3, 200_003))
            return data.replace(b"</sheetData>", rows + b"</sheetData>")
        return data

    result = verify_bundle(rezip(bundle, tmp_path / "big.xlsx", grow))
    assert result.code == "LIMIT_EXCEEDED"
    assert result.findings[-1].params["sheet"] == "Hoạt động"


def test_46_value_right_of_last_column(bundle: Path) -> None:
    result = verify_bundle(edit(bundle, lambda wb: wb["Quyên góp"].cell(3, 19, "ghi chú")))
    assert result.code == "UNEXPECTED_COLUMN"
    assert result.findings[0].params == {"sheet": "Quyên góp", "col": "S"}


def test_47_header_label_edited(bundle: Path) -> None:
    result = verify_bundle(edit(bundle, lambda wb: wb["Hiến máu"].cell(1, 12, "ml")))
    assert (result.code, result.findings[0].params) == ("HEADER_MISMATCH", {"sheet": "Hiến máu"})


def test_48_row_copied(bundle: Path) -> None:
    result = verify_bundle(
        edit(bundle, lambda wb: wb["Quyên góp"].append([c.value for c in wb["Quyên góp"][2]]))
    )
    assert result.code == "DUPLICATE_RECORD_ID"
    assert result.findings[0].params == {"id": rid(1), "r1": 2, "r2": 7}


def test_49_50_nfd_crlf_and_empty_string_verify(bundle: Path) -> None:
    def change(wb: openpyxl.Workbook) -> None:
        ws = wb["Quyên góp"]
        ws.cell(2, 11).value = unicodedata.normalize("NFD", ws.cell(2, 11).value)
        ws.cell(2, 17).value = ""  # blank void reason written as ""
        act = wb["Hoạt động"]
        act.cell(2, 8).value = act.cell(2, 8).value.replace("\n", "\r\n")

    assert verify_bundle(edit(bundle, change)).code == "OK"


def test_51_52_53_other_file_types(tmp_path: Path, bundle: Path) -> None:
    ole = tmp_path / "x.xls"
    ole.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    assert verify_bundle(ole).code == "FILE_ENCRYPTED_OR_XLS"
    csv = tmp_path / "x.csv"
    csv.write_text("Mã bản ghi;Đơn vị tạo\n1;2\n", encoding="utf-8")
    assert verify_bundle(csv).code == "UNSUPPORTED_FILE_TYPE"
    ods = tmp_path / "x.ods"
    with zipfile.ZipFile(ods, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("content.xml", "<office:document-content/>")
    assert verify_bundle(ods).code == "UNSUPPORTED_FILE_TYPE"
    vba = rezip(bundle, tmp_path / "m.xlsx", extra={"xl/vbaProject.bin": b"\0" * 10})
    assert verify_bundle(vba).code == "UNSUPPORTED_FILE_TYPE"


def test_54_external_link_and_embedding_are_reported_never_parsed(tmp_path: Path, bundle: Path) -> None:
    parts = {
        "xl/externalLinks/externalLink1.xml": BILLION_LAUGHS + b"<externalLink/>",
        "xl/embeddings/oleObject1.bin": b"\xd0\xcf\x11\xe0",
    }
    result = verify_bundle(rezip(bundle, tmp_path / "ext.xlsx", extra=parts))
    assert (result.ok, result.severity, result.code) == (True, "WARN", "UNEXPECTED_PART")
    assert sorted(f.location for f in result.findings) == sorted(parts)


def test_59_public_key_not_matching_key_id(bundle: Path) -> None:
    b1, _ = manifest_cells(bundle)
    other = base64.b64encode(crypto.public_raw(OTHER_KEY)).decode()
    forged = b1.replace(base64.b64encode(PUBLIC).decode(), other)
    assert verify_bundle(set_manifest(bundle, forged, resign(forged, OTHER_KEY))).code == "MANIFEST_MALFORMED"


def test_64_defusedxml_disabled_refuses(bundle: Path) -> None:
    probe = (
        "import sys; from redcross_desktop.sync.verify import verify_bundle; "
        f"print(verify_bundle({str(bundle)!r}).code)"
    )
    env = {**os.environ, "OPENPYXL_DEFUSEDXML": "False"}
    out = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "DEFUSEDXML_MISSING"


def test_manifest_missing_and_writer_refuses_bad_values(tmp_path: Path, bundle: Path) -> None:
    assert verify_bundle(edit(bundle, lambda wb: wb.remove(wb["_manifest"]))).code == "MANIFEST_MISSING"
    data = datasets()
    data["donations"][0][12] = "bitcoin"  # not a channel code
    with pytest.raises(BundleWriteError) as caught:
        make_bundle(tmp_path / "bad.xlsx", data)
    assert caught.value.code == "BUNDLE_DATA_INVALID"
    assert not (tmp_path / "bad.xlsx").exists()


def test_compression_does_not_matter(tmp_path: Path, bundle: Path) -> None:
    stored = rezip(bundle, tmp_path / "stored.xlsx", lambda n, d: d)
    assert verify_bundle(stored).bundle_digest == verify_bundle(bundle).bundle_digest
    assert zlib  # the deflate stream differs, the bundle does not
