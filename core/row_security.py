"""Row-level security in PostgreSQL: the second wall behind the ORM's tenant filter.

Every table with a ``tenant_id`` column carries one policy, ``portico_tenant``, forced on the
table's owner too, that shows and accepts only the rows whose ``tenant_id`` equals the setting
``portico.tenant_id`` of the current transaction::

    tenant_id = NULLIF(NULLIF(current_setting('portico.tenant_id', true), ''), 'all')::integer
    OR current_setting('portico.tenant_id', true) = 'all'

The setting holds a tenant's id, ``all`` (kernel work that spans vendors: the mail worker, the
CLI, migrations, the demo seeding), or nothing. Nothing shows no row at all: a connection the
kernel did not set up (a plugin's own ``engine.connect()``) sees no vendor's data.

The kernel sets it from the session's scope, lazily, just before the first statement that needs a
different value, as ``SELECT set_config('portico.tenant_id', …, true)``, which lasts until the
transaction ends: one statement per transaction. A system scope sets ``all``, a tenant scope the
tenant's id, a session without a scope nothing. A request's session is different: once its tenant
is known (:func:`core.db.pin_tenant`) the setting is that tenant whatever the session's scope, so
a request never reaches the unrestricted ``all``; before that (while the kernel finds the tenant
from the host) it is left unset.

On SQLite, which has no row security, all of this does nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Engine, MetaData, event, text
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction

SETTING = "portico.tenant_id"
EVERY_TENANT = "all"
POLICY = "portico_tenant"
TENANT_COLUMN = "tenant_id"

_CURRENT = f"current_setting('{SETTING}', true)"
CONDITION = (
    f"{TENANT_COLUMN} = NULLIF(NULLIF({_CURRENT}, ''), '{EVERY_TENANT}')::integer OR {_CURRENT} = '{EVERY_TENANT}'"
)
_SET = text(f"SELECT set_config('{SETTING}', :value, true)")
_STATE = "portico.row_security"  # the connection's state, in its (DBAPI connection's) info
PINNED_TENANT = "portico.pinned_tenant"  # session.info: the request's tenant (core.db.pin_tenant)
REQUEST = "portico.request"  # session.info: a request's session (core.db.open_request)


class MissingRowSecurityError(RuntimeError):
    """Tenant-owned tables without the policy: their plugin's migration did not add it."""


# --- the policies -----------------------------------------------------------------------------


def policy_statements(table: str) -> list[str]:
    """The DDL that puts ``table`` behind the wall (safe to run again)."""
    name = _identifier(table)
    return [
        f"ALTER TABLE {name} ENABLE ROW LEVEL SECURITY",
        f"ALTER TABLE {name} FORCE ROW LEVEL SECURITY",
        f"DROP POLICY IF EXISTS {POLICY} ON {name}",
        f"CREATE POLICY {POLICY} ON {name} USING ({CONDITION}) WITH CHECK ({CONDITION})",
    ]


def enable_row_security(op: Any, *tables: str) -> None:
    """For a migration: ``enable_row_security(op, "tickets_ticket", …)`` after creating tables
    with a ``tenant_id`` column. Does nothing on SQLite."""
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in tables:
        for statement in policy_statements(table):
            op.execute(statement)


def disable_row_security(op: Any, *tables: str) -> None:
    """For a migration's ``downgrade``: the reverse of :func:`enable_row_security`."""
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in tables:
        name = _identifier(table)
        op.execute(f"DROP POLICY IF EXISTS {POLICY} ON {name}")
        op.execute(f"ALTER TABLE {name} NO FORCE ROW LEVEL SECURITY")
        op.execute(f"ALTER TABLE {name} DISABLE ROW LEVEL SECURITY")


def tenant_tables(metadata: MetaData) -> list[str]:
    return sorted(name for name, table in metadata.tables.items() if TENANT_COLUMN in table.c)


def tables_without_row_security(connection: Connection, metadata: MetaData) -> list[str]:
    """The tenant-owned tables of ``metadata`` that exist here without the forced policy."""
    if connection.dialect.name != "postgresql":
        return []
    rows = connection.execute(
        text(
            "SELECT c.relname, c.relrowsecurity AND c.relforcerowsecurity"
            " AND EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid AND p.polname = :policy"
            " AND p.polcmd = '*' AND p.polpermissive)"
            " FROM pg_class c WHERE c.relkind = 'r' AND c.relnamespace = to_regnamespace(current_schema())"
        ),
        {"policy": POLICY},
    ).all()
    secured = {name: bool(ok) for name, ok in rows}
    return [name for name in tenant_tables(metadata) if name in secured and not secured[name]]


def check_row_security(connection: Connection, metadata: MetaData) -> None:
    missing = tables_without_row_security(connection, metadata)
    if missing:
        raise MissingRowSecurityError(
            "these tables have a tenant_id but no row-level security: "
            + ", ".join(missing)
            + ". The plugin's migration that creates them must call"
            " core.enable_row_security(op, <table>, …) (see docs/plugins.md)."
        )


def use_every_tenant(connection: Connection) -> None:
    """Kernel work without sessions (migrations): the rest of the transaction sees every tenant."""
    if connection.dialect.name == "postgresql":
        connection.execute(_SET, {"value": EVERY_TENANT})


def secure_created_tables(target: MetaData, connection: Connection, tables: Any = (), **_kw: Any) -> None:
    """``metadata.create_all`` (tests, throwaway databases) puts the tables it creates behind the
    wall too, so that they behave as migrated ones."""
    if connection.dialect.name != "postgresql":
        return
    for table in tables:
        if TENANT_COLUMN in table.c:
            for statement in policy_statements(table.name):
                connection.exec_driver_sql(statement)


def _identifier(table: str) -> str:
    if not table.replace("_", "").isalnum() or not table.isascii():
        raise ValueError(f"not a plain table name: {table!r}")
    return f'"{table}"'


# --- the setting, per transaction ----------------------------------------------------------------


@dataclass
class _ConnectionState:
    """What one database connection's transaction has been told, and who uses it."""

    applied: str | None = ""  # the setting now; None: unknown, set it before the next statement
    savepoints: list[str | None] = field(default_factory=list)  # the setting at each open savepoint
    sessions: list[Session] = field(default_factory=list)  # sessions in a transaction on it
    current: Session | None = None  # the one that ran the last ORM statement or began last


def wanted(session: Session) -> str | None:
    """The setting the session's next statement needs; None: any will do."""
    info = session.info
    pinned = info.get(PINNED_TENANT)
    if pinned is not None:
        return str(int(pinned))
    if info.get(REQUEST):
        return None  # the kernel is still finding the request's tenant (core_tenant has no policy)
    scope = info.get("scope")
    if scope is None:
        return ""
    return EVERY_TENANT if scope.tenant_id is None else str(int(scope.tenant_id))


def _state(connection: Connection) -> _ConnectionState | None:
    if connection.dialect.name != "postgresql":
        return None
    state = connection.info.get(_STATE)
    if state is None:
        state = connection.info[_STATE] = _ConnectionState()
    return state  # type: ignore[no-any-return]


@event.listens_for(Engine, "begin")
def _transaction_begun(connection: Connection) -> None:
    state = _state(connection)
    if state is not None:
        state.applied, state.savepoints = "", []  # a set_config(…, true) ends with its transaction


@event.listens_for(Engine, "savepoint")
def _savepoint(connection: Connection, name: str) -> None:
    state = _state(connection)
    if state is not None:
        state.savepoints.append(state.applied)


@event.listens_for(Engine, "rollback_savepoint")
def _rollback_savepoint(connection: Connection, _name: str, _context: Any) -> None:
    state = _state(connection)
    if state is not None:
        # Savepoints nest, and SQLAlchemy ends the innermost first; one we did not see began
        # leaves the setting unknown.
        state.applied = state.savepoints.pop() if state.savepoints else None


@event.listens_for(Engine, "release_savepoint")
def _release_savepoint(connection: Connection, _name: str, _context: Any) -> None:
    state = _state(connection)
    if state is not None and state.savepoints:
        state.savepoints.pop()


@event.listens_for(Session, "after_begin")
def _session_begun(session: Session, transaction: SessionTransaction, connection: Connection) -> None:
    if transaction.parent is not None:
        return
    state = _state(connection)
    if state is None:
        return
    if connection.in_nested_transaction():
        # The session joined an outer transaction (the test kit's): whatever that one set is
        # not this session's business, so its first statement sets the setting as it needs.
        state.applied = None
    state.sessions.append(session)
    state.current = session
    session.info[_STATE] = state


@event.listens_for(Session, "after_transaction_end")
def _session_ended(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is not None:
        return
    state = session.info.pop(_STATE, None)
    if state is None:
        return
    if session in state.sessions:
        state.sessions.remove(session)
    if state.current is session:
        state.current = state.sessions[-1] if state.sessions else None


@event.listens_for(Session, "do_orm_execute")
def _session_executes(orm_state: ORMExecuteState) -> None:
    state = orm_state.session.info.get(_STATE)
    if state is not None:
        state.current = orm_state.session


@event.listens_for(Session, "before_flush")
def _session_flushes(session: Session, _context: Any, _instances: Any) -> None:
    state = session.info.get(_STATE)
    if state is not None:
        state.current = session


_SAVEPOINT_SQL = re.compile(r"^\s*(?:SAVEPOINT|RELEASE SAVEPOINT|ROLLBACK TO SAVEPOINT)\b", re.IGNORECASE)


@event.listens_for(Engine, "before_cursor_execute")
def _apply_setting(connection: Connection, _cursor: Any, statement: str, *_args: Any) -> None:
    # before_cursor_execute, not before_execute: exec_driver_sql (raw SQL) passes only here.
    state = connection.info.get(_STATE)
    if state is None or state.current is None or _SAVEPOINT_SQL.match(statement):
        return
    value = wanted(state.current)
    if value is None or value == state.applied:
        return
    state.applied = value  # first, so that the statement below does not come back here
    try:
        connection.execute(_SET, {"value": value})
    except BaseException:
        state.applied = None
        raise
