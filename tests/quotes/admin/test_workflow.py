"""Turning an approved quote into an order, approvals on the record, change and reorder requests."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from core.accounts import scoped
from core.db import Scope
from plugins.quotes.models import Approval, ChangeRequest, Quote, QuoteLine
from tests.quotes.admin.conftest import add_quote


async def approve_lines(db, shop, quote, *positions: int) -> Approval:
    """What the portal part records when a contact approves lines."""
    async with scoped(db, Scope(shop.tenant.id)):
        approval = Approval(
            quote_id=quote.id,
            customer_id=quote.customer_id,
            user_id=shop.contact.id,
            typed_name="Nora North",
            terms_text="Prices valid 30 days.",
            line_count=len(positions),
            amount_minor=2000 * len(positions),
        )
        db.add(approval)
        await db.flush()
        for line in await db.scalars(select(QuoteLine).where(QuoteLine.quote_id == quote.id)):
            if line.position in positions:
                line.status, line.approved_at, line.approval_id = "approved", approval.approved_at, approval.id
        row = await db.get(Quote, quote.id)
        row.status = "approved"
        await db.commit()
    return approval


async def test_converting_an_approved_quote_makes_one_order_with_the_approved_lines(admin, shop, db):
    quote = await add_quote(db, shop, "Q-00001", lines=3, shipping_minor=500, tax_rate_bp=1000, customer_po="PO-1")
    await approve_lines(db, shop, quote, 1, 3)
    page = await admin.get(f"/admin/quotes/{quote.id}")
    assert 'id="convert"' in page.text
    response = await admin.post(f"/admin/quotes/{quote.id}/convert")
    assert response.status_code == 302
    async with scoped(db, Scope(shop.tenant.id)):
        order = await db.scalar(select(Quote).where(Quote.kind == "order"))
        lines = list(
            await db.scalars(select(QuoteLine).where(QuoteLine.quote_id == order.id).order_by(QuoteLine.position))
        )
        source = await db.scalar(select(Quote).where(Quote.id == quote.id).execution_options(populate_existing=True))
    assert response.headers["location"] == f"/admin/quotes/{order.id}"
    assert (order.number, order.status, order.source_id, order.customer_po) == (
        "SO-00001",
        "approved",
        quote.id,
        "PO-1",
    )
    assert [line.item for line in lines] == ["ITEM-1", "ITEM-3"]
    assert all(line.status == "approved" and line.approved_at for line in lines)
    # 2 lines of 2 × $10.00 = $40.00, tax 10 % = $4.00, shipping $5.00
    assert (order.subtotal_minor, order.tax_minor, order.total_minor) == (4000, 400, 4900)
    assert source.status == "ordered"
    shown = (await admin.get(f"/admin/quotes/{order.id}")).text
    assert "Order SO-00001 was made from Q-00001." in shown and 'id="source-link"' in shown


async def test_converting_twice_does_not_make_two_orders(admin, shop, db):
    quote = await add_quote(db, shop, "Q-00001", lines=1)
    await approve_lines(db, shop, quote, 1)
    first = await admin.post(f"/admin/quotes/{quote.id}/convert")
    second = await admin.post(f"/admin/quotes/{quote.id}/convert")
    assert second.status_code == 302 and second.headers["location"] == first.headers["location"]
    assert "was already turned into order SO-00001" in (await admin.get(second.headers["location"])).text
    async with scoped(db, Scope(shop.tenant.id)):
        assert await db.scalar(select(func.count(Quote.id)).where(Quote.kind == "order")) == 1
    assert 'id="convert"' not in (await admin.get(f"/admin/quotes/{quote.id}")).text


async def test_only_an_approved_quote_with_approved_lines_converts(admin, shop, db):
    draft = await add_quote(db, shop, "Q-00001", lines=1)
    refused = await admin.post(f"/admin/quotes/{draft.id}/convert")
    assert refused.status_code == 302
    assert "Only an approved quote can be turned into an order." in (await admin.get(refused.headers["location"])).text
    empty = await add_quote(db, shop, "Q-00002", lines=1, status="approved")
    await admin.post(f"/admin/quotes/{empty.id}/convert")
    assert "The quote has no approved lines." in (await admin.get(f"/admin/quotes/{empty.id}")).text
    order = await add_quote(db, shop, "SO-00001", kind="order", status="approved")
    await admin.post(f"/admin/quotes/{order.id}/convert")
    assert "Only a quote can be turned into an order." in (await admin.get(f"/admin/quotes/{order.id}")).text
    async with scoped(db, Scope(shop.tenant.id)):
        assert await db.scalar(select(func.count(Quote.id)).where(Quote.kind == "order")) == 1


async def test_approvals_show_who_when_what_name_and_terms(admin, shop, db):
    quote = await add_quote(db, shop, "Q-00001", lines=2)
    await approve_lines(db, shop, quote, 1, 2)
    section = (await admin.get(f"/admin/quotes/{quote.id}")).text.split('id="approvals"')[1].split("</section>")[0]
    assert "Nora North" in section and "Prices valid 30 days." in section and "$40.00" in section
    assert dt.date.today().isoformat() in section


async def add_change(db, shop, quote, message: str, status: str = "open") -> ChangeRequest:
    async with scoped(db, Scope(shop.tenant.id)):
        change = ChangeRequest(
            quote_id=quote.id, customer_id=quote.customer_id, user_id=shop.contact.id, message=message, status=status
        )
        db.add(change)
        await db.commit()
    return change


async def test_change_requests_in_one_list_and_answered_from_it(admin, shop, db):
    one = await add_quote(db, shop, "Q-00001")
    two = await add_quote(db, shop, "SO-00001", kind="order", status="quoted")
    first = await add_change(db, shop, one, "Please quote 20 instead of 10.")
    await add_change(db, shop, two, "Deliver on Friday?")
    await add_change(db, shop, two, "Old question", status="resolved")
    page = (await admin.get("/admin/quotes/change-requests")).text
    assert "Please quote 20 instead of 10." in page and "Deliver on Friday?" in page and "Old question" not in page
    assert "Nora North" in page
    assert "Old question" in (await admin.get("/admin/quotes/change-requests?status=resolved")).text
    menu = (await admin.get("/admin/quotes")).text
    assert 'data-menu="quotes.admin_change_requests"' in menu
    empty = await admin.post(
        f"/admin/quotes/change-requests/{first.id}",
        {"response": "  ", "status": "resolved", "next": "/admin/quotes/change-requests"},
    )
    assert empty.status_code == 400 and "Write what was done before resolving the request." in empty.text
    done = await admin.post(
        f"/admin/quotes/change-requests/{first.id}",
        {"response": "Updated to 20.", "status": "resolved", "next": "/admin/quotes/change-requests"},
    )
    assert done.status_code == 302 and done.headers["location"] == "/admin/quotes/change-requests"
    async with scoped(db, Scope(shop.tenant.id)):
        row = await db.scalar(
            select(ChangeRequest).where(ChangeRequest.id == first.id).execution_options(populate_existing=True)
        )
    assert (row.status, row.response) == ("resolved", "Updated to 20.") and row.resolved_at is not None
    assert "Please quote 20" not in (await admin.get("/admin/quotes/change-requests")).text


async def test_change_request_answered_on_the_record_page(admin, shop, db):
    quote = await add_quote(db, shop, "Q-00001")
    change = await add_change(db, shop, quote, "Can you add a spare?")
    page = (await admin.get(f"/admin/quotes/{quote.id}")).text
    assert "Can you add a spare?" in page
    saved = await admin.post(
        f"/admin/quotes/change-requests/{change.id}", {"response": "Looking into it", "status": "open"}
    )
    assert saved.status_code == 302 and saved.headers["location"] == f"/admin/quotes/{quote.id}#change-{change.id}"
    page = (await admin.get(f"/admin/quotes/{quote.id}")).text
    assert "Looking into it" in page and "Response saved." in page
    bad = await admin.post(f"/admin/quotes/change-requests/{change.id}", {"response": "x", "status": "maybe"})
    assert bad.status_code == 400


async def test_reorder_requests_are_listed_and_moved_on(admin, shop, db):
    original = await add_quote(db, shop, "SO-00001", kind="order", status="completed", lines=1)
    reorder = await add_quote(
        db,
        shop,
        "SO-00002",
        kind="order",
        status="requested",
        lines=1,
        source_id=original.id,
        requested_by_id=shop.contact.id,
    )
    page = (await admin.get("/admin/quotes/reorders")).text
    assert "SO-00002" in page and "Nora North" in page and f'href="/admin/quotes/{original.id}">SO-00001' in page
    line_page = (await admin.get(f"/admin/quotes/{reorder.id}")).text
    assert "Requested by" in line_page and "ITEM-1" in line_page
    assert (await admin.post(f"/admin/quotes/{reorder.id}/status", {"status": "quoted"})).status_code == 302
    assert "SO-00002 is now “Quoted”." in (await admin.get(f"/admin/quotes/{reorder.id}")).text
    assert "No reorder requests are waiting." in (await admin.get("/admin/quotes/reorders")).text


async def test_another_vendors_change_request_is_not_found(shop, db, login_as, tenant_factory, user_factory):
    quote = await add_quote(db, shop, "Q-00001")
    change = await add_change(db, shop, quote, "Secret wish")
    other = await tenant_factory("rival")
    rival = await login_as(await user_factory(other, "vendor_admin"))
    response = await rival.post(f"/admin/quotes/change-requests/{change.id}", {"response": "x", "status": "resolved"})
    assert response.status_code == 404
    assert "Secret wish" not in (await rival.get("/admin/quotes/change-requests")).text
