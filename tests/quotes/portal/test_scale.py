"""Lists page through 100,000 quotes: the first and a deep page run the same few statements."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, insert, select, text

from core.documents import Publication
from core.row_security import use_every_tenant
from plugins.quotes.models import Quote

COUNT = 100_000


async def bulk_insert(portico, shop) -> None:
    """100,000 sent, open quotes of the north site, written with Core multi-row inserts (test set-up only)."""
    rows = [
        {
            "tenant_id": shop.tenant.id,
            "customer_id": shop.north.id,
            "kind": "quote",
            "number": f"Q-{i:06d}",
            "name": f"Bulk quote {i}",
            "status": "open",
            "awaiting_approval": i % 7 == 0,
            "total_minor": i,
        }
        for i in range(1, COUNT + 1)
    ]
    async with portico.engine.begin() as conn:
        await conn.run_sync(use_every_tenant)  # Core statements on a connection of its own (row security)
        await conn.execute(insert(Quote.__table__), rows)
        ids = (await conn.execute(select(Quote.id).where(Quote.tenant_id == shop.tenant.id))).scalars().all()
        await conn.execute(
            insert(Publication.__table__),
            [
                {
                    "tenant_id": shop.tenant.id,
                    "customer_id": shop.north.id,
                    "doc_type": "quotes.quote",
                    "record_id": record_id,
                    "version": 1,
                    "storage_key": "bulk/none.pdf",
                    "filename": "bulk.pdf",
                    "size": 1,
                    "recipients": [],
                }
                for record_id in ids
            ],
        )
    # A database that holds 100,000 quotes has planner statistics (autovacuum gathers them); a
    # freshly bulk-loaded test table has none until it is analysed.
    if portico.engine.dialect.name == "postgresql":
        async with portico.engine.connect() as conn:
            await conn.execute(text("ANALYZE"))
            await conn.commit()


def shown(html: str) -> list[str]:
    return re.findall(r'<a href="/quotes/\d+">(Q-\d+)</a>', html)


@pytest.mark.portico_commits
async def test_first_and_deep_pages_of_100000_quotes(shop, portico, login_as, count_queries):
    await bulk_insert(portico, shop)
    async with portico.engine.connect() as conn:
        await conn.run_sync(use_every_tenant)
        assert await conn.scalar(select(func.count(Quote.id))) == COUNT
        deep_id = await conn.scalar(select(Quote.id).where(Quote.number == "Q-000051"))
    nora = await login_as(shop.nora)
    await nora.get("/quotes")  # warm the tenant's cached state

    with count_queries() as first:
        page_one = await nora.get("/quotes")
    assert page_one.status_code == 200
    assert shown(page_one.text)[:2] == ["Q-100000", "Q-099999"] and len(shown(page_one.text)) == 25

    with count_queries() as deep:
        page_deep = await nora.get(f"/quotes?after={deep_id}")
    assert page_deep.status_code == 200
    assert shown(page_deep.text) == [f"Q-{i:06d}" for i in range(50, 25, -1)]
    assert len(deep.statements) == len(first.statements)
    # The list itself counts nothing; the menu badges count records awaiting approval, at most 100.
    counts = [s for s in first.statements if "count(" in s.lower() and "quotes_quote" in s]
    assert counts and all("awaiting_approval" in s and "LIMIT" in s for s in counts), counts
    assert re.search(
        r'data-menu="quotes.quotes">\s*<span class="label">Quotes</span>\s*<span class="badge">99</span>', page_one.text
    )
    # How long the pages take is measured by the benchmark (python -m bench.lists), not asserted here.

    dashboard = (await nora.get("/")).text
    assert '<strong class="count">99+</strong>' in dashboard

    filtered = await nora.get("/quotes?action=1&name=Bulk")
    assert filtered.status_code == 200 and shown(filtered.text)[0] == "Q-099995"  # the newest multiple of 7
