"""The kernel's pages as users meet them: profile, contact, branding, dashboard settings, roles."""

from __future__ import annotations

from sqlalchemy import select

from core import CUSTOMER_ADMIN, CUSTOMER_USER, VENDOR_ADMIN, VENDOR_STAFF
from core.accounts import scoped
from core.db import Scope, utcnow
from core.models import ContactRequest, Role, RolePermission, User


async def test_profile_requires_first_and_last_name_and_keeps_input(client, tenant, user_factory, db):
    user = await user_factory(tenant, CUSTOMER_USER, await _site(tenant, db))
    await client.login(user.email)
    response = await client.post(
        "/profile", {"first_name": "", "last_name": "", "title": "Buyer", "timezone": "Europe/Berlin", "language": "de"}
    )
    assert response.status_code == 400
    assert "Your first name is required." in response.text and "Your last name is required." in response.text
    assert 'value="Buyer"' in response.text  # nothing typed is lost


async def test_profile_saves_and_refuses_unknown_time_zone(client, tenant, user_factory, db):
    user = await user_factory(tenant, VENDOR_STAFF)
    await client.login(user.email)
    bad = await client.post("/profile", {"first_name": "A", "last_name": "B", "timezone": "Mars/Olympus"})
    assert bad.status_code == 400 and "Choose a time zone from the list." in bad.text
    good = await client.post(
        "/profile",
        {"first_name": "Ann", "last_name": "Bee", "title": "Buyer", "phone": "+1 555", "timezone": "Europe/Berlin"},
    )
    assert good.status_code == 302
    page = (await client.get("/profile")).text
    assert "Your profile is saved." in page and 'value="Ann"' in page
    saved = await db.get(User, user.id, populate_existing=True)
    assert (saved.first_name, saved.timezone, saved.phone) == ("Ann", "Europe/Berlin", "+1 555")


async def test_contact_form_reaches_the_vendor(client, client_factory, tenant, user_factory, db):
    site = await _site(tenant, db)
    contact = await user_factory(tenant, CUSTOMER_USER, site)
    await client.login(contact.email)
    empty = await client.post("/contact", {"subject": "", "body": ""})
    assert empty.status_code == 400 and "Write your message." in empty.text
    sent = await client.post("/contact", {"subject": "Late delivery", "body": "Where is PO 4411?"})
    assert sent.status_code == 302
    assert "Your message was sent." in (await client.get("/contact")).text
    staff = await user_factory(tenant, VENDOR_STAFF)
    vendor = await client_factory(tenant.host)
    await vendor.login(staff.email)
    inbox = (await vendor.get("/admin/messages")).text
    assert "Late delivery" in inbox and "Where is PO 4411?" in inbox and site.name in inbox
    async with scoped(db, Scope(tenant.id)):
        message = await db.scalar(select(ContactRequest))
    assert (await vendor.post(f"/admin/messages/{message.id}/handled")).status_code == 302
    assert "Handled" in (await vendor.get("/admin/messages")).text


async def test_staff_cannot_open_admin_pages_without_permission(client, tenant, user_factory):
    staff = await user_factory(tenant, VENDOR_STAFF)
    await client.login(staff.email)
    for url in ("/admin/modules", "/admin/roles", "/admin/branding", "/admin/dashboard"):
        response = await client.get(url)
        assert response.status_code == 403, url
        assert "Your role does not allow this." in response.text
    assert (await client.post("/admin/branding", {"portal_name": "Hacked"})).status_code == 403


async def test_branding_shows_on_every_page_and_bad_values_are_explained(client, tenant, user_factory, db):
    admin = await user_factory(tenant, VENDOR_ADMIN)
    await client.login(admin.email)
    bad = await client.post(
        "/admin/branding", {"portal_name": "", "primary_color": "red", "nav_links": "just text", "custom_css": "x"}
    )
    assert bad.status_code == 400
    assert "Give the portal a name." in bad.text and "Use a colour like #1f5fa8." in bad.text
    assert "Line 1: write a link as" in bad.text
    good = await client.post(
        "/admin/branding",
        {
            "portal_name": "Acme Service Hub",
            "primary_color": "#aa3300",
            "welcome_text": "Hello customers",
            "after_login_text": "Closed Friday",
            "date_format": "%d/%m/%Y",
            "logo_url": "/static/logo-test.png",
            "language": "de",
            "nav_links": "Website | https://acme.example",
            "custom_css": "body { color: red }",
        },
    )
    assert good.status_code == 302
    dashboard = (await client.get("/")).text
    assert "Acme Service Hub" in dashboard and "#aa3300" in dashboard and "Closed Friday" in dashboard
    assert 'href="https://acme.example"' in dashboard
    assert "body { color: red }" in dashboard
    assert '<img src="/static/logo-test.png"' in dashboard
    await client.post("/admin/api-tokens", {"name": "ERP", "permission": ["core.dashboard"]})
    tokens_page = (await client.get("/admin/api-tokens")).text  # shows the creation time
    assert utcnow().strftime("%d/%m/%Y") in tokens_page  # in the vendor's date format
    assert 'lang="de"' in dashboard  # a user who chose no language follows the portal's
    await client.post("/logout")
    login = (await client.get("/login")).text
    assert "Hello customers" in login and "Acme Service Hub" in login and 'lang="de"' in login


async def test_dashboard_settings_hide_and_order_widgets(client, tenant, user_factory):
    admin = await user_factory(tenant, VENDOR_ADMIN)
    await client.login(admin.email)
    page = (await client.get("/")).text
    assert page.index('data-widget="core.welcome"') < page.index('data-widget="core.recent"')
    await client.post("/admin/dashboard", {"show": ["recent"], "order": ["recent", "welcome"]})
    page = (await client.get("/")).text
    assert 'data-widget="core.welcome"' not in page and 'data-widget="core.recent"' in page
    await client.post("/admin/dashboard", {"show": ["recent", "welcome"], "order": ["recent", "welcome"]})
    page = (await client.get("/")).text
    assert page.index('data-widget="core.recent"') < page.index('data-widget="core.welcome"')


async def test_role_editor_refuses_staff_permission_for_customer_role(client, tenant, user_factory, db):
    admin = await user_factory(tenant, VENDOR_ADMIN)
    await client.login(admin.email)
    grants = await _all_grants(db, tenant)
    async with scoped(db, Scope(tenant.id)):
        customer_role = await db.scalar(select(Role).where(Role.key == CUSTOMER_ADMIN))
    response = await client.post("/admin/roles", {"grant": grants + [f"{customer_role.id}:core.admin.roles"]})
    assert response.status_code == 302
    assert "cannot hold core.admin.roles" in (await client.get("/admin/roles")).text
    assert f"{customer_role.id}:core.admin.roles" not in await _all_grants(db, tenant)


async def test_admin_cannot_lock_themselves_out_of_the_role_editor(client, tenant, user_factory, db):
    admin = await user_factory(tenant, VENDOR_ADMIN)
    await client.login(admin.email)
    grants = [g for g in await _all_grants(db, tenant) if not g.endswith(":core.admin.roles")]
    await client.post("/admin/roles", {"grant": grants})
    assert "must keep" in (await client.get("/admin/roles")).text
    assert (await client.get("/admin/roles")).status_code == 200


async def test_my_access_lists_what_the_role_allows(client, tenant, user_factory, db):
    contact = await user_factory(tenant, CUSTOMER_USER, await _site(tenant, db))
    await client.login(contact.email)
    page = (await client.get("/my-access")).text
    assert "Customer user" in page
    assert 'class="yes" data-permission="core.contact"' in page
    assert 'class="no" data-permission="core.admin.roles"' in page


async def test_deactivated_user_is_signed_out_at_once(client, tenant, user_factory, db):
    user = await user_factory(tenant, VENDOR_STAFF)
    await client.login(user.email)
    async with scoped(db, Scope(tenant.id)):
        row = await db.get(User, user.id)
        row.active = False
        await db.commit()
    response = await client.get("/")
    assert response.status_code == 302 and response.headers["location"].startswith("/login")


async def _site(tenant, db):
    from core.accounts import create_customer

    async with scoped(db, Scope(tenant.id)):
        site = await create_customer(db, "Initech Plant")
        await db.commit()
    return site


async def _all_grants(db, tenant) -> list[str]:
    async with scoped(db, Scope(tenant.id)):
        rows = (await db.execute(select(RolePermission.role_id, RolePermission.permission))).all()
    return [f"{role_id}:{perm}" for role_id, perm in rows]
