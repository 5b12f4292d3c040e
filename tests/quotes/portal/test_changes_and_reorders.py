"""Requesting a change and reordering: stored for the vendor, emailed over SMTP, counted once, refused politely."""

from __future__ import annotations

from sqlalchemy import select

from core.accounts import scoped
from core.db import Scope
from core.testing import deliver_mail
from plugins.quotes.models import ChangeRequest, Quote, QuoteLine
from tests.quotes.portal.conftest import ORDER, form_key


async def rows(db, shop, query):
    async with scoped(db, Scope(shop.tenant.id)):
        return list(await db.scalars(query.execution_options(populate_existing=True)))


async def test_a_change_request_reaches_the_vendor_by_email(shop, make_record, login_as, db, portico, smtp_server):
    quote = await make_record(name="Brackets")
    nick = await login_as(shop.nick)  # customer users may request changes
    key = await form_key(nick, f"/quotes/{quote.id}/change")
    answer = await nick.post(
        f"/quotes/{quote.id}/change", {"message": "Please quote 50 pieces instead of 40.", "submission_key": key}
    )
    assert answer.status_code == 303 and answer.headers["location"] == f"/quotes/{quote.id}"
    [change] = await rows(db, shop, select(ChangeRequest).where(ChangeRequest.quote_id == quote.id))
    assert change.status == "open" and change.user_id == shop.nick.id and "50 pieces" in change.message
    page = (await nick.get(f"/quotes/{quote.id}")).text
    assert "Your change request was sent." in page and "Please quote 50 pieces instead of 40." in page

    await deliver_mail(portico)
    [mail] = smtp_server.to("stan@acme.test")  # no notify_email set: the record's sales rep
    assert quote.number in mail["Subject"] and "Nick Newman" in mail["Subject"]
    body = mail.get_body(("plain",)).get_content()
    assert "Please quote 50 pieces instead of 40." in body and f"/quotes/{quote.id}" in body
    assert mail["Reply-To"] == shop.nick.email


async def test_a_change_request_is_counted_once_and_needs_text(shop, make_record, login_as, db):
    quote = await make_record()
    nora = await login_as(shop.nora)
    key = await form_key(nora, f"/quotes/{quote.id}/change")
    empty = await nora.post(f"/quotes/{quote.id}/change", {"message": "   ", "submission_key": key})
    assert empty.status_code == 400 and "Describe the change you would like." in empty.text
    for _ in range(2):
        answer = await nora.post(f"/quotes/{quote.id}/change", {"message": "Red, please.", "submission_key": key})
        assert answer.status_code == 303
    assert len(await rows(db, shop, select(ChangeRequest).where(ChangeRequest.quote_id == quote.id))) == 1
    assert "This request was already sent." in (await nora.get(f"/quotes/{quote.id}")).text


async def test_change_requests_answer_404_for_hidden_records(shop, make_record, login_as):
    south = await make_record(shop.south)
    nora = await login_as(shop.nora)
    assert (await nora.post(f"/quotes/{south.id}/change", {"message": "x"})).status_code == 404
    assert (await nora.get(f"/quotes/{south.id}/change")).status_code == 404


async def test_reordering_copies_the_order_and_notifies_the_vendor(
    shop, make_record, login_as, db, portico, smtp_server
):
    done = await make_record(kind=ORDER, status="completed", lines=2, customer_po="PO-1", ship_to="Dock 9")
    nora = await login_as(shop.nora)
    page = await nora.get(f"/orders/{done.id}")
    assert "data-reorder" in page.text
    confirm = await nora.get(f"/orders/{done.id}/reorder")
    assert confirm.status_code == 200 and "ITEM-2" in confirm.text
    answer = await nora.post(f"/orders/{done.id}/reorder", {"customer_po": "PO-2"})
    assert answer.status_code == 303
    [copy] = await rows(db, shop, select(Quote).where(Quote.source_id == done.id))
    assert answer.headers["location"] == f"/orders/{copy.id}"
    assert copy.kind == "order" and copy.status == "requested" and copy.requested_by_id == shop.nora.id
    assert copy.number.startswith("SO-") and copy.number != done.number
    assert copy.customer_id == shop.north.id and copy.ship_to == "Dock 9" and copy.customer_po == "PO-2"
    lines = await rows(db, shop, select(QuoteLine).where(QuoteLine.quote_id == copy.id).order_by(QuoteLine.position))
    assert [(line.item, line.amount_minor, line.approved_at) for line in lines] == [
        ("ITEM-1", 2000, None),
        ("ITEM-2", 4000, None),
    ]
    assert copy.subtotal_minor == 6000
    # The customer sees their request at once, in their open orders.
    assert (await nora.get(f"/orders/{copy.id}")).status_code == 200
    assert copy.number in (await nora.get("/orders")).text

    await deliver_mail(portico)
    [mail] = smtp_server.to("stan@acme.test")
    assert copy.number in mail["Subject"] and done.number in mail["Subject"]
    assert f"/orders/{copy.id}" in mail.get_body(("plain",)).get_content()


async def test_a_second_reorder_finds_the_first(shop, make_record, login_as, db):
    done = await make_record(kind=ORDER, status="completed", lines=1)
    nora = await login_as(shop.nora)
    first = await nora.post(f"/orders/{done.id}/reorder", {})
    second = await nora.post(f"/orders/{done.id}/reorder", {})
    assert first.headers["location"] == second.headers["location"]
    assert len(await rows(db, shop, select(Quote).where(Quote.source_id == done.id))) == 1
    assert "already waiting for us" in (await nora.get(second.headers["location"])).text


async def test_reorder_is_refused_when_not_allowed(shop, make_record, login_as, portal_factory, db):
    done = await make_record(kind=ORDER, status="completed", lines=1)
    running = await make_record(kind=ORDER, status="in_progress", lines=1)
    south = await make_record(shop.south, kind=ORDER, status="completed", lines=1)
    nick = await login_as(shop.nick)  # customer users may not reorder by default
    refused = await nick.post(f"/orders/{done.id}/reorder", {})
    assert refused.status_code == 403 and "not order it again" in refused.text
    assert "data-reorder" not in (await nick.get(f"/orders/{done.id}")).text
    nora = await login_as(shop.nora)
    assert (await nora.post(f"/orders/{running.id}/reorder", {})).status_code == 403  # still open: not history
    assert (await nora.post(f"/orders/{south.id}/reorder", {})).status_code == 404
    assert await rows(db, shop, select(Quote).where(Quote.status == "requested")) == []


async def test_reorder_and_notification_follow_the_settings(shop, make_record, login_as, db, portico, smtp_server):
    done = await make_record(kind=ORDER, status="completed", lines=1)
    staff = await login_as(shop.staff)
    saved = await save_settings(staff, reorder_enabled="", notify_email="orders@acme.test")
    assert saved.status_code == 302, saved.text[:800]
    nora = await login_as(shop.nora)
    assert "data-reorder" not in (await nora.get(f"/orders/{done.id}")).text
    refused = await nora.post(f"/orders/{done.id}/reorder", {})
    assert refused.status_code == 403 and "when offered" in refused.text

    quote = await make_record()
    key = await form_key(nora, f"/quotes/{quote.id}/change")
    await nora.post(f"/quotes/{quote.id}/change", {"message": "Blue.", "submission_key": key})
    await deliver_mail(portico)
    assert len(smtp_server.to("orders@acme.test")) == 1 and smtp_server.to("stan@acme.test") == []


async def test_statuses_customers_see_follow_the_settings(shop, make_record, login_as):
    expired = await make_record(status="expired")
    staff = await login_as(shop.staff)
    await save_settings(staff, customer_quote_statuses=["open", "approved"])
    nora = await login_as(shop.nora)
    assert expired.number not in (await nora.get("/quotes/history")).text
    assert (await nora.get(f"/quotes/{expired.id}")).status_code == 404


async def save_settings(client, **changes):
    values = {
        "approval_terms": "We accept.",
        "reorder_enabled": "1",
        "customer_quote_statuses": ["open", "approved", "declined", "expired", "ordered"],
        "customer_order_statuses": ["requested", "quoted", "pending_approval", "approved", "in_progress", "completed"],
        "notify_email": "",
    } | changes
    return await client.post("/admin/modules/quotes/settings", values)
