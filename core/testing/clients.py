"""HTTP clients on a test app, and signing people in."""

from __future__ import annotations

from typing import Any

import httpx
from litestar import Litestar
from litestar.middleware.csrf import generate_csrf_token

from core.accounts import scoped
from core.app import Portico
from core.db import Scope
from core.models import Tenant, User
from core.web.sessions import COOKIE_NAME, start_session

TEST_PASSWORD = "correct horse battery staple"


class PortalClient:
    """An HTTP client on the app for one host, that keeps cookies and sends the CSRF token."""

    def __init__(self, inner: httpx.AsyncClient, portico: Portico | None = None) -> None:
        self.inner = inner
        self.portico = portico

    @classmethod
    def for_app(cls, app: Litestar, host: str, scheme: str = "http") -> PortalClient:
        """Requests run in this event loop (unlike Litestar's test client, which uses a thread),
        so the app shares the test's database connections and loop."""
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)  # type: ignore[arg-type]
        inner = httpx.AsyncClient(transport=transport, base_url=f"{scheme}://{host}", follow_redirects=False)
        return cls(inner, app.state.get("portico"))

    def _csrf(self) -> dict[str, str]:
        token = self.inner.cookies.get("csrftoken")
        return {"x-csrftoken": token} if token else {}

    def _ensure_csrf_cookie(self) -> None:
        # The token a browser would get from its first page, made here instead of fetched.
        if "csrftoken" not in self.inner.cookies and self.portico is not None:
            self.inner.cookies.set("csrftoken", generate_csrf_token(self.portico.settings.secret_key))

    async def get(self, url: str, **kwargs: Any) -> Any:
        return await self.inner.get(url, **kwargs)

    async def post(self, url: str, data: Any = None, *, csrf: bool = True, **kwargs: Any) -> Any:
        if csrf:
            self._ensure_csrf_cookie()
            if "csrftoken" not in self.inner.cookies:
                await self.inner.get("/login")
        headers = {**(self._csrf() if csrf else {}), **kwargs.pop("headers", {})}
        return await self.inner.post(url, data=data, headers=headers, **kwargs)

    async def request(self, method: str, url: str, **kwargs: Any) -> Any:
        self._ensure_csrf_cookie()
        headers = {**self._csrf(), **kwargs.pop("headers", {})}
        return await self.inner.request(method, url, headers=headers, **kwargs)

    async def login(self, email: str, password: str = TEST_PASSWORD) -> Any:
        """Sign in through the login form, as a person would."""
        await self.inner.get("/login")
        response = await self.post("/login", {"email": email, "password": password, "next": "/"})
        if response.status_code != 302:
            raise AssertionError(f"login as {email} failed: {response.status_code} {response.text[:300]}")
        return response

    async def sign_in(self, user: User) -> None:
        """Be signed in as ``user`` without the login form: the session row is written and its
        cookie set directly, as a finished sign-in leaves them. For tests not about signing in.

        Like the login form's requests, it leaves the tenant's cached state warm, so that the
        next request counts the statements of a warm page."""
        assert self.portico is not None, "sign_in needs a client made by the testing kit"
        async with self.portico.sessionmaker() as db, scoped(db, Scope(user.tenant_id)):
            person = await db.get(User, user.id)
            tenant = await db.get(Tenant, user.tenant_id)
            assert person is not None and tenant is not None, f"no user {user.id}"
            token = await start_session(db, person, old_token=None, ip="127.0.0.1", user_agent="portico-test")
            await db.commit()
            await self.portico.states.get(db, tenant)
        self.inner.cookies.set(COOKIE_NAME, token)
        self._ensure_csrf_cookie()
