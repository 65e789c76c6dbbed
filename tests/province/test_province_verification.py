# SPDX-License-Identifier: MIT
"""The worker side of the province import (`verification.verify_job`): the rows it hands to the
merge are exactly the signed canonical rows of `sync.rows.verify_with_rows`, with each row's JSON
document byte for byte what `json.dumps` writes (the stored `data`), whatever the text holds."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from province_helpers import P1, CommuneFactory, Province

from redcross_desktop.services.province.trust import load_registry
from redcross_desktop.services.province.verification import VerifyRequest, _document, verify_job
from redcross_desktop.sync.archive import ZipLimits
from redcross_desktop.sync.rows import verify_with_rows

AWKWARD = [
    None,
    "",
    'quote " and backslash \\ and slash /',
    "tab\tnewline\nreturn\r",
    "\x00\x01\x1f control characters",
    "Nguyễn Thị Ánh – “ngoặc kép” … ₫",
    "\u2028 line separator \u2029 and emoji 🇻🇳",
    '=HYPERLINK("x")',
    "12345678901234567890",
]


def test_row_document_is_what_json_dumps_writes() -> None:
    columns = [f"c{i}" for i in range(len(AWKWARD))] + ['key "quoted"', "khóa"]
    document = _document(columns)
    for shift in range(len(columns)):
        values = [AWKWARD[(i + shift) % len(AWKWARD)] for i in range(len(columns))]
        expected = json.dumps(
            dict(zip(columns, values, strict=True)), ensure_ascii=False, separators=(",", ":")
        )
        assert document(values) == expected
        assert json.loads(document(values)) == dict(zip(columns, values, strict=True))


def test_verify_job_hands_over_the_signed_rows(province: Province, communes: CommuneFactory) -> None:
    commune = communes.make("00073")
    commune.register(province)
    commune.donate(date(2026, 2, 3), 120_000, name='Ông "Ba" \\ Nguyễn')
    commune.activity(date(2026, 2, 9), "Tập huấn\nsơ cấp cứu")
    path: Path = commune.export(P1).path
    data = path.read_bytes()
    with province.services.ctx.sessions() as session:
        registry = load_registry(session)
    prepared = verify_job(VerifyRequest(data, registry, frozenset(), ZipLimits()))
    assert prepared.result.code == "OK" and prepared.result.authenticated
    assert prepared.decision is not None and prepared.decision.trusted is not None

    expected = verify_with_rows(data, province_code="01")
    assert set(prepared.sheets) == set(expected.sheets)
    for key, sheet in expected.sheets.items():
        rows = prepared.sheets[key].rows
        assert [r[:3] for r in rows] == [(r.record_id, r.excel_row, r.row_hash) for r in sheet.rows]
        for (_rid, _row, _hash, origin, version, deleted, period, doc), row in zip(
            rows, sheet.rows, strict=True
        ):
            assert (origin, str(version), "1" if deleted else "0", period) == row.values[1:5]
            assert doc == json.dumps(
                dict(zip(sheet.columns, row.values, strict=True)), ensure_ascii=False, separators=(",", ":")
            )
    assert len(prepared.sheets["donations"].rows) == 1 and len(prepared.sheets["activities"].rows) == 1


def test_verify_job_of_a_rejected_file_has_no_rows(province: Province) -> None:
    with province.services.ctx.sessions() as session:
        registry = load_registry(session)
    prepared = verify_job(VerifyRequest(b"PK\x03\x04 not really a zip", registry, frozenset(), ZipLimits()))
    assert prepared.result.severity == "REJECT" and prepared.sheets == {} and prepared.decision is None
