"""The lists: only sent records in the statuses customers see, quick and search filters, keyset pages."""

from __future__ import annotations

import re

from tests.quotes.portal.conftest import ORDER


def numbers(html: str) -> list[str]:
    return re.findall(r'<a href="/(?:quotes|orders)/\d+">((?:Q|SO)-\d+)</a>', html)


async def test_a_contact_sees_only_sent_records_of_their_sites(shop, make_record, login_as):
    sent = await make_record(name="Sent north")
    await make_record(name="Not sent", sent=False)
    await make_record(shop.south, name="South one")
    await make_record(name="Draft", status="draft")  # sent, but drafts are not among the statuses customers see
    nora = await login_as(shop.nora)
    page = await nora.get("/quotes")
    assert page.status_code == 200
    assert numbers(page.text) == [sent.number]
    buyer = await login_as(shop.buyer)
    assert len(numbers((await buyer.get("/quotes")).text)) == 2  # the parent sees both sites' sent quotes
    staff = await login_as(shop.staff)
    assert len(numbers((await staff.get("/quotes")).text)) == 4  # staff see everything


async def test_open_and_history_lists_and_quick_filters(shop, make_record, login_as):
    open_ = await make_record()
    approved = await make_record(status="approved")
    expired = await make_record(status="expired")
    done = await make_record(kind=ORDER, status="completed")
    running = await make_record(kind=ORDER, status="in_progress")
    nora = await login_as(shop.nora)
    assert numbers((await nora.get("/quotes")).text) == [open_.number]
    assert numbers((await nora.get("/quotes/history")).text) == [expired.number, approved.number]
    assert numbers((await nora.get("/quotes/history?status=expired")).text) == [expired.number]
    assert numbers((await nora.get("/orders")).text) == [running.number]
    assert numbers((await nora.get("/orders/history")).text) == [done.number]
    # A status that does not belong to the list is ignored: the list's own statuses are the default.
    assert numbers((await nora.get("/quotes?status=expired")).text) == [open_.number]


async def test_needs_action_marker_and_filter(shop, make_record, login_as):
    waiting = await make_record()
    done = await make_record(lines=2, approved_lines=2)
    nora = await login_as(shop.nora)
    page = (await nora.get("/quotes")).text
    assert f'data-record="{waiting.id}"' in page
    row = re.search(rf'<tr class="record([^"]*)" data-record="{waiting.id}"', page).group(1)
    assert "needs-action" in row
    assert "needs-action" not in re.search(rf'<tr class="record([^"]*)" data-record="{done.id}"', page).group(1)
    assert numbers((await nora.get("/quotes?action=1")).text) == [waiting.number]


async def test_search_filters(shop, make_record, login_as):
    first = await make_record(name="Brackets for line 2", customer_po="PO-77", contact_id=shop.nora.id)
    second = await make_record(name="Shafts", customer_po="PO-88", contact_id=shop.nick.id)
    nora = await login_as(shop.nora)
    assert numbers((await nora.get("/quotes?name=bracket")).text) == [first.number]
    assert numbers((await nora.get("/quotes?po=88")).text) == [second.number]
    assert numbers((await nora.get(f"/quotes?number={second.number}")).text) == [second.number]
    assert numbers((await nora.get("/quotes?mine=1")).text) == [first.number]
    assert numbers((await nora.get(f"/quotes?contact={shop.nick.id}")).text) == [second.number]
    assert numbers((await nora.get("/quotes?date_from=2026-10-01&date_to=2026-11-30")).text) == [
        second.number,
        first.number,
    ]
    assert numbers((await nora.get("/quotes?date_from=2026-11-02")).text) == []
    # Wildcards are taken literally.
    assert numbers((await nora.get("/quotes?name=%25")).text) == []


async def test_a_bad_date_is_shown_with_what_was_typed(shop, make_record, login_as):
    await make_record()
    nora = await login_as(shop.nora)
    page = await nora.get("/quotes?date_from=yesterday&name=abc")
    assert page.status_code == 400
    assert "Enter a date as YYYY-MM-DD." in page.text
    assert 'value="yesterday"' in page.text and 'value="abc"' in page.text
    reversed_range = await nora.get("/quotes?date_from=2026-12-01&date_to=2026-11-01")
    assert reversed_range.status_code == 400 and "The end date is before the start date." in reversed_range.text


async def test_keyset_pages_go_forward_and_back(shop, make_record, login_as):
    made = [await make_record(lines=1) for _ in range(30)]
    nora = await login_as(shop.nora)
    first = (await nora.get("/quotes")).text
    assert numbers(first) == [q.number for q in reversed(made)][:25]
    older = re.search(r'rel="next" href="([^"]+)"', first).group(1).replace("&amp;", "&")
    second = (await nora.get(older)).text
    assert numbers(second) == [q.number for q in reversed(made)][25:]
    assert 'rel="next"' not in second
    newer = re.search(r'rel="prev" href="([^"]+)"', second).group(1).replace("&amp;", "&")
    assert numbers((await nora.get(newer)).text) == numbers(first)
