# SPDX-License-Identifier: MIT
"""Bulk import of existing lists from the filled Excel template: all rows or none. Qt-free.

`preview` lists what would be created and every row problem; `commit` writes only when there is no
problem at all, in one transaction. The write path is a bulk insert per table (SQLAlchemy's
insertmanyvalues), not one service call per row, so it bypasses the per-record session hooks: this
module sets the sync envelope itself and writes ONE audit row for the whole import, and the
`import_rows` table ties each created record to that audit row.

Idempotency: every row gets a content hash (its sheet, its values with the person reference replaced
by the person's identity, and which occurrence of identical content it is in the file). Hashes
already in `import_rows` are skipped, so importing the same file again creates nothing, and adding
rows to a file already imported creates only the new rows.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from ..core.errors import ImportRowsInvalidError
from ..core.i18n import _
from ..core.progress import NullProgress, Progress, check_cancelled
from ..core.vn import fold, format_date, split_name, validate_cccd
from ..db.base import Base, new_uuid, utcnow
from ..db.models import (
    Activity,
    AuditEntry,
    BloodDonation,
    Campaign,
    Donation,
    ImportedRow,
    Membership,
    NumberSeries,
    PeriodLock,
    Person,
    ReliefRecord,
)
from ..domain.blood_sequence import BloodEvent, interval_conflicts
from ..domain.codes import BLOOD_TYPES, MEMBER_CATEGORIES
from ..sheets.records_reader import CellValue, ParsedRow, ParsedSheet, ParsedWorkbook, RowProblem, read_records
from ..sheets.template_spec import TemplateSpec, records_template
from .context import ServiceContext, period_of
from .people import refresh_keys
from .settings import read_setting

RECEIPT_SERIES = "BN"
MAX_WHOLE_BLOOD_ML = 500  # domain.md §2.7
_IN_CHUNK = 500  # ids per IN (...) query
_INSERT_BATCH = 2000  # rows per executemany, so progress and cancellation happen between batches
_CHECK_EVERY = 500

# The sheet whose rows are records of each model, and the date column a closed month guards.
_MODELS: Mapping[str, type[Base]] = {
    "people": Person,
    "donations": Donation,
    "relief": ReliefRecord,
    "blood": BloodDonation,
    "members": Membership,
    "activities": Activity,
}
_DATE_COLUMNS: Mapping[str, str] = {
    "donations": "received_on",
    "relief": "given_on",
    "blood": "donated_on",
    "members": "joined_on",
    "activities": "start_date",
}

T = TypeVar("T")


# ---------------------------------------------------------------- report DTOs


@dataclass(frozen=True)
class SheetCounts:
    sheet: str  # template key: people, donations, relief, blood, members, activities
    title: str  # the sheet title users see
    rows: int  # non-blank rows read
    to_create: int  # valid rows that are (or were, after a commit) created
    matched: int  # people rows that reuse a person already stored (same CCCD)
    already_imported: int  # rows imported before (same content): skipped
    errors: int  # rows with at least one problem


@dataclass(frozen=True)
class ImportReport:
    file_name: str
    sha256: str
    sheets: tuple[SheetCounts, ...]
    problems: tuple[RowProblem, ...]  # block the commit
    warnings: tuple[RowProblem, ...]  # worth a look; do not block
    committed: bool = False
    import_uuid: str = ""  # record_uuid of the import's audit row, when something was written
    receipts: tuple[str, ...] = ()  # receipt number ranges given, one per year

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def total_to_create(self) -> int:
        return sum(s.to_create for s in self.sheets)

    def counts(self, sheet: str) -> SheetCounts:
        for counts in self.sheets:
            if counts.sheet == sheet:
                return counts
        raise KeyError(sheet)

    def describe(self) -> str:
        """The report as Vietnamese text (command line, logs)."""
        lines = [_("Tệp {name} (SHA-256 {digest}…)").format(name=self.file_name, digest=self.sha256[:16])]
        for s in self.sheets:
            lines.append(
                _(
                    "  {title}: {rows} dòng — tạo mới {new}, dùng người đã có {matched}, đã nhập trước {done}, "
                    "lỗi {errors}"
                ).format(
                    title=s.title, rows=s.rows, new=s.to_create, matched=s.matched, done=s.already_imported,
                    errors=s.errors,
                )
            )
        if self.problems:
            lines.append(
                _("Có {n} lỗi nên chưa ghi gì. Hãy sửa các ô sau rồi nhập lại:").format(n=len(self.problems))
            )
            lines += [f"  {_where(p)}: {p.message}" for p in self.problems]
        if self.warnings:
            lines.append(_("Lưu ý (không chặn việc nhập):"))
            lines += [f"  {_where(p)}: {p.message}" for p in self.warnings]
        if self.committed:
            if self.import_uuid:
                lines.append(_("Đã ghi {n} bản ghi vào dữ liệu.").format(n=self.total_to_create))
                if self.receipts:
                    lines.append(_("Số biên nhận đã cấp: {r}").format(r="; ".join(self.receipts)))
            else:
                lines.append(_("Không có dòng mới nào để ghi: tệp này đã được nhập trước đây."))
        elif not self.problems:
            lines.append(_("Đây là bản xem trước; chưa ghi gì vào dữ liệu."))
        return "\n".join(lines)


def _where(p: RowProblem) -> str:
    parts = [_("Trang {sheet}").format(sheet=p.sheet)]
    if p.row:
        parts.append(_("dòng {row}").format(row=p.row))
    if p.column:
        parts.append(_("cột {column}").format(column=p.column))
    if p.cell:
        parts.append(f"({p.cell})")
    return ", ".join(parts)


# ---------------------------------------------------------------- planning


@dataclass(eq=False)
class _Person:
    """Someone rows can point to: a person row of this file, or a person already stored."""

    identity: str  # "cccd:<number>" or "row:<hash of the people row>", stable across files
    uuid: str
    id: int | None = None  # set for stored people, and for new ones once inserted
    deleted: bool = False
    insert: dict[str, object] | None = None  # the row to insert when the person is new
    row: ParsedRow | None = None


@dataclass
class _Pending:
    """A row to create: its values for the insert and the person its foreign key points to."""

    sheet: str
    row: ParsedRow
    record: dict[str, object]
    person: _Person | None = None
    person_column: str = "person_id"


@dataclass
class _Plan:
    workbook: ParsedWorkbook
    spec: TemplateSpec
    problems: list[RowProblem] = field(default_factory=list)
    warnings: list[RowProblem] = field(default_factory=list)
    new_people: list[_Person] = field(default_factory=list)
    pending: dict[str, list[_Pending]] = field(default_factory=lambda: defaultdict(list))
    matched: dict[str, int] = field(default_factory=Counter)
    already: dict[str, int] = field(default_factory=Counter)
    hashes: dict[tuple[str, int], str] = field(default_factory=dict)  # (sheet, excel row) -> row hash
    # (sheet, excel row) -> uuid of the record a matched row reuses; recorded so a re-import skips it
    reused: dict[tuple[str, int], str] = field(default_factory=dict)

    def problem(self, sheet: ParsedSheet, row: int, column: str, message: str) -> None:
        self.problems.append(_row_problem(sheet, row, column, message))

    def warning(self, sheet: ParsedSheet, row: int, column: str, message: str) -> None:
        self.warnings.append(_row_problem(sheet, row, column, message))


def _row_problem(sheet: ParsedSheet, row: int, column: str, message: str) -> RowProblem:
    header = sheet.spec.column(column).header if column else ""
    return RowProblem(sheet.spec.title, row, header, message, sheet.cell(column, row) if column else "")


def _chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _canonical(value: CellValue) -> object:
    if isinstance(value, date):
        return value.isoformat()
    return value


def _content_hash(sheet: str, values: Mapping[str, object]) -> str:
    payload = json.dumps(
        [sheet, {k: v for k, v in values.items() if v is not None and v != ""}],
        ensure_ascii=False, sort_keys=True, separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


class _Hasher:
    """Content hashes that stay distinct when a file holds the same row twice on purpose (two
    anonymous gifts of the same amount on one day): the n-th copy gets its own hash."""

    def __init__(self) -> None:
        self._seen: Counter[str] = Counter()

    def __call__(self, sheet: str, values: Mapping[str, object]) -> str:
        base = _content_hash(sheet, values)
        occurrence = self._seen[base]
        self._seen[base] += 1
        return base if occurrence == 0 else hashlib.sha256(f"{base}#{occurrence}".encode()).hexdigest()


def _looks_like_id_number(text: str) -> bool:
    return text.isdigit() and len(text) in (9, 12)


def _column_defaults(model: type[Base]) -> dict[str, object]:
    """Every column but the key, with its scalar default, so each executemany row has the same keys."""
    row: dict[str, object] = {}
    for column in model.__table__.columns:
        if column.key == "id":
            continue
        default = column.default
        row[column.key] = default.arg if default is not None and default.is_scalar else None  # type: ignore[attr-defined]
    return row


def _person_keys(record: dict[str, object]) -> tuple[str, str]:
    """The people service's own derivation (refresh_keys), run on a transient, never-added Person."""
    person = Person(
        full_name=record["full_name"], ho=record["ho"], dem=record["dem"], ten=record["ten"],
        phone=record["phone"], cccd=record["cccd"],
    )
    refresh_keys(person)
    return person.search_key, person.sort_key


class _Planner:
    """Checks a parsed workbook against the store and builds the rows to insert. Runs inside the
    caller's session (the commit's own transaction), so what it checks is what gets written."""

    def __init__(self, ctx: ServiceContext, session: Session, workbook: ParsedWorkbook, spec: TemplateSpec,
                 progress: Progress) -> None:
        self.ctx, self.session, self.progress = ctx, session, progress
        self.plan = _Plan(workbook, spec, problems=list(workbook.problems))
        self.sheets = workbook.sheets
        self.by_ref: dict[str, _Person] = {}
        self.by_cccd: dict[str, _Person] = {}
        self.person_of_row: dict[int, _Person] = {}  # people sheet excel row -> person
        self.defaults = {key: _column_defaults(model) for key, model in _MODELS.items()}
        self.hash = _Hasher()
        self.done = 0
        self.total = sum(len(s.rows) for s in self.sheets.values())

    def _tick(self) -> None:
        self.done += 1
        if self.done % _CHECK_EVERY == 0:
            check_cancelled(self.progress)
            self.progress.report(self.done, self.total, _("Đang kiểm tra dữ liệu…"))

    # ------------------------------------------------------------ store lookups

    def _scalars_in(self, stmt_for: Any, keys: Iterable[Any]) -> list[Any]:
        keys = sorted(set(keys))
        rows: list[Any] = []
        for chunk in _chunks(keys, _IN_CHUNK):
            rows.extend(self.session.execute(stmt_for(chunk)).all())
        return rows

    def _imported_hashes(self) -> dict[str, str]:
        return dict(self._scalars_in(
            lambda c: select(ImportedRow.row_hash, ImportedRow.record_uuid).where(ImportedRow.row_hash.in_(c)),
            self.plan.hashes.values(),
        ))

    def _stored_people(self, cccds: Iterable[str], uuids: Iterable[str]) -> list[Any]:
        cols = (Person.id, Person.uuid, Person.cccd, Person.full_name, Person.deleted)
        by_cccd = self._scalars_in(lambda c: select(*cols).where(Person.cccd.in_(c)), cccds)
        by_uuid = self._scalars_in(lambda c: select(*cols).where(Person.uuid.in_(c)), uuids)
        return by_cccd + by_uuid

    # ------------------------------------------------------------ people

    def _hash_people(self) -> None:
        sheet = self.sheets.get("people")
        if sheet is None:
            return
        for row in sheet.rows:
            values = {k: _canonical(v) for k, v in row.values.items() if k != "ref"}  # ref is file-local
            self.plan.hashes[("people", row.row)] = self.hash("people", values)

    def _people_identities(self) -> None:
        """Registers every people row under its Mã người and CCCD (rows with problems too, so the rows
        that point to them are not reported a second time)."""
        sheet = self.sheets.get("people")
        if sheet is None:
            return
        for row in sheet.rows:
            ref, cccd = row.values.get("ref"), row.values.get("cccd")
            row_hash = self.plan.hashes[("people", row.row)]
            person = _Person(f"cccd:{cccd}" if cccd else f"row:{row_hash}", new_uuid(), row=row)
            self.person_of_row[row.row] = person
            if isinstance(ref, str):
                if ref in self.by_ref:
                    first = self.by_ref[ref].row
                    self.plan.problem(sheet, row.row, "ref", _(
                        "Mã người {ref} đã dùng ở dòng {first}. Mỗi người một mã riêng."
                    ).format(ref=ref, first=first.row if first else "?"))
                else:
                    self.by_ref[ref] = person
            if isinstance(cccd, str):
                if cccd in self.by_cccd:
                    first = self.by_cccd[cccd].row
                    self.plan.problem(sheet, row.row, "cccd", _(
                        "Số CCCD {cccd} đã có ở dòng {first}. Mỗi người chỉ ghi một dòng."
                    ).format(cccd=cccd, first=first.row if first else "?"))
                else:
                    self.by_cccd[cccd] = person

    def _plan_people(self, imported: Mapping[str, str], stored: Mapping[str, Any]) -> None:
        sheet = self.sheets.get("people")
        if sheet is None:
            return
        for row in sheet.rows:
            self._tick()
            person = self.person_of_row[row.row]
            row_hash = self.plan.hashes[("people", row.row)]
            values = row.values
            if row_hash in imported:
                self.plan.already["people"] += 1
                person.uuid = imported[row_hash]
                known = stored.get(person.uuid)
                person.id, person.deleted = (known.id, known.deleted) if known else (None, True)
                continue
            cccd = values.get("cccd")
            existing = stored.get(f"cccd:{cccd}") if isinstance(cccd, str) else None
            if existing is not None and person.row is row and self.by_cccd.get(str(cccd)) is person:
                if existing.deleted:
                    self.plan.problem(sheet, row.row, "cccd", _(
                        "Số CCCD {cccd} thuộc một người đã bị xóa ({name}). Hãy khôi phục người đó trong phần "
                        "mềm thay vì nhập mới."
                    ).format(cccd=cccd, name=existing.full_name))
                    continue
                person.uuid, person.id = existing.uuid, existing.id
                self.plan.matched["people"] += 1
                self.plan.reused[("people", row.row)] = existing.uuid
                if fold(existing.full_name) != fold(str(values.get("full_name") or "")):
                    self.plan.warning(sheet, row.row, "full_name", _(
                        "Số CCCD {cccd} đã có trong dữ liệu với tên {name}; dòng này sẽ dùng người đó, không tạo "
                        "người mới. Hãy kiểm tra lại nếu đây là người khác."
                    ).format(cccd=cccd, name=existing.full_name))
                continue
            self._check_person_row(sheet, row)
            if row.valid and values.get("full_name"):
                person.insert = self._person_record(person, values)
                self.plan.new_people.append(person)

    def _check_person_row(self, sheet: ParsedSheet, row: ParsedRow) -> None:
        values = row.values
        birth_date, birth_year = values.get("birth_date"), values.get("birth_year")
        if isinstance(birth_date, date) and isinstance(birth_year, int) and birth_date.year != birth_year:
            self.plan.problem(sheet, row.row, "birth_year", _(
                "Năm sinh {year} khác với ngày sinh {day}. Chỉ ghi một trong hai, hoặc sửa cho khớp."
            ).format(year=birth_year, day=format_date(birth_date)))
        cccd = values.get("cccd")
        if isinstance(cccd, str):
            year = birth_date.year if isinstance(birth_date, date) else birth_year
            sex = values.get("sex")
            check = validate_cccd(cccd, birth_year=year if isinstance(year, int) else None,
                                  sex=sex if sex in ("M", "F") else None)
            for message in check.warnings:
                self.plan.warning(sheet, row.row, "cccd", message)

    def _person_record(self, person: _Person, values: Mapping[str, CellValue]) -> dict[str, object]:
        full_name = str(values["full_name"])
        is_org = bool(values.get("is_organisation"))
        ho, dem, ten = ("", "", full_name) if is_org else split_name(full_name)
        birth_date = values.get("birth_date")
        record = dict(self.defaults["people"])
        record.update(
            uuid=person.uuid, full_name=full_name, ho=ho, dem=dem, ten=ten, sex=values.get("sex"),
            birth_date=birth_date, birth_year=None if birth_date else values.get("birth_year"),
            cccd=values.get("cccd"), phone=values.get("phone") or "", thon=values.get("thon") or "",
            address=values.get("address") or "", is_organisation=is_org, note=values.get("note") or "",
        )
        record["search_key"], record["sort_key"] = _person_keys(record)
        return record

    # ------------------------------------------------------------ rows that point to a person

    def _hash_referencing(self) -> dict[tuple[str, int], _Person | str | None]:
        """Resolves each row's person reference within the file and hashes the row with the person's
        identity in place of the file-local reference. A CCCD not in the file is returned as a string
        to look up in the store."""
        targets: dict[tuple[str, int], _Person | str | None] = {}
        for key in ("donations", "relief", "blood", "members", "activities"):
            sheet = self.sheets.get(key)
            if sheet is None:
                continue
            for row in sheet.rows:
                values = {k: _canonical(v) for k, v in row.values.items()}
                if "person" in values:
                    ref = values.pop("person")
                    target: _Person | str | None = None
                    if isinstance(ref, str):
                        target = self.by_ref.get(ref) or self.by_cccd.get(ref) or ref
                    targets[(key, row.row)] = target
                    values["person"] = (
                        target.identity if isinstance(target, _Person)
                        else f"cccd:{target}" if isinstance(target, str) else ""
                    )
                self.plan.hashes[(key, row.row)] = self.hash(key, values)
        return targets

    def _resolve(
        self, sheet: ParsedSheet, row: ParsedRow, target: _Person | str | None, stored: Mapping[str, Any]
    ) -> _Person | None:
        """The person a row points to, or None after listing a problem (or for an anonymous gift)."""
        if isinstance(target, _Person):
            return target
        if target is None:
            return None
        found = stored.get(f"cccd:{target}") if _looks_like_id_number(target) else None
        if found is None:
            hint = ""
            if target.isdigit() and len(target) in (10, 11):
                hint = " " + _("Nếu đây là CCCD, có thể ô đã mất số 0 ở đầu (hãy định dạng ô là Văn bản).")
            self.plan.problem(sheet, row.row, "person", _(
                "Không tìm thấy người \"{ref}\": trang Người không có Mã người này và chưa có ai mang số CCCD "
                "này. Hãy thêm người đó vào trang Người.{hint}"
            ).format(ref=target, hint=hint))
            return None
        person = self.by_cccd.get(target)
        if person is None:
            person = _Person(f"cccd:{target}", found.uuid, found.id, found.deleted)
            self.by_cccd[target] = person
        return person

    def _plan_rows(self, key: str, targets: Mapping[tuple[str, int], _Person | str | None],
                   imported: Mapping[str, str], stored: Mapping[str, Any], context: _StoreContext) -> None:
        sheet = self.sheets.get(key)
        if sheet is None:
            return
        column = sheet.spec.columns
        has_person = any(c.key == "person" for c in column)
        for row in sheet.rows:
            self._tick()
            person = self._resolve(sheet, row, targets.get((key, row.row)), stored) if has_person else None
            if self.plan.hashes[(key, row.row)] in imported:
                self.plan.already[key] += 1
                continue
            if person is not None and person.deleted:
                self.plan.problem(sheet, row.row, "person", _(
                    "Người \"{ref}\" đã bị xóa khỏi dữ liệu. Hãy khôi phục người đó hoặc bỏ dòng này."
                ).format(ref=row.values.get("person")))
            day = row.values.get(_DATE_COLUMNS[key])
            if isinstance(day, date) and period_of(day) in context.locked:
                self.plan.problem(sheet, row.row, _DATE_COLUMNS[key], _(
                    "Tháng {period} đã chốt số liệu. Hãy bỏ dòng này, hoặc nhờ Chủ tịch Hội mở khóa kỳ này "
                    "trước khi nhập."
                ).format(period=f"{day.month:02d}/{day.year}"))
            record = _BUILDERS[key](self, sheet, row, context)
            if record is not None:
                record.update(self._envelope_free(key))
                self.plan.pending[key].append(_Pending(key, row, record, person))

    def _envelope_free(self, key: str) -> dict[str, object]:
        return {"uuid": new_uuid()}

    # ------------------------------------------------------------ whole-sheet rules

    def _check_blood(self, context: _StoreContext) -> None:
        sheet = self.sheets.get("blood")
        pending = self.plan.pending.get("blood", [])
        if sheet is None or not pending:
            return
        by_person: dict[int, list[BloodEvent]] = defaultdict(list)
        people: dict[int, _Person] = {}
        rows: dict[int, _Pending] = {}
        for item in pending:
            day, kind = item.row.values.get("donated_on"), item.row.values.get("kind")
            if item.person is None or not isinstance(day, date) or not isinstance(kind, str):
                continue
            by_person[id(item.person)].append(BloodEvent(item.row.row, day, kind, True))
            people[id(item.person)] = item.person
            rows[item.row.row] = item
        stored_ids = {p.id: key for key, p in people.items() if p.id is not None}
        for person_id, day, kind in self._scalars_in(
            lambda c: select(BloodDonation.person_id, BloodDonation.donated_on, BloodDonation.kind).where(
                BloodDonation.person_id.in_(c), BloodDonation.deleted.is_(False)
            ),
            stored_ids,
        ):
            by_person[stored_ids[person_id]].append(BloodEvent(None, day, kind, False))
        for events in by_person.values():
            for conflict in interval_conflicts(events, context.intervals):
                row = rows[int(str(conflict.key))].row
                day = row.values["donated_on"]
                assert isinstance(day, date)
                other = _("ở dòng khác của tệp") if conflict.other_new else _("đã có trong dữ liệu")
                kind_label = _(BLOOD_TYPES.get(conflict.other_kind, conflict.other_kind)).lower()
                if conflict.other_day <= day:
                    message = _(
                        "Chưa đủ thời gian giữa hai lần hiến: lần hiến {kind} ngày {other_day} ({where}) nên "
                        "sớm nhất là ngày {earliest} mới được hiến tiếp."
                    )
                else:
                    message = _(
                        "Lần hiến {kind} ngày {other_day} ({where}) cách lần này chưa đủ thời gian (phải từ "
                        "ngày {earliest}). Hãy kiểm tra lại ngày hiến."
                    )
                self.plan.problem(sheet, row.row, "donated_on", message.format(
                    kind=kind_label, other_day=format_date(conflict.other_day), where=other,
                    earliest=format_date(conflict.earliest),
                ))

    def _check_members(self) -> None:
        sheet = self.sheets.get("members")
        pending = self.plan.pending.get("members", [])
        if sheet is None or not pending:
            return
        ids = {p.person.id for p in pending if p.person is not None and p.person.id is not None}
        active = set(map(tuple, self._scalars_in(
            lambda c: select(Membership.person_id, Membership.category).where(
                Membership.person_id.in_(c), Membership.deleted.is_(False), Membership.left_on.is_(None)
            ),
            ids,
        )))
        seen: dict[tuple[int, str], int] = {}
        for item in pending:
            category = item.row.values.get("category")
            if item.person is None or not isinstance(category, str):
                continue
            label = _(MEMBER_CATEGORIES.get(category, category))
            if (item.person.id, category) in active:
                self.plan.problem(sheet, item.row.row, "category", _(
                    "Người này đang là {label} trong dữ liệu. Hãy bỏ dòng này."
                ).format(label=label.lower()))
            first = seen.setdefault((id(item.person), category), item.row.row)
            if first != item.row.row:
                self.plan.problem(sheet, item.row.row, "category", _(
                    "Người này đã có dòng {label} ở dòng {first}. Mỗi người một dòng cho mỗi loại."
                ).format(label=label.lower(), first=first))

    def _check_relief(self) -> None:
        sheet = self.sheets.get("relief")
        if sheet is None:
            return
        seen: dict[tuple[int, str], int] = {}
        for item in self.plan.pending.get("relief", []):
            values = item.row.values
            if values.get("kind") == "regular" and not (values.get("review_minutes_ref") and values.get("confirmation_ref")):
                self.plan.warning(sheet, item.row.row, "review_minutes_ref", _(
                    "Trợ giúp thường xuyên cần biên bản bình xét và xác nhận của UBND xã; hãy ghi số văn bản nếu có."
                ))
            programme = fold(str(values.get("programme") or ""))
            if item.person is not None and programme:
                first = seen.setdefault((id(item.person), programme), item.row.row)
                if first != item.row.row:
                    self.plan.warning(sheet, item.row.row, "person", _(
                        "Người này đã được hỗ trợ trong cùng chương trình ở dòng {first}. Hãy kiểm tra có trùng không."
                    ).format(first=first))

    # ------------------------------------------------------------ entry point

    def run(self) -> _Plan:
        self._hash_people()
        self._people_identities()
        targets = self._hash_referencing()
        cccd_refs = {t for t in targets.values() if isinstance(t, str) and _looks_like_id_number(t)}
        imported = self._imported_hashes()
        people_uuids = [imported[h] for (sheet, _row), h in self.plan.hashes.items() if sheet == "people" and h in imported]
        stored: dict[str, Any] = {}
        for found in self._stored_people(set(self.by_cccd) | cccd_refs, people_uuids):
            stored[found.uuid] = found
            if found.cccd:
                stored[f"cccd:{found.cccd}"] = found
        context = _StoreContext.load(self.session)
        self._plan_people(imported, stored)
        for key in ("donations", "relief", "blood", "members", "activities"):
            self._plan_rows(key, targets, imported, stored, context)
        self._check_blood(context)
        self._check_members()
        self._check_relief()
        return self.plan
