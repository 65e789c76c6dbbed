# SPDX-License-Identifier: MIT
"""What the report cannot compute: the month's hand-entered figures and its four text sections
(đánh giá, tồn tại, phương hướng, kiến nghị), and the year's targets. Qt is imported here."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ...core.errors import RedCrossError
from ...core.i18n import _
from ...core.vn import format_vnd
from ...reports.model import MonthlyReport
from ...services.reports import ReportService
from ..errors import show_error
from ..models.report_table import parse_figure
from ..qt_i18n import translate_buttons
from ..style import muted_label, set_primary
from ..tasks import Op, Runner
from ..widgets.hint import Hint, mark_invalid


@dataclass(frozen=True)
class FigureField:
    code: str
    label: str
    unit: str
    value: int | None
    is_money: bool


class FigureEdit(QWidget):
    """A whole number typed with grouping dots ("1.200"; money also "500k"), checked as typed."""

    def __init__(self, spec: FigureField, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.spec = spec
        self.edit = QLineEdit("" if spec.value is None else format_vnd(spec.value, suffix=False))
        self.edit.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.edit.setPlaceholderText(_("chưa nhập"))
        self.edit.setMaximumWidth(180)
        self.hint = Hint()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.edit)
        layout.addWidget(self.hint)
        self.setFocusProxy(self.edit)
        self.edit.textChanged.connect(self._on_edit_text_changed)

    def value(self) -> int | None:
        """The number typed; None when empty. Raises ValueError for text that is not a number."""
        text = self.edit.text().strip()
        return None if not text else parse_figure(text, self.spec.is_money)

    def changed(self) -> bool:
        try:
            value = self.value()
        except ValueError:
            return True
        return value is not None and value != self.spec.value

    def check(self) -> bool:
        try:
            self.value()
        except ValueError as exc:
            self.hint.show_text(str(exc), "error")
            mark_invalid(self.edit, True)
            return False
        self.hint.clear_hint()
        mark_invalid(self.edit, False)
        return True

    def _on_edit_text_changed(self, _text: str) -> None:
        self.check()


class _EntryDialog(QDialog):
    """Saves every changed field in one background operation, then emits `saved`."""

    saved = Signal()

    def __init__(self, title: str, runner: Runner, parent: QWidget | None) -> None:
        super().__init__(parent)
        self._runner = runner
        self.setWindowTitle(title)
        self.setMinimumWidth(680)
        self.resize(720, 560)
        self.figures: list[FigureEdit] = []
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        translate_buttons(self.buttons)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        set_primary(self.save_button)
        self.cancel_button = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)

    def _figure_page(self, fields: Sequence[FigureField], empty: str) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.setVerticalSpacing(6)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        for spec in fields:
            edit = FigureEdit(spec)
            self.figures.append(edit)
            label = QLabel(_("{label} ({unit})").format(label=spec.label, unit=spec.unit))
            label.setToolTip(spec.code)  # unwrapped: a wrapped label in a form row gets cut off
            form.addRow(label, edit)
        if not fields:
            form.addRow(muted_label(empty))
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(page)
        return scroll

    def _finish_layout(self, body: QWidget, note: str) -> None:
        layout = QVBoxLayout(self)
        layout.addWidget(body, 1)
        layout.addWidget(muted_label(note))
        layout.addWidget(self.buttons)
        self.save_button.setDefault(True)  # once inside the dialog, so Enter saves

    def _changed_figures(self) -> list[tuple[str, int]] | None:
        bad = [edit for edit in self.figures if not edit.check()]
        if bad:
            bad[0].setFocus()
            return None
        changes = []
        for edit in self.figures:
            if edit.changed():
                value = edit.value()
                assert value is not None
                changes.append((edit.spec.code, value))
        return changes

    def _save(self, work: Callable[[], object]) -> None:
        self.save_button.setEnabled(False)
        (
            Op(self, lambda _p: work(), writes=True)
            .with_progress(_("Đang lưu…"), cancellable=False)
            .success(self._on_saved)
            .failure(self._on_failed)
            .run(self._runner)
        )

    def _on_buttons_accepted(self) -> None:
        raise NotImplementedError

    def _on_saved(self, _result: object) -> None:
        self.saved.emit()
        self.accept()

    def _on_failed(self, error: RedCrossError) -> None:
        self.save_button.setEnabled(True)
        show_error(self, error)


class ManualEntryDialog(_EntryDialog):
    """The month's hand-entered figures and its text sections, on two tabs."""

    def __init__(
        self, reports: ReportService, runner: Runner, report: MonthlyReport, parent: QWidget | None = None
    ) -> None:
        super().__init__(
            _("Số liệu nhập tay và nội dung — {label}").format(label=report.period_label), runner, parent
        )
        self._reports = reports
        self.period = report.period
        fields = [
            FigureField(line.code, line.label, line.unit, line.month, line.is_money)
            for line in report.lines
            if line.manual and not line.disagg
        ]
        self.texts: dict[str, QPlainTextEdit] = {}
        self._stored_texts: dict[str, str] = {}
        texts = QWidget()
        text_layout = QVBoxLayout(texts)
        for index, item in enumerate(report.narrative, start=1):
            title = QLabel(f"{index}. {item.label}")
            title.setObjectName("subTitle")
            edit = QPlainTextEdit(item.text)
            edit.setTabChangesFocus(True)
            edit.setMinimumHeight(self.fontMetrics().height() * 4)
            self.texts[item.code] = edit
            self._stored_texts[item.code] = item.text
            text_layout.addWidget(title)
            text_layout.addWidget(edit, 1)
        self.tabs = QTabWidget()
        self.tabs.addTab(
            self._figure_page(fields, _("Tháng này không có chỉ tiêu nào cần nhập tay.")),
            _("Số liệu nhập tay ({n})").format(n=len(fields)),
        )
        self.tabs.addTab(texts, _("Đánh giá, phương hướng"))
        self._finish_layout(
            self.tabs,
            _(
                "Chỉ tiêu nhập tay là những số phần mềm chưa có dữ liệu để tính (ví dụ hội phí nộp cấp "
                "trên). Số tính tự động thì sửa ở bản ghi gốc."
            ),
        )
        if self.figures:
            self.figures[0].setFocus()

    def _on_buttons_accepted(self) -> None:
        figures = self._changed_figures()
        if figures is None:
            self.tabs.setCurrentIndex(0)
            return
        texts = [
            (code, edit.toPlainText())
            for code, edit in self.texts.items()
            if edit.toPlainText().strip() != self._stored_texts[code].strip()
        ]
        if not figures and not texts:
            self.accept()
            return
        reports = self._reports
        period = self.period

        def work() -> None:
            for code, value in figures:
                reports.set_manual(period, code, value)
            for code, text in texts:
                reports.set_narrative(period, code, text)

        self._save(work)


class PlansDialog(_EntryDialog):
    """The year's targets of the indicators that have one."""

    def __init__(
        self,
        reports: ReportService,
        runner: Runner,
        year: int,
        fields: Sequence[FigureField],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(_("Kế hoạch năm {year}").format(year=year), runner, parent)
        self._reports = reports
        self.year = year
        self.resize(680, 460)
        self._finish_layout(
            self._figure_page(fields, _("Danh mục chỉ tiêu không có kế hoạch năm.")),
            _(
                "Chỉ tiêu do Hội cấp trên giao cho năm {year}; cột “% KH” của báo cáo tính theo số này."
            ).format(year=year),
        )
        if self.figures:
            self.figures[0].setFocus()

    def _on_buttons_accepted(self) -> None:
        figures = self._changed_figures()
        if figures is None:
            return
        if not figures:
            self.accept()
            return
        reports, year = self._reports, self.year

        def work() -> None:
            for code, value in figures:
                reports.set_plan(year, code, value)

        self._save(work)
