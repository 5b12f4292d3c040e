"""Regression tests for defects found in review: scope escapes, races, and inputs that caused 500s."""

from __future__ import annotations

import asyncio

import pytest
from litestar import Request, post
from sqlalchemy import insert, select, text, update

from core import CUSTOMER_USER, VENDOR_ADMIN, Ctx, Manifest, Permission, Widget
from core.accounts import create_tenant, scoped, set_module_enabled
from core.db import Scope, ScopeViolationError
from core.models import ContactRequest, Customer, RolePermission, Tenant, User
from core.plugins import PluginError, build_plugin_set
from tests.core import example_plugin
from tests.core.example_plugin import Note


@pytest.fixture
def portico_extra_plugins():
    return [example_plugin]


@pytest.fixture
async def two_sites(tenant, customer_factory, user_factory, db):
    parent = await customer_factory(tenant, "Parent")
    north = await customer_factory(tenant, "North", parent)
    south = await customer_factory(tenant, "South", parent)
    async with scoped(db, Scope(tenant.id)):
        db.add_all([Note(customer_id=north.id, title="north note"), Note(customer_id=south.id, title="south note")])
        await db.commit()
    return parent, north, south


async def _other_tenant_customer(db, portico) -> Customer:
    other = await create_tenant(db, portico.plugins, "elsewhere", "Elsewhere", "elsewhere.portal.test")
    async with scoped(db, Scope(other.id)):
        customer = Customer(name="Elsewhere customer")
        db.add(customer)
        await db.commit()
    return customer


# --- the database scope -------------------------------------------------------------------


async def test_bulk_update_by_primary_key_is_refused(two_sites, db, tenant):
    _, north, south = two_sites
    async with scoped(db, Scope(tenant.id, customer_path=north.path)):
        note_ids = (await db.execute(select(Note.id))).scalars().all()
        with pytest.raises(ScopeViolationError, match="bulk"):
            await db.execute(update(Note), [{"id": i, "title": "x"} for i in note_ids])


async def test_core_style_insert_cannot_target_another_tenant_or_site(two_sites, db, tenant, portico):
    _, north, south = two_sites
    foreign = await _other_tenant_customer(db, portico)
    async with scoped(db, Scope(tenant.id)):
        with pytest.raises(ScopeViolationError, match="tenant_id"):
            await db.execute(insert(Note).values(tenant_id=foreign.tenant_id, customer_id=foreign.id, title="x"))
        with pytest.raises(ScopeViolationError, match="not visible"):
            await db.execute(insert(Note).values(tenant_id=tenant.id, customer_id=foreign.id, title="x"))
    async with scoped(db, Scope(tenant.id, customer_path=north.path)):
        with pytest.raises(ScopeViolationError, match="not visible"):
            await db.execute(insert(Note).values(tenant_id=tenant.id, customer_id=south.id, title="x"))
        with pytest.raises(ScopeViolationError, match="not visible"):
            await db.execute(update(Note).where(Note.title == "north note").values(customer_id=south.id))
        with pytest.raises(ScopeViolationError, match="cannot be changed"):
            await db.execute(update(Note).values(tenant_id=foreign.tenant_id))
    await db.rollback()


async def test_staff_cannot_attach_a_record_to_another_tenants_customer(db, tenant, portico):
    foreign = await _other_tenant_customer(db, portico)
    async with scoped(db, Scope(tenant.id)):
        db.add(Note(customer_id=foreign.id, title="smuggled"))
        with pytest.raises(ScopeViolationError):
            await db.flush()
        await db.rollback()


async def test_relationship_load_is_filtered_too(db, tenant, portico, user_factory, customer_factory):
    """Even a row that points across tenants (bad data) cannot pull the other tenant's row in."""
    from sqlalchemy.orm import selectinload

    site = await customer_factory(tenant, "Own")
    contact = await user_factory(tenant, CUSTOMER_USER, site)
    foreign = await _other_tenant_customer(db, portico)
    db.add(ContactRequest(tenant_id=tenant.id, customer_id=foreign.id, user_id=contact.id, subject="s", body="b"))
    await db.commit()  # written with system scope: nothing checks it
    db.expunge_all()
    async with scoped(db, Scope(tenant.id)):
        message = await db.scalar(select(ContactRequest).options(selectinload(ContactRequest.customer)))
        assert message.customer is None
        await db.refresh(message, ["customer"])
        assert message.customer is None


async def test_version_bumps_are_not_lost(db, tenant):
    from core.tenancy import bump_config_version

    before = (await db.execute(select(Tenant.config_version).where(Tenant.id == tenant.id))).scalar_one()
    await bump_config_version(db, tenant.id)
    await bump_config_version(db, tenant.id)
    await db.commit()
    after = (await db.execute(select(Tenant.config_version).where(Tenant.id == tenant.id))).scalar_one()
    assert after == before + 2


async def test_a_customer_made_directly_gets_its_path(db, tenant):
    async with scoped(db, Scope(tenant.id)):
        parent = Customer(name="Direct parent")
        db.add(parent)
        await db.flush()
        child = Customer(name="Direct child", parent_id=parent.id)
        db.add(child)
        await db.flush()
        assert parent.path == f"/{parent.id}/" and child.path == f"/{parent.id}/{child.id}/"


def test_an_empty_customer_path_is_never_a_scope():
    with pytest.raises(ScopeViolationError):
        Scope(1, customer_path="")


async def test_contact_cannot_see_other_customers_people(two_sites, db, tenant, user_factory):
    _, north, south = two_sites
    await user_factory(tenant, CUSTOMER_USER, north, email="n@x.test")
    await user_factory(tenant, CUSTOMER_USER, south, email="s@x.test")
    await user_factory(tenant, VENDOR_ADMIN, email="rep@x.test")
    async with scoped(db, Scope(tenant.id, customer_path=north.path)):
        emails = set((await db.execute(select(User.email))).scalars())
    assert emails == {"n@x.test", "rep@x.test"}


async def test_switching_scope_forgets_rows_the_new_scope_may_not_see(db, tenant, portico):
    foreign = await _other_tenant_customer(db, portico)
    async with scoped(db, Scope(foreign.tenant_id)):
        assert await db.get(Customer, foreign.id) is not None
    async with scoped(db, Scope(tenant.id)):
        assert await db.get(Customer, foreign.id) is None


# --- sign-in ---------------------------------------------------------------------------------


@pytest.mark.portico_commits
async def test_concurrent_guesses_cannot_outrun_the_throttle(client, tenant, user_factory, monkeypatch):
    import core.auth

    user = await user_factory(tenant, VENDOR_ADMIN)
    checks = []
    real = core.auth.verify_password
    monkeypatch.setattr(core.auth, "verify_password", lambda h, p: checks.append(1) or real(h, p))
    await client.get("/login")
    await asyncio.gather(*(client.post("/login", {"email": user.email, "password": "wrong"}) for _ in range(20)))
    assert len(checks) <= 5


async def test_login_redirect_keeps_the_whole_address(client, tenant):
    response = await client.get("/recent?a=1&b=2")
    assert response.headers["location"] == "/login?next=%2Frecent%3Fa%3D1%26b%3D2"


# --- web -------------------------------------------------------------------------------------


async def test_csrf_exemption_is_only_for_the_api_prefix(portal_factory, throwaway_plugin):
    @post("/things/api/wipe", opt={"permission": "things.wipe"}, sync_to_thread=False)
    def wipe() -> str:
        return "wiped"

    plugin = throwaway_plugin(
        "things",
        portico_permissions=lambda: [Permission("things.wipe", "Wipe", default_roles=(VENDOR_ADMIN,))],
        portico_routes=lambda: [wipe],
    )
    portal = await portal_factory([plugin])
    client = await portal.client(await portal.user(VENDOR_ADMIN))
    assert (await client.post("/things/api/wipe", csrf=False)).status_code == 403
    assert (await client.post("/things/api/wipe")).status_code == 201


async def test_huge_ids_are_not_found_not_500(client, tenant, user_factory):
    await client.login((await user_factory(tenant, VENDOR_ADMIN)).email)
    assert (await client.get("/notes/99999999999999999999999")).status_code == 404
    assert (await client.post("/admin/messages/99999999999/handled")).status_code == 404


async def test_module_toggle_without_a_choice_is_refused(client, tenant, user_factory):
    await client.login((await user_factory(tenant, VENDOR_ADMIN)).email)
    response = await client.post("/admin/modules/notes", {})
    assert response.status_code == 400
    assert 'data-menu="notes.notes"' in (await client.get("/")).text  # still on


@pytest.mark.portico_commits
async def test_parallel_opens_of_one_record_all_succeed(two_sites, tenant, user_factory, login_as, db):
    _ = two_sites  # staff open it: a contact sees a note only once it was sent
    client = await login_as(await user_factory(tenant, VENDOR_ADMIN))
    async with scoped(db, Scope(tenant.id)):
        note_id = await db.scalar(select(Note.id).where(Note.title == "north note"))
    responses = await asyncio.gather(*(client.get(f"/notes/{note_id}") for _ in range(8)))
    assert [r.status_code for r in responses] == [200] * 8
    assert (await client.get("/recent")).text.count("north note") == 1


async def test_saving_roles_with_a_switched_off_permission_is_refused_cleanly(
    client, tenant, user_factory, db, portico
):
    await client.login((await user_factory(tenant, VENDOR_ADMIN)).email)
    await set_module_enabled(db, portico.plugins, tenant.id, "notes", False)
    await db.commit()
    async with scoped(db, Scope(tenant.id)):
        grants = [f"{r}:{p}" for r, p in (await db.execute(select(RolePermission.role_id, RolePermission.permission)))]
    response = await client.post("/admin/roles", {"grant": grants})  # includes notes.view
    assert response.status_code == 302
    assert "switched-off permissions: notes.add, notes.manage, notes.view" in (await client.get("/admin/roles")).text


async def test_dashboard_settings_keep_cards_of_switched_off_modules(client, tenant, user_factory, db, portico):
    await client.login((await user_factory(tenant, VENDOR_ADMIN)).email)
    await set_module_enabled(db, portico.plugins, tenant.id, "notes", False)
    await db.commit()
    await client.post("/admin/dashboard", {"show": ["welcome", "recent"], "order": ["recent", "welcome"]})
    await set_module_enabled(db, portico.plugins, tenant.id, "notes", True)
    await db.commit()
    assert 'data-widget="notes.notes"' in (await client.get("/")).text


async def test_first_enabling_of_a_module_that_starts_off_grants_its_defaults(make_portico, throwaway_plugin, db):
    plugin = throwaway_plugin(
        "later", portico_permissions=lambda: [Permission("later.view", "View", default_roles=(CUSTOMER_USER,))]
    )
    plugin.manifest = Manifest(name="later", label="Later", version="1", enabled_by_default=False)
    portico = await make_portico([plugin])
    tenant = await create_tenant(db, portico.plugins, "late", "Late")
    await set_module_enabled(db, portico.plugins, tenant.id, "later", True)
    async with scoped(db, Scope(tenant.id)):
        granted = (await db.execute(select(RolePermission.permission))).scalars().all()
    assert "later.view" in granted


async def test_a_failing_query_in_one_widget_leaves_the_page_working(portal_factory, throwaway_plugin):
    async def bad_sql(ctx):
        await ctx.db.execute(text("SELECT * FROM no_such_table"))

    plugin = throwaway_plugin(
        "badsql",
        portico_permissions=lambda: [Permission("badsql.view", "View", default_roles=(VENDOR_ADMIN,))],
        portico_widgets=lambda: [Widget("bad", "Bad", "badsql/x.html", bad_sql, "badsql.view", order=-1)],
    )
    portal = await portal_factory([plugin])
    client = await portal.client(await portal.user(VENDOR_ADMIN, first_name="Bea"))
    page = await client.get("/")
    assert page.status_code == 200
    assert "This card could not be loaded right now." in page.text and "Welcome, Bea." in page.text


async def test_slug_subdomains_only_under_the_base_domain(make_portico, db):
    from core.app import create_app
    from core.testing import PortalClient

    portico = await make_portico(base_domain="portal.example")
    await create_tenant(db, portico.plugins, "acme", "Acme")
    await create_tenant(db, portico.plugins, "beta", "Beta")
    await db.commit()
    app = create_app(portico=portico)
    for host, status in (("acme.portal.example", 200), ("acme.localhost", 200), ("acme.attacker.example", 400)):
        client = PortalClient.for_app(app, host)
        async with client.inner:
            assert (await client.get("/login")).status_code == status, host


def test_plugin_for_another_kernel_version_is_refused():
    import types

    module = types.ModuleType("future")
    module.manifest = Manifest(name="future", label="Future", version="1", core=">=9")
    with pytest.raises(PluginError, match="supports Portico >=9"):
        build_plugin_set(discover=lambda: [("future", lambda: module)])


async def test_api_token_cannot_exceed_its_creators_permissions(client, tenant, user_factory, db):
    admin = await user_factory(tenant, VENDOR_ADMIN)
    await client.login(admin.email)
    async with scoped(db, Scope(tenant.id)):
        role_id = admin.role_id
        await db.execute(
            RolePermission.__table__.delete().where(
                RolePermission.role_id == role_id, RolePermission.permission == "core.admin.branding"
            )
        )
        from core.tenancy import bump_config_version

        await bump_config_version(db, tenant.id)
        await db.commit()
    response = await client.post("/admin/api-tokens", {"name": "x", "permission": ["core.admin.branding"]})
    assert response.status_code == 400 and "cannot hold" in response.text


async def test_a_write_outside_the_scope_answers_404_not_500(portal_factory, throwaway_plugin):
    """A plugin that forgets to check an id still cannot write across sites, and the user sees 404."""

    @post("/careless", opt={"permission": "careless.add"})
    async def careless(ctx: Ctx, request: Request) -> str:
        form = await request.form()
        ctx.db.add(Note(customer_id=int(form["customer_id"]), title="careless"))
        await ctx.db.commit()
        return "ok"

    plugin = throwaway_plugin(
        "careless",
        portico_permissions=lambda: [Permission("careless.add", "Add", default_roles=(CUSTOMER_USER,))],
        portico_routes=lambda: [careless],
    )
    portal = await portal_factory([example_plugin, plugin])
    from core.accounts import create_customer

    async with scoped(portal.db, Scope(portal.tenant.id)):
        north = await create_customer(portal.db, "North")
        south = await create_customer(portal.db, "South")
        await portal.db.commit()
    client = await portal.client(await portal.user(CUSTOMER_USER, north))
    response = await client.post("/careless", {"customer_id": str(south.id)})
    assert response.status_code == 404
    assert (await client.post("/careless", {"customer_id": str(north.id)})).status_code == 201


def test_a_submission_key_is_one_the_server_made_or_nothing():
    from core import new_submission_key, submission_key

    key = new_submission_key()
    assert key != new_submission_key() and 16 <= len(key) <= 64
    assert submission_key({"submission_key": key}) == key  # form_data's shape
    assert submission_key({"submission_key": [key, "other"]}) == key  # form_lists' shape
    for planted in ("", "short", "x" * 65, "<script>alert(1)</script>x", "a b c d e f g h i j"):
        assert submission_key({"submission_key": planted}) == ""
    assert submission_key({}) == ""
