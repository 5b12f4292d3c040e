"""The database out of reach: pages, the API and the health check answer 503 with Retry-After and
a clear message, and the log says so once, not with a traceback per request; when the database is
back, so is the portal (and the log says that too)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from core.accounts import create_tenant, scoped
from core.app import Portico, create_app
from core.db import Scope
from core.outage import DatabaseOutage, is_outage
from core.settings import Settings
from core.testing import PortalClient, reset_database

DOWN = "The portal cannot reach its database right now. Please try again in a minute."
API = "/api/v1/workorders"


@pytest.fixture
def portico_installed():
    return ("workorders",)  # a module with an API, for the JSON answer


def portal(url: str, folder: Path) -> Portico:
    return Portico.build(
        Settings(
            database_url=url,
            secret_key="test-" + uuid.uuid4().hex,
            data_dir=folder,
            mail_worker="off",
            plugins=("workorders",),
        )
    )


async def visit(client: PortalClient) -> dict[str, object]:
    """The sign-in page, the API and the health check: what each answered."""
    page, api, health = await client.get("/login"), await client.get(API), await client.get("/healthz")
    return {"page": page, "api": api, "health": health}


def assert_down(answers: dict[str, object]) -> None:
    page, api, health = answers["page"], answers["api"], answers["health"]
    for response in (page, api, health):
        assert response.status_code == 503 and response.headers["retry-after"] == "30"
    assert DOWN in page.text and "Temporarily unavailable" in page.text
    assert page.headers["content-type"].startswith("text/html")
    assert api.json() == {"status_code": 503, "detail": DOWN}
    assert health.json() == {"status": "unavailable", "database": "unreachable"}


def problems_logged(caplog) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.levelno >= logging.WARNING]


@pytest.mark.parametrize(
    "dead",
    ["postgresql+asyncpg://portico@127.0.0.1:9/portico", "sqlite+aiosqlite:///{folder}/missing/portico.sqlite3"],
    ids=["postgresql-closed-port", "sqlite-missing-folder"],
)
async def test_a_database_that_refuses_connections_gets_503_logged_once(dead, tmp_path, caplog):
    portico = portal(dead.format(folder=tmp_path), tmp_path)
    client = PortalClient.for_app(create_app(portico=portico), "acme.portal.test")
    caplog.set_level(logging.WARNING)
    async with client.inner:
        for _ in range(3):
            assert_down(await visit(client))
    await portico.engine.dispose()
    logged = problems_logged(caplog)
    assert [r.getMessage().split(";")[0] for r in logged] == ["the database cannot be reached"], logged
    assert logged[0].name == "portico.database"


def test_an_outage_is_logged_when_it_starts_then_every_five_minutes_and_when_it_ends(caplog):
    now = [0.0]
    outage = DatabaseOutage(clock=lambda: now[0])
    caplog.set_level(logging.INFO, logger="portico.database")
    for second in (0, 1, 299, 300, 301, 650):
        now[0] = second
        outage.failed(ConnectionRefusedError(111, "Connect call failed"))
    assert outage.down and outage.failures == 6
    outage.recovered()
    outage.recovered()
    assert [(r.levelname, r.getMessage().split(":")[0].split(" after")[0]) for r in caplog.records] == [
        ("ERROR", "the database cannot be reached; answering 503 until it can"),
        ("ERROR", "the database is still unreachable"),  # at 300 s
        ("ERROR", "the database is still unreachable"),  # at 650 s
        ("WARNING", "the database is reachable again"),
    ]
    assert caplog.records[0].exc_info is not None and all(r.exc_info is None for r in caplog.records[1:])


def test_only_an_unreachable_database_counts_as_an_outage():
    from sqlalchemy.exc import OperationalError, TimeoutError

    assert is_outage(ConnectionRefusedError(111, "Connect call failed"))
    assert is_outage(TimeoutError("QueuePool limit reached"))
    assert is_outage(OperationalError("SELECT 1", {}, sqlite3.OperationalError("unable to open database file")))
    assert not is_outage(OperationalError("SELECT x", {}, sqlite3.OperationalError("no such table: x")))
    assert not is_outage(FileNotFoundError(2, "No such file"))  # a missing upload is not the database
    assert not is_outage(ValueError("bad"))


class Proxy:
    """A TCP proxy in front of PostgreSQL that a test can cut (every connection dropped, new ones
    refused) and restore: a real outage of the database server, as the app sees it."""

    def __init__(self, port: int) -> None:
        self.target = port
        self.server: asyncio.Server | None = None
        self.port = 0
        self.transports: list[asyncio.BaseTransport] = []

    async def start(self) -> None:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", self.port)
        self.port = self.server.sockets[0].getsockname()[1]

    async def cut(self) -> None:
        assert self.server is not None
        self.server.close()
        for transport in self.transports:
            transport.abort()
        self.transports.clear()
        await self.server.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target)
        self.transports += [writer.transport, up_writer.transport]

        async def pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
            with contextlib.suppress(OSError):
                while data := await source.read(65536):
                    sink.write(data)
                    await sink.drain()
            sink.transport.abort()

        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))


@contextlib.asynccontextmanager
async def outage_switch(backend: str, database_url: str, tmp_path: Path) -> AsyncIterator[tuple[str, object]]:
    """(the URL the portal uses, a switch with async ``attach(portico)``, ``cut()`` and ``restore()``)."""
    if backend == "postgresql":
        proxy = Proxy(5432)
        await proxy.start()
        host = database_url.split("@", 1)[1].split("/", 1)[0]

        class Switch:
            async def attach(self, portico: Portico) -> None:
                pass  # the test database, through the proxy: its tables are there

            async def cut(self) -> None:
                await proxy.cut()

            async def restore(self) -> None:
                await proxy.start()  # on the same port

        try:
            yield database_url.replace(host, f"127.0.0.1:{proxy.port}"), Switch()
        finally:
            if proxy.server is not None and proxy.server.is_serving():
                await proxy.cut()
        return
    live, gone = tmp_path / "live", tmp_path / "gone"
    live.mkdir()

    class Folder:  # the database file's folder taken away: SQLite cannot open it any more
        portico: Portico | None = None

        async def attach(self, portico: Portico) -> None:
            self.portico = portico
            await reset_database(portico.engine)  # a database of its own: create its tables

        async def cut(self) -> None:
            assert self.portico is not None
            await self.portico.engine.dispose()  # pooled connections keep the file open
            live.rename(gone)

        async def restore(self) -> None:
            gone.rename(live)

    yield f"sqlite+aiosqlite:///{live / 'portico.sqlite3'}", Folder()


@pytest.mark.portico_commits
async def test_an_outage_in_the_middle_of_a_run(
    portico_backend, portico_commits_database_url, make_portico, tmp_path, caplog
):
    await make_portico()  # the committing tests' database, emptied, with its tables
    async with outage_switch(portico_backend, portico_commits_database_url, tmp_path) as (url, switch):
        portico = portal(url, tmp_path)
        await switch.attach(portico)
        async with portico.sessionmaker() as db, scoped(db, Scope.system()):
            await create_tenant(db, portico.plugins, "acme", "Acme", "acme.portal.test")
            await db.commit()
        client = PortalClient.for_app(create_app(portico=portico), "acme.portal.test")
        async with client.inner:
            before = await visit(client)
            assert [before[k].status_code for k in ("page", "api", "health")] == [200, 401, 200]
            caplog.set_level(logging.INFO)
            await switch.cut()
            for _ in range(3):
                assert_down(await visit(client))
            await switch.restore()
            after = await visit(client)
            assert [after[k].status_code for k in ("page", "api", "health")] == [200, 401, 200]
        await portico.engine.dispose()
    logged = problems_logged(caplog)
    assert [r.getMessage().split(";")[0].split(" after")[0] for r in logged] == [
        "the database cannot be reached",
        "the database is reachable again",
    ], logged
    assert all(r.name == "portico.database" for r in logged)
