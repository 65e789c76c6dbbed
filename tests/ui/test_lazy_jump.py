# SPDX-License-Identifier: MIT
"""Jumping to the end of a long lazy list (Ctrl+End) and scrolling back up, over a fake keyset
source and over the real people service."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QTableView

from redcross_desktop.core.i18n import N_
from redcross_desktop.services.container import Services
from redcross_desktop.services.people import PersonInput
from redcross_desktop.ui.models.lazy_table import ROW_ID_ROLE, Column, LazyTableModel
from redcross_desktop.ui.sections.people import PeopleSection
from redcross_desktop.ui.tasks import InlineTaskRunner
from redcross_desktop.ui.widgets.lazy_navigation import LazyNavigation

Key = tuple[str, int]


@dataclass(frozen=True)
class Item:
    id: int
    name: str


@dataclass(frozen=True)
class Page:
    ids: list[int]
    cursor: Key | None
    last: bool


class HeadOnlySource:
    """Keyset pages forwards only, like a source that cannot read backwards."""

    def __init__(self, count: int) -> None:
        self.items = {i: Item(i, f"Người {i:04d}") for i in range(1, count + 1)}
        self.keys = sorted((item.name, item.id) for item in self.items.values())
        self.calls: list[str] = []

    def page_ids(self, *, after: Key | None, limit: int) -> Page:
        self.calls.append("after")
        following = [key for key in self.keys if after is None or key > after]
        taken = following[:limit]
        return Page([key[1] for key in taken], taken[-1] if taken else after, len(following) <= limit)

    def rows(self, ids: list[int]) -> dict[int, Item]:
        return {i: self.items[i] for i in ids if i in self.items}


class TailSource(HeadOnlySource):
    def page_ids_before(self, *, before: Key | None, limit: int) -> Page:
        self.calls.append("before")
        preceding = [key for key in self.keys if before is None or key < before]
        taken = preceding[-limit:]
        return Page([key[1] for key in taken], taken[0] if taken else before, len(preceding) <= limit)


COLUMNS = (Column(N_("Họ và tên"), lambda item: item.name),)


def names(model: LazyTableModel[Item]) -> list[str]:
    return [model.data(model.index(row, 0)) for row in range(model.rowCount())]


def model_over(source: HeadOnlySource) -> LazyTableModel[Item]:
    model = LazyTableModel(source, COLUMNS, page_size=10, block_size=4)
    model.reload()
    return model


def test_jump_to_end_reads_one_page_from_the_end() -> None:
    source = TailSource(95)
    model = model_over(source)
    assert model.can_jump_to_end()
    assert model.jump_to_end()
    assert source.calls == ["after", "before"]
    assert names(model) == [f"Người {i:04d}" for i in range(86, 96)]
    assert not model.canFetchMore(QModelIndex())  # nothing after the last row
    assert model.can_fetch_earlier()
    assert not model.can_jump_to_end()


def test_earlier_pages_go_in_at_the_top_and_positions_follow() -> None:
    source = TailSource(95)
    model = model_over(source)
    model.jump_to_end()
    inserted: list[tuple[int, int]] = []
    model.rowsInserted.connect(lambda _parent, first, last: inserted.append((first, last)))
    assert model.fetch_earlier() == 10
    assert inserted == [(0, 9)]
    assert model.position_of(76) == 0 and model.position_of(95) == 19
    assert model.id_at(10) == 86
    assert model.data(model.index(10, 0), ROW_ID_ROLE) == 86
    while model.can_fetch_earlier():
        model.fetch_earlier()
    assert names(model) == [f"Người {i:04d}" for i in range(1, 96)]
    assert [model.position_of(i) for i in (1, 50, 95)] == [0, 49, 94]
    assert model.fetch_earlier() == 0


def test_a_block_across_the_seam_loads_and_invalidate_finds_rows_above_it() -> None:
    source = TailSource(30)
    model = model_over(source)
    model.jump_to_end()
    model.fetch_earlier()  # rows 11..30 now: 10 prepended above the 10 from the end
    assert model.data(model.index(9, 0)) == "Người 0020"  # the block of rows 8..11 spans the seam
    assert model.data(model.index(10, 0)) == "Người 0021"
    changed: list[int] = []
    model.dataChanged.connect(lambda top, _bottom: changed.append(top.row()))
    model.invalidate([12, 25])
    assert changed == [1, 14]


def test_reload_leaves_tail_mode_and_a_fixed_list_cannot_jump() -> None:
    source = TailSource(50)
    model = model_over(source)
    model.jump_to_end()
    model.reload()
    assert names(model)[:2] == ["Người 0001", "Người 0002"]
    assert not model.can_fetch_earlier() and model.can_jump_to_end()
    model.set_rows([Item(7, "Người 0007")])
    assert not model.can_jump_to_end() and not model.jump_to_end()


def test_a_source_without_backward_pages_or_a_fully_loaded_list_does_not_jump() -> None:
    model = model_over(HeadOnlySource(50))
    assert not model.can_jump_to_end() and not model.jump_to_end()
    short = model_over(TailSource(8))
    assert not short.can_jump_to_end()


def test_ctrl_end_shows_the_last_row_and_scrolling_up_keeps_the_place(qtbot) -> None:
    source = TailSource(500)
    model = LazyTableModel(source, COLUMNS, page_size=50, block_size=10)
    model.reload()
    view = QTableView()
    view.setModel(model)
    qtbot.addWidget(view)
    navigation = LazyNavigation(view, model)
    view.resize(300, 200)
    with qtbot.waitExposed(view):
        view.show()
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    assert view.currentIndex().row() == model.rowCount() - 1
    assert model.data(view.currentIndex()) == "Người 0500"
    bar = view.verticalScrollBar()
    assert bar.value() == bar.maximum()
    bar.setValue(bar.minimum())  # the reader scrolls to the top of what is loaded
    assert model.rowCount() == 100  # one earlier page came in above
    qtbot.waitUntil(lambda: view.verticalScrollBar().maximum() == 100 - (bar.pageStep()))  # laid out again
    assert model.data(model.index(view.rowAt(0), 0)) == "Người 0451"  # the same row on top as before
    qtbot.keyClick(view, Qt.Key.Key_Home, Qt.KeyboardModifier.ControlModifier)
    assert model.data(view.currentIndex()) == "Người 0001"
    assert not model.can_fetch_earlier()
    assert navigation.parent() is view


def test_people_service_pages_backwards_in_the_same_order_as_forwards(services: Services) -> None:
    for given in ("An", "Bình", "Cường", "Dũng", "Đức", "Giang", "Hà", "Hải", "Hạnh"):
        services.people.create(PersonInput(f"Nguyễn Văn {given}"))
    services.people.create(PersonInput("Lê Thị Bình"))
    forwards, cursor = [], None
    while True:
        page = services.people.page_ids(after=cursor, limit=3)
        forwards += page.ids
        cursor = page.cursor
        if page.last:
            break
    backwards, before = [], None
    while True:
        page = services.people.page_ids_before(before=before, limit=3)
        backwards = page.ids + backwards
        before = page.cursor
        if page.last:
            break
    assert backwards == forwards and len(forwards) == 10


def test_ctrl_end_in_the_people_section_reaches_the_last_name(qtbot, services: Services) -> None:
    for n in range(1, 31):
        services.people.create(PersonInput(f"Trần Văn Số {n:02d}"))
    services.people.create(PersonInput("Vũ Thị Yến"))  # last in Vietnamese name order
    section = PeopleSection(services, InlineTaskRunner())
    qtbot.addWidget(section)
    section.model._page_size = 10  # several pages, as a long list would have
    section.model.reload()
    with qtbot.waitExposed(section):
        section.show()
    section.table.setFocus()
    qtbot.keyClick(section.table, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    assert section.model.data(section.table.currentIndex()) == "Vũ Thị Yến"
    assert section.model.rowCount() == 10
