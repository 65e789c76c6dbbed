# SPDX-License-Identifier: MIT
"""Verification (stages 0–7) that also hands back every data row's canonical values, for the
province merge of bundle-format.md §11, and lets the caller decide stages 4–5 from its own key
registry (`authorize`).

The values are the very canonical columns the verifier built and hashed (handed over through
`_Verifier._accepted_columns`), so the merge stores exactly what was signed and no sheet is parsed
or canonicalised twice. The registry stays with the caller: this module never touches the database.

This extends the private `_Verifier` of `verify.py` in two narrow places (the stage 4–5 hook and
the per-sheet result); the tests pin both, so a change there shows at once. Qt-free."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from . import keys as crypto
from .archive import ZipLimits
from .canonical import canonical_manifest
from .codes import CODES, REJECT
from .columns import FastColumn
from .schema import SheetSchema
from .verify import TrustedKey, VerificationResult, _Stop, _Verifier

Canon = str | None
# What the verifier found in one data sheet: {record_id: row_hash}, (record ids, Excel rows).
_Located = tuple[dict[str, str], tuple[Sequence[str], Sequence[int]]]


@dataclass(frozen=True)
class CanonicalRow:
    """One data row: canonical values in schema column order (None for null), as signed."""

    record_id: str
    excel_row: int
    row_hash: str
    values: tuple[Canon, ...]


@dataclass(frozen=True)
class SheetRows:
    sheet_key: str
    title: str
    scope: str  # periodic | register
    columns: tuple[str, ...]  # column keys, schema order
    rows: tuple[CanonicalRow, ...]


@dataclass(frozen=True)
class KeyDecision:
    """The caller's stage 4–5 verdict on a manifest: the registered key to check the signature
    against (None: the embedded key, for a preview only) and the codes to record, in table order
    (a REJECT among them ends the pipeline there)."""

    trusted: TrustedKey | None
    findings: tuple[tuple[str, dict[str, Any]], ...] = ()


# (manifest, bundle digest) -> decision; the digest lets "not imported before" be checked at stage 5.
Authorizer = Callable[[dict[str, Any], str], KeyDecision]


@dataclass(frozen=True)
class VerifiedBundle:
    result: VerificationResult
    sheets: dict[str, SheetRows] = field(default_factory=dict)  # filled when stage 7 passed


class _RowVerifier(_Verifier):
    def __init__(self, authorize: Authorizer | None, province_code: str | None, limits: ZipLimits) -> None:
        super().__init__(None, province_code, limits)
        self._authorize = authorize
        self.captured: list[tuple[SheetSchema, Sequence[FastColumn], _Located]] = []
        self._columns_now: Sequence[FastColumn] = ()

    def _stage4_5(self) -> None:
        if self._authorize is None:
            super()._stage4_5()
            return
        super()._stage4_5()  # WRONG_RECIPIENT (no trusted key yet, so nothing else)
        manifest = self.manifest
        assert manifest is not None
        signed = crypto.BUNDLE_DOMAIN + canonical_manifest(manifest).encode("utf-8")
        digest = hashlib.sha256(signed).hexdigest()
        decision = self._authorize(manifest, digest)
        for code, params in decision.findings:
            info = CODES[code]
            if info.severity == REJECT:
                self.reject(code, info.stage, **params)
            self.note(code, info.stage, **params)
        if decision.trusted is not None:
            self.trusted = decision.trusted
            super()._stage4_5()  # KEY_BRANCH_MISMATCH again (already decided) and authentication

    def _data_sheet(
        self,
        sheet: SheetSchema,
        name: str,
        rows: list[list[Any]],
        add: Callable[..., None],
        max_rows: int,
    ) -> tuple[dict[str, str], tuple[Sequence[str], Sequence[int]]]:
        self._columns_now = ()
        result = super()._data_sheet(sheet, name, rows, add, max_rows)
        self.captured.append((sheet, self._columns_now, result))
        return result

    def _accepted_columns(self, sheet: SheetSchema, columns: Sequence[FastColumn]) -> None:
        self._columns_now = columns


def _sheet_rows(sheet: SheetSchema, columns: Sequence[FastColumn], located: _Located) -> SheetRows:
    """The merge's rows from the very columns stage 7 canonicalised and hashed."""
    hashes, (ids, excel_rows) = located
    if not excel_rows or not columns:
        return SheetRows(sheet.sheet_key, sheet.title, sheet.scope, sheet.keys, ())
    values = [[v or None for v in c.values] for c in columns]  # "" is canonical null (C5)
    out = tuple(
        CanonicalRow(rid, excel_row, hashes[rid], row)
        for rid, excel_row, row in zip(ids, excel_rows, zip(*values, strict=True), strict=True)
    )
    return SheetRows(sheet.sheet_key, sheet.title, sheet.scope, sheet.keys, out)


def verify_with_rows(
    data: bytes,
    *,
    province_code: str | None,
    authorize: Authorizer | None = None,
    limits: ZipLimits | None = None,
) -> VerifiedBundle:
    """Stages 0–7 on a bundle in memory, with stages 4–5 decided by `authorize` (see KeyDecision),
    and, unless the result is a REJECT, the canonical rows of every data sheet. A bad file never
    raises."""
    verifier = _RowVerifier(authorize, province_code, limits or ZipLimits())
    try:
        verifier.run(data)
    except _Stop:
        pass
    result = verifier.result()
    if result.severity == REJECT:
        return VerifiedBundle(result)
    sheets = {s.sheet_key: _sheet_rows(s, columns, located) for s, columns, located in verifier.captured}
    return VerifiedBundle(result, sheets)
