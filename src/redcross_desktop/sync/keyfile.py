# SPDX-License-Identifier: MIT
"""The public key registration file `vnrc-keyreg` (bundle-format.md §8.2): a small .xlsx with a
visible `Đăng ký khóa` sheet (checked like the bundle cover, C13) and a `_manifest` whose B1 is
self-signed over `VNRC-KEY-REGISTRATION/1\\n` + B1, proving possession of the private key.
Never touches the database. Qt-free."""

from __future__ import annotations

import base64
import binascii
import io
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ..core.errors import RedCrossError
from ..core.i18n import _
from . import keys as crypto
from .archive import ArchiveProblem, ZipLimits, check_file, open_archive
from .canonical import ManifestError, canonical_manifest, canonical_text, parse_manifest
from .codes import CODES
from .xlsxstream import STYLE_TITLE, STYLE_WRAP, SheetSpec, write_xlsx

KEYREG_FORMAT = "vnrc-keyreg"
SHEET_TITLE = "Đăng ký khóa"
TITLE = "ĐĂNG KÝ KHÓA KÝ GÓI DỮ LIỆU"
NOTICE = (
    "Gửi tệp này cho Hội CTĐ tỉnh. Mã vân tay phải được đối chiếu qua giấy đề nghị có chữ ký, đóng dấu "
    "hoặc qua điện thoại do tỉnh gọi theo số trong danh bạ của tỉnh."
)
FIELDS = (
    "format",
    "format_version",
    "branch_code",
    "branch_name",
    "province_code",
    "public_key",
    "key_id",
    "created_at",
    "install_id",
    "officer_name",
    "app_version",
)


class KeyFileError(RedCrossError):
    """The key file is not a valid, self-signed registration; `code` is the verification code."""

    code = "KEY_FILE_INVALID"

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class KeyRegistration:
    branch_code: str
    branch_name: str
    province_code: str
    public_raw: bytes
    key_id: str
    created_at: str
    install_id: str
    officer_name: str
    app_version: str

    @property
    def fingerprint(self) -> str:
        return crypto.fingerprint(self.public_raw)

    @property
    def qr_text(self) -> str:
        return crypto.PublicKeyInfo(self.public_raw).qr_text(
            self.branch_code, date.fromisoformat(self.created_at[:10])
        )


def visible_rows(reg: KeyRegistration) -> list[list[str]]:
    rows = [
        ["Mã đơn vị", reg.branch_code],
        ["Tên đơn vị", reg.branch_name],
        ["Mã tỉnh", reg.province_code],
        ["Mã khóa", reg.key_id],
        ["Mã vân tay", reg.fingerprint],
        ["Ngày tạo khóa", reg.created_at],
        ["Cán bộ", reg.officer_name],
        ["Mã QR (dạng chữ)", reg.qr_text],
    ]
    return [[canonical_text(a).strip(), canonical_text(b).strip()] for a, b in rows]


def write_key_file(path: Path, private_key: Ed25519PrivateKey, reg: KeyRegistration) -> str:
    """Writes the registration file; returns B1. The key must be the one in `reg`."""
    raw = crypto.public_raw(private_key)
    if raw != reg.public_raw:
        raise ValueError("the private key does not match the registration")
    manifest = _manifest(reg)
    b1 = canonical_manifest(manifest)
    signature = crypto.sign(private_key, crypto.KEY_REGISTRATION_DOMAIN, b1.encode("utf-8"))
    cover: list[list[str | int | None]] = [[TITLE], [NOTICE], []]
    cover += visible_rows(reg)  # type: ignore[arg-type]
    specs = [
        SheetSpec(
            SHEET_TITLE,
            cover,
            len(cover),
            2,
            widths=(24.0, 80.0),
            text_columns=(0, 1),
            protect=True,
            row_styles={1: STYLE_TITLE, 2: STYLE_WRAP},
        ),
        SheetSpec(
            "_manifest",
            [
                ["manifest", b1],
                ["signature", base64.b64encode(signature).decode("ascii")],
                ["sig_alg", "ed25519"],
            ],
            3,
            2,
            state="veryHidden",
            widths=(12.0, 100.0),
        ),
    ]
    try:
        write_xlsx(Path(path), specs, creator=reg.officer_name)
        read_key_file(Path(path))
    except BaseException:
        Path(path).unlink(missing_ok=True)
        raise
    return b1


def _manifest(reg: KeyRegistration) -> dict[str, Any]:
    return {
        "format": KEYREG_FORMAT,
        "format_version": 1,
        "branch_code": reg.branch_code,
        "branch_name": canonical_text(reg.branch_name).strip(),
        "province_code": reg.province_code,
        "public_key": base64.b64encode(reg.public_raw).decode("ascii"),
        "key_id": reg.key_id,
        "created_at": reg.created_at,
        "install_id": reg.install_id,
        "officer_name": canonical_text(reg.officer_name).strip(),
        "app_version": reg.app_version,
    }


def _fail(code: str) -> KeyFileError:
    return KeyFileError(code, CODES[code].message_vi.replace("{v}", "vnrc-keyreg"))


def read_key_file(path: Path) -> KeyRegistration:
    """Checks a registration file (stages 0–2, manifest, self-signature, canonical form, visible
    sheet) and returns its contents; raises KeyFileError with the verification code."""
    data = Path(path).read_bytes()
    try:
        check_file(data, ZipLimits())
        open_archive(data, ZipLimits())
    except ArchiveProblem as problem:
        raise _fail(problem.code) from problem
    try:
        from python_calamine import CalamineWorkbook

        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = {canonical_text(n): n for n in workbook.sheet_names}
        if "_manifest" not in sheets:
            raise _fail("MANIFEST_MISSING")
        grid = workbook.get_sheet_by_name(sheets["_manifest"]).to_python(skip_empty_area=False)
        visible = (
            workbook.get_sheet_by_name(sheets[SHEET_TITLE]).to_python(skip_empty_area=False)
            if SHEET_TITLE in sheets
            else None
        )
    except KeyFileError:
        raise
    except Exception as exc:  # untrusted input: any reader failure means unreadable
        raise _fail("MALFORMED_WORKBOOK") from exc
    cells = [list(r) + ["", ""] for r in grid] + [["", ""]] * 3
    if [cells[0][0], cells[1][0], cells[2][0]] != ["manifest", "signature", "sig_alg"]:
        raise _fail("MANIFEST_MISSING")
    b1, b2, b3 = cells[0][1], cells[1][1], cells[2][1]
    if b3 != "ed25519" or not isinstance(b1, str) or not isinstance(b2, str):
        raise _fail("MANIFEST_MALFORMED")
    try:
        manifest = parse_manifest(b1)
        signature = base64.b64decode(b2, validate=True)
        raw = base64.b64decode(str(manifest.get("public_key", "")), validate=True)
    except (ManifestError, binascii.Error, ValueError) as exc:
        raise _fail("MANIFEST_MALFORMED") from exc
    if manifest.get("format") != KEYREG_FORMAT or manifest.get("format_version") != 1:
        raise _fail("UNSUPPORTED_FORMAT")
    if set(manifest) != set(FIELDS) or not all(
        isinstance(manifest[k], str) for k in FIELDS if k != "format_version"
    ):
        raise _fail("MANIFEST_MALFORMED")
    if len(raw) != 32 or len(signature) != 64 or crypto.key_id(raw) != manifest["key_id"]:
        raise _fail("MANIFEST_MALFORMED")
    if not crypto.verify(raw, crypto.KEY_REGISTRATION_DOMAIN, b1.encode("utf-8"), signature):
        raise _fail("SIGNATURE_INVALID")
    if canonical_manifest(manifest) != b1:
        raise _fail("MANIFEST_NOT_CANONICAL")
    reg = KeyRegistration(
        branch_code=manifest["branch_code"],
        branch_name=manifest["branch_name"],
        province_code=manifest["province_code"],
        public_raw=raw,
        key_id=manifest["key_id"],
        created_at=manifest["created_at"],
        install_id=manifest["install_id"],
        officer_name=manifest["officer_name"],
        app_version=manifest["app_version"],
    )
    expected = [[TITLE, ""], [NOTICE, ""], ["", ""], *visible_rows(reg)]
    if visible is None:
        raise KeyFileError("SHEET_MISSING", _("Thiếu trang {sheet}.").format(sheet=SHEET_TITLE))
    got = [
        [canonical_text(c) if isinstance(c, str) else c for c in (list(r) + ["", ""])[:2]] for r in visible
    ]
    extra = [c for r in visible for c in list(r)[2:] if c != ""]
    while got and got[-1] == ["", ""]:
        got.pop()
    if got != expected or extra:
        raise _fail("COVER_MISMATCH")
    return reg
