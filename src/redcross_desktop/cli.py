# SPDX-License-Identifier: MIT
"""The headless entry point `redcross`: one store, one service call, Vietnamese output.

Exit codes: 0 success; 1 a `RedCrossError` (printed as `CODE: message`); 2 bad usage; 3 a bug
(logged with its traceback). `--json` prints machine-readable output on stdout. Qt-free.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import getpass
import json
import logging
import multiprocessing
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from . import __version__
from .bootstrap import create_demo_store, init_store, open_store, setup_logging
from .certificates.codes import parse_public_key, verify_code
from .core.errors import NotFoundError, RedCrossError, ValidationError
from .core.i18n import _, set_language
from .core.paths import AppPaths
from .core.progress import ConsoleProgress
from .core.vn import parse_date
from .services.bundles import load_trusted_key
from .services.certificates import CertificateRequest
from .services.container import Services
from .services.donations import DonationQuery
from .services.keys import KeyRow
from .services.province.completeness import CompletenessService
from .services.province.consolidation import ConsolidationService
from .services.province.import_report import render_report
from .services.province.importer import ProvinceImportService
from .services.province.trust import TrustService, render_keys
from .sync.verify import TrustedKey, render_verification, verify_bundle

log = logging.getLogger(__name__)

Handler = Callable[[argparse.Namespace, AppPaths], Any]


def _jsonable(value: object) -> object:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {k: _jsonable(v) for k, v in dataclasses.asdict(value).items()}
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    return value


def emit_json(payload: object) -> None:
    sys.stdout.write(json.dumps(_jsonable(payload), ensure_ascii=False, indent=2) + "\n")


def say(text: str) -> None:
    sys.stdout.write(text + "\n")


# ---------------------------------------------------------------- commands


def cmd_init(args: argparse.Namespace, paths: AppPaths) -> Any:
    details = {
        k: v
        for k, v in (("name", args.name), ("chair_name", args.chair), ("officer_name", args.officer))
        if v
    }
    services = init_store(
        args.db, paths, province=args.province, commune=args.commune, mode=args.mode, **details
    )
    try:
        branch = services.branch
        if not args.json:
            say(
                _("Đã khởi tạo {name} (mã đơn vị {code}) tại {db}.").format(
                    name=branch.name, code=branch.branch_code, db=args.db
                )
            )
        return {"branch": branch, "db": str(args.db)}
    finally:
        services.close()


class _SilentExit(Exception):  # noqa: N818 - control flow: the command already printed its answer
    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


class PassphraseRequiredError(RedCrossError):
    code = "PASSPHRASE_REQUIRED"


def read_passphrase(prompt: str) -> str:
    """REDCROSS_PASSPHRASE, else a hidden prompt on a terminal, else a clear refusal (scripts, CI)."""
    if (value := os.environ.get("REDCROSS_PASSPHRASE")) is not None:
        return value
    if sys.stdin.isatty():
        return getpass.getpass(prompt)
    raise PassphraseRequiredError(
        _(
            "Cần mật khẩu khóa ký. Đặt biến môi trường REDCROSS_PASSPHRASE hoặc chạy lệnh trong cửa sổ dòng lệnh."
        )
    )


def _key_payload(row: KeyRow) -> dict[str, object]:
    return {
        "branch_code": row.branch_code,
        "key_id": row.key_id,
        "fingerprint": row.fingerprint,
        "qr_text": row.qr_text,
        "public_key": row.public_key_b64,
        "created_at": row.created_at,
    }


def cmd_keys_show(args: argparse.Namespace, paths: AppPaths) -> Any:
    services = open_store(args.db, paths)
    try:
        row = services.keys.require()
    finally:
        services.close()
    if not args.json:
        say(_("Mã đơn vị: {code}").format(code=row.branch_code))
        say(_("Mã khóa: {key_id}").format(key_id=row.key_id))
        say(_("Mã vân tay: {fp}").format(fp=row.fingerprint))
        say(_("Mã QR: {qr}").format(qr=row.qr_text))
    return _key_payload(row)


def cmd_keys_create(args: argparse.Namespace, paths: AppPaths) -> Any:
    services = open_store(args.db, paths)
    try:
        row = services.keys.create(read_passphrase(_("Đặt mật khẩu khóa ký: ")))
    finally:
        services.close()
    if not args.json:
        say(_("Đã tạo khóa ký. Mã vân tay: {fp}").format(fp=row.fingerprint))
    return _key_payload(row)


def cmd_demo(args: argparse.Namespace, paths: AppPaths) -> Any:
    summary = create_demo_store(
        args.db, paths, people=args.people, seed=args.seed, progress=ConsoleProgress()
    )
    if not args.json:
        say(_("Đã tạo chi hội mẫu tại {db}:").format(db=args.db))
        for label, count in summary.counts.items():
            say(f"  {label}: {count}")
    return summary


def cmd_search(args: argparse.Namespace, paths: AppPaths) -> Any:
    services = open_store(args.db, paths)
    try:
        people = services.people.search(args.text, limit=args.limit)
    finally:
        services.close()
    if not args.json:
        if not people:
            say(_("Không tìm thấy ai với '{text}'.").format(text=args.text))
        for p in people:
            born = str(p.year_of_birth or "")
            say(" · ".join(x for x in (p.full_name, born, p.phone, p.thon) if x))
    return {"query": args.text, "count": len(people), "people": people}


def cmd_template(args: argparse.Namespace, paths: AppPaths) -> Any:
    from .sheets.template_writer import write_template

    write_template(args.out)
    if not args.json:
        say(
            _("Đã ghi mẫu nhập liệu vào {path}. Điền dữ liệu rồi dùng 'redcross records import'.").format(
                path=args.out
            )
        )
    return {"out": str(args.out)}


def cmd_records_import(args: argparse.Namespace, paths: AppPaths) -> Any:
    services = open_store(args.db, paths)
    try:
        importer = services.records
        run = importer.commit if args.commit else importer.preview
        report = run(args.file, ConsoleProgress())
    finally:
        services.close()
    if not args.json:
        say(report.describe())
    return report


def cmd_report(args: argparse.Namespace, paths: AppPaths) -> Any:
    services = open_store(args.db, paths)
    if services.branch.is_province:
        return _province_report(args, services)
    try:
        report = services.reports.report(args.period)
        if args.out:
            services.reports.write_report(args.period, args.out, number=args.number)
    finally:
        services.close()
    if not args.json:
        say(
            _("Báo cáo {label} — danh mục chỉ tiêu {version}").format(
                label=report.period_label, version=report.catalogue_version
            )
        )
        for line in report.lines:
            value = "" if line.month is None else f"{line.month:,}".replace(",", ".")
            label = f"  – {line.label}" if line.disagg else line.label
            say(f"{line.code:<18} {label:<60} {value:>15} {line.unit}")
        if args.out:
            say(_("Đã ghi báo cáo vào {path}.").format(path=args.out))
    return {
        "period": report.period,
        "catalogue_version": report.catalogue_version,
        "closed": report.closed,
        "indicators": [
            {
                "code": line.code,
                "disagg": line.disagg,
                "label": line.label,
                "unit": line.unit,
                "value": line.month,
                "ytd": line.ytd,
                "last_year": line.last_year,
                "plan": line.plan,
            }
            for line in report.lines
        ],
        "out": str(args.out) if args.out else None,
    }


def _province_report(args: argparse.Namespace, services: Services) -> Any:
    """Province mode: the same catalogue summed over the communes' imported report rows."""
    try:
        consolidation = ConsolidationService(services.ctx)
        report = consolidation.report(args.period)
        if args.out:
            consolidation.write_report(args.period, args.out)
    finally:
        services.close()
    if not args.json:
        say(
            _("Báo cáo tổng hợp {label}: {n}/{total} xã đã có số liệu").format(
                label=report.period_label, n=report.reported_count, total=len(report.communes)
            )
        )
        for line in report.lines:
            value = "" if line.total is None else f"{line.total:,}".replace(",", ".")
            label = f"  – {line.label}" if line.disagg else line.label
            say(f"{line.code:<18} {label:<60} {value:>15} {line.unit}")
        for mismatch in report.mismatches:
            say(f"REPORT_MISMATCH {mismatch.branch_code}: {mismatch.message_vi}")
        if args.out:
            say(_("Đã ghi báo cáo tổng hợp vào {path}.").format(path=args.out))
    return report.as_dict()


def cmd_completeness(args: argparse.Namespace, paths: AppPaths) -> Any:
    services = open_store(args.db, paths)
    try:
        if not services.branch.is_province:
            raise ValidationError(_("Bảng theo dõi nộp báo cáo chỉ có ở chế độ cấp tỉnh."))
        board = CompletenessService(services.ctx)
        rows = board.board(args.period)
        if args.out:
            board.write_board(args.period, args.out)
    finally:
        services.close()
    if not args.json:
        reported = sum(1 for r in rows if r.reported)
        say(
            _("Kỳ {period}: {n}/{total} xã đã nộp báo cáo.").format(
                period=args.period, n=reported, total=len(rows)
            )
        )
        for r in rows:
            seq = "" if r.last_seq is None else _("gói số {n}").format(n=r.last_seq)
            say(f"{r.commune_code or '':<6} {r.commune_name:<40} {r.status_label:<22} {seq}")
    return {"period": args.period, "communes": [r.as_dict() for r in rows]}


def cmd_period(args: argparse.Namespace, paths: AppPaths) -> Any:
    services = open_store(args.db, paths)
    try:
        if args.period_command == "close":
            status = services.reports.close_period(args.period, args.reason or "")
        else:
            status = services.reports.reopen_period(args.period, args.reason or "")
    finally:
        services.close()
    if not args.json:
        text = _("Kỳ {period} đã chốt số liệu.") if status.closed else _("Kỳ {period} đã mở lại.")
        say(text.format(period=args.period))
    return status


def cmd_disclosure(args: argparse.Namespace, paths: AppPaths) -> Any:
    services = open_store(args.db, paths)
    try:
        target: int | str = _campaign_id(services, args.campaign) or args.period
        services.reports.write_disclosure(target, args.out)
    finally:
        services.close()
    if not args.json:
        say(_("Đã ghi bảng công khai vào {path}.").format(path=args.out))
    return {"out": str(args.out)}


def _campaign_id(services: Services, code: str | None) -> int | None:
    if not code:
        return None
    match = [c for c in services.campaigns.list() if c.code.casefold() == code.casefold()]
    if not match:
        raise NotFoundError(
            _("Không có đợt vận động mã {code}. Xem danh sách trong phần mềm.").format(code=code)
        )
    return match[0].id


def cmd_certificates_issue(args: argparse.Namespace, paths: AppPaths) -> Any:
    services = open_store(args.db, paths)
    try:
        if args.kind == "receipt":
            if not args.receipt:
                raise ValidationError(_("Hãy cho biết số biên nhận cần in (--receipt BN-2026-000123)."))
            found = [
                d
                for d in services.donations.list(DonationQuery(text=args.receipt))
                if d.receipt_code == args.receipt
            ]
            if not found:
                raise NotFoundError(_("Không có biên nhận số {code}.").format(code=args.receipt))
            printed = services.certificates.receipt(found[0].id, args.out)
            if not args.json:
                copy = _(" (BẢN SAO)") if printed.copy else ""
                say(
                    _("Đã in biên nhận {code}{copy} vào {path}.").format(
                        code=printed.receipt_code, copy=copy, path=args.out
                    )
                )
            return printed
        request = CertificateRequest(
            kind=args.kind,
            campaign_id=_campaign_id(services, args.campaign),
            min_amount_vnd=args.min_amount,
            date_from=parse_date(args.date_from) if args.date_from else None,
            date_to=parse_date(args.date_to) if args.date_to else None,
            min_hours=args.min_hours,
        )
        passphrase = read_passphrase(_("Mật khẩu khóa ký: "))
        result = services.certificates.issue(request, passphrase, args.out, ConsoleProgress())
    finally:
        services.close()
    if not args.json:
        say(_("Đã cấp {n} giấy chứng nhận vào {path}:").format(n=len(result.certificates), path=result.path))
        for cert in result.certificates:
            say(f"  {cert.serial}  {cert.recipient}  {cert.code}")
        for name in result.skipped:
            say(_("  Bỏ qua (đã có giấy chứng nhận): {name}").format(name=name))
    return result


def cmd_certificates_verify(args: argparse.Namespace, paths: AppPaths) -> Any:
    try:
        raw = parse_public_key(
            Path(args.key).read_text(encoding="utf-8") if Path(args.key).is_file() else args.key
        )
    except ValueError as exc:
        raise ValidationError(
            _("Khóa công khai không hợp lệ: hãy dùng tệp khóa hoặc chuỗi base64 của chi hội.")
        ) from exc
    check = verify_code(args.code, raw)
    if not args.json:
        say(check.reason)
        for label, text in check.fields.describe() if check.fields else []:
            say(f"  {label}: {text}")
    if not check.valid:
        if args.json:
            emit_json(
                {
                    "ok": False,
                    "code": "CERTIFICATE_INVALID",
                    "status": check.status,
                    "message": check.reason,
                    "fields": check.fields,
                }
            )
        raise _SilentExit(1)
    return check


def cmd_export(args: argparse.Namespace, paths: AppPaths) -> Any:
    services = open_store(args.db, paths)
    try:
        passphrase = read_passphrase(_("Mật khẩu khóa ký: "))
        result = services.bundles.export(args.period, args.out, passphrase, ConsoleProgress())
    finally:
        services.close()
    if not args.json:
        say(
            _("Đã xuất gói dữ liệu số {seq} kỳ {period} vào {path}.").format(
                seq=result.seq, period=result.period, path=result.path
            )
        )
        say(_("Các kỳ trong gói: {periods}").format(periods=", ".join(result.periods_included)))
        say(_("Mã vân tay khóa ký: {fp}").format(fp=result.fingerprint))
    return result


def _trusted_key(text: str) -> TrustedKey:
    if Path(text).is_file():
        return load_trusted_key(Path(text))
    try:
        return TrustedKey(parse_public_key(text))
    except ValueError as exc:
        raise ValidationError(
            _("Khóa công khai không hợp lệ: hãy dùng tệp đăng ký khóa hoặc chuỗi khóa của chi hội.")
        ) from exc


def cmd_verify(args: argparse.Namespace, paths: AppPaths) -> Any:
    if not args.bundle.is_file():
        raise NotFoundError(_("Không tìm thấy tệp {path}.").format(path=args.bundle))
    result = verify_bundle(args.bundle, trusted_key=_trusted_key(args.key) if args.key else None)
    if not args.json:
        for line in render_verification(result):
            say(line)
    if result.severity in ("OK", "WARN"):
        return result
    if args.json:
        emit_json({"ok": False, "code": result.code, "result": result})
    raise _SilentExit(1)


def cmd_keys_export(args: argparse.Namespace, paths: AppPaths) -> Any:
    services = open_store(args.db, paths)
    try:
        reg = services.bundles.export_key_file(args.out, read_passphrase(_("Mật khẩu khóa ký: ")))
    finally:
        services.close()
    if not args.json:
        say(_("Đã ghi tệp đăng ký khóa vào {path}. Gửi tệp này cho Hội cấp tỉnh;").format(path=args.out))
        say(
            _("đọc mã vân tay qua điện thoại hoặc gửi kèm biểu mẫu có chữ ký: {fp}").format(
                fp=reg.fingerprint
            )
        )
    return {
        "out": str(args.out),
        "branch_code": reg.branch_code,
        "key_id": reg.key_id,
        "fingerprint": reg.fingerprint,
    }


@contextlib.contextmanager
def _province_store(args: argparse.Namespace, paths: AppPaths) -> Iterator[Services]:
    """The services of a province store for one command; refused on a commune store."""
    services = open_store(args.db, paths)
    try:
        if not services.branch.is_province:
            raise ValidationError(
                _("Lệnh này chỉ dùng cho cơ sở dữ liệu cấp tỉnh (redcross init --mode province).")
            )
        yield services
    finally:
        services.close()


def _archive_dir(db: str, paths: AppPaths) -> Path:
    """Imported bundles are archived beside a SQLite store, or in the data folder for a server."""
    return (
        Path(db).expanduser().resolve().parent / "bundle-archive"
        if "://" not in db
        else paths.data_dir / "bundle-archive"
    )


def cmd_import(args: argparse.Namespace, paths: AppPaths) -> Any:
    with _province_store(args, paths) as services:
        missing = [str(p) for p in args.bundles if not p.is_file()]
        if missing:
            raise NotFoundError(_("Không tìm thấy tệp: {files}.").format(files=", ".join(missing)))
        importer = ProvinceImportService(services.ctx, _archive_dir(args.db, paths))
        run = importer.commit if args.commit else importer.preview
        reports = run(list(args.bundles), ConsoleProgress())
    if not args.json:
        if not args.commit:
            say(_("CHẠY THỬ: chưa ghi gì. Thêm --commit để nhập."))
        for report in reports:
            for line in render_report(report):
                say(line)
            say("")
    return {"dry_run": not args.commit, "bundles": [r.to_json() for r in reports]}


def cmd_conflicts(args: argparse.Namespace, paths: AppPaths) -> Any:
    from .services.province.conflicts import KEEP, TAKE, ProvinceConflictService

    with _province_store(args, paths) as services:
        service = ProvinceConflictService(services.ctx)
        if args.resolve is not None:
            if args.keep == args.take:
                raise ValidationError(
                    _("Hãy chọn đúng một trong --keep (giữ bản đang lưu) hoặc --take (lấy bản mới nhận).")
                )
            done = service.resolve(args.resolve, TAKE if args.take else KEEP, args.reason or "")
            if not args.json:
                say(_("Đã xử lý xung đột số {n}.").format(n=done.id))
            return done
        views = service.list()
    if not args.json:
        if not views:
            say(_("Không có xung đột nào cần xử lý."))
        for v in views:
            say(
                _("Xung đột số {n}: {sheet} {rid} phiên bản {v} (đơn vị {b})").format(
                    n=v.id, sheet=v.sheet_key, rid=v.record_id, v=v.version, b=v.origin_branch
                )
            )
            for key in v.differing:
                say(f"    {key}: {v.stored.get(key)!r} → {v.incoming.get(key)!r}")
    return {"conflicts": views}


def cmd_keys_register(args: argparse.Namespace, paths: AppPaths) -> Any:
    with _province_store(args, paths) as services:
        row = TrustService(services.ctx).register_key(
            args.file, args.branch, args.fingerprint, args.method, confirm_replace=args.replace
        )
    if not args.json:
        say(
            _("Đã đăng ký khóa {key_id} cho đơn vị {branch}.").format(
                key_id=row.key_id, branch=row.branch_code
            )
        )
    return row


def cmd_keys_revoke(args: argparse.Namespace, paths: AppPaths) -> Any:
    with _province_store(args, paths) as services:
        row = TrustService(services.ctx).revoke(args.branch, args.reason)
    if not args.json:
        say(
            _("Đã thu hồi khóa {key_id} của đơn vị {branch}.").format(
                key_id=row.key_id, branch=row.branch_code
            )
        )
    return row


def cmd_keys_list(args: argparse.Namespace, paths: AppPaths) -> Any:
    with _province_store(args, paths) as services:
        rows = TrustService(services.ctx).list_keys()
    if not args.json:
        for line in render_keys(rows):
            say(line)
    return {"keys": rows}


def cmd_db_upgrade(args: argparse.Namespace, paths: AppPaths) -> Any:
    from .db.engine import store_url
    from .db.migrate import head_revision, upgrade_database

    ran = upgrade_database(store_url(args.db), backup_dir=paths.backup_dir, allow_server_upgrade=True)
    if not args.json:
        text = (
            _("Đã nâng cấp dữ liệu lên phiên bản {rev}.")
            if ran
            else _("Dữ liệu đã ở phiên bản mới nhất ({rev}).")
        )
        say(text.format(rev=head_revision()))
    return {"upgraded": ran, "revision": head_revision()}


# ---------------------------------------------------------------- parser


def _add_db(parser: argparse.ArgumentParser, paths: AppPaths) -> None:
    parser.add_argument(
        "--db",
        default=str(paths.database),
        help=_("tệp SQLite hoặc địa chỉ SQLAlchemy (mặc định: {path})").format(path=paths.database),
    )


def build_parser(paths: AppPaths) -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--json", action="store_true", help=_("in kết quả dạng JSON"))
    common.add_argument("--lang", choices=("vi", "en"), default="vi", help=_("ngôn ngữ thông báo"))
    parser = argparse.ArgumentParser(
        prog="redcross", description=_("Phần mềm Hội Chữ thập đỏ cấp xã — dòng lệnh."), parents=[common]
    )
    parser.add_argument("--version", action="version", version=f"redcross {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar=_("LỆNH"))

    p = sub.add_parser("init", parents=[common], help=_("khởi tạo cơ sở dữ liệu cho một chi hội"))
    _add_db(p, paths)
    p.add_argument("--province", required=True, help=_("mã tỉnh/thành phố 2025 (2 chữ số, ví dụ 01)"))
    p.add_argument("--commune", help=_("mã xã/phường 2025 (5 chữ số)"))
    p.add_argument("--mode", choices=("commune", "province"), default="commune")
    p.add_argument("--name", help=_("tên chi hội (mặc định theo tên xã/phường)"))
    p.add_argument("--chair", help=_("họ tên Chủ tịch Hội"))
    p.add_argument("--officer", help=_("họ tên cán bộ phụ trách"))
    p.set_defaults(handler=cmd_init)

    p = sub.add_parser("demo", parents=[common], help=_("tạo một chi hội mẫu với dữ liệu 24 tháng"))
    _add_db(p, paths)
    p.add_argument("--people", type=int, default=300, help=_("số người (mặc định 300)"))
    p.add_argument(
        "--seed", type=int, default=1, help=_("hạt giống ngẫu nhiên (cùng hạt giống, cùng dữ liệu)")
    )
    p.set_defaults(handler=cmd_demo)

    p = sub.add_parser(
        "search", parents=[common], help=_("tìm người theo tên, điện thoại, CCCD (không cần dấu)")
    )
    _add_db(p, paths)
    p.add_argument("text")
    p.add_argument("--limit", type=int, default=50)
    p.set_defaults(handler=cmd_search)

    p = sub.add_parser("template", parents=[common], help=_("ghi tệp Excel mẫu để nhập danh sách có sẵn"))
    p.add_argument("--out", type=Path, required=True)
    p.set_defaults(handler=cmd_template)

    records = sub.add_parser("records", parents=[common], help=_("nhập dữ liệu từ tệp mẫu Excel"))
    records_sub = records.add_subparsers(dest="records_command", required=True, metavar=_("LỆNH"))
    p = records_sub.add_parser("import", parents=[common], help=_("xem trước (mặc định) hoặc ghi (--commit)"))
    _add_db(p, paths)
    p.add_argument("file", type=Path)
    p.add_argument("--commit", action="store_true", help=_("ghi vào dữ liệu (chỉ khi mọi dòng hợp lệ)"))
    p.set_defaults(handler=cmd_records_import)

    p = sub.add_parser(
        "report", parents=[common], help=_("báo cáo tháng: chỉ tiêu, tệp Excel theo Nghị định 30")
    )
    _add_db(p, paths)
    p.add_argument("--period", required=True, help=_("kỳ báo cáo YYYY-MM"))
    p.add_argument("--out", type=Path, help=_("ghi tệp báo cáo .xlsx"))
    p.add_argument("--number", default="", help=_("số văn bản, ví dụ 05"))
    p.set_defaults(handler=cmd_report)

    p = sub.add_parser(
        "completeness", parents=[common], help=_("cấp tỉnh: bảng theo dõi các xã đã nộp báo cáo")
    )
    _add_db(p, paths)
    p.add_argument("--period", required=True, help=_("kỳ báo cáo YYYY-MM"))
    p.add_argument("--out", type=Path, help=_("ghi bảng ra tệp .xlsx"))
    p.set_defaults(handler=cmd_completeness)

    p = sub.add_parser(
        "conflicts", parents=[common], help=_("cấp tỉnh: xem và xử lý bản ghi xung đột phiên bản")
    )
    _add_db(p, paths)
    p.add_argument("--resolve", type=int, metavar="SỐ", help=_("số xung đột cần xử lý"))
    p.add_argument("--keep", action="store_true", help=_("giữ bản đang lưu"))
    p.add_argument("--take", action="store_true", help=_("lấy bản mới nhận"))
    p.add_argument("--reason", default="", help=_("lý do (bắt buộc khi xử lý)"))
    p.set_defaults(handler=cmd_conflicts)

    period = sub.add_parser("period", parents=[common], help=_("chốt số liệu / mở lại một tháng"))
    period_sub = period.add_subparsers(dest="period_command", required=True, metavar=_("LỆNH"))
    for name, text in (("close", _("chốt số liệu tháng")), ("reopen", _("mở lại tháng đã chốt (cần lý do)"))):
        p = period_sub.add_parser(name, parents=[common], help=text)
        _add_db(p, paths)
        p.add_argument("--period", required=True, help=_("kỳ YYYY-MM"))
        p.add_argument("--reason", help=_("lý do"))
        p.set_defaults(handler=cmd_period)

    p = sub.add_parser(
        "disclosure", parents=[common], help=_("bảng công khai (Nghị định 93) của một đợt hoặc một tháng")
    )
    _add_db(p, paths)
    group = p.add_mutually_exclusive_group(required=True)
    group.add_argument("--campaign", help=_("mã đợt vận động"))
    group.add_argument("--period", help=_("tháng YYYY-MM"))
    p.add_argument("--out", type=Path, required=True)
    p.set_defaults(handler=cmd_disclosure)

    p = sub.add_parser("export", parents=[common], help=_("xuất gói dữ liệu đã ký gửi Hội cấp tỉnh"))
    _add_db(p, paths)
    p.add_argument("--period", required=True, help=_("kỳ báo cáo YYYY-MM"))
    p.add_argument("--out", type=Path, required=True)
    p.set_defaults(handler=cmd_export)

    p = sub.add_parser(
        "import", parents=[common], help=_("cấp tỉnh: kiểm tra và nhập gói dữ liệu của các xã")
    )
    _add_db(p, paths)
    p.add_argument("bundles", type=Path, nargs="+", metavar=_("GÓI"))
    p.add_argument("--commit", action="store_true", help=_("ghi vào dữ liệu (mặc định chỉ chạy thử)"))
    p.set_defaults(handler=cmd_import)

    p = sub.add_parser("verify", parents=[common], help=_("kiểm tra một gói dữ liệu (chữ ký, nội dung)"))
    p.add_argument("bundle", type=Path)
    p.add_argument("--key", help=_("khóa công khai của chi hội: tệp đăng ký khóa hoặc chuỗi khóa"))
    p.set_defaults(handler=cmd_verify)

    certs = sub.add_parser("certificates", parents=[common], help=_("giấy chứng nhận, thư cảm ơn, biên nhận"))
    certs_sub = certs.add_subparsers(dest="certificates_command", required=True, metavar=_("LỆNH"))
    p = certs_sub.add_parser(
        "issue", parents=[common], help=_("cấp (đánh số, ký, in) giấy chứng nhận hoặc in biên nhận")
    )
    _add_db(p, paths)
    p.add_argument("--kind", required=True, choices=("donor", "blood", "volunteer", "receipt"))
    p.add_argument("--campaign", help=_("mã đợt vận động (người ủng hộ)"))
    p.add_argument("--min-amount", type=int, default=0, help=_("số tiền tối thiểu, đồng (người ủng hộ)"))
    p.add_argument("--from", dest="date_from", help=_("từ ngày dd/mm/yyyy"))
    p.add_argument("--to", dest="date_to", help=_("đến ngày dd/mm/yyyy"))
    p.add_argument("--min-hours", type=int, default=0, help=_("số giờ tối thiểu (tình nguyện viên)"))
    p.add_argument("--receipt", help=_("số biên nhận cần in, ví dụ BN-2026-000123"))
    p.add_argument("--out", type=Path, required=True)
    p.set_defaults(handler=cmd_certificates_issue)
    p = certs_sub.add_parser(
        "verify", parents=[common], help=_("kiểm tra mã QR của giấy chứng nhận (không cần mạng)")
    )
    p.add_argument("code", help=_("nội dung mã QR (VNRCCERT1:…)"))
    p.add_argument("--key", required=True, help=_("khóa công khai của chi hội: tệp hoặc chuỗi"))
    p.set_defaults(handler=cmd_certificates_verify)

    keys = sub.add_parser("keys", parents=[common], help=_("khóa ký của chi hội"))
    keys_sub = keys.add_subparsers(dest="keys_command", required=True, metavar=_("LỆNH"))
    p = keys_sub.add_parser("show", parents=[common], help=_("mã khóa, mã vân tay, mã QR"))
    _add_db(p, paths)
    p.set_defaults(handler=cmd_keys_show)
    p = keys_sub.add_parser(
        "export", parents=[common], help=_("ghi tệp đăng ký khóa công khai gửi Hội cấp tỉnh")
    )
    _add_db(p, paths)
    p.add_argument("--out", type=Path, required=True)
    p.set_defaults(handler=cmd_keys_export)
    p = keys_sub.add_parser("register", parents=[common], help=_("cấp tỉnh: đăng ký khóa của một xã"))
    _add_db(p, paths)
    p.add_argument("file", type=Path, help=_("tệp đăng ký khóa của xã"))
    p.add_argument("--branch", required=True, help=_("mã đơn vị của xã"))
    p.add_argument("--fingerprint", required=True, help=_("mã vân tay trên biểu mẫu có chữ ký"))
    p.add_argument(
        "--method", default="paper form", choices=("paper form", "phone"), help=_("cách đối chiếu")
    )
    p.add_argument("--replace", action="store_true", help=_("thay khóa đang dùng (đã xác minh với xã)"))
    p.set_defaults(handler=cmd_keys_register)
    p = keys_sub.add_parser("revoke", parents=[common], help=_("cấp tỉnh: thu hồi khóa của một xã"))
    _add_db(p, paths)
    p.add_argument("--branch", required=True)
    p.add_argument("--reason", required=True)
    p.set_defaults(handler=cmd_keys_revoke)
    p = keys_sub.add_parser("list", parents=[common], help=_("cấp tỉnh: danh sách khóa đã đăng ký"))
    _add_db(p, paths)
    p.set_defaults(handler=cmd_keys_list)
    p = keys_sub.add_parser(
        "create", parents=[common], help=_("tạo khóa ký (mật khẩu từ REDCROSS_PASSPHRASE)")
    )
    _add_db(p, paths)
    p.set_defaults(handler=cmd_keys_create)

    db = sub.add_parser("db", parents=[common], help=_("bảo trì cơ sở dữ liệu"))
    db_sub = db.add_subparsers(dest="db_command", required=True, metavar=_("LỆNH"))
    p = db_sub.add_parser("upgrade", parents=[common], help=_("nâng cấp cấu trúc dữ liệu (sao lưu trước)"))
    _add_db(p, paths)
    p.set_defaults(handler=cmd_db_upgrade)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    multiprocessing.freeze_support()  # a frozen build's import workers start here (see app.main)
    paths = AppPaths.default()
    args = build_parser(paths).parse_args(argv)  # exits 2 on bad usage
    set_language(args.lang)
    setup_logging(paths)
    handler: Handler = args.handler
    try:
        result = handler(args, paths)
    except RedCrossError as exc:
        if args.json:
            emit_json(
                {
                    "ok": False,
                    "code": exc.code,
                    "message": exc.message,
                    "details": exc.details,
                    "rows": getattr(exc, "rows", None),
                }
            )
        else:
            sys.stderr.write(f"{exc.code}: {exc.message}\n")
            for row in getattr(exc, "rows", None) or []:
                sys.stderr.write("  {sheet} {row} {column}: {message}\n".format(**row))
        return 1
    except _SilentExit as exit_:
        return exit_.code
    except BrokenPipeError:  # the reader went away (`… | head`): not an error, nothing more to print
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception:  # a bug: log the traceback, tell the user where it is
        log.exception("command %s failed", args.command)
        sys.stderr.write(
            _("Lỗi phần mềm; chi tiết đã ghi vào {log}.").format(log=paths.log_dir / "redcross.log") + "\n"
        )
        return 3
    if args.json:
        emit_json({"ok": True, "result": result})
    return 0


__all__ = ["main"]
