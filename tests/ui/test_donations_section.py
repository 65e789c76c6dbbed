# SPDX-License-Identifier: MIT
"""The Quyên góp section over real services: receipts created, corrected and voided through the real
dialogs, filters and search, totals, the audit history, campaigns, and the Excel export."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import openpyxl
import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QTableView,
    QWidget,
)
from sqlalchemy import select

from redcross_desktop.core.vn import parse_vnd
from redcross_desktop.db.models import AuditEntry
from redcross_desktop.services.campaigns import CampaignInput
from redcross_desktop.services.container import Services
from redcross_desktop.services.donations import DonationInput, DonationLineInput
from redcross_desktop.services.people import PersonInput
from redcross_desktop.services.stock import ItemInput
from redcross_desktop.ui.dialogs.donation_dialog import DonationDialog
from redcross_desktop.ui.sections.donations import DonationsSection
from redcross_desktop.ui.tasks import InlineTaskRunner

TODAY = date.today()
YEAR = TODAY.year


@pytest.fixture
def section(qtbot, services: Services) -> DonationsSection:
    widget = DonationsSection(services, InlineTaskRunner())
    qtbot.addWidget(widget)
    widget.resize(1160, 680)
    with qtbot.waitExposed(widget):
        widget.show()
    return widget


def type_into(qtbot, edit: QWidget, text: str) -> None:
    """Types like a user; a Vietnamese letter arrives as a key event carrying its text (Unikey)."""
    for chunk in re.findall(r"[\x20-\x7e]+|[^\x20-\x7e]", text):
        if chunk.isascii():
            qtbot.keyClicks(edit, chunk)
        else:
            for action in (QTest.KeyAction.Press, QTest.KeyAction.Release):
                QTest.sendKeyEvent(action, edit, Qt.Key.Key_unknown, chunk, Qt.KeyboardModifier.NoModifier)


def column(section: DonationsSection, number: int) -> list[str]:
    model = section.model
    return [model.data(model.index(row, number)) for row in range(model.rowCount())]


def visible_boxes() -> list[QMessageBox]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]


def open_new_receipt(section: DonationsSection, qtbot) -> DonationDialog:
    qtbot.mouseClick(section.add_button, Qt.MouseButton.LeftButton)
    dialog = section.dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    return dialog


def pick_donor(qtbot, dialog: DonationDialog, typed: str) -> None:
    dialog.donor.edit.setFocus()
    qtbot.keyClicks(dialog.donor.edit, typed)
    popup = dialog.donor.completer.popup()
    qtbot.waitUntil(popup.isVisible)
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.donor.person() is not None)


def double_click_row(qtbot, section: DonationsSection, row: int) -> None:
    where = section.table.visualRect(section.model.index(row, 0)).center()
    # QTest's double click lacks the first click a real one starts with; the view needs that press.
    qtbot.mouseClick(section.table.viewport(), Qt.MouseButton.LeftButton, pos=where)
    qtbot.mouseDClick(section.table.viewport(), Qt.MouseButton.LeftButton, pos=where)


def record(services: Services, cash: int, **fields) -> int:
    return services.donations.record(
        DonationInput(received_on=fields.pop("on", TODAY), cash_vnd=cash, **fields)
    ).id


def test_a_new_cash_receipt_gets_its_number_and_shows_in_the_list(
    section: DonationsSection, services: Services, qtbot
) -> None:
    services.people.create(PersonInput("Nguyễn Văn Đức", birth_year=1980, thon="Tổ 1"))
    campaign = services.campaigns.create(
        CampaignInput("TET2026", "Tết Nhân ái 2026", "tet", date(YEAR, 1, 1))
    )
    section._fill_campaigns()
    dialog = open_new_receipt(section, qtbot)
    assert dialog.windowTitle() == "Thêm biên nhận"
    assert dialog.received_on.edit.text() == TODAY.strftime("%d/%m/%Y")
    pick_donor(qtbot, dialog, "nguyen van duc")
    assert dialog.donor.person().full_name == "Nguyễn Văn Đức"
    dialog.campaign.setCurrentIndex(dialog.campaign.findData(campaign.id))
    qtbot.keyClicks(dialog.cash.edit, "1tr25")
    assert dialog.cash.hint.text() == "= 1.250.000 đ"
    assert dialog.cash_words.text() == "Bằng chữ: Một triệu hai trăm năm mươi nghìn đồng chẵn"
    assert dialog.total.text() == "Tổng trị giá biên nhận: 1.250.000 đ"
    qtbot.keyClick(dialog.cash.edit, Qt.Key.Key_Return)  # Enter saves

    assert dialog.result() == QDialog.DialogCode.Accepted
    code = f"BN-{YEAR}-000001"
    assert section.notice is not None and section.notice.isVisible()
    assert section.notice.text() == f"Đã lưu biên nhận số {code}."
    assert "Nhà hảo tâm: Nguyễn Văn Đức" in section.notice.informativeText()
    section.notice.done(0)
    [stored] = services.donations.list()
    assert (stored.receipt_code, stored.cash_vnd, stored.campaign_id, stored.channel) == (
        code,
        1_250_000,
        campaign.id,
        "cash",
    )
    assert [section.model.data(section.model.index(0, c)) for c in range(8)] == [
        code,
        TODAY.strftime("%d/%m/%Y"),
        "Nguyễn Văn Đức",
        "Tết Nhân ái 2026",
        "Tiền mặt",
        "1.250.000 đ",
        "",
        "Còn hiệu lực",
    ]
    assert section.table.currentIndex().row() == 0
    assert section.totals.text() == (
        "Cộng 1 biên nhận còn hiệu lực: tiền mặt 1.250.000 đ · hiện vật 0 đ · tổng cộng 1.250.000 đ"
    )


def test_missing_donor_and_amount_are_shown_and_nothing_is_saved(
    section: DonationsSection, services: Services, qtbot
) -> None:
    dialog = open_new_receipt(section, qtbot)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert dialog.hints["donor"].text() == "Hãy chọn nhà hảo tâm, hoặc đánh dấu “Nhà hảo tâm (giấu tên)”."
    assert dialog.cash.hint.text() == "Hãy nhập số tiền, hoặc thêm ít nhất một dòng hiện vật."
    qtbot.keyClicks(dialog.cash.edit, "abc")
    assert "Không hiểu số tiền" in dialog.cash.hint.text()
    qtbot.keyClicks(dialog.donor.edit, "khong co ai")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert "Hãy chọn một người trong danh sách gợi ý" in dialog.hints["donor"].text()
    assert services.donations.list() == []


def test_an_anonymous_gift_and_the_date_are_checked_as_typed(
    section: DonationsSection, services: Services, qtbot
) -> None:
    dialog = open_new_receipt(section, qtbot)
    dialog.received_on.edit.clear()
    qtbot.keyClicks(dialog.received_on.edit, "31/02/2026")
    assert "không có trên lịch" in dialog.received_on.hint.text()
    dialog.received_on.edit.clear()
    qtbot.keyClicks(dialog.received_on.edit, (TODAY + timedelta(days=3)).strftime("%d/%m/%Y"))
    assert "ở tương lai" in dialog.received_on.hint.text()
    dialog.received_on.edit.clear()
    qtbot.keyClicks(dialog.received_on.edit, TODAY.strftime("%d/%m/%Y"))
    qtbot.mouseClick(dialog.anonymous, Qt.MouseButton.LeftButton)
    assert dialog.anonymous.isChecked() and not dialog.donor.isEnabled()
    dialog.channel.setCurrentIndex(dialog.channel.findData("box"))
    qtbot.keyClicks(dialog.cash.edit, "500k")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    [stored] = services.donations.list()
    assert (stored.donor_id, stored.donor_name, stored.channel, stored.cash_vnd) == (
        None,
        "Nhà hảo tâm (giấu tên)",
        "box",
        500_000,
    )
    assert section.notice is not None
    section.notice.done(0)
    assert column(section, 2) == ["Nhà hảo tâm (giấu tên)"]


def test_a_receipt_is_corrected_by_double_click_with_its_history(
    section: DonationsSection, services: Services, qtbot
) -> None:
    donor = services.people.create(PersonInput("Lê Thị Bình")).person
    donation_id = record(services, 300_000, donor_id=donor.id, collector="Trần Văn Nam")
    section.reload()
    double_click_row(qtbot, section, 0)
    dialog = section.dialog
    assert dialog is not None and dialog.windowTitle() == f"Sửa biên nhận BN-{YEAR}-000001"
    assert (dialog.donor.edit.text(), dialog.cash.edit.text(), dialog.collector.text()) == (
        "Lê Thị Bình",
        "300.000",
        "Trần Văn Nam",
    )
    dialog.cash.edit.clear()
    qtbot.keyClicks(dialog.cash.edit, "350.000")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted
    stored = services.donations.get(donation_id)
    assert (stored.cash_vnd, stored.version, stored.receipt_code) == (350_000, 2, f"BN-{YEAR}-000001")
    assert column(section, 5) == ["350.000 đ"]
    assert section.totals.text().startswith("Cộng 1 biên nhận còn hiệu lực: tiền mặt 350.000 đ")

    section.table.selectRow(0)
    qtbot.mouseClick(section.history_button, Qt.MouseButton.LeftButton)
    history = section.history
    assert history is not None and history.isVisible()
    table = history.table
    assert table.rowCount() == 2
    assert [table.item(0, c).text() for c in (1, 2)] == ["test-officer", "Sửa"]
    assert "Số tiền: 300.000 đ → 350.000 đ" in table.item(0, 3).text()
    assert table.item(1, 2).text() == "Tạo mới"
    history.reject()


def test_a_printed_receipt_refuses_a_new_amount_with_the_service_message(
    section: DonationsSection, services: Services, qtbot
) -> None:
    donation_id = record(services, 200_000)
    services.donations.mark_printed(donation_id)
    section.reload()
    double_click_row(qtbot, section, 0)
    dialog = section.dialog
    assert dialog is not None
    assert dialog.banner.isVisible() and "đã in" in dialog.banner.text()
    dialog.cash.edit.clear()
    qtbot.keyClicks(dialog.cash.edit, "250000")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    [box] = visible_boxes()
    assert "đã in và giao cho người ủng hộ" in box.text()
    assert "RECEIPT_PRINTED" in box.informativeText()
    box.done(0)
    assert dialog.isVisible() and dialog.save_button.isEnabled()
    assert services.donations.get(donation_id).cash_vnd == 200_000


def test_voiding_needs_a_reason_then_shows_the_void_and_the_number_is_not_reused(
    section: DonationsSection, services: Services, qtbot
) -> None:
    record(services, 100_000)
    donation_id = record(services, 400_000)
    section.reload()
    assert column(section, 0) == [f"BN-{YEAR}-000002", f"BN-{YEAR}-000001"]
    section.table.selectRow(0)
    qtbot.mouseClick(section.void_button, Qt.MouseButton.LeftButton)
    dialog = section.void_dialog
    assert dialog is not None and dialog.isVisible()
    assert [dialog.confirm_button.text(), dialog.cancel_button.text()] == ["Hủy biên nhận", "Bỏ qua"]
    qtbot.mouseClick(dialog.confirm_button, Qt.MouseButton.LeftButton)  # no reason yet
    assert dialog.isVisible()
    assert dialog.hint.text().startswith("Hãy ghi lý do hủy biên nhận")
    assert services.donations.get(donation_id).status == "valid"

    type_into(qtbot, dialog.reason, "Ghi sai số tiền, lập lại biên nhận")
    qtbot.mouseClick(dialog.confirm_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted
    stored = services.donations.get(donation_id)
    assert (stored.status, stored.void_reason, stored.voided_by) == (
        "void",
        "Ghi sai số tiền, lập lại biên nhận",
        "test-officer",
    )
    assert column(section, 7) == ["Đã hủy", "Còn hiệu lực"]
    assert section.model.data(section.model.index(0, 0), Qt.ItemDataRole.ForegroundRole) is not None
    assert not section.void_button.isEnabled()
    assert section.totals.text().startswith("Cộng 1 biên nhận còn hiệu lực: tiền mặt 100.000 đ")
    with services.ctx.sessions() as s:
        audit = s.scalars(
            select(AuditEntry).where(AuditEntry.record_uuid == stored.uuid, AuditEntry.action == "void")
        ).one()
    assert audit.reason == "Ghi sai số tiền, lập lại biên nhận"

    # The next receipt takes the next number; the voided one keeps its own.
    dialog_new = open_new_receipt(section, qtbot)
    qtbot.mouseClick(dialog_new.anonymous, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(dialog_new.cash.edit, "400000")
    qtbot.keyClick(dialog_new.cash.edit, Qt.Key.Key_Return)
    assert section.notice is not None and section.notice.text() == f"Đã lưu biên nhận số BN-{YEAR}-000003."
    section.notice.done(0)
    assert column(section, 0) == [f"BN-{YEAR}-000003", f"BN-{YEAR}-000002", f"BN-{YEAR}-000001"]

    # A voided receipt opens read-only, saying why.
    section.table.selectRow(1)
    qtbot.mouseClick(section.edit_button, Qt.MouseButton.LeftButton)
    shown = section.dialog
    assert shown is not None and shown.windowTitle() == f"Biên nhận BN-{YEAR}-000002 (đã hủy)"
    assert "Ghi sai số tiền" in shown.banner.text()
    assert not shown.save_button.isVisible() and not shown.cash.isEnabled()
    shown.reject()


def test_filters_and_accent_free_search(section: DonationsSection, services: Services, qtbot) -> None:
    duc = services.people.create(PersonInput("Nguyễn Văn Đức")).person
    binh = services.people.create(PersonInput("Trần Thị Bình")).person
    tet = services.campaigns.create(CampaignInput("TET", "Tết Nhân ái", "tet", date(YEAR, 1, 1)))
    record(services, 100_000, donor_id=duc.id, campaign_id=tet.id)
    record(services, 200_000, donor_id=binh.id)
    third = record(services, 300_000, donor_id=duc.id)
    services.donations.void(third, "Trùng")
    section._fill_campaigns()
    section.reload()
    assert len(column(section, 0)) == 3

    qtbot.keyClicks(section.search, "nguyen van duc")
    qtbot.keyClick(section.search, Qt.Key.Key_Return)
    assert column(section, 0) == [f"BN-{YEAR}-000003", f"BN-{YEAR}-000001"]
    assert section.totals.text().startswith("Cộng 1 biên nhận còn hiệu lực: tiền mặt 100.000 đ")
    section.search.clear()
    qtbot.keyClicks(section.search, f"{YEAR}-2")
    qtbot.waitUntil(lambda: column(section, 0) == [f"BN-{YEAR}-000002"])
    section.search.clear()
    qtbot.waitUntil(lambda: len(column(section, 0)) == 3)

    section.status.setCurrentIndex(section.status.findData("void"))
    assert column(section, 0) == [f"BN-{YEAR}-000003"]
    assert section.totals.text() == "Chưa có biên nhận còn hiệu lực nào trong phạm vi đang xem."
    section.status.setCurrentIndex(0)
    section.campaign.setCurrentIndex(section.campaign.findData(tet.id))
    assert column(section, 0) == [f"BN-{YEAR}-000001"]
    section.campaign.setCurrentIndex(0)
    section.period.set_custom(date(YEAR - 1, 1, 1), date(YEAR - 1, 12, 31))
    assert column(section, 0) == []
    assert section.empty.isVisible() and "Chưa có biên nhận nào" in section.empty.text()


def test_export_writes_the_rows_of_the_view(
    section: DonationsSection, services: Services, qtbot, tmp_path: Path
) -> None:
    duc = services.people.create(PersonInput("Nguyễn Văn Đức")).person
    rice = services.stock.create_item(ItemInput("Gạo", "kg", "food"))
    record(services, 1_000_000, donor_id=duc.id)
    services.donations.record(
        DonationInput(TODAY, channel="in_kind", lines=(DonationLineInput(rice.id, 50, 20_000),))
    )
    voided = record(services, 5_000)
    services.donations.void(voided, "Nhầm")
    section.reload()
    path = tmp_path / "quyen-gop.xlsx"
    section.export_to(path)
    assert section.last_export == path

    sheet = openpyxl.load_workbook(path).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    headers = [section.model.headerData(c, Qt.Orientation.Horizontal) for c in range(8)]
    start = rows.index(headers) + 1
    view = [[section.model.data(section.model.index(r, c)) for c in range(8)] for r in range(3)]
    exported = rows[start : start + 3]
    for shown, written in zip(view, exported, strict=True):
        for number, (text, cell) in enumerate(zip(shown, written, strict=True)):
            if number in (5, 6):
                assert cell == (parse_vnd(text) if text else None)
            else:
                assert (cell or "") == text
    assert exported[1][6] == 1_000_000 and exported[1][2] == "Nhà hảo tâm (giấu tên)"
    assert rows[start + 3][0] == section.totals.text()


def test_the_campaign_dialog_adds_a_campaign_with_its_decree_93_warning(
    section: DonationsSection, services: Services, qtbot
) -> None:
    qtbot.mouseClick(section.campaigns_button, Qt.MouseButton.LeftButton)
    campaigns = section.campaigns_dialog
    assert campaigns is not None and campaigns.isVisible()
    qtbot.mouseClick(campaigns.add_button, Qt.MouseButton.LeftButton)
    form = campaigns.dialog
    assert form is not None
    qtbot.keyClicks(form.code, "LU2026")
    type_into(qtbot, form.name, "Ủng hộ đồng bào lũ lụt")
    form.kind.setCurrentIndex(form.kind.findData("disaster"))
    assert form.decree93.isChecked()
    form.start_date.edit.clear()
    qtbot.keyClicks(form.start_date.edit, f"01/01/{YEAR}")
    limit = (date(YEAR, 1, 1) + timedelta(days=90)).strftime("%d/%m/%Y")
    assert f"tiếp nhận tối đa đến hết {limit}" in form.limits.text()
    qtbot.keyClicks(form.end_date.edit, f"30/06/{YEAR}")
    assert form.end_date.hint.kind == "warning"
    assert "chỉ được tiếp nhận tối đa 90 ngày" in form.end_date.hint.text()
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)

    [stored] = services.campaigns.list()
    assert (stored.code, stored.name, stored.kind, stored.decree93, stored.end_date) == (
        "LU2026",
        "Ủng hộ đồng bào lũ lụt",
        "disaster",
        True,
        date(YEAR, 6, 30),
    )
    assert campaigns.notice is not None and "Nghị định 93" in campaigns.notice.informativeText()
    campaigns.notice.done(0)
    assert campaigns.table.model_.data(campaigns.table.model_.index(0, 0)) == "LU2026"
    assert section.campaign.findData(stored.id) > 0  # the filter knows it at once
    campaigns.reject()


def test_ctrl_n_opens_a_new_receipt(section: DonationsSection, qtbot) -> None:
    section.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is section)
    qtbot.keyClick(section.search, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: section.dialog is not None and section.dialog.isVisible())
    assert section.dialog is not None and section.dialog.windowTitle() == "Thêm biên nhận"
    section.dialog.reject()


ENGLISH = re.compile(
    r"\b(Cancel|OK|Ok|Save|Search|Close|Yes|No|Open|Add|Delete|Edit|Name|Phone|Settings|Apply|Amount|Date)\b"
)


def english_texts(widget: QWidget) -> list[str]:
    texts = [widget.windowTitle()]
    texts += [label.text() for label in widget.findChildren(QLabel)]
    texts += [button.text() for button in widget.findChildren(QAbstractButton)]
    texts += [edit.placeholderText() for edit in widget.findChildren(QLineEdit)]
    for table in widget.findChildren(QTableView):
        model = table.model()
        texts += [str(model.headerData(c, Qt.Orientation.Horizontal)) for c in range(model.columnCount())]
    return [text for text in texts if text and ENGLISH.search(text)]


def test_no_english_in_the_section_and_its_dialogs(
    section: DonationsSection, services: Services, qtbot
) -> None:
    record(services, 100_000)
    section.reload()
    assert english_texts(section) == []
    dialog = open_new_receipt(section, qtbot)
    assert english_texts(dialog) == []
    dialog.reject()
    section.table.selectRow(0)
    qtbot.mouseClick(section.void_button, Qt.MouseButton.LeftButton)
    assert section.void_dialog is not None and english_texts(section.void_dialog) == []
    section.void_dialog.reject()
    qtbot.mouseClick(section.history_button, Qt.MouseButton.LeftButton)
    assert section.history is not None and english_texts(section.history) == []
    section.history.reject()
    qtbot.mouseClick(section.campaigns_button, Qt.MouseButton.LeftButton)
    campaigns = section.campaigns_dialog
    assert campaigns is not None and english_texts(campaigns) == []
    qtbot.mouseClick(campaigns.add_button, Qt.MouseButton.LeftButton)
    assert campaigns.dialog is not None and english_texts(campaigns.dialog) == []
    campaigns.dialog.reject()
    campaigns.reject()
