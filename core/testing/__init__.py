"""Portico's testing kit, loaded as a pytest plugin (entry point ``pytest11``).

Fixtures (all async ones run on pytest-asyncio's session loop):

``portico_backend``      "sqlite" or "postgresql"; every test using the database runs once per
                         backend named in ``--portico-db`` (default: ``PORTICO_TEST_DATABASES`` or sqlite).
``portico_extra_plugins`` override it to install your plugin objects in the test app.
``portico_installed``    override it to install only some discovered plugins (None: all).
``portico_settings``     Settings keywords for every Portico of the test (no in-app mail worker).
``make_portico``         async (extra_plugins=(), **settings) -> a :class:`core.Portico` for this test.
``portico`` / ``app``    the default Portico and its Litestar app.
``client``               a :class:`PortalClient` on the app for the ``tenant``'s host.
``db``                   an AsyncSession with system scope, for setting up data.
``tenant``               the vendor "Acme Parts" (slug ``acme``, host ``acme.portal.test``).
``standard``             :class:`Standard`: ``tenant`` with a parent customer, two sites and one
                         person per role, shared by every test that asks for it.
``portico_shared``       what the builder of ``@pytest.mark.portico_shared(build=...)`` returned.
``tenant_factory``, ``customer_factory``, ``user_factory``: create data the way the product does.
``login_as``             async (user) -> a signed-in PortalClient (no login form; ``client.login``
                         is the form).
``api_token``            async (*permissions, tenant=None) -> a working integration token's secret.
``portal_factory``       async (extra_plugins, **settings) -> a Portal of its own (app, tenant, people).
``throwaway_plugin``     builds a plugin object from hook functions, for one test.
``count_queries``        counts the SQL statements the app sends inside a ``with`` block.
``smtp_server``          a real SMTP server on loopback collecting messages; SMTP points at it.
``deliver_mail(portico)`` (a function in this module) delivers the due outbox, for tests.
``live_server``, ``browser``, ``page``, ``page_factory``: the app on loopback and headless Chromium.

Apps are built once per plugin set and settings and reused; each test's writes are rolled back
(see :mod:`core.testing.database`). A test that needs real commits seen from several database
connections says so with ``@pytest.mark.portico_commits`` (a test using ``live_server`` does so
implicitly): it runs on a second database, emptied before it, as in a real deployment.
``@pytest.mark.portico_shared(build=builder)`` writes a module's own shared data once (read it
with the ``portico_shared`` fixture).
"""

from __future__ import annotations

import contextlib
import gc
import os
import re
import types
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Hashable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from litestar import Litestar
from sqlalchemy import event, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.accounts import create_customer, create_tenant, create_user, scoped, use_fast_password_hashing
from core.api import create_api_token
from core.app import Portico, create_app
from core.db import Scope
from core.declarations import CUSTOMER_ADMIN, CUSTOMER_USER, VENDOR_ADMIN, VENDOR_STAFF, Manifest
from core.hookimpl import hookimpl
from core.models import Customer, Tenant, User
from core.testing.apps import AppCache, Built, attach, detach, plugin_key
from core.testing.browser import CHROMIUM, CHROMIUM_ARGS, browser, browser_login, live_server, page, page_factory
from core.testing.clients import TEST_PASSWORD, PortalClient
from core.testing.database import (
    POSTGRES_ADMIN_URL,
    Layer,
    TestDatabase,
    empty_database,
    is_kit_savepoint,
    reset_database,
)
from core.testing.mail import SmtpServer, deliver_mail, portico_smtp_server, smtp_server

COMMITS_MARKER = "portico_commits"
SHARED_MARKER = "portico_shared"
ANY_DATABASE_MARKER = "portico_any_database"
SharedBuilder = Callable[[AsyncSession, Portico], Awaitable[Any]]


def pytest_configure(config: pytest.Config) -> None:
    # Full-strength argon2 costs most of a second per user created or signed in; a test suite
    # checks behaviour, not the hash's strength (production keeps the library's parameters).
    use_fast_password_hashing()
    # Collections rarer than CPython's default (one per 700 new objects): a run makes millions of
    # short-lived objects, and each collection walks the young ones (2 % of a worker's time, was 3 %).
    gc.set_threshold(20_000, 10, 10)
    config.addinivalue_line(
        "markers",
        f"{COMMITS_MARKER}: the test commits for real (several connections, locking, workers, a live server)",
    )
    config.addinivalue_line(
        "markers",
        f"{ANY_DATABASE_MARKER}: what the test checks does not depend on the database (a browser's "
        "policy, a page's markup): it runs on the first of --portico-db only",
    )
    config.addinivalue_line(
        "markers",
        f"{SHARED_MARKER}(build=builder): async builder(db, portico) writes data once for every test with this mark "
        "(and the same plugins); the tests get its result from the portico_shared fixture",
    )


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    from core.documents.render import shutdown_pool

    shutdown_pool()  # the run's PDF workers (atexit would stop them too, a little later)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--portico-db",
        default=os.environ.get("PORTICO_TEST_DATABASES", "sqlite"),
        help="comma-separated test databases: sqlite, postgresql",
    )
    parser.addini(
        START_FIRST_INI,
        type="linelist",
        default=[],
        help="test files whose units of work start before all others under pytest-xdist, in this "
        "order (the longest ones: the run ends when its last unit does)",
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "portico_backend" in metafunc.fixturenames:
        backends = [b.strip() for b in metafunc.config.getoption("--portico-db").split(",") if b.strip()]
        if metafunc.definition.get_closest_marker(ANY_DATABASE_MARKER) is not None:
            backends = backends[:1]
        metafunc.parametrize("portico_backend", backends, scope="session")


START_FIRST_INI = "portico_start_first"
_BACKEND_IN_ID = re.compile(r"\[(?:[^\]]*-)?(sqlite|postgresql)(?:-[^\]]*)?\]$")


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """Under ``--dist loadfile``, a file's tests on one database are one unit of work, not the
    file on every database: a file's data is built per database anyway, and the two halves of a
    long file (the isolation walks: 230 s) run on two workers instead of one after the other."""
    if config.getoption("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    first = config.getini(START_FIRST_INI)

    class FileAndDatabaseScheduling(LoadFileScheduling):
        ordered = False

        def _split_scope(self, nodeid: str) -> str:
            return unit_of_work(nodeid)

        def _assign_work_unit(self, node: Any) -> None:
            if not self.ordered:  # the queue is complete when the first unit is handed out
                self.ordered = True
                for unit in sorted(self.workqueue, key=lambda unit: start_order(unit, first)):
                    self.workqueue.move_to_end(unit)
            super()._assign_work_unit(node)

    return FileAndDatabaseScheduling(config, log)


def start_order(unit: str, first: Sequence[str]) -> tuple[int, int]:
    """Where a unit of work goes in the queue: the files of ``portico_start_first`` in their
    order, PostgreSQL's half before SQLite's (the slower one), then the rest as xdist put them."""
    file, _, backend = unit.partition("[")
    place = first.index(file) if file in first else len(first)
    return place, 0 if backend.startswith("postgresql") or place == len(first) else 1


def unit_of_work(nodeid: str) -> str:
    """The file of a test id, with its database when it runs on one: what one worker runs."""
    file = nodeid.split("::", 1)[0]
    backend = _BACKEND_IN_ID.search(nodeid)
    return f"{file}[{backend.group(1)}]" if backend else file


_BACKEND_PROPERTY = "portico_backend"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # The test's database travels with its reports (to the main process too, under pytest-xdist).
    for item in items:
        backend = getattr(item, "callspec", None) and item.callspec.params.get("portico_backend")  # type: ignore[attr-defined]
        if backend:
            item.user_properties.append((_BACKEND_PROPERTY, backend))


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """The time each test database took (set-up, call and tear-down of its tests, summed), so that
    drift shows in every log; with several workers the sums exceed the wall time."""
    seconds: dict[str, float] = {}
    tests: dict[str, set[str]] = {}
    for reports in terminalreporter.stats.values():
        for report in reports:
            if not isinstance(report, pytest.TestReport):
                continue
            backend = str(dict(report.user_properties).get(_BACKEND_PROPERTY, "no database"))
            seconds[backend] = seconds.get(backend, 0.0) + report.duration
            tests.setdefault(backend, set()).add(report.nodeid)
    if seconds:
        terminalreporter.write_sep("=", "time per test database")
        for backend in sorted(seconds):
            terminalreporter.write_line(f"{backend}: {seconds[backend]:.1f} s in {len(tests[backend])} tests")


def shared_builder(marker: pytest.Mark | None) -> SharedBuilder | None:
    # A keyword, since pytest.mark.x(function) would mark the function instead of passing it.
    return marker.kwargs["build"] if marker is not None else None


def commits_for_real(request: pytest.FixtureRequest) -> bool:
    """Whether this test opted out of the rollback (explicitly, or by serving the app for real)."""
    return request.node.get_closest_marker(COMMITS_MARKER) is not None or "live_server" in request.fixturenames


# --- databases ------------------------------------------------------------------------------


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def portico_database_url(portico_backend: str, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[str]:
    """The backend's database for the run's rolled-back tests."""
    async with empty_database(portico_backend, tmp_path_factory.mktemp("db")) as url:
        yield url


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def portico_commits_database_url(
    portico_backend: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[str]:
    """The backend's database for tests that commit for real; emptied before each of them."""
    async with empty_database(portico_backend, tmp_path_factory.mktemp("commits-db")) as url:
        yield url


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def portico_test_database(portico_database_url: str) -> AsyncIterator[TestDatabase]:
    database = TestDatabase(portico_database_url)
    yield database
    await database.close()


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def portico_app_cache(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[AppCache]:
    cache = AppCache(tmp_path_factory.mktemp("apps"))
    yield cache
    await cache.close()


@pytest_asyncio.fixture(loop_scope="session")
async def fresh_database_url(portico_backend: str, tmp_path: Path) -> AsyncIterator[str]:
    """An empty database of its own for one test (migrations, the CLI), dropped afterwards."""
    async with empty_database(portico_backend, tmp_path) as url:
        yield url


# --- the test's portals ---------------------------------------------------------------------


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


@dataclass
class TestPortals:
    """The Porticos one test uses, and how it gets them: cached and rolled back, or its own."""

    __test__ = False

    request: pytest.FixtureRequest
    installed: Sequence[str] | None
    settings: dict[str, Any]
    database: TestDatabase | None  # None: the test commits for real
    commits_url: str | None
    cache: AppCache
    used: list[Built] = field(default_factory=list)
    started: bool = False

    async def make(self, extra_plugins: Sequence[object] = (), **overrides: Any) -> Portico:
        settings = self.settings | overrides
        if self.database is None:  # commits for real, on a database emptied first
            assert self.commits_url is not None
            built = self.cache.get(self.commits_url, self.installed, extra_plugins, settings)
            if not self.used:
                await reset_database(built.portico.engine)
            attach(built, built.own_sessionmaker)
            self.used.append(built)
            return built.portico
        built = self.cache.get(self.database.url, self.installed, extra_plugins, settings)
        if not self.started:
            self.started = True
            await self._begin(built, extra_plugins)
        else:
            await self.database.create_missing_tables()
        assert self.database.sessionmaker is not None
        attach(built, self.database.sessionmaker)
        self.used.append(built)
        return built.portico

    async def _begin(self, built: Built, extra_plugins: Sequence[object]) -> None:
        """Open the test's savepoint over the shared data it asks for: ``tenant``, ``standard``,
        and the data of a ``@pytest.mark.portico_shared(build=builder)`` mark."""
        assert self.database is not None
        names = self.request.fixturenames
        kind = "standard" if "standard" in names else "tenant" if "tenant" in names else None
        marker = self.request.node.get_closest_marker(SHARED_MARKER)
        builder = shared_builder(marker)
        if kind is None and builder is None:
            await self.database.begin_test(None, None)
            return

        async def build_layer(sessionmaker: async_sessionmaker[AsyncSession]) -> Layer:
            attach(built, sessionmaker)  # the builder may use the Portico's sessions too
            layer = await create_shared_data(sessionmaker, built.portico.plugins, kind) if kind else {}
            if builder is not None:
                async with sessionmaker() as db, scoped(db, Scope.system()):
                    layer["shared"] = await builder(db, built.portico)
                    await db.commit()
            return layer

        key = (kind, builder, plugin_key(self.installed, extra_plugins))
        await self.database.begin_test(key, build_layer)

    def app_for(self, portico: Portico) -> Litestar:
        for built in self.used:
            if built.portico is portico:
                return built.litestar()
        return create_app(portico=portico, stop_pdf_pool=False)

    async def close(self) -> None:
        for built in self.used:
            detach(built)
        if self.database is not None and self.started:
            await self.database.end_test()
        await self.cache.let_go()


@pytest_asyncio.fixture(loop_scope="session")
async def portico_portals(
    request: pytest.FixtureRequest,
    portico_installed: Sequence[str] | None,
    portico_settings: dict[str, Any],
    portico_test_database: TestDatabase,
    portico_commits_database_url: str,
    portico_app_cache: AppCache,
) -> AsyncIterator[TestPortals]:
    """How this test gets its Porticos: from the run's cache, rolled back, or of its own."""
    real = commits_for_real(request)
    portals = TestPortals(
        request=request,
        installed=portico_installed,
        settings=portico_settings,
        database=None if real else portico_test_database,
        commits_url=portico_commits_database_url if real else None,
        cache=portico_app_cache,
    )
    try:
        yield portals
    finally:
        await portals.close()


@pytest.fixture
def make_portico(portico_portals: TestPortals) -> Callable[..., Awaitable[Portico]]:
    """async (extra_plugins=(), **settings) -> a Portico for this test on the test database."""
    return portico_portals.make


@pytest_asyncio.fixture(loop_scope="session")
async def portico(make_portico: Callable[..., Awaitable[Portico]], portico_extra_plugins: Sequence[object]) -> Portico:
    return await make_portico(portico_extra_plugins)


@pytest.fixture
def app(portico: Portico, portico_portals: TestPortals) -> Litestar:
    return portico_portals.app_for(portico)


@pytest_asyncio.fixture(loop_scope="session")
async def db(portico: Portico) -> AsyncIterator[AsyncSession]:
    async with portico.sessionmaker() as session:
        async with scoped(session, Scope.system()):
            yield session


# --- people and tenants ---------------------------------------------------------------------


@dataclass
class Standard:
    """The shared vendor: a parent customer account with two sites, and one person per role."""

    tenant: Tenant
    parent: Customer  # "Globex Holdings"
    north: Customer  # "Globex North Plant", a site of parent
    south: Customer  # "Globex South Plant", a site of parent
    admin: User  # vendor admin, Ada Admin
    staff: User  # vendor staff, Sam Staff
    buyer: User  # customer admin of the parent account (sees both sites), Bea Buyer
    north_contact: User  # customer user of north, Nora North
    south_contact: User  # customer user of south, Sid South


_STANDARD_PEOPLE = (
    ("admin", VENDOR_ADMIN, None, "Ada", "Admin"),
    ("staff", VENDOR_STAFF, None, "Sam", "Staff"),
    ("buyer", CUSTOMER_ADMIN, "parent", "Bea", "Buyer"),
    ("north_contact", CUSTOMER_USER, "north", "Nora", "North"),
    ("south_contact", CUSTOMER_USER, "south", "Sid", "South"),
)


async def create_shared_data(sessionmaker: async_sessionmaker[AsyncSession], plugins: Any, kind: str) -> Layer:
    """Write the vendor (and, for ``standard``, its customers and people); returns their ids."""
    async with sessionmaker() as db, scoped(db, Scope.system()):
        tenant = await create_tenant(db, plugins, "acme", "Acme Parts", "acme.portal.test")
        await db.commit()
    ids = {"tenant": tenant.id}
    if kind == "standard":
        ids.update(await create_standard_people(sessionmaker, tenant.id))
    return ids


async def create_standard_people(sessionmaker: async_sessionmaker[AsyncSession], tenant_id: int) -> Layer:
    """The parent account, its two sites and one person per role, in the vendor ``tenant_id``."""
    async with sessionmaker() as db, scoped(db, Scope(tenant_id)):
        parent = await create_customer(db, "Globex Holdings", None)
        sites = {
            "parent": parent,
            "north": await create_customer(db, "Globex North Plant", parent.id),
            "south": await create_customer(db, "Globex South Plant", parent.id),
        }
        ids: Layer = {name: c.id for name, c in sites.items()}
        for name, role, site, first, last in _STANDARD_PEOPLE:
            user = await create_user(
                db,
                email=f"{first.lower()}@acme.test",
                password=TEST_PASSWORD,
                role=role,
                customer_id=sites[site].id if site else None,
                first_name=first,
                last_name=last,
            )
            ids[name] = user.id
        await db.commit()
    return ids


def _shared_ids(portals: TestPortals) -> Layer | None:
    return portals.database.layer if portals.database is not None else None


@pytest.fixture
def tenant_factory(db: AsyncSession, portico: Portico) -> Callable[..., Awaitable[Tenant]]:
    async def make(slug: str = "acme", name: str | None = None, host: str | None = None) -> Tenant:
        tenant = await create_tenant(db, portico.plugins, slug, name or slug.title(), host or f"{slug}.portal.test")
        await db.commit()
        return tenant

    return make


@pytest_asyncio.fixture(loop_scope="session")
async def tenant(
    db: AsyncSession, portico_portals: TestPortals, tenant_factory: Callable[..., Awaitable[Tenant]]
) -> Tenant:
    """The vendor Acme Parts: written once and shared through the rollback, or made for a test
    that commits for real."""
    shared = _shared_ids(portico_portals)
    if shared is None:
        return await tenant_factory("acme", "Acme Parts")
    found = await db.get(Tenant, shared["tenant"])
    assert found is not None
    return found


@pytest_asyncio.fixture(loop_scope="session")
async def standard(db: AsyncSession, portico: Portico, portico_portals: TestPortals, tenant: Tenant) -> Standard:
    """:class:`Standard`, loaded fresh for this test (a test may change the rows: its changes
    are rolled back, and the next test gets new objects)."""
    shared = _shared_ids(portico_portals)
    if shared is None:  # a test that commits for real makes its own
        shared = await create_standard_people(portico.sessionmaker, tenant.id)
    async with scoped(db, Scope(tenant.id)):
        customers = {c.id: c for c in (await db.scalars(select(Customer))).all()}
        people = {u.id: u for u in (await db.scalars(select(User))).all()}
    rows: dict[str, Any] = {name: customers[shared[name]] for name in ("parent", "north", "south")}
    rows.update({name: people[shared[name]] for name, *_ in _STANDARD_PEOPLE})
    return Standard(tenant, **rows)


@pytest_asyncio.fixture(loop_scope="session")
async def portico_shared(request: pytest.FixtureRequest, portico: Portico, portico_portals: TestPortals) -> Any:
    """What the builder of the test's ``@pytest.mark.portico_shared(build=builder)`` returned: built
    once for all the tests that share it, or for this test alone when it commits for real."""
    marker = request.node.get_closest_marker(SHARED_MARKER)
    if marker is None:
        raise pytest.UsageError("portico_shared needs @pytest.mark.portico_shared(build=...) on the test or module")
    layer = _shared_ids(portico_portals)
    if layer is not None:
        return layer["shared"]
    async with portico.sessionmaker() as db, scoped(db, Scope.system()):
        value = await shared_builder(marker)(db, portico)  # type: ignore[misc]
        await db.commit()
    return value


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


@pytest_asyncio.fixture(loop_scope="session")
async def api_token(db: AsyncSession, portico: Portico) -> Callable[..., Awaitable[str]]:
    """async (*permissions, tenant=None, name="Test integration") -> the secret of a new API
    token of ``tenant`` (default: the ``tenant`` fixture's) holding ``permissions``; send it as
    ``Authorization: Bearer <secret>``. A permission of a module that is off stays without effect,
    as it would for a token an admin made."""

    async def make(*permissions: str, tenant: Tenant | None = None, name: str = "Test integration") -> str:
        if tenant is None:
            tenant = await _default_tenant(db)
        async with scoped(db, Scope(tenant.id)):
            _token, secret = await create_api_token(
                db, name=name, permissions=permissions, allowed=portico.plugins.permissions, created_by=None
            )
            await db.commit()
        return secret

    return make


async def _default_tenant(db: AsyncSession) -> Tenant:
    found = await db.scalar(select(Tenant).where(Tenant.slug == "acme"))
    if found is None:
        raise AssertionError("api_token needs a tenant: pass tenant=..., or use the tenant fixture")
    return found


# --- clients --------------------------------------------------------------------------------


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
    """async (user, password=None) -> a client signed in as ``user``: directly, or through the
    login form when a password is given (for tests of signing in)."""

    async def sign_in(user: User, password: str | None = None) -> PortalClient:
        tenant = await db.get(Tenant, user.tenant_id)
        assert tenant is not None
        client = await client_factory(tenant.host or f"{tenant.slug}.localhost")
        if password is None:
            await client.sign_in(user)
        else:
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
            await client.sign_in(user)
        return client


@pytest_asyncio.fixture(loop_scope="session")
async def portal_factory(
    make_portico: Callable[..., Awaitable[Portico]], db: AsyncSession, portico_portals: TestPortals
) -> AsyncIterator[Callable[..., Awaitable[Portal]]]:
    """async (extra_plugins=(), slug="solo", **settings) -> a :class:`Portal` with its own plugins
    and settings (e.g. ``secure_cookies=True``), on the same test database."""
    stack = contextlib.AsyncExitStack()

    async def make(extra_plugins: Sequence[object] = (), *, slug: str = "solo", **settings: Any) -> Portal:
        portico = await make_portico(extra_plugins, **settings)
        tenant = await create_tenant(db, portico.plugins, slug, slug.title(), f"{slug}.portal.test")
        await db.commit()
        return Portal(portico, portico_portals.app_for(portico), tenant, db, stack)

    async with stack:
        yield make


# --- plugins --------------------------------------------------------------------------------


_throwaway_plugins: dict[Hashable, tuple[types.ModuleType, tuple[object, ...]]] = {}


def _hook_identity(function: Callable[..., Any]) -> tuple[Hashable, tuple[object, ...]]:
    """What makes two hook functions the same: their code, and the very objects they close over
    and default to (returned too, so that they stay alive and their ids stay theirs)."""
    bound = tuple(cell.cell_contents for cell in function.__closure__ or ()) + tuple(function.__defaults__ or ())
    return (getattr(function, "__code__", function), tuple(id(value) for value in bound)), bound


@pytest.fixture
def throwaway_plugin() -> Callable[..., types.ModuleType]:
    """Build a plugin object for one test: ``throwaway_plugin("name", portico_widgets=fn, ...)``.

    Each keyword is a hook implementation (a plain function; it is marked ``@hookimpl`` here);
    ``templates`` maps template names to their source, as a packaged plugin's templates/ folder would.
    Pass the result through ``portico_extra_plugins`` or ``make_portico([plugin])``. The same
    definition (same code, same closed-over objects) gives the same object in every test, so the
    app built with it is reused.
    """

    def make(
        name: str,
        *,
        depends: Sequence[str] = (),
        label: str | None = None,
        templates: dict[str, str] | None = None,
        **hooks: Callable[..., Any],
    ) -> types.ModuleType:
        identities = {hook: _hook_identity(function) for hook, function in hooks.items()}
        key = (
            name,
            label,
            tuple(depends),
            tuple(sorted((templates or {}).items())),
            tuple(sorted((hook, identity) for hook, (identity, _) in identities.items())),
        )
        if key in _throwaway_plugins:
            return _throwaway_plugins[key][0]
        module = types.ModuleType(f"portico_test_plugin_{name}")
        module.manifest = Manifest(  # type: ignore[attr-defined]
            name=name, label=label or name.title(), version="0.0.1", depends=tuple(depends)
        )
        module.templates = dict(templates or {})  # type: ignore[attr-defined]
        for hook_name, function in hooks.items():
            setattr(module, hook_name, hookimpl(function))
        _throwaway_plugins[key] = (module, tuple(bound for _, bound in identities.values()))
        return module

    return make


# --- measuring ------------------------------------------------------------------------------


@dataclass
class QueryCounter:
    """The statements the app sent, as the database receives them in production (the kit's own
    savepoints, which stand in for each session's BEGIN, are left out)."""

    sent: list[str] = field(default_factory=list)

    @property
    def statements(self) -> list[str]:
        return [statement for statement in self.sent if not is_kit_savepoint(statement)]

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_queries(
    portico: Portico, portico_portals: TestPortals
) -> Callable[[], contextlib.AbstractContextManager[QueryCounter]]:
    """``with count_queries() as counter:`` counts the SQL statements the app sends."""
    engine = portico_portals.database.engine if portico_portals.database is not None else portico.engine

    @contextlib.contextmanager
    def counting() -> Iterator[QueryCounter]:
        counter = QueryCounter()

        def before(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
            counter.sent.append(statement)

        event.listen(engine.sync_engine, "before_cursor_execute", before)
        try:
            yield counter
        finally:
            event.remove(engine.sync_engine, "before_cursor_execute", before)

    return counting


__all__ = [
    "CHROMIUM",
    "CHROMIUM_ARGS",
    "COMMITS_MARKER",
    "POSTGRES_ADMIN_URL",
    "TEST_PASSWORD",
    "Portal",
    "PortalClient",
    "QueryCounter",
    "SmtpServer",
    "Standard",
    "browser",
    "browser_login",
    "deliver_mail",
    "live_server",
    "page",
    "page_factory",
    "portico_smtp_server",
    "reset_database",
    "smtp_server",
]
