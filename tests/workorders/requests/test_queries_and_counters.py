"""Pages cost the same number of SQL statements at any length; open requests are counted per site;
the demo has requests in every status."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from core import Scope, Tenant, scoped
from core.demo import DEMO_SLUG, seed_demo
from plugins.workorders.models import REQUEST_STATUSES, WorkOrder, WorkRequest, WorkType, WorkTypeCustomer


async def add_requests(db, shop, count: int, start: int) -> list[int]:
    async with scoped(db, Scope(shop.tenant.id)):
        rows = [
            WorkRequest(
                customer_id=shop.north.id if i % 2 else shop.south.id,
                number=f"WR-{start + i:05d}",
                work_type_id=shop.repair.id,
                requested_by_id=shop.north_user.id if i % 2 else shop.south_user.id,
                description=f"Job {start + i}",
                status=("submitted", "needs_info", "accepted", "declined")[i % 4],
                preferred_on=dt.date(2099, 1, 1),
            )
            for i in range(count)
        ]
        db.add_all(rows)
        await db.commit()
        return [r.id for r in rows]


async def statements(count_queries, client, url: str) -> int:
    with count_queries() as counter:
        response = await client.get(url)
    assert response.status_code == 200, url
    return counter.count


async def test_pages_do_not_grow_with_the_number_of_requests(shop, login_as, count_queries, db):
    customer = await login_as(shop.parent_admin)
    admin = await login_as(shop.admin)
    first = await add_requests(db, shop, 2, 1)
    urls = ["/workorders/requests", "/workorders/requests/new", "/admin/workorders/requests?status="]
    urls += ["/admin/workorders/work-types"]
    small = [await statements(count_queries, customer, url) for url in urls[:2]] + [
        await statements(count_queries, admin, url) for url in urls[2:]
    ]
    detail_small = await statements(count_queries, admin, f"/admin/workorders/requests/{first[0]}")
    await add_requests(db, shop, 30, 100)
    async with scoped(db, Scope(shop.tenant.id)):
        extra = [WorkType(name=f"Type {i}", all_customers=False) for i in range(10)]
        db.add_all(extra)
        await db.flush()
        db.add_all(WorkTypeCustomer(work_type_id=t.id, customer_id=shop.north.id) for t in extra)
        await db.commit()
    large = [await statements(count_queries, customer, url) for url in urls[:2]] + [
        await statements(count_queries, admin, url) for url in urls[2:]
    ]
    assert large == small
    assert await statements(count_queries, admin, f"/admin/workorders/requests/{first[0]}") == detail_small


async def test_open_requests_are_counted_per_site(shop, login_as, db):
    await add_requests(db, shop, 8, 1)  # per site: 2 open (submitted, needs_info), 2 decided
    admin = await login_as(shop.admin)
    page = await admin.get("/admin/customers")
    assert "Open requests: 2" in page.text
    row = page.text.split(f'data-customer="{shop.north.id}"', 1)[1].split("</tr>", 1)[0]
    assert 'data-open="2"' in row or "Open requests: 2" in row


async def test_customers_badge_counts_requests_waiting_for_them(shop, login_as, db):
    await add_requests(db, shop, 8, 1)
    north = await login_as(shop.north_user)
    menu = (await north.get("/workorders/requests")).text
    entry = menu.split('data-menu="workorders.requests"', 1)[1].split("</a>", 1)[0]
    assert ">2<" in entry  # the north site's two requests that need information


async def test_demo_has_requests_in_every_status(make_portico, db):
    portico = await make_portico()
    await seed_demo(db, portico.plugins, portico)
    tenant = await db.scalar(select(Tenant).where(Tenant.slug == DEMO_SLUG))
    async with scoped(db, Scope(tenant.id)):
        requests = list(await db.scalars(select(WorkRequest)))
        types = list(await db.scalars(select(WorkType)))
        limited = list(await db.scalars(select(WorkTypeCustomer)))
        orders = {o.id: o for o in await db.scalars(select(WorkOrder))}
    assert {r.status for r in requests} == set(REQUEST_STATUSES)
    assert len({r.customer_id for r in requests}) == 2
    assert len(limited) == 1 and any(not t.all_customers for t in types)
    for request in requests:
        if request.status == "accepted":
            assert orders[request.work_order_id].customer_id == request.customer_id
        if request.status == "needs_info":
            assert request.question
        if request.status == "declined":
            assert request.decline_reason
