# SPDX-License-Identifier: MIT
"""Translation: gettext semantics, Vietnamese source strings, catalogues in `resources/locale/*.po`.

The `.po` files are read directly with Babel, so no compiled `.mo` is committed or needed at run
time; Babel is imported only when a catalogue is first read, as Vietnamese (the source) needs none
and the GUI's first paint should not wait for it. `_` is always imported explicitly from here;
class-level constants use `N_()`. Qt-free.
"""

from __future__ import annotations

import gettext
import threading
from functools import cache

from .resources import resource

SOURCE_LANGUAGE = "vi"
LANGUAGES = ("vi", "en")

_lock = threading.Lock()
_current: gettext.NullTranslations = gettext.NullTranslations()


class _CatalogTranslations(gettext.NullTranslations):
    def __init__(self, messages: dict[str, str]) -> None:
        super().__init__()
        self._messages = messages

    def gettext(self, message: str) -> str:
        return self._messages.get(message) or message


@cache
def translations_for(lang: str) -> gettext.NullTranslations:
    """A translations object for `lang`; Vietnamese (the source) and unknown languages are identity."""
    path = resource("locale", lang, "LC_MESSAGES", "redcross.po")
    if lang == SOURCE_LANGUAGE or not path.is_file():
        return gettext.NullTranslations()
    from babel.messages.pofile import read_po  # late: see the module docstring

    with path.open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    messages = {
        str(m.id): str(m.string)
        for m in catalog
        if m.id and isinstance(m.id, str) and m.string and not m.fuzzy
    }
    return _CatalogTranslations(messages)


def set_language(lang: str) -> None:
    global _current
    with _lock:
        _current = translations_for(lang)


def _(message: str) -> str:
    return _current.gettext(message)


def N_(message: str) -> str:  # noqa: N802 - gettext convention
    """Marks a string for extraction; translated later where it is shown."""
    return message
