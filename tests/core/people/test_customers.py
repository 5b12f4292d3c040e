"""The vendor's customer list: the tree, search, open activity, create, move and deactivate."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core import CUSTOMER_USER, VENDOR_ADMIN, VENDOR_STAFF, ActivityCounter, Permission
from core.accounts import scoped
from core.db import Scope
from core.models import ContactRequest, Customer
from core.testing import TEST_PASSWORD
from tests.core.people.helpers import sessions_of, signed_in


def _open_orders_plugin(throwaway_plugin):
    async def count(ctx, customer_ids):
        return {customer_id: 2 for customer_id in customer_ids}

    return throwaway_plugin(
        "orders",
        portico_permissions=lambda: [Permission("orders.view", "See orders", default_roles=(VENDOR_ADMIN,))],
        portico_activity_counters=lambda: [
            ActivityCounter("open", "Open orders", count, "orders.view", url=lambda site: f"/orders?site={site}")
        ],
    )


@pytest.fixture
def portico_extra_plugins(throwaway_plugin):
    return [_open_orders_plugin(throwaway_plugin)]


def _table(html: str) -> str:
    return html.split('id="customers"')[1].split("</table>")[0]


async def _paths(db, tenant) -> dict[str, str]:
    db.expunge_all()
    async with scoped(db, Scope(tenant.id)):
        return {c.name: c.path for c in (await db.execute(select(Customer))).scalars()}


async def test_the_list_is_a_tree_searchable_and_filtered_by_status(login_as, tenant, customer_factory, user_factory):
    parent = await customer_factory(tenant, "Globex Holding")
    await customer_factory(tenant, "Globex North", parent)
    other = await customer_factory(tenant, "Initech")
    admin = await login_as(await user_factory(tenant, VENDOR_ADMIN))
    await admin.post(f"/admin/customers/{other.id}/active", {"active": "0"})

    page = _table((await admin.get("/admin/customers")).text)
    assert page.index("Globex Holding") < page.index("Globex North") < page.index("Initech")
    assert "↳ " in page  # the site is drawn under its parent
    found = _table((await admin.get("/admin/customers", params={"q": "north"})).text)
    assert "Globex North" in found and "Globex Holding" in found and "Initech" not in found
    inactive = _table((await admin.get("/admin/customers", params={"status": "inactive"})).text)
    assert "Initech" in inactive and "Globex" not in inactive


async def test_open_activity_sums_every_counter_in_a_constant_number_of_queries(
    login_as, tenant, customer_factory, user_factory, db, count_queries
):
    parent = await customer_factory(tenant, "Counted Parent")
    site = await customer_factory(tenant, "Counted Site", parent)
    contact = await user_factory(tenant, CUSTOMER_USER, site)
    async with scoped(db, Scope(tenant.id)):
        db.add_all(
            [
                ContactRequest(customer_id=site.id, user_id=contact.id, subject="One", body="x"),
                ContactRequest(customer_id=site.id, user_id=contact.id, subject="Two", body="x"),
                ContactRequest(customer_id=site.id, user_id=contact.id, subject="Done", body="x", handled=True),
            ]
        )
        await db.commit()
    admin = await login_as(await user_factory(tenant, VENDOR_ADMIN))

    with count_queries() as few:
        page = (await admin.get("/admin/customers")).text
    assert f'data-customer="{site.id}"' in page
    row = page.split(f'data-customer="{site.id}"')[1].split("</tr>")[0]
    assert 'data-open="4"' in row  # 2 open orders + 2 unanswered messages
    assert "Open orders: 2" in row and "Unanswered messages: 2" in row
    parent_row = page.split(f'data-customer="{parent.id}"')[1].split("</tr>")[0]
    assert 'data-open="2"' in parent_row

    for number in range(8):
        await customer_factory(tenant, f"Extra site {number}", parent)
    with count_queries() as many:
        assert (await admin.get("/admin/customers")).status_code == 200
    assert many.count == few.count

    detail = (await admin.get(f"/admin/customers/{site.id}")).text
    assert "Unanswered messages: 2" in detail and contact.email in detail


async def test_create_and_edit_validate_and_write_nothing_when_refused(
    login_as, tenant, customer_factory, user_factory, db
):
    admin = await login_as(await user_factory(tenant, VENDOR_ADMIN))
    before = await _paths(db, tenant)
    response = await admin.post("/admin/customers/", {"name": "  ", "parent_id": ""})
    assert response.status_code == 400 and "Give the customer account a name." in response.text
    response = await admin.post("/admin/customers/", {"name": "Orphan", "parent_id": "999999"})
    assert response.status_code == 400 and "That customer account does not exist." in response.text
    assert await _paths(db, tenant) == before

    created = await admin.post("/admin/customers/", {"name": "Umbrella", "parent_id": ""})
    assert created.status_code in (302, 303)
    umbrella_id = int(created.headers["location"].rsplit("/", 1)[1])
    site = await admin.post("/admin/customers/", {"name": "Umbrella Labs", "parent_id": str(umbrella_id)})
    assert site.status_code in (302, 303)
    paths = await _paths(db, tenant)
    assert paths["Umbrella Labs"].startswith(paths["Umbrella"])

    renamed = await admin.post(f"/admin/customers/{umbrella_id}", {"name": "Umbrella Corp", "active": "1"})
    assert renamed.status_code in (302, 303)
    assert "Umbrella Corp" in (await _paths(db, tenant))
    refused = await admin.post(f"/admin/customers/{umbrella_id}", {"name": "", "active": "1"})
    assert refused.status_code == 400 and "Umbrella Corp" in await _paths(db, tenant)


async def test_moving_a_site_rewrites_the_paths_of_its_whole_subtree(
    login_as, tenant, customer_factory, user_factory, db
):
    first = await customer_factory(tenant, "First Parent")
    second = await customer_factory(tenant, "Second Parent")
    site = await customer_factory(tenant, "Moving Site")  # top level at first
    workshop = await customer_factory(tenant, "Moving Workshop", site)
    admin = await login_as(await user_factory(tenant, VENDOR_ADMIN))

    assert (await admin.post(f"/admin/customers/{site.id}/move", {"parent_id": str(first.id)})).status_code == 302
    paths = await _paths(db, tenant)
    assert paths["Moving Site"] == f"/{first.id}/{site.id}/"
    assert paths["Moving Workshop"] == f"/{first.id}/{site.id}/{workshop.id}/"

    assert (await admin.post(f"/admin/customers/{site.id}/move", {"parent_id": str(second.id)})).status_code == 302
    paths = await _paths(db, tenant)
    assert paths["Moving Workshop"] == f"/{second.id}/{site.id}/{workshop.id}/"
    assert paths["First Parent"] == f"/{first.id}/"

    for target in (site.id, workshop.id):  # under itself, under its own site
        refused = await admin.post(f"/admin/customers/{site.id}/move", {"parent_id": str(target)})
        assert refused.status_code == 400
        assert "cannot move under itself or one of its own sites" in refused.text
    assert await _paths(db, tenant) == paths

    assert (await admin.post(f"/admin/customers/{site.id}/move", {"parent_id": ""})).status_code == 302
    assert (await _paths(db, tenant))["Moving Workshop"] == f"/{site.id}/{workshop.id}/"


async def test_a_moved_sites_contacts_follow_it(login_as, tenant, customer_factory, user_factory):
    """A parent's contact sees a site moved under their account, and stops seeing it when it leaves."""
    parent = await customer_factory(tenant, "Receiving Parent")
    site = await customer_factory(tenant, "Wandering Site")
    parent_admin = await login_as(await user_factory(tenant, "customer_admin", parent))
    site_contact = await user_factory(tenant, CUSTOMER_USER, site, first_name="Wanda")
    admin = await login_as(await user_factory(tenant, VENDOR_ADMIN))
    assert (await parent_admin.get(f"/users/{site_contact.id}")).status_code == 404
    await admin.post(f"/admin/customers/{site.id}/move", {"parent_id": str(parent.id)})
    assert (await parent_admin.get(f"/users/{site_contact.id}")).status_code == 200
    await admin.post(f"/admin/customers/{site.id}/move", {"parent_id": ""})
    assert (await parent_admin.get(f"/users/{site_contact.id}")).status_code == 404


async def test_deactivating_an_account_signs_out_the_contacts_of_it_and_its_sites(
    login_as, tenant, customer_factory, user_factory, db
):
    parent = await customer_factory(tenant, "Closing Parent")
    site = await customer_factory(tenant, "Closing Site", parent)
    contact = await user_factory(tenant, CUSTOMER_USER, site)
    browser = await login_as(contact)
    assert await signed_in(browser)
    admin = await login_as(await user_factory(tenant, VENDOR_ADMIN))
    unclear = await admin.post(f"/admin/customers/{parent.id}/active", {})
    assert unclear.status_code == 400 and "Say whether the account should be active" in unclear.text
    assert await signed_in(browser)

    response = await admin.post(f"/admin/customers/{parent.id}/active", {"active": "0"})
    assert response.status_code == 302
    assert await sessions_of(db, tenant, contact.id) == 0
    assert not await signed_in(browser)
    again = await browser.post("/login", {"email": contact.email, "password": TEST_PASSWORD})
    assert again.status_code == 400

    await admin.post(f"/admin/customers/{parent.id}/active", {"active": "1"})
    await browser.login(contact.email)
    assert await signed_in(browser)


async def test_staff_without_the_permission_cannot_open_customers(login_as, tenant, user_factory):
    staff = await login_as(await user_factory(tenant, VENDOR_STAFF))
    assert (await staff.get("/admin/customers")).status_code == 403
    assert (await staff.get("/admin/contacts")).status_code == 403


async def test_open_activity_says_where_each_count_is_listed(portico, tenant, customer_factory, user_factory, db):
    from core import context_for, open_activity

    site = await customer_factory(tenant, "Linked Site")
    admin = await user_factory(tenant, VENDOR_ADMIN)
    async with scoped(db, Scope(tenant.id)):
        ctx = await context_for(portico, db, tenant.id, admin.id)
        activity = (await open_activity(ctx, [site.id]))[site.id]
    assert activity.parts["Open orders"] == 2 and activity.links == {"Open orders": f"/orders?site={site.id}"}
