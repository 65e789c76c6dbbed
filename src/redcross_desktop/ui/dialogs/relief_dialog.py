# SPDX-License-Identifier: MIT
""" "Thêm hỗ trợ" / "Sửa hỗ trợ": one relief record, its goods taken from stock in the same save.
Qt is imported here.

Regular aid (trợ giúp thường xuyên) needs the bình xét minutes and the commune People's Committee's
confirmation (Law 11/2008); the form says so as soon as that kind is chosen, not only on saving.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ...core.errors import RedCrossError
from ...core.i18n import _
from ...core.vn import format_vnd, normalize_text
from ...domain.codes import RELIEF_KINDS, VULNERABLE_GROUPS
from ...services.container import Services
from ...services.households import HouseholdRow
from ...services.relief import REVIEWED_KINDS, ReliefInput, ReliefItemInput, ReliefRow, SavedRelief
from ...services.stock import StockBalance
from ..tasks import Op, Runner
from ..widgets.amount_edit import AmountEdit
from ..widgets.date_edit import DateEdit
from ..widgets.person_picker import PersonPicker
from .form_dialog import FormDialog

MAX_QUANTITY = 1_000_000
GROUP_COLUMNS = 3

# The service's field names → the form's keys.
FIELD_KEYS = {
    "given_on": "given_on",
    "person_id": "person",
    "household_id": "household",
    "kind": "kind",
    "groups": "groups",
    "cash_vnd": "cash",
    "items": "goods",
    "campaign_id": "campaign",
    "people_covered": "covered",
    "review_minutes_ref": "review",
    "confirmation_ref": "confirmation",
}


def household_label(household: HouseholdRow) -> str:
    head = household.head_name or _("chưa ghi chủ hộ")
    return _("Hộ {head} — {thon}").format(head=head, thon=household.thon or _("chưa ghi thôn"))


class GoodsLine(QWidget):
    """One item and quantity, with what the store holds beside it."""

    changed = Signal()
    removed = Signal(object)  # self

    def __init__(self, balances: Sequence[StockBalance], available: Mapping[int, int]) -> None:
        super().__init__()
        self._available = available
        self._units = {b.item_id: b.unit for b in balances}
        self.item = QComboBox()
        self.item.addItem(_("— Chọn mặt hàng —"), None)
        for balance in balances:
            self.item.addItem(f"{balance.name} ({balance.unit})", balance.item_id)
        self.quantity = QSpinBox()
        self.quantity.setRange(0, MAX_QUANTITY)
        self.quantity.setFixedWidth(90)
        self.stock = QLabel()
        self.stock.setObjectName("muted")
        self.stock.setMinimumWidth(110)
        self.remove_button = QPushButton(_("Bỏ"))
        self.remove_button.setAutoDefault(False)
        self.remove_button.setToolTip(_("Bỏ mặt hàng này khỏi lần hỗ trợ"))
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(6)
        row.addWidget(self.item, 1)
        row.addWidget(self.quantity)
        row.addWidget(self.stock)
        row.addWidget(self.remove_button)
        self.item.currentIndexChanged.connect(self._on_changed)
        self.quantity.valueChanged.connect(self._on_changed)
        self.remove_button.clicked.connect(self._on_remove_button_clicked)

    def item_id(self) -> int | None:
        data = self.item.currentData()
        return int(data) if data is not None else None

    def set_line(self, item_id: int, quantity: int) -> None:
        self.item.setCurrentIndex(max(0, self.item.findData(item_id)))
        self.quantity.setValue(quantity)

    def available(self) -> int | None:
        item_id = self.item_id()
        return None if item_id is None else self._available.get(item_id, 0)

    def short(self) -> bool:
        available = self.available()
        return available is not None and self.quantity.value() > available

    def _on_changed(self, _value: int) -> None:
        item_id = self.item_id()
        available = self.available()
        if item_id is None or available is None:
            self.stock.setText("")
        else:
            self.stock.setText(_("còn {n} {unit}").format(n=available, unit=self._units.get(item_id, "")))
        self.changed.emit()

    def _on_remove_button_clicked(self) -> None:
        self.removed.emit(self)


class GoodsLines(QWidget):
    """The goods given: lines added with "Thêm mặt hàng", each checked against the stock."""

    changed = Signal()

    def __init__(self, balances: Sequence[StockBalance], available: Mapping[int, int]) -> None:
        super().__init__()
        self._balances = list(balances)
        self._available = available
        self.lines: list[GoodsLine] = []
        self.rows = QVBoxLayout()
        self.rows.setContentsMargins(0, 0, 0, 0)
        self.rows.setSpacing(4)
        self.add_button = QPushButton(_("Thêm mặt hàng"))
        self.add_button.setAutoDefault(False)
        self.add_button.clicked.connect(self._on_add_button_clicked)
        self.empty = QLabel(_("Kho chưa có mặt hàng nào.") if not balances else "")
        self.empty.setObjectName("muted")
        self.empty.setVisible(not balances)
        self.add_button.setEnabled(bool(balances))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(self.rows)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.empty, 1)
        layout.addLayout(buttons)

    def add_line(self, item_id: int | None = None, quantity: int = 0) -> GoodsLine:
        line = GoodsLine(self._balances, self._available)
        if item_id is not None:
            line.set_line(item_id, quantity)
        line.changed.connect(self.changed)
        line.removed.connect(self._on_line_removed)
        self.lines.append(line)
        self.rows.addWidget(line)
        self.changed.emit()
        return line

    def items(self) -> tuple[ReliefItemInput, ...]:
        return tuple(
            ReliefItemInput(item_id, line.quantity.value())
            for line in self.lines
            if (item_id := line.item_id()) is not None and line.quantity.value() > 0
        )

    def error(self) -> str:
        for line in self.lines:
            if line.item_id() is not None and line.quantity.value() <= 0:
                return _("Hãy nhập số lượng cho {item}.").format(item=line.item.currentText())
            if line.short():
                return _("Kho chỉ còn {n} cho {item}; hãy giảm số lượng hoặc nhập thêm hàng.").format(
                    n=line.available(), item=line.item.currentText()
                )
        return ""

    def _on_add_button_clicked(self) -> None:
        self.add_line().item.setFocus()

    def _on_line_removed(self, line: GoodsLine) -> None:
        self.lines.remove(line)
        line.setParent(None)
        line.deleteLater()
        self.changed.emit()


class ReliefDialog(FormDialog):
    """Adds a relief record, or corrects one (`record`)."""

    saved = Signal(object)  # SavedRelief

    def __init__(
        self,
        services: Services,
        runner: Runner,
        record: ReliefRow | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(_("Sửa hỗ trợ") if record else _("Thêm hỗ trợ"), parent, width=1100)
        self._services = services
        self._runner = runner
        self._record = record

        self.given_on = DateEdit(date.today(), allow_future=False)
        self.person = PersonPicker(services, runner, required=False)
        self.household = QComboBox()
        self.household.addItem(_("— Không chọn hộ —"), None)
        for household in services.households.list():
            self.household.addItem(household_label(household), household.id)
        self.kind = QComboBox()
        for code, label in RELIEF_KINDS.items():
            self.kind.addItem(_(label), code)
        self.programme = QComboBox()
        self.programme.setEditable(True)
        self.programme.addItem("")
        self.programme.addItems(services.relief.programmes())
        programme_edit = self.programme.lineEdit()
        if programme_edit is not None:
            programme_edit.setPlaceholderText(_("Ví dụ: Tết Nhân ái 2026"))
        self.groups: dict[str, QCheckBox] = {}
        groups_box = QWidget()
        grid = QGridLayout(groups_box)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(2)
        for position, (code, label) in enumerate(VULNERABLE_GROUPS.items()):
            box = QCheckBox(_(label))
            self.groups[code] = box
            grid.addWidget(box, position // GROUP_COLUMNS, position % GROUP_COLUMNS)
        self.review = QLineEdit()
        self.review.setPlaceholderText(_("Số, ngày biên bản bình xét công khai"))
        self.confirmation = QLineEdit()
        self.confirmation.setPlaceholderText(_("Số, ngày văn bản xác nhận của UBND xã"))

        self.cash = AmountEdit()
        own = {item.item_id: item.quantity for item in record.items} if record else {}
        balances = services.stock.balances()
        # A correction re-issues the goods: what this record took counts as available again.
        available = {b.item_id: b.quantity + own.get(b.item_id, 0) for b in balances}
        self.goods = GoodsLines(balances, available)
        self.campaign = QComboBox()
        self.campaign.addItem(_("— Không gắn đợt vận động —"), None)
        for campaign in services.campaigns.list():
            self.campaign.addItem(campaign.name, campaign.id)
        self.covered = QSpinBox()
        self.covered.setRange(0, 10_000)
        self.covered.setSpecialValueText(_("Tự tính (1 người, hoặc số khẩu của hộ)"))
        self.note_edit = QLineEdit()
        self.total = QLabel()
        self.total.setObjectName("subTitle")

        self.add_field("given_on", _("Ngày hỗ trợ (*)"), self.given_on)
        self.add_field("person", _("Người nhận"), self.person)
        self.add_field("household", _("Hộ nhận"), self.household)
        self.add_field("kind", _("Loại hỗ trợ (*)"), self.kind)
        self.add_field("programme", _("Chương trình"), self.programme)
        self.review_label = self.add_field("review", _("Biên bản bình xét"), self.review)
        self.confirmation_label = self.add_field("confirmation", _("Xác nhận của UBND xã"), self.confirmation)
        right = self.add_column()
        self.add_field("cash", _("Tiền mặt (đồng)"), self.cash, form=right)
        self.add_field("goods", _("Hiện vật từ kho"), self.goods, form=right)
        self.add_field("campaign", _("Đợt vận động"), self.campaign, form=right)
        self.add_field("covered", _("Số người được hỗ trợ"), self.covered, form=right)
        self.add_field("note", _("Ghi chú"), self.note_edit, form=right)
        self.add_field("total", _("Tổng trị giá"), self.total, form=right)
        # The group names are long: they get the whole width under both columns.
        below = self.new_form()
        self.extra.addLayout(below)
        self.add_field("groups", _("Đối tượng"), groups_box, form=below)

        self.kind.currentIndexChanged.connect(self._on_kind_current_index_changed)
        self.review.textChanged.connect(self._on_review_text_changed)
        self.confirmation.textChanged.connect(self._on_review_text_changed)
        self.person.person_changed.connect(self._on_person_changed)
        self.household.currentIndexChanged.connect(self._on_household_current_index_changed)
        self.cash.changed.connect(self._on_amounts_changed)
        self.goods.changed.connect(self._on_amounts_changed)
        self._balances = {b.item_id: b for b in balances}
        if record is not None:
            self._fill(record)
        self._check_review()
        self._on_amounts_changed()
        self.given_on.setFocus()

    def _fill(self, record: ReliefRow) -> None:
        self.given_on.set_value(record.given_on)
        if record.person_id is not None:
            self.person.set_person(self._services.people.get(record.person_id))
        self.household.setCurrentIndex(max(0, self.household.findData(record.household_id)))
        self.kind.setCurrentIndex(max(0, self.kind.findData(record.kind)))
        self.programme.setCurrentText(record.programme)
        for code in record.groups:
            if code in self.groups:
                self.groups[code].setChecked(True)
        self.review.setText(record.review_minutes_ref)
        self.confirmation.setText(record.confirmation_ref)
        if record.cash_vnd:
            self.cash.set_value(record.cash_vnd)
        for item in record.items:
            self.goods.add_line(item.item_id, item.quantity)
        self.campaign.setCurrentIndex(max(0, self.campaign.findData(record.campaign_id)))
        self.covered.setValue(record.people_covered)
        self.note_edit.setText(record.note)

    # ---- checks as you type -----------------------------------------------------------------

    def _reviewed(self) -> bool:
        return self.kind.currentData() in REVIEWED_KINDS

    def _check_review(self) -> bool:
        """Regular aid: both references are required, and the form says so while they are empty."""
        reviewed = self._reviewed()
        self.review_label.setText(_("Biên bản bình xét (*)") if reviewed else _("Biên bản bình xét"))
        self.confirmation_label.setText(
            _("Xác nhận của UBND xã (*)") if reviewed else _("Xác nhận của UBND xã")
        )
        ok = True
        if reviewed and not normalize_text(self.review.text()):
            self.mark(
                "review",
                _("Trợ giúp thường xuyên cần biên bản bình xét công khai (Luật 11/2008); hãy ghi số, ngày."),
            )
            ok = False
        else:
            self.mark("review", "")
        if reviewed and not normalize_text(self.confirmation.text()):
            self.mark(
                "confirmation",
                _("Trợ giúp thường xuyên cần xác nhận của UBND xã (Luật 11/2008); hãy ghi số, ngày."),
            )
            ok = False
        else:
            self.mark("confirmation", "")
        return ok

    def _on_kind_current_index_changed(self, _index: int) -> None:
        self._check_review()

    def _on_review_text_changed(self, _text: str) -> None:
        self._check_review()

    def _on_person_changed(self, person: object) -> None:
        household_id = getattr(person, "household_id", None)
        if household_id is not None and self.household.currentData() is None:
            self.household.setCurrentIndex(max(0, self.household.findData(household_id)))
        if person is not None or self.household.currentData() is not None:
            self.mark("person", "")

    def _on_household_current_index_changed(self, _index: int) -> None:
        if self.household.currentData() is not None:
            self.mark("person", "")

    def _goods_value(self) -> int:
        """The goods at the store's average value, as the issue will value them."""
        value = 0
        for line in self.goods.items():
            balance = self._balances.get(line.item_id)
            if balance is not None and balance.quantity > 0:
                value += balance.value_vnd * line.quantity // balance.quantity
        return value

    def _on_amounts_changed(self) -> None:
        error = self.goods.error()
        self.mark("goods", error)
        cash = self.cash.value() or 0
        goods = self._goods_value()
        self.total.setText(format_vnd(cash + goods))
        if (cash or self.goods.items()) and not self.cash.error():
            self.mark("cash", "")

    def _check_all(self) -> bool:
        checks: list[tuple[str, bool]] = [("given_on", self.given_on.check())]
        has_person = self.person.person() is not None
        if self.person.edit.text().strip() and not has_person:
            self.person.check()
            checks.append(("person", False))
        elif not has_person and self.household.currentData() is None:
            self.mark("person", _("Hãy chọn người nhận hoặc hộ nhận hỗ trợ."))
            checks.append(("person", False))
        checks.append(("cash", self.cash.check()))
        goods_error = self.goods.error()
        self.mark("goods", goods_error)
        checks.append(("goods", not goods_error))
        if not self.cash.error() and not (self.cash.value() or 0) and not self.goods.items():
            self.mark("cash", _("Hãy nhập số tiền hoặc hiện vật hỗ trợ."))
            checks.append(("cash", False))
        checks.append(("review", self._check_review()))
        first_bad = next((key for key, ok in checks if not ok), None)
        if first_bad is not None:
            self.fields[first_bad].setFocus()
        return first_bad is None

    # ---- saving -----------------------------------------------------------------------------

    def relief_input(self) -> ReliefInput:
        person = self.person.person()
        given_on = self.given_on.value()
        assert given_on is not None
        return ReliefInput(
            given_on=given_on,
            kind=str(self.kind.currentData()),
            person_id=person.id if person is not None else None,
            household_id=self.household.currentData(),
            programme=self.programme.currentText(),
            groups=tuple(code for code, box in self.groups.items() if box.isChecked()),
            cash_vnd=self.cash.value() or 0,
            items=self.goods.items(),
            campaign_id=self.campaign.currentData(),
            people_covered=self.covered.value() or None,
            review_minutes_ref=self.review.text(),
            confirmation_ref=self.confirmation.text(),
            note=self.note_edit.text(),
        )

    def _on_save(self) -> None:
        if not self._check_all():
            return
        data = self.relief_input()
        relief = self._services.relief
        record_id = self._record.id if self._record is not None else None
        self.saving(True)
        (
            Op(
                self,
                lambda _p: relief.record(data) if record_id is None else relief.edit(record_id, data),
                writes=True,
            )
            .success(self._on_saved)
            .failure(self._on_save_failed)
            .run(self._runner)
        )

    def _on_saved(self, saved: SavedRelief) -> None:
        self.saved.emit(saved)
        self.accept()

    def _on_save_failed(self, error: RedCrossError) -> None:
        self.show_failure(error, FIELD_KEYS)
