"""Several app workers on one database: a change made through one shows on the others at once."""

from __future__ import annotations

import pytest

from core import CUSTOMER_USER, VENDOR_ADMIN
from core.app import create_app
from core.testing import PortalClient
from tests.core import example_plugin


@pytest.fixture
def portico_extra_plugins():
    return [example_plugin]


async def test_module_toggle_and_role_change_reach_every_worker(
    make_portico, tenant_factory, customer_factory, user_factory, db
):
    worker_a = await make_portico([example_plugin])
    worker_b = await make_portico([example_plugin])
    tenant = await tenant_factory("multi")
    site = await customer_factory(tenant, "Site")
    contact = await user_factory(tenant, CUSTOMER_USER, site)
    admin = await user_factory(tenant, VENDOR_ADMIN)
    admin_on_a = PortalClient.for_app(create_app(portico=worker_a), tenant.host)
    contact_on_b = PortalClient.for_app(create_app(portico=worker_b), tenant.host)
    async with admin_on_a.inner, contact_on_b.inner:
        await admin_on_a.login(admin.email)
        await contact_on_b.login(contact.email)
        assert (await contact_on_b.get("/notes")).status_code == 200  # worker B has cached the state

        await admin_on_a.post("/admin/modules/notes", {"enabled": "0"})
        assert (await contact_on_b.get("/notes")).status_code == 404

        await admin_on_a.post("/admin/modules/notes", {"enabled": "1"})
        assert (await contact_on_b.get("/notes")).status_code == 200

        await admin_on_a.post(
            "/admin/branding", {"portal_name": "Renamed Portal", "primary_color": "#123456", "language": "en"}
        )
        assert "Renamed Portal" in (await contact_on_b.get("/")).text
