"""A record's page: lines, totals, dates, addresses, sales rep, payment schedule, approvals; 404 when hidden."""

from __future__ import annotations

import datetime as dt

from core.accounts import scoped
from core.db import Scope
from plugins.quotes.models import Approval, PaymentInstallment
from tests.quotes.portal.conftest import ORDER


async def test_the_page_shows_lines_totals_people_and_addresses(shop, make_record, login_as):
    quote = await make_record(
        bill_to="Globex\n1 Main St", ship_to="Dock 4", customer_po="PO-123", valid_until=dt.date(2026, 12, 31)
    )
    nora = await login_as(shop.nora)
    page = await nora.get(f"/quotes/{quote.id}")
    assert page.status_code == 200
    html = page.text
    for text in ("ITEM-1", "ITEM-3", "PO-123", "Globex<br>1 Main St", "Dock 4", "2026-12-31", "Stan Sales"):
        assert text in html, text
    # 2×10 + 2×20 + 2×30 = 120.00; tax 10 % = 12.00; shipping 5.00
    assert "$120.00" in html and "$12.00" in html and "$137.00" in html
    assert "data-needs-action" in html and 'id="approve-lines"' in html
    assert "comments" in html and "files" in html  # the kernel's panels


async def test_orders_show_the_payment_schedule_before_approval_only(shop, make_record, login_as, db):
    order = await make_record(kind=ORDER, status="pending_approval", recurrence="Monthly")
    async with scoped(db, Scope(shop.tenant.id)):
        db.add(PaymentInstallment(customer_id=order.customer_id, quote_id=order.id, label="Deposit", amount_minor=5000))
        await db.commit()
    nora = await login_as(shop.nora)
    html = (await nora.get(f"/orders/{order.id}")).text
    assert "Payment schedule" in html and "Deposit" in html and "$50.00" in html and "Recurring: Monthly" in html
    async with scoped(db, Scope(shop.tenant.id)):
        order = await db.merge(order)
        order.approved_at = dt.datetime(2026, 11, 5)
        order.status = "approved"
        await db.commit()
    assert "Payment schedule" not in (await nora.get(f"/orders/{order.id}")).text


async def test_after_approval_the_approval_record_is_shown(shop, make_record, login_as, db):
    quote = await make_record(status="approved", lines=1, approved_lines=1)
    async with scoped(db, Scope(shop.tenant.id)):
        db.add(
            Approval(
                customer_id=quote.customer_id,
                quote_id=quote.id,
                user_id=shop.nora.id,
                typed_name="Nora N. North",
                terms_text="We accept the terms of 2026.",
                line_count=1,
                amount_minor=2000,
                approved_at=dt.datetime(2026, 11, 3, 9, 30),
            )
        )
        await db.commit()
    buyer = await login_as(shop.buyer)
    html = (await buyer.get(f"/quotes/{quote.id}")).text
    assert "Nora North approved 1 line(s) worth $20.00 on 2026-11-03 09:30" in html
    assert "Nora N. North" in html and "We accept the terms of 2026." in html


async def test_hidden_records_answer_404(shop, make_record, login_as):
    unsent = await make_record(sent=False)
    south = await make_record(shop.south)
    order = await make_record(kind=ORDER)
    nora = await login_as(shop.nora)
    for url in (
        f"/quotes/{unsent.id}",
        f"/quotes/{south.id}",
        f"/quotes/{order.id}",  # an order is not a quote
        f"/orders/{south.id}",
        f"/quotes/{unsent.id}/approve",
        f"/quotes/{south.id}/change",
        f"/documents/quotes.quote/{unsent.id}/pdf",
        f"/records/quotes.quote/{south.id}/comments",
    ):
        assert (await nora.get(url)).status_code == 404, url
    assert (await nora.get(f"/orders/{order.id}")).status_code == 200
