"""The admin list pages through 100,000 records without slowing down (keyset paging on indexed ids)."""

from __future__ import annotations

import datetime as dt
import time

from sqlalchemy import insert

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


async def timed(client, url: str) -> tuple[float, str]:
    started = time.perf_counter()
    response = await client.get(url)
    assert response.status_code == 200
    return time.perf_counter() - started, response.text


async def test_first_middle_and_filtered_pages_stay_fast(admin, shop, db, count_queries):
    await fill(db, shop)
    await admin.get("/admin/quotes")  # warm up
    first, page = await timed(admin, "/admin/quotes")
    assert "Q-099999" in page and "Q-099975" in page and "Q-099974" not in page
    middle, page = await timed(admin, "/admin/quotes?after=50000")
    assert "Q-049998" in page
    filtered, page = await timed(admin, "/admin/quotes?status=approved&after=30000")
    rows = page.split("<tbody>")[1].split("</tbody>")[0]
    assert rows.count("data-record=") == 25 and rows.count("<td>Approved</td>") == 25
    # Generous bounds for a shared machine: a scan or count over 100,000 rows would cost far more per page.
    assert max(first, middle, filtered) < 1.5, (first, middle, filtered)
    with count_queries() as deep:
        await admin.get("/admin/quotes?after=100")
    with count_queries() as top:
        await admin.get("/admin/quotes")
    assert deep.count == top.count
