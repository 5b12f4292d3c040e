"""Hardening headers on every answer: Content-Security-Policy, nosniff, referrer policy, HSTS.

Scripts and ``<style>`` elements run only from the portal's own files, or inline when they carry
this response's nonce (``<script nonce="{{ csp_nonce() }}">``), so markup that slipped into a page
cannot run script. Style *attributes* stay allowed: pages set computed widths and indents with them,
and CSS cannot run script.
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from typing import Any

from litestar.datastructures import MutableScopeHeaders
from litestar.types import Message, Scope

from core.settings import Settings

NONCE_KEY = "portico_csp_nonce"


def csp_nonce(scope: Any) -> str:
    """This response's nonce for inline ``<script>`` and ``<style>`` elements, made on first use."""
    state: dict[str, Any] = scope.setdefault("state", {})
    nonce: str = state.setdefault(NONCE_KEY, secrets.token_urlsafe(16))
    return nonce


def content_security_policy(nonce: str | None) -> str:
    inline = f" 'nonce-{nonce}'" if nonce else ""
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self'{inline}",
            f"style-src 'self'{inline}",
            "style-src-attr 'unsafe-inline'",
            # https: for a logo the vendor links from elsewhere; blob: for the branding preview's chosen file.
            "img-src 'self' https: blob:",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",  # no page (an approval, a change of role) can be framed
        ]
    )


def security_headers(settings: Settings) -> Callable[[Message, Scope], Awaitable[None]]:
    """A ``before_send`` hook adding the headers to every response, static files and errors included;
    a header the handler set itself (a download's stricter policy) is left as it is."""
    fixed = {
        "x-content-type-options": "nosniff",
        "x-frame-options": "DENY",  # for browsers that predate frame-ancestors
        # Links in pages never send their address elsewhere: reset and invitation pages carry a token in it.
        "referrer-policy": "same-origin",
    }
    if settings.secure_cookies:  # served over HTTPS: browsers must not fall back to plain HTTP
        fixed["strict-transport-security"] = "max-age=31536000"

    async def add_headers(message: Message, scope: Scope) -> None:
        if message["type"] != "http.response.start":
            return
        headers = MutableScopeHeaders.from_message(message)
        wanted = fixed | {"content-security-policy": content_security_policy(scope.get("state", {}).get(NONCE_KEY))}
        for name, value in wanted.items():
            if name not in headers:
                headers[name] = value

    return add_headers
