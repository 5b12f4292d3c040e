"""Portals created before the settings pages existed get their vendor admins the new permissions."""

from __future__ import annotations

import asyncio

from alembic import command
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from core.migrate import alembic_config
from core.plugins import build_plugin_set
from core.row_security import use_every_tenant


async def test_existing_vendor_admins_receive_the_settings_permissions(fresh_database_url):
    config = alembic_config(fresh_database_url, build_plugin_set())
    await asyncio.to_thread(command.upgrade, config, "8214458e4bc3")  # before the settings pages
    engine = create_async_engine(fresh_database_url)
    async with engine.begin() as conn:
        await conn.execute(
            text(
                "INSERT INTO core_tenant (id, slug, name, config_version, branding, settings, created_at) "
                "VALUES (1, 'old', 'Old', 3, '{}', '{}', CURRENT_TIMESTAMP)"
            )
        )
        await conn.execute(
            text(
                "INSERT INTO core_role (id, tenant_id, key, name, audience, builtin) VALUES "
                "(1, 1, 'vendor_admin', 'Vendor admin', 'staff', true), (2, 1, 'vendor_staff', 'Staff', 'staff', true)"
            )
        )
    await asyncio.to_thread(command.upgrade, config, "heads")
    async with engine.connect() as conn:
        await conn.run_sync(use_every_tenant)  # a connection of its own sees no vendor's rows otherwise
        grants = (await conn.execute(text("SELECT role_id, permission FROM core_role_permission"))).all()
        version = await conn.scalar(text("SELECT config_version FROM core_tenant"))
    await engine.dispose()
    assert sorted(grants) == [(1, "core.admin.security"), (1, "core.admin.settings")]
    assert version == 4
