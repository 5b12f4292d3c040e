"""Alembic environment: one metadata, one version tree per installed plugin (branch = plugin name)."""

import asyncio

from alembic import context
from sqlalchemy.ext.asyncio import create_async_engine

from core.db import Base
from core.row_security import check_row_security, use_every_tenant

config = context.config


def _own_tables(obj, name, type_, reflected, compare_to):  # type: ignore[no-untyped-def]
    """A plugin's revision holds only its own tables (``<plugin>_*``), never its neighbours'."""
    prefix = config.attributes.get("table_prefix")
    if prefix is None:
        return True
    table = obj if type_ == "table" else getattr(obj, "table", None)
    return table is None or table.name.startswith(prefix)


def _run(connection):  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_object=_own_tables,
    )
    with context.begin_transaction():
        use_every_tenant(connection)  # a data migration may touch every vendor's rows
        context.run_migrations()
        if config.attributes.get("check_row_security"):
            # A tenant-owned table without its policy stops the upgrade (and rolls it back).
            check_row_security(connection, Base.metadata)


async def _main() -> None:
    engine = create_async_engine(config.attributes["url"])
    async with engine.connect() as connection:
        await connection.run_sync(_run)
        await connection.commit()
    await engine.dispose()


asyncio.run(_main())
