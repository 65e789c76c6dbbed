# SPDX-License-Identifier: MIT
"""A table model over ids that pages in keyset order and loads rows a block at a time. Qt is imported here.

The model holds ids, not rows: `fetchMore` asks the source for the next keyset page of ids, and
`data()` loads the row DTOs of a whole block when it first meets one it lacks. Row 1,000,000 costs
what row 10 does, and a view only ever loads what it shows. Sorting and filtering belong to the
source's query (then `reload()`); a `QSortFilterProxyModel` would load every row.

A source that can read its whole ordered id list at once (`IdListSource`, a million ids in a
quarter of a second) is better still: its owner runs that read off the GUI thread and hands the
result to `adopt_ids()`. The model then has every id, so `rowCount()` is the real count, the scroll
bar maps to rows, and dragging it to the bottom or pressing Ctrl+End loads just the rows painted.
Rows stay in a bounded cache, so scrolling through a million names does not keep a million DTOs.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterable, Mapping, MutableSequence, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import islice
from typing import Any, Generic, Protocol, TypeVar, runtime_checkable

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from ...core.i18n import _
from ...core.vn import format_date

R = TypeVar("R")
R_co = TypeVar("R_co", covariant=True)

PAGE_SIZE = 500
BLOCK_SIZE = 100
ROW_CACHE_LIMIT = 10_000  # rows kept for a source-backed list; a few screens' worth, many times over
ROW_ID_ROLE = Qt.ItemDataRole.UserRole

Index = QModelIndex | QPersistentModelIndex
LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
CENTER = Qt.AlignmentFlag.AlignCenter


class IdPageLike(Protocol):
    @property
    def ids(self) -> list[int]: ...

    @property
    def cursor(self) -> Any: ...

    @property
    def last(self) -> bool: ...


class RowSource(Protocol[R_co]):
    """What a service offers a lazy table: keyset pages of ids, then the rows of some ids.

    A source may also offer `page_ids_before(*, before, limit)` (see `TailSource`): the model can
    then jump to the end of a long list without paging through every id before it."""

    def page_ids(self, *, after: Any, limit: int) -> IdPageLike: ...

    def rows(self, ids: list[int]) -> Mapping[int, R_co]: ...


@runtime_checkable
class TailSource(Protocol):
    def page_ids_before(self, *, before: Any, limit: int) -> IdPageLike:
        """The page just before `before` (None: the last page), ids in list order; `cursor` is
        its first row's key, `last` is True when nothing comes before it."""
        ...


@runtime_checkable
class IdListSource(Protocol):
    def all_ids(self) -> Sequence[int]:
        """Every id of the browse list, in its order (read off the GUI thread)."""
        ...


@dataclass(frozen=True)
class Column(Generic[R]):
    """A column, declared once: `title` is marked with `N_()` and translated when shown."""

    title: str
    value: Callable[[R], object]
    alignment: Qt.AlignmentFlag = LEFT


def display_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return format_date(value)
    return str(value)


class LazyTableModel(QAbstractTableModel, Generic[R]):
    """Browse mode pages through `source` in its keyset order; `set_rows()` / `show_ids()` show a
    fixed list instead (search results, small tables)."""

    def __init__(
        self,
        source: RowSource[R],
        columns: Sequence[Column[R]],
        *,
        row_id: Callable[[R], int] = lambda row: row.id,  # type: ignore[attr-defined]
        page_size: int = PAGE_SIZE,
        block_size: int = BLOCK_SIZE,
        cache_limit: int = ROW_CACHE_LIMIT,
        parent: Any = None,
    ) -> None:
        super().__init__(parent)
        self._source = source
        self._columns = list(columns)
        self._row_id = row_id
        self._page_size = page_size
        self._block_size = block_size
        self._cache_limit = max(cache_limit, block_size)
        # The ids in list order are reversed(_head) + _tail: `fetchMore` appends to the tail,
        # `fetch_earlier` (after `jump_to_end`) prepends to the head, each in time per page.
        self._head: list[int] = []
        self._tail: MutableSequence[int] = []
        # id -> serial; its position is serial - _base. None once the whole id list is adopted: a
        # million-entry dict would cost 100 MB, and `position_of` is rare enough to scan instead.
        self._serials: dict[int, int] | None = {}
        self._base = 0
        self._rows: dict[int, R | None] = {}  # None: the id vanished since it was paged in
        self._evictable = False  # rows can be read again from the source, so the cache may drop some
        self._complete = False  # browse mode holds the source's whole id list
        self._generation = 0
        self._cursor: Any = None
        self._exhausted = True
        self._head_cursor: Any = None
        self._head_exhausted = True
        self._browsing = False

    # ---- Qt interface -----------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._head) + len(self._tail)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self._columns):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return _(self._columns[section].title)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(self._columns[section].alignment)
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < self.rowCount():
            return None
        column = self._columns[index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(column.alignment)
        if role == ROW_ID_ROLE:
            return self.id_at(index.row())
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        row = self.row_at(index.row())
        return None if row is None else display_text(column.value(row))

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and not self._exhausted

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid() or self._exhausted:
            return
        page = self._source.page_ids(after=self._cursor, limit=self._page_size)
        self._cursor, self._exhausted = page.cursor, page.last
        if page.ids:
            first = self.rowCount()
            self.beginInsertRows(QModelIndex(), first, first + len(page.ids) - 1)
            self._append_ids(page.ids)
            self.endInsertRows()

    # ---- our interface ----------------------------------------------------------------------

    @property
    def browsing(self) -> bool:
        """True in keyset browse mode, False while a fixed list is shown."""
        return self._browsing

    @property
    def generation(self) -> int:
        """Changes on every reset: an id list read for one generation is stale for the next."""
        return self._generation

    @property
    def complete(self) -> bool:
        """True once browse mode holds the whole id list (`adopt_ids`)."""
        return self._complete

    def wants_id_list(self) -> bool:
        """True while browsing a source that can give its whole id list and it is not here yet."""
        return self._browsing and not self._complete and isinstance(self._source, IdListSource)

    def adopt_ids(self, ids: Sequence[int], generation: int) -> bool:
        """Takes the whole ordered id list of browse mode, read for `generation`. The pages shown
        so far are normally its first rows: the rest then go in below them and the view keeps its
        place; otherwise (data changed, or after a jump to the end) the model resets. Cached rows
        are kept either way. False when the list is stale (the model was reset since)."""
        if generation != self._generation or not self._browsing or self._complete:
            return False
        packed = ids if isinstance(ids, array) else array("q", ids)
        shown = self.rowCount()
        if not self._head and list(packed[:shown]) == list(self._tail):
            if len(packed) > shown:
                self.beginInsertRows(QModelIndex(), shown, len(packed) - 1)
                self._take_complete(packed)
                self.endInsertRows()
            else:
                self._take_complete(packed)
        else:
            self.beginResetModel()
            self._take_complete(packed)
            self.endResetModel()
        return True

    def reload(self) -> None:
        """Back to browse mode from the first page (after a change of order, filter or data)."""
        self._reset(ids=[], rows={}, browsing=True)
        self.fetchMore()

    def set_rows(self, rows: Iterable[R]) -> None:
        """Shows exactly these rows, in this order (search results, small tables)."""
        loaded = {self._row_id(row): row for row in rows}
        self._reset(ids=list(loaded), rows=dict(loaded), browsing=False)

    def show_ids(self, ids: Sequence[int]) -> None:
        """Shows exactly these ids, in this order; their rows load lazily like browsed ones."""
        self._reset(ids=list(dict.fromkeys(ids)), rows={}, browsing=False)

    def can_jump_to_end(self) -> bool:
        """True while browsing a list whose end is not loaded yet, from a source that can page
        backwards. A complete list needs no jump: its last row is already a row."""
        return self._browsing and not self._exhausted and isinstance(self._source, TailSource)

    def jump_to_end(self) -> bool:
        """Shows the last page at once, by keyset from the end, instead of paging in every id
        before it (a million names would take seconds); the rows before it load with
        `fetch_earlier()` as the view scrolls back up. False when there is nothing to jump over."""
        if not self.can_jump_to_end():
            return False
        assert isinstance(self._source, TailSource)
        page = self._source.page_ids_before(before=None, limit=self._page_size)
        self.beginResetModel()
        self._clear_ids()
        self._append_ids(list(page.ids))
        self._cursor, self._exhausted = None, True
        self._head_cursor, self._head_exhausted = page.cursor, page.last
        self.endResetModel()
        return True

    def can_fetch_earlier(self) -> bool:
        """After `jump_to_end`, True until the first row of the list is loaded."""
        return self._browsing and not self._head_exhausted

    def fetch_earlier(self) -> int:
        """Loads the page before the first row shown (after `jump_to_end`); returns how many rows
        were inserted at the top, so a view can keep its place."""
        if not self.can_fetch_earlier():
            return 0
        assert isinstance(self._source, TailSource)
        page = self._source.page_ids_before(before=self._head_cursor, limit=self._page_size)
        self._head_cursor, self._head_exhausted = page.cursor, page.last
        serials = self._serials if self._serials is not None else {}
        ids = [row_id for row_id in page.ids if row_id not in serials]
        if ids:
            self.beginInsertRows(QModelIndex(), 0, len(ids) - 1)
            self._prepend_ids(ids)
            self.endInsertRows()
        return len(ids)

    def invalidate(self, ids: Iterable[int]) -> None:
        """Forgets the cached rows of `ids` (after a write) so the view reloads them."""
        for row_id in ids:
            self._rows.pop(row_id, None)
            position = self.position_of(row_id)
            if position is not None:
                self.dataChanged.emit(self.index(position, 0), self.index(position, len(self._columns) - 1))

    def id_at(self, position: int) -> int:
        if not 0 <= position < self.rowCount():
            raise IndexError(position)
        head = len(self._head)
        return self._head[head - 1 - position] if position < head else self._tail[position - head]

    def position_of(self, row_id: int) -> int | None:
        if self._serials is None:  # the whole list: a scan in C, ~40 ms for a million ids
            try:
                return self._tail.index(row_id)
            except ValueError:
                return None
        serial = self._serials.get(row_id)
        return None if serial is None else serial - self._base

    def row_at(self, position: int) -> R | None:
        """The row DTO at `position`, loading its whole block on a miss."""
        row_id = self.id_at(position)
        if row_id not in self._rows:
            start = position - position % self._block_size
            wanted = [i for i in self._ids_between(start, start + self._block_size) if i not in self._rows]
            loaded = self._source.rows(wanted)
            self._evict(keep=len(wanted))
            for wanted_id in wanted:
                self._rows[wanted_id] = loaded.get(wanted_id)
        return self._rows[row_id]

    # ---- internals --------------------------------------------------------------------------

    def _reset(self, *, ids: list[int], rows: dict[int, R | None], browsing: bool) -> None:
        self.beginResetModel()
        self._clear_ids()
        self._rows = rows
        # set_rows() rows exist nowhere else; browsed and show_ids() rows can be read again.
        self._evictable = not rows
        self._append_ids(ids)
        self._cursor, self._exhausted, self._browsing = None, not browsing, browsing
        self._head_cursor, self._head_exhausted = None, True
        self._complete = False
        self._generation += 1
        self.endResetModel()

    def _clear_ids(self) -> None:
        self._head, self._tail, self._serials, self._base = [], [], {}, 0

    def _take_complete(self, ids: array[int]) -> None:
        self._head, self._tail, self._serials, self._base = [], ids, None, 0
        self._cursor, self._exhausted = None, True
        self._head_cursor, self._head_exhausted = None, True
        self._complete = True

    def _evict(self, *, keep: int) -> None:
        """Drops the oldest cached rows so that `keep` more fit under the limit (dicts keep
        insertion order, so the first keys are the rows loaded longest ago)."""
        excess = len(self._rows) + keep - self._cache_limit
        if self._evictable and excess > 0:
            for stale in list(islice(self._rows, excess)):
                del self._rows[stale]

    def _ids_between(self, start: int, stop: int) -> list[int]:
        stop = min(stop, self.rowCount())
        head = len(self._head)
        before = [self._head[head - 1 - p] for p in range(start, min(stop, head))]
        return before + list(self._tail[max(start - head, 0) : max(stop - head, 0)])

    def _append_ids(self, ids: list[int]) -> None:
        assert self._serials is not None  # a complete list has nothing to append
        serial = self._base + self.rowCount()
        for row_id in ids:
            self._serials[row_id] = serial
            self._tail.append(row_id)
            serial += 1

    def _prepend_ids(self, ids: list[int]) -> None:
        """`ids` in list order, placed before the first row."""
        assert self._serials is not None
        self._base -= len(ids)
        for offset, row_id in enumerate(ids):
            self._serials[row_id] = self._base + offset
        self._head.extend(reversed(ids))
