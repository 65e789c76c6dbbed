# SPDX-License-Identifier: MIT
"""The result of importing (or previewing) one bundle: the DHIS2-style summary of bundle-format.md
§11 (result, findings, per-sheet and total counts, every conflict row), the bundle's identity, and
its rendering as Vietnamese lines or JSON for the command line. Qt-free."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...core.i18n import _
from ...sync.verify import Finding

COUNT_KEYS = ("imported", "updated", "deleted", "ignored_unchanged", "ignored_stale", "conflicts")
SEVERITY_RANK = {"OK": 0, "INFO": 1, "ROW": 2, "WARN": 3, "QUARANTINE": 4, "REJECT": 5}
SHEET_TITLES = {
    "report": "Báo cáo tháng",
    "donations": "Quyên góp",
    "relief": "Cứu trợ",
    "blood": "Hiến máu",
    "members": "Hội viên",
    "activities": "Hoạt động",
}


def empty_counts() -> dict[str, int]:
    return dict.fromkeys(COUNT_KEYS, 0)


@dataclass(frozen=True)
class RowConflict:
    """A ROW finding of stage 9: the row was not applied (or queued, for VERSION_CONFLICT)."""

    sheet: str  # sheet_key
    excel_row: int
    record_id: str
    code: str
    message_vi: str
    message_en: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "sheet": self.sheet,
            "excel_row": self.excel_row,
            "record_id": self.record_id,
            "code": self.code,
            "message_vi": self.message_vi,
            "message_en": self.message_en,
        }


@dataclass(frozen=True)
class NewKey:
    """A key activated by a rotation bundle; its fingerprint is printed for the branch's file."""

    key_id: str
    fingerprint: str
    effective_seq: int


@dataclass(frozen=True)
class BundleReport:
    path: Path
    file_sha256: str
    dry_run: bool
    # previewed | committed | accepted | quarantined | refused | replay | rejected
    status: str
    result: str  # OK | INFO | WARN | QUARANTINE | REJECT
    code: str  # the deciding code ("OK" when nothing was found)
    findings: tuple[Finding, ...]
    sheets: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    total: Mapping[str, int] = field(default_factory=empty_counts)
    conflicts: tuple[RowConflict, ...] = ()
    branch_code: str | None = None
    branch_name: str | None = None
    period: str | None = None
    periods_included: tuple[str, ...] = ()
    seq: int | None = None
    key_id: str | None = None
    key_fingerprint: str | None = None
    authenticated: bool = False
    bundle_digest: str | None = None
    bundle_id: int | None = None  # the ImportedBundle row, when one was stored
    new_key: NewKey | None = None

    @property
    def codes(self) -> tuple[str, ...]:
        """Every code found, findings then conflict rows, without repeats."""
        seen: dict[str, None] = {}
        for f in self.findings:
            seen.setdefault(f.code)
        for c in self.conflicts:
            seen.setdefault(c.code)
        return tuple(seen)

    def summary(self) -> dict[str, Any]:
        """The §11 import summary, as stored with the bundle (JSON-ready)."""
        return {
            "dry_run": self.dry_run,
            "result": self.result,
            "code": self.code,
            "status": self.status,
            "findings": [finding_dict(f) for f in self.findings],
            "sheets": {k: dict(v) for k, v in self.sheets.items()},
            "total": dict(self.total),
            "conflicts": [c.as_dict() for c in self.conflicts],
            "new_key": None
            if self.new_key is None
            else {
                "key_id": self.new_key.key_id,
                "fingerprint": self.new_key.fingerprint,
                "effective_seq": self.new_key.effective_seq,
            },
        }

    def to_json(self) -> dict[str, Any]:
        """The summary with the bundle's identity, for `redcross import --json`."""
        return {
            "file": str(self.path),
            "file_sha256": self.file_sha256,
            "bundle_id": self.bundle_id,
            "branch_code": self.branch_code,
            "branch_name": self.branch_name,
            "period": self.period,
            "periods_included": list(self.periods_included),
            "seq": self.seq,
            "key_id": self.key_id,
            "key_fingerprint": self.key_fingerprint,
            "authenticated": self.authenticated,
            "bundle_digest": self.bundle_digest,
            **self.summary(),
        }


def finding_dict(f: Finding) -> dict[str, Any]:
    return {
        "code": f.code,
        "severity": f.severity,
        "stage": f.stage,
        "params": f.params,
        "location": f.location,
        "message_vi": f.message_vi,
        "message_en": f.message_en,
    }


def finding_from_dict(d: Mapping[str, Any]) -> Finding:
    return Finding(
        str(d["code"]),
        str(d["severity"]),
        d.get("stage"),
        dict(d.get("params") or {}),
        d.get("location"),
        str(d.get("message_vi", "")),
        str(d.get("message_en", "")),
    )


def result_of(findings: tuple[Finding, ...], conflicts: tuple[RowConflict, ...]) -> tuple[str, str]:
    """(result, deciding code): the highest severity found and its first code. Conflict rows make a
    WARN; ALREADY_IMPORTED decides a replay whatever else the file shows."""
    for f in findings:
        if f.code == "ALREADY_IMPORTED":
            return "INFO", f.code
    best, code = "OK", "OK"
    for f in findings:
        if SEVERITY_RANK.get(f.severity, 0) > SEVERITY_RANK[best]:
            best, code = f.severity, f.code
    if conflicts and SEVERITY_RANK[best] < SEVERITY_RANK["WARN"]:
        best, code = "WARN", conflicts[0].code
    if best == "ROW":
        best = "WARN"
    return best, code


_VERDICT = {
    "previewed": "XEM TRƯỚC (chưa ghi gì)",
    "committed": "ĐÃ NHẬP",
    "accepted": "ĐÃ NHẬP (cán bộ chấp nhận gói bị giữ lại)",
    "quarantined": "GIỮ LẠI CHỜ XÁC MINH (chưa nhập số liệu)",
    "refused": "CÁN BỘ ĐÃ TỪ CHỐI",
    "replay": "ĐÃ NHẬP TRƯỚC ĐÓ (không thay đổi gì)",
    "rejected": "TỪ CHỐI (không ghi gì)",
}
_COUNT_VI = {
    "imported": "thêm",
    "updated": "cập nhật",
    "deleted": "xóa",
    "ignored_unchanged": "không đổi",
    "ignored_stale": "cũ hơn",
    "conflicts": "xung đột",
}


def _counts_line(counts: Mapping[str, int]) -> str:
    return ", ".join(f"{_COUNT_VI[k]} {counts.get(k, 0)}" for k in COUNT_KEYS)


def render_report(report: BundleReport) -> list[str]:
    """One bundle's result as Vietnamese lines: file and verdict, the bundle, every finding, the
    counts per sheet and in total, every conflict row, and the new key of a rotation."""
    lines = [
        _("Tệp: {name}").format(name=report.path.name),
        _("Kết quả: {verdict} [{code}]").format(
            verdict=_VERDICT.get(report.status, report.status), code=report.code
        ),
    ]
    if report.branch_code:
        lines.append(
            _("Đơn vị: {name} ({code}); kỳ {period}; gói số {seq}").format(
                name=report.branch_name or "",
                code=report.branch_code,
                period=report.period or "",
                seq=report.seq,
            )
        )
    if report.key_id:
        trust = _("đã xác thực bằng khóa đã đăng ký") if report.authenticated else _("chưa xác thực")
        lines.append(
            _("Khóa ký {key_id} ({trust}); mã vân tay {fp}").format(
                key_id=report.key_id, trust=trust, fp=report.key_fingerprint or ""
            )
        )
    for f in report.findings:
        where = f" ({f.location})" if f.location else ""
        lines.append(f"{f.code}{where}: {f.message_vi}")
        if f.code == "UNKNOWN_KEY" and f.params.get("active_key_id"):
            lines.append(
                _("  Đơn vị đang dùng khóa {key_id}: đây là khóa mới, cần xác minh với xã.").format(
                    key_id=f.params["active_key_id"]
                )
            )
        if f.code == "CONTENT_MISMATCH":
            for change in f.params.get("changes", []):
                lines.append(
                    _("  - dòng {row}: {kind} (mã bản ghi {rid})").format(
                        row=change["excel_row"], kind=change["kind"], rid=change["record_id"]
                    )
                )
    if report.sheets:
        if report.status == "replay":
            lines.append(_("Kết quả lần nhập trước:"))
        for key, counts in report.sheets.items():
            if any(counts.values()):  # sheets the bundle left empty say nothing
                lines.append(f"{SHEET_TITLES.get(key, key)}: {_counts_line(counts)}")
        lines.append(_("Tổng: {counts}").format(counts=_counts_line(report.total)))
    for c in report.conflicts:
        lines.append(
            _("  - {sheet} dòng {row} (mã bản ghi {rid}): [{code}] {message}").format(
                sheet=SHEET_TITLES.get(c.sheet, c.sheet),
                row=c.excel_row,
                rid=c.record_id,
                code=c.code,
                message=c.message_vi,
            )
        )
    if report.new_key is not None:
        lines.append(
            _(
                "Khóa mới {key_id} có hiệu lực từ gói số {n}; mã vân tay {fp}. "
                "Hãy in ra và lưu vào hồ sơ đơn vị."
            ).format(
                key_id=report.new_key.key_id, n=report.new_key.effective_seq, fp=report.new_key.fingerprint
            )
        )
    if report.bundle_digest:
        lines.append(_("Mã gói: {digest}").format(digest=report.bundle_digest))
    return lines
