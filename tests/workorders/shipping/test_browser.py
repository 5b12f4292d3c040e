"""In a real browser: a parent account's contact opens the job sites page and follows a site's
counts to the records behind them; the vendor fills in a packing slip and sees its mistakes."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.async_api import expect

from core.testing import browser_login
from tests.workorders.shipping.conftest import packing_slip, purchase_order, send, work_order

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/wo-shipping")


async def shot(page, name: str, backend: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    await page.screenshot(path=str(SHOTS / f"{name}-{backend}.png"), full_page=True)


async def test_parent_contact_follows_a_sites_counts(live_server, page, shop, db, login_as, portico_backend):
    await work_order(db, shop, shop.north, "WO-60001", due_on=None)
    await work_order(db, shop, shop.south, "WO-60002", kind="install")
    await work_order(db, shop, shop.south, "WO-60003", status="on_hold", customer_po="PO-S-77")
    await work_order(db, shop, shop.south, "WO-60004", status="completed")
    order = await purchase_order(db, shop, shop.south, "4500060001", status="partially_shipped", lines=3)
    await purchase_order(db, shop, shop.north, "4500060002", status="closed")
    slip = await packing_slip(db, shop, shop.south, "PS-60001", order=order)
    await send(await login_as(shop.staff), "workorders.packing_slip", slip, shop.buyer)

    await browser_login(page, live_server, shop.buyer.email)
    await page.click('[data-menu="workorders.orders"]')  # the work orders group unfolds
    await page.click('[data-menu="workorders.sites"]')
    await expect(page.locator("main h1")).to_have_text("Job sites")
    south = page.locator(f'tr[data-site="{shop.south.id}"]')
    await expect(south.locator("td[data-open]")).to_have_text("3")
    await expect(page.locator(f'tr[data-site="{shop.north.id}"] td[data-open]')).to_have_text("1")
    await shot(page, "sites", portico_backend)

    await south.get_by_role("link", name="Open work orders: 2").click()
    await expect(page).to_have_url(f"{live_server}/workorders/open-orders?site={shop.south.id}")
    rows = page.locator("#open-orders tbody tr")
    await expect(rows).to_have_count(2)
    await expect(page.locator("#open-orders")).to_contain_text("WO-60003")
    await expect(page.locator("#open-orders")).not_to_contain_text("WO-60001")
    await shot(page, "open-orders", portico_backend)

    await page.go_back()
    await south.get_by_role("link", name="Open purchase orders: 1").click()
    await expect(page.locator("#purchase-orders tbody tr")).to_have_count(1)
    await page.get_by_role("link", name="4500060001").click()
    await expect(page.locator("#po-lines tbody tr")).to_have_count(3)
    await expect(page.locator("#po-slips")).to_contain_text("PS-60001")
    await shot(page, "purchase-order", portico_backend)

    await page.click('[data-menu="workorders.orders"]')
    await page.click('[data-menu="workorders.shipments"]')
    await expect(page.locator("#packing-slips")).to_contain_text("PS-60001")
    await shot(page, "shipments", portico_backend)


async def test_vendor_fixes_a_packing_slip_and_sends_it(live_server, page, shop, db, portico_backend):
    order = await purchase_order(db, shop, shop.north, "4500060101", lines=2)
    await browser_login(page, live_server, shop.staff.email)
    await page.goto(f"{live_server}/admin/workorders/purchase-orders")
    await page.locator(f'tr[data-po="{order.id}"]').get_by_role("link", name="Ship").click()
    await expect(page.locator('input[name="purchase_order_id"]')).to_have_value("4500060101")
    await page.fill('input[name="lines-0-quantity"]', "many")
    await page.click("#packing-slip-form button[type=submit]")
    await expect(page.locator('[data-error="lines[0].quantity"]')).to_have_text("Enter a number such as 12 or 2.5.")
    await expect(page.locator('input[name="lines-0-quantity"]')).to_have_value("many")
    await shot(page, "admin-slip-errors", portico_backend)
    await page.fill('input[name="lines-0-quantity"]', "8")
    await page.fill('input[name="carrier"]', "Estes Express Lines")
    await page.click("#packing-slip-form button[type=submit]")
    await expect(page.locator("main h1")).to_have_text("Packing slip PS-00001")
    await expect(page.locator("[data-not-sent]")).to_be_visible()
    await page.click("[data-send]")
    await expect(page.locator("main")).to_contain_text("Nora")
    await page.locator("main form button[type=submit]").last.click()
    await expect(page.locator("main h1")).to_have_text("Packing slip PS-00001")
    await expect(page.locator("[data-last-sent]")).to_be_visible()
    await shot(page, "admin-slip-sent", portico_backend)
