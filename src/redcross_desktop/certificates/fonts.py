# SPDX-License-Identifier: MIT
"""The shipped Liberation Serif family (Times-compatible, SIL OFL 1.1, `resources/fonts/`),
registered once with reportlab as TrueType fonts so every PDF embeds a subset of them and no
standard-14 font is ever referenced. Qt-free."""

from __future__ import annotations

import threading
from typing import Final

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from ..core.resources import resource

REGULAR: Final = "LiberationSerif"
BOLD: Final = "LiberationSerif-Bold"
ITALIC: Final = "LiberationSerif-Italic"
BOLD_ITALIC: Final = "LiberationSerif-BoldItalic"

# Template font names -> registered names.
STYLES: Final[dict[str, str]] = {
    "regular": REGULAR,
    "bold": BOLD,
    "italic": ITALIC,
    "bolditalic": BOLD_ITALIC,
}

_FILES: Final = {
    REGULAR: "LiberationSerif-Regular.ttf",
    BOLD: "LiberationSerif-Bold.ttf",
    ITALIC: "LiberationSerif-Italic.ttf",
    BOLD_ITALIC: "LiberationSerif-BoldItalic.ttf",
}

_lock = threading.Lock()
_registered = False


def register_fonts() -> None:
    """Registers the family once per process (renders may run on worker threads)."""
    global _registered
    with _lock:
        if _registered:
            return
        for name, file in _FILES.items():
            pdfmetrics.registerFont(TTFont(name, str(resource("fonts", file))))
        # Lets platypus <b>/<i> markup pick the right face of the family.
        addMapping(REGULAR, 0, 0, REGULAR)
        addMapping(REGULAR, 1, 0, BOLD)
        addMapping(REGULAR, 0, 1, ITALIC)
        addMapping(REGULAR, 1, 1, BOLD_ITALIC)
        _registered = True


def font_name(style: str) -> str:
    """The registered name for a template style ("regular", "bold", "italic", "bolditalic")."""
    try:
        return STYLES[style]
    except KeyError:
        raise ValueError(f"unknown font style {style!r}; use one of {', '.join(STYLES)}") from None
