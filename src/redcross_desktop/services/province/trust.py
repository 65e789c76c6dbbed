# SPDX-License-Identifier: MIT
"""The province's trust store (bundle-format.md §8): the communes it receives bundles from and their
public keys. A key becomes `active` only after the officer has compared the decimal fingerprint of
the self-signed key file with the paper form or a phone read-back (FINGERPRINT_MISMATCH otherwise);
a second key for a branch is never silent (KEY_CHANGED); revocation is the province's alone; a
rotation announced in a bundle signed by the old key is applied when that bundle is committed.
Every change writes an audit row (table `province_keys` or `province_branches`).

`key_decision` (in `keyrules.py`, light enough for the verifier's worker processes) is the pure
stage 4–5 verdict on a manifest from a `Registry` loaded here. Qt-free."""

from __future__ import annotations

import base64
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import and_, bindparam, or_, select
from sqlalchemy.orm import Session

from ...core.errors import DuplicateError, NotFoundError, UnknownAreaCodeError, ValidationError
from ...core.i18n import _
from ...core.vn import normalize_text
from ...db.models import BundleState, ProvinceBranch, ProvinceKey
from ...domain import areas
from ...sync import keys as crypto
from ...sync.keyfile import KeyRegistration, read_key_file
from ..context import ServiceContext
from .common import (
    Clock,
    audit,
    naive_utc,
    province_of,
    refusal,
    show_date,
    system_clock,
)
from .keyrules import RegisteredKey as RegisteredKey  # the stage 4–5 API, re-exported
from .keyrules import Registry as Registry
from .keyrules import key_decision as key_decision

CONFIRM_METHODS = ("paper form", "phone")
ROTATION_METHOD = "rotation"  # confirmed by the old key's signature on the rotation bundle
BRANCH_CODE_RE = re.compile(r"[0-9A-Za-z._-]{1,40}")
KEY_STATUSES = ("pending", "active", "retired", "revoked")


@dataclass(frozen=True)
class BranchRow:
    branch_code: str
    commune_code: str | None
    name: str
    registered_at: datetime

    @classmethod
    def from_model(cls, b: ProvinceBranch) -> BranchRow:
        return cls(b.branch_code, b.commune_code, b.name, b.registered_at)


@dataclass(frozen=True)
class ProvinceKeyRow:
    key_id: str
    branch_code: str
    public_key_b64: str
    fingerprint: str
    status: str  # pending | active | retired | revoked
    registered_at: datetime
    confirmed_by: str
    confirm_method: str
    confirmed_at: datetime | None
    effective_seq: int | None
    retired_at_seq: int | None
    revoked_at: datetime | None
    revoke_reason: str
    last_seq: int  # the highest bundle number committed with this key (0: none yet)

    @classmethod
    def from_model(cls, k: ProvinceKey, last_seq: int = 0) -> ProvinceKeyRow:
        return cls(
            k.key_id,
            k.branch_code,
            k.public_key,
            crypto.fingerprint(base64.b64decode(k.public_key)),
            k.status,
            k.registered_at,
            k.confirmed_by,
            k.confirm_method,
            k.confirmed_at,
            k.effective_seq,
            k.retired_at_seq,
            k.revoked_at,
            k.revoke_reason,
            last_seq,
        )


@dataclass(frozen=True)
class KeyFileInfo:
    """What the officer compares with the paper form before confirming."""

    branch_code: str
    branch_name: str
    province_code: str
    key_id: str
    fingerprint: str
    qr_text: str
    created_at: str
    officer_name: str

    @classmethod
    def from_registration(cls, reg: KeyRegistration) -> KeyFileInfo:
        return cls(
            reg.branch_code,
            reg.branch_name,
            reg.province_code,
            reg.key_id,
            reg.fingerprint,
            reg.qr_text,
            reg.created_at,
            reg.officer_name,
        )


# ---------------------------------------------------------------- registry (stages 4–5)


_KEY_COLUMNS = (
    ProvinceKey.key_id,
    ProvinceKey.branch_code,
    ProvinceKey.public_key,
    ProvinceKey.status,
    ProvinceKey.effective_seq,
    ProvinceKey.retired_at_seq,
    ProvinceKey.revoked_at,
)


def _registry(province_code: str, branches: Iterable[str], rows: Iterable[Any]) -> Registry:
    keys = {
        key_id: RegisteredKey(
            key_id, branch_code, base64.b64decode(public_key), status, effective, retired, revoked
        )
        for key_id, branch_code, public_key, status, effective, retired, revoked in rows
    }
    return Registry(
        province_code,
        frozenset(branches),
        keys,
        {k.branch_code: k.key_id for k in keys.values() if k.status == "active"},
    )


def load_registry(session: Session) -> Registry:
    province = province_of(session)
    return _registry(
        province.province_code,
        session.scalars(select(ProvinceBranch.branch_code)),
        session.execute(select(*_KEY_COLUMNS)),
    )


def registry_for(session: Session, province_code: str, branch_code: str, key_id: str) -> Registry:
    """The part of the registry `key_decision` reads for a manifest of `branch_code` signed by
    `key_id`: that branch (if registered), that key and the branch's active key. The same verdict
    as the whole registry, read in time independent of the number of communes (the import decides
    stages 4–5 again inside each bundle's transaction)."""
    return _registry(
        province_code,
        session.scalars(_BRANCH, {"branch": branch_code}),
        session.execute(_KEYS_OF, {"branch": branch_code, "key_id": key_id}),
    )


_BRANCH = select(ProvinceBranch.branch_code).where(ProvinceBranch.branch_code == bindparam("branch"))
_KEYS_OF = select(*_KEY_COLUMNS).where(
    or_(
        ProvinceKey.key_id == bindparam("key_id"),
        and_(ProvinceKey.branch_code == bindparam("branch"), ProvinceKey.status == "active"),
    )
)


# ---------------------------------------------------------------- changes


def _key_values(k: ProvinceKey) -> dict[str, Any]:
    return {
        "branch_code": k.branch_code,
        "status": k.status,
        "confirm_method": k.confirm_method,
        "effective_seq": k.effective_seq,
        "retired_at_seq": k.retired_at_seq,
        "revoked_at": k.revoked_at,
        "revoke_reason": k.revoke_reason,
    }


def _last_seq(session: Session, branch_code: str, key_id: str) -> int:
    state = session.get(BundleState, (branch_code, key_id))
    return state.last_seq if state is not None else 0


def _commune_of(province_code: str, branch_code: str) -> str | None:
    """The administrative commune a branch code names (`<province>-<commune>`), when it does."""
    parts = branch_code.split("-")
    if len(parts) >= 2 and parts[0] == province_code and areas.find_commune(province_code, parts[1]):
        return parts[1]
    return None


def add_branch(
    session: Session, actor: str, branch_code: str, commune_code: str | None, name: str
) -> ProvinceBranch:
    branch = ProvinceBranch(branch_code=branch_code, commune_code=commune_code, name=name)
    session.add(branch)
    audit(
        session,
        actor,
        "province_branches",
        branch_code,
        "create",
        after={"branch_code": branch_code, "commune_code": commune_code, "name": name},
    )
    return branch


def activate_rotation(
    session: Session,
    actor: str,
    branch_code: str,
    old_key_id: str,
    rotation: Mapping[str, Any],
    now: datetime,
    bundle_digest: str,
) -> ProvinceKey | None:
    """§8.3 on commit of a bundle signed by the (active) old key whose rotation proof verified:
    the new key is active from `effective_seq`, the old one retired from it. None when there is
    nothing to do (the old key is no longer active, or the new key is known otherwise)."""
    old = session.get(ProvinceKey, old_key_id)
    if old is None or old.status != "active" or old.branch_code != branch_code:
        return None
    new_id = str(rotation["new_key_id"])
    effective = int(rotation["effective_seq"])
    new = session.get(ProvinceKey, new_id)
    if new is not None and (new.branch_code != branch_code or new.status in ("retired", "revoked")):
        return None
    before_old = _key_values(old)
    old.status = "retired"
    old.retired_at_seq = effective
    reason = _("Thay khóa theo gói đã ký bằng khóa cũ ({digest}).").format(digest=bundle_digest[:16])
    audit(
        session,
        actor,
        "province_keys",
        old.key_id,
        "retire",
        before=before_old,
        after=_key_values(old),
        reason=reason,
    )
    stamp = naive_utc(now)
    if new is None:
        new = ProvinceKey(
            key_id=new_id,
            branch_code=branch_code,
            public_key=str(rotation["new_public_key"]),
            status="active",
            registered_at=stamp,
            confirmed_by=actor,
            confirm_method=ROTATION_METHOD,
            confirmed_at=stamp,
            effective_seq=effective,
        )
        session.add(new)
        audit(session, actor, "province_keys", new_id, "create", after=_key_values(new), reason=reason)
    else:
        before_new = _key_values(new)
        new.status, new.effective_seq = "active", effective
        new.confirmed_by, new.confirm_method, new.confirmed_at = actor, ROTATION_METHOD, stamp
        audit(
            session,
            actor,
            "province_keys",
            new_id,
            "update",
            before=before_new,
            after=_key_values(new),
            reason=reason,
        )
    session.flush()
    return new


class TrustService:
    def __init__(self, ctx: ServiceContext, *, clock: Clock = system_clock) -> None:
        self._ctx = ctx
        self._clock = clock

    # ------------------------------------------------------------ branches

    def register_branch(self, branch_code: str, commune_code: str | None, name: str) -> BranchRow:
        """Adds a commune branch to the province's list. One transaction; the writer thread."""
        code = (branch_code or "").strip()
        name = normalize_text(name or "")
        problems: dict[str, str] = {}
        if not BRANCH_CODE_RE.fullmatch(code):
            problems["branch_code"] = _(
                "Mã đơn vị chỉ gồm chữ, số, dấu chấm, gạch ngang, gạch dưới (tối đa 40)."
            )
        if not name:
            problems["name"] = _("Hãy nhập tên đơn vị.")
        if problems:
            raise ValidationError(_("Thông tin đơn vị chưa hợp lệ."), fields=problems)
        with self._ctx.sessions.begin() as session:
            province = province_of(session)
            commune = (commune_code or "").strip() or None
            if commune is not None and areas.find_commune(province.province_code, commune) is None:
                raise UnknownAreaCodeError(
                    _("Không có xã/phường mã '{code}' trong tỉnh {province}.").format(
                        code=commune, province=province.province_name
                    )
                )
            if session.get(ProvinceBranch, code) is not None:
                raise DuplicateError(_("Đơn vị {b} đã có trong danh sách của tỉnh.").format(b=code))
            branch = add_branch(session, self._ctx.actor, code, commune, name)
            session.flush()
            return BranchRow.from_model(branch)

    def branches(self) -> list[BranchRow]:
        """Every registered branch, by code. Read-only; any thread."""
        with self._ctx.sessions() as session:
            return [
                BranchRow.from_model(b)
                for b in session.scalars(select(ProvinceBranch).order_by(ProvinceBranch.branch_code))
            ]

    # ------------------------------------------------------------ keys

    def inspect_key_file(self, key_file: Path) -> KeyFileInfo:
        """Reads and self-verifies a key registration file (proof of possession) and returns what
        the officer compares with the paper form. Reads no database; any thread."""
        return KeyFileInfo.from_registration(self._read(key_file))

    @staticmethod
    def _read(key_file: Path) -> KeyRegistration:
        path = Path(key_file)
        if not path.is_file():
            raise NotFoundError(_("Không tìm thấy tệp khóa {path}.").format(path=path))
        return read_key_file(path)

    def register_key(
        self,
        key_file: Path,
        branch_code: str,
        typed_fingerprint: str,
        confirm_method: str = "paper form",
        *,
        confirm_replace: bool = False,
    ) -> ProvinceKeyRow:
        """Registers a commune key after the fingerprint check: the key file must self-verify and
        name `branch_code` and this province, and the typed fingerprint (digits only compared) must
        be the file's (FINGERPRINT_MISMATCH: nothing stored). A branch not yet listed is added from
        the file. A branch with another active key: KEY_CHANGED, unless `confirm_replace`, which
        retires the old key from its last bundle number + 1. One transaction; the writer thread."""
        if confirm_method not in CONFIRM_METHODS:
            raise ValidationError(
                _("Cách đối chiếu phải là 'paper form' (giấy đề nghị) hoặc 'phone' (gọi điện)."),
                fields={"confirm_method": _("Cách đối chiếu không hợp lệ.")},
            )
        reg = self._read(key_file)
        code = (branch_code or "").strip()
        typed = crypto.normalise_fingerprint(typed_fingerprint or "")
        if typed != crypto.normalise_fingerprint(reg.fingerprint):
            raise refusal("FINGERPRINT_MISMATCH")
        now = naive_utc(self._clock())
        actor = self._ctx.actor
        with self._ctx.sessions.begin() as session:
            province = province_of(session)
            if reg.province_code != province.province_code:
                raise refusal("WRONG_RECIPIENT", p=reg.province_code)
            if reg.branch_code != code:
                raise refusal("KEY_BRANCH_MISMATCH", a=reg.branch_code, b=code)
            existing = session.get(ProvinceKey, reg.key_id)
            if existing is not None:
                if existing.branch_code != code:
                    raise refusal("KEY_BRANCH_MISMATCH", a=existing.branch_code, b=code)
                if existing.status == "active":
                    return ProvinceKeyRow.from_model(existing, _last_seq(session, code, existing.key_id))
                if existing.status == "revoked":
                    raise refusal(
                        "KEY_REVOKED",
                        _("Khóa đã thu hồi không được đăng ký lại."),
                        d=show_date(existing.revoked_at),
                    )
                if existing.status == "retired":
                    raise refusal(
                        "KEY_RETIRED", _("Khóa cũ không được đăng ký lại."), n=existing.retired_at_seq or ""
                    )
            if session.get(ProvinceBranch, code) is None:
                add_branch(session, actor, code, _commune_of(province.province_code, code), reg.branch_name)
            current = session.scalars(
                select(ProvinceKey).where(
                    ProvinceKey.branch_code == code,
                    ProvinceKey.status == "active",
                    ProvinceKey.key_id != reg.key_id,
                )
            ).first()
            if current is not None:
                if not confirm_replace:
                    raise refusal("KEY_CHANGED", b=code, key_id=current.key_id, new_key_id=reg.key_id)
                before = _key_values(current)
                current.status = "retired"
                current.retired_at_seq = _last_seq(session, code, current.key_id) + 1
                audit(
                    session,
                    actor,
                    "province_keys",
                    current.key_id,
                    "retire",
                    before=before,
                    after=_key_values(current),
                    reason=_("Thay bằng khóa {key_id} (đã xác minh: {method}).").format(
                        key_id=reg.key_id, method=confirm_method
                    ),
                )
            if existing is None:
                key = ProvinceKey(
                    key_id=reg.key_id,
                    branch_code=code,
                    public_key=base64.b64encode(reg.public_raw).decode("ascii"),
                    status="active",
                    registered_at=now,
                    confirmed_by=actor,
                    confirm_method=confirm_method,
                    confirmed_at=now,
                )
                session.add(key)
                audit(
                    session,
                    actor,
                    "province_keys",
                    key.key_id,
                    "create",
                    after=_key_values(key),
                    reason=_("Đăng ký khóa; đối chiếu mã vân tay: {method}.").format(method=confirm_method),
                )
            else:  # a pending key, now confirmed
                key = existing
                before = _key_values(key)
                key.status, key.confirmed_by, key.confirm_method, key.confirmed_at = (
                    "active",
                    actor,
                    confirm_method,
                    now,
                )
                audit(
                    session,
                    actor,
                    "province_keys",
                    key.key_id,
                    "update",
                    before=before,
                    after=_key_values(key),
                    reason=_("Xác nhận khóa; đối chiếu mã vân tay: {method}.").format(method=confirm_method),
                )
            session.flush()
            return ProvinceKeyRow.from_model(key, _last_seq(session, code, key.key_id))

    def revoke(self, branch_code: str, reason: str, *, key_id: str | None = None) -> ProvinceKeyRow:
        """Revokes the branch's active key (or `key_id`) after an out-of-band report: its bundles not
        imported before become KEY_REVOKED; imported ones stay. One transaction; the writer thread."""
        reason = normalize_text(reason or "")
        if not reason:
            raise ValidationError(
                _("Hãy ghi lý do thu hồi khóa (ví dụ: mất máy, lộ mật khẩu)."),
                fields={"reason": _("Cần lý do.")},
            )
        code = (branch_code or "").strip()
        with self._ctx.sessions.begin() as session:
            province_of(session)
            query = select(ProvinceKey).where(ProvinceKey.branch_code == code)
            query = (
                query.where(ProvinceKey.key_id == key_id)
                if key_id
                else query.where(ProvinceKey.status == "active")
            )
            key = session.scalars(query).first()
            if key is None:
                raise NotFoundError(
                    _("Đơn vị {b} không có khóa đang dùng{which}.").format(
                        b=code, which=f" {key_id}" if key_id else ""
                    )
                )
            if key.status == "revoked":
                raise DuplicateError(_("Khóa {key_id} đã bị thu hồi trước đó.").format(key_id=key.key_id))
            before = _key_values(key)
            key.status = "revoked"
            key.revoked_at = naive_utc(self._clock())
            key.revoke_reason = reason
            audit(
                session,
                self._ctx.actor,
                "province_keys",
                key.key_id,
                "revoke",
                before=before,
                after=_key_values(key),
                reason=reason,
            )
            session.flush()
            return ProvinceKeyRow.from_model(key, _last_seq(session, code, key.key_id))

    def list_keys(self, branch_code: str | None = None) -> list[ProvinceKeyRow]:
        """Every key (of one branch), by branch then registration. Read-only; any thread."""
        with self._ctx.sessions() as session:
            query = select(ProvinceKey).order_by(ProvinceKey.branch_code, ProvinceKey.registered_at)
            if branch_code:
                query = query.where(ProvinceKey.branch_code == branch_code)
            states = {(s.branch_code, s.key_id): s.last_seq for s in session.scalars(select(BundleState))}
            return [
                ProvinceKeyRow.from_model(k, states.get((k.branch_code, k.key_id), 0))
                for k in session.scalars(query)
            ]


STATUS_VI = {"pending": "chờ xác nhận", "active": "đang dùng", "retired": "đã thay", "revoked": "đã thu hồi"}


def render_keys(rows: list[ProvinceKeyRow]) -> list[str]:
    """The trust store as Vietnamese lines for the command line."""
    if not rows:
        return [_("Chưa đăng ký khóa nào.")]
    lines: list[str] = []
    for k in rows:
        state = STATUS_VI.get(k.status, k.status)
        extra = ""
        if k.status == "retired" and k.retired_at_seq is not None:
            extra = _("; thay từ gói số {n}").format(n=k.retired_at_seq)
        elif k.status == "revoked":
            extra = _("; thu hồi ngày {d}: {reason}").format(
                d=show_date(k.revoked_at), reason=k.revoke_reason
            )
        lines.append(
            _("{b}  khóa {key_id}  [{state}]  mã vân tay {fp}; gói cuối số {seq}{extra}").format(
                b=k.branch_code, key_id=k.key_id, state=state, fp=k.fingerprint, seq=k.last_seq, extra=extra
            )
        )
    return lines
