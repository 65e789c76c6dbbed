# SPDX-License-Identifier: MIT
"""The one application stylesheet and the few labels it knows by object name. Qt is imported here.

Neutral greys; Red Cross red only marks the selected section and the primary button. Sizes are in
points, so text scales with the system's DPI setting.
"""

from __future__ import annotations

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QLabel, QWidget

from ..core.resources import resource

RED = "#D52B1E"
RED_DARK = "#A8201A"
ERROR_COLOUR = "#B3261E"
WARNING_COLOUR = "#8A5A00"  # amber dark enough to read on white

STYLESHEET = f"""
QMainWindow, QDialog {{ background: #F5F5F5; }}

QWidget#sidebarPanel {{ background: #ECECEC; border-right: 1px solid #D0D0D0; }}
QLabel#brand {{ font-size: 11pt; font-weight: 600; color: {RED}; }}
QListWidget#sidebar {{
    background: #ECECEC;
    border: none;
    outline: 0;
    font-size: 10.5pt;
}}
QListWidget#sidebar::item {{
    padding-left: 10px;
    border-left: 4px solid transparent;
    color: #222222;
}}
QListWidget#sidebar::item:hover {{ background: #E0E0E0; }}
QListWidget#sidebar::item:selected {{
    background: #FFFFFF;
    color: #111111;
    border-left: 4px solid {RED};
}}

QLabel#sectionTitle {{ font-size: 16pt; font-weight: 600; color: #1A1A1A; }}
QLabel#subTitle {{ font-size: 12pt; font-weight: 600; color: #333333; }}
QLabel#muted {{ color: #5A5A5A; }}
QLabel#hintError {{ color: {ERROR_COLOUR}; }}
QLabel#hintWarning {{ color: {WARNING_COLOUR}; }}
QLabel#hintInfo {{ color: #5A5A5A; }}
QLabel#figure {{ font-size: 20pt; font-weight: 600; color: #1A1A1A; }}

QFrame#card {{
    background: #FFFFFF;
    border: 1px solid #DADADA;
    border-radius: 6px;
}}

QLineEdit, QComboBox, QPlainTextEdit {{
    background: #FFFFFF;
    border: 1px solid #BDBDBD;
    border-radius: 4px;
    padding: 4px 6px;
    min-height: 1.4em;
}}
QLineEdit:focus, QComboBox:focus, QPlainTextEdit:focus {{ border: 1px solid #5F6B7A; }}
QLineEdit[invalid="true"] {{ border: 1px solid {ERROR_COLOUR}; }}

QPushButton {{
    background: #FFFFFF;
    border: 1px solid #BDBDBD;
    border-radius: 4px;
    padding: 5px 14px;
    color: #1A1A1A;
}}
QPushButton:hover {{ background: #F0F0F0; }}
QPushButton:focus {{ border: 1px solid #5F6B7A; }}
QPushButton:disabled {{ color: #9E9E9E; }}
QPushButton[primary="true"] {{
    background: {RED};
    border: 1px solid {RED_DARK};
    color: #FFFFFF;
    font-weight: 600;
}}
QPushButton[primary="true"]:hover {{ background: {RED_DARK}; }}
QPushButton[primary="true"]:disabled {{ background: #E5A29C; border-color: #E5A29C; }}

QTableView {{
    background: #FFFFFF;
    alternate-background-color: #F7F7F7;
    border: 1px solid #DADADA;
    gridline-color: #E6E6E6;
    selection-background-color: #DCE3EC;
    selection-color: #111111;
}}
QTableView::item {{ padding: 0 6px; }}
QHeaderView::section {{
    background: #EFEFEF;
    border: none;
    border-right: 1px solid #DADADA;
    border-bottom: 1px solid #DADADA;
    padding: 5px 6px;
    font-weight: 600;
    color: #333333;
}}

QStatusBar {{ background: #ECECEC; border-top: 1px solid #D0D0D0; color: #333333; }}
QStatusBar QLabel {{ padding: 0 8px; }}
"""


def app_icon() -> QIcon:
    """A red cross on white (resources/icons/app.svg), sharp at any size."""
    return QIcon(str(resource("icons", "app.svg")))


def apply_style(app: QApplication) -> None:
    app.setStyle("Fusion")  # the same look on every Windows version, and offscreen in tests
    app.setStyleSheet(STYLESHEET)


def title_label(text: str, parent: QWidget | None = None) -> QLabel:
    label = QLabel(text, parent)
    label.setObjectName("sectionTitle")
    return label


def muted_label(text: str, parent: QWidget | None = None) -> QLabel:
    label = QLabel(text, parent)
    label.setObjectName("muted")
    label.setWordWrap(True)
    return label


def set_primary(button: QWidget) -> None:
    """The one red button of a page or dialog."""
    button.setProperty("primary", True)
