"""Portico's testing kit, loaded as a pytest plugin (entry point ``pytest11``).

Fixtures (all async ones run on pytest-asyncio's session loop):

``portico_backend``      "sqlite" or "postgresql"; every test using the database runs once per
                         backend named in ``--portico-db`` (default: ``PORTICO_TEST_DATABASES`` or sqlite).
``portico_extra_plugins`` override it to install your plugin objects in the test app.
``make_portico``         async factory: a fresh :class:`core.Portico` on an emptied test database.
``portico`` / ``app``    the default Portico and its Litestar app.
``client``               a :class:`PortalClient` on the app (cookies, CSRF, ``login``).
``db``                   an AsyncSession with system scope, for setting up data.
``tenant_factory``, ``customer_factory``, ``user_factory``: create data the way the product does.
``login_as``             async (user) -> a signed-in PortalClient.
``portal_factory``       async (extra_plugins, **settings) -> a Portal of its own (app, tenant, people).
``throwaway_plugin``     builds a plugin object from hook functions, for one test.
``count_queries``        counts SQL statements run by the app's engine inside a ``with`` block.
``portico_settings``     Settings keywords for every Portico of the test (no in-app mail worker).
``smtp_server``          a real SMTP server on loopback collecting messages; SMTP points at it.
``deliver_mail(portico)`` (a function in this module) delivers the due outbox, for tests.
``live_server``, ``browser``, ``page``, ``page_factory``: the app on loopback and headless Chromium.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import os
import re
import socket
import types
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass, field
from email import message_from_bytes
from email import policy as email_policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
from litestar import Litestar
from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, create_async_engine

from core.accounts import create_customer, create_tenant, create_user, scoped, use_fast_password_hashing
from core.app import Portico, create_app
from core.db import Base, Scope
from core.declarations import Manifest
from core.hookimpl import hookimpl
from core.mail.worker import MailWorker, Outcome
from core.models import Customer, Tenant, User
from core.plugins import build_plugin_set
from core.settings import Settings

TEST_PASSWORD = "correct horse battery staple"
POSTGRES_ADMIN_URL = os.environ.get(
    "PORTICO_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
)
CHROMIUM = os.environ.get("PORTICO_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_configure(config: pytest.Config) -> None:
    # Full-strength argon2 costs most of a second per user created or signed in; a test suite
    # checks behaviour, not the hash's strength (production keeps the library's parameters).
    use_fast_password_hashing()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--portico-db",
        default=os.environ.get("PORTICO_TEST_DATABASES", "sqlite"),
        help="comma-separated test databases: sqlite, postgresql",
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "portico_backend" in metafunc.fixturenames:
        backends = [b.strip() for b in metafunc.config.getoption("--portico-db").split(",") if b.strip()]
        metafunc.parametrize("portico_backend", backends, scope="session")


# --- databases ------------------------------------------------------------------------------


@contextlib.asynccontextmanager
async def empty_database(backend: str, folder: Path) -> AsyncIterator[str]:
    """A new, empty database on ``backend`` for the block; PostgreSQL ones are dropped after."""
    if backend == "sqlite":
        yield f"sqlite+aiosqlite:///{folder / f'{uuid.uuid4().hex[:8]}.sqlite3'}"
        return
    if backend != "postgresql":
        raise pytest.UsageError(f"unknown test database {backend!r}")
    name = f"portico_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = create_async_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    async with admin.connect() as conn:
        await conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield f"{POSTGRES_ADMIN_URL.rsplit('/', 1)[0]}/{name}"
    finally:
        async with admin.connect() as conn:
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin.dispose()


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def portico_database_url(portico_backend: str, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[str]:
    """One database per backend for the whole run; tables are emptied before each test."""
    async with empty_database(portico_backend, tmp_path_factory.mktemp("db")) as url:
        yield url


@pytest_asyncio.fixture(loop_scope="session")
async def fresh_database_url(portico_backend: str, tmp_path: Path) -> AsyncIterator[str]:
    """An empty database of its own for one test (migrations, the CLI), dropped afterwards."""
    async with empty_database(portico_backend, tmp_path) as url:
        yield url


async def reset_database(engine: AsyncEngine) -> None:
    """Create missing tables (test plugins may add models) and empty every table."""
    async with engine.begin() as conn:
        await conn.run_sync(Base.metadata.create_all)
        tables = [t.name for t in Base.metadata.sorted_tables]
        if engine.dialect.name == "postgresql":
            await conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            # Children first, so foreign keys stay on (toggling the pragma inside a transaction is
            # silently ignored and would leave a pooled connection without them).
            for table in reversed(tables):
                await conn.execute(text(f"DELETE FROM {table}"))


@pytest.fixture
def portico_extra_plugins() -> Sequence[object]:
    """Plugin objects to install besides the discovered ones. Override in your conftest or test."""
    return ()


@pytest.fixture
def portico_installed() -> Sequence[str] | None:
    """Discovered plugins to install (None: all of them). Override to test one plugin alone."""
    return None


@pytest.fixture
def portico_settings(request: pytest.FixtureRequest) -> dict[str, Any]:
    """Settings for every Portico the test builds (``make_portico``'s keywords win).

    Tests deliver email themselves (``await deliver_mail(portico)``), so the app runs no mail
    worker; a test that uses ``smtp_server`` gets SMTP pointed at it. Override to add your own.
    """
    settings: dict[str, Any] = {"mail_worker": "off", "smtp_host": "127.0.0.1", "smtp_port": 9}  # 9: nobody listens
    if "smtp_server" in request.fixturenames:
        settings.update(request.getfixturevalue("smtp_server").settings)
    return settings


@pytest_asyncio.fixture(loop_scope="session")
async def make_portico(
    portico_database_url: str,
    tmp_path: Path,
    portico_installed: Sequence[str] | None,
    portico_settings: dict[str, Any],
) -> AsyncIterator[Callable[..., Awaitable[Portico]]]:
    built: list[Portico] = []

    async def make(extra_plugins: Sequence[object] = (), **overrides: Any) -> Portico:
        settings = Settings(
            database_url=portico_database_url,
            secret_key="test-secret-" + uuid.uuid4().hex,
            data_dir=tmp_path / "data",
            plugins=tuple(portico_installed) if portico_installed is not None else None,
            **(portico_settings | overrides),
        )
        plugins = build_plugin_set(only=settings.plugins, extra=extra_plugins)
        portico = Portico.build(settings, plugins=plugins)
        built.append(portico)
        if len(built) == 1:
            await reset_database(portico.engine)
        return portico

    yield make
    for portico in built:
        await portico.engine.dispose()


@pytest_asyncio.fixture(loop_scope="session")
async def portico(make_portico: Callable[..., Awaitable[Portico]], portico_extra_plugins: Sequence[object]) -> Portico:
    return await make_portico(portico_extra_plugins)


@pytest.fixture
def app(portico: Portico) -> Litestar:
    return create_app(portico=portico)


@pytest_asyncio.fixture(loop_scope="session")
async def db(portico: Portico) -> AsyncIterator[AsyncSession]:
    async with portico.sessionmaker() as session:
        async with scoped(session, Scope.system()):
            yield session


# --- people and tenants ---------------------------------------------------------------------


@pytest.fixture
def tenant_factory(db: AsyncSession, portico: Portico) -> Callable[..., Awaitable[Tenant]]:
    async def make(slug: str = "acme", name: str | None = None, host: str | None = None) -> Tenant:
        tenant = await create_tenant(db, portico.plugins, slug, name or slug.title(), host or f"{slug}.portal.test")
        await db.commit()
        return tenant

    return make


@pytest_asyncio.fixture(loop_scope="session")
async def tenant(tenant_factory: Callable[..., Awaitable[Tenant]]) -> Tenant:
    return await tenant_factory("acme", "Acme Parts")


@pytest.fixture
def customer_factory(db: AsyncSession) -> Callable[..., Awaitable[Customer]]:
    async def make(tenant: Tenant, name: str, parent: Customer | None = None) -> Customer:
        async with scoped(db, Scope(tenant.id)):
            customer = await create_customer(db, name, parent.id if parent else None)
            await db.commit()
        return customer

    return make


@pytest.fixture
def user_factory(db: AsyncSession) -> Callable[..., Awaitable[User]]:
    counter = iter(range(1, 10_000))

    async def make(
        tenant: Tenant,
        role: str,
        customer: Customer | None = None,
        email: str | None = None,
        password: str = TEST_PASSWORD,
        **fields: Any,
    ) -> User:
        email = email or f"user{next(counter)}-{uuid.uuid4().hex[:6]}@{tenant.slug}.test"
        fields.setdefault("first_name", "Test")
        fields.setdefault("last_name", f"User{next(counter)}")
        async with scoped(db, Scope(tenant.id)):
            user = await create_user(
                db, email=email, password=password, role=role, customer_id=customer.id if customer else None, **fields
            )
            await db.commit()
        return user

    return make


# --- clients --------------------------------------------------------------------------------

_CSRF_INPUT = re.compile(r'name="_csrf_token" value="([^"]+)"')


class PortalClient:
    """An HTTP client on the app for one host, that keeps cookies and sends the CSRF token."""

    def __init__(self, inner: httpx.AsyncClient) -> None:
        self.inner = inner

    @classmethod
    def for_app(cls, app: Litestar, host: str, scheme: str = "http") -> PortalClient:
        """Requests run in this event loop (unlike Litestar's test client, which uses a thread),
        so the app shares the test's database connections and loop."""
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)  # type: ignore[arg-type]
        return cls(httpx.AsyncClient(transport=transport, base_url=f"{scheme}://{host}", follow_redirects=False))

    def _csrf(self) -> dict[str, str]:
        token = self.inner.cookies.get("csrftoken")
        return {"x-csrftoken": token} if token else {}

    async def get(self, url: str, **kwargs: Any) -> Any:
        return await self.inner.get(url, **kwargs)

    async def post(self, url: str, data: Any = None, *, csrf: bool = True, **kwargs: Any) -> Any:
        if csrf and "csrftoken" not in self.inner.cookies:
            await self.inner.get("/login")
        headers = {**(self._csrf() if csrf else {}), **kwargs.pop("headers", {})}
        return await self.inner.post(url, data=data, headers=headers, **kwargs)

    async def request(self, method: str, url: str, **kwargs: Any) -> Any:
        headers = {**self._csrf(), **kwargs.pop("headers", {})}
        return await self.inner.request(method, url, headers=headers, **kwargs)

    async def login(self, email: str, password: str = TEST_PASSWORD) -> Any:
        await self.inner.get("/login")
        response = await self.post("/login", {"email": email, "password": password, "next": "/"})
        if response.status_code != 302:
            raise AssertionError(f"login as {email} failed: {response.status_code} {response.text[:300]}")
        return response


@pytest_asyncio.fixture(loop_scope="session")
async def client_factory(app: Litestar) -> AsyncIterator[Callable[[str], Awaitable[PortalClient]]]:
    """async (host) -> a new PortalClient whose requests go to ``http://<host>``."""
    stack = contextlib.AsyncExitStack()

    async def make(host: str = "acme.portal.test") -> PortalClient:
        client = PortalClient.for_app(app, host)
        await stack.enter_async_context(client.inner)
        return client

    async with stack:
        yield make


@pytest_asyncio.fixture(loop_scope="session")
async def client(client_factory: Callable[[str], Awaitable[PortalClient]], tenant: Tenant) -> PortalClient:
    return await client_factory(tenant.host or "acme.portal.test")


@pytest.fixture
def login_as(
    client_factory: Callable[[str], Awaitable[PortalClient]], db: AsyncSession
) -> Callable[..., Awaitable[PortalClient]]:
    async def sign_in(user: User, password: str = TEST_PASSWORD) -> PortalClient:
        tenant = await db.get(Tenant, user.tenant_id)
        assert tenant is not None
        client = await client_factory(tenant.host or f"{tenant.slug}.portal.test")
        await client.login(user.email, password)
        return client

    return sign_in


@dataclass
class Portal:
    """A portal of its own for one test: its app, one tenant, and helpers for people and clients."""

    portico: Portico
    app: Litestar
    tenant: Tenant
    db: AsyncSession
    stack: contextlib.AsyncExitStack

    async def user(self, role: str, customer: Customer | None = None, **fields: Any) -> User:
        fields.setdefault("email", f"{role}-{uuid.uuid4().hex[:6]}@{self.tenant.slug}.test")
        async with scoped(self.db, Scope(self.tenant.id)):
            user = await create_user(
                self.db, password=TEST_PASSWORD, role=role, customer_id=customer.id if customer else None, **fields
            )
            await self.db.commit()
        return user

    async def client(self, user: User | None = None, *, scheme: str = "http") -> PortalClient:
        """A client on this portal's host, signed in as ``user`` when one is given."""
        client = PortalClient.for_app(self.app, self.tenant.host or "", scheme=scheme)
        await self.stack.enter_async_context(client.inner)
        if user is not None:
            await client.login(user.email)
        return client


@pytest_asyncio.fixture(loop_scope="session")
async def portal_factory(
    make_portico: Callable[..., Awaitable[Portico]], db: AsyncSession
) -> AsyncIterator[Callable[..., Awaitable[Portal]]]:
    """async (extra_plugins=(), slug="solo", **settings) -> a :class:`Portal` with its own plugins
    and settings (e.g. ``secure_cookies=True``), on the same emptied test database."""
    stack = contextlib.AsyncExitStack()

    async def make(extra_plugins: Sequence[object] = (), *, slug: str = "solo", **settings: Any) -> Portal:
        portico = await make_portico(extra_plugins, **settings)
        tenant = await create_tenant(db, portico.plugins, slug, slug.title(), f"{slug}.portal.test")
        await db.commit()
        return Portal(portico, create_app(portico=portico), tenant, db, stack)

    async with stack:
        yield make


# --- plugins --------------------------------------------------------------------------------


@pytest.fixture
def throwaway_plugin() -> Callable[..., types.ModuleType]:
    """Build a plugin object for one test: ``throwaway_plugin("name", portico_widgets=fn, ...)``.

    Each keyword is a hook implementation (a plain function; it is marked ``@hookimpl`` here);
    ``templates`` maps template names to their source, as a packaged plugin's templates/ folder would.
    Pass the result through ``portico_extra_plugins`` or ``make_portico([plugin])``.
    """

    def make(
        name: str,
        *,
        depends: Sequence[str] = (),
        label: str | None = None,
        templates: dict[str, str] | None = None,
        **hooks: Callable[..., Any],
    ) -> types.ModuleType:
        module = types.ModuleType(f"portico_test_plugin_{name}")
        module.manifest = Manifest(  # type: ignore[attr-defined]
            name=name, label=label or name.title(), version="0.0.1", depends=tuple(depends)
        )
        module.templates = dict(templates or {})  # type: ignore[attr-defined]
        for hook_name, function in hooks.items():
            setattr(module, hook_name, hookimpl(function))
        return module

    return make


# --- measuring ------------------------------------------------------------------------------


@dataclass
class QueryCounter:
    statements: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_queries(portico: Portico) -> Callable[[], contextlib.AbstractContextManager[QueryCounter]]:
    """``with count_queries() as counter:`` counts the app engine's SQL statements."""

    @contextlib.contextmanager
    def counting() -> Iterator[QueryCounter]:
        counter = QueryCounter()

        def before(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
            counter.statements.append(statement)

        event.listen(portico.engine.sync_engine, "before_cursor_execute", before)
        try:
            yield counter
        finally:
            event.remove(portico.engine.sync_engine, "before_cursor_execute", before)

    return counting


# --- email ----------------------------------------------------------------------------------


class SmtpServer:
    """A real SMTP server (aiosmtpd) on a loopback port that keeps what it receives.

    ``messages`` are parsed :class:`email.message.EmailMessage` objects (``msg["Subject"]``,
    ``msg.get_body(("plain",)).get_content()``, ``msg.iter_attachments()``); ``envelopes`` hold
    the SMTP sender and recipients. ``stop()`` / ``start()`` simulate an outage; ``refuse(address)``
    answers 550 for that recipient (a permanent failure).
    """

    def __init__(self) -> None:
        self.host = "127.0.0.1"
        self.port = _free_port()
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.refused: set[str] = set()
        self._controller: Any = None

    @property
    def settings(self) -> dict[str, Any]:
        """The Portico settings that send email here."""
        return {"smtp_host": self.host, "smtp_port": self.port, "smtp_security": "none", "smtp_username": ""}

    def start(self) -> None:
        from aiosmtpd.controller import Controller

        if self._controller is None:  # a stopped controller's loop is closed: start a new one
            self._controller = Controller(_SmtpCollector(self), hostname=self.host, port=self.port)
            self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def refuse(self, address: str) -> None:
        self.refused.add(address.lower())

    def to(self, address: str) -> list[EmailMessage]:
        """The messages whose envelope included ``address``."""
        return [m for m, (_, rcpts) in zip(self.messages, self.envelopes, strict=True) if address in rcpts]


class _SmtpCollector:
    def __init__(self, server: SmtpServer) -> None:
        self.server = server

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if address.lower() in self.server.refused:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        raw = envelope.original_content or envelope.content
        parsed = message_from_bytes(raw, policy=email_policy.default)
        self.server.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        self.server.messages.append(parsed)  # type: ignore[arg-type]
        return "250 OK"


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    """A running :class:`SmtpServer`; the test's portals send their email to it."""
    server = SmtpServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


async def deliver_mail(portico: Portico, *, now: dt.datetime | None = None) -> list[Outcome]:
    """Run the mail worker until nothing is due (at ``now``, default the present); returns the
    outcome of each attempt (``.message_id``, ``.state``: sent, queued or failed, ``.error``).
    Pass a later ``now`` to reach messages whose retry is scheduled in the future."""
    return await MailWorker(portico).run_once(now)


# --- real server and browser ----------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest_asyncio.fixture(loop_scope="session")
async def live_server(app: Litestar) -> AsyncIterator[str]:
    """The app served by uvicorn on loopback, in this event loop; yields ``http://localhost:PORT``."""
    import uvicorn

    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    server.install_signal_handlers = lambda: None  # type: ignore[attr-defined]
    task = asyncio.get_running_loop().create_task(server.serve())
    for _ in range(200):
        if server.started:
            break
        await asyncio.sleep(0.025)
    else:
        raise RuntimeError("the test server did not start")
    try:
        yield f"http://localhost:{port}"
    finally:
        server.should_exit = True
        await task


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def browser() -> AsyncIterator[Any]:
    """Headless Debian Chromium driven by Playwright, shared by the whole run."""
    from playwright.async_api import async_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium is not installed at {CHROMIUM} (the test command installs it)")
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        await browser.close()


@pytest_asyncio.fixture(loop_scope="session")
async def page_factory(browser: Any) -> AsyncIterator[Callable[[], Awaitable[Any]]]:
    """async () -> a page in a browser context of its own: another person on another computer."""
    contexts: list[Any] = []

    async def make() -> Any:
        context = await browser.new_context(viewport={"width": 1280, "height": 800})
        contexts.append(context)
        page = await context.new_page()
        page.set_default_timeout(10_000)
        return page

    yield make
    for context in contexts:
        await context.close()


@pytest_asyncio.fixture(loop_scope="session")
async def page(page_factory: Callable[[], Awaitable[Any]]) -> Any:
    return await page_factory()


async def browser_login(page: Any, base_url: str, email: str, password: str = TEST_PASSWORD) -> None:
    """Sign in through the real login form."""
    await page.goto(f"{base_url}/login")
    await page.fill("#email", email)
    await page.fill("#password", password)
    await page.click("button[type=submit]")
    await page.wait_for_load_state("networkidle")


__all__ = [
    "TEST_PASSWORD",
    "Portal",
    "PortalClient",
    "QueryCounter",
    "SmtpServer",
    "browser_login",
    "deliver_mail",
    "reset_database",
]
