# SPDX-License-Identifier: MIT
"""Chứng nhận: issue donor certificates, thank-you letters, blood donor honours and volunteer
commendations (one or a whole batch), preview and print them; the certificates already issued;
the distribution lists to sign. Qt is imported here.

A preview takes no number. "Cấp và in" asks the signing key's passphrase, then numbers, signs and
stores the batch in one transaction off the GUI thread; cancelling it leaves no number taken.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ...core.i18n import N_, _
from ...core.progress import Progress
from ...core.vn import format_vnd
from ...services.certificates import CertificateCandidate, CertificateRequest, IssueResult
from ...services.container import Services
from ..dialogs.passphrase_prompt import PassphrasePrompt
from ..models.lazy_table import LEFT, RIGHT
from ..printing import ScratchFolder
from ..style import muted_label, set_primary, title_label
from ..tasks import Op, Runner
from ..widgets.amount_edit import AmountEdit
from ..widgets.date_edit import DateEdit
from ..widgets.hint import Hint
from ..widgets.pdf_viewer import PdfViewer
from .certificates_issued import IssuedTab
from .distribution_sheets import DistributionSheetsTab

Index = QModelIndex | QPersistentModelIndex

# (kind, template, label): what the officer picks; a thank-you letter is a donor certificate
# printed with another template.
CHOICES: tuple[tuple[str, str, str], ...] = (
    ("donor", "donor", N_("Giấy chứng nhận ủng hộ")),
    ("donor", "donor_thanks", N_("Thư cảm ơn")),
    ("blood", "blood", N_("Tôn vinh hiến máu")),
    ("volunteer", "volunteer", N_("Khen tặng tình nguyện viên")),
)
VALUE_TITLES = {"donor": N_("Số tiền"), "blood": N_("Số lần hiến"), "volunteer": N_("Số giờ")}


def _value_text(kind: str, candidate: CertificateCandidate) -> str:
    if kind == "donor":
        return format_vnd(candidate.value)
    return format_vnd(candidate.value, suffix=False)


class CandidateModel(QAbstractTableModel):
    """The people a request selects, each with a check box; everyone is chosen at first."""

    TITLES = (N_("Họ và tên"), N_("Địa chỉ"), "")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.kind = "donor"
        self.candidates: list[CertificateCandidate] = []
        self.chosen: set[int] = set()

    def set_candidates(self, kind: str, candidates: list[CertificateCandidate]) -> None:
        self.beginResetModel()
        self.kind = kind
        self.candidates = list(candidates)
        self.chosen = {c.person_id for c in candidates}
        self.endResetModel()
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 2, 2)

    def chosen_ids(self) -> tuple[int, ...]:
        return tuple(c.person_id for c in self.candidates if c.person_id in self.chosen)

    def choose_all(self, chosen: bool) -> None:
        self.chosen = {c.person_id for c in self.candidates} if chosen else set()
        if self.candidates:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.candidates) - 1, 0))

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.candidates)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.TITLES)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return _(VALUE_TITLES[self.kind]) if section == 2 else _(self.TITLES[section])
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(RIGHT if section == 2 else LEFT)
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        candidate = self.candidates[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.CheckStateRole and column == 0:
            chosen = candidate.person_id in self.chosen
            return Qt.CheckState.Checked if chosen else Qt.CheckState.Unchecked
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            if column == 0:
                return candidate.name
            if column == 1:
                return candidate.address
            return _value_text(self.kind, candidate)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(RIGHT if column == 2 else LEFT)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        return base | Qt.ItemFlag.ItemIsUserCheckable if index.column() == 0 else base

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.CheckStateRole or index.column() != 0:
            return False
        person_id = self.candidates[index.row()].person_id
        if Qt.CheckState(value) == Qt.CheckState.Checked:
            self.chosen.add(person_id)
        else:
            self.chosen.discard(person_id)
        self.dataChanged.emit(index, index)
        return True


class IssueTab(QWidget):
    """Filters on the left, the people they select with check boxes, then "Xem trước" or "Cấp và
    in…"; the PDF on the right."""

    issued = Signal(object)  # IssueResult

    def __init__(self, services: Services, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._runner = runner
        self._scratch = ScratchFolder()
        self._generation = 0
        self.prompt: PassphrasePrompt | None = None
        self.last_result: IssueResult | None = None

        self.kind = QComboBox()
        for index, (_kind, _template, label) in enumerate(CHOICES):
            self.kind.addItem(_(label), index)
        self.campaign = QComboBox()
        for combo in (self.kind, self.campaign):
            # Filled after the first layout: without this the combo keeps the width of an empty one.
            combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            combo.setMinimumContentsLength(16)
        self.min_amount = AmountEdit(required=False)
        self.min_amount.edit.setPlaceholderText(_("Ví dụ: 500k; để trống nếu không giới hạn"))
        self.date_from = DateEdit(required=False)
        self.date_to = DateEdit(required=False)
        for edit in (self.date_from, self.date_to):
            edit.edit.setPlaceholderText(_("ngày/tháng/năm"))
        period = QHBoxLayout()
        period.setSpacing(6)
        period.addWidget(self.date_from, 1)
        period.addWidget(QLabel(_("đến")))
        period.addWidget(self.date_to, 1)
        self.min_hours = QSpinBox()
        self.min_hours.setRange(0, 100_000)
        self.min_hours.setSuffix(_(" giờ"))
        self.issued_on = DateEdit(date.today())
        self.find_button = QPushButton(_("Lọc người nhận"))
        self.find_button.setToolTip(_("Tìm những người đủ điều kiện theo các ô trên (Enter)"))

        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.form.setVerticalSpacing(6)
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.form.addRow(_("Loại giấy"), self.kind)
        self.form.addRow(_("Đợt vận động"), self.campaign)
        self.form.addRow(_("Ủng hộ từ"), self.min_amount)
        self.form.addRow(_("Thời gian"), period)
        self.form.addRow(_("Số giờ tối thiểu"), self.min_hours)
        self.form.addRow(_("Ngày cấp"), self.issued_on)

        self.model = CandidateModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 12)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.table.setColumnWidth(1, 150)
        self.choose_all_button = QPushButton(_("Chọn tất cả"))
        self.choose_none_button = QPushButton(_("Bỏ chọn tất cả"))
        self.count = QLabel()
        self.count.setObjectName("muted")
        choose = QHBoxLayout()
        choose.addWidget(self.choose_all_button)
        choose.addWidget(self.choose_none_button)
        choose.addWidget(self.count, 1)
        self.hint = Hint()
        self.preview_button = QPushButton(_("Xem trước"))
        self.preview_button.setToolTip(_("Xem giấy của những người đã chọn; chưa cấp số"))
        self.issue_button = QPushButton(_("Cấp và in…"))
        self.issue_button.setToolTip(_("Cấp số, ký và tạo giấy để in cho những người đã chọn"))
        set_primary(self.issue_button)
        actions = QHBoxLayout()
        actions.addStretch(1)
        actions.addWidget(self.preview_button)
        actions.addWidget(self.issue_button)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 8, 0)
        left_layout.addLayout(self.form)
        find_row = QHBoxLayout()
        find_row.addStretch(1)
        find_row.addWidget(self.find_button)
        left_layout.addLayout(find_row)
        left_layout.addWidget(self.table, 1)
        left_layout.addLayout(choose)
        left_layout.addWidget(self.hint)
        left_layout.addLayout(actions)

        self.viewer = PdfViewer(
            empty_text=_(
                "Bấm “Xem trước” để xem giấy trước khi cấp (chưa cấp số).\n"
                "Bấm “Cấp và in…” để cấp số, ký và in."
            )
        )
        self.result = QLabel()
        self.result.setWordWrap(True)
        self.result.hide()
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(8, 0, 0, 0)
        right_layout.addWidget(self.result)
        right_layout.addWidget(self.viewer, 1)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([460, 640])
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(splitter)

        self.kind.currentIndexChanged.connect(self._on_kind_current_index_changed)
        self.find_button.clicked.connect(self._on_find_button_clicked)
        for line in (self.min_amount.edit, self.date_from.edit, self.date_to.edit):
            line.returnPressed.connect(self._on_find_button_clicked)
        self.choose_all_button.clicked.connect(self._on_choose_all_button_clicked)
        self.choose_none_button.clicked.connect(self._on_choose_none_button_clicked)
        self.model.dataChanged.connect(self._on_model_changed)
        self.model.modelReset.connect(self._on_model_changed)
        self.preview_button.clicked.connect(self._on_preview_button_clicked)
        self.issue_button.clicked.connect(self._on_issue_button_clicked)
        self._show_filters()
        self._on_model_changed()

    # ---- filters ----------------------------------------------------------------------------

    def choice(self) -> tuple[str, str, str]:
        return CHOICES[int(self.kind.currentData())]

    def set_choice(self, template: str) -> None:
        self.kind.setCurrentIndex(next(i for i, c in enumerate(CHOICES) if c[1] == template))

    def load_campaigns(self) -> None:
        """The campaigns to choose from; small, so read at once."""
        chosen = self.campaign.currentData()
        self.campaign.blockSignals(True)
        self.campaign.clear()
        self.campaign.addItem(_("Mọi đợt vận động"), None)
        for campaign in self._services.campaigns.list():
            self.campaign.addItem(f"{campaign.name} ({campaign.code})", campaign.id)
        self.campaign.setCurrentIndex(max(0, self.campaign.findData(chosen)))
        self.campaign.blockSignals(False)

    def _show_filters(self) -> None:
        kind = self.choice()[0]
        self.form.setRowVisible(1, kind == "donor")
        self.form.setRowVisible(2, kind == "donor")
        self.form.setRowVisible(4, kind == "volunteer")
        tips = {
            "donor": _("Ngày nhận ủng hộ; để trống để tính mọi lúc."),
            "blood": _("Người đạt mốc tôn vinh trong khoảng này; để trống: mốc cao nhất đã đạt."),
            "volunteer": _("Giờ tình nguyện trong khoảng này; để trống: cả năm của ngày cấp."),
        }
        for edit in (self.date_from, self.date_to):
            edit.setToolTip(tips[kind])

    def _filter_error(self) -> str:
        for field in (self.min_amount, self.date_from, self.date_to, self.issued_on):
            if not field.check():
                return field.error()
        return ""

    def request(self, person_ids: tuple[int, ...] = ()) -> CertificateRequest:
        kind, template, _label = self.choice()
        return CertificateRequest(
            kind=kind,
            person_ids=person_ids,
            campaign_id=self.campaign.currentData() if kind == "donor" else None,
            min_amount_vnd=(self.min_amount.value() or 0) if kind == "donor" else 0,
            date_from=self.date_from.value(),
            date_to=self.date_to.value(),
            min_hours=self.min_hours.value() if kind == "volunteer" else 0,
            issued_on=self.issued_on.value(),
            template=template,
        )

    def _on_kind_current_index_changed(self, _index: int) -> None:
        self._show_filters()
        self.find_candidates()

    def _on_find_button_clicked(self) -> None:
        self.find_candidates()

    def find_candidates(self) -> None:
        """Loads the people the filters select (all chosen)."""
        error = self._filter_error()
        if error:
            self.hint.show_text(error, "error")
            return
        self.hint.clear_hint()
        request = self.request()
        certificates = self._services.certificates
        self._generation += 1
        generation = self._generation
        Op(self, lambda _p: certificates.candidates(request), writes=False).success(
            lambda found: self._on_candidates_loaded(generation, request.kind, found)
        ).run(self._runner)

    def _on_candidates_loaded(self, generation: int, kind: str, found: list[CertificateCandidate]) -> None:
        if generation != self._generation:
            return
        self.model.set_candidates(kind, found)
        if not found:
            self.hint.show_text(
                _("Không có ai đủ điều kiện. Hãy nới điều kiện (đợt vận động, số tiền, thời gian)."), "info"
            )

    # ---- choosing ---------------------------------------------------------------------------

    def _on_choose_all_button_clicked(self) -> None:
        self.model.choose_all(True)

    def _on_choose_none_button_clicked(self) -> None:
        self.model.choose_all(False)

    def _on_model_changed(self, *_args: object) -> None:
        total, chosen = len(self.model.candidates), len(self.model.chosen_ids())
        self.count.setText(_("Đã chọn {chosen}/{total} người").format(chosen=chosen, total=total))
        self.preview_button.setEnabled(chosen > 0)
        self.issue_button.setEnabled(chosen > 0)

    def _chosen_request(self) -> CertificateRequest | None:
        chosen = self.model.chosen_ids()
        if not chosen:
            self.hint.show_text(_("Hãy chọn ít nhất một người nhận."), "error")
            return None
        error = self._filter_error()
        if error:
            self.hint.show_text(error, "error")
            return None
        self.hint.clear_hint()
        return self.request(chosen)

    # ---- preview and issue ------------------------------------------------------------------

    def _on_preview_button_clicked(self) -> None:
        request = self._chosen_request()
        if request is None:
            return
        certificates = self._services.certificates
        out = self._scratch.new_pdf("xem-truoc")
        (
            Op(self, lambda progress: certificates.preview(request, out, progress), writes=False)
            .with_progress(_("Đang tạo bản xem trước…"))
            .success(lambda candidates: self._on_previewed(out, len(candidates)))
            .run(self._runner)
        )

    def _on_previewed(self, out: Path, count: int) -> None:
        self.result.hide()
        self.viewer.load(
            out,
            caption=_("Bản xem trước: {n} giấy, chưa cấp số").format(n=count),
            suggested_name="ban-xem-truoc.pdf",
        )

    def _on_issue_button_clicked(self) -> None:
        request = self._chosen_request()
        if request is None:
            return
        certificates = self._services.certificates
        keys = self._services.keys
        create_key = keys.show() is None
        out = self._scratch.new_pdf("chung-nhan")
        label = self.kind.currentText()

        def action(passphrase: str, progress: Progress) -> IssueResult:
            if create_key:
                keys.ensure(passphrase)
            return certificates.issue(request, passphrase, out, progress)

        count = len(request.person_ids)
        self.prompt = PassphrasePrompt(
            self._runner,
            _("Cấp giấy chứng nhận"),
            _(
                "Cấp {n} {kind} cho những người đã chọn. Mỗi giấy nhận một số liên tục và được ký bằng "
                "khóa của chi hội; giấy đã cấp chỉ có thể hủy kèm lý do, số vẫn được giữ."
            ).format(n=count, kind=label.lower()),
            _("Cấp và in"),
            action,
            self,
            progress_label=_("Đang cấp {n} giấy…").format(n=count),
            create_key=create_key,
        )
        self.prompt.done_with.connect(self._on_issued)
        self.prompt.stopped.connect(self._on_issue_stopped)
        self.prompt.open()

    def _on_issued(self, result: IssueResult) -> None:
        self.last_result = result
        serials = [c.serial for c in result.certificates]
        text = (
            _("Đã cấp {n} giấy: {first} đến {last}.").format(
                n=len(serials), first=serials[0], last=serials[-1]
            )
            if len(serials) > 1
            else _("Đã cấp giấy {serial}.").format(serial=serials[0])
        )
        if result.skipped:
            text += " " + _("Không cấp lại cho người đã có giấy này: {names}.").format(
                names=", ".join(result.skipped)
            )
        self.result.setText(text + " " + _("Bấm “In…” để in."))
        self.result.show()
        first = serials[0]
        self.viewer.load(
            result.path,
            caption=_("Giấy đã cấp: {n}").format(n=len(serials)),
            suggested_name=f"{first}.pdf" if len(serials) == 1 else f"{first}-{len(serials)}-giay.pdf",
        )
        self.viewer.print_button.setFocus()
        self.issued.emit(result)

    def _on_issue_stopped(self) -> None:
        self.result.setText(_("Đã dừng; chưa cấp giấy nào."))
        self.result.show()


class CertificatesSection(QWidget):
    def __init__(self, services: Services, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._runner = runner
        self.issue = IssueTab(services, runner)
        self.issued = IssuedTab(services, runner)
        self.sheets = DistributionSheetsTab(services, runner)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.issue, _("Cấp giấy"))
        self.tabs.addTab(self.issued, _("Đã cấp"))
        self.tabs.addTab(self.sheets, _("Danh sách cấp phát"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 16)
        layout.setSpacing(8)
        layout.addWidget(title_label(_("Chứng nhận")))
        layout.addWidget(
            muted_label(
                _(
                    "Giấy chứng nhận, thư cảm ơn và giấy khen có số liên tục và mã QR có chữ ký của chi "
                    "hội; ai cũng kiểm tra được ở thẻ “Đã cấp” → “Kiểm tra mã…”."
                )
            )
        )
        layout.addWidget(self.tabs, 1)
        self.tabs.currentChanged.connect(self._on_tabs_current_changed)
        self.issue.issued.connect(self._on_issue_issued)
        self._shown = False

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.issue.load_campaigns()
        if not self._shown:
            self._shown = True
            self.issue.find_candidates()
        self._refresh_current()

    def _on_issue_issued(self, _result: IssueResult) -> None:
        self.issued.refresh()

    def _on_tabs_current_changed(self, _index: int) -> None:
        self._refresh_current()

    def _refresh_current(self) -> None:
        page = self.tabs.currentWidget()
        if page is self.issued:
            self.issued.refresh()
        elif page is self.sheets:
            self.sheets.refresh()
