"""In a real browser: staff post a message, the contact sees the unread badge, reads it, the badge goes."""

from __future__ import annotations

import pytest
from playwright.async_api import expect

from core.testing import browser_login

pytestmark = pytest.mark.browser

ENTRY = '#sidemenu [data-menu="core.notices_messages"]'


async def test_staff_post_a_message_and_the_contact_reads_it(live_server, page_factory, accounts):
    staff_page, contact_page = await page_factory(), await page_factory()

    await browser_login(contact_page, live_server, accounts.north_contact.email)
    await expect(contact_page.locator(ENTRY)).to_be_visible()
    await expect(contact_page.locator(f"{ENTRY} .badge")).to_have_count(0)

    await browser_login(staff_page, live_server, accounts.staff.email)
    await staff_page.click('#sidemenu [data-menu="core.notices_admin_messages"]')
    await staff_page.select_option("#f-customer_id", str(accounts.north.id))
    await staff_page.fill("#f-subject", "Furnace maintenance on Friday")
    await staff_page.fill("#f-body", "The furnace is down on Friday.\nShipments leave on Monday.")
    await staff_page.click("button:has-text('Post message')")
    await expect(staff_page.locator(".flash")).to_contain_text("Message posted.")
    await expect(staff_page.locator("td.read-count").first).to_have_text("0 of 1")

    await contact_page.reload()
    await expect(contact_page.locator(f"{ENTRY} .badge")).to_have_text("1")
    await contact_page.click(ENTRY)
    unread = contact_page.locator("tr.unread strong a", has_text="Furnace maintenance on Friday")
    await expect(unread).to_be_visible()
    await unread.click()
    await expect(contact_page.locator("main h1")).to_have_text("Furnace maintenance on Friday")
    await expect(contact_page.locator(".message-body")).to_contain_text("Shipments leave on Monday.")
    await expect(contact_page.locator(f"{ENTRY} .badge")).to_have_count(0)
    await contact_page.go_back()
    await contact_page.reload()
    await expect(contact_page.locator("tr.read", has_text="Furnace maintenance on Friday")).to_be_visible()

    await staff_page.reload()
    await expect(staff_page.locator("td.read-count").first).to_have_text("1 of 1")
