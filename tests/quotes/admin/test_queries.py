"""SQL statements per admin page and API call do not grow with the number of records or lines."""

from __future__ import annotations

import pytest

from tests.quotes.admin.conftest import add_quote
from tests.quotes.admin.test_workflow import add_change, approve_lines


async def add_many(db, shop, start: int, count: int, lines: int = 2) -> None:
    for n in range(start, start + count):
        quote = await add_quote(db, shop, f"Q-{n:05d}", lines=lines, status="open")
        await add_change(db, shop, quote, f"Change {n}")
        await add_quote(
            db,
            shop,
            f"SO-{n:05d}",
            kind="order",
            status="requested",
            lines=1,
            source_id=quote.id,
            requested_by_id=shop.contact.id,
        )


@pytest.mark.parametrize(
    "url",
    [
        "/admin/quotes",
        "/admin/quotes?kind=order&q=Q",
        "/admin/quotes/reorders",
        "/admin/quotes/change-requests",
        "/admin/quotes/new",
    ],
)
async def test_list_statements_do_not_grow_with_records(url, admin, shop, db, count_queries):
    await add_many(db, shop, 1, 3)
    await admin.get(url)  # warm the tenant's cached state
    with count_queries() as small:
        assert (await admin.get(url)).status_code == 200
    await add_many(db, shop, 100, 30)
    with count_queries() as large:
        assert (await admin.get(url)).status_code == 200
    assert large.count == small.count, large.statements


async def test_detail_statements_do_not_grow_with_lines_approvals_or_changes(admin, shop, db, count_queries):
    small_quote = await add_quote(db, shop, "Q-00001", lines=1, contact_id=shop.contact.id, sales_rep_id=shop.staff.id)
    await approve_lines(db, shop, small_quote, 1)
    await add_change(db, shop, small_quote, "one")
    big_quote = await add_quote(db, shop, "Q-00002", lines=60, contact_id=shop.contact.id, sales_rep_id=shop.staff.id)
    await approve_lines(db, shop, big_quote, *range(1, 30))
    await approve_lines(db, shop, big_quote, *range(30, 61))
    for n in range(12):
        await add_change(db, shop, big_quote, f"change {n}")
    await admin.get(f"/admin/quotes/{small_quote.id}")
    for suffix in ("", "/edit"):
        with count_queries() as small:
            assert (await admin.get(f"/admin/quotes/{small_quote.id}{suffix}")).status_code == 200
        with count_queries() as large:
            page = await admin.get(f"/admin/quotes/{big_quote.id}{suffix}")
            assert page.status_code == 200
        assert large.count == small.count, large.statements


async def test_api_statements_do_not_grow(erp, shop, db, count_queries):
    await add_many(db, shop, 1, 2, lines=1)
    await erp.call("GET", "/api/v1/quotes")
    urls = ["/api/v1/quotes?limit=200", "/api/v1/quotes/change-requests", "/api/v1/quotes/approvals"]
    smalls = {}
    for url in urls:
        with count_queries() as small:
            assert (await erp.call("GET", url)).status_code == 200
        smalls[url] = small.count
    await add_many(db, shop, 100, 20, lines=5)
    for url in urls:
        with count_queries() as large:
            assert (await erp.call("GET", url)).status_code == 200
        assert large.count == smalls[url], (url, large.statements)
