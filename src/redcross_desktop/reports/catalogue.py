# SPDX-License-Identifier: MIT
"""The indicator catalogue (domain.md §3.1–3.2): a versioned data file in `resources/indicators/`,
loaded and checked here so that a malformed file fails at load time, never half-way through a report.

What the file may name is fixed by this module: the aggregates in `AGGREGATES` (implemented by
`services/reports.py` with SQL aggregates), their filters and their disaggregations. Anything else —
an unknown aggregate, a duplicate code, a derived row pointing at a missing or circular code — is a
`CatalogueInvalidError` with a Vietnamese message naming the code. Qt-free.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from ..core.errors import CatalogueInvalidError
from ..core.i18n import _
from ..core.resources import resource
from ..domain.codes import (
    ACTIVITY_TYPES,
    CAMPAIGN_KINDS,
    MEMBER_CATEGORIES,
    RELIEF_KINDS,
    SUB_UNIT_KINDS,
    VOLUNTEER_RANKS,
    VULNERABLE_GROUPS,
)

PERIOD_AGGS = ("sum", "end", "ratio")
DERIVED_OPS = ("add", "sub", "plan_percent")

# Filters an aggregate may take, each with the code list its values must come from.
PARAM_CODES: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {
        "kind": SUB_UNIT_KINDS,
        "category": MEMBER_CATEGORIES,
        "kinds": RELIEF_KINDS,
        "campaign_kind": CAMPAIGN_KINDS,
        "type": ACTIVITY_TYPES,
    }
)

# The fixed values of each disaggregation ("campaign" is open: campaign codes of the branch).
BAGS = ("250", "350", "450", "other")
DISAGG_VALUES: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "rank": (*VOLUNTEER_RANKS, "none"),
        "kind": tuple(SUB_UNIT_KINDS),
        "group": tuple(VULNERABLE_GROUPS),
        "bag": BAGS,
        "campaign": (),
    }
)
NO_CAMPAIGN = "_none"


@dataclass(frozen=True)
class AggregateSpec:
    """`temporal` is "sum" (a flow over a date range) or "end" (a stock on a date)."""

    temporal: str
    params: frozenset[str] = frozenset()
    disaggs: frozenset[str] = frozenset()


def _spec(temporal: str, params: Iterable[str] = (), disaggs: Iterable[str] = ()) -> AggregateSpec:
    return AggregateSpec(temporal, frozenset(params), frozenset(disaggs))


_RELIEF = ("kinds", "campaign_kind")
_ACTIVITY = ("type",)

# The aggregates the engine implements; a catalogue naming anything else is refused at load.
AGGREGATES: Mapping[str, AggregateSpec] = MappingProxyType(
    {
        "subunits.active": _spec("end", ("kind",), ("kind",)),
        "members.active": _spec("end", ("category",), ("rank",)),
        "members.joined": _spec("sum", ("category",)),
        "members.left": _spec("sum", ("category",)),
        "volunteers.hours": _spec("sum"),
        "dues.collected": _spec("sum"),
        "donations.cash": _spec("sum", (), ("campaign",)),
        "donations.in_kind": _spec("sum", (), ("campaign",)),
        "donations.total": _spec("sum", (), ("campaign",)),
        "donations.count": _spec("sum", (), ("campaign",)),
        "stock.issued_value": _spec("sum"),
        "stock.value_end": _spec("end"),
        "relief.people_covered": _spec("sum", _RELIEF, ("group",)),
        "relief.value": _spec("sum", _RELIEF, ("group",)),
        "relief.cash": _spec("sum", _RELIEF),
        "relief.records": _spec("sum", _RELIEF, ("group",)),
        "relief.people_distinct": _spec("sum", _RELIEF),
        "relief.households_distinct": _spec("sum", _RELIEF),
        "relief.campaigns_distinct": _spec("sum", _RELIEF),
        "blood.drives": _spec("sum"),
        "blood.registered": _spec("sum"),
        "blood.screened": _spec("sum"),
        "blood.donated": _spec("sum"),
        "blood.first_time": _spec("sum"),
        "blood.units": _spec("sum", (), ("bag",)),
        "blood.ml": _spec("sum"),
        "activities.count": _spec("sum", _ACTIVITY),
        "activities.sessions": _spec("sum", _ACTIVITY),
        "activities.participants": _spec("sum", _ACTIVITY),
        "activities.cases": _spec("sum", _ACTIVITY),
        "activities.people_served": _spec("sum", _ACTIVITY),
        "activities.value": _spec("sum", _ACTIVITY),
        "tracing.received": _spec("sum"),
        "tracing.resolved": _spec("sum"),
        "tracing.open": _spec("end"),
    }
)

_CODE_RE = re.compile(r"^[A-Z]+(?:\.[A-Z0-9_]+)+$")
_VERSION_RE = re.compile(r"^(\d{4})\.(\d+)$")


@dataclass(frozen=True)
class Source:
    """How an indicator is obtained. `kind` is "agg", "sum" (of several aggregates), "manual" or
    "derived". `params` is a sorted tuple so that equal sources share one cached query."""

    kind: str
    agg: str = ""
    params: tuple[tuple[str, tuple[str, ...]], ...] = ()
    parts: tuple[Source, ...] = ()
    op: str = ""
    of: tuple[str, ...] = ()

    def param(self, name: str) -> tuple[str, ...]:
        for key, values in self.params:
            if key == name:
                return values
        return ()

    @property
    def aggregates(self) -> tuple[Source, ...]:
        """The plain aggregates this source adds up (itself, or its parts)."""
        if self.kind == "agg":
            return (self,)
        if self.kind == "sum":
            return self.parts
        return ()


@dataclass(frozen=True)
class Section:
    key: str
    roman: str
    label_vi: str
    label_en: str


@dataclass(frozen=True)
class Indicator:
    code: str
    label_vi: str
    label_en: str
    unit: str
    section: str
    period_agg: str  # sum | end | ratio
    source: Source
    plan_key: str | None = None  # key under the "plans" setting's year, or None without a target
    disagg: str | None = None
    fallback_manual: bool = False
    sensitive: bool = False

    @property
    def is_manual(self) -> bool:
        return self.source.kind == "manual"

    @property
    def is_money(self) -> bool:
        return self.unit == "đồng"

    @property
    def is_percent(self) -> bool:
        return self.period_agg == "ratio"


@dataclass(frozen=True)
class NarrativeItem:
    code: str
    label_vi: str
    label_en: str


@dataclass(frozen=True)
class Catalogue:
    version: str
    title: str
    sections: tuple[Section, ...]
    indicators: tuple[Indicator, ...]
    narrative: tuple[NarrativeItem, ...]
    _by_code: Mapping[str, Indicator] = field(default_factory=dict, repr=False, compare=False)

    def indicator(self, code: str) -> Indicator | None:
        return self._by_code.get(code)

    def narrative_item(self, code: str) -> NarrativeItem | None:
        return next((item for item in self.narrative if item.code == code), None)

    def section(self, key: str) -> Section:
        return next(s for s in self.sections if s.key == key)


# ---------------------------------------------------------------- parsing


class _Checker:
    def __init__(self, version: str) -> None:
        self.version = version

    def fail(self, detail: str) -> CatalogueInvalidError:
        return CatalogueInvalidError(
            _(
                "Danh mục chỉ tiêu {version} không hợp lệ: {detail} "
                "Hãy dùng tệp danh mục đúng do Hội tỉnh gửi."
            ).format(version=self.version or "?", detail=detail)
        )

    def text(self, data: Mapping[str, Any], key: str, where: str, *, required: bool = True) -> str:
        value = data.get(key, "")
        if not isinstance(value, str) or (required and not value.strip()):
            raise self.fail(_("{where}: thiếu trường '{key}'.").format(where=where, key=key))
        return value.strip()

    def source(self, data: Any, code: str, *, nested: bool = False) -> Source:
        if not isinstance(data, Mapping):
            raise self.fail(_("{code}: 'source' phải là một đối tượng.").format(code=code))
        keys = {"agg", "manual", "derived", "sum"} & set(data)
        if len(keys) != 1:
            raise self.fail(
                _("{code}: 'source' phải có đúng một trong agg, sum, manual, derived.").format(code=code)
            )
        kind = keys.pop()
        if nested and kind != "agg":
            raise self.fail(_("{code}: mỗi phần của 'sum' phải là một 'agg'.").format(code=code))
        if kind == "manual":
            if data["manual"] is not True:
                raise self.fail(_("{code}: 'manual' phải là true.").format(code=code))
            return Source("manual")
        if kind == "sum":
            parts = data["sum"]
            if not isinstance(parts, list) or len(parts) < 2:
                raise self.fail(_("{code}: 'sum' cần ít nhất hai phần.").format(code=code))
            return Source("sum", parts=tuple(self.source(p, code, nested=True) for p in parts))
        if kind == "derived":
            op, of = data["derived"], data.get("of")
            if op not in DERIVED_OPS:
                raise self.fail(
                    _("{code}: phép tính '{op}' không có trong phần mềm.").format(code=code, op=op)
                )
            if not isinstance(of, list) or not of or not all(isinstance(x, str) for x in of):
                raise self.fail(_("{code}: 'of' phải là danh sách mã chỉ tiêu.").format(code=code))
            return Source("derived", op=str(op), of=tuple(of))
        name = data["agg"]
        spec = AGGREGATES.get(name) if isinstance(name, str) else None
        if spec is None:
            raise self.fail(
                _("{code}: cách tính '{agg}' không có trong phần mềm.").format(code=code, agg=name)
            )
        params: list[tuple[str, tuple[str, ...]]] = []
        for key, value in data.items():
            if key == "agg":
                continue
            if key not in spec.params:
                raise self.fail(
                    _("{code}: cách tính '{agg}' không nhận bộ lọc '{key}'.").format(
                        code=code, agg=name, key=key
                    )
                )
            values = [value] if isinstance(value, str) else value
            if not isinstance(values, list) or not values:
                raise self.fail(_("{code}: bộ lọc '{key}' phải là danh sách mã.").format(code=code, key=key))
            unknown = [v for v in values if v not in PARAM_CODES[key]]
            if unknown:
                raise self.fail(
                    _("{code}: bộ lọc '{key}' có mã không biết: {values}.").format(
                        code=code, key=key, values=", ".join(map(str, unknown))
                    )
                )
            params.append((key, tuple(dict.fromkeys(values))))
        return Source("agg", agg=name, params=tuple(sorted(params)))


def _temporal(source: Source) -> set[str]:
    return {AGGREGATES[s.agg].temporal for s in source.aggregates}


def parse_catalogue(data: Mapping[str, Any]) -> Catalogue:
    """Builds and checks a catalogue from its JSON data (CatalogueInvalidError on any problem)."""
    version = data.get("version") if isinstance(data, Mapping) else None
    check = _Checker(version if isinstance(version, str) else "")
    if not isinstance(version, str) or not _VERSION_RE.match(version):
        raise check.fail(_("phiên bản phải có dạng NĂM.SỐ, ví dụ 2026.1."))

    raw_sections = data.get("sections")
    if not isinstance(raw_sections, list) or not raw_sections:
        raise check.fail(_("thiếu danh sách phần (sections)."))
    sections: list[Section] = []
    for raw in raw_sections:
        if not isinstance(raw, Mapping):
            raise check.fail(_("mỗi phần phải là một đối tượng."))
        key = check.text(raw, "key", _("phần"))
        sections.append(
            Section(
                key,
                check.text(raw, "roman", key),
                check.text(raw, "label_vi", key),
                check.text(raw, "label_en", key, required=False),
            )
        )
    section_keys = [s.key for s in sections]
    if len(set(section_keys)) != len(section_keys):
        raise check.fail(_("có phần trùng khóa."))

    raw_indicators = data.get("indicators")
    if not isinstance(raw_indicators, list) or not raw_indicators:
        raise check.fail(_("thiếu danh sách chỉ tiêu (indicators)."))
    indicators: list[Indicator] = []
    seen: set[str] = set()
    for raw in raw_indicators:
        if not isinstance(raw, Mapping):
            raise check.fail(_("mỗi chỉ tiêu phải là một đối tượng."))
        code = check.text(raw, "code", _("chỉ tiêu"))
        if not _CODE_RE.match(code):
            raise check.fail(_("mã chỉ tiêu '{code}' không đúng dạng (ví dụ HM.DON_VI).").format(code=code))
        if code in seen:
            raise check.fail(_("mã chỉ tiêu {code} bị trùng.").format(code=code))
        seen.add(code)
        section = check.text(raw, "section", code)
        if section not in section_keys:
            raise check.fail(_("{code}: phần '{section}' không có.").format(code=code, section=section))
        period_agg = raw.get("period_agg")
        if period_agg not in PERIOD_AGGS:
            raise check.fail(_("{code}: 'period_agg' phải là sum, end hoặc ratio.").format(code=code))
        source = check.source(raw.get("source"), code)
        temporal = _temporal(source)
        if temporal and (len(temporal) > 1 or temporal != {period_agg}):
            raise check.fail(
                _("{code}: kiểu cộng dồn '{agg}' không khớp cách tính.").format(code=code, agg=period_agg)
            )
        if period_agg == "ratio" and not (source.kind == "derived" and source.op == "plan_percent"):
            raise check.fail(_("{code}: chỉ tiêu tỷ lệ phải tính từ chỉ tiêu khác.").format(code=code))
        disagg = raw.get("disagg")
        if disagg is not None:
            allowed: set[str] = set()
            if source.aggregates:
                allowed = set.intersection(*(set(AGGREGATES[s.agg].disaggs) for s in source.aggregates))
            if disagg not in allowed:
                raise check.fail(
                    _("{code}: không chia được theo '{disagg}'.").format(code=code, disagg=disagg)
                )
        plan = raw.get("plan", False)
        if not isinstance(plan, bool | str):
            raise check.fail(_("{code}: 'plan' phải là true/false hoặc một khóa.").format(code=code))
        fallback = bool(raw.get("fallback_manual", False))
        if fallback and not (
            source.aggregates and all(s.agg.startswith("activities.") for s in source.aggregates)
        ):
            raise check.fail(
                _("{code}: chỉ các chỉ tiêu tính từ hoạt động mới được nhập tay thay thế.").format(code=code)
            )
        indicators.append(
            Indicator(
                code=code,
                label_vi=check.text(raw, "label_vi", code),
                label_en=check.text(raw, "label_en", code, required=False),
                unit=check.text(raw, "unit", code),
                section=section,
                period_agg=str(period_agg),
                source=source,
                plan_key=(code if plan is True else plan or None),
                disagg=str(disagg) if disagg is not None else None,
                fallback_manual=fallback,
                sensitive=bool(raw.get("sensitive", False)),
            )
        )

    by_code = {i.code: i for i in indicators}
    _check_derived(check, by_code)

    narrative: list[NarrativeItem] = []
    for raw in data.get("narrative") or []:
        if not isinstance(raw, Mapping):
            raise check.fail(_("mỗi mục nội dung phải là một đối tượng."))
        code = check.text(raw, "code", _("nội dung"))
        if not _CODE_RE.match(code) or code in seen:
            raise check.fail(_("mã nội dung {code} không hợp lệ hoặc bị trùng.").format(code=code))
        seen.add(code)
        narrative.append(
            NarrativeItem(
                code, check.text(raw, "label_vi", code), check.text(raw, "label_en", code, required=False)
            )
        )
    return Catalogue(
        version=version,
        title=str(data.get("title") or ""),
        sections=tuple(sections),
        indicators=tuple(indicators),
        narrative=tuple(narrative),
        _by_code=MappingProxyType(by_code),
    )


def _check_derived(check: _Checker, by_code: Mapping[str, Indicator]) -> None:
    for indicator in by_code.values():
        source = indicator.source
        if source.kind != "derived":
            continue
        for ref in source.of:
            target = by_code.get(ref)
            if target is None or ref == indicator.code:
                raise check.fail(
                    _("{code}: tính từ mã {ref} không có trong danh mục.").format(
                        code=indicator.code, ref=ref
                    )
                )
            if source.op in ("add", "sub") and target.period_agg != indicator.period_agg:
                raise check.fail(
                    _("{code}: không cộng, trừ được chỉ tiêu {ref} khác kiểu cộng dồn.").format(
                        code=indicator.code, ref=ref
                    )
                )
        if source.op in ("add", "sub") and len(source.of) < 2:
            raise check.fail(_("{code}: phép cộng, trừ cần ít nhất hai mã.").format(code=indicator.code))
        if source.op == "plan_percent":
            if len(source.of) != 1 or by_code[source.of[0]].plan_key is None:
                raise check.fail(
                    _("{code}: tỷ lệ kế hoạch cần đúng một chỉ tiêu có kế hoạch năm.").format(
                        code=indicator.code
                    )
                )
    # A derived row must not depend on itself through others.
    state: dict[str, int] = {}

    def visit(code: str) -> None:
        if state.get(code) == 2:
            return
        if state.get(code) == 1:
            raise check.fail(_("{code}: các chỉ tiêu tính vòng tròn.").format(code=code))
        state[code] = 1
        for ref in by_code[code].source.of:
            visit(ref)
        state[code] = 2

    for code in by_code:
        visit(code)


# ---------------------------------------------------------------- files


def version_key(version: str) -> tuple[int, int]:
    match = _VERSION_RE.match(version)
    if match is None:
        raise ValueError(version)
    return int(match.group(1)), int(match.group(2))


def catalogue_dir() -> Path:
    return resource("indicators")


def available_versions(directory: Path | None = None) -> list[str]:
    """Catalogue versions shipped (or placed by the province) in the folder, oldest first."""
    folder = directory or catalogue_dir()
    versions = [p.stem for p in folder.glob("*.json") if _VERSION_RE.match(p.stem)]
    return sorted(versions, key=version_key)


def read_catalogue_file(path: Path) -> Catalogue:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CatalogueInvalidError(
            _(
                "Không đọc được tệp danh mục chỉ tiêu {name}: {error}. Hãy chép lại tệp do Hội tỉnh gửi."
            ).format(name=path.name, error=exc)
        ) from exc
    catalogue = parse_catalogue(data)
    if catalogue.version != path.stem:
        raise CatalogueInvalidError(
            _("Tệp {name} ghi phiên bản {version}; tên tệp và phiên bản phải trùng nhau.").format(
                name=path.name, version=catalogue.version
            )
        )
    return catalogue


_cache: dict[tuple[str, str], Catalogue] = {}


def load_catalogue(version: str | None = None, *, directory: Path | None = None) -> Catalogue:
    """The catalogue of that version (the newest when None), checked; cached per file."""
    folder = directory or catalogue_dir()
    versions = available_versions(folder)
    if version is None:
        if not versions:
            raise CatalogueInvalidError(_("Không có tệp danh mục chỉ tiêu nào. Hãy cài lại phần mềm."))
        version = versions[-1]
    if version not in versions:
        raise CatalogueInvalidError(
            _(
                "Không có danh mục chỉ tiêu phiên bản {version}. Hãy chép tệp {version}.json do Hội tỉnh gửi."
            ).format(version=version)
        )
    key = (str(folder), version)
    if key not in _cache:
        _cache[key] = read_catalogue_file(folder / f"{version}.json")
    return _cache[key]
