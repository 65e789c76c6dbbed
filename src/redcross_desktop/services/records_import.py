# SPDX-License-Identifier: MIT
"""Bulk import of existing lists from the filled Excel template: all rows or none. Qt-free.

`preview` lists what would be created and every row problem; `commit` writes only when there is no
problem at all, in one transaction. The write path is a bulk insert per table (SQLAlchemy's
insertmanyvalues), not one service call per row, so it bypasses the per-record session hooks: this
module sets the sync envelope itself and writes ONE audit row for the whole import, and the
`import_rows` table ties each created record to that audit row.

Idempotency: every row gets a content hash (its sheet, its values with the person reference replaced
by the person's identity, and which copy of identical content it is within the file). Hashes already
in `import_rows` are skipped, so importing the same file again creates nothing, and adding rows to a
file already imported creates only the new rows.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any, TypeVar, cast

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from ..core.errors import ImportRowsInvalidError
from ..core.i18n import N_, _
from ..core.progress import NullProgress, Progress, check_cancelled
from ..core.vn import fold, format_date, name_sort_key, split_name, validate_cccd
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
from ..sheets.records_reader import (
    CellValue,
    ParsedRow,
    ParsedSheet,
    ParsedWorkbook,
    RowProblem,
    read_records,
)
from ..sheets.template_spec import TemplateSpec, records_template
from .context import ServiceContext, period_of
from .people import search_text
from .settings import read_setting

RECEIPT_SERIES = "BN"
MAX_WHOLE_BLOOD_ML = 500  # domain.md §2.7
_IN_CHUNK = 500  # keys per IN (...) query
_INSERT_BATCH = 2000  # rows per executemany, so progress and cancellation happen between batches
_CHECK_EVERY = 500

T = TypeVar("T")
Record = dict[str, object]

# Messages: each says what is wrong and what to do.
_REPORT_LINE = N_(
    "{title}: {rows} dòng — tạo mới {new}, dùng người đã có {matched}, đã nhập trước {done}, lỗi {errors}"
)
_CCCD_OF_DELETED = N_(
    "Số CCCD {cccd} thuộc một người đã bị xóa ({name}). Hãy khôi phục người đó trong phần mềm "
    "thay vì nhập mới."
)
_CCCD_NAME_DIFFERS = N_(
    "Số CCCD {cccd} đã có trong dữ liệu với tên {name}; dòng này sẽ dùng người đó, không tạo "
    "người mới. Hãy kiểm tra lại nếu đây là người khác."
)
_BIRTH_YEAR_MISMATCH = N_(
    "Năm sinh {year} khác với ngày sinh {day}. Chỉ ghi một trong hai, hoặc sửa cho khớp."
)
_PERSON_NOT_FOUND = N_(
    'Không tìm thấy người "{ref}": trang Người không có Mã người này và chưa có ai mang số CCCD '
    "này. Hãy thêm người đó vào trang Người.{hint}"
)
_PERSON_DELETED = N_(
    'Người "{ref}" đã bị xóa khỏi dữ liệu. Hãy khôi phục người đó trong phần mềm hoặc bỏ dòng này.'
)
_PERIOD_LOCKED = N_(
    "Tháng {period} đã chốt số liệu. Hãy bỏ dòng này, hoặc nhờ Chủ tịch Hội mở khóa kỳ này trước khi nhập."
)
_BLOOD_TOO_SOON = N_(
    "Chưa đủ thời gian giữa hai lần hiến: sau lần hiến {kind} ngày {other} ({where}) phải đến "
    "ngày {earliest} mới được hiến tiếp."
)
_BLOOD_TOO_CLOSE = N_(
    "Lần hiến {kind} ngày {other} ({where}) quá gần lần này: hai lần phải cách nhau đủ thời gian "
    "(lần sau sớm nhất ngày {earliest}). Hãy kiểm tra lại ngày hiến."
)
_REGULAR_NEEDS_REVIEW = N_(
    "Trợ giúp thường xuyên cần biên bản bình xét và xác nhận của UBND xã; hãy ghi số văn bản."
)
_SAME_PROGRAMME = N_(
    "Người này đã được hỗ trợ trong cùng chương trình ở dòng {first}. Hãy kiểm tra có trùng không."
)
_NO_CAMPAIGN = N_(
    "Chưa có đợt vận động mã {code}. Hãy tạo đợt vận động trong phần mềm trước, hoặc để trống ô này."
)
_REFUSED = N_(
    "Tệp {name} có {n} lỗi nên chưa ghi gì vào dữ liệu. Hãy sửa các dòng được liệt kê rồi nhập lại."
)


# ---------------------------------------------------------------- report DTOs


@dataclass(frozen=True)
class SheetCounts:
    sheet: str  # template key: people, donations, relief, blood, members, activities
    title: str  # the sheet title users see
    rows: int  # non-blank rows read
    to_create: int  # valid rows that are (after a commit: were) created
    matched: int  # people rows that reuse a person already stored (same CCCD)
    already_imported: int  # rows imported before (same content): skipped
    errors: int  # rows with at least one problem


@dataclass(frozen=True)
class ImportReport:
    file_name: str
    sha256: str
    sheets: tuple[SheetCounts, ...]
    problems: tuple[RowProblem, ...]  # any one blocks the commit
    warnings: tuple[RowProblem, ...]  # worth a look; do not block
    committed: bool = False
    import_uuid: str = ""  # record_uuid of the import's audit row, when something was written
    receipts: tuple[str, ...] = ()  # receipt numbers given, one range per year

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
                "  "
                + _(_REPORT_LINE).format(
                    title=s.title,
                    rows=s.rows,
                    new=s.to_create,
                    matched=s.matched,
                    done=s.already_imported,
                    errors=s.errors,
                )
            )
        if self.problems:
            lines.append(
                _("Có {n} lỗi nên chưa ghi gì. Hãy sửa các ô sau rồi nhập lại:").format(n=len(self.problems))
            )
            lines += [f"  {describe_problem(p)}" for p in self.problems]
        if self.warnings:
            lines.append(_("Lưu ý (không chặn việc nhập):"))
            lines += [f"  {describe_problem(p)}" for p in self.warnings]
        if not self.sheets:
            lines.append(
                _("Tệp chưa có dòng dữ liệu nào. Hãy điền dữ liệu vào các trang của mẫu rồi nhập lại.")
            )
        elif self.committed and self.import_uuid:
            lines.append(_("Đã ghi {n} bản ghi vào dữ liệu.").format(n=self.total_to_create))
            if self.receipts:
                lines.append(_("Số biên nhận đã cấp: {r}").format(r="; ".join(self.receipts)))
        elif self.committed:
            lines.append(_("Không có dòng mới nào để ghi: các dòng của tệp này đã được nhập trước đây."))
        elif not self.problems:
            lines.append(_("Đây là bản xem trước; chưa ghi gì vào dữ liệu."))
        return "\n".join(lines)


def describe_problem(p: RowProblem) -> str:
    """Where and what, e.g. "Trang Ủng hộ, dòng 7, cột Ngày (A7): …"."""
    parts = [_("Trang {sheet}").format(sheet=p.sheet)]
    if p.row:
        parts.append(_("dòng {row}").format(row=p.row))
    if p.column:
        parts.append(_("cột {column}").format(column=p.column))
    where = ", ".join(parts) + (f" ({p.cell})" if p.cell else "")
    return f"{where}: {p.message}"


# ---------------------------------------------------------------- plan


@dataclass(eq=False)
class _Person:
    """Someone rows can point to: a people row of this file, or a person already stored."""

    identity: str  # "cccd:<number>" or "row:<hash of the people row>": the same in every file
    uuid: str
    id: int | None = None  # set for stored people, and for new ones once inserted
    deleted: bool = False
    row: int = 0  # people sheet row, when the person comes from this file


@dataclass(eq=False)
class _Pending:
    """A row to create: the record to insert and the person its foreign key points to."""

    row: ParsedRow
    record: Record
    person: _Person | None = None


@dataclass
class _Plan:
    workbook: ParsedWorkbook
    problems: list[RowProblem]
    warnings: list[RowProblem] = field(default_factory=list)
    pending: dict[str, list[_Pending]] = field(default_factory=lambda: defaultdict(list))
    matched: list[tuple[int, str]] = field(default_factory=list)  # people rows reusing a stored person
    already: Counter[str] = field(default_factory=Counter)
    hashes: dict[tuple[str, int], str] = field(default_factory=dict)  # (sheet key, Excel row) -> row hash

    def problem(self, sheet: ParsedSheet, row: int, column: str, message: str) -> None:
        self.problems.append(_row_problem(sheet, row, column, message))

    def warning(self, sheet: ParsedSheet, row: int, column: str, message: str) -> None:
        self.warnings.append(_row_problem(sheet, row, column, message))

    @property
    def has_writes(self) -> bool:
        return bool(self.matched) or any(self.pending.values())


def _row_problem(sheet: ParsedSheet, row: int, column: str, message: str) -> RowProblem:
    header = sheet.spec.column(column).header if column else ""
    return RowProblem(sheet.spec.title, row, header, message, sheet.cell(column, row) if column else "")


@dataclass(frozen=True)
class _StoreContext:
    """What the rules need from the store besides people: small tables, read once."""

    locked: frozenset[str]  # closed months, YYYY-MM
    campaigns: Mapping[str, int]  # folded code -> id
    intervals: Mapping[str, int]  # blood type -> days

    @classmethod
    def load(cls, session: Session) -> _StoreContext:
        blood = read_setting(session, "blood") or {}
        return cls(
            locked=frozenset(session.scalars(select(PeriodLock.period))),
            campaigns={
                fold(code): campaign_id
                for code, campaign_id in session.execute(
                    select(Campaign.code, Campaign.id).where(Campaign.deleted.is_(False))
                )
            },
            intervals={str(k): int(v) for k, v in dict(blood.get("interval_days") or {}).items()},
        )


# ---------------------------------------------------------------- helpers


def _chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _canonical(values: Mapping[str, CellValue], drop: str = "") -> dict[str, object]:
    return {
        k: v.isoformat() if isinstance(v, date) else v
        for k, v in values.items()
        if k != drop and v is not None and v != ""
    }


class _Hasher:
    """Content hashes that stay distinct when a file holds the same row twice on purpose (two
    anonymous gifts of the same amount on one day): the n-th copy gets its own hash."""

    def __init__(self) -> None:
        self._seen: Counter[str] = Counter()

    def __call__(self, sheet: str, content: Mapping[str, object]) -> str:
        payload = json.dumps([sheet, content], ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        base = hashlib.sha256(payload.encode("utf-8")).hexdigest()
        copy = self._seen[base]
        self._seen[base] += 1
        return base if copy == 0 else hashlib.sha256(f"{base}#{copy}".encode()).hexdigest()


def _is_id_number(text: str) -> bool:
    return text.isdigit() and len(text) in (9, 12)


def _column_defaults(model: type[Base]) -> Record:
    """Every column but the key, with its scalar default: each executemany row gets the same keys."""
    row: Record = {}
    for column in model.__table__.columns:
        if column.key == "id":
            continue
        default = column.default
        row[column.key] = default.arg if default is not None and default.is_scalar else None
    return row


class _SortKeys:
    """`name_sort_key` (what `refresh_keys` stores) remembered per name within one import: names repeat
    a lot (Nguyễn Văn An…) and the collation key is the costliest value derived per person."""

    def __init__(self) -> None:
        self._keys: dict[tuple[str, str, str], str] = {}

    def __call__(self, ho: str, dem: str, ten: str) -> str:
        key = self._keys.get((ho, dem, ten))
        if key is None:
            key = self._keys[(ho, dem, ten)] = name_sort_key(ho, dem, ten)
        return key


def _text(values: Mapping[str, CellValue], key: str) -> str:
    value = values.get(key)
    return value if isinstance(value, str) else ""


# ---------------------------------------------------------------- the planner


class _Planner:
    """Checks a parsed workbook against the store and builds the records to insert. Runs in the
    caller's session (for a commit, its own transaction), so what is checked is what gets written."""

    def __init__(self, session: Session, workbook: ParsedWorkbook, progress: Progress) -> None:
        self.session, self.progress = session, progress
        self.plan = _Plan(workbook, problems=list(workbook.problems))
        self.sheets = workbook.sheets
        self.by_ref: dict[str, _Person] = {}
        self.by_cccd: dict[str, _Person] = {}
        self.people_rows: dict[int, _Person] = {}
        self.targets: dict[tuple[str, int], _Person | str | None] = {}
        self.hash = _Hasher()
        self.sort_keys = _SortKeys()
        self.done = 0
        self.total = sum(len(s.rows) for s in self.sheets.values())

    def _tick(self) -> None:
        self.done += 1
        if self.done % _CHECK_EVERY == 0:
            check_cancelled(self.progress)
            self.progress.report(self.done, self.total, _("Đang kiểm tra dữ liệu…"))

    def _rows_in(self, query: Callable[[Sequence[Any]], Any], keys: Iterable[Any]) -> list[Any]:
        ordered = sorted(set(keys))
        found: list[Any] = []
        for chunk in _chunks(ordered, _IN_CHUNK):
            found.extend(self.session.execute(query(chunk)).all())
        return found

    # ------------------------------------------------------------ pass 1: identities and hashes (no store)

    def _index_people(self) -> None:
        """Every people row under its Mã người and CCCD, rows with problems too, so the rows that
        point to them are not reported a second time."""
        sheet = self.sheets.get("people")
        for row in sheet.rows if sheet else ():
            row_hash = self.hash("people", _canonical(row.values, drop="ref"))  # Mã người is file-local
            self.plan.hashes[("people", row.row)] = row_hash
            ref, cccd = row.values.get("ref"), row.values.get("cccd")
            person = _Person(f"cccd:{cccd}" if cccd else f"row:{row_hash}", new_uuid(), row=row.row)
            self.people_rows[row.row] = person
            if isinstance(ref, str):
                if ref in self.by_ref:
                    assert sheet is not None
                    self.plan.problem(
                        sheet,
                        row.row,
                        "ref",
                        _("Mã người {ref} đã dùng ở dòng {first}. Mỗi người một mã riêng.").format(
                            ref=ref, first=self.by_ref[ref].row
                        ),
                    )
                else:
                    self.by_ref[ref] = person
            if isinstance(cccd, str):
                if cccd in self.by_cccd:
                    assert sheet is not None
                    self.plan.problem(
                        sheet,
                        row.row,
                        "cccd",
                        _("Số CCCD {cccd} đã có ở dòng {first}. Mỗi người chỉ ghi một dòng.").format(
                            cccd=cccd, first=self.by_cccd[cccd].row
                        ),
                    )
                else:
                    self.by_cccd[cccd] = person

    def _index_records(self) -> None:
        """Hashes the other sheets' rows with the person's identity in place of the file-local
        reference. A reference not found in the file stays a string, to look up as a stored CCCD."""
        for key in _RECORD_SHEETS:
            sheet = self.sheets.get(key)
            for row in sheet.rows if sheet else ():
                content = _canonical(row.values, drop="person")
                if "person" in row.values:
                    ref = row.values["person"]
                    target: _Person | str | None = None
                    if isinstance(ref, str):
                        target = self.by_ref.get(ref) or self.by_cccd.get(ref) or ref
                    self.targets[(key, row.row)] = target
                    content["person"] = (
                        target.identity if isinstance(target, _Person) else f"cccd:{target}" if target else ""
                    )
                self.plan.hashes[(key, row.row)] = self.hash(key, content)

    # ------------------------------------------------------------ pass 2: the store

    def _lookups(self) -> tuple[dict[str, str], dict[str, Any]]:
        """(row hash -> record uuid of rows imported before, stored people by "cccd:…" and by uuid)."""
        imported: dict[str, str] = dict(
            self._rows_in(
                lambda c: select(ImportedRow.row_hash, ImportedRow.record_uuid).where(
                    ImportedRow.row_hash.in_(c)
                ),
                self.plan.hashes.values(),
            )
        )
        cccds = set(self.by_cccd) | {
            t for t in self.targets.values() if isinstance(t, str) and _is_id_number(t)
        }
        uuids = [
            imported[h]
            for (sheet, _row), h in self.plan.hashes.items()
            if sheet == "people" and h in imported
        ]
        columns = (Person.id, Person.uuid, Person.cccd, Person.full_name, Person.deleted)
        stored: dict[str, Any] = {}
        # Tombstoned people count too: their CCCD is still taken (the unique constraint covers them).
        for found in self._rows_in(
            lambda c: select(*columns).where(Person.cccd.in_(c)), cccds
        ) + self._rows_in(lambda c: select(*columns).where(Person.uuid.in_(c)), uuids):
            stored[found.uuid] = found
            if found.cccd:
                stored[f"cccd:{found.cccd}"] = found
        return imported, stored

    # ------------------------------------------------------------ pass 3: rules and records

    def _plan_people(self, imported: Mapping[str, str], stored: Mapping[str, Any]) -> None:
        sheet = self.sheets.get("people")
        for row in sheet.rows if sheet else ():
            assert sheet is not None
            self._tick()
            person = self.people_rows[row.row]
            row_hash = self.plan.hashes[("people", row.row)]
            if row_hash in imported:
                self.plan.already["people"] += 1
                known = stored.get(imported[row_hash])
                person.uuid = imported[row_hash]
                person.id, person.deleted = (known.id, bool(known.deleted)) if known else (None, True)
                continue
            cccd = _text(row.values, "cccd")
            existing = stored.get(f"cccd:{cccd}") if cccd and self.by_cccd.get(cccd) is person else None
            if existing is not None:
                self._match_person(sheet, row, person, existing)
                continue
            self._check_person(sheet, row)
            if row.values.get("full_name"):
                self.plan.pending["people"].append(
                    _Pending(row, _person_record(person, row.values, self.sort_keys), person)
                )

    def _warn_likely_duplicates(self) -> None:
        """domain.md §2.2: the same folded name with the same date of birth or phone is a warning,
        against the store and within the file. It also catches a person edited in a file that was
        imported before (the edited row is new content, so it would be created again)."""
        sheet = self.sheets.get("people")
        pending = self.plan.pending.get("people", [])
        if sheet is None or not pending:
            return

        def marks(name: str, phone: object, birth: object) -> list[tuple[str, str]]:
            folded = fold(name)
            found = [(folded, f"p{phone}")] if phone else []
            return found + ([(folded, f"d{birth}")] if birth else [])

        columns = (Person.full_name, Person.phone, Person.birth_date)
        live = Person.deleted.is_(False)
        phones = {item.record["phone"] for item in pending if item.record["phone"]}
        births = {item.record["birth_date"] for item in pending if item.record["birth_date"]}
        known: dict[tuple[str, str], str] = {}
        for name, phone, birth in self._rows_in(
            lambda c: select(*columns).where(live, Person.phone.in_(c)), phones
        ) + self._rows_in(lambda c: select(*columns).where(live, Person.birth_date.in_(c)), births):
            for mark in marks(name, phone, birth):
                known[mark] = name
        first_row: dict[tuple[str, str], int] = {}
        for item in pending:
            record = item.record
            for mark in marks(str(record["full_name"]), record["phone"], record["birth_date"]):
                what = _("ngày sinh") if mark[1].startswith("d") else _("số điện thoại")
                if mark in known:
                    message = _("Có thể trùng với {name} (cùng {what}). Hãy kiểm tra trước khi tiếp tục.")
                    self.plan.warning(
                        sheet, item.row.row, "full_name", message.format(name=known[mark], what=what)
                    )
                    break
                if first_row.setdefault(mark, item.row.row) != item.row.row:
                    message = _(
                        "Có thể trùng với người ở dòng {first} (cùng họ tên và {what}). Hãy kiểm tra lại."
                    )
                    self.plan.warning(
                        sheet, item.row.row, "full_name", message.format(first=first_row[mark], what=what)
                    )
                    break

    def _match_person(self, sheet: ParsedSheet, row: ParsedRow, person: _Person, existing: Any) -> None:
        """Same CCCD as a stored person: that person is reused, never duplicated."""
        cccd = row.values.get("cccd")
        if existing.deleted:
            self.plan.problem(
                sheet,
                row.row,
                "cccd",
                _(_CCCD_OF_DELETED).format(cccd=cccd, name=existing.full_name),
            )
            return
        person.uuid, person.id = existing.uuid, existing.id
        self.plan.matched.append((row.row, existing.uuid))
        if fold(existing.full_name) != fold(_text(row.values, "full_name")):
            self.plan.warning(
                sheet,
                row.row,
                "full_name",
                _(_CCCD_NAME_DIFFERS).format(cccd=cccd, name=existing.full_name),
            )

    def _check_person(self, sheet: ParsedSheet, row: ParsedRow) -> None:
        values = row.values
        birth_date, birth_year = values.get("birth_date"), values.get("birth_year")
        if isinstance(birth_date, date) and isinstance(birth_year, int) and birth_date.year != birth_year:
            self.plan.problem(
                sheet,
                row.row,
                "birth_year",
                _(_BIRTH_YEAR_MISMATCH).format(year=birth_year, day=format_date(birth_date)),
            )
        cccd = _text(values, "cccd")
        if cccd:
            year = birth_date.year if isinstance(birth_date, date) else birth_year
            sex = _text(values, "sex") or None
            check = validate_cccd(cccd, birth_year=year if isinstance(year, int) else None, sex=sex)
            for message in check.warnings:
                self.plan.warning(sheet, row.row, "cccd", message)

    def _resolve(self, sheet: ParsedSheet, row: ParsedRow, stored: Mapping[str, Any]) -> _Person | None:
        """The person a row points to; None for an anonymous gift, or after listing a problem."""
        target = self.targets.get((sheet.spec.key, row.row))
        if target is None or isinstance(target, _Person):
            return target
        person = self.by_cccd.get(target)  # an earlier row may have looked this CCCD up already
        found = stored.get(f"cccd:{target}") if _is_id_number(target) else None
        if person is None and found is not None:
            person = _Person(f"cccd:{target}", found.uuid, found.id, bool(found.deleted))
            self.by_cccd[target] = person
        if person is None:
            hint = ""
            if target.isdigit() and len(target) in (10, 11):
                hint = " " + _("Nếu đây là số CCCD, có thể ô đã mất số 0 ở đầu (hãy định dạng ô là Văn bản).")
            self.plan.problem(sheet, row.row, "person", _(_PERSON_NOT_FOUND).format(ref=target, hint=hint))
        return person

    def _plan_records(
        self, key: str, imported: Mapping[str, str], stored: Mapping[str, Any], context: _StoreContext
    ) -> None:
        sheet = self.sheets.get(key)
        date_column = _DATE_COLUMNS[key]
        for row in sheet.rows if sheet else ():
            assert sheet is not None
            self._tick()
            person = self._resolve(sheet, row, stored)
            if self.plan.hashes[(key, row.row)] in imported:
                self.plan.already[key] += 1
                continue
            if person is not None and person.deleted:
                self.plan.problem(
                    sheet,
                    row.row,
                    "person",
                    _(_PERSON_DELETED).format(ref=row.values.get("person")),
                )
            day = row.values.get(date_column)
            if isinstance(day, date) and period_of(day) in context.locked:
                self.plan.problem(
                    sheet,
                    row.row,
                    date_column,
                    _(_PERIOD_LOCKED).format(period=f"{day.month:02d}/{day.year}"),
                )
            record = _BUILDERS[key](self.plan, sheet, row, context)
            record["uuid"] = new_uuid()
            self.plan.pending[key].append(_Pending(row, record, person))

    # ------------------------------------------------------------ rules over many rows

    def _check_blood(self, context: _StoreContext) -> None:
        sheet = self.sheets.get("blood")
        pending = self.plan.pending.get("blood", [])
        if sheet is None or not pending:
            return
        events: dict[_Person, list[BloodEvent]] = defaultdict(list)
        for item in pending:
            day, kind = item.row.values.get("donated_on"), item.row.values.get("kind")
            if item.person is not None and isinstance(day, date) and isinstance(kind, str):
                events[item.person].append(BloodEvent(item, day, kind, True))
        donors = {p.id: p for p in events if p.id is not None}
        recorded = self._rows_in(
            lambda c: select(BloodDonation.person_id, BloodDonation.donated_on, BloodDonation.kind).where(
                BloodDonation.person_id.in_(c), BloodDonation.deleted.is_(False)
            ),
            donors,
        )
        for person_id, day, kind in recorded:
            events[donors[person_id]].append(BloodEvent(None, day, kind, False))
        for donor_events in events.values():
            for conflict in interval_conflicts(donor_events, context.intervals):
                assert isinstance(conflict.key, _Pending)
                row = conflict.key.row
                where = _("ở dòng khác của tệp") if conflict.other_new else _("đã có trong dữ liệu")
                kind = _(BLOOD_TYPES.get(conflict.other_kind, conflict.other_kind)).lower()
                day = row.values.get("donated_on")
                if isinstance(day, date) and conflict.other_day <= day:
                    message = _(_BLOOD_TOO_SOON)
                else:
                    message = _(_BLOOD_TOO_CLOSE)
                self.plan.problem(
                    sheet,
                    row.row,
                    "donated_on",
                    message.format(
                        kind=kind,
                        other=format_date(conflict.other_day),
                        where=where,
                        earliest=format_date(conflict.earliest),
                    ),
                )

    def _check_members(self) -> None:
        sheet = self.sheets.get("members")
        pending = self.plan.pending.get("members", [])
        if sheet is None or not pending:
            return
        ids = {p.person.id for p in pending if p.person is not None and p.person.id is not None}
        active = {
            (person_id, category)
            for person_id, category in self._rows_in(
                lambda c: select(Membership.person_id, Membership.category).where(
                    Membership.person_id.in_(c), Membership.deleted.is_(False), Membership.left_on.is_(None)
                ),
                ids,
            )
        }
        first_row: dict[tuple[_Person, str], int] = {}
        for item in pending:
            category = item.row.values.get("category")
            if item.person is None or not isinstance(category, str):
                continue
            label = _(MEMBER_CATEGORIES.get(category, category)).lower()
            if (item.person.id, category) in active:
                self.plan.problem(
                    sheet,
                    item.row.row,
                    "category",
                    _("Người này đang là {label} trong dữ liệu. Hãy bỏ dòng này.").format(label=label),
                )
            first = first_row.setdefault((item.person, category), item.row.row)
            if first != item.row.row:
                self.plan.problem(
                    sheet,
                    item.row.row,
                    "category",
                    _("Người này đã có dòng {label} ở dòng {first}. Mỗi người một dòng cho mỗi loại.").format(
                        label=label, first=first
                    ),
                )

    def _check_relief(self) -> None:
        sheet = self.sheets.get("relief")
        if sheet is None:
            return
        first_row: dict[tuple[_Person, str], int] = {}
        for item in self.plan.pending.get("relief", []):
            values = item.row.values
            if values.get("kind") == "regular" and not (
                values.get("review_minutes_ref") and values.get("confirmation_ref")
            ):
                self.plan.warning(
                    sheet,
                    item.row.row,
                    "review_minutes_ref",
                    _(_REGULAR_NEEDS_REVIEW),
                )
            programme = fold(_text(values, "programme"))
            if item.person is not None and programme:
                first = first_row.setdefault((item.person, programme), item.row.row)
                if first != item.row.row:
                    self.plan.warning(
                        sheet,
                        item.row.row,
                        "person",
                        _(_SAME_PROGRAMME).format(first=first),
                    )

    def run(self) -> _Plan:
        self._index_people()
        self._index_records()
        imported, stored = self._lookups()
        context = _StoreContext.load(self.session)
        self._plan_people(imported, stored)
        self._warn_likely_duplicates()
        for key in _RECORD_SHEETS:
            self._plan_records(key, imported, stored, context)
        self._check_blood(context)
        self._check_members()
        self._check_relief()
        return self.plan


# ---------------------------------------------------------------- records per sheet


def _person_record(person: _Person, values: Mapping[str, CellValue], sort_keys: _SortKeys) -> Record:
    full_name = _text(values, "full_name")
    is_org = bool(values.get("is_organisation"))
    ho, dem, ten = ("", "", full_name) if is_org else split_name(full_name)
    birth_date = values.get("birth_date")
    record = dict(_DEFAULTS["people"])
    record.update(
        uuid=person.uuid,
        full_name=full_name,
        ho=ho,
        dem=dem,
        ten=ten,
        sex=values.get("sex"),
        birth_date=birth_date,
        birth_year=None if birth_date else values.get("birth_year"),
        cccd=values.get("cccd"),
        phone=_text(values, "phone"),
        thon=_text(values, "thon"),
        address=_text(values, "address"),
        is_organisation=is_org,
        note=_text(values, "note"),
    )
    # The people service's derivation (refresh_keys), without building a Person per row.
    record["search_key"] = search_text(full_name, _text(values, "phone"), _text(values, "cccd") or None)
    record["sort_key"] = sort_keys(ho, dem, ten)
    return record


def _donation(plan: _Plan, sheet: ParsedSheet, row: ParsedRow, context: _StoreContext) -> Record:
    values = row.values
    campaign_id = None
    code = _text(values, "campaign")
    if code:
        campaign_id = context.campaigns.get(fold(code))
        if campaign_id is None:
            plan.problem(
                sheet,
                row.row,
                "campaign",
                _(_NO_CAMPAIGN).format(code=code),
            )
    record = dict(_DEFAULTS["donations"])
    record.update(
        received_on=values.get("received_on"),
        campaign_id=campaign_id,
        channel=values.get("channel"),
        cash_vnd=values.get("cash_vnd"),
        note=_text(values, "note"),
    )
    return record


def _relief(plan: _Plan, sheet: ParsedSheet, row: ParsedRow, context: _StoreContext) -> Record:
    values = row.values
    record = dict(_DEFAULTS["relief"])
    record.update(
        given_on=values.get("given_on"),
        programme=_text(values, "programme"),
        kind=values.get("kind"),
        groups=_text(values, "group"),
        cash_vnd=values.get("cash_vnd"),
        people_covered=values.get("people_covered"),
        review_minutes_ref=_text(values, "review_minutes_ref"),
        confirmation_ref=_text(values, "confirmation_ref"),
        note=_text(values, "note"),
    )
    return record


def _blood(plan: _Plan, sheet: ParsedSheet, row: ParsedRow, context: _StoreContext) -> Record:
    values = row.values
    ml = values.get("ml")
    if values.get("kind") == "whole" and isinstance(ml, int) and ml > MAX_WHOLE_BLOOD_ML:
        plan.problem(
            sheet,
            row.row,
            "ml",
            _("Hiến máu toàn phần tối đa {max} ml mỗi lần. Hãy kiểm tra lại thể tích.").format(
                max=MAX_WHOLE_BLOOD_ML
            ),
        )
    record = dict(_DEFAULTS["blood"])
    record.update(
        donated_on=values.get("donated_on"),
        kind=values.get("kind"),
        ml=ml,
        facility=_text(values, "facility"),
        certificate_no=_text(values, "certificate_no"),
    )
    return record


def _membership(plan: _Plan, sheet: ParsedSheet, row: ParsedRow, context: _StoreContext) -> Record:
    values = row.values
    record = dict(_DEFAULTS["members"])
    record.update(
        category=values.get("category"),
        member_no=_text(values, "member_no"),
        joined_on=values.get("joined_on"),
        dues_exempt=bool(values.get("dues_exempt")),
    )
    return record


def _activity(plan: _Plan, sheet: ParsedSheet, row: ParsedRow, context: _StoreContext) -> Record:
    values = row.values
    start, end = values.get("start_date"), values.get("end_date")
    if isinstance(start, date) and isinstance(end, date) and end < start:
        plan.problem(
            sheet,
            row.row,
            "end_date",
            _("Ngày kết thúc {end} trước ngày bắt đầu {start}. Hãy kiểm tra lại.").format(
                end=format_date(end), start=format_date(start)
            ),
        )
    record = dict(_DEFAULTS["activities"])
    record.update(
        type=values.get("type"),
        title=_text(values, "title"),
        start_date=start,
        end_date=end,
        place=_text(values, "place"),
        sessions=values.get("sessions"),
        participants=values.get("participants"),
        cases=values.get("cases"),
        people_served=values.get("people_served"),
        value_vnd=values.get("value_vnd"),
        cost_vnd=values.get("cost_vnd"),
    )
    return record


_Builder = Callable[[_Plan, ParsedSheet, ParsedRow, _StoreContext], Record]
_BUILDERS: Mapping[str, _Builder] = {
    "donations": _donation,
    "relief": _relief,
    "blood": _blood,
    "members": _membership,
    "activities": _activity,
}
_RECORD_SHEETS = tuple(_BUILDERS)
# The model each sheet's rows become, the column a closed month guards, and the person foreign key.
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
_PERSON_COLUMNS: Mapping[str, str] = {
    "donations": "donor_id",
    "relief": "person_id",
    "blood": "person_id",
    "members": "person_id",
}
_DEFAULTS: Mapping[str, Record] = {key: _column_defaults(model) for key, model in _MODELS.items()}


# ---------------------------------------------------------------- report and write


def _report(plan: _Plan, spec: TemplateSpec, **extra: Any) -> ImportReport:
    bad: dict[str, set[int]] = defaultdict(set)
    for problem in plan.problems:
        bad[problem.sheet].add(problem.row)
    counts = []
    for sheet in spec.sheets:
        parsed = plan.workbook.sheets.get(sheet.key)
        rejected = bad.get(sheet.title, set())
        if parsed is None or not (parsed.rows or rejected):  # the template's empty sheets say nothing
            continue
        counts.append(
            SheetCounts(
                sheet=sheet.key,
                title=sheet.title,
                rows=len(parsed.rows),
                to_create=sum(1 for p in plan.pending.get(sheet.key, []) if p.row.row not in rejected),
                matched=sum(1 for row, _uuid in plan.matched if row not in rejected)
                if sheet.key == "people"
                else 0,
                already_imported=plan.already[sheet.key],
                errors=len(rejected),
            )
        )
    return ImportReport(
        file_name=plan.workbook.file_name,
        sha256=plan.workbook.sha256,
        sheets=tuple(counts),
        problems=_in_sheet_order(plan.problems, spec),
        warnings=_in_sheet_order(plan.warnings, spec),
        **extra,
    )


def _in_sheet_order(problems: Iterable[RowProblem], spec: TemplateSpec) -> tuple[RowProblem, ...]:
    """Sheet by sheet, row by row, left to right: the order someone fixing the file works in."""
    sheets = {s.title: i for i, s in enumerate(spec.sheets)}
    columns = {(s.title, c.header): i for s in spec.sheets for i, c in enumerate(s.columns)}
    return tuple(
        sorted(
            problems,
            key=lambda p: (sheets.get(p.sheet, len(sheets)), p.row, columns.get((p.sheet, p.column), -1)),
        )
    )


class _Writer:
    """Bulk inserts, in foreign-key order, inside the caller's transaction."""

    def __init__(self, ctx: ServiceContext, session: Session, plan: _Plan, progress: Progress) -> None:
        self.ctx, self.session, self.plan, self.progress = ctx, session, plan, progress
        self.now = utcnow()
        self.import_uuid = new_uuid()
        self.envelope: Record = {
            "origin_branch": ctx.branch_code,
            "version": 1,
            "deleted": False,
            "updated_at": self.now,
        }
        self.done = 0
        self.total = sum(len(items) for items in plan.pending.values())

    def _insert(
        self, model: type[Base], records: Sequence[Record], *, returning: bool = False
    ) -> dict[str, int]:
        """executemany in batches; with `returning`, the new ids by uuid (people: the others point there).

        The table's Core insert, not the ORM's bulk insert: the ORM leaves out None values and starts a
        new statement whenever the pattern of Nones changes (every anonymous gift), which turned one
        executemany into thousands of single-row INSERTs.
        """
        table = cast(Table, model.__table__)
        ids: dict[str, int] = {}
        for batch in _chunks(records, _INSERT_BATCH):
            check_cancelled(self.progress)
            if returning:
                stmt = insert(table).returning(table.c.uuid, table.c.id)
                ids.update((uuid, row_id) for uuid, row_id in self.session.execute(stmt, list(batch)))
            else:
                self.session.execute(insert(table), list(batch))
            self.done += len(batch)
            self.progress.report(self.done, self.total, _("Đang ghi dữ liệu…"))
        return ids

    def _number_receipts(self) -> list[str]:
        """Gapless receipt numbers from the year's counter row, in date order within the import."""
        donations = sorted(
            self.plan.pending.get("donations", []), key=lambda p: (p.record["received_on"], p.row.row)
        )
        by_year: dict[int, list[_Pending]] = defaultdict(list)
        for item in donations:
            day = item.record["received_on"]
            assert isinstance(day, date)
            by_year[day.year].append(item)
        ranges = []
        for year, items in sorted(by_year.items()):
            counter = self.session.scalar(
                select(NumberSeries)
                .where(NumberSeries.series == RECEIPT_SERIES, NumberSeries.year == year)
                .with_for_update()
            )
            if counter is None:
                counter = NumberSeries(series=RECEIPT_SERIES, year=year, last_number=0)
                self.session.add(counter)
            first = (counter.last_number or 0) + 1
            for number, item in enumerate(items, start=first):
                item.record["receipt_year"], item.record["receipt_no"] = year, number
            counter.last_number = first + len(items) - 1
            codes = [f"{RECEIPT_SERIES}-{year}-{n:06d}" for n in sorted({first, counter.last_number})]
            ranges.append(" – ".join(codes))
        self.session.flush()
        return ranges

    def run(self) -> tuple[str, list[str]]:
        people = self.plan.pending.get("people", [])
        for item in people:
            item.record.update(self.envelope)
        ids = self._insert(Person, [item.record for item in people], returning=True)
        for item in people:
            assert item.person is not None
            item.person.id = ids[item.person.uuid]
        receipts = self._number_receipts()
        for key in _RECORD_SHEETS:
            items = self.plan.pending.get(key, [])
            for item in items:
                item.record.update(self.envelope)
                if key in _PERSON_COLUMNS:
                    item.record[_PERSON_COLUMNS[key]] = item.person.id if item.person else None
            self._insert(_MODELS[key], [item.record for item in items])
        self._record_rows()
        self._audit(receipts)
        return self.import_uuid, receipts

    def _record_rows(self) -> None:
        hashes = self.plan.hashes
        rows: list[Record] = [
            {"row_hash": hashes[(key, item.row.row)], "sheet": key, "record_uuid": item.record["uuid"]}
            for key, items in self.plan.pending.items()
            for item in items
        ]
        rows += [
            {"row_hash": hashes[("people", row)], "sheet": "people", "record_uuid": uuid}
            for row, uuid in self.plan.matched
        ]
        for row in rows:
            row.update(import_uuid=self.import_uuid, imported_at=self.now)
        for batch in _chunks(rows, _INSERT_BATCH):
            self.session.execute(insert(cast(Table, ImportedRow.__table__)), list(batch))

    def _audit(self, receipts: list[str]) -> None:
        created = {key: len(items) for key, items in self.plan.pending.items() if items}
        summary = {
            "file": self.plan.workbook.file_name,
            "sha256": self.plan.workbook.sha256,
            "created": created,
            "matched_people": len(self.plan.matched),
            "already_imported": dict(self.plan.already),
            "receipts": receipts,
        }
        self.session.add(
            AuditEntry(
                actor=self.ctx.actor,
                table_name=ImportedRow.__tablename__,
                record_uuid=self.import_uuid,
                action="import",
                before=None,
                after=json.dumps(summary, ensure_ascii=False, sort_keys=True),
                reason=_("Nhập danh sách từ tệp {name}").format(name=self.plan.workbook.file_name),
            )
        )
        self.session.flush()


# ---------------------------------------------------------------- service


class RecordsImportService:
    """Bulk import from the filled template (`redcross template`)."""

    def __init__(self, ctx: ServiceContext, spec: TemplateSpec | None = None) -> None:
        self._ctx = ctx
        self._spec = spec or records_template()

    def read(self, path: str | Path, progress: Progress | None = None) -> ParsedWorkbook:
        """Reads and checks the file itself (no store access). Raises `FileFormatError`."""
        return read_records(path, spec=self._spec, progress=progress or NullProgress())

    def preview(self, path: str | Path, progress: Progress | None = None) -> ImportReport:
        """What a commit would create, and every problem. Read-only; any thread."""
        progress = progress or NullProgress()
        return self.preview_workbook(self.read(path, progress), progress)

    def commit(self, path: str | Path, progress: Progress | None = None) -> ImportReport:
        """Imports every row, or nothing when any row has a problem (`ImportRowsInvalidError` listing
        them all). One transaction; the writer thread. Cancelling rolls back."""
        progress = progress or NullProgress()
        return self.commit_workbook(self.read(path, progress), progress)

    def preview_workbook(self, workbook: ParsedWorkbook, progress: Progress | None = None) -> ImportReport:
        """`preview` of a workbook already read. Read-only; any thread."""
        with self._ctx.sessions() as session:
            plan = _Planner(session, workbook, progress or NullProgress()).run()
            return _report(plan, self._spec)

    def commit_workbook(self, workbook: ParsedWorkbook, progress: Progress | None = None) -> ImportReport:
        """`commit` of a workbook already read (the file is parsed outside the write transaction).
        One transaction; the writer thread."""
        progress = progress or NullProgress()
        check_cancelled(progress)
        with self._ctx.sessions.begin() as session:
            plan = _Planner(session, workbook, progress).run()
            report = _report(plan, self._spec)
            if report.problems:
                error = ImportRowsInvalidError(
                    _(_REFUSED).format(name=workbook.file_name, n=len(report.problems)),
                    rows=[p.as_dict() for p in report.problems],
                )
                error.details = "\n".join(describe_problem(p) for p in report.problems)
                raise error
            if not plan.has_writes:
                return replace(report, committed=True)
            import_uuid, receipts = _Writer(self._ctx, session, plan, progress).run()
        return replace(report, committed=True, import_uuid=import_uuid, receipts=tuple(receipts))
