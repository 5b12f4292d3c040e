"""A module's settings form, generated from its SettingsField declarations (the example plugin's)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core import CUSTOMER_ADMIN, VENDOR_ADMIN, VENDOR_STAFF
from core.accounts import scoped, set_module_enabled
from core.app import create_app
from core.db import Scope
from core.models import Tenant, TenantModule
from core.testing import PortalClient
from tests.core import example_plugin

URL = "/admin/modules/notes/settings"
VALID = {
    "greeting": "Site diary",
    "per_page": "20",
    "sort": "old",
    "allow_replies": "1",
    "kinds": ["visit", "mail"],
    "footer": "Call us for urgent matters.",
}


@pytest.fixture
def portico_extra_plugins():
    return [example_plugin]


async def _saved(db, tenant) -> dict:
    async with scoped(db, Scope(tenant.id)):
        row = await db.scalar(select(TenantModule).where(TenantModule.module == "notes"))
        await db.refresh(row)
        return dict(row.settings or {})


async def _version(db, tenant) -> int:
    return (await db.get(Tenant, tenant.id, populate_existing=True)).config_version


async def test_the_form_has_one_input_per_declared_field_with_defaults(client, tenant, user_factory):
    await client.login((await user_factory(tenant, VENDOR_ADMIN)).email)
    page = (await client.get(URL)).text
    assert 'name="greeting" type="text" value="Your notes"' in page
    assert 'name="per_page" type="number" step="1" value="50" min="1" max="500"' in page
    assert '<option value="new" selected>Newest</option>' in page
    assert 'name="allow_replies" value="1" checked' in page
    assert 'name="kinds" value="visit" checked' in page and 'name="kinds" value="call">' in page
    assert '<textarea id="f-footer" name="footer"' in page and "Shown under the list." in page


async def test_settings_are_saved_per_tenant_and_used_at_once(client, tenant, user_factory, db):
    admin = await user_factory(tenant, VENDOR_ADMIN)
    await client.login(admin.email)
    before = await _version(db, tenant)
    response = await client.post(URL, VALID)
    assert response.status_code == 302
    assert await _version(db, tenant) > before  # every worker rebuilds its cached state
    saved = await _saved(db, tenant)
    assert saved == {
        "greeting": "Site diary",
        "per_page": 20,
        "sort": "old",
        "allow_replies": True,
        "kinds": ["visit", "mail"],
        "footer": "Call us for urgent matters.",
    }
    page = (await client.get(URL)).text
    assert "Settings of Site notes saved." in page and 'value="Site diary"' in page
    assert "Site diary" in (await client.get("/notes")).text  # the plugin reads it through ctx.module_settings
    # An unticked checkbox is a saved "no".
    await client.post(URL, {**VALID, "allow_replies": ""})
    assert (await _saved(db, tenant))["allow_replies"] is False


async def test_another_worker_sees_the_new_settings(client, tenant, user_factory, make_portico):
    """A second app instance on the same database (another worker) picks up the change."""
    other = await make_portico([example_plugin])
    worker = PortalClient.for_app(create_app(portico=other), tenant.host)
    admin = await user_factory(tenant, VENDOR_ADMIN)
    async with worker.inner:
        await worker.login(admin.email)
        assert "Your notes" in (await worker.get("/notes")).text  # cached with the defaults
        await client.login(admin.email)
        await client.post(URL, VALID)
        assert "Site diary" in (await worker.get("/notes")).text


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"greeting": "  "}, "greeting", "This field is required."),
        ({"per_page": "ten"}, "per_page", "Enter a whole number."),
        ({"per_page": "0"}, "per_page", "Enter a number of at least 1."),
        ({"per_page": "501"}, "per_page", "Enter a number of at most 500."),
        ({"per_page": ""}, "per_page", "This field is required."),
        ({"sort": "random"}, "sort", "Choose one of the listed options."),
        ({"kinds": ["visit", "telegram"]}, "kinds", "Choose among the listed options."),
        ({"footer": "x" * 10_001}, "footer", "Enter at most 10000 characters."),
    ],
)
async def test_bad_values_are_explained_and_nothing_is_saved(client, tenant, user_factory, db, change, field, message):
    await client.login((await user_factory(tenant, VENDOR_ADMIN)).email)
    before = await _saved(db, tenant)
    response = await client.post(URL, {**VALID, **change})
    assert response.status_code == 400
    assert message in response.text and f'id="e-{field}"' in response.text
    kept = "Call us for urgent matters." if field != "footer" else 'value="Site diary"'
    assert kept in response.text  # the other values typed are kept
    assert await _saved(db, tenant) == before


async def test_only_module_admins_of_the_tenant_reach_the_form(
    client_factory, tenant, tenant_factory, customer_factory, user_factory, db
):
    staff = await client_factory(tenant.host)
    await staff.login((await user_factory(tenant, VENDOR_STAFF)).email)
    assert (await staff.get(URL)).status_code == 403
    assert (await staff.post(URL, VALID)).status_code == 403
    contact = await client_factory(tenant.host)
    site = await customer_factory(tenant, "North site")
    await contact.login((await user_factory(tenant, CUSTOMER_ADMIN, site)).email)
    assert (await contact.post(URL, VALID)).status_code == 403
    # Another vendor's admin saves their own portal's settings, never this one's.
    other = await tenant_factory("globex")
    outsider = await client_factory(other.host)
    await outsider.login((await user_factory(other, VENDOR_ADMIN)).email)
    before = await _saved(db, tenant)
    assert (await outsider.post(URL, VALID)).status_code == 302
    assert await _saved(db, tenant) == before
    assert (await _saved(db, other))["greeting"] == "Site diary"


async def test_modules_that_are_off_unknown_or_without_fields_have_no_form(client, tenant, user_factory, db, portico):
    await client.login((await user_factory(tenant, VENDOR_ADMIN)).email)
    assert (await client.get("/admin/modules/nothing/settings")).status_code == 404
    assert (await client.get("/admin/modules/core/settings")).status_code == 404  # the kernel declares none
    async with scoped(db, Scope(tenant.id)):
        await set_module_enabled(db, portico.plugins, tenant.id, "notes", False)
        await db.commit()
    assert (await client.get(URL)).status_code == 404
    assert (await client.post(URL, VALID)).status_code == 404
