"""Hardening headers on every answer: Content-Security-Policy, nosniff, referrer policy, HSTS;
and a CSRF cookie that the secret key did not sign is replaced.

Scripts and ``<style>`` elements run only from the portal's own files, or inline when they carry
this response's nonce (``<script nonce="{{ csp_nonce() }}">``), so markup that slipped into a page
cannot run script. Style *attributes* stay allowed: pages set computed widths and indents with them,
and CSS cannot run script.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Awaitable, Callable, Collection
from typing import Any

from litestar.datastructures import MutableScopeHeaders
from litestar.middleware.csrf import CSRF_SECRET_LENGTH, generate_csrf_hash
from litestar.types import ASGIApp, Message, Receive, Scope, Send

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


def signed_csrf_token(token: str, secret: str) -> bool:
    """Whether ``token`` is a CSRF token signed with ``secret`` (Litestar's form: a random hex
    string, then its HMAC)."""
    body, signature = token[:CSRF_SECRET_LENGTH], token[CSRF_SECRET_LENGTH:]
    return (
        len(body) == CSRF_SECRET_LENGTH
        and bool(signature)
        and hmac.compare_digest(signature, generate_csrf_hash(token=body, secret=secret))
    )


class FreshCsrfCookie:
    """Drops from a safe request (a page, not a form's post) a CSRF cookie that the secret key did
    not sign, so that the CSRF check gives the browser a new one with the answer.

    Litestar keeps whatever CSRF cookie the browser sends and puts its token in every form. After
    ``PORTICO_SECRET_KEY`` changes (or with a cookie of the same name that another application on
    the same host set) every form, signing in included, would then be refused until the browser
    is closed. Runs before anything reads the request's cookies.
    """

    def __init__(self, app: ASGIApp, secret: str, cookie_name: str, safe_methods: Collection[str]) -> None:
        self.app = app
        self.secret = secret
        self.cookie_name = cookie_name
        self.safe_methods = frozenset(safe_methods)

    def _kept(self, pair: str) -> bool:
        name, _, value = pair.strip().partition("=")
        return name.strip() != self.cookie_name or signed_csrf_token(value.strip().strip('"'), self.secret)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope.get("method") in self.safe_methods:
            headers = []
            for name, value in scope["headers"]:
                if name == b"cookie":
                    pairs = [pair for pair in value.decode("latin-1").split(";") if self._kept(pair)]
                    if not pairs:
                        continue
                    value = ";".join(pairs).strip().encode("latin-1")
                headers.append((name, value))
            scope["headers"] = headers
        await self.app(scope, receive, send)
