"""Messages from the vendor to a customer account: who sees them, unread state, email, isolation."""

from __future__ import annotations

from sqlalchemy import select

from core import VENDOR_ADMIN, NoticeError, post_message
from core.accounts import scoped
from core.db import Scope
from core.mail import OutboxMessage
from core.models import User
from core.notices.models import Message
from core.testing import deliver_mail
from tests.core.notices.conftest import unread_badge


async def _post(client, customer, subject, body="Text of the message.", **options):
    data = {"customer_id": str(customer.id), "subject": subject, "body": body}
    data.update({key: "1" for key, on in options.items() if on})
    return await client.post("/admin/notices/messages", data)


async def _message_id(db, tenant, subject) -> int:
    async with scoped(db, Scope(tenant.id)):
        return (await db.scalar(select(Message).where(Message.subject == subject))).id


async def test_a_message_to_a_site_reaches_its_contacts_and_never_the_sibling_site(accounts, tenant, login_as, db):
    staff = await login_as(accounts.staff)
    posted = await _post(staff, accounts.north, "North only: furnace maintenance")
    assert posted.status_code == 302
    message_id = await _message_id(db, tenant, "North only: furnace maintenance")

    north = await login_as(accounts.north_contact)
    page = (await north.get("/messages")).text
    assert "North only: furnace maintenance" in page and unread_badge(page) == 1

    south = await login_as(accounts.south_contact)
    page = (await south.get("/messages")).text
    assert "North only" not in page and unread_badge(page) == 0
    assert (await south.get(f"/messages/{message_id}")).status_code == 404


async def test_a_message_to_the_parent_reaches_its_sites_only_when_asked(accounts, tenant, login_as):
    staff = await login_as(accounts.staff)
    await _post(staff, accounts.parent, "Parent only: invoice address")
    await _post(staff, accounts.parent, "Everyone: plant shutdown", include_sites=True)

    buyer = await login_as(accounts.buyer)
    page = (await buyer.get("/messages")).text
    assert "Parent only: invoice address" in page and "Everyone: plant shutdown" in page
    for contact in (accounts.north_contact, accounts.south_contact):
        page = (await (await login_as(contact)).get("/messages")).text
        assert "Everyone: plant shutdown" in page and "Parent only" not in page
        assert unread_badge(page) == 1


async def test_opening_a_message_clears_it_for_that_reader_only(accounts, tenant, login_as, db):
    staff = await login_as(accounts.staff)
    await _post(staff, accounts.parent, "Two readers", body="Line one\nLine <b>two</b>", include_sites=True)
    await _post(staff, accounts.parent, "Still unread", include_sites=True)
    message_id = await _message_id(db, tenant, "Two readers")

    north = await login_as(accounts.north_contact)
    page = (await north.get("/messages")).text
    assert unread_badge(page) == 2 and f'<strong><a href="/messages/{message_id}">Two readers</a></strong>' in page
    opened = await north.get(f"/messages/{message_id}")
    assert opened.status_code == 200
    assert "Line one<br>Line &lt;b&gt;two&lt;/b&gt;" in opened.text  # plain text: escaped, line breaks kept
    assert unread_badge(opened.text) == 1
    page = (await north.get("/messages")).text
    assert f'<a href="/messages/{message_id}">Two readers</a></td>' in page and unread_badge(page) == 1
    assert "<strong><a" in page  # the other one is still bold
    await north.get(f"/messages/{message_id}")  # opening it again changes nothing

    south = await login_as(accounts.south_contact)
    assert unread_badge((await south.get("/messages")).text) == 2  # read state is per user

    listing = (await staff.get("/admin/notices/messages")).text
    assert "1 of 3" in listing  # the parent's buyer and both sites' contacts received it


async def test_customers_cannot_post_and_are_pointed_to_contact_us(accounts, login_as):
    north = await login_as(accounts.north_contact)
    assert (await _post(north, accounts.north, "Hi")).status_code == 403
    assert 'href="/contact"' in (await north.get("/messages")).text


async def test_posting_without_subject_body_or_account_shows_the_form_again(accounts, tenant, login_as, db):
    staff = await login_as(accounts.staff)
    response = await staff.post("/admin/notices/messages", {"customer_id": "", "subject": " ", "body": ""})
    assert response.status_code == 400
    for text in ("Choose the customer account to write to.", "Say in a few words", "Write your message."):
        assert text in response.text
    kept = await staff.post("/admin/notices/messages", {"customer_id": str(accounts.north.id), "subject": "Kept"})
    assert kept.status_code == 400 and 'value="Kept"' in kept.text
    async with scoped(db, Scope(tenant.id)):
        assert (await db.scalar(select(Message))) is None


async def test_also_email_queues_one_email_per_contact(accounts, tenant, login_as, db):
    staff = await login_as(accounts.staff)
    posted = await _post(
        staff, accounts.parent, "Price list 2027", body="New prices attached.", include_sites=True, email=True
    )
    assert posted.status_code == 302
    async with scoped(db, Scope(tenant.id)):
        queued = list((await db.execute(select(OutboxMessage).order_by(OutboxMessage.id))).scalars())
    recipients = sorted(address for mail in queued for address in mail.recipients)
    expected = sorted(u.email for u in (accounts.buyer, accounts.north_contact, accounts.south_contact))
    assert recipients == expected and len(queued) == 3
    mail = queued[0]
    assert mail.event == "core.message_posted" and "Price list 2027" in mail.subject
    message_id = await _message_id(db, tenant, "Price list 2027")
    assert "New prices attached." in mail.text_body and f"/messages/{message_id}" in mail.text_body

    await _post(staff, accounts.north, "No email for this one")
    async with scoped(db, Scope(tenant.id)):
        assert len(list((await db.execute(select(OutboxMessage))).scalars())) == 3


async def test_another_vendor_cannot_see_or_post_to_these_accounts(
    accounts, tenant, tenant_factory, user_factory, login_as, db
):
    staff = await login_as(accounts.staff)
    await _post(staff, accounts.north, "Acme internal: north")
    other = await tenant_factory("other", "Other Vendor", "other.portal.test")
    intruder = await login_as(await user_factory(other, VENDOR_ADMIN))
    assert "Acme internal" not in (await intruder.get("/admin/notices/messages")).text
    refused = await _post(intruder, accounts.north, "Phishing")
    assert refused.status_code == 400 and "Choose the customer account to write to." in refused.text
    async with scoped(db, Scope(other.id)):
        assert (await db.scalar(select(Message))) is None


async def test_post_message_for_plugins(accounts, tenant, portico, db):
    from core.context import RequestContext

    async with scoped(db, Scope(tenant.id)):
        state = await portico.states.get(db, tenant)
        ctx = RequestContext(portico, db, tenant, state, user=accounts.staff)
        message = await post_message(ctx, accounts.south.id, "  Order   shipped ", "Tracking 123\n")
        assert (message.subject, message.body, message.include_sites) == ("Order shipped", "Tracking 123", False)
        for bad in ((accounts.south.id, "", "x"), (accounts.south.id, "x", " "), (999_999, "x", "y")):
            try:
                await post_message(ctx, *bad)
            except NoticeError:
                continue
            raise AssertionError(f"{bad} was accepted")
        await db.commit()


async def test_the_messages_page_runs_the_same_statements_for_3_or_30_messages(
    accounts, tenant, portico, login_as, db, count_queries
):
    north = await login_as(accounts.north_contact)
    await north.get("/messages")

    async def add(count: int) -> None:
        async with scoped(db, Scope(tenant.id)):
            db.add_all(
                Message(customer_id=accounts.north.id, subject=f"m{i}", body="b", created_by=accounts.staff.id)
                for i in range(count)
            )
            await db.commit()

    await add(3)
    with count_queries() as small:
        assert (await north.get("/messages")).status_code == 200
    await add(27)
    with count_queries() as large:
        page = await north.get("/messages")
    assert page.status_code == 200 and unread_badge(page.text) == 30
    assert large.count == small.count, large.statements


async def test_emailed_messages_arrive_over_smtp_in_each_contacts_language(
    accounts, tenant, portico, login_as, db, smtp_server
):
    async with scoped(db, Scope(tenant.id)):
        south = await db.get(User, accounts.south_contact.id)
        south.language = "de"
        await db.commit()
    staff = await login_as(accounts.staff)
    await _post(staff, accounts.south, "Wartung", body="Ofen am Freitag aus.\nVersand am Montag.", email=True)

    outcomes = await deliver_mail(portico)

    assert [o.state for o in outcomes] == ["sent"]
    [received] = smtp_server.to(accounts.south_contact.email)
    assert received["Subject"] == "Wartung – Nachricht von Acme Parts"
    text = received.get_body(("plain",)).get_content().replace("\r\n", "\n")
    message_id = await _message_id(db, tenant, "Wartung")
    assert f"Im Portal: http://acme.portal.test/messages/{message_id}" in text
    assert "schreibt an Globex South Plant" in text and "Ofen am Freitag aus.\nVersand am Montag." in text
    assert smtp_server.to(accounts.north_contact.email) == []
