# SPDX-License-Identifier: MIT
"""Offline verification codes for certificates (domain.md §4 "Corner").

Format, version 1
-----------------
The QR code carries the text ``VNRCCERT1:`` + base32(``message`` + ``signature``), where base32 is
RFC 4648 (A–Z, 2–7) without ``=`` padding, and

- ``message`` = the byte ``0x01`` (format version), then the UTF-8 text of six fields joined by
  U+001F (unit separator), in this order:

  1. serial — ``CN-2026-000123``; its prefix is the kind: ``CN`` donor thank-you, ``HM`` blood
     donor honour, ``TN`` volunteer commendation;
  2. branch code — ``01-00070``;
  3. key id — 16 lower-case hex digits, the first 8 bytes of SHA-256 of the raw 32-byte Ed25519
     public key that signed (as ``sync.keys.key_id``);
  4. issued on — ``2026-03-05``;
  5. recipient name — NFC, as stored (``Nguyễn Văn An``);
  6. value — a decimal integer: the amount in đồng (CN), the number of blood donations (HM), the
     hours of voluntary work (TN).

- ``signature`` = the 64-byte Ed25519 signature by the branch key over
  ``b"VNRC-CERT/1\\n" + message`` (``CERTIFICATE_DOMAIN``, the domain separation of
  bundle-format.md §5).

The QR text is self-contained: with nothing but the branch's public key (base64, hex, or the
branch's ``VNRCKEY1:…`` key QR text) anyone can check it offline, and the check shows the six
fields, which must match the paper. Base32 uses only characters of QR's alphanumeric mode, so a
typical code (≈ 220 characters) is a version 8 symbol at level M. Scanners and people may add
spaces, line breaks or lower case; they are ignored.

The **short code** printed beside the QR, ``ABCDE-FGHJK``, is the first 10 base32 characters of
SHA-256(signature): 50 bits that name the certificate in the issuing branch's records. The app
looks it up there and checks the stored QR text; on its own it proves nothing, which is why the
QR is printed too.

Never touches the database. Qt-free.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Final

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from ..core.i18n import _
from ..core.vn import format_date, format_vnd

# The same bytes as `sync.keys.CERTIFICATE_DOMAIN`: the layer contract keeps `certificates` from
# importing `sync`, so the constant is repeated here and a test pins the two equal.
CERTIFICATE_DOMAIN: Final = b"VNRC-CERT/1\n"
PREFIX: Final = "VNRCCERT1:"
FORMAT_VERSION: Final = 1
SIGNATURE_BYTES: Final = 64
SHORT_CODE_CHARS: Final = 10
_SEPARATOR: Final = "\x1f"

# Certificate kind -> serial prefix (domain.md §4).
SERIES: Final[dict[str, str]] = {"donor": "CN", "blood": "HM", "volunteer": "TN"}
KIND_OF_SERIES: Final[dict[str, str]] = {prefix: kind for kind, prefix in SERIES.items()}

_SERIAL_RE = re.compile(r"^([A-Z]{2,4})-(\d{4})-(\d{6,})$")
_KEY_ID_RE = re.compile(r"^[0-9a-f]{16}$")
_SHORT_RE = re.compile(r"^[A-Z2-7]{10}$")
_NOISE_RE = re.compile(r"[\s\-]+")


class CodeFormatError(ValueError):
    """The text is not a version 1 certificate code; the message says what is wrong."""


@dataclass(frozen=True)
class CodeFields:
    """The essential fields a code signs."""

    serial: str
    branch_code: str
    key_id: str
    issued_on: date
    recipient_name: str
    value: int

    @property
    def kind(self) -> str:
        """donor | blood | volunteer, from the serial prefix ("" for an unknown prefix)."""
        return KIND_OF_SERIES.get(self.serial.split("-", 1)[0], "")

    def message(self) -> bytes:
        """The signed bytes (without the domain prefix)."""
        parts = [
            self.serial,
            self.branch_code,
            self.key_id,
            self.issued_on.isoformat(),
            unicodedata.normalize("NFC", self.recipient_name),
            str(int(self.value)),
        ]
        for part in parts:
            if _SEPARATOR in part:
                raise ValueError("a certificate field may not contain U+001F")
        return bytes([FORMAT_VERSION]) + _SEPARATOR.join(parts).encode("utf-8")

    def describe(self) -> list[tuple[str, str]]:
        """(label, text) lines for a person checking the paper, in Vietnamese."""
        value_line = {
            "donor": (_("Số tiền"), format_vnd(self.value)),
            "blood": (_("Số lần hiến máu"), str(self.value)),
            "volunteer": (_("Số giờ tình nguyện"), str(self.value)),
        }.get(self.kind, (_("Giá trị"), str(self.value)))
        return [
            (_("Số"), self.serial),
            (_("Người nhận"), self.recipient_name),
            value_line,
            (_("Ngày cấp"), format_date(self.issued_on)),
            (_("Chi hội"), self.branch_code),
            (_("Khóa ký"), self.key_id),
        ]


@dataclass(frozen=True)
class CodeCheck:
    """The outcome of a check. `status` is stable for scripts: valid, malformed, wrong_key,
    bad_signature, short_code (needs the branch's records), unknown, mismatch, void."""

    valid: bool
    reason: str
    fields: CodeFields | None
    status: str


def key_id(raw_public_key: bytes) -> str:
    return hashlib.sha256(raw_public_key).digest()[:8].hex()


def _b32(data: bytes) -> str:
    return base64.b32encode(data).decode("ascii").rstrip("=")


def encode(fields: CodeFields, signature: bytes) -> str:
    """The QR text for `fields` signed with `signature`."""
    if len(signature) != SIGNATURE_BYTES:
        raise ValueError("an Ed25519 signature is 64 bytes")
    return PREFIX + _b32(fields.message() + signature)


def short_code(signature: bytes) -> str:
    """``ABCDE-FGHJK``: the printed lookup code of a signature."""
    text = _b32(hashlib.sha256(signature).digest())[:SHORT_CODE_CHARS]
    return f"{text[:5]}-{text[5:]}"


def normalise_short_code(text: str) -> str | None:
    """The 10 characters of a typed short code (any case, spaces or hyphens), else None."""
    compact = _NOISE_RE.sub("", text).upper()
    return compact if _SHORT_RE.match(compact) else None


def is_full_code(text: str) -> bool:
    return text.strip().upper().startswith(PREFIX)


def _parse_fields(message: bytes) -> CodeFields:
    if not message or message[0] != FORMAT_VERSION:
        raise CodeFormatError(_("Mã xác thực thuộc phiên bản định dạng khác; hãy cập nhật phần mềm."))
    try:
        text = message[1:].decode("utf-8")
    except UnicodeDecodeError:
        raise CodeFormatError(_("Mã xác thực bị hỏng (nội dung không đọc được).")) from None
    parts = text.split(_SEPARATOR)
    if len(parts) != 6:
        raise CodeFormatError(_("Mã xác thực bị hỏng (thiếu hoặc thừa trường)."))
    serial, branch, kid, issued, name, value = parts
    if not _SERIAL_RE.match(serial) or not _KEY_ID_RE.match(kid) or not value.isdigit():
        raise CodeFormatError(_("Mã xác thực bị hỏng (số, khóa hoặc giá trị không đúng dạng)."))
    try:
        issued_on = date.fromisoformat(issued)
    except ValueError:
        raise CodeFormatError(_("Mã xác thực bị hỏng (ngày cấp không đúng dạng).")) from None
    return CodeFields(serial, branch, kid, issued_on, name, int(value))


def decode(text: str) -> tuple[CodeFields, bytes, bytes]:
    """(fields, signed message, signature) of a QR text; CodeFormatError if it is not one."""
    stripped = text.strip()
    if not stripped.upper().startswith(PREFIX):
        raise CodeFormatError(
            _("Đây không phải mã QR của giấy chứng nhận (mã phải bắt đầu bằng {prefix}).").format(
                prefix=PREFIX
            )
        )
    body = _NOISE_RE.sub("", stripped[len(PREFIX) :]).upper().rstrip("=")
    try:
        blob = base64.b32decode(body + "=" * (-len(body) % 8))
    except (binascii.Error, ValueError):
        raise CodeFormatError(_("Mã xác thực bị hỏng (có ký tự không hợp lệ); hãy quét lại mã QR.")) from None
    if len(blob) <= SIGNATURE_BYTES + 1:
        raise CodeFormatError(_("Mã xác thực bị cắt ngắn; hãy quét lại mã QR."))
    message, signature = blob[:-SIGNATURE_BYTES], blob[-SIGNATURE_BYTES:]
    return _parse_fields(message), message, signature


def verify_code(text: str, public_key_raw: bytes) -> CodeCheck:
    """Checks a QR text offline against the branch's public key (raw 32 bytes)."""
    if normalise_short_code(text) is not None and not is_full_code(text):
        return CodeCheck(
            False,
            _(
                "Mã ngắn chỉ tra được trong dữ liệu của chi hội đã cấp; "
                "để kiểm tra ngoại tuyến hãy quét mã QR."
            ),
            None,
            "short_code",
        )
    try:
        fields, message, signature = decode(text)
    except CodeFormatError as exc:
        return CodeCheck(False, str(exc), None, "malformed")
    given = key_id(public_key_raw)
    if fields.key_id != given:
        return CodeCheck(
            False,
            _(
                "Giấy này được ký bằng khóa {signed} (chi hội {branch}), không phải khóa đã cho ({given}). "
                "Hãy dùng khóa công khai đã đăng ký của chi hội {branch}."
            ).format(signed=fields.key_id, branch=fields.branch_code, given=given),
            fields,
            "wrong_key",
        )
    try:
        Ed25519PublicKey.from_public_bytes(public_key_raw).verify(signature, CERTIFICATE_DOMAIN + message)
    except (InvalidSignature, ValueError):
        return CodeCheck(
            False,
            _("Chữ ký không khớp: nội dung mã đã bị sửa hoặc mã không do chi hội {branch} cấp.").format(
                branch=fields.branch_code
            ),
            fields,
            "bad_signature",
        )
    return CodeCheck(
        True,
        _("Hợp lệ: giấy {serial} do chi hội {branch} cấp.").format(
            serial=fields.serial, branch=fields.branch_code
        ),
        fields,
        "valid",
    )


def parse_public_key(text: str) -> bytes:
    """The raw 32 bytes of a public key given as base64 (standard or URL-safe), 64 hex digits, or
    a branch key QR text ``VNRCKEY1:<branch>:<base64url>:<date>``. ValueError otherwise."""
    value = text.strip()
    if value.upper().startswith("VNRCKEY1:"):
        parts = value.split(":")
        if len(parts) < 3:
            raise ValueError(_("Mã QR khóa không đúng dạng VNRCKEY1:<chi hội>:<khóa>:<ngày>."))
        value = parts[2]
    candidates: list[bytes] = []
    if re.fullmatch(r"[0-9a-fA-F]{64}", value):
        candidates.append(bytes.fromhex(value))
    padded = value + "=" * (-len(value) % 4)
    for decoder in (base64.b64decode, base64.urlsafe_b64decode):
        try:
            candidates.append(decoder(padded))
        except (binascii.Error, ValueError):
            continue
    for raw in candidates:
        if len(raw) == 32:
            return raw
    raise ValueError(
        _("Khóa công khai không đúng dạng: cần 32 byte dạng base64, 64 chữ số hex hoặc mã QR VNRCKEY1.")
    )
