"""The work order list: active or completed in one click, search filters, paging, who sees what."""

from __future__ import annotations

import datetime as dt
import re

from core import CUSTOMER_ADMIN, CUSTOMER_USER, VENDOR_ADMIN
from tests.workorders.progress import helpers


def numbers(html: str) -> list[str]:
    return re.findall(r'<tr data-order="([^"]+)"', html)


async def _setup(tenant, customer_factory, db):
    parent = await customer_factory(tenant, "Globex")
    north = await customer_factory(tenant, "North Plant", parent)
    south = await customer_factory(tenant, "South Plant", parent)
    day = dt.date(2026, 5, 1)
    await helpers.order(db, tenant, north, "WO-101", customer_po="PO-AAA", due_on=day, part_prefix="GEAR")
    await helpers.order(
        db,
        tenant,
        north,
        "WO-102",
        status="planned",
        customer_po="PO-BBB",
        due_on=day + dt.timedelta(days=10),
        part_prefix="SHAFT",
    )
    await helpers.order(
        db,
        tenant,
        north,
        "WO-103",
        status="on_hold",
        customer_po="PO-AAA-2",
        due_on=day + dt.timedelta(days=20),
        part_prefix="GEAR",
    )
    await helpers.order(db, tenant, south, "WO-201", customer_po="PO-CCC", due_on=day, part_prefix="PIN")
    await helpers.order(db, tenant, north, "WO-190", status="completed", customer_po="PO-OLD", part_prefix="GEAR")
    await helpers.order(db, tenant, north, "WO-191", status="cancelled", customer_po="PO-GONE")
    return parent, north, south


async def test_active_and_completed_switch_in_one_click_and_keep_filters(
    tenant, customer_factory, user_factory, login_as, db
):
    parent, north, south = await _setup(tenant, customer_factory, db)
    client = await login_as(await user_factory(tenant, CUSTOMER_ADMIN, parent))
    active = await client.get("/workorders")
    assert active.status_code == 200
    assert set(numbers(active.text)) == {"WO-101", "WO-102", "WO-103", "WO-201"}
    assert 'href="/workorders?show=completed" id="switch-view"' in active.text
    completed = await client.get("/workorders?show=completed")
    assert numbers(completed.text) == ["WO-190"]  # cancelled is not among the statuses customers see by default
    filtered = await client.get("/workorders?show=active&part=GEAR")
    assert set(numbers(filtered.text)) == {"WO-101", "WO-103"}
    switch = re.search(r'href="([^"]+)" id="switch-view"', filtered.text).group(1).replace("&amp;", "&")
    assert switch == "/workorders?show=completed&part=GEAR"
    assert numbers((await client.get(switch)).text) == ["WO-190"]


async def test_search_filters(tenant, customer_factory, user_factory, login_as, db):
    parent, north, south = await _setup(tenant, customer_factory, db)
    client = await login_as(await user_factory(tenant, CUSTOMER_ADMIN, parent))

    async def found(query: str) -> set[str]:
        response = await client.get(f"/workorders?{query}")
        assert response.status_code == 200, response.text
        return set(numbers(response.text))

    assert await found("number=10") == {"WO-101", "WO-102", "WO-103"}
    assert await found("po=aaa") == {"WO-101", "WO-103"}  # contains, any case
    assert await found("part=shaft") == {"WO-102"}
    assert await found("status=planned&status=on_hold") == {"WO-102", "WO-103"}
    assert await found("status=cancelled") == {"WO-101", "WO-102", "WO-103", "WO-201"}  # not a status they see
    assert await found("due_from=2026-05-05") == {"WO-102", "WO-103"}
    assert await found("due_from=2026-05-05&due_to=2026-05-12") == {"WO-102"}
    assert await found(f"site={south.id}") == {"WO-201"}
    assert await found("po=%25") == set()  # a typed % is a character, not a wildcard
    page = (await client.get("/workorders")).text
    assert f'<option value="{north.id}">North Plant</option>' in page  # the site filter for a multi-site contact


async def test_a_bad_date_answers_400_with_the_message_and_keeps_what_was_typed(
    tenant, customer_factory, user_factory, login_as, db
):
    parent, north, south = await _setup(tenant, customer_factory, db)
    client = await login_as(await user_factory(tenant, CUSTOMER_ADMIN, parent))
    response = await client.get("/workorders?due_from=31.02.2026&number=WO")
    assert response.status_code == 400
    assert "Enter a date like 2026-03-31." in response.text
    assert 'value="31.02.2026"' in response.text and 'value="WO"' in response.text
    backwards = await client.get("/workorders?due_from=2026-05-10&due_to=2026-05-01")
    assert backwards.status_code == 400 and "The end of the range is before its start." in backwards.text


async def test_a_site_contact_sees_only_their_site_and_no_site_filter(
    tenant, customer_factory, user_factory, login_as, db
):
    parent, north, south = await _setup(tenant, customer_factory, db)
    client = await login_as(await user_factory(tenant, CUSTOMER_USER, south))
    page = await client.get("/workorders")
    assert numbers(page.text) == ["WO-201"]
    assert 'name="site"' not in page.text
    assert numbers((await client.get(f"/workorders?site={north.id}")).text) == []


async def test_statuses_customers_may_see_come_from_the_settings(tenant, customer_factory, user_factory, login_as, db):
    parent, north, south = await _setup(tenant, customer_factory, db)
    await helpers.settings(db, tenant, customer_statuses=["in_progress", "completed", "cancelled"])
    client = await login_as(await user_factory(tenant, CUSTOMER_ADMIN, parent))
    assert set(numbers((await client.get("/workorders")).text)) == {"WO-101", "WO-201"}
    assert set(numbers((await client.get("/workorders?show=completed")).text)) == {"WO-190", "WO-191"}
    planned = (await client.get("/workorders")).text
    assert 'name="status"' not in planned  # one active status left: nothing to choose between
    admin = await login_as(await user_factory(tenant, VENDOR_ADMIN))
    staff_page = (await admin.get("/workorders")).text
    assert len(numbers(staff_page)) == 4  # staff see every status
    assert "<td>North Plant</td>" in staff_page and "<td>South Plant</td>" in staff_page


async def test_pages_follow_on_with_a_keyset(tenant, customer_factory, user_factory, login_as, db):
    site = await customer_factory(tenant, "North")
    for i in range(30):
        await helpers.order(db, tenant, site, f"WO-{i:03d}", parts=0)
    client = await login_as(await user_factory(tenant, CUSTOMER_USER, site))
    first = await client.get("/workorders")
    shown = numbers(first.text)
    assert len(shown) == 25 and shown[0] == "WO-029"
    next_url = re.search(r'href="([^"]+)" rel="next"', first.text).group(1).replace("&amp;", "&")
    second = numbers((await client.get(next_url)).text)
    assert second == [f"WO-{i:03d}" for i in range(4, -1, -1)]
    assert not set(second) & set(shown)
