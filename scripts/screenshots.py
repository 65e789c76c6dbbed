# SPDX-License-Identifier: MIT
"""Renders every section of the main window at 1366×768, offscreen, on a throwaway store.

    uv run python scripts/screenshots.py [--lang vi|en] [--out out/screenshots]

Writes `<n>-<section>.png`, plus the people search and the person dialog with its field hints, so
clipping and layout can be checked by eye (and in review) without a display.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from datetime import date
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before Qt loads

import screens_donations  # noqa: E402 - beside this script
import screens_field_work  # noqa: E402 - beside this script
import screens_setup  # noqa: E402 - beside this script
import screenshots_reports  # noqa: E402 - beside this script
from PySide6.QtCore import QCoreApplication, Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from redcross_desktop.bootstrap import init_store  # noqa: E402
from redcross_desktop.core.i18n import set_language  # noqa: E402
from redcross_desktop.core.paths import AppPaths  # noqa: E402
from redcross_desktop.services.people import PersonInput  # noqa: E402
from redcross_desktop.ui.main_window import SECTIONS, MainWindow  # noqa: E402
from redcross_desktop.ui.sections.people import PeopleSection  # noqa: E402
from redcross_desktop.ui.style import app_icon, apply_style  # noqa: E402
from redcross_desktop.ui.tasks import InlineTaskRunner  # noqa: E402

SIZE = (1366, 768)

PEOPLE = [
    PersonInput("Nguyễn Văn Đức", sex="M", birth_date=date(1980, 3, 5), phone="0912345678", thon="Tổ 1"),
    PersonInput("Lê Thị Bình", sex="F", birth_year=1956, phone="0987654321", thon="Tổ 3"),
    PersonInput("Trần Văn Bình", sex="M", birth_date=date(1992, 11, 20), thon="Tổ 3"),
    PersonInput("Nguyễn Văn An", sex="M", birth_date=date(2001, 1, 9), phone="0345678901", thon="Tổ 2"),
    PersonInput(
        "Phạm Thị Hồng Nhung", sex="F", birth_date=date(1988, 7, 14), phone="0901234567", thon="Tổ 5"
    ),
    PersonInput("Hoàng Minh Tuấn", sex="M", birth_year=1975, thon="Tổ 4"),
    PersonInput("Vũ Thị Thu Hà", sex="F", birth_date=date(1969, 9, 2), phone="0978111222", thon="Tổ 1"),
    PersonInput("Đặng Quốc Việt", sex="M", birth_date=date(1995, 4, 30), phone="0868333444", thon="Tổ 6"),
    PersonInput("Bùi Thị Mai", sex="F", birth_year=1948, thon="Tổ 2"),
    PersonInput("Đỗ Văn Hùng", sex="M", birth_date=date(1983, 12, 1), phone="0399555666", thon="Tổ 7"),
    PersonInput("Ngô Thị Lan Anh", sex="F", birth_date=date(2004, 6, 18), phone="0356777888", thon="Tổ 5"),
    PersonInput(
        "Công ty TNHH Thương mại Hoàn Kiếm",
        is_organisation=True,
        phone="02438251234",
        address="Số 12 phố Hàng Bài",
    ),
    PersonInput("Dương Văn Khánh", sex="M", birth_date=date(1979, 8, 8), thon="Tổ 8"),
    PersonInput("Lý Thị Ngọc Hân", sex="F", birth_date=date(1990, 2, 28), phone="0833999000", thon="Tổ 4"),
    PersonInput("Mai Xuân Trường", sex="M", birth_year=1962, phone="0707123456", thon="Tổ 6"),
    PersonInput("Trịnh Thị Yến", sex="F", birth_date=date(1999, 10, 10), thon="Tổ 7"),
]


def settle() -> None:
    for _ in range(3):
        QCoreApplication.processEvents()


def save(widget: QWidget, path: Path) -> Path:
    settle()
    if not widget.grab().save(str(path)):
        raise OSError(f"could not write {path}")
    print(path)
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lang", default="vi")
    parser.add_argument("--out", type=Path, default=Path("out/screenshots"))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)

    app = QApplication([])
    app.setWindowIcon(app_icon())
    apply_style(app)
    set_language(args.lang)
    with tempfile.TemporaryDirectory() as tmp:
        paths = AppPaths.under(Path(tmp)).ensure()
        services = init_store(
            paths.database,
            paths,
            province="01",
            commune="00070",
            actor="screenshots",
            chair_name="Nguyễn Thị Thu Hà",
            officer_name="Trần Minh Quân",
            address="Số 1 phố Lý Thái Tổ, phường Hoàn Kiếm, Hà Nội",
            phone="02438250000",
        )
        try:
            for person in PEOPLE:
                services.people.create(person)
            screens_donations.seed(services)
            screens_field_work.seed(services)
            window = MainWindow(services, InlineTaskRunner())
            window.resize(*SIZE)
            window.show()
            for number, spec in enumerate(SECTIONS, start=1):
                window.show_section(spec.key)
                save(window, args.out / f"{number:02d}-{spec.key}.png")

            people = window.show_section("people")
            assert isinstance(people, PeopleSection)
            people.search.setText("binh")
            people.search.returnPressed.emit()
            save(window, args.out / "02b-people-search.png")

            people.search.clear()
            people.search.returnPressed.emit()
            people.add_button.click()
            dialog = people.dialog
            assert dialog is not None
            dialog.full_name.setText("Lê Văn Tám")
            dialog.birth.setText("1990")
            dialog.cccd.setText("001085012345")  # disagrees with the year: an amber warning
            dialog.phone.setText("01234567890")  # an old 11-digit mobile: the new number is offered
            QTest.keyClick(dialog.thon, Qt.Key.Key_Tab)
            save(dialog, args.out / "02c-person-dialog.png")
            dialog.cccd.setText("0012")
            dialog.birth.setText("31/02/1990")
            save(dialog, args.out / "02d-person-dialog-errors.png")
            dialog.reject()
            screens_donations.shoot(window, args.out, save)
            screens_field_work.shoot(window, services, args.out, save)
            screenshots_reports.shoot(window, services, args.out, save, Path(tmp))
            screens_setup.shoot(window, services, args.out, save, Path(tmp))
            window.close()
        finally:
            services.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
