# SPDX-License-Identifier: MIT
"""Xung đột at the province: records a commune sent twice with the same version and different
content (a restored or cloned commune PC). The officer compares both contents column by column,
calls the commune, and keeps the stored content or takes the incoming one, with a reason (audited).
Qt is imported here."""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...core.i18n import N_, _
from ...services.province.conflicts import KEEP, TAKE, ConflictView, ProvinceConflictService
from ...sync.schema import known_schemas, newest_known_version
from ..models.lazy_table import CENTER, Column
from ..style import muted_label
from ..tasks import Runner
from ..widgets.reason_dialog import ReasonDialog
from ..widgets.record_table import RecordTable
from .sync_commune import local_time, month_label


@cache
def _sheet_titles() -> dict[str, str]:
    return {s.sheet_key: s.title for s in known_schemas()[newest_known_version()].sheets}


@cache
def _column_labels() -> dict[str, str]:
    return {c.key: c.label for s in known_schemas()[newest_known_version()].sheets for c in s.columns}


CONFLICT_COLUMNS: tuple[Column[ConflictView], ...] = (
    Column(N_("Đơn vị"), lambda v: v.origin_branch),
    Column(N_("Trang"), lambda v: _sheet_titles().get(v.sheet_key, v.sheet_key)),
    Column(N_("Kỳ"), lambda v: month_label(str(v.incoming.get("period") or "")), CENTER),
    Column(N_("Phiên bản"), lambda v: v.version, CENTER),
    Column(N_("Cột khác nhau"), lambda v: len(v.differing), CENTER),
    Column(N_("Nhận lúc"), lambda v: local_time(v.created_at), CENTER),
    Column(N_("Mã bản ghi"), lambda v: v.record_id),
)
CONFLICT_WIDTHS = (100, 110, 80, 80, 110, 130)
DIFFERS = QColor("#FDECEA")  # a pale tint of the Red Cross red: the cells to compare stand out


class ConflictsTab(QWidget):
    """Xung đột: open VERSION_CONFLICT rows; keep the stored content or take the incoming one."""

    decided = Signal()

    def __init__(
        self, conflicts: ProvinceConflictService, runner: Runner, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._conflicts = conflicts
        self._runner = runner
        self.reason_dialog: ReasonDialog | None = None
        self.table: RecordTable[ConflictView] = RecordTable(
            CONFLICT_COLUMNS, CONFLICT_WIDTHS, row_id=lambda v: v.id
        )
        self.empty = muted_label(_("Không có xung đột nào cần xử lý."))
        self.compare = QTableWidget(0, 3)
        self.compare.setHorizontalHeaderLabels([_("Cột"), _("Đang lưu ở tỉnh"), _("Xã gửi mới")])
        self.compare.verticalHeader().setVisible(False)
        self.compare.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.compare.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        for column in (1, 2):
            self.compare.horizontalHeader().setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        self.keep_button = QPushButton(_("Giữ bản đang lưu…"))
        self.keep_button.setToolTip(_("Số liệu ở tỉnh giữ nguyên; xung đột được đóng (cần ghi lý do)"))
        self.take_button = QPushButton(_("Lấy bản xã gửi mới…"))
        self.take_button.setToolTip(
            _("Thay số liệu ở tỉnh bằng bản xã gửi mới; bản cũ được lưu lịch sử (cần ghi lý do)")
        )
        buttons = QHBoxLayout()
        buttons.addWidget(self.keep_button)
        buttons.addWidget(self.take_button)
        buttons.addStretch(1)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(self.compare)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.setSpacing(8)
        layout.addWidget(
            muted_label(
                _(
                    "Xung đột: xã gửi cùng một bản ghi, cùng phiên bản nhưng nội dung khác (thường do máy ở xã "
                    "khôi phục bản sao lưu). Hãy gọi điện cho xã để biết bản nào đúng. Nếu xã sửa lại và gửi "
                    "phiên bản mới hơn, xung đột tự đóng."
                )
            )
        )
        layout.addWidget(splitter, 1)
        layout.addWidget(self.empty)
        layout.addLayout(buttons)
        self.table.selectionModel().selectionChanged.connect(self._on_selection_changed)
        self.keep_button.clicked.connect(self._on_keep_button_clicked)
        self.take_button.clicked.connect(self._on_take_button_clicked)
        self._on_selection_changed()

    def refresh(self) -> None:
        rows = self._conflicts.list()
        self.table.set_rows(rows)
        self.empty.setVisible(not rows)
        self._on_selection_changed()

    def _on_selection_changed(self, *_args: object) -> None:
        view = self.table.current()
        self.keep_button.setEnabled(view is not None)
        self.take_button.setEnabled(view is not None)
        self._show(view)

    def _show(self, view: ConflictView | None) -> None:
        self.compare.setRowCount(0)
        if view is None:
            return
        labels = _column_labels()
        # What differs first (the officer's question), then the rest of the record for context; the
        # id and version are equal by definition of a conflict.
        rest = [k for k in dict.fromkeys([*view.incoming, *view.stored]) if k not in ("record_id", "version")]
        keys = [k for k in rest if k in view.differing] + [k for k in rest if k not in view.differing]
        self.compare.setRowCount(len(keys))
        bold = QFont(self.compare.font())
        bold.setBold(True)
        for row, key in enumerate(keys):
            cells = (
                labels.get(key, key),
                "" if view.stored.get(key) is None else str(view.stored.get(key)),
                "" if view.incoming.get(key) is None else str(view.incoming.get(key)),
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if key in view.differing:
                    item.setFont(bold)
                    item.setBackground(DIFFERS)
                self.compare.setItem(row, column, item)

    def _on_keep_button_clicked(self) -> None:
        self._decide(KEEP)

    def _on_take_button_clicked(self) -> None:
        self._decide(TAKE)

    def _decide(self, choice: str) -> None:
        view = self.table.current()
        if view is None:
            return
        service, conflict_id = self._conflicts, view.id
        take = choice == TAKE
        self.reason_dialog = ReasonDialog(
            self._runner,
            _("Lấy bản xã gửi mới") if take else _("Giữ bản đang lưu"),
            (
                _("Thay số liệu của bản ghi này ở tỉnh bằng bản {b} gửi mới. Bản cũ được lưu lịch sử.")
                if take
                else _("Giữ nguyên số liệu đang lưu ở tỉnh cho bản ghi này của {b}.")
            ).format(b=view.origin_branch),
            _("Lấy bản mới") if take else _("Giữ bản đang lưu"),
            lambda reason: service.resolve(conflict_id, choice, reason),
            self,
            placeholder=_("Ví dụ: đã gọi điện cho xã ngày 05/03, xã xác nhận số tiền đúng là 200.000 đồng"),
        )
        self.reason_dialog.done_with.connect(self._on_decided)
        self.reason_dialog.open()

    def _on_decided(self, _view: ConflictView) -> None:
        self.refresh()
        self.decided.emit()
