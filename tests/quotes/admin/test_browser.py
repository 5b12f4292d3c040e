"""A vendor admin creates a quote with two lines in headless Chromium and sees the right totals."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.async_api import expect

from core.testing import browser_login

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/portico-shots")


async def test_admin_creates_a_quote_with_two_lines(live_server, page, shop, portico_backend):
    await browser_login(page, live_server, shop.admin.email)
    await page.click('[data-menu="quotes.admin_quotes"] a, a[href="/admin/quotes"]')
    await expect(page.locator("main h1")).to_have_text("Quotes")
    await page.click("#new-record")
    await expect(page.locator("#f-number")).to_have_value("Q-00001")

    await page.fill("#f-name", "Boiler room refit")
    await page.select_option("#f-customer_id", label="— Globex North Plant")
    # The contact list follows the chosen account (htmx swaps the field).
    await expect(page.locator("#f-contact_id option", has_text="Nora North")).to_have_count(1)
    await expect(page.locator("#f-contact_id option", has_text="Sid South")).to_have_count(0)
    await page.select_option("#f-contact_id", label="Nora North")
    await page.fill("#f-shipping", "abc")
    await page.fill("#f-tax_rate", "8.25")
    await page.click("#save-record")
    await expect(page.locator("#e-shipping")).to_have_text("Enter an amount such as 1250.00.")
    await expect(page.locator("#f-name")).to_have_value("Boiler room refit")
    SHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SHOTS / f"quotes-admin-form-{portico_backend}.png"), full_page=True)
    await page.fill("#f-shipping", "45")
    await page.click("#save-record")

    await expect(page.locator("main h1")).to_contain_text("Q-00001")
    for item, quantity, price, taxable in (("VLV-20", "4", "125.50", True), ("LABOUR", "6", "95", False)):
        await page.fill("#line-form #f-item", item)
        await page.fill("#line-form #f-quantity", quantity)
        await page.fill("#line-form #f-unit_price", price)
        await page.locator('#line-form input[name="taxable"]').set_checked(taxable)
        await page.click("#add-line-button")
        await expect(page.locator(".flash").first).to_contain_text("Line added.")
    await expect(page.locator("#line-table tbody tr")).to_have_count(2)
    # 4 × 125.50 = 502.00 taxable, 6 × 95 = 570.00; tax 8.25 % of 502.00 = 41.42 (41.415); shipping 45.00
    await expect(page.locator("#subtotal")).to_have_text("$1,072.00")
    await expect(page.locator("#tax")).to_have_text("$41.42")
    await expect(page.locator("#shipping")).to_have_text("$45.00")
    await expect(page.locator("#total")).to_have_text("$1,158.42")
    record_id = page.url.split("/admin/quotes/")[1].split("#")[0].split("?")[0]
    await expect(page.locator("#send-record")).to_have_attribute(
        "href", f"/admin/documents/quotes.quote/{record_id}/send"
    )
    await page.screenshot(path=str(SHOTS / f"quotes-admin-detail-{portico_backend}.png"), full_page=True)
    await page.goto(f"{live_server}/admin/quotes")
    await expect(page.locator("#records tbody tr")).to_have_count(1)
    await expect(page.locator("#records")).to_contain_text("$1,158.42")
    await page.screenshot(path=str(SHOTS / f"quotes-admin-list-{portico_backend}.png"), full_page=True)
