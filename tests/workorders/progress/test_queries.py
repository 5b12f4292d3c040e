"""SQL statements per page do not grow with the number of work orders, parts or steps."""

from __future__ import annotations

import pytest

from core import CUSTOMER_ADMIN
from tests.workorders.progress import helpers

LONG_ROUTING = tuple((f"Step {i}", ("Machining", "Inspection", None)[i % 3], i % 4 != 0) for i in range(24))


async def _fill(db, tenant, site, prefix: str, orders: int, parts: int, routing) -> list:
    made = []
    for i in range(orders):
        made.append(
            await helpers.order(
                db, tenant, site, f"{prefix}-{i}", parts=parts, reached=len(routing) // 2, routing=routing
            )
        )
    return made


@pytest.mark.parametrize("url", ["/workorders", "/workorders?show=completed&part=P", "/"])
async def test_list_and_dashboard_statements_do_not_grow(
    url, tenant, customer_factory, user_factory, login_as, db, count_queries
):
    parent = await customer_factory(tenant, "Globex")
    site = await customer_factory(tenant, "North", parent)
    await helpers.stages(db, tenant)
    client = await login_as(await user_factory(tenant, CUSTOMER_ADMIN, parent))
    await _fill(db, tenant, site, "A", 2, 1, helpers.ROUTING)
    await client.get(url)  # warm the tenant's cached state
    with count_queries() as small:
        assert (await client.get(url)).status_code == 200
    await _fill(db, tenant, site, "B", 12, 3, helpers.ROUTING)
    with count_queries() as large:
        assert (await client.get(url)).status_code == 200
    assert large.count == small.count, large.statements


async def test_detail_statements_do_not_grow_with_parts_and_steps(
    tenant, customer_factory, user_factory, login_as, db, count_queries
):
    parent = await customer_factory(tenant, "Globex")
    site = await customer_factory(tenant, "North", parent)
    await helpers.stages(db, tenant)
    await helpers.stages(db, tenant, (("Own machining", "Machining", True),), customer=parent)
    small_order = await helpers.order(db, tenant, site, "S-1", parts=1, reached=1, routing=helpers.ROUTING[:3])
    large_order = await helpers.order(db, tenant, site, "L-1", parts=25, reached=12, routing=LONG_ROUTING)
    client = await login_as(await user_factory(tenant, CUSTOMER_ADMIN, parent))
    await client.post(f"/workorders/{small_order.id}/notes", {"body": "one"})
    for i in range(10):
        await client.post(f"/workorders/{large_order.id}/notes", {"body": f"note {i}"})
    await client.get(f"/workorders/{small_order.id}")
    with count_queries() as small:
        assert (await client.get(f"/workorders/{small_order.id}")).status_code == 200
    with count_queries() as large:
        page = await client.get(f"/workorders/{large_order.id}")
        assert page.status_code == 200
    assert page.text.count('class="part"') == 25
    assert large.count == small.count, large.statements
