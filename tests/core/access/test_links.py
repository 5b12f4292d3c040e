"""Invitations, password resets and password changes: single-use links that expire."""

from __future__ import annotations

import asyncio
import datetime as dt
import re

import pytest
from litestar import post
from litestar.params import FromPath
from sqlalchemy import select, update

from core import CUSTOMER_USER, VENDOR_ADMIN, Ctx, Permission
from core.access import links, send_invitation
from core.access.links import send_requested_resets
from core.access.models import ResetRequest, UserToken
from core.accounts import scoped
from core.db import Scope
from core.mail.models import OutboxMessage
from core.models import User, WebSession
from core.testing import TEST_PASSWORD, deliver_mail

LINK = re.compile(r"http://[^/\s]+(/(?:invite|password/reset)/[\w-]+)")
GOOD = "plum-harbour-lantern-42"


@pytest.fixture
def portico_extra_plugins(throwaway_plugin):
    """A plugin that invites a user by id: the public API, called the way a module would."""

    @post("/test/invite/{user_id:int}", opt={"permission": "testinvite.send"})
    async def invite(ctx: Ctx, user_id: FromPath[int]) -> str:
        user = await ctx.db.get(User, user_id)
        assert user is not None
        await send_invitation(ctx, user)
        await ctx.db.commit()
        return "sent"

    return [
        throwaway_plugin(
            "testinvite",
            portico_permissions=lambda: [Permission("testinvite.send", "Invite", default_roles=(VENDOR_ADMIN,))],
            portico_routes=lambda: [invite],
        )
    ]


async def outbox(db, tenant) -> list[OutboxMessage]:
    async with scoped(db, Scope(tenant.id)):
        return list((await db.execute(select(OutboxMessage).order_by(OutboxMessage.id))).scalars())


async def last_link(db, tenant) -> str:
    messages = await outbox(db, tenant)
    assert messages, "no email was queued"
    match = LINK.search(messages[-1].text_body)
    assert match, messages[-1].text_body
    return match.group(1)


@pytest.fixture
async def enable_testinvite(db, tenant, portico):
    from core.accounts import set_module_enabled

    await set_module_enabled(db, portico.plugins, tenant.id, "testinvite", True)
    await db.commit()


async def test_an_invitation_link_sets_the_password_once_and_signs_in(
    client_factory, tenant, user_factory, customer_factory, login_as, db, enable_testinvite
):
    admin = await login_as(await user_factory(tenant, VENDOR_ADMIN))
    site = await customer_factory(tenant, "Northern Works")
    contact = await user_factory(tenant, CUSTOMER_USER, site, password="", first_name="Greta")
    assert (await admin.post(f"/test/invite/{contact.id}")).status_code == 201
    message = (await outbox(db, tenant))[-1]
    assert message.recipients == [contact.email] and message.event == "core.invitation"
    assert "Hello Greta" in message.text_body and "7 days" in message.text_body
    link = await last_link(db, tenant)

    visitor = await client_factory(tenant.host)
    form = await visitor.get(link)
    assert form.status_code == 200 and contact.email in form.text
    weak = await visitor.post(link, {"password": "password123", "password2": "password123"})
    assert weak.status_code == 400 and "too common" in weak.text
    mismatch = await visitor.post(link, {"password": GOOD, "password2": GOOD + "x"})
    assert mismatch.status_code == 400 and "not the same" in mismatch.text
    done = await visitor.post(link, {"password": GOOD, "password2": GOOD})
    assert done.status_code == 302 and done.headers["location"] == "/"
    home = await visitor.get("/")
    assert home.status_code == 200 and "Your password is set" in home.text

    again = await (await client_factory(tenant.host)).get(link)
    assert again.status_code == 404 and "no longer works" in again.text
    fresh = await client_factory(tenant.host)
    await fresh.login(contact.email, GOOD)


async def test_a_new_invitation_replaces_the_old_link(tenant, user_factory, login_as, db, enable_testinvite):
    admin = await login_as(await user_factory(tenant, VENDOR_ADMIN))
    contact = await user_factory(tenant, VENDOR_ADMIN, password="")
    await admin.post(f"/test/invite/{contact.id}")
    first = await last_link(db, tenant)
    await admin.post(f"/test/invite/{contact.id}")
    second = await last_link(db, tenant)
    assert first != second
    assert (await admin.get(first)).status_code == 404
    assert (await admin.get(second)).status_code == 200


async def test_an_inactive_user_gets_no_invitation(tenant, user_factory, login_as, db, enable_testinvite):
    admin = await login_as(await user_factory(tenant, VENDOR_ADMIN))
    gone = await user_factory(tenant, VENDOR_ADMIN)
    async with scoped(db, Scope(tenant.id)):
        await db.execute(update(User).where(User.id == gone.id).values(active=False))
        await db.commit()
    response = await admin.post(f"/test/invite/{gone.id}")
    assert response.status_code >= 400
    assert await outbox(db, tenant) == []


async def reset_link(client, email, db, tenant, portico) -> str:
    """Ask for a reset link and let the mail worker write it (the form only queues the request)."""
    await client.post("/password/forgot", {"email": email})
    await deliver_mail(portico)
    return await last_link(db, tenant)


async def test_forgot_password_never_tells_who_is_registered(client, tenant, user_factory, db, portico):
    user = await user_factory(tenant, VENDOR_ADMIN)
    known = await client.post("/password/forgot", {"email": user.email.upper()})
    unknown = await client.post("/password/forgot", {"email": "nobody@example.test"})
    assert known.status_code == unknown.status_code == 200
    # Each answer has a nonce of its own (its Content-Security-Policy); the rest must be the same.
    strip = lambda text, email: re.sub(r'nonce="[^"]+"', "", text.replace(email, "EMAIL"))  # noqa: E731
    assert strip(known.text, user.email.upper()) == strip(unknown.text, "nobody@example.test")
    await deliver_mail(portico)
    messages = await outbox(db, tenant)
    assert [m.recipients for m in messages] == [[user.email]]
    # Asking again at once sends nothing more (no mail bombing through the form).
    await client.post("/password/forgot", {"email": user.email})
    await deliver_mail(portico)
    assert len(await outbox(db, tenant)) == 1


async def test_forgot_password_does_the_same_work_for_every_address(
    client, tenant, user_factory, customer_factory, db, portico, count_queries, smtp_server
):
    """The answer takes the same time for a registered address: the request runs the very same
    statements, and the person is looked up later, off the request path, by the mail worker."""
    site = await customer_factory(tenant, "Northern Works")
    user = await user_factory(tenant, CUSTOMER_USER, site, first_name="Greta")
    await client.post("/password/forgot", {"email": "warm-up@example.test"})  # caches, CSRF cookie
    statements = {}
    for email in (user.email, "nobody@example.test", "not an address", ""):
        with count_queries() as counter:
            answer = await client.post("/password/forgot", {"email": email})
        assert answer.status_code == 200
        statements[email] = counter.statements
    assert len({tuple(found) for found in statements.values()}) == 1, statements
    assert await outbox(db, tenant) == []  # nothing about the person was done yet
    async with scoped(db, Scope(tenant.id)):
        assert await db.scalar(select(UserToken.id)) is None

    outcomes = await deliver_mail(portico)
    assert [o.state for o in outcomes] == ["sent"]
    [received] = smtp_server.to(user.email)
    assert received.get_body(("plain",)).get_content().startswith("Hello Greta,")
    assert await deliver_mail(portico) == []  # each request is handled once


async def test_a_reset_that_cannot_be_written_is_dropped_not_retried(
    client, tenant, user_factory, db, portico, monkeypatch, caplog
):
    user = await user_factory(tenant, VENDOR_ADMIN)
    await client.post("/password/forgot", {"email": user.email})

    async def broken(*args):
        raise RuntimeError("a broken template")

    monkeypatch.setattr(links, "_send_reset", broken)
    await send_requested_resets(portico)
    assert "dropped" in caplog.text
    async with scoped(db, Scope(tenant.id)):
        assert await db.scalar(select(ResetRequest.id)) is None
    assert await outbox(db, tenant) == []


@pytest.mark.portico_commits
async def test_two_mail_workers_write_one_reset_email(client, tenant, user_factory, db, portico):
    user = await user_factory(tenant, VENDOR_ADMIN)
    await client.post("/password/forgot", {"email": user.email})
    await asyncio.gather(send_requested_resets(portico), send_requested_resets(portico))
    assert [m.recipients for m in await outbox(db, tenant)] == [[user.email]]


async def test_a_reset_link_changes_the_password_and_ends_other_sessions(
    client_factory, tenant, user_factory, db, portico
):
    user = await user_factory(tenant, VENDOR_ADMIN)
    elsewhere = await client_factory(tenant.host)
    await elsewhere.login(user.email)
    visitor = await client_factory(tenant.host)
    link = await reset_link(visitor, user.email, db, tenant, portico)
    assert link.startswith("/password/reset/")
    done = await visitor.post(link, {"password": GOOD, "password2": GOOD})
    assert done.status_code == 302
    assert (await visitor.get("/")).status_code == 200
    assert (await elsewhere.get("/")).status_code == 302  # the other session is gone
    assert (await visitor.post(link, {"password": GOOD, "password2": GOOD})).status_code == 404


async def test_an_expired_link_does_not_work(client, tenant, user_factory, db, portico):
    user = await user_factory(tenant, VENDOR_ADMIN)
    link = await reset_link(client, user.email, db, tenant, portico)
    async with scoped(db, Scope(tenant.id)):
        past = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
        await db.execute(update(UserToken).values(expires_at=past))
        await db.commit()
    assert (await client.get(link)).status_code == 404
    assert (await client.post(link, {"password": GOOD, "password2": GOOD})).status_code == 404


async def test_a_link_only_works_on_its_own_vendors_portal(
    client_factory, tenant, tenant_factory, user_factory, db, portico
):
    user = await user_factory(tenant, VENDOR_ADMIN)
    other = await tenant_factory("globex", "Globex")
    link = await reset_link(await client_factory(tenant.host), user.email, db, tenant, portico)
    stranger = await client_factory(other.host)
    assert (await stranger.get(link)).status_code == 404
    assert (await stranger.post(link, {"password": GOOD, "password2": GOOD})).status_code == 404


async def test_the_stored_token_is_a_hash(client, tenant, user_factory, db, portico):
    user = await user_factory(tenant, VENDOR_ADMIN)
    secret = (await reset_link(client, user.email, db, tenant, portico)).rsplit("/", 1)[1]
    async with scoped(db, Scope(tenant.id)):
        stored = await db.scalar(select(UserToken.token_hash))
    assert stored and secret not in stored


async def test_changing_the_password_needs_the_current_one(client_factory, tenant, user_factory, login_as, db):
    user = await user_factory(tenant, VENDOR_ADMIN)
    other_session = await login_as(user)
    client = await login_as(user)
    wrong = await client.post("/profile/password", {"current": "nope", "password": GOOD, "password2": GOOD})
    assert wrong.status_code == 400 and "current password is not right" in wrong.text
    short = await client.post(
        "/profile/password", {"current": TEST_PASSWORD, "password": "short", "password2": "short"}
    )
    assert short.status_code == 400 and "at least 10 characters" in short.text
    done = await client.post("/profile/password", {"current": TEST_PASSWORD, "password": GOOD, "password2": GOOD})
    assert done.status_code == 302
    assert (await client.get("/profile")).status_code == 200  # this session stays
    assert (await other_session.get("/profile")).status_code == 302  # the others end
    async with scoped(db, Scope(tenant.id)):
        assert await db.scalar(select(WebSession.id).where(WebSession.user_id == user.id)) is not None
    fresh = await client_factory(tenant.host)
    await fresh.login(user.email, GOOD)


async def test_the_reset_email_arrives_over_smtp_with_a_working_link(
    client_factory, tenant, user_factory, db, portico, smtp_server
):
    user = await user_factory(tenant, VENDOR_ADMIN, first_name="Ada")
    visitor = await client_factory(tenant.host)
    await visitor.post("/password/forgot", {"email": user.email})
    outcomes = await deliver_mail(portico)
    assert [o.state for o in outcomes] == ["sent"]
    [received] = smtp_server.to(user.email)
    assert "Reset your password" in received["Subject"]
    text = received.get_body(("plain",)).get_content()
    assert text.startswith("Hello Ada,")
    path = LINK.search(text).group(1)
    done = await visitor.post(path, {"password": GOOD, "password2": GOOD})
    assert done.status_code == 302
    await (await client_factory(tenant.host)).login(user.email, GOOD)


async def test_an_invitation_arrives_over_smtp(
    tenant, user_factory, login_as, db, portico, smtp_server, enable_testinvite
):
    admin = await login_as(await user_factory(tenant, VENDOR_ADMIN))
    contact = await user_factory(tenant, VENDOR_ADMIN, password="", first_name="Greta")
    await admin.post(f"/test/invite/{contact.id}")
    await deliver_mail(portico)
    [received] = smtp_server.to(contact.email)
    assert received["Subject"].startswith("You are invited to")
    assert "/invite/" in received.get_body(("plain",)).get_content()


async def test_a_link_works_in_a_browser_signed_in_as_someone_else(
    client_factory, tenant, user_factory, customer_factory, login_as, db, portico
):
    """A site's contact hands the computer to a colleague of the parent account, whom they cannot see."""
    parent = await customer_factory(tenant, "Northern Works")
    site = await customer_factory(tenant, "Northern Works Leeds", parent)
    colleague = await user_factory(tenant, CUSTOMER_USER, parent)
    browser = await login_as(await user_factory(tenant, CUSTOMER_USER, site))
    link = await reset_link(browser, colleague.email, db, tenant, portico)
    assert colleague.email in (await browser.get(link)).text
    done = await browser.post(link, {"password": GOOD, "password2": GOOD})
    assert done.status_code == 302
    assert colleague.email in (await browser.get("/profile")).text
