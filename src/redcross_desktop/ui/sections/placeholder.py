# SPDX-License-Identifier: MIT
"""The page of a section whose back end comes in a later version: what it will do, and no buttons.
Qt is imported here."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from ...core.i18n import _
from ..style import muted_label, title_label


class PlaceholderSection(QWidget):
    def __init__(self, title: str, description: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(12)
        layout.addWidget(title_label(title))
        card = QFrame()
        card.setObjectName("card")
        card.setMaximumWidth(900)  # shorter lines read better on a wide screen
        card_layout = QVBoxLayout(card)
        card_layout.setContentsMargins(18, 16, 18, 16)
        text = QLabel(description)
        text.setWordWrap(True)
        text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        card_layout.addWidget(text)
        card_layout.addWidget(muted_label(_("Phần này sẽ có trong phiên bản sau của phần mềm.")))
        layout.addWidget(card)
        layout.addStretch(1)
