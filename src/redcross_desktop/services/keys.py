# SPDX-License-Identifier: MIT
"""The branch's signing key: created with the branch (or at its first export), stored encrypted
under the officer's passphrase, unlocked only for the one operation that signs. Qt-free."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import date, datetime

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..core.errors import RedCrossError
from ..core.i18n import _
from ..db.models import SigningKey
from ..sync import keys as crypto
from .context import ServiceContext


class NoSigningKeyError(RedCrossError):
    code = "NO_SIGNING_KEY"


class SigningKeyExistsError(RedCrossError):
    code = "SIGNING_KEY_EXISTS"


@dataclass(frozen=True)
class KeyRow:
    branch_code: str
    key_id: str
    public_key_b64: str
    fingerprint: str
    qr_text: str
    created_at: datetime
    status: str

    @property
    def public_raw(self) -> bytes:
        return base64.b64decode(self.public_key_b64)


def active_key(session: Session) -> SigningKey | None:
    return session.scalars(select(SigningKey).where(SigningKey.status == "active")).first()


def _row(key: SigningKey, branch_code: str) -> KeyRow:
    info = crypto.PublicKeyInfo(base64.b64decode(key.public_key))
    return KeyRow(
        branch_code,
        key.key_id,
        key.public_key,
        info.fingerprint,
        info.qr_text(branch_code, key.created_at.date() if key.created_at else date.today()),
        key.created_at,
        key.status,
    )


def add_key(session: Session, passphrase: str) -> SigningKey:
    """Generates a key and stores it encrypted; the caller's transaction commits it."""
    if active_key(session) is not None:
        raise SigningKeyExistsError(_("Chi hội đã có khóa ký đang dùng; không tạo khóa thứ hai."))
    private = crypto.generate_private_key()
    raw = crypto.public_raw(private)
    key = SigningKey(
        key_id=crypto.key_id(raw),
        public_key=base64.b64encode(raw).decode("ascii"),
        encrypted_private_key=crypto.encrypt_private_key(private, passphrase).decode("ascii"),
        status="active",
    )
    session.add(key)
    session.flush()
    return key


class KeyService:
    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    def show(self) -> KeyRow | None:
        """The active key's public facts, or None before the first key. Read-only; any thread."""
        with self._ctx.sessions() as session:
            key = active_key(session)
            return _row(key, self._ctx.branch_code) if key else None

    def require(self) -> KeyRow:
        row = self.show()
        if row is None:
            raise NoSigningKeyError(
                _(
                    "Chi hội chưa có khóa ký. Khóa sẽ được tạo khi xuất gói dữ liệu lần đầu (cần đặt mật khẩu)."
                )
            )
        return row

    def create(self, passphrase: str) -> KeyRow:
        """One transaction; the writer thread. Refused when an active key exists."""
        with self._ctx.sessions.begin() as session:
            return _row(add_key(session, passphrase), self._ctx.branch_code)

    def ensure(self, passphrase: str) -> KeyRow:
        """The active key, created under `passphrase` if the branch has none yet."""
        existing = self.show()
        return existing if existing is not None else self.create(passphrase)

    def unlock(self, passphrase: str) -> Ed25519PrivateKey:
        """The private key for one signing operation; WRONG_PASSPHRASE on a wrong passphrase."""
        with self._ctx.sessions() as session:
            key = active_key(session)
            if key is None:
                raise NoSigningKeyError(_("Chi hội chưa có khóa ký. Hãy tạo khóa trước khi ký."))
            return crypto.decrypt_private_key(key.encrypted_private_key.encode("ascii"), passphrase)
