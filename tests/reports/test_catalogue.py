# SPDX-License-Identifier: MIT
"""The indicator catalogue file: the shipped 2026.1 loads and covers domain.md §3; a malformed file
is refused at load time with CATALOGUE_INVALID (unknown aggregate, duplicate code, bad filter,
circular or dangling derived rows, mismatched accumulation)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from redcross_desktop.core.errors import CatalogueInvalidError
from redcross_desktop.core.resources import resource
from redcross_desktop.reports.catalogue import (
    AGGREGATES,
    available_versions,
    load_catalogue,
    parse_catalogue,
    read_catalogue_file,
)


def shipped() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(resource("indicators", "2026.1.json").read_text(encoding="utf-8"))
    return data


def test_shipped_catalogue_loads_with_unique_codes() -> None:
    catalogue = load_catalogue("2026.1")
    assert catalogue.version == "2026.1" and available_versions()[-1] == "2026.1"
    assert load_catalogue() is catalogue  # the newest, cached
    codes = [i.code for i in catalogue.indicators] + [n.code for n in catalogue.narrative]
    assert len(codes) == len(set(codes))
    assert [s.roman for s in catalogue.sections] == [
        "I",
        "II",
        "III",
        "IV",
        "V",
        "VI",
        "VII",
        "VIII",
        "IX",
        "X",
        "XI",
    ]
    assert [n.code for n in catalogue.narrative] == [
        "ND.DANH_GIA",
        "ND.TON_TAI",
        "ND.PHUONG_HUONG",
        "ND.KIEN_NGHI",
    ]
    for indicator in catalogue.indicators:
        assert indicator.label_vi and indicator.unit and indicator.label_en
        for source in indicator.source.aggregates:
            assert source.agg in AGGREGATES


def test_covers_what_the_province_asks() -> None:
    """domain.md §3 / issue 4: relief (people, households, value), health, blood drives (sessions,
    registered, donated, units, % of target), members and volunteers (counts, new, dues), first
    aid, family tracing, disaster preparedness, cash and in-kind received and distributed, stock."""
    catalogue = load_catalogue("2026.1")
    sources = {i.code: i.source for i in catalogue.indicators}
    expected = {
        "CT.NGUOI": "relief.people_distinct",
        "CT.HO": "relief.households_distinct",
        "CT.KC.GT": "relief.value",
        "CT.ND.GT": "relief.value",
        "CT.ND.LUOT": "relief.people_covered",
        "HM.DOT": "blood.drives",
        "HM.DANG_KY": "blood.registered",
        "HM.HIEN": "blood.donated",
        "HM.DON_VI": "blood.units",
        "TC.HV.TONG": "members.active",
        "TC.HV.MOI": "members.joined",
        "TC.TNV.TONG": "members.active",
        "TC.TNV.MOI": "members.joined",
        "TC.HP.THU": "dues.collected",
        "SCC.LOP": "activities.sessions",
        "SCC.HOC_VIEN": "activities.participants",
        "TK.NHAN": "tracing.received",
        "TH.HD": "activities.count",
        "VD.TIEN": "donations.cash",
        "VD.HIEN_VAT": "donations.in_kind",
        "KHO.XUAT": "stock.issued_value",
        "CT.TIEN": "relief.cash",
        "KHO.TON": "stock.value_end",
    }
    for code, agg in expected.items():
        assert sources[code].kind == "agg" and sources[code].agg == agg, code
    assert {s.agg for s in sources["SK.LUOT"].aggregates} == {
        "relief.people_covered",
        "activities.people_served",
    }
    kh = catalogue.indicator("HM.KH")
    assert kh is not None and kh.period_agg == "ratio" and kh.source.op == "plan_percent"
    assert kh.source.of == ("HM.DON_VI",)
    assert catalogue.indicator("TC.HP.NOP").is_manual  # type: ignore[union-attr]
    assert catalogue.indicator("KHO.TON").period_agg == "end"  # type: ignore[union-attr]


def broken(change: Any) -> dict[str, Any]:
    data = copy.deepcopy(shipped())
    change(data)
    return data


def first(data: dict[str, Any], code: str) -> dict[str, Any]:
    return next(i for i in data["indicators"] if i["code"] == code)


CASES = {
    "unknown aggregate": lambda d: first(d, "VD.TIEN")["source"].update(agg="donations.guess"),
    "duplicate code": lambda d: first(d, "VD.HIEN_VAT").update(code="VD.TIEN"),
    "code reused by a narrative": lambda d: d["narrative"][0].update(code="VD.TIEN"),
    "unknown filter": lambda d: first(d, "CT.NHA")["source"].update(colour=["red"]),
    "unknown filter value": lambda d: first(d, "CT.NHA")["source"].update(kinds=["castle"]),
    "filter on a flat aggregate": lambda d: first(d, "VD.TIEN")["source"].update(kinds=["house"]),
    "two kinds of source": lambda d: first(d, "VD.TIEN")["source"].update(manual=True),
    "end over a flow": lambda d: first(d, "VD.TIEN").update(period_agg="end"),
    "sum over a stock": lambda d: first(d, "KHO.TON").update(period_agg="sum"),
    "dangling derived": lambda d: first(d, "CT.GT")["source"].update(of=["CT.KC.GT", "CT.NOPE"]),
    "derived cycle": lambda d: (
        first(d, "CT.KC.GT").update(source={"derived": "add", "of": ["CT.GT", "CT.ND.GT"]}),
    ),
    "ratio not derived": lambda d: first(d, "HM.KH").update(source={"agg": "blood.units"}),
    "plan percent without a plan": lambda d: first(d, "HM.KH")["source"].update(of=["HM.ML"]),
    "unknown disaggregation": lambda d: first(d, "VD.TIEN").update(disagg="colour"),
    "disaggregation the aggregate lacks": lambda d: first(d, "HM.ML").update(disagg="bag"),
    "unknown section": lambda d: first(d, "VD.TIEN").update(section="ZZ"),
    "bad code": lambda d: first(d, "VD.TIEN").update(code="vd tien"),
    "bad version": lambda d: d.update(version="2026"),
    "missing label": lambda d: first(d, "VD.TIEN").update(label_vi=""),
    "fallback on records": lambda d: first(d, "VD.TIEN").update(fallback_manual=True),
}


@pytest.mark.parametrize("case", list(CASES))
def test_malformed_catalogues_are_refused_at_load(case: str) -> None:
    with pytest.raises(CatalogueInvalidError) as caught:
        parse_catalogue(broken(CASES[case]))
    assert caught.value.code == "CATALOGUE_INVALID"
    assert "Danh mục chỉ tiêu" in caught.value.message


def test_unknown_aggregate_names_the_code() -> None:
    with pytest.raises(CatalogueInvalidError) as caught:
        parse_catalogue(broken(CASES["unknown aggregate"]))
    assert "VD.TIEN" in caught.value.message and "donations.guess" in caught.value.message


def test_files_from_the_province(tmp_path: Path) -> None:
    data = shipped()
    data["version"] = "2026.2"
    (tmp_path / "2026.2.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "2026.1.json").write_text(json.dumps(shipped(), ensure_ascii=False), encoding="utf-8")
    assert available_versions(tmp_path) == ["2026.1", "2026.2"]
    assert load_catalogue(directory=tmp_path).version == "2026.2"
    (tmp_path / "2026.3.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(CatalogueInvalidError):  # the file name and the version inside disagree
        read_catalogue_file(tmp_path / "2026.3.json")
    (tmp_path / "2026.4.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(CatalogueInvalidError):
        read_catalogue_file(tmp_path / "2026.4.json")
    with pytest.raises(CatalogueInvalidError):
        load_catalogue("2030.1", directory=tmp_path)
