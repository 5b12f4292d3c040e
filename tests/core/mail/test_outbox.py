"""Queueing email: the outbox row, the vendor's wording, the sandbox around it."""

from __future__ import annotations

import pytest
from litestar import post
from litestar.params import FromPath
from sqlalchemy import select

from core import N_, Ctx, EmailTemplate
from core.accounts import scoped
from core.db import Scope
from core.mail import (
    Attachment,
    EmailTemplateError,
    EmailTemplateOverride,
    MailError,
    OutboxMessage,
    check_source,
    queue_email,
    render_source,
    send_email,
)

GREETING = EmailTemplate(
    "greet.hello",
    N_("Hello"),
    subject="Hello {{ name }} from {{ portal_name }}",
    body="Dear {{ name }},\nsee {{ portal_url }}/x\n",
    variables=(("name", "The person's name"),),
)


async def test_queue_email_stores_attachments_and_cleans_addresses(portico, tenant_factory, db):
    tenant = await tenant_factory("mailer")
    async with scoped(db, Scope(tenant.id)):
        message = await queue_email(
            db,
            portico.storage,
            to=["Ann <ann@example.com>", "ann@example.com", "bob@example.com"],
            subject="Your\r\nquote",
            text="Attached.",
            attachments=[Attachment("Q-1.pdf", "application/pdf", data=b"%PDF-1.7")],
        )
        await db.commit()
    assert message.recipients == ["ann@example.com", "bob@example.com"]
    assert message.subject == "Your quote"  # no header injection through a line break
    assert message.state == "queued" and message.tenant_id == tenant.id
    [att] = message.attachments
    assert att["filename"] == "Q-1.pdf" and await portico.storage.read(att["key"]) == b"%PDF-1.7"


@pytest.mark.parametrize("to", [[], [" "], ["not an address"], ["a@b.c, d@e.f"]])
async def test_queue_email_refuses_missing_or_bad_recipients(portico, tenant_factory, db, to):
    tenant = await tenant_factory("mailer")
    async with scoped(db, Scope(tenant.id)):
        with pytest.raises(MailError):
            await queue_email(db, portico.storage, to=to, subject="s", text="t")


def test_the_sandbox_keeps_templates_away_from_python():
    with pytest.raises(EmailTemplateError):
        render_source("{{ x.__class__.__mro__ }}", "", {"x": "text"})
    with pytest.raises(EmailTemplateError):
        render_source("", "{{ ''.__class__.__subclasses__() }}", {})
    # Objects reach a template only as text.
    assert render_source("{{ obj }}", "", {"obj": object()}).subject.startswith("<object object")


def test_a_vendors_edit_is_checked_against_the_declared_variables():
    check_source(GREETING, "Hi {{ name }}", "Bye {{ name }}")
    with pytest.raises(EmailTemplateError, match="nme"):
        check_source(GREETING, "Hi {{ nme }}", "")
    with pytest.raises(EmailTemplateError):
        check_source(GREETING, "Hi {{ name", "")


async def test_send_email_uses_the_vendors_wording_when_it_has_one(portal_factory, throwaway_plugin, db):
    @post("/greet/{name:str}", opt={"permission": "core.dashboard"})
    async def greet(ctx: Ctx, name: str) -> dict[str, int]:
        message = await send_email(ctx, "greet.hello", to=["ann@example.com"], context={"name": name})
        await ctx.db.commit()
        return {"id": message.id}

    plugin = throwaway_plugin("greet", portico_email_templates=lambda: [GREETING], portico_routes=lambda: [greet])
    portal = await portal_factory([plugin])
    client = await portal.client(await portal.user("vendor_admin"))
    first = (await client.post("/greet/Ann", {})).json()["id"]
    async with scoped(db, Scope(portal.tenant.id)):
        db.add(EmailTemplateOverride(key="greet.hello", subject="Hi {{ name }}", body="Custom {{ name }}"))
        await db.commit()
    second = (await client.post("/greet/Bob", {})).json()["id"]
    async with scoped(db, Scope(portal.tenant.id)):
        rows = {m.id: m for m in (await db.scalars(select(OutboxMessage))).all()}
    assert rows[first].subject.startswith("Hello Ann from ")
    assert "see http://" in rows[first].text_body and rows[first].event == "greet.hello"
    assert (rows[second].subject, rows[second].text_body) == ("Hi Bob", "Custom Bob")


def test_a_vendors_edit_may_use_the_portals_own_variables():
    check_source(GREETING, "{{ portal_name }} for {{ name }}", "{{ portal_url }} {{ contact_email }}")


async def test_a_vendors_wording_that_fails_at_send_time_gives_way_to_the_default(
    portal_factory, throwaway_plugin, db, caplog
):
    @post("/greet/{name:str}", opt={"permission": "core.dashboard"})
    async def greet(ctx: Ctx, name: FromPath[str]) -> dict[str, int]:
        message = await send_email(ctx, "greet.hello", to=["ann@example.com"], context={"name": name})
        await ctx.db.commit()
        return {"id": message.id}

    # Harmless with the sample values the editor checks it with, huge with a longer real name.
    wording = "{% if name|length > 6 %}{{ 'a' * 50000000 }}{% endif %}Hi {{ name }}"
    check_source(GREETING, "Hi {{ name }}", wording)
    plugin = throwaway_plugin("greet", portico_email_templates=lambda: [GREETING], portico_routes=lambda: [greet])
    portal = await portal_factory([plugin])
    async with scoped(db, Scope(portal.tenant.id)):
        db.add(EmailTemplateOverride(key="greet.hello", subject="Hi {{ name }}", body=wording))
        await db.commit()
    client = await portal.client(await portal.user("vendor_admin"))
    response = await client.post("/greet/Bartholomew", {})
    assert response.status_code == 201
    async with scoped(db, Scope(portal.tenant.id)):
        message = await db.get(OutboxMessage, response.json()["id"])
    assert message.subject.startswith("Hello Bartholomew from ")  # the declared default
    assert message.text_body.startswith("Dear Bartholomew,")
    assert "greet.hello" in caplog.text and "larger than 100,000" in caplog.text
