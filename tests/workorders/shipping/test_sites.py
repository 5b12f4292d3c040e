"""Job sites with their open activity, and all open work orders across the sites a contact sees."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from core.accounts import scoped
from core.db import Scope
from core.models import TenantModule
from core.tenancy import bump_config_version
from tests.workorders.shipping.conftest import purchase_order, work_order


@pytest.fixture
async def busy(shop, db):
    """North: 2 open work orders (one on hold), 1 completed, 1 open PO; south: 1 open, 2 open POs, 1 closed."""
    await work_order(db, shop, shop.north, "WO-81001", kind="service", customer_po="PO-N1")
    await work_order(db, shop, shop.north, "WO-81002", status="on_hold", kind="install")
    await work_order(db, shop, shop.north, "WO-81003", status="completed")
    await work_order(db, shop, shop.south, "WO-81004", status="planned")
    await purchase_order(db, shop, shop.north, "4500081001", status="received")
    await purchase_order(db, shop, shop.south, "4500081002", status="in_production")
    await purchase_order(db, shop, shop.south, "4500081003", status="partially_shipped")
    await purchase_order(db, shop, shop.south, "4500081004", status="closed")
    return shop


def row(page: str, site_id: int) -> str:
    return re.search(rf'<tr data-site="{site_id}">(.*?)</tr>', page, re.S).group(1)


async def test_parent_contact_sees_each_site_with_linked_counts(busy, login_as):
    bea = await login_as(busy.buyer)
    page = await bea.get("/workorders/sites")
    assert page.status_code == 200 and 'id="single-site"' not in page.text
    north, south = row(page.text, busy.north.id), row(page.text, busy.south.id)
    assert 'data-open="3"' in north and 'data-open="3"' in south  # 2 + 1 and 1 + 2
    assert 'data-open="0"' in row(page.text, busy.parent.id)
    assert f'href="/workorders/open-orders?site={busy.north.id}">Open work orders: 2</a>' in north
    assert (
        f'href="/workorders/purchase-orders?site={busy.south.id}&amp;status=open">Open purchase orders: 2</a>' in south
    )

    orders = (await bea.get(f"/workorders/purchase-orders?site={busy.south.id}&status=open")).text
    assert "4500081002" in orders and "4500081003" in orders
    assert "4500081004" not in orders and "4500081001" not in orders


async def test_a_single_site_contact_gets_a_clear_page(busy, login_as):
    nora = await login_as(busy.north_contact)
    page = await nora.get("/workorders/sites")
    assert page.status_code == 200 and 'id="single-site"' in page.text
    assert "Globex North Plant" in page.text and "Globex South Plant" not in page.text
    assert 'data-open="3"' in row(page.text, busy.north.id)


async def test_open_orders_across_every_site(busy, login_as):
    bea = await login_as(busy.buyer)
    page = (await bea.get("/workorders/open-orders")).text
    assert all(n in page for n in ("WO-81001", "WO-81002", "WO-81004"))
    assert "WO-81003" not in page  # completed
    assert "Globex South Plant" in page and "Globex North Plant" in page  # the site column
    north = (await bea.get(f"/workorders/open-orders?site={busy.north.id}")).text
    assert "WO-81001" in north and "WO-81004" not in north
    held = (await bea.get("/workorders/open-orders?status=on_hold")).text
    assert "WO-81002" in held and "WO-81001" not in held
    installs = (await bea.get("/workorders/open-orders?kind=install")).text
    assert "WO-81002" in installs and "WO-81001" not in installs
    by_po = (await bea.get("/workorders/open-orders?q=PO-N1")).text
    assert "WO-81001" in by_po and "WO-81002" not in by_po

    nora = await login_as(busy.north_contact)  # a site's contact: its own site only
    own = (await nora.get("/workorders/open-orders")).text
    assert "WO-81001" in own and "WO-81004" not in own
    assert "WO-81004" not in (await nora.get(f"/workorders/open-orders?site={busy.south.id}")).text


async def test_open_orders_show_only_the_statuses_customers_may_see(busy, login_as, db):
    async with scoped(db, Scope(busy.tenant.id)):
        module = await db.scalar(select(TenantModule).where(TenantModule.module == "workorders"))
        module.settings = {**(module.settings or {}), "customer_statuses": ["in_progress", "completed"]}
        await bump_config_version(db, busy.tenant.id)
        await db.commit()
    bea = await login_as(busy.buyer)
    page = (await bea.get("/workorders/open-orders")).text
    assert "WO-81001" in page and "WO-81002" not in page and "WO-81004" not in page
    assert "WO-81002" not in (await bea.get("/workorders/open-orders?status=on_hold")).text


async def test_staff_do_not_get_the_customer_job_sites(busy, login_as):
    staff = await login_as(busy.staff)
    assert (await staff.get("/workorders/sites")).status_code == 403
