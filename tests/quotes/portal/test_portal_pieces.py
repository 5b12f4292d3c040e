"""Menu badges, dashboard widgets, action items, the activity counter and the demo data."""

from __future__ import annotations

import re

from sqlalchemy import select

import core
from core.accounts import scoped
from core.db import Scope
from core.demo import DEMO_PASSWORD, seed_demo
from plugins.quotes.models import Approval, Quote
from tests.quotes.portal.conftest import ORDER


def badge(html: str, key: str) -> str | None:
    """The number on the menu entry, None without a badge."""
    entry = re.search(rf'data-menu="quotes\.{key}">(.*?)</a>', html, re.S)
    assert entry is not None, f"no menu entry {key}"
    number = re.search(r'<span class="badge">(\d+)</span>', entry.group(1))
    return number.group(1) if number else None


async def test_menu_badges_count_what_awaits_approval(shop, make_record, login_as):
    await make_record()
    await make_record()
    await make_record(lines=1, approved_lines=1)  # nothing left to approve
    await make_record(kind=ORDER)
    await make_record(sent=False)  # not sent: not counted
    nora = await login_as(shop.nora)
    page = (await nora.get("/")).text
    assert badge(page, "quotes") == "2" and badge(page, "orders") == "1"
    nick = await login_as(shop.nick)  # cannot approve: menu entries without badges
    page = (await nick.get("/")).text
    assert badge(page, "quotes") is None and badge(page, "orders") is None


async def test_dashboard_widgets(shop, make_record, login_as):
    await make_record()  # 120.00 + 12.00 tax + 5.00 shipping
    await make_record(lines=1, approved_lines=1)  # 20.00 + 2.00 + 5.00
    await make_record(kind=ORDER, status="completed")
    await make_record(status="expired")
    nora = await login_as(shop.nora)
    html = (await nora.get("/")).text
    needs = html[html.index('data-widget="quotes.needs_approval"') :]
    assert re.search(r'href="/quotes\?action=1"><strong class="count">1</strong>', needs)
    opened = html[html.index('data-widget="quotes.open_quotes"') :]
    assert '<strong class="count">2</strong>' in opened and "$164.00" in opened
    summary = html[html.index('data-widget="quotes.work_summary"') :]
    assert re.search(r'data-status="open"><a href="/quotes\?status=open">Open</a>: <strong>2</strong>', summary)
    assert re.search(r'href="/quotes/history\?status=expired">Expired</a>: <strong>1</strong>', summary)
    assert re.search(r'href="/orders/history\?status=completed">Completed</a>: <strong>1</strong>', summary)


async def test_action_items_list_records_awaiting_approval(shop, make_record, login_as):
    quote = await make_record(name="Brackets")
    order = await make_record(kind=ORDER, name="Conveyor")
    await make_record(shop.south, name="Southern")
    nora = await login_as(shop.nora)
    html = (await nora.get("/actions")).text
    assert f'href="/quotes/{quote.id}"' in html and f'href="/orders/{order.id}"' in html
    assert "Southern" not in html and "Approval needed" in html


async def test_open_quotes_per_site(shop, make_record, portico, db):
    await make_record()
    await make_record()
    await make_record(shop.south)
    await make_record(status="expired")
    async with scoped(db, Scope(shop.tenant.id)):
        ctx = await core.context_for(portico, db, shop.tenant.id, shop.buyer.id)
        activity = await core.open_activity(ctx, [shop.north.id, shop.south.id, shop.parent.id])
    assert activity[shop.north.id].total == 2 and activity[shop.south.id].total == 1
    assert activity.get(shop.parent.id) is None or activity[shop.parent.id].total == 0


async def test_demo_data_shows_every_stage(portico, db, client_factory):
    await seed_demo(db, portico.plugins, portico)
    async with scoped(db, Scope.system()):
        statuses = {(q.kind, q.status) for q in await db.scalars(select(Quote))}
        approvals = list(await db.scalars(select(Approval)))
        tenant = await db.scalar(select(core.Tenant).where(core.Tenant.slug == "acme"))
        nora = await db.scalar(select(core.User).where(core.User.email == "north@globex.example"))
    assert {("quote", "open"), ("quote", "approved"), ("order", "pending_approval"), ("order", "completed")} <= statuses
    assert ("order", "requested") in statuses and approvals
    assert tenant is not None and nora is not None
    client = await client_factory("acme.localhost")  # the demo vendor has no host of its own
    await client.login(nora.email, DEMO_PASSWORD)
    opened = await client.get("/quotes")
    assert opened.status_code == 200 and "needs-action" in opened.text
    history = await client.get("/orders/history")
    assert "Brackets, first batch" in history.text
    found = re.search(r'href="/orders/(\d+)">SO-\d+</a></td>\s*<td>Brackets, first batch', history.text)
    detail = (await client.get(f"/orders/{found.group(1)}")).text
    assert "data-reorder" in detail and "data-pdf" in detail
