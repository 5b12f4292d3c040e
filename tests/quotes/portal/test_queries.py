"""SQL statements per page do not grow with the number of records, lines, approvals or payments."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from core.accounts import scoped
from core.db import Scope
from plugins.quotes.models import Approval, ChangeRequest, PaymentInstallment, QuoteLine
from tests.quotes.portal.conftest import ORDER


def statements(counter) -> list[str]:
    # PostgreSQL runs each widget/badge loader in a savepoint; those come and go with the loaders, not the data.
    return [s for s in counter.statements if "SAVEPOINT" not in s]


@pytest.mark.parametrize(
    "url", ["/", "/quotes", "/quotes/history", "/orders", "/orders/history", "/quotes?action=1", "/actions"]
)
async def test_list_pages(url, shop, make_record, login_as, count_queries):
    buyer = await login_as(shop.buyer)  # sees both sites: the account column is shown
    # One record in each list, naming a contact, so both sizes run the same lookups.
    for kind, status in (("quote", "open"), ("quote", "expired"), (ORDER, "in_progress"), (ORDER, "completed")):
        await make_record(kind=kind, status=status, contact_id=shop.nora.id)
    await buyer.get(url)  # warm the tenant's cached state
    with count_queries() as small:
        assert (await buyer.get(url)).status_code == 200
    for index in range(30):
        site = shop.north if index % 2 else shop.south
        await make_record(site, lines=1, contact_id=shop.nora.id if index % 3 else shop.sid.id)
        await make_record(site, kind=ORDER, status="completed" if index % 2 else "in_progress", lines=1)
        await make_record(site, status="expired", lines=1, contact_id=shop.sid.id)
    with count_queries() as large:
        assert (await buyer.get(url)).status_code == 200
    assert len(statements(large)) == len(statements(small)), large.statements


async def grow(db, shop, record, lines: int) -> None:
    async with scoped(db, Scope(shop.tenant.id)):
        for i in range(lines):
            approval = Approval(customer_id=record.customer_id, quote_id=record.id, user_id=shop.nora.id, line_count=1)
            db.add(approval)
            await db.flush()
            db.add(
                QuoteLine(
                    customer_id=record.customer_id,
                    quote_id=record.id,
                    position=100 + i,
                    item=f"X-{i}",
                    quantity=Decimal(1),
                    unit_price_minor=100,
                    amount_minor=100,
                    taxable=True,
                    needs_approval=True,
                    approved_at=dt.datetime(2026, 11, 2) if i % 2 else None,
                    approval_id=approval.id if i % 2 else None,
                )
            )
            db.add(PaymentInstallment(customer_id=record.customer_id, quote_id=record.id, label=f"P{i}"))
            db.add(ChangeRequest(customer_id=record.customer_id, quote_id=record.id, user_id=shop.nick.id, message="m"))
        await db.commit()


@pytest.mark.parametrize("kind", ["quote", "order"])
@pytest.mark.parametrize("page", ["", "/approve", "/change", "/reorder"])
async def test_record_pages(kind, page, shop, make_record, login_as, db, count_queries):
    if page == "/reorder" and kind != ORDER:
        pytest.skip("only orders are reordered")
    status = "completed" if page == "/reorder" else None
    record = await make_record(kind=kind, status=status, lines=2, contact_id=shop.nick.id)
    url = f"/{'quotes' if kind == 'quote' else 'orders'}/{record.id}{page}"
    nora = await login_as(shop.nora)
    await nora.get(url)
    with count_queries() as small:
        assert (await nora.get(url)).status_code == 200
    await grow(db, shop, record, 40)
    with count_queries() as large:
        assert (await nora.get(url)).status_code == 200
    assert len(statements(large)) == len(statements(small)), large.statements
