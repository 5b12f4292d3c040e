"""Test databases, and the rollback that keeps one test's writes from the next.

Each backend gets one database for the run. A test runs inside a SAVEPOINT on one long-lived
connection; the app's sessions join that connection through savepoints of their own
(SQLAlchemy's "join a session into an external transaction" recipe), so a request's ``commit``
releases its savepoint and the test's end rolls everything back. Beneath the test's savepoint the
connection may hold a *layer*: shared data (a vendor and its people) written once, never
committed, and reused by every following test that asks for the same layer.

Tests that need real commits seen from several connections (``@pytest.mark.portico_commits``,
and every test using ``live_server``) use a second database that is emptied before each test.
"""

from __future__ import annotations

import contextlib
import os
import re
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Hashable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, event, make_url, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction

from core.db import Base, make_engine

POSTGRES_ADMIN_URL = os.environ.get(
    "PORTICO_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
)
# The tests' databases belong to, and are used by, a role that is neither superuser nor BYPASSRLS,
# as in production: superusers would walk through row-level security.
POSTGRES_TEST_ROLE = os.environ.get("PORTICO_TEST_POSTGRES_ROLE", "portico_test_owner")
_CREATE_ROLE = f"""DO $$ BEGIN
    CREATE ROLE "{POSTGRES_TEST_ROLE}" LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END $$"""


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
        await conn.execute(text(_CREATE_ROLE))
        await conn.execute(text(f'CREATE DATABASE "{name}" OWNER "{POSTGRES_TEST_ROLE}"'))
        # A test database is dropped after the run: a commit need not wait for the disk.
        await conn.execute(text(f'ALTER DATABASE "{name}" SET synchronous_commit = off'))
    try:
        server = make_url(POSTGRES_ADMIN_URL).set(username=POSTGRES_TEST_ROLE, password=None, database=name)
        yield server.render_as_string(hide_password=False)
    finally:
        async with admin.connect() as conn:
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin.dispose()


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


class JoinedSession(Session):
    """The sessions of a rolled-back test: each joins the test's connection through a savepoint.

    In production a session that only read ends in a rollback that undoes nothing, while a second
    session opened meanwhile (the recent list's upsert) commits on a connection of its own. Here
    the second session's savepoint lies inside the first's, so the first one's rollback would
    undo the second's commit: a session that wrote nothing releases its savepoint instead.
    """

    def _connection_for_bind(self, engine: Any, execution_options: Any = None, **kw: Any) -> Any:
        # The first savepoint a session makes on the test's connection is its join savepoint,
        # which stands in for the session's BEGIN: it is named so (see depth_named_savepoints).
        root = self._transaction
        while root is not None and root.parent is not None:
            root = root.parent
        if root is None or engine not in root._connections:
            engine.info[_NEXT_SAVEPOINT_JOINS] = True
        try:
            return super()._connection_for_bind(engine, execution_options, **kw)
        finally:
            engine.info.pop(_NEXT_SAVEPOINT_JOINS, None)

    def close(self) -> None:
        transaction = self._transaction
        if (
            transaction is not None
            and transaction.is_active
            and transaction.parent is None
            and not self.info.get("portico_wrote")
            and not (self.new or self.dirty or self.deleted)
        ):
            self.commit()
        super().close()


_NEXT_SAVEPOINT_JOINS = "portico_next_savepoint_joins"
_JOIN_PREFIX = "portico_join_"
_SAVEPOINT_SQL = re.compile(r"^\s*(?:RELEASE |ROLLBACK TO )?SAVEPOINT (\w+)\s*$", re.IGNORECASE)


def depth_named_savepoints(connection: Connection) -> None:
    """Name the connection's savepoints by their depth, not by a counter that only grows.

    asyncpg prepares every statement it is sent and keeps it only by its text: with a new name
    for each savepoint, every SAVEPOINT and RELEASE on the test's long-lived connection cost a
    second round trip and pushed a real statement out of the cache (22,000 of them on the walk of
    every route). A name may be reused once the savepoint below it is gone; a session's join
    savepoint gets a name of its own, so that statement counts can leave it out."""
    savepoint = connection._savepoint_impl

    def by_depth(name: str | None = None) -> str:
        if name is None:
            depth, nested = 1, connection._nested_transaction
            while nested is not None:
                depth, nested = depth + 1, nested._previous_nested
            joins = connection.info.pop(_NEXT_SAVEPOINT_JOINS, False)
            name = f"{_JOIN_PREFIX if joins else 'sa_savepoint_'}{depth}"
        return savepoint(name)

    connection._savepoint_impl = by_depth  # type: ignore[method-assign]


@event.listens_for(JoinedSession, "after_begin")
def _note_begin(session: Session, transaction: SessionTransaction, connection: Any) -> None:
    if transaction.parent is None and not transaction.nested:
        session.info["portico_wrote"] = False


@event.listens_for(JoinedSession, "after_flush")
def _note_flush(session: Session, _context: Any) -> None:
    session.info["portico_wrote"] = True


@event.listens_for(JoinedSession, "do_orm_execute")
def _note_write(state: ORMExecuteState) -> None:
    if not state.is_select:
        state.session.info["portico_wrote"] = True


def is_kit_savepoint(statement: str) -> bool:
    """True for the SAVEPOINT statements that only the rollback kit issues."""
    match = _SAVEPOINT_SQL.match(statement)
    return bool(match and match.group(1).startswith(_JOIN_PREFIX))


Layer = dict[str, Any]
LayerBuilder = Callable[[async_sessionmaker[AsyncSession]], Awaitable[Layer]]


class TestDatabase:
    """One backend's test database for the run and the connection its tests roll back."""

    __test__ = False  # not a test class, whatever its name says

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self.created: set[str] = set()  # tables created and committed
        self.conn: AsyncConnection | None = None
        self.layer_key: Hashable | None = None
        self.layer: Layer | None = None
        self._test: Any = None  # the test's savepoint
        self.sessionmaker: async_sessionmaker[AsyncSession] | None = None

    @property
    def sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    async def begin_test(self, layer_key: Hashable | None, build_layer: LayerBuilder | None) -> None:
        """Open the test's savepoint, over the layer ``layer_key`` (built now when it differs)."""
        if self.conn is not None and self.layer_key != layer_key:
            await self.discard()
        if self.conn is None:
            await self._open()
            if build_layer is not None:
                assert self.sessionmaker is not None
                self.layer = await build_layer(self.sessionmaker)
            self.layer_key = layer_key
        assert self.conn is not None
        await self.create_missing_tables()
        self._test = await self.conn.begin_nested()

    async def end_test(self) -> None:
        """Roll back what the test wrote; a connection the test left unusable is replaced."""
        test, self._test = self._test, None
        try:
            if test is not None and test.is_active:
                await test.rollback()
            elif test is not None:
                await self.discard()  # the savepoint is gone: the layer may be changed too
        except Exception:
            await self.discard()

    async def _open(self) -> None:
        await self._create_tables_committed()
        conn = await self.engine.connect()
        if self.sqlite:
            # pysqlite begins transactions lazily and knows nothing of SAVEPOINT; the driver steps
            # aside and the kit says BEGIN itself (SQLAlchemy's documented recipe for SQLite).
            await conn.run_sync(lambda c: setattr(c.connection.dbapi_connection, "isolation_level", None))
            await conn.begin()
            await conn.exec_driver_sql("BEGIN")
        else:
            await conn.begin()
        depth_named_savepoints(conn.sync_connection)  # type: ignore[arg-type]
        self.conn = conn
        self.sessionmaker = async_sessionmaker(
            bind=conn,
            expire_on_commit=False,
            join_transaction_mode="create_savepoint",
            sync_session_class=JoinedSession,
        )

    async def discard(self) -> None:
        """Roll back the layer and give the connection back."""
        conn, self.conn, self.layer, self.layer_key, self.sessionmaker = self.conn, None, None, None, None
        if conn is None:
            return
        try:
            await conn.rollback()
            if self.sqlite:
                await conn.run_sync(lambda c: setattr(c.connection.dbapi_connection, "isolation_level", ""))
            await conn.close()
        except Exception:
            await conn.invalidate()

    async def _create_tables_committed(self) -> None:
        missing = [t for name, t in Base.metadata.tables.items() if name not in self.created]
        if missing:
            async with self.engine.begin() as conn:
                await conn.run_sync(lambda c: Base.metadata.create_all(c, tables=missing))
            self.created.update(t.name for t in missing)

    async def create_missing_tables(self) -> None:
        """Tables of models defined since the connection opened (a test's own plugin), created
        inside the test's transaction and so dropped again by its rollback."""
        missing = [t for name, t in Base.metadata.tables.items() if name not in self.created]
        if missing and self.conn is not None:
            await self.conn.run_sync(lambda c: Base.metadata.create_all(c, tables=missing))

    async def close(self) -> None:
        await self.discard()
        await self.engine.dispose()
