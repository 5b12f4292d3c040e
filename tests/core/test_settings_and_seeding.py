"""Settings from the environment, module settings with defaults, demo seeding through the hook,
and module dependencies per tenant."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from core import SettingsField, Widget
from core.accounts import AccountError, create_tenant, scoped, set_module_enabled
from core.db import Scope
from core.demo import DEMO_SLUG, seed_demo
from core.models import Tenant, TenantModule
from core.settings import Settings
from tests.core import example_plugin
from tests.core.example_plugin import Note


def test_settings_come_from_the_environment(tmp_path):
    settings = Settings.from_env(
        {
            "PORTICO_DATABASE_URL": "postgresql+asyncpg://u@db/p",
            "PORTICO_PLUGINS": "quotes, workorders",
            "PORTICO_SECURE_COOKIES": "yes",
            "PORTICO_SESSION_IDLE_MINUTES": "30",
            "PORTICO_BASE_DOMAIN": "portal.example",
            "PORTICO_THEME_DIR": str(tmp_path),
        }
    )
    assert settings.database_url == "postgresql+asyncpg://u@db/p"
    assert settings.plugins == ("quotes", "workorders")
    assert settings.secure_cookies is True and settings.session_idle_minutes == 30
    assert settings.base_domain == "portal.example" and settings.theme_dir == tmp_path
    assert Settings.from_env({}).plugins is None  # every discovered plugin
    in_dir = Settings.from_env({"PORTICO_DATA_DIR": "/srv/portico"})
    assert in_dir.database_url == "sqlite+aiosqlite:////srv/portico/portico.sqlite3"


def test_secret_is_generated_once_and_kept(tmp_path):
    first = Settings(data_dir=Path(tmp_path)).with_secret().secret_key
    assert len(first) > 40
    assert Settings(data_dir=Path(tmp_path)).with_secret().secret_key == first


async def test_demo_seeding_calls_every_plugins_hook_and_refreshes(make_portico, db):
    portico = await make_portico([example_plugin])
    logins = await seed_demo(db, portico.plugins, portico)
    assert {login.email for login in logins} >= {"admin@acme.example", "buyer@globex.example"}
    await seed_demo(db, portico.plugins, portico)  # a second run replaces the demo vendor
    tenant = await db.scalar(select(Tenant).where(Tenant.slug == DEMO_SLUG))
    async with scoped(db, Scope(tenant.id)):
        notes = (await db.execute(select(Note.title))).scalars().all()
    assert len(notes) == 3  # the example plugin's demo notes, once


async def test_module_settings_fill_in_declared_defaults(portal_factory, throwaway_plugin, db):
    async def show_settings(ctx):
        return ctx.module_settings("opts")

    plugin = throwaway_plugin(
        "opts",
        templates={"opts/card.html": "<p id='opts'>{{ data.reorder }} / {{ data.terms }}</p>"},
        portico_settings_fields=lambda: [
            SettingsField("reorder", "Offer reorder", kind="bool", default=True),
            SettingsField("terms", "Approval terms", kind="textarea", default=""),
        ],
        portico_widgets=lambda: [Widget("card", "Options", "opts/card.html", show_settings, "core.dashboard")],
    )
    portal = await portal_factory([plugin])
    async with scoped(db, Scope(portal.tenant.id)):
        row = await db.scalar(select(TenantModule).where(TenantModule.module == "opts"))
        row.settings = {"terms": "Net 30"}
        await db.commit()
    client = await portal.client(await portal.user("vendor_admin"))
    assert "<p id='opts'>True / Net 30</p>" in (await client.get("/")).text


async def test_module_dependencies_hold_per_tenant(make_portico, throwaway_plugin, db):
    portico = await make_portico([throwaway_plugin("base"), throwaway_plugin("addon", depends=["base"])])
    tenant = await create_tenant(db, portico.plugins, "deps", "Deps")
    with pytest.raises(AccountError, match="Addon needs Base: switch that off first"):
        await set_module_enabled(db, portico.plugins, tenant.id, "base", False)
    await set_module_enabled(db, portico.plugins, tenant.id, "addon", False)
    await set_module_enabled(db, portico.plugins, tenant.id, "base", False)
    with pytest.raises(AccountError, match="Addon needs Base: switch that on first"):
        await set_module_enabled(db, portico.plugins, tenant.id, "addon", True)
