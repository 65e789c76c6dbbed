# SPDX-License-Identifier: MIT
"""Đồng bộ at the province: the communes' bundles dropped or picked (files or a folder), a dry run
("Chạy thử") showing per bundle what an import would do, the import of those that passed, and the
bundles held in quarantine with the officer's decision. Qt is imported here.

Nothing is written before "Xác nhận nhập": the dry run rolls every bundle back.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ...core.i18n import N_, _
from ...services.province.import_report import BundleReport, finding_from_dict, render_report
from ...services.province.importer import ImportedBundleRow, ProvinceImportService
from ..models.lazy_table import CENTER, RIGHT, Column
from ..style import muted_label, set_primary
from ..tasks import Op, Runner
from ..widgets.reason_dialog import ReasonDialog
from ..widgets.record_table import RecordTable
from .sync_commune import local_time, month_label

STATUS_LABELS = {
    "previewed": N_("Đã chạy thử"),
    "committed": N_("Đã nhập"),
    "accepted": N_("Đã nhập (chấp nhận)"),
    "quarantined": N_("Tạm giữ"),
    "refused": N_("Đã từ chối"),
    "replay": N_("Đã nhập trước đó"),
    "rejected": N_("Không nhận"),
}
RESULT_LABELS = {
    "OK": N_("Đạt"),
    "INFO": N_("Đạt"),
    "WARN": N_("Cảnh báo"),
    "QUARANTINE": N_("Cần xác minh"),
    "REJECT": N_("Không hợp lệ"),
}


@dataclass(frozen=True)
class ImportItem:
    """One file of the list, and what the last dry run or import said about it."""

    id: int
    path: Path
    report: BundleReport | None = None

    def count(self, *keys: str) -> int | str:
        if self.report is None:
            return ""
        return sum(self.report.total.get(k, 0) for k in keys)

    @property
    def importable(self) -> bool:
        """Passed the dry run and not imported yet: a REJECT or a replay would write nothing."""
        r = self.report
        return r is not None and r.status == "previewed" and r.result != "REJECT"


def _status(item: ImportItem) -> str:
    if item.report is None:
        return _("Chưa chạy thử")
    return _(STATUS_LABELS.get(item.report.status, item.report.status))


def _result(item: ImportItem) -> str:
    r = item.report
    if r is None:
        return ""
    label = _(RESULT_LABELS.get(r.result, r.result))
    return label if r.code == "OK" else f"{label} [{r.code}]"


ITEM_COLUMNS: tuple[Column[ImportItem], ...] = (
    Column(N_("Tệp"), lambda i: i.path.name),
    Column(N_("Đơn vị"), lambda i: (i.report.branch_code or "") if i.report else ""),
    Column(N_("Kỳ"), lambda i: month_label(i.report.period or "") if i.report else "", CENTER),
    Column(N_("Gói số"), lambda i: i.report.seq if i.report else "", CENTER),
    Column(N_("Trạng thái"), _status),
    Column(N_("Kết quả"), _result),
    Column(N_("Thêm"), lambda i: i.count("imported"), RIGHT),
    Column(N_("Cập nhật"), lambda i: i.count("updated"), RIGHT),
    Column(N_("Xóa"), lambda i: i.count("deleted"), RIGHT),
    Column(N_("Bỏ qua"), lambda i: i.count("ignored_unchanged", "ignored_stale"), RIGHT),
    Column(N_("Xung đột"), lambda i: i.count("conflicts"), RIGHT),
)
ITEM_WIDTHS = (235, 85, 70, 60, 115, 185, 55, 75, 45, 60)


def xlsx_files(urls: list[Path]) -> list[Path]:
    """The .xlsx files among dropped or picked paths; a folder gives the .xlsx files inside it."""
    found: list[Path] = []
    for path in urls:
        if path.is_dir():
            found += sorted(p for p in path.iterdir() if p.suffix.lower() == ".xlsx" and p.is_file())
        elif path.suffix.lower() == ".xlsx" and not path.name.startswith("~$"):  # Excel's lock files
            found.append(path)
    return found


class _DropFilter(QObject):
    """Accepts .xlsx files (or folders) dropped onto the table's viewport."""

    dropped = Signal(list)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.DragEnter, QEvent.Type.DragMove):
            assert isinstance(event, QDragEnterEvent | QDropEvent)
            if self._paths(event):
                event.acceptProposedAction()
                return True
        elif event.type() == QEvent.Type.Drop:
            assert isinstance(event, QDropEvent)
            paths = self._paths(event)
            if paths:
                event.acceptProposedAction()
                self.dropped.emit(paths)
                return True
        return False

    @staticmethod
    def _paths(event: QDropEvent) -> list[Path]:
        data = event.mimeData()
        if data is None or not data.hasUrls():
            return []
        return xlsx_files([Path(url.toLocalFile()) for url in data.urls() if url.isLocalFile()])


class ImportTab(QWidget):
    """Nhập gói: the list of files, "Chạy thử", "Xác nhận nhập", and the selected bundle's details."""

    imported = Signal()

    def __init__(
        self, importer: ProvinceImportService, runner: Runner, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._importer = importer
        self._runner = runner
        self._next_id = 1
        self.items: list[ImportItem] = []

        self.add_button = QPushButton(_("Thêm tệp…"))
        self.folder_button = QPushButton(_("Thêm thư mục…"))
        self.remove_button = QPushButton(_("Bỏ khỏi danh sách"))
        self.preview_button = QPushButton(_("Chạy thử"))
        self.preview_button.setToolTip(_("Kiểm tra và xem trước kết quả nhập; chưa ghi gì vào dữ liệu"))
        self.commit_button = QPushButton(_("Xác nhận nhập"))
        self.commit_button.setToolTip(_("Nhập các gói đã chạy thử đạt yêu cầu"))
        set_primary(self.commit_button)
        buttons = QHBoxLayout()
        for button in (self.add_button, self.folder_button, self.remove_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.preview_button)
        buttons.addWidget(self.commit_button)

        self.table: RecordTable[ImportItem] = RecordTable(ITEM_COLUMNS, ITEM_WIDTHS)
        self.table.setAcceptDrops(True)
        self.table.viewport().setAcceptDrops(True)
        self._drop = _DropFilter(self)
        self.table.viewport().installEventFilter(self._drop)
        self.summary = QLabel()
        self.summary.setObjectName("muted")
        self.details = QPlainTextEdit()
        self.details.setReadOnly(True)
        self.details.setPlaceholderText(_("Chọn một gói trong danh sách để xem chi tiết kết quả."))
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(self.details)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.setSpacing(8)
        layout.addWidget(
            muted_label(
                _(
                    "Kéo thả các tệp gói .xlsx của các xã vào bảng dưới đây, hoặc bấm “Thêm tệp…”, “Thêm thư "
                    "mục…”. Bấm “Chạy thử” để xem mỗi gói sẽ thêm, sửa, xóa gì; sau đó “Xác nhận nhập” để "
                    "nhập các gói đạt. Gói trùng, gói cũ hay gói hỏng không làm sai dữ liệu."
                )
            )
        )
        layout.addLayout(buttons)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.summary)

        self.add_button.clicked.connect(self._on_add_button_clicked)
        self.folder_button.clicked.connect(self._on_folder_button_clicked)
        self.remove_button.clicked.connect(self._on_remove_button_clicked)
        self.preview_button.clicked.connect(self._on_preview_button_clicked)
        self.commit_button.clicked.connect(self._on_commit_button_clicked)
        self._drop.dropped.connect(self.add_files)
        self.table.selectionModel().selectionChanged.connect(self._on_selection_changed)
        self._show()

    # ---- the list ---------------------------------------------------------------------------

    def add_files(self, paths: list[Path]) -> int:
        """Adds the files not listed yet (a folder adds its .xlsx files); returns how many."""
        known = {item.path.resolve() for item in self.items}
        added = 0
        for path in xlsx_files([Path(p) for p in paths]):
            if path.resolve() in known:
                continue
            known.add(path.resolve())
            self.items.append(ImportItem(self._next_id, path))
            self._next_id += 1
            added += 1
        self._show()
        return added

    def _show(self) -> None:
        self.table.set_rows(self.items)
        reports = [i.report for i in self.items if i.report is not None]
        self.preview_button.setEnabled(bool(self.items))
        self.commit_button.setEnabled(any(i.importable for i in self.items))
        self.remove_button.setEnabled(self.table.current() is not None)
        if not self.items:
            self.summary.setText(_("Chưa có tệp nào trong danh sách."))
            return
        counts = {
            key: sum(1 for r in reports if r.result in results)
            for key, results in (
                ("ok", ("OK", "INFO", "WARN")),
                ("held", ("QUARANTINE",)),
                ("bad", ("REJECT",)),
            )
        }
        self.summary.setText(
            _("{n} tệp; đã kiểm tra {checked}: đạt {ok}, cần xác minh {held}, không hợp lệ {bad}.").format(
                n=len(self.items), checked=len(reports), **counts
            )
        )
        self._on_selection_changed()

    def _on_add_button_clicked(self) -> None:
        names, _filter = QFileDialog.getOpenFileNames(
            self, _("Chọn các gói dữ liệu"), "", _("Bảng tính Excel (*.xlsx)")
        )
        if names:
            self.add_files([Path(n) for n in names])

    def _on_folder_button_clicked(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, _("Chọn thư mục chứa các gói dữ liệu"))
        if folder:
            self.add_files([Path(folder)])

    def _on_remove_button_clicked(self) -> None:
        item = self.table.current()
        if item is not None:
            self.items = [i for i in self.items if i.id != item.id]
            self._show()

    def _on_selection_changed(self, *_args: object) -> None:
        item = self.table.current()
        self.remove_button.setEnabled(item is not None)
        if item is None:
            self.details.clear()
        elif item.report is None:
            self.details.setPlainText(_("Tệp {path}\nChưa chạy thử.").format(path=item.path))
        else:
            self.details.setPlainText("\n".join(render_report(item.report)))

    # ---- dry run and import -----------------------------------------------------------------

    def _on_preview_button_clicked(self) -> None:
        items = list(self.items)
        if not items:
            return
        importer = self._importer
        (
            Op(self, lambda progress: importer.preview([i.path for i in items], progress), writes=True)
            .with_progress(_("Đang chạy thử {n} gói…").format(n=len(items)))
            .success(lambda reports: self._on_reports(items, reports))
            .run(self._runner)
        )

    def _on_commit_button_clicked(self) -> None:
        items = [i for i in self.items if i.importable]
        if not items:
            return
        importer = self._importer
        (
            Op(self, lambda progress: importer.commit([i.path for i in items], progress), writes=True)
            .with_progress(_("Đang nhập {n} gói…").format(n=len(items)))
            .success(lambda reports: self._on_committed(items, reports))
            .run(self._runner)
        )

    def _on_reports(self, items: list[ImportItem], reports: list[BundleReport]) -> None:
        by_id = {item.id: report for item, report in zip(items, reports, strict=True)}
        self.items = [replace(i, report=by_id.get(i.id, i.report)) for i in self.items]
        self._show()
        if self.table.current() is None and self.items:
            self.table.selectRow(0)

    def _on_committed(self, items: list[ImportItem], reports: list[BundleReport]) -> None:
        self._on_reports(items, reports)
        self.imported.emit()


QUARANTINE_COLUMNS: tuple[Column[ImportedBundleRow], ...] = (
    Column(N_("Đơn vị"), lambda r: r.branch_code),
    Column(N_("Kỳ"), lambda r: month_label(r.period), CENTER),
    Column(N_("Gói số"), lambda r: r.seq, CENTER),
    Column(N_("Nhận lúc"), lambda r: local_time(r.received_at), CENTER),
    Column(N_("Lý do giữ lại"), lambda r: r.result_code),
    Column(N_("Tệp lưu trữ"), lambda r: Path(r.archive_path).name if r.archive_path else ""),
)
QUARANTINE_WIDTHS = (130, 80, 70, 140, 220)


def held_details(row: ImportedBundleRow) -> str:
    """What the officer must check: every finding of the held bundle, then the counts it would give."""
    lines = [
        _("Đơn vị {b}; kỳ {period}; gói số {seq}; khóa {key_id}").format(
            b=row.branch_code, period=month_label(row.period), seq=row.seq, key_id=row.key_id
        )
    ]
    for data in row.summary.get("findings", []):
        finding = finding_from_dict(data)
        where = f" ({finding.location})" if finding.location else ""
        lines.append(f"{finding.code}{where}: {finding.message_vi}")
    total = row.summary.get("total") or {}
    if total:
        lines.append(
            _("Nếu chấp nhận: thêm {a}, cập nhật {u}, xóa {d}, xung đột {c}.").format(
                a=total.get("imported", 0),
                u=total.get("updated", 0),
                d=total.get("deleted", 0),
                c=total.get("conflicts", 0),
            )
        )
    return "\n".join(lines)


class QuarantineTab(QWidget):
    """Tạm giữ: bundles held for a decision; accept (imports it) or refuse, each with a reason."""

    decided = Signal()

    def __init__(
        self, importer: ProvinceImportService, runner: Runner, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._importer = importer
        self._runner = runner
        self.reason_dialog: ReasonDialog | None = None
        self.table: RecordTable[ImportedBundleRow] = RecordTable(QUARANTINE_COLUMNS, QUARANTINE_WIDTHS)
        self.empty = muted_label(_("Không có gói nào đang tạm giữ."))
        self.details = QPlainTextEdit()
        self.details.setReadOnly(True)
        self.details.setPlaceholderText(_("Chọn một gói để xem vì sao gói bị giữ lại."))
        self.accept_button = QPushButton(_("Chấp nhận nhập…"))
        self.accept_button.setToolTip(_("Nhập gói sau khi đã xác minh với xã (cần ghi lý do)"))
        self.refuse_button = QPushButton(_("Từ chối…"))
        self.refuse_button.setToolTip(_("Không nhập gói này; gói vẫn được lưu trữ (cần ghi lý do)"))
        buttons = QHBoxLayout()
        buttons.addWidget(self.accept_button)
        buttons.addWidget(self.refuse_button)
        buttons.addStretch(1)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(self.details)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.setSpacing(8)
        layout.addWidget(
            muted_label(
                _(
                    "Gói bị giữ lại khi cần cán bộ xác minh (ví dụ: khóa ký mới, số thứ tự gói bất thường). "
                    "Hãy gọi điện cho xã theo số trong danh bạ của tỉnh trước khi quyết định."
                )
            )
        )
        layout.addWidget(splitter, 1)
        layout.addWidget(self.empty)
        layout.addLayout(buttons)
        self.table.selectionModel().selectionChanged.connect(self._on_selection_changed)
        self.accept_button.clicked.connect(self._on_accept_button_clicked)
        self.refuse_button.clicked.connect(self._on_refuse_button_clicked)
        self._on_selection_changed()

    def refresh(self) -> None:
        rows = self._importer.quarantined()
        self.table.set_rows(rows)
        self.empty.setVisible(not rows)
        self._on_selection_changed()

    def _on_selection_changed(self, *_args: object) -> None:
        row = self.table.current()
        self.accept_button.setEnabled(row is not None)
        self.refuse_button.setEnabled(row is not None)
        self.details.setPlainText(held_details(row) if row is not None else "")

    def _on_accept_button_clicked(self) -> None:
        self._decide(True)

    def _on_refuse_button_clicked(self) -> None:
        self._decide(False)

    def _decide(self, accept: bool) -> None:
        row = self.table.current()
        if row is None:
            return
        importer, bundle_id = self._importer, row.id
        self.reason_dialog = ReasonDialog(
            self._runner,
            _("Chấp nhận gói tạm giữ") if accept else _("Từ chối gói tạm giữ"),
            (
                _("Nhập gói số {seq} của {b} sau khi đã xác minh. Gói được kiểm tra lại trước khi nhập.")
                if accept
                else _("Không nhập gói số {seq} của {b}. Tệp vẫn được lưu trữ cùng lý do.")
            ).format(seq=row.seq, b=row.branch_code),
            _("Chấp nhận nhập") if accept else _("Từ chối"),
            lambda reason: importer.decide(bundle_id, accept, reason),
            self,
            placeholder=_("Ví dụ: đã gọi điện cho chủ tịch Hội xã xác nhận ngày 05/03"),
        )
        self.reason_dialog.done_with.connect(self._on_decided)
        self.reason_dialog.open()

    def _on_decided(self, report: BundleReport) -> None:
        self.refresh()
        self.details.setPlainText("\n".join(render_report(report)))
        self.decided.emit()
