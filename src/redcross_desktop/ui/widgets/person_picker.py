# SPDX-License-Identifier: MIT
"""Pick a person by typing part of a name, a phone or a CCCD number, or add a new person on the
spot. Qt is imported here.

One person is registered once and reused everywhere (donor, beneficiary, blood donor, member), so
every form that needs a person offers the people already known first and "Người mới…" second.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QCompleter, QHBoxLayout, QLineEdit, QPushButton, QVBoxLayout, QWidget

from ...core.i18n import _
from ...services.container import Services
from ...services.people import PersonRow, SavedPerson
from ..tasks import Runner
from .hint import Hint, mark_invalid

MIN_SEARCH_LENGTH = 2
RESULT_LIMIT = 15
PERSON_ROLE = Qt.ItemDataRole.UserRole


def person_summary(person: PersonRow) -> str:
    """ "năm sinh 1980 · Tổ 1 · 0912345678": enough to tell two people of the same name apart."""
    parts = []
    if person.year_of_birth is not None:
        parts.append(_("năm sinh {year}").format(year=person.year_of_birth))
    if person.thon:
        parts.append(person.thon)
    if person.phone:
        parts.append(person.phone)
    return " · ".join(parts)


class PersonPicker(QWidget):
    """`person()` is the chosen person or None; typing again clears the choice."""

    person_changed = Signal(object)  # PersonRow | None

    def __init__(
        self,
        services: Services,
        runner: Runner,
        parent: QWidget | None = None,
        *,
        allow_create: bool = True,
        required: bool = True,
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._runner = runner
        self._required = required
        self._person: PersonRow | None = None
        self.dialog: QWidget | None = None  # the "Người mới…" dialog while it is open

        self.edit = QLineEdit()
        self.edit.setPlaceholderText(_("Gõ họ tên, số điện thoại hoặc số CCCD để tìm"))
        self.edit.setClearButtonEnabled(True)
        self.new_button = QPushButton(_("Người mới…"))
        self.new_button.setAutoDefault(False)  # Enter in a dialog saves the form, not this
        self.new_button.setToolTip(_("Thêm người chưa có trong danh sách"))
        self.new_button.setVisible(allow_create)
        self.detail = Hint()

        self.results = QStandardItemModel(self)
        self.completer = QCompleter(self.results, self)
        self.completer.setWidget(self.edit)  # not setCompleter(): the choice is ours to apply
        self.completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer.setMaxVisibleItems(10)
        self.completer.activated[QModelIndex].connect(self._on_completer_activated)  # type: ignore[index]

        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(6)
        row.addWidget(self.edit, 1)
        row.addWidget(self.new_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(row)
        layout.addWidget(self.detail)
        self.setFocusProxy(self.edit)

        self.edit.textEdited.connect(self._on_edit_text_edited)
        self.edit.installEventFilter(self)
        self.new_button.clicked.connect(self._on_new_button_clicked)

    # ---- public -----------------------------------------------------------------------------

    def person(self) -> PersonRow | None:
        return self._person

    def set_person(self, person: PersonRow | None) -> None:
        """Shows `person` as chosen (or clears the field) and emits `person_changed`."""
        self._person = person
        self._hide_popup()
        self.edit.setText(person.full_name if person is not None else "")
        mark_invalid(self.edit, False)
        self.detail.show_text(person_summary(person) if person is not None else "", "info")
        self.person_changed.emit(person)

    def show_error(self, message: str) -> None:
        mark_invalid(self.edit, bool(message))
        if message:
            self.detail.show_text(message, "error")
        else:
            self.detail.show_text(person_summary(self._person) if self._person else "", "info")

    def error(self) -> str:
        """Why the field cannot be saved as it stands ("" when it can): typed text that was never
        chosen from the matches is not a person."""
        if self._person is not None:
            return ""
        if self.edit.text().strip():
            return _("Hãy chọn một người trong danh sách gợi ý, hoặc bấm “Người mới…” để thêm.")
        return _("Hãy chọn một người.") if self._required else ""

    def check(self) -> bool:
        """Shows the verdict under the field; True when the form may be saved."""
        message = self.error()
        self.show_error(message)
        return not message

    def search(self, text: str) -> list[PersonRow]:
        """Fills the list of matches for `text` and opens it; returns the matches."""
        self.results.clear()
        rows = (
            self._services.people.search(text, limit=RESULT_LIMIT)
            if len(text.strip()) >= MIN_SEARCH_LENGTH
            else []
        )
        for person in rows:
            summary = person_summary(person)
            item = QStandardItem(f"{person.full_name} — {summary}" if summary else person.full_name)
            item.setData(person, PERSON_ROLE)
            item.setEditable(False)
            self.results.appendRow(item)
        if rows:
            self.detail.clear_hint()
            self.completer.complete()
        else:
            self._hide_popup()
            if len(text.strip()) >= MIN_SEARCH_LENGTH:
                self.detail.show_text(
                    _("Không thấy ai khớp với “{text}”. Bấm “Người mới…” để thêm.").format(text=text.strip())
                    if self.new_button.isVisibleTo(self)
                    else _("Không thấy ai khớp với “{text}”.").format(text=text.strip()),
                    "info",
                )
        return rows

    def _hide_popup(self) -> None:
        popup = self.completer.popup()
        if popup is not None:
            popup.hide()

    def choose_row(self, row: int) -> None:
        """Chooses the `row`-th match, as a click in the list would."""
        self._on_completer_activated(self.results.index(row, 0))

    # ---- slots ------------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.edit
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Down
            and self._person is None
            and self.results.rowCount() > 0
        ):
            self.completer.complete()
            return True
        return super().eventFilter(watched, event)

    def _on_edit_text_edited(self, text: str) -> None:
        if self._person is not None:
            self._person = None
            self.person_changed.emit(None)
        mark_invalid(self.edit, False)
        self.search(text)

    def _on_completer_activated(self, index: QModelIndex) -> None:
        person = index.data(PERSON_ROLE) if index.isValid() else None
        if isinstance(person, PersonRow):
            self.set_person(person)

    def _on_new_button_clicked(self) -> None:
        from ..sections.people import PersonDialog  # the section owns the person form

        dialog = PersonDialog(self._services, self._runner, None, self.window())
        typed = self.edit.text().strip()
        if typed and not any(ch.isdigit() for ch in typed):
            dialog.full_name.setText(typed)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(self._on_person_saved)
        dialog.finished.connect(self._on_dialog_finished)
        self.dialog = dialog
        dialog.open()

    def _on_person_saved(self, saved: SavedPerson) -> None:
        self.set_person(saved.person)
        if saved.warnings:
            self.detail.show_text(" ".join(saved.warnings), "warning")
        self.edit.setFocus()

    def _on_dialog_finished(self, _result: int) -> None:
        self.dialog = None
