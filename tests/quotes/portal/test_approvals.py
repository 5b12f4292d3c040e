"""Approving one line, several lines, or the whole record; counted once; one winner when two approve at once."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select

from core.accounts import scoped
from core.db import Scope
from core.testing import deliver_mail
from plugins.quotes.models import Approval, Quote, QuoteLine
from tests.quotes.portal.conftest import ORDER, form_key, line_ids, reload


async def approvals_of(db, shop, record) -> list[Approval]:
    record_id, tenant_id = record.id, shop.tenant.id
    async with scoped(db, Scope(tenant_id)):
        query = select(Approval).where(Approval.quote_id == record_id).execution_options(populate_existing=True)
        return list(await db.scalars(query))


async def test_approving_several_lines_records_who_when_terms_and_name(shop, make_record, login_as, db):
    quote = await make_record(lines=3)
    ids = await line_ids(db, shop.tenant.id, quote)
    nora = await login_as(shop.nora)
    key = await form_key(nora, f"/quotes/{quote.id}")
    answer = await nora.post(
        f"/quotes/{quote.id}/approve",
        {
            "scope": "lines",
            "line": [str(ids[0]), str(ids[2])],
            "accept": "1",
            "typed_name": "Nora North",
            "submission_key": key,
        },
    )
    assert answer.status_code == 303 and answer.headers["location"] == f"/quotes/{quote.id}"
    [approval] = await approvals_of(db, shop, quote)
    assert approval.user_id == shop.nora.id and approval.typed_name == "Nora North"
    assert approval.line_count == 2 and approval.amount_minor == 2000 + 6000
    assert "authorise the vendor" in approval.terms_text  # the terms as the customer saw them
    lines = [await reload(db, shop.tenant.id, QuoteLine, i) for i in ids]
    assert [line.approved_at is not None for line in lines] == [True, False, True]
    assert lines[0].approval_id == approval.id and lines[0].status == "approved"
    record = await reload(db, shop.tenant.id, Quote, quote.id)
    assert record.status == "open" and record.awaiting_approval and record.approved_at is None
    page = (await nora.get(f"/quotes/{quote.id}")).text
    assert "Thank you: 2 line(s) approved." in page and "signing as “Nora North”" in page


async def test_approving_the_last_line_approves_the_record_and_emails_the_vendor(
    shop, make_record, login_as, db, portico, smtp_server
):
    quote = await make_record(lines=2, approved_lines=1)
    ids = await line_ids(db, shop.tenant.id, quote)
    nora = await login_as(shop.nora)
    key = await form_key(nora, f"/quotes/{quote.id}/approve?line={ids[1]}")
    answer = await nora.post(
        f"/quotes/{quote.id}/approve",
        {"scope": "line", "line": str(ids[1]), "accept": "1", "typed_name": "N. North", "submission_key": key},
    )
    assert answer.status_code == 303
    record = await reload(db, shop.tenant.id, Quote, quote.id)
    assert record.status == "approved" and record.approved_at is not None and not record.awaiting_approval
    assert "is approved" in (await nora.get(f"/quotes/{quote.id}")).text

    await deliver_mail(portico)
    [mail] = smtp_server.to("stan@acme.test")  # the sales rep
    assert f"approved 1 line(s) of Quote {quote.number}" in mail["Subject"]
    body = mail.get_body(("plain",)).get_content()
    assert '"N. North"' in body and "$40.00" in body and "Every line is approved now." in body


async def test_approving_a_whole_order(shop, make_record, login_as, db):
    order = await make_record(kind=ORDER, status="pending_approval", lines=3)
    nora = await login_as(shop.nora)
    page = await nora.get(f"/orders/{order.id}/approve?all=1")
    assert page.status_code == 200 and "Every line awaiting approval" in page.text
    key = await form_key(nora, f"/orders/{order.id}/approve?all=1")
    answer = await nora.post(
        f"/orders/{order.id}/approve", {"scope": "all", "accept": "1", "typed_name": "Nora", "submission_key": key}
    )
    assert answer.status_code == 303
    record = await reload(db, shop.tenant.id, Quote, order.id)
    assert record.status == "approved" and record.approved_at is not None
    [approval] = await approvals_of(db, shop, order)
    assert approval.line_count == 3
    # Totals are recomputed on the server: 120.00 + 10 % tax + 5.00 shipping
    assert record.total_minor == 12000 + 1200 + 500


async def test_the_form_is_shown_again_with_what_is_missing(shop, make_record, login_as, db):
    quote = await make_record(lines=2)
    ids = await line_ids(db, shop.tenant.id, quote)
    nora = await login_as(shop.nora)
    answer = await nora.post(
        f"/quotes/{quote.id}/approve",
        {"scope": "lines", "line": str(ids[1]), "typed_name": "", "submission_key": "x" * 20},
    )
    assert answer.status_code == 400
    assert "Tick the box to accept the approval terms." in answer.text
    assert "Type your name to sign the approval." in answer.text
    assert f'value="{ids[1]}" checked' in answer.text  # the ticked line stays ticked
    nothing = await nora.post(f"/quotes/{quote.id}/approve", {"scope": "lines", "accept": "1", "typed_name": "Nora"})
    assert nothing.status_code == 400 and "Tick at least one line to approve." in nothing.text
    assert await approvals_of(db, shop, quote) == []


@pytest.mark.portico_commits
async def test_a_double_submission_counts_once(shop, make_record, login_as, db):
    quote = await make_record(lines=2)
    ids = await line_ids(db, shop.tenant.id, quote)
    nora = await login_as(shop.nora)
    key = await form_key(nora, f"/quotes/{quote.id}")
    form = {"scope": "lines", "line": [str(i) for i in ids], "accept": "1", "typed_name": "Nora", "submission_key": key}
    first = await nora.post(f"/quotes/{quote.id}/approve", form)
    second = await nora.post(f"/quotes/{quote.id}/approve", form)
    assert first.status_code == second.status_code == 303
    assert len(await approvals_of(db, shop, quote)) == 1
    assert "This approval was already recorded." in (await nora.get(f"/quotes/{quote.id}")).text


@pytest.mark.portico_commits
async def test_two_contacts_approving_at_the_same_moment_make_one_approval(shop, make_record, login_as, db):
    quote = await make_record(lines=2)
    ids = [str(i) for i in await line_ids(db, shop.tenant.id, quote)]
    nora = await login_as(shop.nora)
    buyer = await login_as(shop.buyer)
    keys = [await form_key(nora, f"/quotes/{quote.id}"), await form_key(buyer, f"/quotes/{quote.id}")]
    answers = await asyncio.gather(
        *(
            client.post(
                f"/quotes/{quote.id}/approve",
                {"scope": "all", "line": ids, "accept": "1", "typed_name": name, "submission_key": key},
            )
            for client, name, key in ((nora, "Nora", keys[0]), (buyer, "Bea", keys[1]))
        )
    )
    assert [a.status_code for a in answers] == [303, 303]
    [approval] = await approvals_of(db, shop, quote)
    assert approval.line_count == 2
    record = await reload(db, shop.tenant.id, Quote, quote.id)
    assert record.status == "approved"
    loser = nora if approval.user_id == shop.buyer.id else buyer
    assert "already approved by someone else" in (await loser.get(f"/quotes/{quote.id}")).text


async def test_who_may_not_approve_gets_403_and_hidden_records_404(shop, make_record, login_as, db):
    quote = await make_record(lines=1)
    south = await make_record(shop.south, lines=1)
    unsent = await make_record(lines=1, sent=False)
    [line] = await line_ids(db, shop.tenant.id, quote)
    form = {"scope": "lines", "line": str(line), "accept": "1", "typed_name": "Nick", "submission_key": "k" * 20}
    nick = await login_as(shop.nick)  # a customer user: sees quotes, may not approve
    refused = await nick.post(f"/quotes/{quote.id}/approve", form)
    assert refused.status_code == 403 and "not approve it" in refused.text
    assert (await nick.get(f"/quotes/{quote.id}/approve")).status_code == 403
    assert "approve-lines" not in (await nick.get(f"/quotes/{quote.id}")).text  # no form offered
    nora = await login_as(shop.nora)
    assert (await nora.post(f"/quotes/{south.id}/approve", form)).status_code == 404
    assert (await nora.post(f"/quotes/{unsent.id}/approve", form)).status_code == 404
    assert (await nick.post(f"/quotes/{south.id}/approve", form)).status_code == 404  # 404 before 403
    staff = await login_as(shop.staff)
    assert (await staff.post(f"/quotes/{quote.id}/approve", form)).status_code == 403
    assert await approvals_of(db, shop, quote) == []


async def test_a_closed_record_cannot_be_approved(shop, make_record, login_as, db):
    quote = await make_record(status="expired", lines=1)
    [line] = await line_ids(db, shop.tenant.id, quote)
    nora = await login_as(shop.nora)
    answer = await nora.post(
        f"/quotes/{quote.id}/approve",
        {"scope": "lines", "line": str(line), "accept": "1", "typed_name": "Nora", "submission_key": "c" * 20},
    )
    assert answer.status_code == 303
    assert "can no longer be approved" in (await nora.get(f"/quotes/{quote.id}")).text
    assert await approvals_of(db, shop, quote) == []
