# SPDX-License-Identifier: MIT
"""A new passphrase typed twice, checked as it is typed (long enough, both the same). Qt is
imported here."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout, QLineEdit, QVBoxLayout, QWidget

from ...core.i18n import _
from ...sync.keys import MIN_PASSPHRASE
from .hint import Hint, mark_invalid


class PassphraseFields(QWidget):
    """`passphrase()` is the passphrase once both fields agree and it is long enough, else None."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.first = QLineEdit()
        self.second = QLineEdit()
        for edit in (self.first, self.second):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
            edit.textChanged.connect(self._on_text_changed)
        self.hint = Hint()
        self.form = QFormLayout(self)
        self.form.setContentsMargins(0, 0, 0, 0)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        # The hint sits under the second field in the same cell, so it wraps at the field's width.
        second = QVBoxLayout()
        second.setSpacing(2)
        second.addWidget(self.second)
        second.addWidget(self.hint)
        self.form.addRow(_("Mật khẩu khóa ký"), self.first)
        self.form.addRow(_("Nhập lại mật khẩu"), second)
        self.retranslate()

    def retranslate(self) -> None:
        for row, text in enumerate((_("Mật khẩu khóa ký"), _("Nhập lại mật khẩu"))):
            label = self.form.itemAt(row, QFormLayout.ItemRole.LabelRole)
            widget = label.widget() if label is not None else None
            if widget is not None and hasattr(widget, "setText"):
                widget.setText(text)
        self.first.setPlaceholderText(_("Ít nhất {n} ký tự").format(n=MIN_PASSPHRASE))
        self.second.setPlaceholderText(_("Gõ lại đúng mật khẩu trên"))
        self._check()

    def error(self) -> str:
        """What is wrong so far ("" when the passphrase can be used, or nothing was typed yet)."""
        first, second = self.first.text(), self.second.text()
        if not first:
            return ""
        if len(first) < MIN_PASSPHRASE:
            return _("Mật khẩu cần ít nhất {n} ký tự (đã gõ {typed}).").format(
                n=MIN_PASSPHRASE, typed=len(first)
            )
        if second and second != first:
            return _("Hai lần nhập chưa giống nhau. Hãy gõ lại ô thứ hai.")
        return ""

    def passphrase(self) -> str | None:
        first = self.first.text()
        ok = len(first) >= MIN_PASSPHRASE and first == self.second.text()
        return first if ok else None

    def clear(self) -> None:
        self.first.clear()
        self.second.clear()

    def _check(self) -> None:
        message = self.error()
        short = bool(self.first.text()) and len(self.first.text()) < MIN_PASSPHRASE
        mark_invalid(self.first, short)
        mark_invalid(self.second, bool(message) and not short)
        if message:
            self.hint.show_text(message, "error")
        elif self.passphrase() is not None:
            self.hint.show_text(_("Hai lần nhập giống nhau."), "info")
        else:
            self.hint.clear_hint()

    def _on_text_changed(self, _text: str) -> None:
        self._check()
        self.changed.emit()
