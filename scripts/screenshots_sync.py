# SPDX-License-Identifier: MIT
"""Renders the Đồng bộ section's tabs at 1366×768, offscreen, on throwaway stores: a commune that has
exported a bundle (and checked a tampered copy), and a province that has imported it.

    uv run python scripts/screenshots_sync.py [--out out/screenshots]
"""

from __future__ import annotations

import argparse
import os
import tempfile
from datetime import date
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before Qt loads

from openpyxl import load_workbook  # noqa: E402
from PySide6.QtCore import QCoreApplication  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from redcross_desktop.bootstrap import init_store  # noqa: E402
from redcross_desktop.core.i18n import set_language  # noqa: E402
from redcross_desktop.core.paths import AppPaths  # noqa: E402
from redcross_desktop.services.activities import ActivityInput  # noqa: E402
from redcross_desktop.services.donations import DonationInput  # noqa: E402
from redcross_desktop.services.province.trust import TrustService  # noqa: E402
from redcross_desktop.ui.main_window import MainWindow  # noqa: E402
from redcross_desktop.ui.sections.sync import SyncSection  # noqa: E402
from redcross_desktop.ui.style import apply_style  # noqa: E402
from redcross_desktop.ui.tasks import InlineTaskRunner  # noqa: E402

SIZE = (1366, 768)
PASS = "mat-khau-chi-hoi"


def save(widget: QWidget, path: Path) -> None:
    for _ in range(3):
        QCoreApplication.processEvents()
    if not widget.grab().save(str(path)):
        raise OSError(f"could not write {path}")
    print(path)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("out/screenshots"))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    apply_style(app)
    set_language("vi")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        commune_paths = AppPaths.under(root / "xa").ensure()
        commune = init_store(commune_paths.database, commune_paths, province="01", commune="00070")
        for day, cash in ((3, 500_000), (9, 1_200_000), (17, 2_000_000)):
            commune.donations.record(
                DonationInput(received_on=date(2026, 2, day), cash_vnd=cash, donor_display="Hòm quyên góp")
            )
        commune.activities.record(
            ActivityInput(
                type="first_aid", title="Tập huấn sơ cứu", start_date=date(2026, 2, 4), participants=25
            )
        )
        usb = root / "usb"
        usb.mkdir()
        key_file = usb / "KHOA_01-00070.xlsx"
        commune.bundles.export_key_file(key_file, PASS)

        window = MainWindow(commune, InlineTaskRunner(), paths=commune_paths)
        window.resize(*SIZE)
        window.show()
        section = window.show_section("sync")
        assert isinstance(section, SyncSection)
        export = section.export
        export.period.set_period(2026, 2)
        export.path.edit.setText(str(usb / "CTD_01-00070_2026-02_00001.xlsx"))
        export.export_button.click()
        assert export.prompt is not None
        export.prompt.passphrase.setText(PASS)
        save(export.prompt, args.out / "sync-1-export-prompt.png")
        export.prompt.confirm_button.click()
        save(window, args.out / "sync-2-export-done.png")
        section.tabs.setCurrentWidget(section.key)
        save(window, args.out / "sync-3-key.png")

        bundle = usb / "CTD_01-00070_2026-02_00001.xlsx"
        tampered = usb / "sua.xlsx"
        book = load_workbook(bundle)
        for row in book["Quyên góp"].iter_rows():
            for cell in row:
                if cell.value == 500_000:
                    cell.value = 900_000
        book.save(tampered)
        section.tabs.setCurrentWidget(section.verify)
        section.verify.bundle.edit.setText(str(tampered))
        section.verify.check_button.click()
        save(window, args.out / "sync-4-verify-tampered.png")
        window.close()

        province_paths = AppPaths.under(root / "tinh").ensure()
        province = init_store(
            province_paths.database, province_paths, province="01", commune=None, mode="province"
        )
        TrustService(province.ctx).register_key(key_file, "01-00070", commune.keys.require().fingerprint)
        window = MainWindow(province, InlineTaskRunner(), paths=province_paths)
        window.resize(*SIZE)
        window.show()
        section = window.show_section("sync")
        assert isinstance(section, SyncSection)
        section.import_tab.add_files([bundle, tampered])
        section.import_tab.preview_button.click()
        section.import_tab.table.selectRow(1)
        save(window, args.out / "sync-5-province-preview.png")
        section.import_tab.commit_button.click()
        section.import_tab.table.selectRow(0)
        save(window, args.out / "sync-6-province-imported.png")
        for name, page in (
            ("sync-7-province-quarantine.png", section.quarantine),
            ("sync-8-province-keys.png", section.keys),
        ):
            section.tabs.setCurrentWidget(page)
            save(window, args.out / name)
        section.tabs.setCurrentWidget(section.board)
        section.board.period.set_period(2026, 2)
        save(window, args.out / "sync-9-province-board.png")
        section.tabs.setCurrentWidget(section.consolidated)
        section.consolidated.period.set_period(2026, 2)
        save(window, args.out / "sync-10-province-report.png")
        window.close()
        commune.close()
        province.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
