# SPDX-License-Identifier: MIT
"""A read-only table of a short list of row DTOs (a few thousand at most), with the look of the
lazy lists. Qt is imported here.

Short lists (drives, distribution lists, a member's payments) are loaded whole with `set_rows()`;
the model is the lazy one, so columns are declared the same way everywhere.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Generic, TypeVar

from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from ..models.lazy_table import Column, LazyTableModel

R = TypeVar("R")


class _Page:
    ids: list[int] = []
    cursor: Any = None
    last = True


class NoPages:
    """A row source with nothing to page: the rows arrive through `set_rows()`."""

    def page_ids(self, *, after: Any, limit: int) -> _Page:
        return _Page()

    def rows(self, ids: list[int]) -> Mapping[int, Any]:
        return {}


def style_record_view(view: QTableView, widths: Sequence[int], row_height: int) -> None:
    """The look of every record list: whole rows, one at a time, read-only, fixed row height."""
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.verticalHeader().hide()
    view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    view.verticalHeader().setDefaultSectionSize(row_height)
    horizontal = view.horizontalHeader()
    horizontal.setStretchLastSection(True)
    horizontal.setHighlightSections(False)
    for column, width in enumerate(widths):
        view.setColumnWidth(column, width)


class RecordTable(QTableView, Generic[R]):
    """`model` holds the rows; `current()` is the selected row DTO or None."""

    def __init__(
        self,
        columns: Sequence[Column[R]],
        widths: Sequence[int] = (),
        parent: QWidget | None = None,
        *,
        row_id: Callable[[R], int] | None = None,
    ) -> None:
        super().__init__(parent)
        if row_id is None:
            self.model_: LazyTableModel[R] = LazyTableModel(NoPages(), columns, parent=self)
        else:
            self.model_ = LazyTableModel(NoPages(), columns, row_id=row_id, parent=self)
        self.setModel(self.model_)
        style_record_view(self, widths, self.fontMetrics().height() + 12)

    def set_rows(self, rows: Sequence[R], *, keep_selection: bool = True) -> None:
        """Shows `rows`, keeping the selected record selected when it is still there."""
        chosen = self.current_id() if keep_selection else None
        self.model_.set_rows(rows)
        if chosen is not None:
            position = self.model_.position_of(chosen)
            if position is not None:
                self.selectRow(position)

    def rows(self) -> list[R]:
        model = self.model_
        return [row for row in (model.row_at(i) for i in range(model.rowCount())) if row is not None]

    def current_id(self) -> int | None:
        index = self.currentIndex()
        if not index.isValid() or not self.selectionModel().isRowSelected(index.row(), index.parent()):
            return None
        return self.model_.id_at(index.row())

    def current(self) -> R | None:
        index = self.currentIndex()
        if not index.isValid() or not self.selectionModel().isRowSelected(index.row(), index.parent()):
            return None
        return self.model_.row_at(index.row())

    def select_id(self, row_id: int) -> bool:
        position = self.model_.position_of(row_id)
        if position is None:
            return False
        self.selectRow(position)
        self.scrollTo(self.model_.index(position, 0))
        return True
