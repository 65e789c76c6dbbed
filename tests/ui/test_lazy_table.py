# SPDX-License-Identifier: MIT
"""The keyset lazy table model, over a fake source and without a window."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from PySide6.QtCore import QModelIndex, Qt

from redcross_desktop.core.i18n import N_
from redcross_desktop.ui.models.lazy_table import RIGHT, ROW_ID_ROLE, Column, LazyTableModel


@dataclass(frozen=True)
class Item:
    id: int
    name: str
    born: date | None


@dataclass(frozen=True)
class Page:
    ids: list[int]
    cursor: tuple[str, int] | None
    last: bool


class FakeSource:
    """Items sorted by (name, id), paged by keyset like the real repositories; counts its calls."""

    def __init__(self, count: int) -> None:
        self.items = {i: Item(i, f"Người {i:04d}", date(1980, 1, 1 + i % 28)) for i in range(1, count + 1)}
        self.page_calls: list[tuple[tuple[str, int] | None, int]] = []
        self.row_calls: list[list[int]] = []

    def page_ids(self, *, after: tuple[str, int] | None, limit: int) -> Page:
        self.page_calls.append((after, limit))
        ordered = sorted((item.name, item.id) for item in self.items.values())
        following = [key for key in ordered if after is None or key > after]
        taken = following[:limit]
        return Page([key[1] for key in taken], taken[-1] if taken else after, len(following) <= limit)

    def rows(self, ids: list[int]) -> dict[int, Item]:
        self.row_calls.append(list(ids))
        return {i: self.items[i] for i in ids if i in self.items}


COLUMNS = (
    Column(N_("Họ và tên"), lambda item: item.name),
    Column(N_("Ngày sinh"), lambda item: item.born, RIGHT),
    Column(N_("Mã"), lambda item: item.id, RIGHT),
)


@pytest.fixture
def source() -> FakeSource:
    return FakeSource(250)


@pytest.fixture
def model(source: FakeSource) -> LazyTableModel[Item]:
    table = LazyTableModel(source, COLUMNS, page_size=100, block_size=20)
    table.reload()
    return table


def text(model: LazyTableModel[Item], row: int, column: int = 0) -> object:
    return model.data(model.index(row, column))


def test_reload_loads_only_the_first_page_of_ids_and_no_rows(
    model: LazyTableModel[Item], source: FakeSource
) -> None:
    assert model.rowCount() == 100
    assert model.columnCount() == 3
    assert model.canFetchMore(QModelIndex())
    assert source.page_calls == [(None, 100)]
    assert source.row_calls == []


def test_fetch_more_continues_after_the_last_key_until_exhausted(
    model: LazyTableModel[Item], source: FakeSource
) -> None:
    model.fetchMore(QModelIndex())
    assert source.page_calls[-1] == (("Người 0100", 100), 100)
    model.fetchMore(QModelIndex())
    assert model.rowCount() == 250
    assert not model.canFetchMore(QModelIndex())
    model.fetchMore(QModelIndex())
    assert len(source.page_calls) == 3
    assert [model.id_at(r) for r in (0, 99, 100, 249)] == [1, 100, 101, 250]


def test_data_loads_a_whole_block_once(model: LazyTableModel[Item], source: FakeSource) -> None:
    assert text(model, 45) == "Người 0046"
    assert source.row_calls == [list(range(41, 61))]
    assert text(model, 59) == "Người 0060"
    assert text(model, 40, 2) == "41"
    assert len(source.row_calls) == 1
    assert text(model, 60) == "Người 0061"
    assert source.row_calls[-1] == list(range(61, 81))


def test_columns_format_values_align_and_translate_titles(model: LazyTableModel[Item]) -> None:
    assert text(model, 0, 1) == "02/01/1980"
    assert model.data(model.index(0, 1), Qt.ItemDataRole.TextAlignmentRole) == int(RIGHT)
    assert model.data(model.index(0, 0), ROW_ID_ROLE) == 1
    assert model.headerData(0, Qt.Orientation.Horizontal) == "Họ và tên"
    assert model.headerData(5, Qt.Orientation.Horizontal) is None
    assert model.data(model.index(0, 0), Qt.ItemDataRole.DecorationRole) is None


def test_invalidate_reloads_just_those_rows_and_tells_the_view(
    model: LazyTableModel[Item], source: FakeSource, qtbot
) -> None:
    assert text(model, 4) == "Người 0005"
    source.items[5] = Item(5, "Người 0005 (đã sửa)", None)
    assert text(model, 4) == "Người 0005"  # cached until invalidated
    with qtbot.waitSignal(model.dataChanged) as changed:
        model.invalidate([5, 9999])
    assert changed.args[0].row() == 4
    assert changed.args[1].column() == 2
    assert text(model, 4) == "Người 0005 (đã sửa)"
    assert source.row_calls[-1] == [5]


def test_a_row_gone_since_paging_shows_empty_instead_of_failing(
    model: LazyTableModel[Item], source: FakeSource
) -> None:
    del source.items[3]
    assert text(model, 2) is None
    assert model.row_at(2) is None
    assert text(model, 3) == "Người 0004"


def test_set_rows_shows_a_fixed_list_then_reload_browses_again(
    model: LazyTableModel[Item], source: FakeSource
) -> None:
    found = [source.items[7], source.items[3], source.items[7]]
    model.set_rows(found)
    assert not model.browsing
    assert model.rowCount() == 2
    assert not model.canFetchMore(QModelIndex())
    assert [text(model, 0), text(model, 1)] == ["Người 0007", "Người 0003"]
    assert source.row_calls == []  # the search already brought the rows
    assert model.position_of(3) == 1
    assert model.position_of(50) is None
    model.reload()
    assert model.browsing
    assert model.rowCount() == 100
    assert model.position_of(50) == 49


def test_show_ids_loads_rows_lazily(model: LazyTableModel[Item], source: FakeSource) -> None:
    model.show_ids([200, 10])
    assert source.row_calls == []
    assert text(model, 0) == "Người 0200"
    assert source.row_calls == [[200, 10]]
    assert not model.canFetchMore(QModelIndex())


def test_reset_signals_wrap_a_reload(model: LazyTableModel[Item], qtbot) -> None:
    with qtbot.waitSignals([model.modelAboutToBeReset, model.modelReset]):
        model.reload()
    with qtbot.waitSignal(model.rowsInserted) as inserted:
        model.fetchMore(QModelIndex())
    assert (inserted.args[1], inserted.args[2]) == (100, 199)
