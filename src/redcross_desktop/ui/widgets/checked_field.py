# SPDX-License-Identifier: MIT
"""A line edit that checks its text as it is typed, with the verdict in a line under it. Qt is
imported here.

Date and amount fields share this: red under the field while the text cannot be read, grey with
the value as understood when it was typed in a short form ("500k" → 500.000 đ), nothing otherwise.
"""

from __future__ import annotations

from typing import Generic, TypeVar

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLineEdit, QVBoxLayout, QWidget

from .hint import Hint, mark_invalid

T = TypeVar("T")


class CheckedField(QWidget, Generic[T]):
    """`edit` plus a hint line. Subclasses implement `_parse(text) -> value` (raise ValueError with
    the message to show) and `_echo(value, text)` (the grey confirmation, or "")."""

    changed = Signal()  # the text changed (the value may be None)

    def __init__(self, parent: QWidget | None = None, *, required: bool = False) -> None:
        super().__init__(parent)
        self.required = required
        self.edit = QLineEdit()
        self.hint = Hint()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.edit)
        layout.addWidget(self.hint)
        self.setFocusProxy(self.edit)
        self.edit.textChanged.connect(self._on_edit_text_changed)
        self.edit.editingFinished.connect(self._on_edit_editing_finished)

    # ---- to override ------------------------------------------------------------------------

    def _parse(self, text: str) -> T:
        raise NotImplementedError

    def _echo(self, value: T, text: str) -> str:
        return ""

    def _format(self, value: T) -> str:
        return str(value)

    def _missing_message(self) -> str:
        return ""

    # ---- public -----------------------------------------------------------------------------

    def value(self) -> T | None:
        """The value typed, or None when the field is empty or unreadable."""
        text = self.edit.text().strip()
        if not text:
            return None
        try:
            return self._parse(text)
        except ValueError:
            return None

    def error(self) -> str:
        """Why the text cannot be used ("" when it can); an empty required field is an error."""
        text = self.edit.text().strip()
        if not text:
            return self._missing_message() if self.required else ""
        try:
            self._parse(text)
        except ValueError as exc:
            return str(exc)
        return ""

    def set_value(self, value: T | None) -> None:
        self.edit.setText("" if value is None else self._format(value))

    def check(self) -> bool:
        """Shows the verdict, including "required" for an empty field; True when usable."""
        message = self.error()
        self.show_error(message)
        return not message

    def show_error(self, message: str) -> None:
        """Shows `message` in red (or clears it); also used for the service's field errors."""
        mark_invalid(self.edit, bool(message))
        if message:
            self.hint.show_text(message, "error")
        else:
            self._refresh_echo()

    # ---- internals --------------------------------------------------------------------------

    def _refresh_echo(self) -> None:
        text = self.edit.text().strip()
        value = self.value()
        self.hint.show_text(self._echo(value, text) if value is not None else "", "info")

    def _on_edit_text_changed(self, _text: str) -> None:
        text = self.edit.text().strip()
        message = ""
        if text:
            try:
                self._parse(text)
            except ValueError as exc:
                message = str(exc)
        self.show_error(message)  # an empty field is only flagged by `check()`, not while typing
        self.changed.emit()

    def _on_edit_editing_finished(self) -> None:
        value = self.value()
        if value is not None:
            tidy = self._format(value)
            if tidy != self.edit.text():
                self.edit.setText(tidy)
