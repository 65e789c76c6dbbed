# SPDX-License-Identifier: MIT
"""A table model over ids that pages in keyset order and loads rows a block at a time. Qt is imported here.

The model holds ids, not rows: `fetchMore` asks the source for the next keyset page of ids, and
`data()` loads the row DTOs of a whole block when it first meets one it lacks. Row 1,000,000 costs
what row 10 does, and a view only ever loads what it shows. Sorting and filtering belong to the
source's query (then `reload()`); a `QSortFilterProxyModel` would load every row.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Generic, Protocol, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from ...core.i18n import _
from ...core.vn import format_date

R = TypeVar("R")
R_co = TypeVar("R_co", covariant=True)

PAGE_SIZE = 500
BLOCK_SIZE = 100
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
    """What a service offers a lazy table: keyset pages of ids, then the rows of some ids."""

    def page_ids(self, *, after: Any, limit: int) -> IdPageLike: ...

    def rows(self, ids: list[int]) -> Mapping[int, R_co]: ...


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
        parent: Any = None,
    ) -> None:
        super().__init__(parent)
        self._source = source
        self._columns = list(columns)
        self._row_id = row_id
        self._page_size = page_size
        self._block_size = block_size
        self._ids: list[int] = []
        self._positions: dict[int, int] = {}
        self._rows: dict[int, R | None] = {}  # None: the id vanished since it was paged in
        self._cursor: Any = None
        self._exhausted = True
        self._browsing = False

    # ---- Qt interface -----------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._ids)

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
        if not index.isValid() or not 0 <= index.row() < len(self._ids):
            return None
        column = self._columns[index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(column.alignment)
        if role == ROW_ID_ROLE:
            return self._ids[index.row()]
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
            first = len(self._ids)
            self.beginInsertRows(QModelIndex(), first, first + len(page.ids) - 1)
            self._append_ids(page.ids)
            self.endInsertRows()

    # ---- our interface ----------------------------------------------------------------------

    @property
    def browsing(self) -> bool:
        """True in keyset browse mode, False while a fixed list is shown."""
        return self._browsing

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

    def invalidate(self, ids: Iterable[int]) -> None:
        """Forgets the cached rows of `ids` (after a write) so the view reloads them."""
        for row_id in ids:
            self._rows.pop(row_id, None)
            position = self._positions.get(row_id)
            if position is not None:
                self.dataChanged.emit(self.index(position, 0), self.index(position, len(self._columns) - 1))

    def id_at(self, position: int) -> int:
        return self._ids[position]

    def position_of(self, row_id: int) -> int | None:
        return self._positions.get(row_id)

    def row_at(self, position: int) -> R | None:
        """The row DTO at `position`, loading its whole block on a miss."""
        row_id = self._ids[position]
        if row_id not in self._rows:
            start = position - position % self._block_size
            wanted = [i for i in self._ids[start : start + self._block_size] if i not in self._rows]
            loaded = self._source.rows(wanted)
            for wanted_id in wanted:
                self._rows[wanted_id] = loaded.get(wanted_id)
        return self._rows[row_id]

    # ---- internals --------------------------------------------------------------------------

    def _reset(self, *, ids: list[int], rows: dict[int, R | None], browsing: bool) -> None:
        self.beginResetModel()
        self._ids, self._positions, self._rows = [], {}, rows
        self._append_ids(ids)
        self._cursor, self._exhausted, self._browsing = None, not browsing, browsing
        self.endResetModel()

    def _append_ids(self, ids: list[int]) -> None:
        for row_id in ids:
            self._positions[row_id] = len(self._ids)
            self._ids.append(row_id)
