"""Customer admins manage the users of their own account and its sites, and nothing else."""

from __future__ import annotations

from core import CUSTOMER_ADMIN, CUSTOMER_USER, VENDOR_ADMIN
from core.accounts import scoped
from core.db import Scope
from core.models import Tenant
from tests.core.people.helpers import count_users, reload_user, sessions_of, signed_in


def _user(customer_id: int, **changes: str) -> dict[str, str]:
    form = {
        "first_name": "Ulla",
        "last_name": "User",
        "email": "ulla@customer.test",
        "customer_id": str(customer_id),
        "role": CUSTOMER_USER,
        "portal_access": "1",
    }
    return {**form, **changes}


async def _only_users_may_be_assigned(db, tenant) -> None:
    async with scoped(db, Scope(tenant.id)):
        row = await db.get(Tenant, tenant.id)
        assert row is not None
        row.settings = {**(row.settings or {}), "customer_assignable_roles": [CUSTOMER_USER]}
        await db.commit()


async def test_a_customer_admin_sees_and_edits_only_their_subtree(login_as, tenant, customer_factory, user_factory, db):
    parent = await customer_factory(tenant, "Scoped Parent")
    north = await customer_factory(tenant, "Scoped North", parent)
    south = await customer_factory(tenant, "Scoped South", parent)
    stranger_account = await customer_factory(tenant, "Someone Else Inc")
    north_admin = await user_factory(tenant, CUSTOMER_ADMIN, north, first_name="Norbert")
    north_user = await user_factory(tenant, CUSTOMER_USER, north, first_name="Nellie")
    south_user = await user_factory(tenant, CUSTOMER_USER, south, first_name="Sophie")
    parent_admin = await user_factory(tenant, CUSTOMER_ADMIN, parent, first_name="Petra")
    stranger = await user_factory(tenant, CUSTOMER_USER, stranger_account, first_name="Stanislas")
    staff = await user_factory(tenant, VENDOR_ADMIN, first_name="Vera")

    client = await login_as(north_admin)
    listed = (await client.get("/users")).text.split('id="people"')[1]
    assert "Norbert" in listed and "Nellie" in listed
    for hidden in ("Sophie", "Petra", "Stanislas", "Vera"):
        assert hidden not in listed
    page = (await client.get("/users/new")).text
    assert "Scoped North" in page and "Scoped South" not in page and "Someone Else" not in page

    for outsider in (south_user, parent_admin, stranger, staff):
        assert (await client.get(f"/users/{outsider.id}")).status_code == 404
        assert (await client.get(f"/users/{outsider.id}/sign-ins")).status_code == 404
        assert (await client.post(f"/users/{outsider.id}/deactivate")).status_code == 404
        assert (await client.post(f"/users/{outsider.id}", _user(north.id))).status_code == 404
        assert (await reload_user(db, tenant, outsider.id)).active

    before = await count_users(db, tenant)
    for account in (south.id, stranger_account.id, parent.id):
        refused = await client.post("/users/", _user(account))
        assert refused.status_code == 400
        assert "Choose a customer account or site from the list." in refused.text
    assert await count_users(db, tenant) == before
    assert (await client.get("/admin/contacts")).status_code == 403

    # The parent's admin sees every site.
    parent_client = await login_as(parent_admin)
    everyone = (await parent_client.get("/users")).text
    assert "Nellie" in everyone and "Sophie" in everyone and "Stanislas" not in everyone
    assert (await client.post(f"/users/{north_user.id}/deactivate")).status_code == 302
    assert not (await reload_user(db, tenant, north_user.id)).active


async def test_a_customer_admin_gives_only_the_roles_the_vendor_allows(
    login_as, tenant, customer_factory, user_factory, db
):
    site = await customer_factory(tenant, "Role Site")
    me = await user_factory(tenant, CUSTOMER_ADMIN, site)
    colleague = await user_factory(tenant, CUSTOMER_USER, site)
    colleague_client = await login_as(colleague)
    await _only_users_may_be_assigned(db, tenant)
    client = await login_as(me)

    form_page = (await client.get("/users/new")).text
    assert f'value="{CUSTOMER_USER}"' in form_page and f'value="{CUSTOMER_ADMIN}"' not in form_page
    before = await count_users(db, tenant)
    for role in (CUSTOMER_ADMIN, VENDOR_ADMIN):
        refused = await client.post("/users/", _user(site.id, role=role))
        assert refused.status_code == 400 and f"You cannot give the role “{role}”." in refused.text
    assert await count_users(db, tenant) == before

    promoted = _user(site.id, email=colleague.email, role=CUSTOMER_ADMIN)
    refused = await client.post(f"/users/{colleague.id}", promoted)
    assert refused.status_code == 400
    assert (await reload_user(db, tenant, colleague.id)).role_id == colleague.role_id
    assert await signed_in(colleague_client)

    # Keeping one's own role, which they could not give, is not giving it.
    kept = await client.post(f"/users/{me.id}", _user(site.id, email=me.email, role=CUSTOMER_ADMIN, title="Lead"))
    assert kept.status_code == 302 and (await reload_user(db, tenant, me.id)).title == "Lead"

    created = await client.post("/users/", _user(site.id))
    assert created.status_code == 302 and await count_users(db, tenant) == before + 1


async def test_a_role_change_signs_the_person_out(login_as, tenant, customer_factory, user_factory, db):
    site = await customer_factory(tenant, "Promotion Site")
    me = await user_factory(tenant, CUSTOMER_ADMIN, site)
    colleague = await user_factory(tenant, CUSTOMER_USER, site)
    colleague_client = await login_as(colleague)
    client = await login_as(me)
    form = _user(site.id, email=colleague.email, role=CUSTOMER_ADMIN)
    assert (await client.post(f"/users/{colleague.id}", form)).status_code == 302
    assert await sessions_of(db, tenant, colleague.id) == 0
    assert not await signed_in(colleague_client)
    await colleague_client.login(colleague.email)
    assert (await colleague_client.get("/users")).status_code == 200  # the new role's rights apply
