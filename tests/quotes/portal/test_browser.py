"""In a real browser: approving several lines with the terms box, requesting a change, reordering."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.async_api import expect
from sqlalchemy import select

from core.accounts import scoped
from core.db import Scope
from core.testing import browser_login
from plugins.quotes.models import Approval, ChangeRequest, Quote
from tests.quotes.portal.conftest import ORDER

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/quotes-portal")


async def test_approving_several_lines_with_the_terms_box(live_server, shop, make_record, page, db):
    quote = await make_record(name="Brackets for line 2", lines=3, ship_to="Dock 4")
    await browser_login(page, live_server, shop.nora.email)
    await page.goto(f"{live_server}/quotes")
    await expect(page.locator(f'tr[data-record="{quote.id}"] .action-marker')).to_have_count(1)
    SHOTS.mkdir(exist_ok=True)
    await page.screenshot(path=str(SHOTS / "list.png"), full_page=True)
    await page.get_by_role("link", name=quote.number).click()
    await expect(page.locator("main h1")).to_contain_text(quote.number)
    SHOTS.mkdir(exist_ok=True)
    await page.screenshot(path=str(SHOTS / "detail.png"), full_page=True)

    await page.get_by_label("Select line ITEM-1").check()
    await page.get_by_label("Select line ITEM-3").check()
    await page.click("#submit-approvals")  # the terms box is not ticked: refused, ticks kept
    await expect(page.locator("p.error")).to_contain_text("Tick the box to accept the approval terms.")
    await expect(page.get_by_label("Select line ITEM-1")).to_be_checked()
    await expect(page.get_by_label("Select line ITEM-2")).not_to_be_checked()
    await page.check("#accept-terms")
    await page.fill("#typed-name", "Nora North")
    await page.click("#submit-approval")
    await expect(page.locator(".flash")).to_contain_text("Thank you: 2 line(s) approved.")
    await expect(page.locator(".approvals")).to_contain_text("signing as “Nora North”")
    await expect(page.locator("tr.line.needs-action")).to_have_count(1)  # ITEM-2 still waits
    await page.screenshot(path=str(SHOTS / "approved.png"), full_page=True)

    async with scoped(db, Scope(shop.tenant.id)):
        [approval] = (await db.scalars(select(Approval).where(Approval.quote_id == quote.id))).all()
    assert approval.line_count == 2 and approval.typed_name == "Nora North"

    # The last line, on its own: the whole quote is approved.
    await page.locator("tr.line.needs-action a[data-approve-line]").click()
    await page.check("#accept-terms")
    await page.click("#submit-approval")
    await expect(page.locator(".flash")).to_contain_text(f"Quote {quote.number} is approved.")
    await expect(page.locator("[data-status]")).to_have_text("Approved")


async def test_requesting_a_change(live_server, shop, make_record, page, db):
    quote = await make_record(name="Cover plates")
    await browser_login(page, live_server, shop.nick.email)
    await page.goto(f"{live_server}/quotes/{quote.id}")
    await expect(page.locator("#approve-lines")).to_have_count(0)  # a customer user may not approve
    await page.click("[data-request-change]")
    await page.click("#submit-change")  # empty: refused with a message
    await expect(page.locator("p.error")).to_contain_text("Describe the change you would like.")
    await page.fill("#f-message", "Stainless steel instead of aluminium, please.")
    await page.click("#submit-change")
    await expect(page.locator(".flash")).to_contain_text("Your change request was sent.")
    await expect(page.locator(".change-requests")).to_contain_text("Stainless steel instead of aluminium")
    async with scoped(db, Scope(shop.tenant.id)):
        [change] = (await db.scalars(select(ChangeRequest).where(ChangeRequest.quote_id == quote.id))).all()
    assert change.status == "open" and change.user_id == shop.nick.id


async def test_reordering_from_order_history(live_server, shop, make_record, page, db):
    done = await make_record(kind=ORDER, status="completed", name="Brackets, first batch", lines=2)
    await browser_login(page, live_server, shop.nora.email)
    await page.goto(f"{live_server}/orders")
    await page.click('[data-list="history"]')
    await page.get_by_role("link", name=done.number).click()
    await page.click("[data-reorder]")
    await expect(page.locator("main h1")).to_have_text(f"Order {done.number} again?")
    await expect(page.locator("table.lines tbody tr")).to_have_count(2)
    await page.fill("#f-customer_po", "PO-2027-01")
    await page.screenshot(path=str(SHOTS / "reorder.png"), full_page=True)
    await page.click("#confirm-reorder")
    await expect(page.locator(".flash")).to_contain_text("your order request SO-")
    await expect(page.locator("[data-status]")).to_have_text("Requested")
    async with scoped(db, Scope(shop.tenant.id)):
        [copy] = (await db.scalars(select(Quote).where(Quote.source_id == done.id))).all()
    assert copy.customer_po == "PO-2027-01" and copy.status == "requested"
    assert page.url.endswith(f"/orders/{copy.id}")
    await page.goto(f"{live_server}/orders")
    await expect(page.locator(f'tr[data-record="{copy.id}"]')).to_have_count(1)
