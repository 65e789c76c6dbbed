# SPDX-License-Identifier: MIT
"""A lazy list that holds its whole ordered id list: the scroll bar spans every row, the bottom is
one drag or Ctrl+End away, rows load for what is painted and stay in a bounded cache."""

from __future__ import annotations

from array import array
from dataclasses import dataclass

from PySide6.QtCore import QModelIndex, QPoint, Qt
from PySide6.QtWidgets import QTableView

from redcross_desktop.core.i18n import N_
from redcross_desktop.services.container import Services
from redcross_desktop.services.people import PersonInput
from redcross_desktop.ui.models.lazy_table import Column, LazyTableModel
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


class ListSource:
    """Keyset pages and the whole id list, in (name, id) order; records the row loads."""

    def __init__(self, count: int) -> None:
        self.items = {i: Item(i, f"Người {i:05d}") for i in range(1, count + 1)}
        self.row_calls: list[list[int]] = []

    def ordered(self) -> list[Key]:
        return sorted((item.name, item.id) for item in self.items.values())

    def page_ids(self, *, after: Key | None, limit: int) -> Page:
        following = [key for key in self.ordered() if after is None or key > after]
        taken = following[:limit]
        return Page([key[1] for key in taken], taken[-1] if taken else after, len(following) <= limit)

    def all_ids(self) -> array[int]:
        return array("q", (key[1] for key in self.ordered()))

    def rows(self, ids: list[int]) -> dict[int, Item]:
        self.row_calls.append(list(ids))
        return {i: self.items[i] for i in ids if i in self.items}


COLUMNS = (Column(N_("Họ và tên"), lambda item: item.name),)


def browsing(source: ListSource, **options: int) -> LazyTableModel[Item]:
    model = LazyTableModel(source, COLUMNS, page_size=50, block_size=10, **options)
    model.reload()
    return model


def bottom_row_name(view: QTableView) -> object:
    index = view.indexAt(QPoint(2, view.viewport().height() - 3))
    return view.model().data(index) if index.row() == view.model().rowCount() - 1 else None


def test_the_id_list_goes_in_below_the_first_page_without_a_reset(qtbot) -> None:
    source = ListSource(1_000)
    model = browsing(source)
    assert model.rowCount() == 50 and model.wants_id_list()
    inserted: list[tuple[int, int]] = []
    resets: list[bool] = []
    model.rowsInserted.connect(lambda _parent, first, last: inserted.append((first, last)))
    model.modelReset.connect(lambda: resets.append(True))
    assert model.adopt_ids(source.all_ids(), model.generation)
    assert inserted == [(50, 999)] and resets == []
    assert model.rowCount() == 1_000 and model.complete and not model.wants_id_list()
    assert not model.canFetchMore(QModelIndex()) and not model.can_jump_to_end()
    assert model.data(model.index(999, 0)) == "Người 01000"
    assert model.position_of(777) == 776 and model.position_of(5_000) is None


def test_a_stale_list_is_refused_and_a_changed_one_resets(qtbot) -> None:
    source = ListSource(200)
    model = browsing(source)
    stale = model.generation
    model.reload()  # e.g. a person was added meanwhile
    assert not model.adopt_ids(source.all_ids(), stale)
    assert model.rowCount() == 50
    del source.items[3]  # the first page no longer starts the list read now
    resets: list[bool] = []
    model.modelReset.connect(lambda: resets.append(True))
    assert model.adopt_ids(source.all_ids(), model.generation)
    assert resets == [True] and model.rowCount() == 199
    assert model.data(model.index(2, 0)) == "Người 00004"
    model.set_rows([Item(7, "Người 00007")])  # a search result is not browse mode
    assert not model.adopt_ids(source.all_ids(), model.generation)
    assert model.rowCount() == 1


def test_the_row_cache_stays_bounded_and_evicted_rows_load_again(qtbot) -> None:
    source = ListSource(1_000)
    model = browsing(source, cache_limit=30)
    model.adopt_ids(source.all_ids(), model.generation)
    for row in range(0, 1_000, 10):  # one row from every block, like dragging the thumb down
        assert model.data(model.index(row, 0)) == f"Người {row + 1:05d}"
    assert len(model._rows) <= 30
    calls = len(source.row_calls)
    assert model.data(model.index(0, 0)) == "Người 00001"  # evicted long ago: read again
    assert len(source.row_calls) == calls + 1
    model.set_rows([Item(i, f"Tìm {i}") for i in range(1, 101)])  # fixed rows exist nowhere else
    assert [model.data(model.index(r, 0)) for r in (0, 99)] == ["Tìm 1", "Tìm 100"]


def test_the_scroll_bar_spans_every_row_and_its_bottom_paints_the_last_name(qtbot) -> None:
    source = ListSource(5_000)
    model = browsing(source)
    model.adopt_ids(source.all_ids(), model.generation)
    view = QTableView()
    view.setModel(model)
    qtbot.addWidget(view)
    view.resize(300, 240)
    with qtbot.waitExposed(view):
        view.show()
    bar = view.verticalScrollBar()
    assert bar.maximum() + bar.pageStep() == 5_000  # per item: one step a row
    bar.setValue(bar.maximum())
    qtbot.waitUntil(lambda: bottom_row_name(view) == "Người 05000")
    loaded = {row_id for call in source.row_calls for row_id in call}
    assert 4_000 not in loaded and len(loaded) < 100  # only the painted rows' blocks were read


def test_ctrl_end_on_a_complete_list_selects_the_last_row(qtbot) -> None:
    source = ListSource(3_000)
    model = browsing(source)
    model.adopt_ids(source.all_ids(), model.generation)
    view = QTableView()
    view.setModel(model)
    qtbot.addWidget(view)
    LazyNavigation(view, model)
    view.resize(300, 240)
    with qtbot.waitExposed(view):
        view.show()
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    assert model.data(view.currentIndex()) == "Người 03000"
    qtbot.waitUntil(lambda: bottom_row_name(view) == "Người 03000")
    assert model.rowCount() == 3_000  # nothing was reloaded or dropped


def test_people_service_all_ids_is_the_keyset_order_without_tombstones(services: Services) -> None:
    created = [
        services.people.create(PersonInput(name)).person.id
        for name in ("Trần Văn Bình", "Lê Thị Bình", "Nguyễn Văn An", "Đỗ Văn Đức", "Vũ Thị Yến")
    ]
    services.people.delete(created[3])
    paged, cursor = [], None
    while True:
        page = services.people.page_ids(after=cursor, limit=2)
        paged += page.ids
        cursor = page.cursor
        if page.last:
            break
    ids = services.people.all_ids()
    assert list(ids) == paged and len(ids) == 4 and created[3] not in ids


def test_people_section_scroll_bar_reaches_the_last_name(qtbot, services: Services) -> None:
    for n in range(1, 61):
        services.people.create(PersonInput(f"Trần Văn Số {n:02d}"))
    services.people.create(PersonInput("Vũ Thị Yến"))  # last in Vietnamese name order
    section = PeopleSection(services, InlineTaskRunner())
    qtbot.addWidget(section)
    section.resize(900, 400)
    assert not section.model.complete  # the whole list is read only once the first rows paint
    with qtbot.waitExposed(section):
        section.show()
    bar = section.table.verticalScrollBar()
    qtbot.waitUntil(lambda: section.model.complete and bar.maximum() + bar.pageStep() == 61)
    bar.setValue(bar.maximum())
    qtbot.waitUntil(lambda: bottom_row_name(section.table) == "Vũ Thị Yến")


def test_people_section_selects_a_new_person_beyond_the_first_page(qtbot, services: Services) -> None:
    for n in range(1, 31):
        services.people.create(PersonInput(f"Trần Văn Số {n:02d}"))
    section = PeopleSection(services, InlineTaskRunner())
    qtbot.addWidget(section)
    section.model._page_size = 10  # the new name lands past the first page
    with qtbot.waitExposed(section):
        section.show()
    saved = services.people.create(PersonInput("Vũ Thị Yến"))
    section._on_person_saved(True, saved)
    assert section.model.rowCount() == 10  # the first page, until the whole list is in
    qtbot.waitUntil(lambda: section.table.currentIndex().row() == 30)
    assert section.model.complete
    assert section.model.data(section.table.currentIndex()) == "Vũ Thị Yến"
