# SPDX-License-Identifier: MIT
"""The frame of an entry form: fields with a hint line under each, "Lưu"/"Bỏ qua", Enter saves and
Esc dismisses, and the service's field errors placed next to their fields. Qt is imported here."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ...core.errors import RedCrossError, ValidationError
from ...core.i18n import _
from ..errors import show_error
from ..qt_i18n import translate_buttons
from ..style import muted_label, set_primary
from ..widgets.checked_field import CheckedField
from ..widgets.hint import Hint, mark_invalid
from ..widgets.person_picker import PersonPicker


class FormDialog(QDialog):
    """Subclasses add rows with `add_field()` and implement `_on_save()`; `hints[key]` is the line
    under the field named `key`."""

    def __init__(self, title: str, parent: QWidget | None = None, *, width: int = 620) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(width)
        self.form = self.new_form()
        self.hints: dict[str, Hint] = {}
        self.fields: dict[str, QWidget] = {}
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        translate_buttons(self.buttons)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        set_primary(self.save_button)
        self.cancel_button = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)
        self.note = muted_label(_("(*) bắt buộc. Nhấn Enter để lưu, Esc để bỏ qua."))
        layout = QVBoxLayout(self)
        self.columns = QHBoxLayout()  # a wide form adds a second column with `new_form()`
        self.columns.setSpacing(24)
        self.columns.addLayout(self.form, 1)
        # Top-aligned: a shorter column would otherwise spread its rows over the taller one's height.
        self.columns.setAlignment(self.form, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(self.columns)
        self.extra = QVBoxLayout()  # room for a subclass's tables under the form
        layout.addLayout(self.extra)
        layout.addWidget(self.note)
        layout.addWidget(self.buttons)
        # Only once the button is inside the dialog does this make it the dialog's main default, the
        # one Enter returns to after another button had the focus.
        self.save_button.setDefault(True)

    # ---- building ---------------------------------------------------------------------------

    @staticmethod
    def new_form() -> QFormLayout:
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.setVerticalSpacing(8)
        return form

    def add_column(self) -> QFormLayout:
        """A second column of fields to the right, for forms too tall for a 768-pixel screen."""
        form = self.new_form()
        self.columns.addLayout(form, 1)
        self.columns.setAlignment(form, Qt.AlignmentFlag.AlignTop)
        return form

    def add_field(
        self, key: str, label: str, field: QWidget, *below: QWidget, form: QFormLayout | None = None
    ) -> QLabel:
        """A form row (in `form`, else the main one); the field's own hint is used when it has one
        (date, amount, person)."""
        if isinstance(field, QComboBox):
            # A combo keeps its content's width otherwise, and a short list looks broken in a wide form.
            field.setSizePolicy(QSizePolicy.Policy.Expanding, field.sizePolicy().verticalPolicy())
        own = getattr(field, "hint", None) or getattr(field, "detail", None)
        hint = own if isinstance(own, Hint) else Hint()
        self.hints[key] = hint
        self.fields[key] = field
        column = QVBoxLayout()
        column.setSpacing(2)
        column.addWidget(field)
        if hint is not own:
            column.addWidget(hint)
        for widget in below:
            column.addWidget(widget, 0, Qt.AlignmentFlag.AlignLeft)
        title = QLabel(label)
        (form or self.form).addRow(title, column)
        return title

    # ---- hints ------------------------------------------------------------------------------

    def mark(self, key: str, text: str, kind: str = "error") -> None:
        field = self.fields.get(key)
        if isinstance(field, PersonPicker):
            field.show_error(text if kind == "error" else "")
            if kind != "error":
                self.hints[key].show_text(text, kind)
        elif isinstance(field, CheckedField):
            if kind == "error":
                field.show_error(text)
            else:
                field.show_error("")
                field.hint.show_text(text, kind)
        else:
            self.hints[key].show_text(text, kind)
            edit = getattr(field, "edit", field)  # a picker's line edit carries the red border
            if isinstance(edit, QLineEdit):
                mark_invalid(edit, bool(text) and kind == "error")
        self.grow_to_fit()

    def grow_to_fit(self) -> None:
        """Makes room for hints that wrap: Qt does not grow a window for word-wrapped labels itself."""
        layout = self.layout()
        if layout is None:
            return
        layout.activate()
        needed = max(self.heightForWidth(self.width()), layout.sizeHint().height())
        if needed > self.height():
            self.resize(self.width(), needed)

    def focus_first_error(self, keys: list[str]) -> None:
        for key in keys:
            if self.hints[key].kind == "error":
                self.fields[key].setFocus()
                return

    # ---- saving -----------------------------------------------------------------------------

    def _on_buttons_accepted(self) -> None:
        self._on_save()

    def _on_save(self) -> None:
        raise NotImplementedError

    def saving(self, busy: bool) -> None:
        self.save_button.setEnabled(not busy)

    def show_failure(self, error: RedCrossError, field_keys: Mapping[str, str] | None = None) -> None:
        """Places a validation error's field messages under their fields; anything left over (or
        any other error) is shown in a message box."""
        self.saving(False)
        if isinstance(error, ValidationError) and error.fields:
            mapping = field_keys or {}
            unplaced = []
            for name, message in error.fields.items():
                key = mapping.get(name, name)
                if key in self.hints:
                    self.mark(key, message)
                else:
                    unplaced.append(message)
            if not unplaced:
                self.focus_first_error(list(self.hints))
                return
        show_error(self, error)
