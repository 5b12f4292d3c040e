"""Translating the portal's UI: message catalogs per language, the kernel's and the plugins'.

A message id (msgid) is the English text itself, with ``str.format`` named placeholders:
``_("Welcome, {name}.", name=user.first_name)``. The text is translated first, then formatted,
so a translation may move the placeholders but must keep their names. A msgid a catalog lacks is
shown in English.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol

from markupsafe import Markup, escape

log = logging.getLogger("portico.i18n")

DEFAULT_LANGUAGE = "en"
#: The languages a vendor can choose for the portal and a user for themselves (endonyms: a reader
#: finds their own language in any UI language).
LANGUAGES = {"en": "English", "de": "Deutsch", "fr": "Français", "es": "Español", "nl": "Nederlands"}
TRANSLATIONS_DIR = Path(__file__).resolve().parent / "translations"


class Translator(Protocol):
    """``_(msgid, **values)``: what page code and validators call to translate a message."""

    def __call__(self, msgid: str, /, **values: Any) -> str: ...


def N_(msgid: str) -> str:
    """Mark a text for translation where it is declared (a label, a constant); it is translated
    where it is shown. Returns the text unchanged."""
    return msgid


def english(msgid: str, /, **values: Any) -> str:
    """The :class:`Translator` for code that runs outside a request: the msgid, formatted."""
    return msgid.format(**values) if values else msgid


def resolve_language(*choices: str | None) -> str:
    """The first of ``choices`` the portal offers (user's, then portal's), else English."""
    return next((c for c in choices if c and c in LANGUAGES), DEFAULT_LANGUAGE)


def interpolate(text: str, msgid: str, values: Mapping[str, Any], *, markup: bool = False) -> str:
    """Fill ``text``'s placeholders with ``values``; a translation whose placeholders are broken
    falls back to the English msgid rather than breaking the page.

    With ``markup`` the result is :class:`Markup` for an autoescaping template: the text and the
    values are escaped, except values that are already ``Markup``.
    """

    def fill(template: str) -> str:
        if markup:
            return Markup(escape(template)).format(**values) if values else Markup(escape(template))
        return template.format(**values) if values else template

    if text != msgid:
        try:
            return fill(text)
        except (KeyError, IndexError, ValueError):
            log.warning("translation of %r has broken placeholders: %r", msgid, text)
    return fill(msgid)


def load_catalogs(folder: Path = TRANSLATIONS_DIR) -> dict[str, dict[str, str]]:
    """The ``<lang>.json`` files of ``folder`` (the kernel's own catalogs), by language."""
    return {path.stem: json.loads(path.read_text("utf-8")) for path in sorted(folder.glob("*.json"))}


class Catalogs:
    """Every language's msgid → translation map, merged once at start-up from every plugin.

    Each plugin's own entries are kept too: a plugin's templates see its own translation of a
    msgid first, so "Completed" can agree with the plugin's nouns (a work order is feminine in
    Spanish, a quote masculine) without changing the kernel's pages or another plugin's.
    """

    def __init__(self) -> None:
        self.by_language: dict[str, dict[str, str]] = {}
        self.by_module: dict[str, dict[str, dict[str, str]]] = {}

    def add(self, module: str, catalogs: Mapping[str, Mapping[str, str]]) -> None:
        """Merge a plugin's catalogs. In the shared catalog the first translation of a msgid wins
        (the kernel's come first, then plugins in dependency order), so a plugin cannot reword the
        kernel's texts on the kernel's pages; its own pages use its own wording."""
        own = self.by_module.setdefault(module, {})
        for language, entries in catalogs.items():
            catalog = self.by_language.setdefault(language, {})
            mine = own.setdefault(language, {})
            for msgid, text in entries.items():
                if not isinstance(msgid, str) or not isinstance(text, str) or not text:
                    log.warning(
                        "plugin %r: translation %r → %r (%s) is not text; ignored", module, msgid, text, language
                    )
                    continue
                catalog.setdefault(msgid, text)
                mine[msgid] = text

    def lookup(self, language: str, msgid: str, module: str | None = None) -> str:
        """The translation of ``msgid``, unformatted (``module``'s own first); the msgid when there is none."""
        if module is not None:
            own = self.by_module.get(module, {}).get(language)
            if own is not None and msgid in own:
                return own[msgid]
        return self.by_language.get(language, {}).get(msgid, msgid)

    def gettext(self, language: str, msgid: str, /, **values: Any) -> str:
        """``msgid`` translated into ``language``, then formatted with ``values``."""
        return interpolate(self.lookup(language, msgid), msgid, values)
