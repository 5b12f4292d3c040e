"""Delivering the outbox over real SMTP: attachments, outages, permanent refusals, two workers, stopping."""

from __future__ import annotations

import asyncio
import datetime as dt
import os

import pytest
from sqlalchemy import select

from core.accounts import scoped
from core.db import Scope, utcnow
from core.mail import Attachment, OutboxMessage, queue_email
from core.mail.worker import MailWorker
from core.testing import deliver_mail

PDF = b"%PDF-1.7\n" + os.urandom(3000) + b"\n%%EOF\n"  # binary, so any re-encoding would show


async def _queue(portico, db, tenant, subject="Your quote", to=("ann@example.com",), attachments=()):
    async with scoped(db, Scope(tenant.id)):
        message = await queue_email(
            db, portico.storage, to=list(to), subject=subject, text="Please find it attached.", attachments=attachments
        )
        await db.commit()
    return message.id


async def _row(portico, message_id):
    async with portico.sessionmaker() as session, scoped(session, Scope.system()):
        return await session.get(OutboxMessage, message_id)


async def test_a_queued_email_arrives_with_its_pdf_intact(portico, db, tenant, smtp_server):
    tenant.branding = {"portal_name": "Acme Service Portal"}
    await db.commit()
    message_id = await _queue(portico, db, tenant, attachments=[Attachment("Q-7.pdf", "application/pdf", data=PDF)])

    [outcome] = await deliver_mail(portico)

    assert outcome.state == "sent"
    [received] = smtp_server.messages
    assert received["Subject"] == "Your quote"
    assert received["To"] == "ann@example.com"
    assert received["From"].addresses[0].display_name == "Acme Service Portal"
    assert received["From"].addresses[0].addr_spec == portico.settings.mail_from
    assert received.get_body(("plain",)).get_content().strip() == "Please find it attached."
    [attachment] = list(received.iter_attachments())
    assert attachment.get_filename() == "Q-7.pdf" and attachment.get_content_type() == "application/pdf"
    assert attachment.get_content() == PDF
    row = await _row(portico, message_id)
    assert (row.state, row.attempts, row.last_error) == ("sent", 1, "") and row.sent_at is not None
    assert await deliver_mail(portico) == []  # nothing left to send


async def test_an_outage_loses_nothing_and_the_message_goes_out_once_after(portico, db, tenant, smtp_server):
    message_id = await _queue(portico, db, tenant)
    smtp_server.stop()

    [outcome] = await deliver_mail(portico)

    row = await _row(portico, message_id)
    assert outcome.state == row.state == "queued" and row.attempts == 1
    assert "cannot reach the SMTP server" in row.last_error
    assert row.next_attempt_at.replace(tzinfo=dt.UTC) > utcnow()  # backed off, not retried at once
    assert await deliver_mail(portico) == []  # not due yet

    smtp_server.start()
    later = utcnow() + dt.timedelta(hours=3)
    assert [o.state for o in await deliver_mail(portico, now=later)] == ["sent"]
    assert await deliver_mail(portico, now=later + dt.timedelta(hours=3)) == []
    assert len(smtp_server.messages) == 1
    row = await _row(portico, message_id)
    assert (row.state, row.attempts) == ("sent", 2)


async def test_retries_stop_after_the_last_attempt(portico, db, tenant, smtp_server):
    message_id = await _queue(portico, db, tenant)
    smtp_server.stop()
    worker = MailWorker(portico, max_attempts=3)
    now = utcnow()
    for _ in range(3):
        now += dt.timedelta(days=1)
        await worker.run_once(now)
    row = await _row(portico, message_id)
    assert (row.state, row.attempts) == ("failed", 3)
    assert "cannot reach the SMTP server" in row.last_error


async def test_a_permanent_refusal_fails_the_message_with_the_reason(portico, db, tenant, smtp_server):
    smtp_server.refuse("gone@example.com")
    failed_id = await _queue(portico, db, tenant, to=["gone@example.com"])
    partly_id = await _queue(portico, db, tenant, to=["gone@example.com", "ann@example.com"])

    outcomes = {o.message_id: o.state for o in await deliver_mail(portico)}

    assert outcomes == {failed_id: "failed", partly_id: "sent"}
    failed = await _row(portico, failed_id)
    assert failed.state == "failed" and "550" in failed.last_error and "gone@example.com" in failed.last_error
    partly = await _row(portico, partly_id)
    assert partly.state == "sent" and "gone@example.com" in partly.last_error  # the refusal is on record
    assert [rcpts for _, rcpts in smtp_server.envelopes] == [["ann@example.com"]]


async def test_a_crashed_workers_message_is_taken_over_after_the_lease(portico, db, tenant, smtp_server):
    message_id = await _queue(portico, db, tenant)
    crashed = MailWorker(portico, name="crashed")
    assert await crashed.claim() == message_id  # claimed, then the process died before sending

    assert await deliver_mail(portico) == []  # the lease still holds
    later = utcnow() + dt.timedelta(minutes=11)
    assert [o.state for o in await deliver_mail(portico, now=later)] == ["sent"]
    assert len(smtp_server.messages) == 1


async def test_a_worker_told_to_stop_finishes_its_email_and_leaves_the_rest_queued(
    portico, db, tenant, smtp_server, monkeypatch
):
    """SIGTERM during a long drain (a rolling restart): the worker ends after the email it is
    sending, instead of draining the outbox while the service manager waits to kill it."""
    ids = [await _queue(portico, db, tenant, subject=f"Message {n}") for n in range(5)]
    worker, stop = MailWorker(portico), asyncio.Event()
    deliver = worker.deliver

    async def told_to_stop_while_sending(message_id, now=None):
        stop.set()  # the signal handler's doing, while the first email is on its way
        return await deliver(message_id, now)

    monkeypatch.setattr(worker, "deliver", told_to_stop_while_sending)
    await asyncio.wait_for(worker.run(stop, interval=60), 10)

    assert [m["Subject"] for m in smtp_server.messages] == ["Message 0"]
    assert [(await _row(portico, i)).state for i in ids] == ["sent"] + ["queued"] * 4
    assert [o.state for o in await deliver_mail(portico)] == ["sent"] * 4  # the next worker sends the rest
    assert len(smtp_server.messages) == 5


@pytest.mark.portico_commits
async def test_two_workers_deliver_each_message_exactly_once(portico, db, tenant, smtp_server, portico_backend):
    if portico_backend != "postgresql":
        pytest.skip("concurrent workers are a PostgreSQL deployment (run with --portico-db postgresql)")
    ids = [await _queue(portico, db, tenant, subject=f"Message {n}") for n in range(50)]

    first, second = MailWorker(portico, name="one"), MailWorker(portico, name="two")
    results = await asyncio.gather(first.run_once(), second.run_once())

    assert sorted(o.message_id for result in results for o in result) == sorted(ids)
    assert all(result for result in results)  # both took part
    assert sorted(m["Subject"] for m in smtp_server.messages) == sorted(f"Message {n}" for n in range(50))
    async with scoped(db, Scope(tenant.id)):
        states = set((await db.scalars(select(OutboxMessage.state))).all())
    assert states == {"sent"}
