# SPDX-License-Identifier: MIT
"""The Đồng bộ section over real services: a commune exports its signed bundle with the key's
passphrase and checks a bundle; a province store imports that bundle (drop, dry run, import) and
sees the commune on its board."""

from __future__ import annotations

import shutil
import warnings
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from redcross_desktop.bootstrap import init_store
from redcross_desktop.core.paths import AppPaths
from redcross_desktop.services.container import Services
from redcross_desktop.services.donations import DonationInput
from redcross_desktop.services.province.trust import TrustService
from redcross_desktop.ui.dialogs.passphrase_prompt import PassphrasePrompt
from redcross_desktop.ui.sections.sync import SyncSection
from redcross_desktop.ui.sections.sync_province import RegisterKeyDialog
from redcross_desktop.ui.tasks import InlineTaskRunner

PASS = "mat-khau-chi-hoi"
PERIOD = "2026-02"


def donate(services: Services, day: int, cash: int) -> None:
    services.donations.record(
        DonationInput(received_on=date(2026, 2, day), cash_vnd=cash, donor_display="Hòm quyên góp")
    )


def make_section(qtbot, services: Services, paths: AppPaths | None = None) -> SyncSection:
    widget = SyncSection(services, InlineTaskRunner(), paths=paths)
    qtbot.addWidget(widget)
    widget.resize(1280, 700)
    with qtbot.waitExposed(widget):
        widget.show()
    return widget


def open_export_prompt(section: SyncSection, qtbot, out: Path) -> PassphrasePrompt:
    tab = section.export
    tab.period.set_period(2026, 2)
    tab.path.edit.setText(str(out))
    qtbot.mouseClick(tab.export_button, Qt.MouseButton.LeftButton)
    prompt = tab.prompt
    assert prompt is not None and prompt.isVisible()
    return prompt


def test_export_with_a_new_key_writes_a_bundle_that_verifies(
    services: Services, qtbot, tmp_path: Path
) -> None:
    donate(services, 3, 500_000)
    donate(services, 9, 1_200_000)
    section = make_section(qtbot, services)
    assert [section.tabs.tabText(i) for i in range(section.tabs.count())] == [
        "Xuất gói dữ liệu",
        "Khóa ký",
        "Kiểm tra gói",
    ]
    assert section.export.period.period() == "2026-10"  # last month by default
    out = tmp_path / "goi.xlsx"
    prompt = open_export_prompt(section, qtbot, out)
    assert prompt.create_key and prompt.new_fields is not None  # no key yet: set it twice
    qtbot.keyClicks(prompt.new_fields.first, PASS)
    qtbot.keyClicks(prompt.new_fields.second, PASS)
    qtbot.mouseClick(prompt.confirm_button, Qt.MouseButton.LeftButton)

    assert out.is_file()
    assert services.bundles.verify(out).ok
    result = section.export.last_result
    assert result is not None and result.seq == 1 and result.rows["donations"] == 2
    text = section.export.result.text()
    assert "Đã xuất gói số 1 kỳ 02/2026" in text and result.fingerprint in text
    assert section.export.result_card.isVisible() and section.export.open_button.isVisible()
    assert [r.seq for r in section.export.history.rows()] == [1]
    assert section.export.history.model_.data(section.export.history.model_.index(0, 1)) == "02/2026"
    # The next suggested name carries the next bundle number.
    assert section.export.path.path() is not None
    assert section.export.path.path().name == "CTD_01-00070_2026-02_00002.xlsx"

    section.tabs.setCurrentWidget(section.key)
    key = services.keys.require()
    assert section.key.fingerprint.text() == key.fingerprint
    assert section.key.qr_text.text().startswith("VNRCKEY1:01-00070:")


def test_a_wrong_passphrase_writes_nothing_and_says_so(services: Services, qtbot, tmp_path: Path) -> None:
    donate(services, 3, 500_000)
    services.keys.create(PASS)
    section = make_section(qtbot, services)
    folder = tmp_path / "usb"
    folder.mkdir()
    out = folder / "goi.xlsx"
    prompt = open_export_prompt(section, qtbot, out)
    assert not prompt.create_key
    qtbot.keyClicks(prompt.passphrase, "mat-khau-sai")
    qtbot.mouseClick(prompt.confirm_button, Qt.MouseButton.LeftButton)
    assert prompt.isVisible() and "Mật khẩu chưa đúng" in prompt.hint.text()
    assert list(folder.iterdir()) == []  # not even a temporary file
    assert services.bundles.history() == [] and section.export.last_result is None

    prompt.passphrase.clear()
    qtbot.keyClicks(prompt.passphrase, PASS)
    qtbot.keyClick(prompt.passphrase, Qt.Key.Key_Return)
    assert out.is_file() and section.export.last_result is not None
    assert section.export.last_result.seq == 1  # the wrong try took no number


def test_key_file_export_and_a_tampered_bundle_is_located(services: Services, qtbot, tmp_path: Path) -> None:
    donate(services, 3, 500_000)
    services.keys.create(PASS)
    bundle = tmp_path / "goi.xlsx"
    services.bundles.export(PERIOD, bundle, PASS)
    section = make_section(qtbot, services)

    section.tabs.setCurrentWidget(section.key)
    key_file = tmp_path / "KHOA.xlsx"
    section.key.path.edit.setText(str(key_file))
    qtbot.mouseClick(section.key.export_button, Qt.MouseButton.LeftButton)
    assert section.key.prompt is not None
    qtbot.keyClicks(section.key.prompt.passphrase, PASS)
    qtbot.mouseClick(section.key.prompt.confirm_button, Qt.MouseButton.LeftButton)
    assert key_file.is_file() and services.keys.require().fingerprint in section.key.result.text()

    section.tabs.setCurrentWidget(section.verify)
    verify = section.verify
    verify.bundle.edit.setText(str(bundle))
    verify.key.edit.setText(str(key_file))
    qtbot.mouseClick(verify.check_button, Qt.MouseButton.LeftButton)
    assert verify.last_result is not None and verify.last_result.ok and verify.last_result.authenticated
    assert "HỢP LỆ" in verify.details.toPlainText() and verify.verdict.kind == "info"

    book = load_workbook(bundle)
    changed = [cell for row in book["Quyên góp"].iter_rows() for cell in row if cell.value == 500_000]
    assert len(changed) == 1
    changed[0].value = 900_000
    book.save(bundle)
    qtbot.mouseClick(verify.check_button, Qt.MouseButton.LeftButton)
    assert verify.last_result is not None and verify.last_result.code == "CONTENT_MISMATCH"
    text = verify.details.toPlainText()
    assert "KHÔNG HỢP LỆ [CONTENT_MISMATCH]" in text
    assert f"Quyên góp dòng {changed[0].row}: bị sửa" in text
    assert verify.verdict.kind == "error"


def test_verify_asks_for_a_file_first(services: Services, qtbot) -> None:
    section = make_section(qtbot, services)
    section.tabs.setCurrentWidget(section.verify)
    qtbot.mouseClick(section.verify.check_button, Qt.MouseButton.LeftButton)
    assert section.verify.verdict.isVisible() and "Hãy chọn tệp gói" in section.verify.verdict.text()


# ---------------------------------------------------------------- province


@pytest.fixture
def province(tmp_path: Path, migrated_template: Path) -> Iterator[tuple[Services, AppPaths]]:
    paths = AppPaths.under(tmp_path / "tinh").ensure()
    shutil.copy(migrated_template, paths.database)
    services = init_store(
        paths.database, paths, province="01", commune=None, mode="province", actor="province-officer"
    )
    yield services, paths
    services.close()


def drag_files(widget, files: list[Path]) -> bool:
    """Drags the files over `widget` then drops them, as a file manager does; True if the drag was
    accepted (Qt delivers a drop only to the widget that accepted the drag)."""
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(f)) for f in files])
    buttons, modifiers = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    with warnings.catch_warnings():  # Qt 6 keeps the QPoint constructor of a drag event only
        warnings.simplefilter("ignore", DeprecationWarning)
        enter = QDragEnterEvent(QPoint(20, 20), Qt.DropAction.CopyAction, data, buttons, modifiers)
    QApplication.sendEvent(widget, enter)
    if not enter.isAccepted():
        return False
    drop = QDropEvent(QPointF(20, 20), Qt.DropAction.CopyAction, data, buttons, modifiers)
    QApplication.sendEvent(widget, drop)
    return True


def test_province_imports_a_commune_bundle_and_the_board_shows_it(
    services: Services, province: tuple[Services, AppPaths], qtbot, tmp_path: Path
) -> None:
    prov, prov_paths = province
    donate(services, 3, 500_000)
    key_file = tmp_path / "KHOA.xlsx"
    services.bundles.export_key_file(key_file, PASS)
    bundle = tmp_path / "CTD_01-00070_2026-02_00001.xlsx"
    services.bundles.export(PERIOD, bundle, PASS)
    TrustService(prov.ctx).register_key(key_file, "01-00070", services.keys.require().fingerprint)

    section = make_section(qtbot, prov, prov_paths)
    assert [section.tabs.tabText(i) for i in range(section.tabs.count())] == [
        "Nhập gói",
        "Tạm giữ",
        "Xung đột",
        "Khóa các xã",
        "Theo dõi nộp báo cáo",
        "Báo cáo tổng hợp",
    ]
    tab = section.import_tab
    assert not tab.preview_button.isEnabled() and not tab.commit_button.isEnabled()
    notes = tmp_path / "notes.txt"
    notes.write_text("không phải gói", encoding="utf-8")
    assert not drag_files(tab.table.viewport(), [notes])
    assert drag_files(tab.table.viewport(), [bundle, notes])
    assert [i.path for i in tab.items] == [bundle]
    assert tab.add_files([bundle]) == 0  # listed once

    qtbot.mouseClick(tab.preview_button, Qt.MouseButton.LeftButton)
    item = tab.items[0]
    assert item.report is not None and item.report.status == "previewed" and item.report.result == "OK"
    assert item.report.total["imported"] >= 1 and tab.commit_button.isEnabled()
    model = tab.table.model_
    assert model.data(model.index(0, 4)) == "Đã chạy thử" and model.data(model.index(0, 5)) == "Đạt"
    assert "XEM TRƯỚC" in tab.details.toPlainText()
    assert TrustService(prov.ctx).list_keys()[0].last_seq == 0  # the dry run wrote nothing

    qtbot.mouseClick(tab.commit_button, Qt.MouseButton.LeftButton)
    item = tab.items[0]
    assert item.report is not None and item.report.status == "committed"
    assert model.data(model.index(0, 4)) == "Đã nhập" and not tab.commit_button.isEnabled()
    assert (prov_paths.data_dir / "bundle-archive").is_dir()

    section.tabs.setCurrentWidget(section.board)
    section.board.period.set_period(2026, 2)
    dto = section.board.dto
    assert dto is not None and dto.period == PERIOD
    row = next(r for r in dto.rows if r.branch_code == "01-00070")
    assert row.reported and row.last_seq == 1
    assert "Đã nộp 1/1" in section.board.summary.text()

    section.tabs.setCurrentWidget(section.keys)
    assert [k.branch_code for k in section.keys.table.rows()] == ["01-00070"]

    section.tabs.setCurrentWidget(section.consolidated)
    section.consolidated.period.set_period(2026, 2)
    report = section.consolidated.report
    assert report is not None and report.period == PERIOD
    assert section.consolidated.summary.text().startswith("Đã có số liệu của 1/")
    out = tmp_path / "tong-hop.xlsx"
    section.consolidated.export(out)
    assert out.is_file()


def test_register_key_dialog_refuses_a_wrong_fingerprint(
    services: Services, province: tuple[Services, AppPaths], qtbot, tmp_path: Path
) -> None:
    prov, prov_paths = province
    key_file = tmp_path / "KHOA.xlsx"
    services.bundles.export_key_file(key_file, PASS)
    section = make_section(qtbot, prov, prov_paths)
    section.tabs.setCurrentWidget(section.keys)
    qtbot.mouseClick(section.keys.register_button, Qt.MouseButton.LeftButton)
    dialog = section.keys.dialog
    assert isinstance(dialog, RegisterKeyDialog) and dialog.isVisible()
    dialog.file.edit.setText(str(key_file))
    assert dialog.branch.text() == "01-00070" and "01-00070" in dialog.info.text()
    fingerprint = services.keys.require().fingerprint
    assert fingerprint not in dialog.info.text()  # typed from the form, never copied from the file
    qtbot.keyClicks(dialog.fingerprint, "12345 12345 12345 12345 / 12345 12345 12345 12345")
    qtbot.mouseClick(dialog.confirm_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and "Mã vân tay không khớp" in dialog.hint.text()
    assert TrustService(prov.ctx).list_keys() == []

    dialog.fingerprint.clear()
    qtbot.keyClicks(dialog.fingerprint, fingerprint)
    qtbot.mouseClick(dialog.confirm_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    assert [k.status for k in section.keys.table.rows()] == ["active"]
    assert section.keys.table.current() is not None and section.keys.revoke_button.isEnabled()
