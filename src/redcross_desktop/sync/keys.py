# SPDX-License-Identifier: MIT
"""Ed25519 branch keys (bundle-format.md §8): generation, passphrase protection at rest (PKCS#8
`BestAvailableEncryption`), key id, the decimal fingerprint read aloud over the phone, the QR text,
and domain-separated signing. Never touches the database. Qt-free."""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from datetime import date

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from ..core.errors import RedCrossError
from ..core.i18n import _

# Domain separation prefixes (bundle-format.md §5), as SSHSIG namespaces.
BUNDLE_DOMAIN = b"VNRC-SYNC-BUNDLE/1\n"
KEY_REGISTRATION_DOMAIN = b"VNRC-KEY-REGISTRATION/1\n"
KEY_ROTATION_DOMAIN = b"VNRC-KEY-ROTATION/1\n"
FINGERPRINT_DOMAIN = b"VNRC-KEY-FP/1\n"
CERTIFICATE_DOMAIN = b"VNRC-CERT/1\n"

MIN_PASSPHRASE = 8


class WrongPassphraseError(RedCrossError):
    code = "WRONG_PASSPHRASE"


class WeakPassphraseError(RedCrossError):
    code = "PASSPHRASE_TOO_SHORT"


@dataclass(frozen=True)
class PublicKeyInfo:
    raw: bytes  # 32 bytes

    @property
    def key_id(self) -> str:
        """Hex of the first 8 bytes of SHA-256(raw public key) (as minisign)."""
        return key_id(self.raw)

    @property
    def b64(self) -> str:
        return base64.b64encode(self.raw).decode("ascii")

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.raw)

    def qr_text(self, branch_code: str, created: date) -> str:
        raw = base64.urlsafe_b64encode(self.raw).rstrip(b"=").decode("ascii")
        return f"VNRCKEY1:{branch_code}:{raw}:{created.isoformat()}"


def key_id(raw_public_key: bytes) -> str:
    return hashlib.sha256(raw_public_key).digest()[:8].hex()


def fingerprint(raw_public_key: bytes) -> str:
    """Eight 5-digit groups (≈133 bits), e.g. `48213 00917 55302 71846 / 20399 84120 06671 39085`."""
    digest = hashlib.sha256(FINGERPRINT_DOMAIN + raw_public_key).digest()
    groups = [f"{int.from_bytes(digest[i : i + 4], 'big') % 100000:05d}" for i in range(0, 32, 4)]
    return " ".join(groups[:4]) + " / " + " ".join(groups[4:])


def normalise_fingerprint(text: str) -> str:
    """Digits only, so a typed or scanned fingerprint compares regardless of spacing."""
    return "".join(ch for ch in text if ch.isdigit())


def generate_private_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def public_raw(key: Ed25519PrivateKey | Ed25519PublicKey) -> bytes:
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def encrypt_private_key(key: Ed25519PrivateKey, passphrase: str) -> bytes:
    if len(passphrase) < MIN_PASSPHRASE:
        raise WeakPassphraseError(
            _("Mật khẩu khóa ký cần ít nhất {n} ký tự. Hãy chọn mật khẩu dài hơn.").format(n=MIN_PASSPHRASE)
        )
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(passphrase.encode("utf-8")),
    )


def decrypt_private_key(pem: bytes, passphrase: str) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(pem, passphrase.encode("utf-8"))
    except (ValueError, TypeError) as exc:  # cryptography's "Incorrect password" is a ValueError
        raise WrongPassphraseError(
            _("Mật khẩu khóa ký không đúng. Hãy nhập lại (phân biệt chữ hoa, chữ thường và dấu).")
        ) from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise WrongPassphraseError(_("Tệp khóa ký không phải khóa Ed25519."))
    return key


def public_key_from_raw(raw: bytes) -> Ed25519PublicKey:
    return Ed25519PublicKey.from_public_bytes(raw)


def sign(key: Ed25519PrivateKey, domain: bytes, message: bytes) -> bytes:
    return key.sign(domain + message)


def verify(raw_public_key: bytes, domain: bytes, message: bytes, signature: bytes) -> bool:
    try:
        public_key_from_raw(raw_public_key).verify(signature, domain + message)
    except (InvalidSignature, ValueError):
        return False
    return True
