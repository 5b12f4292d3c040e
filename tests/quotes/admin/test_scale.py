"""The admin list pages through 100,000 records without slowing down (keyset paging on indexed ids)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, insert, select

from core.accounts import scoped
from core.db import Scope
from plugins.quotes.models import Quote

RECORDS = 100_000


async def fill(db, shop) -> None:
    """Rows written in bulk: the ORM one by one would take minutes (setup only, not request code)."""
    today = dt.date(2026, 1, 1)
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    async with scoped(db, Scope(shop.tenant.id)):
        for start in range(0, RECORDS, 10_000):
            rows = [
                {
                    "tenant_id": shop.tenant.id,
                    "customer_id": shop.north.id,
                    "kind": "quote",
                    "number": f"Q-{n:06d}",
                    "name": f"Record {n}",
                    "status": ("draft", "open", "approved")[n % 3],
                    "quote_date": today,
                    "created_at": now,
                    "updated_at": now,
                    "currency": "USD",
                }
                for n in range(start, start + 10_000)
            ]
            await db.execute(insert(Quote.__table__), rows)
        await db.commit()


async def page_of(client, url: str) -> str:
    response = await client.get(url)
    assert response.status_code == 200
    return response.text


async def test_first_middle_and_filtered_pages_of_100000_records(admin, shop, db, count_queries):
    """Keyset pages cost the same at any depth and count nothing (the time is measured by bench.lists)."""
    await fill(db, shop)
    await admin.get("/admin/quotes")  # warm up
    with count_queries() as top:
        page = await page_of(admin, "/admin/quotes")
    assert "Q-099999" in page and "Q-099975" in page and "Q-099974" not in page
    # Ids are the database's (a rolled-back test's sequence numbers stay used on PostgreSQL).
    async with scoped(db, Scope(shop.tenant.id)):
        first_id = await db.scalar(select(func.min(Quote.id)))
    assert f"Q-{49_998:06d}" in await page_of(admin, f"/admin/quotes?after={first_id + 49_999}")
    page = await page_of(admin, f"/admin/quotes?status=approved&after={first_id + 30_000}")
    rows = page.split("<tbody>")[1].split("</tbody>")[0]
    assert rows.count("data-record=") == 25 and rows.count("<td>Approved</td>") == 25
    with count_queries() as deep:
        await admin.get(f"/admin/quotes?after={first_id + 100}")
    assert deep.count == top.count
    assert not [s for s in top.statements if "count(" in s.lower() and "FROM quotes_quote" in s and "WHERE" not in s]
