# SPDX-License-Identifier: MIT
"""Creating and describing the branch that owns this store. Qt-free."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, fields

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from ..core.errors import BranchExistsError, NoBranchError, UnknownAreaCodeError, ValidationError
from ..core.i18n import _
from ..core.vn import normalize_text
from ..db.models import Branch
from ..domain import areas
from .settings import default_settings, write_setting


@dataclass(frozen=True)
class BranchRow:
    branch_code: str
    mode: str
    province_code: str
    province_name: str
    commune_code: str | None
    commune_name: str | None
    name: str
    parent_line: str
    address: str
    phone: str
    email: str
    place_name: str
    chair_name: str
    chair_title: str
    vice_chair_name: str
    officer_name: str
    officer_title: str
    install_id: str

    @classmethod
    def from_model(cls, branch: Branch) -> BranchRow:
        return cls(**{f.name: getattr(branch, f.name) for f in fields(cls)})

    @property
    def is_province(self) -> bool:
        return self.mode == "province"


EDITABLE_FIELDS = (
    "name",
    "parent_line",
    "address",
    "phone",
    "email",
    "place_name",
    "chair_name",
    "chair_title",
    "vice_chair_name",
    "officer_name",
    "officer_title",
)


def _short_name(area_name: str) -> str:
    """'Thành phố Hà Nội' -> 'Hà Nội', 'Phường Hoàn Kiếm' -> 'Hoàn Kiếm' (for the date line)."""
    for prefix in ("Thành phố ", "Tỉnh ", "Phường ", "Xã ", "Đặc khu "):
        if area_name.startswith(prefix):
            return area_name[len(prefix) :]
    return area_name


def _unknown(what: str, code: str, suggestions: list[areas.Area]) -> UnknownAreaCodeError:
    hint = "; ".join(a.label for a in suggestions) or _("không có")
    return UnknownAreaCodeError(
        _("Không có {what} mã '{code}' trong danh mục hành chính 2025. Gần đúng: {hint}.").format(
            what=what, code=code, hint=hint
        )
    )


def new_branch(
    province_code: str, commune_code: str | None, *, mode: str = "commune", **details: str
) -> Branch:
    """A Branch row for the official codes; raises with close matches for a wrong code."""
    province = areas.find_province(province_code) if province_code.strip().isdigit() else None
    if province is None:
        raise _unknown(
            _("tỉnh/thành phố"), province_code, areas.close_matches(areas.provinces(), province_code)
        )
    commune = None
    if mode == "commune":
        if not commune_code:
            raise ValidationError(_("Hãy chọn xã/phường của chi hội (mã 5 chữ số)."))
        commune = areas.find_commune(province.code, commune_code) if commune_code.strip().isdigit() else None
        if commune is None:
            raise _unknown(
                _("xã/phường"), commune_code, areas.close_matches(areas.communes(province.code), commune_code)
            )
    elif mode != "province":
        raise ValidationError(_("Chế độ phải là 'commune' (cấp xã) hoặc 'province' (cấp tỉnh)."))
    level = commune or province
    kind = {"xã": "xã", "phường": "phường", "đặc khu": "đặc khu"}.get(commune.kind, "") if commune else ""
    default_name = (
        f"Hội Chữ thập đỏ {kind} {_short_name(commune.name)}"
        if commune
        else f"Hội Chữ thập đỏ {province.name.lower()[:1]}{province.name[1:]}"
    )
    branch = Branch(
        branch_code=details.pop("branch_code", "")
        or (f"{province.code}-{commune.code}" if commune else province.code),
        mode=mode,
        province_code=province.code,
        province_name=province.name,
        commune_code=commune.code if commune else None,
        commune_name=commune.name if commune else None,
        name=default_name,
        parent_line=f"HỘI CTĐ {province.name.upper()}" if commune else "TRUNG ƯƠNG HỘI CTĐ VIỆT NAM",
        place_name=_short_name(level.name),
        install_id=str(uuid.uuid4()),
    )
    for key, value in details.items():
        if key not in EDITABLE_FIELDS:
            raise ValueError(f"unknown branch field {key}")
        if value:
            setattr(branch, key, normalize_text(value))
    return branch


def suggested_details(
    province_code: str, commune_code: str | None, *, mode: str = "commune"
) -> dict[str, str]:
    """The name, parent line and place name a new branch gets unless the officer types others
    (for the first-run wizard to prefill). Raises like `new_branch` for a wrong code."""
    branch = new_branch(province_code, commune_code, mode=mode)
    return {"name": branch.name, "parent_line": branch.parent_line, "place_name": branch.place_name}


def load_branch(session: Session) -> Branch | None:
    return session.scalars(select(Branch)).first()


def create_branch(engine: Engine, branch: Branch) -> BranchRow:
    """Writes the branch and its default settings in one transaction on a migrated, empty store."""
    with Session(engine, expire_on_commit=False) as session, session.begin():
        if load_branch(session) is not None:
            raise BranchExistsError(
                _("Cơ sở dữ liệu này đã có chi hội; không khởi tạo lại. Hãy chọn tệp khác.")
            )
        session.add(branch)
        for key, value in default_settings().items():
            write_setting(session, key, value)
        session.flush()
        return BranchRow.from_model(branch)


class BranchService:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def get(self) -> BranchRow:
        """Read-only; any thread."""
        with self._sessions() as session:
            branch = load_branch(session)
            if branch is None:
                raise NoBranchError(
                    _("Cơ sở dữ liệu chưa có chi hội. Hãy chạy 'redcross init' hoặc mở phần mềm để khởi tạo.")
                )
            return BranchRow.from_model(branch)

    def update(self, **changes: str) -> BranchRow:
        """One transaction; the writer thread."""
        with self._sessions.begin() as session:
            branch = load_branch(session)
            if branch is None:
                raise NoBranchError(_("Cơ sở dữ liệu chưa có chi hội."))
            for key, value in changes.items():
                if key not in EDITABLE_FIELDS:
                    raise ValidationError(_("Không sửa được trường {field}.").format(field=key))
                setattr(branch, key, normalize_text(value))
            if not branch.name:
                raise ValidationError(_("Tên chi hội không được để trống."), fields={"name": _("Bắt buộc")})
            session.flush()
            return BranchRow.from_model(branch)


__all__ = ["BranchRow", "BranchService", "create_branch", "load_branch", "new_branch", "suggested_details"]
