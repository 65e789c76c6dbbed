# SPDX-License-Identifier: MIT
"""The line under a form field that says what is wrong (red), what to check (amber) or what was
understood (grey). Qt is imported here."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget


def repolish(widget: QWidget) -> None:
    """Re-applies the stylesheet after a change of object name or dynamic property."""
    widget.style().unpolish(widget)
    widget.style().polish(widget)


class Hint(QLabel):
    """Hidden when empty; `kind` is "error", "warning" or "info"."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.kind = ""
        self.hide()

    def show_text(self, text: str, kind: str = "error") -> None:
        if not text:
            self.clear_hint()
            return
        self.kind = kind
        self.setObjectName({"error": "hintError", "warning": "hintWarning"}.get(kind, "hintInfo"))
        repolish(self)
        self.setText(text)
        self.show()

    def clear_hint(self) -> None:
        self.kind = ""
        self.clear()
        self.hide()


def mark_invalid(edit: QWidget, invalid: bool) -> None:
    """Red border on a field whose content is refused (the stylesheet's `invalid` property)."""
    if bool(edit.property("invalid")) != invalid:
        edit.setProperty("invalid", invalid)
        repolish(edit)
