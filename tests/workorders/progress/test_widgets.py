"""Dashboard cards and the per-site count of open work orders."""

from __future__ import annotations

import re

from core import CUSTOMER_ADMIN, CUSTOMER_USER, VENDOR_ADMIN, context_for, open_activity
from core.accounts import scoped
from core.db import Scope
from tests.workorders.progress import helpers


def card(html: str, key: str) -> str:
    match = re.search(rf'data-widget="workorders\.{key}">(.*?)</section>', html, re.S)
    assert match, f"no {key} card"
    return match.group(1)


async def test_orders_in_progress_and_completed_card(tenant, customer_factory, user_factory, login_as, db):
    site = await customer_factory(tenant, "North")
    other = await customer_factory(tenant, "Elsewhere")
    for number, status in (
        ("W1", "in_progress"),
        ("W2", "planned"),
        ("W3", "on_hold"),
        ("W4", "completed"),
        ("W5", "cancelled"),
    ):
        await helpers.order(db, tenant, site, number, status=status, parts=0)
    await helpers.order(db, tenant, other, "W9", parts=0)
    client = await login_as(await user_factory(tenant, CUSTOMER_USER, site))
    summary = card((await client.get("/")).text, "orders_summary")
    assert '<a href="/workorders" data-count="active"><strong>3</strong>' in summary
    assert "1 on hold" in summary
    assert '<a href="/workorders?show=completed" data-count="completed"><strong>1</strong>' in summary  # not cancelled


async def test_recent_progress_names_steps_as_the_bar_does(tenant, customer_factory, user_factory, login_as, db):
    site = await customer_factory(tenant, "North")
    other = await customer_factory(tenant, "Elsewhere")
    await helpers.stages(db, tenant)
    await helpers.order(db, tenant, site, "WO-MINE", reached=4, part_prefix="MINE")  # at Inspect 1
    await helpers.order(db, tenant, other, "WO-THEIRS", reached=2, part_prefix="THEIRS")
    await helpers.order(db, tenant, site, "WO-GONE", status="cancelled", reached=2, part_prefix="GONE")
    client = await login_as(await user_factory(tenant, CUSTOMER_USER, site))
    recent = card((await client.get("/")).text, "recent_progress")
    assert "WO-MINE" in recent and "WO-THEIRS" not in recent and "WO-GONE" not in recent
    assert "Inspection started" in recent and "(Inspect 1)" in recent
    assert "Machining finished" in recent and "(Mill op 10)" in recent
    assert "Mill op 20" not in recent  # a hidden name
    assert "Deburr" not in recent  # a step outside every stage


async def test_open_work_orders_are_counted_per_site(tenant, customer_factory, user_factory, login_as, db, portico):
    parent = await customer_factory(tenant, "Globex")
    parent_id, tenant_id = parent.id, tenant.id
    contact_id = (await user_factory(tenant, CUSTOMER_ADMIN, parent)).id
    north = await customer_factory(tenant, "North", parent)
    south = await customer_factory(tenant, "South", parent)
    north_id, south_id = north.id, south.id
    for number, status in (("N1", "in_progress"), ("N2", "on_hold"), ("N3", "completed")):
        await helpers.order(db, tenant, north, number, status=status, parts=0)
    await helpers.order(db, tenant, south, "S1", status="planned", parts=0)
    admin = await login_as(await user_factory(tenant, VENDOR_ADMIN))
    page = (await admin.get("/admin/customers")).text
    north_row = re.search(rf'data-customer="{north.id}">(.*?)</tr>', page, re.S).group(1)
    assert 'data-open="2" title="Open work orders: 2"' in north_row
    south_row = re.search(rf'data-customer="{south.id}">(.*?)</tr>', page, re.S).group(1)
    assert 'data-open="1"' in south_row
    # A contact's count (the job sites view) leaves out the statuses hidden from customers.
    await helpers.settings(db, tenant, customer_statuses=["in_progress", "planned", "completed"])
    async with scoped(db, Scope(tenant.id, customer_path=f"/{parent_id}/")):
        ctx = await context_for(portico, db, tenant_id, contact_id)
        activity = await open_activity(ctx, [north_id, south_id])
        await db.rollback()
    assert activity[north_id].parts == {"Open work orders": 1} and activity[south_id].total == 1
