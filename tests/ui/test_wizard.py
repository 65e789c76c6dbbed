# SPDX-License-Identifier: MIT
"""The first-run wizard over a real empty store: language, level, area by accent-free typing,
details, the signing key's passphrase, the fingerprint; the demo choice; and `app.build()` showing
the wizard on a store without a branch."""

from __future__ import annotations

import gc
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget, QWizard

from redcross_desktop.app import StartupAborted, build, startup_of
from redcross_desktop.bootstrap import open_store
from redcross_desktop.core.i18n import set_language
from redcross_desktop.core.paths import AppPaths
from redcross_desktop.services.container import Services
from redcross_desktop.ui.main_window import MainWindow
from redcross_desktop.ui.state import UiState
from redcross_desktop.ui.tasks import InlineTaskRunner
from redcross_desktop.ui.wizard import FirstRunWizard

NEXT = QWizard.WizardButton.NextButton
COMMIT = QWizard.WizardButton.CommitButton
FINISH = QWizard.WizardButton.FinishButton
CANCEL = QWizard.WizardButton.CancelButton


@pytest.fixture(autouse=True)
def vietnamese_again() -> Iterator[None]:
    """The wizard switches the process's language; every test leaves it Vietnamese."""
    yield
    set_language("vi")


def type_into(qtbot, edit: QWidget, text: str) -> None:
    """Types like a user; a Vietnamese letter arrives as a key event carrying its text (as from Unikey)."""
    for chunk in re.findall(r"[\x20-\x7e]+|[^\x20-\x7e]", text):
        if chunk.isascii():
            qtbot.keyClicks(edit, chunk)
        else:
            for action in (QTest.KeyAction.Press, QTest.KeyAction.Release):
                QTest.sendKeyEvent(action, edit, Qt.Key.Key_unknown, chunk, Qt.KeyboardModifier.NoModifier)


@pytest.fixture
def wizard(qtbot, empty_store: Path, paths: AppPaths) -> Iterator[FirstRunWizard]:
    made = FirstRunWizard(empty_store, paths, InlineTaskRunner(), state=UiState.for_paths(paths))
    qtbot.addWidget(made)
    with qtbot.waitExposed(made):
        made.show()
    yield made
    if made.services is not None:
        made.services.close()
    # Collected here, on the GUI thread: a wizard left in a reference cycle could otherwise be
    # destroyed by a collection that happens to run on a worker thread of a later test.
    gc.collect()


def click_radio(qtbot, radio: QWidget) -> None:
    """On the indicator: a wide radio button only reacts to clicks on its circle and its text."""
    qtbot.mouseClick(radio, Qt.MouseButton.LeftButton, pos=QPoint(8, radio.height() // 2))


def click(qtbot, wizard: QWizard, which: QWizard.WizardButton) -> None:
    button = wizard.button(which)
    assert button.isVisible() and button.isEnabled(), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def to_area_page(qtbot, wizard: FirstRunWizard, *, province_mode: bool = False) -> None:
    assert wizard.currentPage() is wizard.language_page
    click(qtbot, wizard, NEXT)
    assert wizard.currentPage() is wizard.mode_page
    if province_mode:
        click_radio(qtbot, wizard.mode_page.province)
    click(qtbot, wizard, NEXT)
    assert wizard.currentPage() is wizard.area_page


def test_the_wizard_creates_a_commune_branch_with_its_signing_key(
    qtbot, wizard: FirstRunWizard, empty_store: Path, paths: AppPaths
) -> None:
    assert wizard.button(NEXT).text() == "Tiếp theo"
    assert wizard.button(CANCEL).text() == "Thoát"
    to_area_page(qtbot, wizard)
    page = wizard.area_page
    assert page.commune_box.isVisible()
    assert not wizard.button(NEXT).isEnabled()

    qtbot.keyClicks(page.province.search, "ha noi")
    assert page.province.area is not None and page.province.area.name == "Thành phố Hà Nội"
    assert page.province.choice.text() == "Đã chọn: Thành phố Hà Nội"
    assert not wizard.button(NEXT).isEnabled()  # a commune branch needs its commune
    qtbot.keyClicks(page.commune.search, "hoan kiem")
    assert page.commune.area is not None
    assert (page.commune.area.code, page.commune.area.name) == ("00070", "Phường Hoàn Kiếm")
    click(qtbot, wizard, NEXT)

    details = wizard.details_page
    assert wizard.currentPage() is details
    assert details.edits["name"].text() == "Hội Chữ thập đỏ phường Hoàn Kiếm"
    type_into(qtbot, details.edits["chair_name"], "Nguyễn Thị Hoa")
    type_into(qtbot, details.edits["officer_name"], "Trần Văn Nam")
    type_into(qtbot, details.edits["address"], "Số 1 phố Lý Thái Tổ")
    qtbot.keyClicks(details.edits["phone"], "0243")
    assert not wizard.button(NEXT).isEnabled()  # a phone number that cannot be right
    assert details.phone_hint.isVisible()
    qtbot.keyClicks(details.edits["phone"], "8250000")
    assert not details.phone_hint.isVisible()
    click(qtbot, wizard, NEXT)

    key = wizard.key_page
    assert wizard.currentPage() is key
    commit = wizard.button(COMMIT)
    assert commit.text() == "Tạo chi hội"
    qtbot.keyClicks(key.fields.first, "ngay-mai-nang")
    qtbot.keyClicks(key.fields.second, "ngay-mai-mua")
    assert not commit.isEnabled()  # the two passphrases differ
    assert key.fields.hint.text() == "Hai lần nhập chưa giống nhau. Hãy gõ lại ô thứ hai."
    assert open_store_has_no_branch(empty_store, paths)
    key.fields.second.clear()
    qtbot.keyClicks(key.fields.second, "ngay-mai-nang")
    assert commit.isEnabled()
    qtbot.mouseClick(commit, Qt.MouseButton.LeftButton)

    assert wizard.currentPage() is wizard.done_page
    services = wizard.services
    assert services is not None and wizard.key is not None
    shown = wizard.done_page.fingerprint.text()
    assert re.fullmatch(r"\d{5} \d{5} \d{5} \d{5} / \d{5} \d{5} \d{5} \d{5}", shown)
    assert shown == wizard.key.fingerprint
    assert "phiếu đăng ký" in wizard.done_page.note.text()
    assert key.fields.first.text() == ""  # the passphrase is not kept around
    click(qtbot, wizard, FINISH)
    assert wizard.result() == QWizard.DialogCode.Accepted
    assert not wizard.demo_chosen

    reopened = open_store(empty_store, paths)
    try:
        branch = reopened.branch
        assert (branch.branch_code, branch.mode, branch.name) == (
            "01-00070",
            "commune",
            "Hội Chữ thập đỏ phường Hoàn Kiếm",
        )
        assert (branch.chair_name, branch.officer_name, branch.address, branch.phone) == (
            "Nguyễn Thị Hoa",
            "Trần Văn Nam",
            "Số 1 phố Lý Thái Tổ",
            "02438250000",
        )
        stored_key = reopened.keys.show()
        assert stored_key is not None and stored_key.fingerprint == shown
        reopened.keys.unlock("ngay-mai-nang")  # the key is protected by the passphrase typed
    finally:
        reopened.close()
    assert UiState.for_paths(paths).language() == "vi"


def open_store_has_no_branch(db: Path, paths: AppPaths) -> bool:
    from redcross_desktop.core.errors import NoBranchError

    try:
        open_store(db, paths).close()
    except NoBranchError:
        return True
    return False


def test_a_short_passphrase_is_refused_as_it_is_typed(qtbot, wizard: FirstRunWizard) -> None:
    to_area_page(qtbot, wizard)
    qtbot.keyClicks(wizard.area_page.province.search, "ha noi")
    qtbot.keyClicks(wizard.area_page.commune.search, "hoan kiem")
    click(qtbot, wizard, NEXT)
    click(qtbot, wizard, NEXT)
    fields = wizard.key_page.fields
    qtbot.keyClicks(fields.first, "1234567")
    qtbot.keyClicks(fields.second, "1234567")
    assert fields.hint.text() == "Mật khẩu cần ít nhất 8 ký tự (đã gõ 7)."
    assert not wizard.button(COMMIT).isEnabled()
    qtbot.keyClicks(fields.first, "8")
    qtbot.keyClicks(fields.second, "8")
    assert fields.hint.text() == "Hai lần nhập giống nhau."
    assert wizard.button(COMMIT).isEnabled()


def test_keyboard_moves_through_the_matches_and_a_new_province_lists_its_communes(
    qtbot, wizard: FirstRunWizard
) -> None:
    to_area_page(qtbot, wizard)
    province = wizard.area_page.province
    qtbot.keyClicks(province.search, "thanh pho")
    first = province.area
    assert first is not None and first.name.startswith("Thành phố")
    qtbot.keyClick(province.search, Qt.Key.Key_Down)
    assert province.area is not None and province.area != first and province.area.name.startswith("Thành phố")
    province.search.clear()
    qtbot.keyClicks(province.search, "79")  # by code: Hồ Chí Minh
    assert province.area is not None and province.area.name == "Thành phố Hồ Chí Minh"
    commune = wizard.area_page.commune
    qtbot.keyClicks(commune.search, "ben thanh")
    assert commune.area is not None and commune.area.name == "Phường Bến Thành"
    assert commune.area.province_code == "79"


def test_a_province_branch_needs_no_commune(
    qtbot, wizard: FirstRunWizard, empty_store: Path, paths: AppPaths
) -> None:
    to_area_page(qtbot, wizard, province_mode=True)
    assert not wizard.area_page.commune_box.isVisible()
    qtbot.keyClicks(wizard.area_page.province.search, "hue")
    assert wizard.area_page.province.area is not None
    assert wizard.area_page.province.area.name == "Thành phố Huế"
    click(qtbot, wizard, NEXT)
    assert wizard.details_page.edits["name"].text() == "Hội Chữ thập đỏ thành phố Huế"
    click(qtbot, wizard, NEXT)
    qtbot.keyClicks(wizard.key_page.fields.first, "mat-khau-tinh")
    qtbot.keyClicks(wizard.key_page.fields.second, "mat-khau-tinh")
    click(qtbot, wizard, COMMIT)
    assert wizard.services is not None
    branch = wizard.services.branch
    assert (branch.mode, branch.province_name, branch.commune_code) == ("province", "Thành phố Huế", None)
    assert branch.branch_code == wizard.area_page.province.area.code


def test_the_demo_branch_can_be_chosen_on_the_first_page(
    qtbot, wizard: FirstRunWizard, empty_store: Path, paths: AppPaths
) -> None:
    assert wizard.language_page.demo_button.text() == "Mở chi hội mẫu"
    qtbot.mouseClick(wizard.language_page.demo_button, Qt.MouseButton.LeftButton)
    assert wizard.demo_chosen
    assert wizard.result() == QWizard.DialogCode.Accepted
    assert wizard.services is None
    assert open_store_has_no_branch(empty_store, paths)


def test_choosing_english_translates_the_wizard_at_once_and_is_remembered(
    qtbot, wizard: FirstRunWizard, paths: AppPaths
) -> None:
    click_radio(qtbot, wizard.language_page.radios["en"])
    assert wizard.button(NEXT).text() == "Next"
    assert wizard.language_page.demo_button.text() == "Open the demo branch"
    click(qtbot, wizard, NEXT)
    assert wizard.mode_page.commune.text().startswith("Commune")
    qtbot.mouseClick(wizard.language_page.demo_button, Qt.MouseButton.LeftButton)
    assert UiState.for_paths(paths).language() == "en"


def test_quitting_the_wizard_creates_nothing(
    qtbot, wizard: FirstRunWizard, empty_store: Path, paths: AppPaths
) -> None:
    click(qtbot, wizard, CANCEL)
    assert wizard.result() == QWizard.DialogCode.Rejected
    assert (wizard.services, wizard.demo_chosen) == (None, False)
    assert open_store_has_no_branch(empty_store, paths)
    assert UiState.for_paths(paths).language() is None


# ---- app.build() on a store without a branch ---------------------------------------------------


def when_wizard_shows(act: Callable[[FirstRunWizard], None]) -> None:
    """Runs `act` on the wizard that build() shows modally (it blocks in exec())."""

    def check() -> None:
        wizard = QApplication.activeModalWidget()
        if isinstance(wizard, FirstRunWizard):
            act(wizard)
        else:
            QTimer.singleShot(20, check)  # not shown yet

    QTimer.singleShot(0, check)


def test_build_shows_the_wizard_first_for_a_missing_store_and_quitting_it_stops_startup(
    qtbot, app_data: AppPaths, paths: AppPaths
) -> None:
    seen: list[str] = []

    def quit_wizard(wizard: FirstRunWizard) -> None:
        seen.append(wizard.windowTitle())
        wizard.button(CANCEL).click()

    when_wizard_shows(quit_wizard)
    missing = paths.data_dir / "new-branch.sqlite3"  # a first run: decided without opening anything
    with pytest.raises(StartupAborted) as aborted:
        build(["--db", str(missing)])
    assert aborted.value.exit_code == 1
    assert seen == ["Khởi tạo chi hội"]
    assert not missing.exists()


def test_the_wizard_comes_over_the_window_for_a_store_without_a_branch_and_quitting_it_stops_startup(
    qtbot, app_data: AppPaths, empty_store: Path
) -> None:
    seen: list[tuple[str, bool]] = []
    _app, window = build(["--db", str(empty_store)])  # the file exists: only opening it tells
    startup = startup_of(window)
    assert startup is not None

    def quit_wizard(wizard: FirstRunWizard) -> None:
        seen.append((wizard.windowTitle(), window.isVisible()))
        wizard.button(CANCEL).click()

    when_wizard_shows(quit_wizard)
    try:
        window.show()
        qtbot.waitUntil(lambda: startup.exit_code is not None)
        assert startup.exit_code == 1
        assert seen == [("Khởi tạo chi hội", True)]
        assert not window.isVisible() and window.services is None
    finally:
        window.close()
        shiboken6.delete(window)


def test_build_creates_the_branch_through_the_wizard_on_the_writer_thread(
    qtbot, app_data: AppPaths, empty_store: Path
) -> None:
    def fill(wizard: FirstRunWizard) -> None:
        wizard.next()
        wizard.next()
        wizard.area_page.province.search.setText("ha noi")
        wizard.area_page.commune.search.setText("hoan kiem")
        wizard.next()
        wizard.details_page.edits["chair_name"].setText("Nguyễn Thị Hoa")
        wizard.next()
        wizard.key_page.fields.first.setText("mat-khau-chi-hoi")
        wizard.key_page.fields.second.setText("mat-khau-chi-hoi")
        wizard.button(COMMIT).click()  # the store is created on the writer thread

        def finish() -> None:
            if wizard.currentPage() is wizard.done_page:
                wizard.button(FINISH).click()
            else:
                QTimer.singleShot(20, finish)

        finish()

    when_wizard_shows(fill)
    _app, window = build(["--db", str(empty_store)])
    try:
        window.show()  # the store opens, has no branch, and the wizard comes over the window
        qtbot.waitUntil(lambda: window.services is not None, timeout=20_000)
        assert isinstance(window, MainWindow)
        assert window.services.branch.branch_code == "01-00070"
        assert window.services.branch.chair_name == "Nguyễn Thị Hoa"
        assert window.services.keys.show() is not None
    finally:
        window.close()
        window.services.close()
        shiboken6.delete(window)


def test_build_opens_in_the_language_saved_in_settings(
    qtbot, app_data: AppPaths, services: Services, paths: AppPaths
) -> None:
    UiState.for_paths(app_data).set_language("en")
    _app, window = build(["--db", str(paths.database)])
    try:
        assert window.sidebar.item(0).text() == "Overview"
        assert window.windowTitle() == "Red Cross branch management software"  # before the store is open
        window.show()
        qtbot.waitUntil(lambda: window.services is not None)
        assert window.windowTitle().endswith("— Red Cross management software")
    finally:
        window.close()
        if window.services is not None:
            window.services.close()
        shiboken6.delete(window)
    _app, window = build(["--db", str(paths.database), "--lang", "vi"])  # the command line wins
    try:
        assert window.sidebar.item(0).text() == "Tổng quan"
    finally:
        window.close()
        shiboken6.delete(window)
