"""SQL statements on the admin list and detail pages (and the API's read) do not grow with data."""

from __future__ import annotations

from sqlalchemy import select

from core import VENDOR_STAFF, Scope, scoped
from core.api import create_api_token
from plugins.workorders.models import WorkOrderNote


async def _fill(tenant, site, make_order, db, orders: int, parts: int, steps: int, start: int = 1):
    made = []
    for number in range(start, start + orders):
        routing = tuple(tuple(f"Step {s}" for s in range(steps)) for _ in range(parts))
        made.append(await make_order(tenant, site, f"WO-{number:05d}", parts=routing))
    async with scoped(db, Scope(tenant.id)):
        for order in made:
            for index in range(parts):
                db.add(WorkOrderNote(customer_id=site.id, work_order_id=order.id, body=f"note {index}"))
        await db.commit()
    return made


async def test_list_statements_do_not_grow(admin, tenant, site, make_order, db, count_queries):
    await _fill(tenant, site, make_order, db, 2, 1, 2)
    await admin.get("/admin/workorders")  # warm the tenant's cached state
    with count_queries() as small:
        assert (await admin.get("/admin/workorders")).status_code == 200
    await _fill(tenant, site, make_order, db, 60, 3, 4, start=100)
    with count_queries() as large:
        assert (await admin.get("/admin/workorders")).status_code == 200
    assert large.count == small.count, large.statements


async def test_detail_statements_do_not_grow(admin, tenant, site, make_order, db, count_queries, user_factory):
    [small_order] = await _fill(tenant, site, make_order, db, 1, 1, 1)
    [large_order] = await _fill(tenant, site, make_order, db, 1, 12, 9, start=2)
    async with scoped(db, Scope(tenant.id)):
        notes = await db.scalars(select(WorkOrderNote).where(WorkOrderNote.work_order_id == large_order.id))
        for note in notes:
            note.author_id = (await user_factory(tenant, VENDOR_STAFF)).id if note.body == "note 0" else None
        await db.commit()
    await admin.get(f"/admin/workorders/{small_order.id}")
    with count_queries() as small:
        assert (await admin.get(f"/admin/workorders/{small_order.id}")).status_code == 200
    with count_queries() as large:
        page = await admin.get(f"/admin/workorders/{large_order.id}")
        assert page.status_code == 200 and page.text.count('data-step="') == 12 * 9
    assert large.count == small.count, large.statements


async def test_api_read_statements_do_not_grow(client, tenant, site, make_order, db, count_queries):
    async with scoped(db, Scope(tenant.id)):
        _, secret = await create_api_token(
            db, name="ERP", permissions=["workorders.manage"], allowed=["workorders.manage"], created_by=None
        )
        await db.commit()
    headers = {"authorization": f"Bearer {secret}"}
    [small_order] = await _fill(tenant, site, make_order, db, 1, 1, 1)
    [large_order] = await _fill(tenant, site, make_order, db, 1, 10, 8, start=2)
    await client.inner.get(f"/api/v1/workorders/{small_order.id}", headers=headers)
    with count_queries() as small:
        await client.inner.get(f"/api/v1/workorders/{small_order.id}", headers=headers)
    with count_queries() as large:
        response = await client.inner.get(f"/api/v1/workorders/{large_order.id}", headers=headers)
        assert len(response.json()["parts"]) == 10
    assert large.count == small.count, large.statements
