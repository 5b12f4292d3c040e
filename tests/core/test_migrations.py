"""`portico db upgrade` builds exactly the schema the models describe, on both databases."""

from __future__ import annotations

import asyncio

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from core.db import Base
from core.migrate import upgrade
from core.plugins import build_plugin_set


async def test_migrations_produce_the_models_schema(portico_database_url, portico_backend):
    plugins = build_plugin_set()  # what is installed through entry points, as in production
    prefixes = tuple(f"{name}_" for name in plugins.names)
    engine = create_async_engine(portico_database_url)
    async with engine.begin() as conn:  # start from nothing: the shared test schema is dropped
        await conn.run_sync(Base.metadata.drop_all)
        await conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
    await asyncio.to_thread(upgrade, portico_database_url, plugins)

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
    async with engine.begin() as conn:  # leave the shared schema as the other tests expect it
        await conn.run_sync(Base.metadata.drop_all)
        await conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
        await conn.run_sync(Base.metadata.create_all)
    await engine.dispose()
    assert "core_tenant" in tables and "alembic_version" in tables
    assert differences == []
