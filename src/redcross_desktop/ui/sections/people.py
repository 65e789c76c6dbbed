# SPDX-License-Identifier: MIT
"""Người: find a person as you type, browse everyone in Vietnamese name order, add and correct
people. Qt is imported here.

One person is registered once and reused as donor, beneficiary, blood donor, member or volunteer,
so this list is the place to look before typing a name anywhere else.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from datetime import date
from functools import partial

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ...core.errors import RedCrossError, ValidationError
from ...core.i18n import N_, _
from ...core.vn import format_date, format_vnd, parse_date, split_name, validate_cccd, validate_phone
from ...services.container import Services
from ...services.people import PersonInput, PersonRow, SavedPerson
from ..errors import show_error
from ..models.lazy_table import CENTER, Column, LazyTableModel
from ..qt_i18n import translate_buttons
from ..style import muted_label, set_primary, title_label
from ..tasks import Op, Runner
from ..widgets.hint import Hint, repolish
from ..widgets.lazy_navigation import LazyNavigation
from ..widgets.record_table import style_record_view

SEARCH_DELAY_MS = 250  # long enough not to query on every keystroke of a fast typist
SEARCH_LIMIT = 200

SEX_LABELS = {"M": N_("Nam"), "F": N_("Nữ")}

COLUMNS: tuple[Column[PersonRow], ...] = (
    Column(N_("Họ và tên"), lambda p: p.full_name),
    Column(N_("Giới tính"), lambda p: _(SEX_LABELS[p.sex]) if p.sex in SEX_LABELS else ""),
    Column(N_("Năm sinh"), lambda p: p.year_of_birth, CENTER),
    Column(N_("Điện thoại"), lambda p: p.phone),
    Column(N_("Thôn/tổ"), lambda p: p.thon),
)
COLUMN_WIDTHS = (280, 90, 90, 140)  # the last column stretches

_YEAR_RE = re.compile(r"\d{4}")


class PersonDialog(QDialog):
    """Adds a person, or corrects one. Fields are checked as they are typed; the service checks
    again when saving (and refuses a CCCD that is already registered)."""

    saved = Signal(object)  # SavedPerson

    _FIELD_OF_ERROR = {
        "full_name": "full_name",
        "ten": "full_name",
        "sex": "sex",
        "birth_date": "birth",
        "birth_year": "birth",
        "cccd": "cccd",
        "phone": "phone",
    }

    def __init__(
        self,
        services: Services,
        runner: Runner,
        person: PersonRow | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._runner = runner
        self._person = person
        self.setWindowTitle(_("Sửa thông tin người") if person else _("Thêm người"))
        self.setMinimumWidth(640)

        self.full_name = QLineEdit()
        self.full_name.setPlaceholderText(_("Ví dụ: Nguyễn Văn Đức"))
        self.sex = QComboBox()
        self.sex.addItem(_("Chưa rõ"), None)
        for code, label in SEX_LABELS.items():
            self.sex.addItem(_(label), code)
        self.birth = QLineEdit()
        self.birth.setPlaceholderText(_("ngày/tháng/năm, ví dụ 05/03/1980; hoặc chỉ năm sinh"))
        self.cccd = QLineEdit()
        self.cccd.setPlaceholderText(_("12 chữ số trên thẻ căn cước"))
        self.phone = QLineEdit()
        self.phone.setPlaceholderText(_("Ví dụ: 0912345678"))
        self.phone_suggestion = QPushButton()
        self.phone_suggestion.setAutoDefault(False)  # Enter must save, not take the suggestion
        self.phone_suggestion.hide()
        self.thon = QLineEdit()
        self.thon.setPlaceholderText(_("Ví dụ: Tổ 5"))
        self.address = QLineEdit()
        self.note = QLineEdit()
        self.hints = {key: Hint() for key in ("full_name", "sex", "birth", "cccd", "phone")}
        self._edits = {
            "full_name": self.full_name,
            "birth": self.birth,
            "cccd": self.cccd,
            "phone": self.phone,
        }

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.setVerticalSpacing(8)
        form.addRow(_("Họ và tên (*)"), self._with_hint(self.full_name, "full_name"))
        form.addRow(_("Giới tính"), self._with_hint(self.sex, "sex"))
        form.addRow(_("Ngày sinh"), self._with_hint(self.birth, "birth"))
        form.addRow(_("Số CCCD"), self._with_hint(self.cccd, "cccd"))
        form.addRow(_("Điện thoại"), self._with_hint(self.phone, "phone", self.phone_suggestion))
        form.addRow(_("Thôn/tổ"), self.thon)
        form.addRow(_("Địa chỉ"), self.address)
        form.addRow(_("Ghi chú"), self.note)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        translate_buttons(self.buttons)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setDefault(True)
        set_primary(self.save_button)
        self.cancel_button = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(muted_label(_("(*) bắt buộc. Nhấn Enter để lưu, Esc để bỏ qua.")))
        layout.addWidget(self.buttons)

        self.full_name.textChanged.connect(self._on_full_name_text_changed)
        self.birth.textChanged.connect(self._on_birth_text_changed)
        self.sex.currentIndexChanged.connect(self._on_sex_current_index_changed)
        self.cccd.textChanged.connect(self._on_cccd_text_changed)
        self.phone.textChanged.connect(self._on_phone_text_changed)
        self.phone_suggestion.clicked.connect(self._on_phone_suggestion_clicked)
        if person is not None:
            self._fill(person)
        self.full_name.setFocus()

    def _with_hint(self, field: QWidget, key: str, *below: QWidget) -> QVBoxLayout:
        # A layout, not a container widget: a hint's new height then reaches the dialog's layout at
        # once, and `_grow_to_fit` measures the real height.
        column = QVBoxLayout()
        column.setSpacing(2)
        column.addWidget(field)
        column.addWidget(self.hints[key])
        for widget in below:
            column.addWidget(widget, 0, Qt.AlignmentFlag.AlignLeft)
        return column

    def _fill(self, person: PersonRow) -> None:
        self.full_name.setText(person.full_name)
        self.sex.setCurrentIndex(max(0, self.sex.findData(person.sex)))
        if person.birth_date is not None:
            self.birth.setText(format_date(person.birth_date))
        elif person.birth_year is not None:
            self.birth.setText(str(person.birth_year))
        self.cccd.setText(person.cccd)
        self.phone.setText(person.phone)
        self.thon.setText(person.thon)
        self.address.setText(person.address)
        self.note.setText(person.note)

    # ---- checks as you type -----------------------------------------------------------------

    def _birth_value(self) -> tuple[date | None, int | None, str]:
        """(date, year, error) from the birth field; a year alone is allowed."""
        text = self.birth.text().strip()
        if not text:
            return None, None, ""
        this_year = date.today().year
        if _YEAR_RE.fullmatch(text):
            year = int(text)
            if not 1900 <= year <= this_year:
                return None, None, _("Năm sinh phải từ 1900 đến {year}.").format(year=this_year)
            return None, year, ""
        try:
            day = parse_date(text)
        except ValueError as exc:
            return None, None, str(exc)
        if day > date.today():
            return None, None, _("Ngày sinh ở tương lai; hãy kiểm tra lại.")
        return day, day.year, ""

    def _mark(self, key: str, text: str, kind: str = "error") -> None:
        self.hints[key].show_text(text, kind)
        edit = self._edits.get(key)
        if edit is not None:
            edit.setProperty("invalid", bool(text) and kind == "error")
            repolish(edit)
        self._grow_to_fit()

    def _grow_to_fit(self) -> None:
        """Makes room for hints that wrap: Qt does not grow a window for word-wrapped labels by itself."""
        layout = self.layout()
        if layout is None:
            return
        layout.activate()
        needed = self.heightForWidth(self.width())
        if needed > self.height():
            self.resize(self.width(), needed)

    def _on_full_name_text_changed(self, text: str) -> None:
        if text.strip():
            self._mark("full_name", "")

    def _on_birth_text_changed(self, _text: str) -> None:
        self._check_birth()
        self._check_cccd()

    def _on_sex_current_index_changed(self, _index: int) -> None:
        self._check_cccd()

    def _on_cccd_text_changed(self, _text: str) -> None:
        self._check_cccd()

    def _on_phone_text_changed(self, _text: str) -> None:
        self._check_phone()

    def _on_phone_suggestion_clicked(self) -> None:
        self.phone.setText(str(self.phone_suggestion.property("number")))
        self.phone.setFocus()

    def _check_birth(self) -> bool:
        day, year, error = self._birth_value()
        if error:
            self._mark("birth", error)
        elif year is not None and day is None:
            self._mark(
                "birth",
                _("Chỉ có năm sinh {year}; nếu biết ngày sinh, hãy nhập đủ.").format(year=year),
                "info",
            )
        elif day is not None and format_date(day) != self.birth.text().strip():
            self._mark("birth", _("Ngày sinh: {day}").format(day=format_date(day)), "info")
        else:
            self._mark("birth", "")
        return not error

    def _check_cccd(self) -> bool:
        text = self.cccd.text().strip()
        if not text:
            self._mark("cccd", "")
            return True
        _day, year, _error = self._birth_value()
        check = validate_cccd(text, birth_year=year, sex=self.sex.currentData())
        if check.errors:
            self._mark("cccd", " ".join(check.errors))
        elif check.warnings:
            self._mark("cccd", " ".join(check.warnings), "warning")
        else:
            self._mark("cccd", "")
        return check.valid

    def _check_phone(self) -> bool:
        self.phone_suggestion.hide()
        if not self.phone.text().strip():
            self._mark("phone", "")
            return True
        check = validate_phone(self.phone.text())
        if check.valid:
            self._mark("phone", "")
            return True
        self._mark("phone", check.message or _("Số điện thoại không hợp lệ."))
        if check.suggestion:
            self.phone_suggestion.setText(_("Dùng số {number}").format(number=check.suggestion))
            self.phone_suggestion.setProperty("number", check.suggestion)
            self.phone_suggestion.show()
            self._grow_to_fit()
        return False

    # ---- saving -----------------------------------------------------------------------------

    def _check_all(self) -> bool:
        name_ok = bool(self.full_name.text().strip())
        if not name_ok:
            self._mark("full_name", _("Hãy nhập họ và tên."))
        results = {
            "full_name": name_ok,
            "birth": self._check_birth(),
            "cccd": self._check_cccd(),
            "phone": self._check_phone(),
        }
        first_bad = next((key for key, ok in results.items() if not ok), None)
        if first_bad is not None:
            self._edits[first_bad].setFocus()
        return first_bad is None

    def _input(self) -> PersonInput:
        birth_date, birth_year, _error = self._birth_value()
        full_name = self.full_name.text()
        kept = self._person
        ten = ""
        if kept is not None and kept.ten != split_name(kept.full_name)[2] and kept.ten in full_name:
            ten = kept.ten  # a given name that is not the last word stays chosen
        # Start from everything stored, so fields this dialog does not show are kept on save.
        base = self._services.people.input_for(kept.id) if kept is not None else PersonInput(full_name="")
        return dataclasses.replace(
            base,
            full_name=full_name,
            sex=self.sex.currentData(),
            birth_date=birth_date,
            birth_year=birth_year,
            cccd=self.cccd.text(),
            phone=self.phone.text(),
            thon=self.thon.text(),
            address=self.address.text(),
            note=self.note.text(),
            ten=ten,
        )

    def _on_buttons_accepted(self) -> None:
        if not self._check_all():
            return
        data = self._input()
        people = self._services.people
        person_id = self._person.id if self._person else None
        self.save_button.setEnabled(False)
        (
            Op(
                self,
                lambda _p: people.create(data) if person_id is None else people.update(person_id, data),
                writes=True,
            )
            .success(self._on_saved)
            .failure(self._on_save_failed)
            .run(self._runner)
        )

    def _on_saved(self, saved: SavedPerson) -> None:
        self.saved.emit(saved)
        self.accept()

    def _on_save_failed(self, error: RedCrossError) -> None:
        self.save_button.setEnabled(True)
        if isinstance(error, ValidationError) and error.fields:
            unplaced = []
            for field, message in error.fields.items():
                key = self._FIELD_OF_ERROR.get(field)
                if key is None:
                    unplaced.append(message)
                else:
                    self._mark(key, message)
            if not unplaced:
                return
        show_error(self, error)


class PeopleSection(QWidget):
    """Empty search: everyone, paged lazily in name order. Typed text: the search results."""

    def __init__(self, services: Services, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._runner = runner
        self._search_generation = 0
        self.dialog: PersonDialog | None = None
        self.notice: QMessageBox | None = None
        self._select_when_shown: int | None = None  # a person just added, once the list shows them
        self._id_list_due = False  # the whole id list is read after the list's next paint

        self.add_button = QPushButton(_("Thêm người"))
        self.add_button.setShortcut(QKeySequence(QKeySequence.StandardKey.New))
        self.add_button.setToolTip(_("Thêm người mới (Ctrl+N)"))
        set_primary(self.add_button)
        self.add_button.clicked.connect(self._on_add_button_clicked)
        header = QHBoxLayout()
        header.addWidget(title_label(_("Người")))
        header.addStretch(1)
        header.addWidget(self.add_button)

        self.search = QLineEdit()
        self.search.setPlaceholderText(
            _("Tìm theo họ tên, số điện thoại hoặc số CCCD (gõ không dấu cũng được)")
        )
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._on_search_text_changed)
        self.search.returnPressed.connect(self._on_search_return_pressed)
        self.search.installEventFilter(self)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._run_search)

        self.summary = muted_label("")
        self.model = LazyTableModel(services.people, COLUMNS, parent=self)
        self.table = QTableView()
        self.table.setModel(self.model)
        style_record_view(self.table, COLUMN_WIDTHS, self.fontMetrics().height() + 12)
        self.table.activated.connect(self._on_table_activated)
        self.navigation = LazyNavigation(
            self.table, self.model
        )  # Ctrl+End: the last of a million names at once
        self.table.viewport().installEventFilter(self)

        self.empty = QLabel()
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setObjectName("muted")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 16)
        layout.setSpacing(10)
        layout.addLayout(header)
        layout.addWidget(self.search)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)
        self._show_everyone()

    # ---- search -----------------------------------------------------------------------------

    def focus_search(self) -> bool:
        self.search.setFocus()
        self.search.selectAll()
        return True

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self._id_list_due and event.type() == QEvent.Type.Paint and watched is self.table.viewport():
            # The first rows are being painted: only now read the whole id list. A worker reading a
            # million ids shares the GIL with the GUI thread and would slow that first paint.
            self._id_list_due = False
            QTimer.singleShot(0, self._load_id_list)
        if (
            watched is self.search
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Down
            and self.model.rowCount() > 0
        ):
            self.table.setFocus()
            self.table.selectRow(max(0, self.table.currentIndex().row()))
            return True
        return super().eventFilter(watched, event)

    def _on_search_text_changed(self, _text: str) -> None:
        self._search_timer.start()  # restarting it debounces: the search runs once typing pauses

    def _on_search_return_pressed(self) -> None:
        self._search_timer.stop()
        self._run_search()

    def _run_search(self) -> None:
        self._search_generation += 1
        text = self.search.text().strip()
        if not text:
            self._show_everyone()
            return
        people = self._services.people
        (
            Op(self, lambda _p: people.search(text, limit=SEARCH_LIMIT), writes=False)
            .success(partial(self._on_search_done, self._search_generation, text))
            .run(self._runner)
        )

    def _on_search_done(self, generation: int, text: str, rows: list[PersonRow]) -> None:
        if generation != self._search_generation:
            return  # the user typed on; a newer search is on its way
        self.model.set_rows(rows)
        if len(rows) >= SEARCH_LIMIT:
            self.summary.setText(
                _("Hiện {n} người đầu tiên khớp với “{text}”. Hãy gõ thêm để thu hẹp.").format(
                    n=len(rows), text=text
                )
            )
        else:
            self.summary.setText(_("Tìm thấy {n} người khớp với “{text}”.").format(n=len(rows), text=text))
        self._show_empty_hint(
            _(
                "Không tìm thấy ai khớp với “{text}”. Hãy thử gõ ít chữ hơn, hoặc tìm theo số điện thoại, "
                "số CCCD."
            ).format(text=text)
        )
        self._select_pending()

    def _show_everyone(self) -> None:
        self.model.reload()
        self._select_pending()
        people = self._services.people
        self._id_list_due = self.model.wants_id_list()
        self.table.viewport().update()
        generation = self._search_generation
        Op(self, lambda _p: people.count(), writes=False).success(
            partial(self._on_count_loaded, generation)
        ).run(self._runner)
        self._show_empty_hint(
            _("Chưa có ai trong danh sách. Bấm “Thêm người” (Ctrl+N) để thêm người đầu tiên.")
        )

    def _load_id_list(self) -> None:
        """The whole id list (a million in a quarter of a second), off the GUI thread; once it is
        in, the scroll bar spans every row and its bottom is the last name."""
        if not self.model.wants_id_list():
            return
        people = self._services.people
        (
            Op(self, lambda _p: people.all_ids(), writes=False)
            .success(partial(self._on_id_list_loaded, self.model.generation))
            .run(self._runner)
        )

    def _on_id_list_loaded(self, generation: int, ids: Sequence[int]) -> None:
        index = self.table.currentIndex()
        current = self.model.id_at(index.row()) if index.isValid() else None
        if not self.model.adopt_ids(ids, generation):
            return  # the list was reloaded or searched meanwhile; that one brings its own
        if current is not None and self._select_when_shown is None:
            self._select_when_shown = current  # after a jump to the end, stay on that row
        self._select_pending()

    def _on_count_loaded(self, generation: int, count: int) -> None:
        if generation == self._search_generation:
            self.summary.setText(
                _("Tất cả: {n} người, xếp theo tên.").format(n=format_vnd(count, suffix=False))
            )

    def _show_empty_hint(self, text: str) -> None:
        empty = self.model.rowCount() == 0
        self.empty.setText(text if empty else "")
        self.empty.setVisible(empty)

    def _refresh(self) -> None:
        """Shows the list again in its current mode, so a new or renamed person lands in order."""
        self._search_timer.stop()
        self._run_search()

    # ---- add and edit -----------------------------------------------------------------------

    def _on_add_button_clicked(self) -> None:
        self._open_dialog(None)

    def _on_table_activated(self, index: QModelIndex) -> None:
        person = self.model.row_at(index.row())
        if person is not None:
            self._open_dialog(person)

    def _open_dialog(self, person: PersonRow | None) -> None:
        self.dialog = PersonDialog(self._services, self._runner, person, self)
        self.dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog.saved.connect(partial(self._on_person_saved, person is None))
        self.dialog.open()

    def _on_person_saved(self, created: bool, saved: SavedPerson) -> None:
        person = saved.person
        if created:
            self._select_when_shown = person.id
            self._refresh()  # a new person lands in name order
        else:
            self.model.invalidate([person.id])  # keeps the place in a long list; order refreshes later
        if saved.warnings:
            self.notice = QMessageBox(
                QMessageBox.Icon.Information,
                _("Đã lưu"),
                _("Đã lưu {name}. Xin lưu ý:").format(name=person.full_name),
                QMessageBox.StandardButton.Ok,
                self,
            )
            self.notice.setInformativeText("\n".join(f"• {warning}" for warning in saved.warnings))
            translate_buttons(self.notice)
            self.notice.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            self.notice.open()

    def _select_pending(self) -> None:
        if self._select_when_shown is None:
            return
        position = self.model.position_of(self._select_when_shown)
        if position is None and self.model.wants_id_list():
            return  # not on the first page; the whole list, on its way, will have it
        self._select_when_shown = None
        if position is not None:
            self.table.selectRow(position)
            self.table.scrollTo(self.model.index(position, 0))
