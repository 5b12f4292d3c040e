"""In a real browser: a contact starts a discussion from a record page, staff answer, the contact
sees it unread and opens it."""

from __future__ import annotations

import pytest
from playwright.async_api import expect

from core.testing import browser_login

pytestmark = pytest.mark.browser


async def test_a_contact_discusses_a_record_with_staff(shop, live_server, page_factory):
    contact = await page_factory()
    await browser_login(contact, live_server, shop.nora.email)
    await contact.goto(f"{live_server}/notes/{shop.north_note}/discussions")
    await contact.click("a.start-discussion")
    await expect(contact.locator(".about .record-link")).to_have_text("North pump overhaul note")
    await contact.fill("#f-subject", "Pump makes a noise")
    await contact.fill("#f-body", "Since Monday the pump rattles at full speed.")
    await contact.check(f'input[name="participant"][value="{shop.ned.id}"]')
    await expect(contact.locator('input[name="staff_group"]')).to_be_checked()
    await contact.click("button.primary")
    await expect(contact.locator("h1")).to_have_text("Pump makes a noise")
    await expect(contact.locator(".post-body")).to_have_text("Since Monday the pump rattles at full speed.")

    staff = await page_factory()
    await browser_login(staff, live_server, shop.ada.email)
    await staff.goto(f"{live_server}/discussions")
    await expect(staff.locator('[data-menu="core.discussions"] .badge')).to_have_text("1")
    await staff.click("tr.unread a")
    await expect(staff.locator(".record-link")).to_have_text("North pump overhaul note")
    await staff.fill("#f-body", "A technician comes on Thursday.")
    await staff.click("#reply button[type=submit]")
    await expect(staff.locator(".post-body")).to_have_count(2)

    await contact.goto(f"{live_server}/discussions")
    row = contact.locator("tr.thread", has_text="Pump makes a noise")
    await expect(row).to_have_class("thread unread")
    await expect(row.locator("strong a")).to_have_text("Pump makes a noise")
    assert await row.locator("strong a").evaluate("a => getComputedStyle(a).fontWeight") in ("700", "bold")
    await expect(contact.locator('[data-menu="core.discussions"] .badge')).to_have_text("1")
    await row.locator("a").first.click()
    await expect(contact.locator(".post-body").last).to_have_text("A technician comes on Thursday.")
    await expect(contact.locator(".post .pill.on")).to_have_text("New")
    await expect(contact.locator('[data-menu="core.discussions"] .badge')).to_have_count(0)
