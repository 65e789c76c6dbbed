# SPDX-License-Identifier: MIT
"""The official 2025 administrative units (34 provinces, 3,321 communes) from `vietnam-provinces`,
with accent-insensitive matching for pickers and "did you mean" suggestions. Qt-free."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from functools import cache

from ..core.vn import fold

# `vietnam_provinces` is imported where the list is first read: its tables take a noticeable part of
# start-up, and opening a branch's store (every start of the app) never needs them.


@dataclass(frozen=True)
class Area:
    code: str  # 2-digit province or 5-digit commune code, zero-padded as in the statistics list
    name: str
    kind: str  # "tỉnh", "thành phố trung ương", "xã", "phường", "đặc khu"
    province_code: str

    @property
    def label(self) -> str:
        return f"{self.code} – {self.name}"


@cache
def provinces() -> tuple[Area, ...]:
    from vietnam_provinces import Province

    return tuple(
        Area(f"{int(p.code):02d}", p.name, p.division_type.value, f"{int(p.code):02d}")
        for p in Province.iter_all()
    )


@cache
def communes(province_code: str) -> tuple[Area, ...]:
    from vietnam_provinces import Ward

    code = int(province_code)
    return tuple(
        Area(f"{int(w.code):05d}", w.name, w.division_type.value, f"{code:02d}")
        for w in Ward.iter_all()
        if int(w.province_code) == code
    )


def all_communes() -> tuple[Area, ...]:
    return tuple(c for p in provinces() for c in communes(p.code))


def find_province(code: str) -> Area | None:
    code = code.strip().zfill(2)
    return next((p for p in provinces() if p.code == code), None)


def find_commune(province_code: str, code: str) -> Area | None:
    code = code.strip().zfill(5)
    return next((c for c in communes(province_code) if c.code == code), None)


def matching(areas: tuple[Area, ...], text: str, *, limit: int = 20) -> list[Area]:
    """Type-ahead: every folded word of `text` must start a word of the name, or match the code."""
    words = fold(text).split()
    if not words:
        return list(areas[:limit])
    found = []
    for area in areas:
        name_words = fold(area.name).split()
        if all(area.code.startswith(w) or any(n.startswith(w) for n in name_words) for w in words):
            found.append(area)
            if len(found) >= limit:
                break
    return found


def close_matches(areas: tuple[Area, ...], text: str, *, limit: int = 5) -> list[Area]:
    """Suggestions for a wrong code (the numerically nearest codes) or a misspelt name."""
    text = text.strip()
    if text.isdigit():
        return sorted(areas, key=lambda a: abs(int(a.code) - int(text)))[:limit]
    hits = matching(areas, text, limit=limit)
    if len(hits) < limit:
        by_name = {fold(a.name): a for a in areas}
        hits += [
            by_name[k] for k in difflib.get_close_matches(fold(text), list(by_name), n=limit, cutoff=0.6)
        ]
    return list(dict.fromkeys(hits))[:limit]
