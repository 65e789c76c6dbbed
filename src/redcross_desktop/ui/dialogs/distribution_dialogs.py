# SPDX-License-Identifier: MIT
"""Dialogs of the distribution lists: a new list, a line added to a draft, and the reconciliation
where each row is marked received (with the proxy's name) or not. Qt is imported here."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from ...core.errors import RedCrossError
from ...core.i18n import _
from ...core.vn import format_vnd, normalize_text
from ...domain.codes import RELIEF_KINDS, VULNERABLE_GROUPS
from ...services.container import Services
from ...services.distributions import (
    DistributionDetail,
    DistributionLineInput,
    DistributionLineRow,
    DistributionListRow,
    ReconcileResult,
    SavedLine,
)
from ...services.relief import REVIEWED_KINDS
from ..tasks import Op, Runner
from ..widgets.amount_edit import AmountEdit
from ..widgets.date_edit import DateEdit
from ..widgets.person_picker import PersonPicker
from .form_dialog import FormDialog


def goods_text(line: DistributionLineRow) -> str:
    if line.item_id is None or not line.quantity:
        return ""
    return f"{line.quantity} {line.unit} {line.item_name}"


class NewListDialog(FormDialog):
    """ "Lập danh sách": a new draft list."""

    saved = Signal(object)  # DistributionListRow

    def __init__(self, services: Services, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(_("Lập danh sách cấp phát"), parent)
        self._services = services
        self._runner = runner
        self.title_edit = QLineEdit()
        self.title_edit.setPlaceholderText(_("Ví dụ: Cấp quà Tết Nhân ái 2026 - Tổ 3"))
        self.planned_on = DateEdit(date.today())
        self.programme = QComboBox()
        self.programme.setEditable(True)
        self.programme.addItem("")
        self.programme.addItems(services.relief.programmes())
        self.kind = QComboBox()
        for code, label in RELIEF_KINDS.items():
            self.kind.addItem(_(label), code)
        self.campaign = QComboBox()
        self.campaign.addItem(_("— Không gắn đợt vận động —"), None)
        for campaign in services.campaigns.list():
            self.campaign.addItem(campaign.name, campaign.id)
        self.add_field("title", _("Tên danh sách (*)"), self.title_edit)
        self.add_field("planned_on", _("Ngày cấp dự kiến (*)"), self.planned_on)
        self.add_field("programme", _("Chương trình"), self.programme)
        self.add_field("relief_kind", _("Loại hỗ trợ (*)"), self.kind)
        self.add_field("campaign_id", _("Đợt vận động"), self.campaign)
        self.title_edit.textChanged.connect(self._on_title_text_changed)
        self.title_edit.setFocus()

    def _on_title_text_changed(self, text: str) -> None:
        if text.strip():
            self.mark("title", "")

    def _on_save(self) -> None:
        ok = self.planned_on.check()
        if not normalize_text(self.title_edit.text()):
            self.mark("title", _("Hãy nhập tên danh sách."))
            self.title_edit.setFocus()
            return
        if not ok:
            self.planned_on.setFocus()
            return
        title, planned_on = self.title_edit.text(), self.planned_on.value()
        assert planned_on is not None
        programme, kind = self.programme.currentText(), str(self.kind.currentData())
        campaign_id = self.campaign.currentData()
        distributions = self._services.distributions
        self.saving(True)
        Op(
            self,
            lambda _p: distributions.create_list(title, planned_on, programme, kind, campaign_id),
            writes=True,
        ).success(self._on_saved).failure(self.show_failure).run(self._runner)

    def _on_saved(self, row: DistributionListRow) -> None:
        self.saved.emit(row)
        self.accept()


class LineDialog(FormDialog):
    """ "Thêm người vào danh sách": one beneficiary of a draft list, with cash and/or one item."""

    saved = Signal(object)  # SavedLine

    def __init__(
        self, services: Services, runner: Runner, list_id: int, parent: QWidget | None = None
    ) -> None:
        super().__init__(_("Thêm người vào danh sách"), parent, width=680)
        self._services = services
        self._runner = runner
        self._list_id = list_id
        self.person = PersonPicker(services, runner)
        self.group = QComboBox()
        self.group.addItem(_("— Không ghi —"), "")
        for code, label in VULNERABLE_GROUPS.items():
            self.group.addItem(_(label), code)
        self.cash = AmountEdit()
        self.item = QComboBox()
        self.item.addItem(_("— Không có hiện vật —"), None)
        self._balances = {b.item_id: b for b in services.stock.balances()}
        for balance in self._balances.values():
            self.item.addItem(f"{balance.name} ({balance.unit})", balance.item_id)
        self.quantity = QSpinBox()
        self.quantity.setRange(0, 1_000_000)
        self.stock = QLabel()
        self.stock.setObjectName("muted")
        self.note_edit = QLineEdit()
        self.add_field("person", _("Người nhận (*)"), self.person)
        self.add_field("group_code", _("Đối tượng"), self.group)
        self.add_field("cash_vnd", _("Tiền mặt (đồng)"), self.cash)
        self.add_field("item_id", _("Hiện vật"), self.item, self.stock)
        self.add_field("quantity", _("Số lượng"), self.quantity)
        self.add_field("note", _("Ghi chú"), self.note_edit)
        self.item.currentIndexChanged.connect(self._on_item_changed)
        self.quantity.valueChanged.connect(self._on_item_changed)
        self._on_item_changed()
        self.person.setFocus()

    def _on_item_changed(self, *_args: object) -> None:
        item_id = self.item.currentData()
        balance = self._balances.get(item_id) if item_id is not None else None
        self.quantity.setEnabled(balance is not None)
        self.stock.setText(
            _("Trong kho còn {n} {unit}").format(n=balance.quantity, unit=balance.unit) if balance else ""
        )
        if balance is not None and self.quantity.value() > balance.quantity:
            self.mark(
                "quantity",
                _(
                    "Kho chỉ còn {n} {unit}; danh sách vẫn lưu được, nhưng cần nhập thêm hàng trước khi cấp."
                ).format(n=balance.quantity, unit=balance.unit),
                "warning",
            )
        else:
            self.mark("quantity", "")

    def _on_save(self) -> None:
        if not self.person.check():
            self.person.setFocus()
            return
        if not self.cash.check():
            self.cash.setFocus()
            return
        item_id = self.item.currentData()
        if not (self.cash.value() or 0) and item_id is None:
            self.mark("cash_vnd", _("Hãy nhập số tiền hoặc chọn hiện vật cấp cho người này."))
            self.cash.setFocus()
            return
        if item_id is not None and self.quantity.value() <= 0:
            self.mark("quantity", _("Hãy nhập số lượng hiện vật."))
            self.quantity.setFocus()
            return
        person = self.person.person()
        assert person is not None
        data = DistributionLineInput(
            person_id=person.id,
            group_code=str(self.group.currentData() or ""),
            cash_vnd=self.cash.value() or 0,
            item_id=item_id,
            quantity=self.quantity.value() if item_id is not None else 0,
            note=self.note_edit.text(),
        )
        distributions, list_id = self._services.distributions, self._list_id
        self.saving(True)
        Op(self, lambda _p: distributions.add_line(list_id, data), writes=True).success(
            self._on_saved
        ).failure(self._on_failed).run(self._runner)

    def _on_failed(self, error: RedCrossError) -> None:
        self.show_failure(error, {"person_id": "person"})

    def _on_saved(self, saved: SavedLine) -> None:
        self.saved.emit(saved)
        self.accept()


class ReconcileDialog(FormDialog):
    """ "Đối chiếu": after the signing, each row is marked received or not; a relief record is
    created for each received row and its goods leave stock; goods not collected stay in stock."""

    reconciled = Signal(object)  # ReconcileResult

    RECEIVED, NAME, GOODS, PROXY = 0, 2, 4, 5

    def __init__(
        self,
        services: Services,
        runner: Runner,
        detail: DistributionDetail,
        parent: QWidget | None = None,
    ) -> None:
        row = detail.distribution
        super().__init__(_("Đối chiếu danh sách: {title}").format(title=row.title), parent, width=900)
        self._services = services
        self._runner = runner
        self._detail = detail
        self.setMinimumHeight(520)
        self.save_button.setText(_("Đối chiếu"))
        self.given_on = DateEdit(row.planned_on, allow_future=False)
        self.add_field("given_on", _("Ngày cấp thực tế (*)"), self.given_on)
        self._reviewed = row.relief_kind in REVIEWED_KINDS
        self.review = QLineEdit()
        self.review.setPlaceholderText(_("Số, ngày biên bản bình xét công khai"))
        self.confirmation = QLineEdit()
        self.confirmation.setPlaceholderText(_("Số, ngày văn bản xác nhận của UBND xã"))
        if self._reviewed:
            self.add_field("review_minutes_ref", _("Biên bản bình xét (*)"), self.review)
            self.add_field("confirmation_ref", _("Xác nhận của UBND xã (*)"), self.confirmation)
        self.checks: dict[int, QCheckBox] = {}
        self.proxies: dict[int, QLineEdit] = {}
        self.table = QTableWidget(len(detail.lines), 6)
        self.table.setHorizontalHeaderLabels(
            [_("Đã nhận"), _("STT"), _("Họ và tên"), _("Tiền mặt"), _("Hiện vật"), _("Người nhận thay")]
        )
        self.table.verticalHeader().hide()
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(self.NAME, QHeaderView.ResizeMode.Stretch)
        for column, width in ((0, 80), (1, 50), (3, 110), (4, 170), (5, 200)):
            self.table.setColumnWidth(column, width)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 16)
        for position, line in enumerate(detail.lines):
            check = QCheckBox()
            check.setChecked(True)
            check.setToolTip(_("Bỏ đánh dấu nếu người này không đến nhận"))
            proxy = QLineEdit()
            proxy.setPlaceholderText(_("Họ tên người nhận thay (nếu có)"))
            check.toggled.connect(proxy.setEnabled)
            check.toggled.connect(self._on_counts_changed)
            self.checks[line.id] = check
            self.proxies[line.id] = proxy
            holder = QWidget()
            holder.setLayout(_centered(check))
            self.table.setCellWidget(position, self.RECEIVED, holder)
            for column, text in (
                (1, str(line.line_no)),
                (2, line.full_name),
                (3, format_vnd(line.cash_vnd) if line.cash_vnd else ""),
                (4, goods_text(line)),
            ):
                item = QTableWidgetItem(text)
                if column in (1, 3):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(position, column, item)
            self.table.setCellWidget(position, self.PROXY, proxy)
        self.counts = QLabel()
        self.extra.addWidget(self.table, 1)
        self.extra.addWidget(self.counts)
        self.note.setText(
            _(
                "Mỗi người đã nhận được ghi thành một lần hỗ trợ và hiện vật được xuất kho; hàng của người "
                "không nhận vẫn ở trong kho. Nhấn Enter để đối chiếu, Esc để bỏ qua."
            )
        )
        self.review.textChanged.connect(self._on_review_text_changed)
        self.confirmation.textChanged.connect(self._on_review_text_changed)
        self._on_counts_changed()
        self._check_review()

    def received(self) -> dict[int, tuple[bool, str]]:
        return {
            line_id: (check.isChecked(), self.proxies[line_id].text() if check.isChecked() else "")
            for line_id, check in self.checks.items()
        }

    def _on_counts_changed(self, *_args: object) -> None:
        got = sum(1 for check in self.checks.values() if check.isChecked())
        cash = sum(line.cash_vnd for line in self._detail.lines if self.checks[line.id].isChecked())
        self.counts.setText(
            _("Đã nhận: {got}/{total} người · tiền mặt {cash}").format(
                got=got, total=len(self.checks), cash=format_vnd(cash)
            )
        )

    def _check_review(self) -> bool:
        if not self._reviewed:
            return True
        ok = True
        for key, edit, message in (
            (
                "review_minutes_ref",
                self.review,
                _("Trợ giúp thường xuyên cần biên bản bình xét công khai; hãy ghi số, ngày."),
            ),
            (
                "confirmation_ref",
                self.confirmation,
                _("Trợ giúp thường xuyên cần xác nhận của UBND xã; hãy ghi số, ngày."),
            ),
        ):
            missing = not normalize_text(edit.text())
            self.mark(key, message if missing else "")
            ok = ok and not missing
        return ok

    def _on_review_text_changed(self, _text: str) -> None:
        self._check_review()

    def _on_save(self) -> None:
        if not self.given_on.check():
            self.given_on.setFocus()
            return
        if not self._check_review():
            self.focus_first_error(["review_minutes_ref", "confirmation_ref"])
            return
        given_on = self.given_on.value()
        received = self.received()
        review, confirmation = self.review.text(), self.confirmation.text()
        distributions, list_id = self._services.distributions, self._detail.distribution.id
        self.saving(True)
        Op(
            self,
            lambda _p: distributions.reconcile(
                list_id,
                received,
                given_on=given_on,
                review_minutes_ref=review,
                confirmation_ref=confirmation,
            ),
            writes=True,
        ).with_progress(_("Đang đối chiếu và xuất kho…"), cancellable=False).success(self._on_done).failure(
            self.show_failure
        ).run(self._runner)

    def _on_done(self, result: ReconcileResult) -> None:
        self.reconciled.emit(result)
        self.accept()


def _centered(widget: QWidget) -> QHBoxLayout:
    layout = QHBoxLayout()
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(widget, 0, Qt.AlignmentFlag.AlignCenter)
    return layout
