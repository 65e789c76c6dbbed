# SPDX-License-Identifier: MIT
"""Writes a signed bundle (bundle-format.md §2, §4–§7): canonical values first, then row hashes,
`_index`, sheet digests, the manifest and its Ed25519 signature, then the workbook (cover first,
data sheets with Vietnamese headers, `_index` and `_manifest` veryHidden), and finally a
self-verification of the saved file: a bundle that does not verify is deleted, never handed over.
Never touches the database. Qt-free."""

from __future__ import annotations

import base64
import hashlib
import itertools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ..core.errors import RedCrossError
from ..core.i18n import _
from . import keys as crypto
from .canonical import (
    CANON_ID,
    ILLEGAL_TEXT_RE,
    MAX_INT,
    MAX_MANIFEST_CHARS,
    Canon,
    canonical_manifest,
    canonical_text,
    hash_keyed_row,
    sheet_digest,
    to_canonical,
)
from .schema import BundleSchema, Column, current_schema
from .xlsxstream import STYLE_HEADER, STYLE_TITLE, STYLE_WRAP, Cell, SheetSpec, write_xlsx

FORMAT = "vnrc-bundle"
FORMAT_VERSION = 1
COVER_TITLE = "GÓI DỮ LIỆU HỘI CHỮ THẬP ĐỎ GỬI CẤP TỈNH"
COVER_NOTICE = "KHÔNG CHỈNH SỬA TỆP NÀY – mọi sửa đổi phải làm trong phần mềm rồi xuất lại."

Row = Sequence[object]


class BundleWriteError(RedCrossError):
    """The data cannot be written as a valid bundle (a value its column cannot hold)."""

    code = "BUNDLE_DATA_INVALID"


class BundleSelfCheckError(RedCrossError):
    """The saved file failed its own verification; it has been deleted."""

    code = "BUNDLE_SELF_CHECK_FAILED"


@dataclass(frozen=True)
class ManifestFields:
    province_code: str
    branch_code: str
    branch_name: str
    period: str
    periods_included: tuple[str, ...]
    seq: int
    bundle_id: str
    created_at: str  # YYYY-MM-DDTHH:MM:SS±HH:MM
    exported_by: str
    app_version: str
    install_id: str
    schema_version: str | None = None  # None: the current schema
    prev_bundle_digest: str | None = None


@dataclass(frozen=True)
class Cover:
    title: str
    notice: str
    rows: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class BundleWritten:
    path: Path
    seq: int
    bundle_id: str
    bundle_digest: str
    file_sha256: str
    key_id: str
    fingerprint: str
    rows: dict[str, int]
    manifest: dict[str, Any] = field(repr=False)


@dataclass
class _Prepared:
    cells: dict[str, list[list[Cell]]]
    index: list[tuple[str, str, str]]
    digests: dict[str, tuple[int, str]]


def _writer_fn(column: Column) -> Callable[[object], Cell]:
    """Python value → the cell written (str, int or None); its canonical value is the same text, or
    str() of the int. Fast paths for the common types; everything else goes through to_canonical."""
    kind = column.type
    if kind in ("text", "code"):
        limit, codes = column.max_length, column.codes

        def text(value: object) -> Cell:
            if value is None:
                return None
            if type(value) is not str:
                return to_canonical(value, column)
            value = canonical_text(value).strip()
            if not value:
                return None
            if (
                (codes is not None and value not in codes)
                or len(value) > limit
                or ILLEGAL_TEXT_RE.search(value)
            ):
                return to_canonical(value, column)  # raises with the reason
            return value

        return text
    if kind in ("int", "flag"):
        flag = kind == "flag"

        def number(value: object) -> Cell:
            if value is None:
                return None
            if type(value) is int and (value in (0, 1) if flag else -MAX_INT <= value <= MAX_INT):
                return value
            canon = to_canonical(value, column)
            return None if canon is None else int(canon)

        return number
    if kind == "date":

        def day(value: object) -> Cell:
            if type(value) is date:
                return value.isoformat()
            return to_canonical(value, column)

        return day

    def other(value: object) -> Cell:
        return to_canonical(value, column)

    return other


def prepare(schema: BundleSchema, datasets: Mapping[str, Sequence[Row]]) -> _Prepared:
    """Cells, `_index` rows and digests from the rows of each data sheet (schema column order)."""
    unknown = set(datasets) - set(schema.sheet_keys)
    if unknown:
        raise ValueError(f"unknown sheets {sorted(unknown)}")
    cells: dict[str, list[list[Cell]]] = {}
    index: list[tuple[str, str, str]] = []
    digests: dict[str, tuple[int, str]] = {}
    for sheet in schema.sheets:
        key = sheet.sheet_key
        fns = [_writer_fn(c) for c in sheet.columns]
        n = len(fns)
        out: list[list[Cell]] = []
        pairs: list[tuple[str, str]] = []
        seen: set[str] = set()
        for row in datasets.get(key, ()):
            if len(row) != n:
                raise BundleWriteError(_("Dữ liệu trang {sheet} có số cột sai.").format(sheet=sheet.title))
            try:
                written = [f(v) for f, v in zip(fns, row, strict=False)]
            except ValueError as exc:
                raise BundleWriteError(
                    _("Không ghi được dữ liệu trang {sheet}: {reason}").format(sheet=sheet.title, reason=exc)
                ) from exc
            canon: list[Canon] = [key]
            canon += [v if v is None or type(v) is str else str(v) for v in written]
            record_id = canon[1]
            if record_id is None or record_id in seen:
                raise BundleWriteError(
                    _("Mã bản ghi trống hoặc trùng ở trang {sheet}: {id}").format(
                        sheet=sheet.title, id=record_id
                    )
                )
            seen.add(record_id)
            row_hash = hash_keyed_row(canon)
            pairs.append((record_id, row_hash))
            index.append((key, record_id, row_hash))
            out.append(written)
        if len(out) > schema.max_rows:
            raise BundleWriteError(
                _("Trang {sheet} có hơn {n} dòng; hãy chia nhỏ kỳ xuất.").format(
                    sheet=sheet.title, n=schema.max_rows
                )
            )
        cells[key] = out
        digests[key] = sheet_digest(pairs)
    return _Prepared(cells, index, digests)


def default_cover(
    fields: ManifestFields, schema: BundleSchema, rows: Mapping[str, int], fingerprint: str
) -> Cover:
    def month(period: str) -> str:
        return f"{period[5:7]}/{period[:4]}"

    created = datetime.fromisoformat(fields.created_at)
    lines: list[tuple[str, str]] = [
        ("Đơn vị", fields.branch_name),
        ("Mã đơn vị", fields.branch_code),
        ("Mã tỉnh", fields.province_code),
        ("Kỳ báo cáo", month(fields.period)),
        ("Các kỳ trong gói", ", ".join(month(p) for p in fields.periods_included)),
        ("Số thứ tự gói", str(fields.seq)),
        ("Thời điểm xuất", created.strftime("%d/%m/%Y %H:%M")),
        ("Người xuất", fields.exported_by),
    ]
    lines += [(f"Số dòng – {s.title}", str(rows.get(s.sheet_key, 0))) for s in schema.sheets]
    lines += [
        ("Mã vân tay khóa ký", fingerprint),
        ("Mẫu dữ liệu", fields.schema_version or schema.schema_version),
    ]
    return Cover(
        COVER_TITLE,
        COVER_NOTICE,
        tuple((canonical_text(a).strip(), canonical_text(b).strip()) for a, b in lines),
    )


def build_manifest(
    fields: ManifestFields,
    schema: BundleSchema,
    digests: Mapping[str, tuple[int, str]],
    public_raw: bytes,
    cover: Cover,
) -> dict[str, Any]:
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "canon": CANON_ID,
        "schema_version": schema.schema_version,
        "province_code": fields.province_code,
        "branch_code": fields.branch_code,
        "branch_name": canonical_text(fields.branch_name).strip(),
        "period": fields.period,
        "periods_included": sorted(set(fields.periods_included)),
        "seq": fields.seq,
        "bundle_id": fields.bundle_id,
        "created_at": fields.created_at,
        "exported_by": canonical_text(fields.exported_by).strip(),
        "app_version": fields.app_version,
        "install_id": fields.install_id,
        "key_id": crypto.key_id(public_raw),
        "public_key": base64.b64encode(public_raw).decode("ascii"),
        "sheets": {k: {"rows": n, "sha256": d} for k, (n, d) in digests.items()},
        "cover": {"title": cover.title, "notice": cover.notice, "rows": [list(r) for r in cover.rows]},
    }
    if fields.prev_bundle_digest:
        manifest["prev_bundle_digest"] = fields.prev_bundle_digest
    return manifest


def _width(column: Column) -> float:
    base = {"id": 38.0, "datetime": 26.0, "date": 12.0, "period": 9.0, "flag": 8.0, "int": 14.0, "code": 14.0}
    width = base.get(column.type, min(max(column.max_length / 4, 14.0), 40.0))
    return max(width, min(len(column.label) * 1.1, 30.0))


def sheet_specs(schema: BundleSchema, prepared: _Prepared, cover: Cover, b1: str, b2: str) -> list[SheetSpec]:
    cover_rows: list[list[Cell]] = [[cover.title], [cover.notice], []]
    cover_rows += [[label, value] for label, value in cover.rows]
    specs = [
        SheetSpec(
            schema.cover_title,
            cover_rows,
            len(cover_rows),
            2,
            widths=(34.0, 80.0),
            text_columns=(0, 1),
            protect=True,
            row_styles={1: STYLE_TITLE, 2: STYLE_WRAP},
        )
    ]
    for sheet in schema.sheets:
        rows = prepared.cells[sheet.sheet_key]
        header: list[Cell] = list(sheet.labels)
        specs.append(
            SheetSpec(
                sheet.title,
                itertools.chain([header], rows),
                len(rows) + 1,
                len(sheet.columns),
                widths=[_width(c) for c in sheet.columns],
                text_columns=[i for i, c in enumerate(sheet.columns) if c.type not in ("int", "flag")],
                freeze_header=True,
                protect=True,
                row_styles={1: STYLE_HEADER},
            )
        )
    index_rows: list[Sequence[Cell]] = [list(schema.index_header), *prepared.index]
    specs.append(
        SheetSpec(
            schema.index_title, index_rows, len(index_rows), 3, state="veryHidden", widths=(12.0, 40.0, 66.0)
        )
    )
    manifest_rows: list[Sequence[Cell]] = [["manifest", b1], ["signature", b2], ["sig_alg", "ed25519"]]
    specs.append(
        SheetSpec(schema.manifest_title, manifest_rows, 3, 2, state="veryHidden", widths=(12.0, 100.0))
    )
    return specs


def write_bundle(
    path: Path,
    fields: ManifestFields,
    datasets: Mapping[str, Sequence[Row]],
    private_key: Ed25519PrivateKey,
    cover: Cover | None = None,
    *,
    self_verify: bool = True,
) -> BundleWritten:
    """Writes the bundle to `path` and verifies the saved file (stages 0–3, 6, 7 against the signing
    key). Raises BundleWriteError on data a bundle cannot hold and BundleSelfCheckError (the file is
    removed) when the saved file does not verify."""
    schema = current_schema() if fields.schema_version is None else _schema(fields.schema_version)
    prepared = prepare(schema, datasets)
    public_raw = crypto.public_raw(private_key)
    rows = {k: n for k, (n, _d) in prepared.digests.items()}
    cover = cover or default_cover(fields, schema, rows, crypto.fingerprint(public_raw))
    manifest = build_manifest(fields, schema, prepared.digests, public_raw, cover)
    b1 = canonical_manifest(manifest)
    if len(b1) > MAX_MANIFEST_CHARS:
        raise BundleWriteError(_("Thông tin gói quá dài."))
    message = b1.encode("utf-8")
    signature = crypto.sign(private_key, crypto.BUNDLE_DOMAIN, message)
    bundle_digest = hashlib.sha256(crypto.BUNDLE_DOMAIN + message).hexdigest()
    path = Path(path)
    try:
        write_xlsx(
            path,
            sheet_specs(schema, prepared, cover, b1, base64.b64encode(signature).decode("ascii")),
            creator=fields.exported_by,
        )
        if self_verify:
            from .verify import verify_bundle

            result = verify_bundle(path, trusted_key=public_raw)
            if not result.ok or result.bundle_digest != bundle_digest or result.severity != "OK":
                raise BundleSelfCheckError(
                    _(
                        "Gói vừa ghi không tự kiểm tra được ({code}); tệp đã bị xóa. "
                        "Hãy báo lỗi cho người hỗ trợ."
                    ).format(code=result.code),
                    details="\n".join(f"{f.code} {f.location or ''} {f.message_en}" for f in result.findings),
                )
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    file_sha256 = hashlib.sha256(path.read_bytes()).hexdigest()
    return BundleWritten(
        path=path,
        seq=fields.seq,
        bundle_id=fields.bundle_id,
        bundle_digest=bundle_digest,
        file_sha256=file_sha256,
        key_id=crypto.key_id(public_raw),
        fingerprint=crypto.fingerprint(public_raw),
        rows=rows,
        manifest=manifest,
    )


def _schema(version: str) -> BundleSchema:
    from .schema import load_schema

    return load_schema(version)
