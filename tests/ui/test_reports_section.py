# SPDX-License-Identifier: MIT
"""The Báo cáo section over real services: the report table shows the exact figures of known
records, hand-entered figures and plans are edited in place or in their dialogs, a month is closed
through the button and reopened only with a reason, and the report and disclosure workbooks are
written in the background and read back."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QLineEdit, QMessageBox

from redcross_desktop.services.campaigns import CampaignInput
from redcross_desktop.services.container import Services
from redcross_desktop.services.donations import DonationInput
from redcross_desktop.services.people import PersonInput
from redcross_desktop.ui.dialogs.report_entry import ManualEntryDialog, PlansDialog
from redcross_desktop.ui.dialogs.report_export import DisclosureDialog, ReportExportDialog
from redcross_desktop.ui.models.report_table import (
    COMPARE,
    CURRENT,
    LABEL,
    LAST_YEAR,
    NUMBER,
    PLAN,
    PLAN_PCT,
    YTD,
)
from redcross_desktop.ui.sections.reports import ReportsSection
from redcross_desktop.ui.tasks import InlineTaskRunner


@pytest.fixture
def donor(services: Services) -> int:
    return services.people.create(PersonInput("Nguyễn Văn Đức", sex="M", thon="Tổ 1")).person.id


def give(services: Services, donor: int | None, day: date, cash: int, campaign_id: int | None = None) -> None:
    services.donations.record(DonationInput(day, donor_id=donor, cash_vnd=cash, campaign_id=campaign_id))


@pytest.fixture
def section(qtbot, services: Services) -> ReportsSection:
    widget = ReportsSection(services, InlineTaskRunner())
    qtbot.addWidget(widget)
    widget.resize(1166, 700)
    with qtbot.waitExposed(widget):
        widget.show()
    widget.set_period(2026, 3)
    return widget


def cell(section: ReportsSection, code: str, column: int, disagg: str = "") -> str:
    model = section.model
    row = model.row_of(code, disagg)
    assert row is not None, code
    return model.data(model.index(row, column))


def index_of(section: ReportsSection, code: str, column: int):
    row = section.model.row_of(code)
    assert row is not None
    return section.model.index(row, column)


def visible_boxes() -> list[QMessageBox]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]


def test_the_table_shows_the_donations_of_the_month_year_to_date_and_last_year(
    qtbot, services: Services, donor: int
) -> None:
    give(services, donor, date(2026, 3, 10), 1_250_000)
    give(services, donor, date(2026, 2, 3), 500_000)
    give(services, None, date(2025, 3, 20), 1_000_000)  # the same period last year
    section = ReportsSection(services, InlineTaskRunner())
    qtbot.addWidget(section)
    section.set_period(2026, 3)
    assert [cell(section, "VD.TIEN", c) for c in (NUMBER, LABEL, CURRENT, YTD, LAST_YEAR, COMPARE)] == [
        "1",
        "Tiền mặt, chuyển khoản tiếp nhận",
        "1.250.000",
        "1.750.000",
        "1.000.000",
        "175,0",
    ]
    assert cell(section, "VD.LUOT", CURRENT) == "1" and cell(section, "VD.LUOT", YTD) == "2"
    header = section.model.section_rows()[1]
    assert section.model.data(section.model.index(header, NUMBER)) == "II"
    assert section.model.data(section.model.index(header, LABEL)).startswith("VẬN ĐỘNG, TIẾP NHẬN")
    assert section.table.columnSpan(header, LABEL) == 8
    assert section.model.headerData(CURRENT, Qt.Orientation.Horizontal) == "Tháng này"
    assert section.status.text() == "Tháng 03/2026 chưa chốt số liệu."

    section.step(-1)
    assert section.period() == "2026-02" and cell(section, "VD.TIEN", CURRENT) == "500.000"

    section.set_period(2026, 3, "quarter")
    assert not section.quarter.isHidden() and section.month.isHidden()
    assert section.model.headerData(CURRENT, Qt.Orientation.Horizontal) == "Quý này"
    assert cell(section, "VD.TIEN", CURRENT) == "1.750.000"
    assert not section.export_button.isEnabled() and section.close_button.isHidden()
    assert "quý I/2026" in section.status.text()
    section.kind.setCurrentIndex(section.kind.findData("ytd"))
    assert section.model.headerData(CURRENT, Qt.Orientation.Horizontal) == "Kỳ báo cáo"
    assert cell(section, "VD.TIEN", CURRENT) == "1.750.000"


def test_a_hand_entered_figure_is_edited_in_place(section: ReportsSection, services: Services, qtbot) -> None:
    assert cell(section, "TC.HP.NOP", LABEL) == "Hội phí nộp cấp trên (nhập tay)"
    assert cell(section, "TC.HP.NOP", CURRENT) == ""
    assert not section.model.flags(index_of(section, "VD.TIEN", CURRENT)) & Qt.ItemFlag.ItemIsEditable
    index = index_of(section, "TC.HP.NOP", CURRENT)
    assert section.model.flags(index) & Qt.ItemFlag.ItemIsEditable
    assert section.model.data(index, Qt.ItemDataRole.BackgroundRole) is not None

    # As a user would: select the cell, F2, type, Enter.
    section.table.setCurrentIndex(index)
    qtbot.keyClick(section.table, Qt.Key.Key_F2)
    editor = section.table.viewport().findChild(QLineEdit)
    assert editor is not None and editor.isVisible()
    editor.selectAll()
    qtbot.keyClicks(editor, "1.500.000")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: services.reports.manual_values("2026-03") == {"TC.HP.NOP": 1_500_000})
    assert cell(section, "TC.HP.NOP", CURRENT) == "1.500.000"

    assert not section.model.setData(index_of(section, "TC.HP.NOP", CURRENT), "nhiều lắm")
    qtbot.waitUntil(lambda: section.notice is not None and section.notice.isVisible())
    assert section.notice is not None
    assert section.notice.text().startswith("Không hiểu số tiền")
    section.notice.close()
    assert services.reports.manual_values("2026-03") == {"TC.HP.NOP": 1_500_000}


def test_plans_are_edited_in_place_and_in_their_dialog(
    section: ReportsSection, services: Services, donor: int, qtbot
) -> None:
    give(services, donor, date(2026, 3, 10), 10_000_000)
    section.refresh()
    assert section.model.setData(index_of(section, "VD.TONG", PLAN), "40tr")
    qtbot.waitUntil(lambda: services.reports.plans(2026) == {"VD.TONG": 40_000_000})
    assert cell(section, "VD.TONG", PLAN) == "40.000.000" and cell(section, "VD.TONG", PLAN_PCT) == "25,0"
    assert not section.model.flags(index_of(section, "VD.TIEN", PLAN)) & Qt.ItemFlag.ItemIsEditable

    qtbot.mouseClick(section.plans_button, Qt.MouseButton.LeftButton)
    dialog = section.dialog
    assert isinstance(dialog, PlansDialog) and dialog.windowTitle() == "Kế hoạch năm 2026"
    units = next(f for f in dialog.figures if f.spec.code == "HM.DON_VI")
    qtbot.keyClicks(units.edit, "300")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert services.reports.plans(2026) == {"VD.TONG": 40_000_000, "HM.DON_VI": 300}
    assert cell(section, "HM.DON_VI", PLAN) == "300"


def test_the_entry_dialog_stores_figures_and_the_assessment(
    section: ReportsSection, services: Services, qtbot
) -> None:
    qtbot.mouseClick(section.entry_button, Qt.MouseButton.LeftButton)
    dialog = section.dialog
    assert isinstance(dialog, ManualEntryDialog)
    codes = [f.spec.code for f in dialog.figures]
    assert {"TC.HP.NOP", "CT.SUAT_QUA", "HM.TON_VINH", "KT.CAP"} <= set(codes)
    kt = next(f for f in dialog.figures if f.spec.code == "KT.CAP")
    qtbot.keyClicks(kt.edit, "12a")
    assert kt.hint.isVisible()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and services.reports.manual_values("2026-03") == {}
    kt.edit.clear()
    qtbot.keyClicks(kt.edit, "12")
    dialog.texts["ND.DANH_GIA"].setPlainText("Hoàn thành tốt các chỉ tiêu tháng.")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert services.reports.manual_values("2026-03") == {"KT.CAP": 12}
    report = services.reports.report("2026-03")
    assert report.narrative[0].text == "Hoàn thành tốt các chỉ tiêu tháng."
    assert cell(section, "KT.CAP", CURRENT) == "12"


def test_closing_the_month_then_reopening_needs_a_reason(
    section: ReportsSection, services: Services, qtbot
) -> None:
    assert section.close_button.isVisible() and not section.reopen_button.isVisible()
    qtbot.mouseClick(section.close_button, Qt.MouseButton.LeftButton)
    box = section.confirm
    assert box is not None and box.isVisible() and box.text() == "Chốt số liệu tháng 03/2026?"
    cancel = next(b for b in box.buttons() if b.text() == "Bỏ qua")
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    assert not services.reports.period_status("2026-03").closed

    qtbot.mouseClick(section.close_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(section.close_confirm_button, Qt.MouseButton.LeftButton)
    status = services.reports.period_status("2026-03")
    assert status.closed and status.closed_by == "test-officer"
    assert section.status.text().startswith("Tháng 03/2026 đã chốt số liệu — test-officer, ")
    assert not section.close_button.isVisible() and section.reopen_button.isVisible()
    assert not section.entry_button.isEnabled()
    assert not section.model.flags(index_of(section, "TC.HP.NOP", CURRENT)) & Qt.ItemFlag.ItemIsEditable

    qtbot.mouseClick(section.reopen_button, Qt.MouseButton.LeftButton)
    dialog = section.reason_dialog
    assert dialog is not None and dialog.isVisible() and dialog.confirm_button.text() == "Mở khóa"
    qtbot.mouseClick(dialog.confirm_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and dialog.hint.text() == "Hãy ghi lý do mở khóa."
    assert services.reports.period_status("2026-03").closed  # refused without a reason
    qtbot.keyClicks(dialog.reason, "Bo sung bien nhan bi sot")
    qtbot.mouseClick(dialog.confirm_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert not services.reports.period_status("2026-03").closed
    assert section.status.text() == "Tháng 03/2026 chưa chốt số liệu."
    assert section.close_button.isVisible() and section.entry_button.isEnabled()


def test_export_writes_the_report_workbook_with_its_number(
    section: ReportsSection, services: Services, donor: int, tmp_path: Path, qtbot
) -> None:
    give(services, donor, date(2026, 3, 10), 1_250_000)
    qtbot.mouseClick(section.export_button, Qt.MouseButton.LeftButton)
    dialog = section.dialog
    assert isinstance(dialog, ReportExportDialog) and dialog.windowTitle() == "Xuất báo cáo tháng 03/2026"
    qtbot.keyClicks(dialog.number, "5")
    assert dialog.number_shown.text() == "In trên báo cáo: Số: 05/BC-CTĐ"
    dialog.path.edit.setText(str(tmp_path / "khong-co" / "bc.xlsx"))
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and "không tồn tại" in dialog.hint.text()

    dialog.path.edit.setText(str(tmp_path / "bao-cao-thang-3"))
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted
    out = tmp_path / "bao-cao-thang-3.xlsx"
    sheet = load_workbook(out).worksheets[0]
    texts = {str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None}
    assert {"BÁO CÁO", "KẾT QUẢ CÔNG TÁC HỘI THÁNG 03/2026", "Số: 05/BC-CTĐ"} <= texts
    assert 1_250_000 in {c.value for row in sheet.iter_rows() for c in row}
    notice = section.notice
    assert notice is not None and notice.isVisible() and notice.text() == "Đã xuất báo cáo tháng 03/2026."
    assert {b.text() for b in notice.buttons()} == {"Mở thư mục", "Đóng"}
    notice.close()


def test_disclosure_of_a_campaign_is_written(
    section: ReportsSection, services: Services, donor: int, tmp_path: Path, qtbot
) -> None:
    flood = services.campaigns.create(
        CampaignInput(
            code="LULUT", name="Ủng hộ đồng bào lũ lụt", kind="disaster", start_date=date(2026, 3, 1)
        )
    ).id
    give(services, donor, date(2026, 3, 12), 2_000_000, flood)
    qtbot.mouseClick(section.disclosure_button, Qt.MouseButton.LeftButton)
    dialog = section.dialog
    assert isinstance(dialog, DisclosureDialog)
    assert dialog.target() == "2026-03"
    dialog.path.edit.setText(str(tmp_path / "x.xlsx"))  # typed by hand: kept when the scope changes
    dialog.path.edited = False  # … unless the officer has not typed one
    dialog.by_campaign.setChecked(True)
    assert dialog.target() == flood and dialog.path.path() == tmp_path / "Bang-cong-khai-LULUT.xlsx"
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted
    sheet = load_workbook(tmp_path / "Bang-cong-khai-LULUT.xlsx").worksheets[0]
    texts = {str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None}
    assert "BẢNG CÔNG KHAI" in texts and "Đợt vận động: Ủng hộ đồng bào lũ lụt" in texts
    assert "Nguyễn Văn Đức" in texts
    assert section.notice is not None and section.notice.text() == "Đã lập bảng công khai."
    section.notice.close()
