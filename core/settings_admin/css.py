"""Checking a vendor's custom CSS with a real CSS tokenizer (tinycss2), not pattern matching.

The CSS is printed inside a ``<style>`` element, so it must never contain ``<`` (``</style>``
would end the element and let markup follow), and it must not load anything from elsewhere:
no ``@import``, and every ``url()`` (or image-set string) a path on this site or an inline image.
Offending CSS is refused with a message saying what to change, rather than silently altered.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import tinycss2

from core.i18n import N_, Translator, english

MAX_CSS = 20_000
#: Functions whose string arguments browsers fetch, like url()'s.
_FETCHING = {"url", "src", "image", "image-set", "-webkit-image-set", "cross-fade", "element"}
#: Old browsers' ways of running script from CSS.
_SCRIPT_HOOKS = {"expression", "-moz-binding", "behavior"}
_INLINE_IMAGES = ("data:image/png", "data:image/jpeg", "data:image/gif", "data:image/webp")
_REMOTE = N_("Custom CSS can only use url() with a path on this site, such as url(/static/x.png).")

Problem = tuple[str, dict[str, str]]


def _local(address: str) -> bool:
    address = address.strip()
    if address.startswith("/") and not address.startswith("//") and "\\" not in address:
        return True
    return address.lower().startswith(_INLINE_IMAGES)


def _walk(nodes: Iterable[Any]) -> Iterable[Any]:
    """Every node, descending into rule preludes, blocks and function arguments."""
    for node in nodes:
        yield node
        for part in ("prelude", "content", "arguments"):
            children = getattr(node, part, None)
            if isinstance(children, list):
                yield from _walk(children)


def _problem_of(node: Any) -> Problem | None:
    kind = node.type
    if kind == "error":
        return N_("Custom CSS has a syntax error: {problem}."), {"problem": node.message}
    if kind in ("at-rule", "at-keyword") and node.lower_at_keyword == "import":
        return N_("Custom CSS cannot use @import: it would load styles from elsewhere."), {}
    if kind == "url" and not _local(node.value):
        return _REMOTE, {}
    if kind == "function" and node.lower_name in _SCRIPT_HOOKS:
        return N_("Custom CSS cannot use {name}."), {"name": node.name}
    if kind == "ident" and node.lower_value in _SCRIPT_HOOKS:
        return N_("Custom CSS cannot use {name}."), {"name": node.value}
    if kind == "function" and node.lower_name in _FETCHING:
        if any(arg.type in ("string", "url") and not _local(arg.value) for arg in _walk(node.arguments)):
            return _REMOTE, {}
    if kind in ("string", "ident", "url") and "javascript:" in node.value.lower().replace(" ", ""):
        return N_("Custom CSS cannot contain javascript: addresses."), {}
    return None


def css_problem(css: str) -> Problem | None:
    """What makes ``css`` unsafe to print in a ``<style>`` element, as (msgid, values), or None."""
    if len(css) > MAX_CSS:
        return N_("Custom CSS can be at most {count} characters."), {"count": str(MAX_CSS)}
    if "<" in css:
        return N_("Custom CSS cannot contain “<”."), {}
    for node in _walk(tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)):
        problem = _problem_of(node)
        if problem is not None:
            return problem
    return None


def check_custom_css(css: str, _: Translator = english) -> tuple[str, str | None]:
    """``(cleaned css, None)`` when it is safe, else ``(css, message translated with _)``."""
    css = css.replace("\r\n", "\n").strip()
    problem = css_problem(css)
    if problem is None:
        return css, None
    msgid, values = problem
    return css, _(msgid, **values)
