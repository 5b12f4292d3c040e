"""A third party's plugin (tests/core/example_plugin.py) works end to end through the kit."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import select

from core import CUSTOMER_ADMIN, CUSTOMER_USER, VENDOR_ADMIN, Permission, Widget
from core.accounts import scoped, set_module_enabled
from core.db import Scope
from core.models import Role, RolePermission
from tests.core import example_plugin
from tests.core.example_plugin import Note


@pytest.fixture
def portico_extra_plugins():
    return [example_plugin]


@pytest.fixture
async def world(tenant, customer_factory, user_factory, db):
    """A parent customer with two sites, a note at each, and a contact at each level."""
    parent = await customer_factory(tenant, "Globex")
    north = await customer_factory(tenant, "Globex North", parent)
    south = await customer_factory(tenant, "Globex South", parent)
    async with scoped(db, Scope(tenant.id)):
        db.add_all(
            [
                Note(customer_id=parent.id, title="Parent memo alpha"),
                Note(customer_id=north.id, title="North memo bravo", needs_reply=True),
                Note(customer_id=south.id, title="South memo charlie"),
            ]
        )
        await db.commit()
    return {
        "parent": await user_factory(tenant, CUSTOMER_ADMIN, parent),
        "north": await user_factory(tenant, CUSTOMER_USER, north),
        "south": await user_factory(tenant, CUSTOMER_ADMIN, south),
        "admin": await user_factory(tenant, VENDOR_ADMIN),
        "sites": (parent, north, south),
    }


async def test_parent_contact_sees_every_site_and_site_contact_only_its_own(world, login_as):
    parent_view = (await (await login_as(world["parent"])).get("/notes")).text
    assert all(memo in parent_view for memo in ("Parent memo alpha", "North memo bravo", "South memo charlie"))
    north_view = (await (await login_as(world["north"])).get("/notes")).text
    assert "North memo bravo" in north_view
    assert "South memo charlie" not in north_view and "Parent memo alpha" not in north_view


async def test_sibling_record_detail_is_not_found(world, login_as, db, tenant):
    async with scoped(db, Scope(tenant.id)):
        south_note = await db.scalar(select(Note).where(Note.title == "South memo charlie"))
    north = await login_as(world["north"])
    assert (await north.get(f"/notes/{south_note.id}")).status_code == 404
    south = await login_as(world["south"])
    page = await south.get(f"/notes/{south_note.id}")
    assert page.status_code == 200 and "South memo charlie" in page.text


async def test_menu_badge_widget_and_action_items(world, login_as):
    client = await login_as(world["north"])
    dashboard = (await client.get("/")).text
    assert 'data-menu="notes.notes"' in dashboard
    assert '<span class="badge">1</span>' in dashboard  # one note visible to the north site
    assert "1 notes" in dashboard  # the widget
    actions = (await client.get("/actions")).text
    assert "Notes awaiting your reply" in actions and "North memo bravo" in actions


async def test_permission_held_by_default_role_only(world, login_as):
    user = await login_as(world["north"])  # customer user: may view, may not add
    response = await user.post("/notes", {"title": "sneaky"})
    assert response.status_code == 403
    assert "does not allow" in response.text
    admin = await login_as(world["south"])  # customer admin: may add
    assert (await admin.post("/notes", {"title": "fine"})).status_code == 302


async def test_contact_cannot_write_into_a_sibling_site(world, login_as, db, tenant):
    south_id = world["sites"][2].id
    north_admin = await login_as(world["parent"])  # parent may write to any site
    assert (await north_admin.post("/notes", {"title": "from parent", "customer_id": str(south_id)})).status_code == 302
    south = await login_as(world["south"])
    north_id = world["sites"][1].id
    response = await south.post("/notes", {"title": "cross-site", "customer_id": str(north_id)})
    assert response.status_code == 404
    async with scoped(db, Scope(tenant.id)):
        assert await db.scalar(select(Note).where(Note.title == "cross-site")) is None


async def test_detail_view_lands_in_recent(world, login_as, db, tenant):
    async with scoped(db, Scope(tenant.id)):
        note = await db.scalar(select(Note).where(Note.title == "North memo bravo"))
    client = await login_as(world["north"])
    await client.get(f"/notes/{note.id}")
    assert "North memo bravo" in (await client.get("/recent")).text
    assert "North memo bravo" in (await client.get("/")).text  # the "Recently opened" widget


async def test_disabled_module_vanishes_and_returns_with_its_data(world, login_as, db, portico, tenant):
    client = await login_as(world["parent"])
    admin = await login_as(world["admin"])
    assert (await admin.post("/admin/modules/notes", {"enabled": "0"})).status_code == 302
    assert (await client.get("/notes")).status_code == 404
    dashboard = (await client.get("/")).text
    assert 'data-menu="notes.notes"' not in dashboard and "notes</p>" not in dashboard
    assert "Notes awaiting" not in (await client.get("/actions")).text
    assert "notes.view" not in (await admin.get("/admin/roles")).text
    assert "notes.view" not in (await client.get("/my-access")).text
    await admin.post("/admin/modules/notes", {"enabled": "1"})
    page = await client.get("/notes")
    assert page.status_code == 200 and "South memo charlie" in page.text


async def test_lifecycle_hooks_run_on_every_path(make_portico, throwaway_plugin, db, tenant_factory):
    calls = []
    plugin = throwaway_plugin(
        "lifecycle",
        portico_on_enable=lambda db, tenant_id: calls.append(("on", tenant_id)),
        portico_on_disable=lambda db, tenant_id: calls.append(("off", tenant_id)),
    )
    portico = await make_portico([plugin])
    from core.accounts import create_tenant

    tenant = await create_tenant(db, portico.plugins, "life", "Life")
    assert calls == [("on", tenant.id)]
    await set_module_enabled(db, portico.plugins, tenant.id, "lifecycle", False)
    await set_module_enabled(db, portico.plugins, tenant.id, "lifecycle", False)  # no change: no call
    await set_module_enabled(db, portico.plugins, tenant.id, "lifecycle", True)
    assert calls == [("on", tenant.id), ("off", tenant.id), ("on", tenant.id)]


async def test_failing_widget_shows_error_card_and_is_logged(portal_factory, throwaway_plugin, caplog):
    async def broken(ctx):
        raise RuntimeError("database on fire")

    plugin = throwaway_plugin(
        "flaky",
        portico_permissions=lambda: [Permission("flaky.view", "See flaky", default_roles=(VENDOR_ADMIN,))],
        portico_widgets=lambda: [Widget("boom", "Boom", "flaky/none.html", broken, "flaky.view")],
    )
    portal = await portal_factory([plugin])
    client = await portal.client(await portal.user(VENDOR_ADMIN, first_name="Fay"))
    with caplog.at_level(logging.ERROR):
        page = await client.get("/")
    assert page.status_code == 200
    assert "This card could not be loaded right now." in page.text
    assert "Welcome, Fay." in page.text  # the rest of the dashboard works
    assert any("flaky" in record.getMessage() and "boom" in record.getMessage() for record in caplog.records)


async def test_role_change_takes_effect_on_next_request(world, login_as, db, tenant):
    client = await login_as(world["north"])
    assert (await client.get("/notes")).status_code == 200
    async with scoped(db, Scope(tenant.id)):
        role = await db.scalar(select(Role).where(Role.key == CUSTOMER_USER))
        grants = (await db.execute(select(RolePermission.permission).where(RolePermission.role_id == role.id))).all()
    admin = await login_as(world["admin"])
    keep = [f"{role.id}:{p}" for (p,) in grants if p != "notes.view"]
    # the matrix posts every ticked box of every role; keep the other roles as they are
    async with scoped(db, Scope(tenant.id)):
        others = (
            await db.execute(
                select(RolePermission.role_id, RolePermission.permission).where(RolePermission.role_id != role.id)
            )
        ).all()
    keep += [f"{rid}:{p}" for rid, p in others]
    assert (await admin.post("/admin/roles", {"grant": keep})).status_code == 302
    response = await client.get("/notes")
    assert response.status_code == 403
    assert 'data-menu="notes.notes"' not in (await client.get("/")).text


async def test_startup_hook_runs_when_the_app_starts(portal_factory, throwaway_plugin):
    started = []

    async def on_start(app):
        started.append(app)

    portal = await portal_factory([throwaway_plugin("warm", portico_startup=on_start)])
    async with portal.app.lifespan():
        assert started == [portal.app]
