# SPDX-License-Identifier: MIT
"""Đồng bộ: at a commune, the signed bundle for the province, the signing key and the check of a
bundle (`sync_commune.py`); at the province, importing the communes' bundles, quarantine decisions,
the communes' keys, the completeness board and the consolidated report (`sync_import.py`,
`sync_province.py`), and version conflicts (`sync_conflicts.py`). Qt is imported here."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from ...core.i18n import _
from ...core.paths import AppPaths
from ...services.container import Services
from ...services.province.completeness import CompletenessService
from ...services.province.conflicts import ProvinceConflictService
from ...services.province.consolidation import ConsolidationService
from ...services.province.importer import ProvinceImportService
from ...services.province.trust import TrustService
from ..style import muted_label, title_label
from ..tasks import Runner
from .sync_commune import ExportTab, KeyTab, VerifyTab
from .sync_conflicts import ConflictsTab
from .sync_import import ImportTab, QuarantineTab
from .sync_province import BoardTab, ConsolidatedTab, KeysTab

ARCHIVE_FOLDER = "bundle-archive"


def archive_dir(services: Services, paths: AppPaths | None) -> Path:
    """Where imported bundles are kept read-only: in the store's data folder; for a store opened
    without its folders, beside the SQLite file, else in the user's data folder."""
    if paths is not None:
        return paths.data_dir / ARCHIVE_FOLDER
    url = services.engine.url
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        return Path(url.database).parent / ARCHIVE_FOLDER
    return AppPaths.default().data_dir / ARCHIVE_FOLDER


class SyncSection(QWidget):
    def __init__(
        self,
        services: Services,
        runner: Runner,
        *,
        paths: AppPaths | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._services = services
        self.province = services.branch.is_province
        self.tabs = QTabWidget()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 16)
        layout.setSpacing(8)
        layout.addWidget(title_label(_("Đồng bộ")))
        if self.province:
            ctx = services.ctx
            self.importer = ProvinceImportService(ctx, archive_dir(services, paths))
            self.import_tab = ImportTab(self.importer, runner)
            self.quarantine = QuarantineTab(self.importer, runner)
            self.conflicts = ConflictsTab(ProvinceConflictService(ctx), runner)
            self.keys = KeysTab(TrustService(ctx), runner)
            self.board = BoardTab(CompletenessService(ctx), runner)
            self.consolidated = ConsolidatedTab(ConsolidationService(ctx), runner)
            self.tabs.addTab(self.import_tab, _("Nhập gói"))
            self.tabs.addTab(self.quarantine, _("Tạm giữ"))
            self.tabs.addTab(self.conflicts, _("Xung đột"))
            self.tabs.addTab(self.keys, _("Khóa các xã"))
            self.tabs.addTab(self.board, _("Theo dõi nộp báo cáo"))
            self.tabs.addTab(self.consolidated, _("Báo cáo tổng hợp"))
            layout.addWidget(
                muted_label(
                    _(
                        "Nhận gói dữ liệu có chữ ký của các xã, phường: chạy thử, nhập, theo dõi ai đã nộp và "
                        "lập báo cáo tổng hợp của tỉnh."
                    )
                )
            )
            self.import_tab.imported.connect(self._refresh_current)
            self.quarantine.decided.connect(self._refresh_current)
            self.conflicts.decided.connect(self._refresh_current)
        else:
            self.export = ExportTab(services, runner)
            self.key = KeyTab(services, runner)
            self.verify = VerifyTab(services, runner)
            self.tabs.addTab(self.export, _("Xuất gói dữ liệu"))
            self.tabs.addTab(self.key, _("Khóa ký"))
            self.tabs.addTab(self.verify, _("Kiểm tra gói"))
        layout.addWidget(self.tabs, 1)
        self.tabs.currentChanged.connect(self._on_tabs_current_changed)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._refresh_current()

    def _on_tabs_current_changed(self, _index: int) -> None:
        self._refresh_current()

    def _refresh_current(self) -> None:
        page = self.tabs.currentWidget()
        refresh = getattr(page, "refresh", None)
        if callable(refresh):
            refresh()
