"""`portico db upgrade` builds exactly the schema the models describe, on both databases."""

from __future__ import annotations

import asyncio

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.ext.asyncio import create_async_engine

from core.db import Base
from core.migrate import upgrade
from core.plugins import build_plugin_set
from core.row_security import tables_without_row_security, tenant_tables


async def test_migrations_produce_the_models_schema(fresh_database_url, portico_backend):
    plugins = build_plugin_set()  # what is installed through entry points, as in production
    prefixes = tuple(f"{name}_" for name in plugins.names)
    engine = create_async_engine(fresh_database_url)
    await asyncio.to_thread(upgrade, fresh_database_url, plugins)

    def diff(sync_conn):
        context = MigrationContext.configure(
            sync_conn,
            opts={
                "compare_type": True,
                "include_object": lambda obj, name, kind, reflected, other: (
                    kind != "table" or name.startswith(prefixes)
                ),
            },
        )
        return compare_metadata(context, Base.metadata)

    async with engine.connect() as conn:
        differences = await conn.run_sync(diff)
        tables = await conn.run_sync(lambda c: c.dialect.get_table_names(c))
        unsecured = await conn.run_sync(lambda c: tables_without_row_security(c, Base.metadata))
    await engine.dispose()
    assert "core_tenant" in tables and "alembic_version" in tables
    assert differences == []
    # Every table with a tenant_id, the plugins' too, is behind row-level security on PostgreSQL
    # (a plugin's migration that forgets it makes the upgrade itself fail).
    assert unsecured == []
    assert {"core_user", "quotes_quote", "workorders_order"} <= set(tenant_tables(Base.metadata)) & set(tables)
