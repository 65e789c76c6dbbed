# SPDX-License-Identifier: MIT
"""Verification (stages 0–7) that also hands back every data row's canonical values, for the
province merge of bundle-format.md §11, and lets the caller decide stages 4–5 from its own key
registry (`authorize`).

The values come from the very cells the verifier read and hashed, canonicalised by the same column
functions (`columns.py`, `canonical.py`), so the merge stores exactly what was signed and no sheet
is parsed twice. The registry stays with the caller: this module never touches the database.

This extends the private `_Verifier` of `verify.py` in two narrow places (the stage 4–5 hook and
the per-sheet result); the tests pin both, so a change there shows at once. Qt-free."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from . import keys as crypto
from .archive import ZipLimits
from .canonical import CellLimitError, CellTypeError, canon_function, canonical_manifest
from .codes import CODES, REJECT
from .columns import fast_column, from_canonical
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
        self.captured: list[tuple[SheetSchema, list[list[Any]], _Located]] = []

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
        result = super()._data_sheet(sheet, name, rows, add, max_rows)
        self.captured.append((sheet, rows, result))
        return result


def _sheet_rows(sheet: SheetSchema, rows: list[list[Any]], located: _Located) -> SheetRows:
    hashes, (ids, excel_rows) = located
    n = len(sheet.columns)
    if not excel_rows:
        return SheetRows(sheet.sheet_key, sheet.title, sheet.scope, sheet.keys, ())
    data = rows[1:] if len(excel_rows) == len(rows) - 1 else [rows[r - 1] for r in excel_rows]
    # calamine gives a rectangular grid; a sheet narrower than the schema has blank cells there.
    raw_columns: list[tuple[Any, ...]] = list(zip(*data, strict=False))[:n]
    raw_columns += [("",) * len(data)] * (n - len(raw_columns))
    columns = []
    for column, raw in zip(sheet.columns, raw_columns, strict=True):
        fast = fast_column(column, raw)
        if fast is None:
            fn = canon_function(column)
            try:
                canon = [fn(v) for v in raw]
            except (CellTypeError, CellLimitError) as exc:  # stage 7 accepted these very cells
                raise AssertionError(f"{sheet.sheet_key}.{column.key}: verified cell not canonical") from exc
            fast = from_canonical(canon)
        columns.append(fast)
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
    sheets = {s.sheet_key: _sheet_rows(s, rows, located) for s, rows, located in verifier.captured}
    return VerifiedBundle(result, sheets)
