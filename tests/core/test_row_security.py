"""PostgreSQL's row-level security: SQL that escapes the ORM's tenant filter still reaches only the
request's vendor (the second wall). SQLite has no such wall; these tests are PostgreSQL's."""

from __future__ import annotations

from typing import Any

import pytest
from litestar import get
from litestar.params import FromPath
from sqlalchemy import Column, Integer, MetaData, Table, text
from sqlalchemy.exc import DBAPIError

from core import VENDOR_ADMIN, Ctx, Scope, set_scope
from core.accounts import scoped
from core.db import Base, ScopeViolationError
from core.row_security import (
    MissingRowSecurityError,
    check_row_security,
    tables_without_row_security,
    tenant_tables,
)
from tests.core import example_plugin
from tests.core.example_plugin import Note


@pytest.fixture
def portico_extra_plugins():
    return [example_plugin]


@pytest.fixture(autouse=True)
def _postgresql_only(portico_backend):
    if portico_backend != "postgresql":
        pytest.skip("SQLite has no row-level security")


@get("/raw-sql/{other_tenant:int}/{other_customer:int}", opt={"permission": "core.dashboard"})
async def raw_sql(ctx: Ctx, other_tenant: FromPath[int], other_customer: FromPath[int]) -> dict[str, Any]:
    """A plugin's handler that forgets the ORM: plain SQL on the request's session and connection."""
    db = ctx.db
    seen = (await db.execute(text("SELECT tenant_id FROM notes_note ORDER BY id"))).scalars().all()
    connection = await db.connection()
    counted = (await connection.exec_driver_sql("SELECT count(*) FROM notes_note")).scalar()
    updated = (await db.execute(text("UPDATE notes_note SET title = 'changed by raw SQL'"))).rowcount
    deleted = (await db.execute(text("DELETE FROM notes_note WHERE tenant_id = :t"), {"t": other_tenant})).rowcount
    refused = {}
    for name, sql in {
        "insert": "INSERT INTO notes_note (tenant_id, customer_id, title, body, needs_reply, from_vendor)"
        " VALUES (:t, :c, 'planted', '', false, false)",
        "move": "UPDATE notes_note SET tenant_id = :t, customer_id = :c",
    }.items():
        try:
            async with db.begin_nested():
                await db.execute(text(sql), {"t": other_tenant, "c": other_customer})
            refused[name] = False
        except DBAPIError as error:
            refused[name] = "row-level security" in str(error)
    try:
        set_scope(db, Scope.system())  # the kernel mode is out of a request's reach
        escaped = True
    except ScopeViolationError:
        escaped = False
    await db.commit()
    return {"seen": seen, "counted": counted, "updated": updated, "deleted": deleted, "refused": refused,
            "escaped": escaped}  # fmt: skip


async def test_raw_sql_in_a_plugin_reads_and_writes_only_the_requests_tenant(
    portal_factory, throwaway_plugin, tenant_factory, customer_factory, db
):
    portal = await portal_factory([example_plugin, throwaway_plugin("rawsql", portico_routes=lambda: [raw_sql])])
    other = await tenant_factory("globex")
    mine, theirs = await customer_factory(portal.tenant, "Mine"), await customer_factory(other, "Theirs")
    async with scoped(db, Scope(portal.tenant.id)):
        db.add(Note(customer_id=mine.id, title="mine"))
        await db.commit()
    async with scoped(db, Scope(other.id)):
        db.add(Note(customer_id=theirs.id, title="theirs"))
        await db.commit()

    client = await portal.client(await portal.user(VENDOR_ADMIN))
    response = await client.get(f"/raw-sql/{other.id}/{theirs.id}")

    assert response.status_code == 200, response.text[:500]
    assert response.json() == {
        "seen": [portal.tenant.id],
        "counted": 1,
        "updated": 1,
        "deleted": 0,
        "refused": {"insert": True, "move": True},
        "escaped": False,
    }
    async with scoped(db, Scope.system()):
        rows = (await db.execute(text("SELECT tenant_id, title FROM notes_note ORDER BY id"))).all()
    assert [tuple(r) for r in rows] == [(portal.tenant.id, "changed by raw SQL"), (other.id, "theirs")]


async def test_kernel_work_sees_every_tenant_and_unset_up_sql_sees_none(
    portico, tenant, tenant_factory, customer_factory, db
):
    """A system scope (workers, CLI, seeding) is the kernel mode; a session without a scope and a
    connection of its own, which the kernel did not set up, see no vendor's rows at all."""
    other = await tenant_factory("globex")
    for owner in (tenant, other):
        customer = await customer_factory(owner, f"Customer of {owner.slug}")
        async with scoped(db, Scope(owner.id)):
            db.add(Note(customer_id=customer.id, title=owner.slug))
            await db.commit()
    count = text("SELECT count(*) FROM notes_note")
    async with portico.sessionmaker() as session:
        set_scope(session, Scope.system())
        assert await session.scalar(count) == 2
        set_scope(session, Scope(other.id))
        assert await session.scalar(count) == 1
        set_scope(session, Scope.system())
        assert await session.scalar(count) == 2
    async with portico.sessionmaker() as session:  # no scope: the ORM refuses, raw SQL sees nothing
        connection = await session.connection()
        assert (await connection.exec_driver_sql("SELECT count(*) FROM notes_note")).scalar() == 0
        assert (await connection.exec_driver_sql("SELECT count(*) FROM core_tenant")).scalar() >= 2  # not tenant-owned


async def test_a_rolled_back_savepoint_does_not_leave_the_wall_at_another_setting(portico, tenant, db):
    """Rolling back a savepoint undoes a set_config made inside it; the kernel notices and sets
    the session's tenant again before the next statement."""
    setting = text("SELECT current_setting('portico.tenant_id', true)")
    async with portico.sessionmaker() as session:
        set_scope(session, Scope.system())
        assert await session.scalar(setting) == "all"
        nested = await session.begin_nested()
        set_scope(session, Scope(tenant.id))
        assert await session.scalar(setting) == str(tenant.id)
        await nested.rollback()  # the database is back at "all"; the session is still the tenant's
        assert await session.scalar(setting) == str(tenant.id)
        nested = await session.begin_nested()
        set_scope(session, Scope.system())
        assert await session.scalar(setting) == "all"
        await nested.commit()  # released: the setting stays
        assert await session.scalar(setting) == "all"


async def test_tests_connect_as_a_role_that_row_security_binds(db):
    role = (await db.execute(text("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user"))).one()
    assert tuple(role) == (False, False)  # a superuser (or BYPASSRLS) walks through every policy


async def test_every_tenant_owned_table_of_the_test_database_has_the_policy(portico, db):
    connection = await db.connection()
    assert "notes_note" in tenant_tables(Base.metadata)
    assert await connection.run_sync(lambda c: tables_without_row_security(c, Base.metadata)) == []


async def test_a_tenant_owned_table_without_the_policy_is_named(portico, db):
    connection = await db.connection()
    await connection.exec_driver_sql("CREATE TABLE forgetful_thing (id integer PRIMARY KEY, tenant_id integer)")
    metadata = MetaData()
    Table("forgetful_thing", metadata, Column("id", Integer, primary_key=True), Column("tenant_id", Integer))
    with pytest.raises(MissingRowSecurityError, match="forgetful_thing.*enable_row_security"):
        await connection.run_sync(lambda c: check_row_security(c, metadata))
