# SPDX-License-Identifier: MIT
"""The province's Xung đột tab driven through its real widgets: both contents compared, a decision
needs a reason, taking the incoming content replaces the stored one and empties the list."""

from __future__ import annotations

import json

from province_helpers import CommuneFactory, Province
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from test_province_conflicts import conflicted

from redcross_desktop.services.province.conflicts import ProvinceConflictService
from redcross_desktop.ui.sections.sync_conflicts import ConflictsTab
from redcross_desktop.ui.tasks import InlineTaskRunner


def test_officer_compares_and_takes_the_incoming_content(
    province: Province, communes: CommuneFactory, qtbot
) -> None:
    _commune, rid, _gift = conflicted(province, communes)
    tab = ConflictsTab(ProvinceConflictService(province.services.ctx), InlineTaskRunner())
    qtbot.addWidget(tab)
    tab.resize(1100, 650)
    with qtbot.waitExposed(tab):
        tab.show()
    tab.refresh()
    views = tab.table.rows()
    assert rid in [v.record_id for v in views] and not tab.empty.isVisible()
    assert not tab.take_button.isEnabled()  # nothing selected yet
    tab.table.select_id(next(v.id for v in views if v.record_id == rid))
    assert tab.take_button.isEnabled() and tab.keep_button.isEnabled()

    compare = {
        tab.compare.item(r, 0).text(): (
            tab.compare.item(r, 1).text(),
            tab.compare.item(r, 2).text(),
            tab.compare.item(r, 1).font(),
        )
        for r in range(tab.compare.rowCount())
    }
    stored, incoming, font = compare["Tiền (đồng)"]  # the sheet's own Vietnamese column label
    assert (stored, incoming) == ("150000", "200000") and QFont(font).bold()

    qtbot.mouseClick(tab.take_button, Qt.MouseButton.LeftButton)
    dialog = tab.reason_dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.mouseClick(dialog.confirm_button, Qt.MouseButton.LeftButton)  # no reason yet: refused
    assert dialog.isVisible() and dialog.hint.isVisible()
    dialog.reason.setPlainText("Đã gọi điện cho xã ngày 05/03: 200.000 đồng là đúng")
    with qtbot.waitSignal(tab.decided):
        qtbot.mouseClick(dialog.confirm_button, Qt.MouseButton.LeftButton)
    record = province.record("donations", rid)
    assert record is not None and json.loads(record.data)["cash_vnd"] == "200000"
    assert rid not in [v.record_id for v in tab.table.rows()]
