"""Per-vendor session limits, the settings hub, and moving dashboard cards without JavaScript."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import update

from core import VENDOR_ADMIN, VENDOR_STAFF
from core.accounts import scoped
from core.db import Scope, utcnow
from core.models import Tenant, WebSession
from tests.core import example_plugin


@pytest.fixture
def portico_extra_plugins():
    return [example_plugin]


async def _age(db, tenant, **fields) -> None:
    async with scoped(db, Scope(tenant.id)):
        await db.execute(update(WebSession).values(**fields))
        await db.commit()


async def _signed_in(client) -> bool:
    return (await client.get("/")).status_code == 200


async def test_a_vendors_idle_timeout_ends_its_sessions_and_no_one_elses(
    client, client_factory, tenant, tenant_factory, user_factory, db
):
    admin = await user_factory(tenant, VENDOR_ADMIN)
    await client.login(admin.email)
    assert (
        await client.post("/admin/security", {"session_idle_minutes": "15", "session_max_hours": ""})
    ).status_code == 302
    other = await tenant_factory("globex")
    elsewhere = await client_factory(other.host)
    await elsewhere.login((await user_factory(other, VENDOR_STAFF)).email)
    await _age(db, tenant, last_seen_at=utcnow() - dt.timedelta(minutes=14))
    await _age(db, other, last_seen_at=utcnow() - dt.timedelta(minutes=14))
    assert await _signed_in(client)  # inside the vendor's 15 minutes (and refreshed)
    await _age(db, tenant, last_seen_at=utcnow() - dt.timedelta(minutes=16))
    await _age(db, other, last_seen_at=utcnow() - dt.timedelta(minutes=16))
    assert not await _signed_in(client)
    assert await _signed_in(elsewhere)  # the other vendor keeps the deployment's 120 minutes


async def test_a_vendors_session_lifetime_ends_active_sessions(client, tenant, user_factory, db):
    await client.login((await user_factory(tenant, VENDOR_ADMIN)).email)
    assert (
        await client.post("/admin/security", {"session_idle_minutes": "", "session_max_hours": "8"})
    ).status_code == 302
    await _age(db, tenant, created_at=utcnow() - dt.timedelta(hours=7, minutes=50))
    assert await _signed_in(client)
    await _age(db, tenant, created_at=utcnow() - dt.timedelta(hours=8, minutes=1))
    assert not await _signed_in(client)


async def test_a_longer_idle_timeout_than_the_default_keeps_sessions(client, tenant, user_factory, db):
    await client.login((await user_factory(tenant, VENDOR_ADMIN)).email)
    await client.post("/admin/security", {"session_idle_minutes": "600", "session_max_hours": "24"})
    await _age(db, tenant, last_seen_at=utcnow() - dt.timedelta(minutes=300))
    assert await _signed_in(client)
    page = (await client.get("/admin/security")).text
    assert 'value="600"' in page and 'value="24"' in page


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"session_idle_minutes": "2"}, "Enter a number from 5 to 1440."),
        ({"session_idle_minutes": "abc"}, "Enter a whole number."),
        ({"session_max_hours": "0"}, "Enter a number from 1 to 2160."),
        ({"session_max_hours": "9999"}, "Enter a number from 1 to 2160."),
        ({"session_idle_minutes": "240", "session_max_hours": "2"}, "cannot be longer than the session lifetime"),
    ],
)
async def test_security_values_out_of_range_are_refused(client, tenant, user_factory, db, form, message):
    await client.login((await user_factory(tenant, VENDOR_ADMIN)).email)
    response = await client.post("/admin/security", form)
    assert response.status_code == 400 and message in response.text
    row = await db.get(Tenant, tenant.id, populate_existing=True)
    assert "session_idle_minutes" not in (row.settings or {}) and "session_max_hours" not in (row.settings or {})


async def test_staff_cannot_change_security(client, tenant, user_factory, db):
    await client.login((await user_factory(tenant, VENDOR_STAFF)).email)
    assert (await client.get("/admin/security")).status_code == 403
    assert (await client.post("/admin/security", {"session_idle_minutes": "5"})).status_code == 403
    assert (await client.get("/admin/settings")).status_code == 403


async def test_the_hub_links_what_the_admin_may_open(client, tenant, user_factory):
    await client.login((await user_factory(tenant, VENDOR_ADMIN)).email)
    page = (await client.get("/admin/settings")).text
    assert 'data-menu="core.settings"' in page
    for url in ("/admin/modules", "/admin/roles", "/admin/branding", "/admin/dashboard", "/admin/security"):
        assert f'<a href="{url}">' in page, url
    assert '<a href="/admin/api-tokens">' in page
    assert '<a href="/admin/modules/notes/settings">' in page  # the enabled module with settings
    assert '<a href="/admin/email-templates">' in page and '<a href="/admin/outbox">' in page


async def test_an_admin_with_fewer_rights_sees_fewer_links(client, tenant, user_factory, db):
    from core.models import Role, RolePermission

    admin = await user_factory(tenant, VENDOR_ADMIN)
    async with scoped(db, Scope(tenant.id)):
        role = await db.get(Role, admin.role_id)
        await db.execute(
            RolePermission.__table__.delete().where(
                RolePermission.role_id == role.id,
                RolePermission.permission.in_(["core.admin.security", "core.admin.modules"]),
            )
        )
        tenant_row = await db.get(Tenant, tenant.id)
        tenant_row.config_version += 1
        await db.commit()
    await client.login(admin.email)
    page = (await client.get("/admin/settings")).text
    assert '<a href="/admin/branding">' in page
    assert "/admin/security" not in page and "/admin/modules" not in page


async def test_dashboard_cards_move_without_javascript(client, tenant, user_factory):
    await client.login((await user_factory(tenant, VENDOR_ADMIN)).email)
    form = {"order": ["welcome", "notes", "recent"], "show": ["welcome", "notes", "recent"]}
    moved = await client.post("/admin/dashboard", {**form, "move": "down:welcome"})
    assert moved.status_code == 302
    settings_page = (await client.get("/admin/dashboard")).text
    assert "Card moved." in settings_page
    assert settings_page.index('data-widget="notes"') < settings_page.index('data-widget="welcome"')
    # Moving the first card up changes nothing; a hidden card stays hidden when moved.
    await client.post(
        "/admin/dashboard", {"order": ["notes", "welcome", "recent"], "show": ["notes", "recent"], "move": "up:notes"}
    )
    dashboard = (await client.get("/")).text
    assert dashboard.index('data-widget="notes.notes"') < dashboard.index('data-widget="core.recent"')
    assert 'data-widget="core.welcome"' not in dashboard
