"""Every route walked with the victim's ids: by another vendor's admin, signed in to their own
portal, and by a contact of a sibling site of the same parent account. One file, so that the two
vendors' data (every module's demo records, PDFs included) is built once per database."""

from __future__ import annotations

import pytest

from tests.core.isolation.walk import (
    assert_sees_own_data,
    routes,
    rows_of_site,
    rows_of_tenant,
    texts,
    two_vendors,
    walk,
)

pytestmark = pytest.mark.portico_shared(build=two_vendors)


async def test_another_vendors_admin_reaches_nothing_on_any_route(vendors, db, app, portico, client_factory):
    victim, other = vendors
    before = await rows_of_tenant(db, victim.tenant_id)
    assert len(texts(before)) > 20  # the victim really has data to leak
    attacker = await client_factory(other.host)
    await attacker.login(other.admin)
    await assert_sees_own_data(attacker, app, await rows_of_tenant(db, other.tenant_id))
    shared = texts(await rows_of_tenant(db, other.tenant_id))
    leaks, requests = await walk(attacker, app, portico, before, shared, victim.site_ids[1])
    assert leaks == []
    assert requests >= len(routes(app))
    db.expunge_all()
    assert await rows_of_tenant(db, victim.tenant_id) == before


async def test_a_site_contact_reaches_nothing_of_a_sibling_site_on_any_route(vendors, db, app, portico, client_factory):
    victim, _ = vendors
    north_id, south_id = victim.site_ids
    before = await rows_of_site(db, victim.tenant_id, south_id)
    north_rows = await rows_of_site(db, victim.tenant_id, north_id)
    assert len(texts(before)) >= 5
    attacker = await client_factory(victim.host)
    await attacker.login(victim.site_contacts[0])
    await assert_sees_own_data(attacker, app, north_rows)
    leaks, _ = await walk(attacker, app, portico, before, texts(north_rows), south_id)
    assert leaks == []
    db.expunge_all()
    assert await rows_of_site(db, victim.tenant_id, south_id) == before


async def test_every_route_is_walked(app):
    walked = routes(app)
    paths = {path for _, path in walked}
    assert {"/", "/actions", "/recent", "/contact", "/profile", "/admin/roles", "/notes"} <= paths
    assert any(method == "POST" for method, _ in walked)


async def test_unknown_host_with_several_vendors_is_refused(vendors, client_factory):
    stranger = await client_factory("nobody.example.org")
    response = await stranger.get("/login")
    assert response.status_code == 400
    assert "No portal is served at this address." in response.text
