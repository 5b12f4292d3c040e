"""In a real browser: a customer sends a request with the vendor's terms and an attachment; the
vendor accepts it and the customer sees the work order number."""

from __future__ import annotations

import pytest
from playwright.async_api import expect

from core.testing import browser_login
from tests.workorders.requests.conftest import configure

pytestmark = pytest.mark.browser


async def test_submit_a_request_with_terms_and_an_attachment(
    live_server, page, page_factory, shop, db, tmp_path, portico_backend
):
    await configure(
        db, shop.tenant, terms_required=True, terms_text="A call-out costs 90 EUR.", request_button_text="Plan my job"
    )
    photo = tmp_path / "leak.pdf"
    photo.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")

    await browser_login(page, live_server, shop.north_user.email)
    await page.locator('[data-menu="workorders.orders"]').click()  # the work orders group unfolds
    await page.locator('[data-menu="workorders.requests"]').click()
    await page.locator("#new-request").click()
    await expect(page.locator("#terms-text")).to_have_text("A call-out costs 90 EUR.")
    await page.select_option("#f-work_type_id", label="Calibration")
    await page.fill("#f-description", "Gauge 12 reads 3 bar too high.")
    await page.fill("#f-preferred_on", "2099-06-15")
    await page.set_input_files("#f-attachments", str(photo))
    await page.get_by_role("button", name="Plan my job").click()

    # Without ticking the terms the form comes back, keeping what was typed.
    await expect(page.locator("#e-accept_terms")).to_have_text("Accept the terms to send the request.")
    await expect(page.locator("#f-description")).to_have_value("Gauge 12 reads 3 bar too high.")
    await expect(page.locator("#f-work_type_id")).to_have_value(str(shop.north_only.id))
    await page.screenshot(path=f"/tmp/wo-requests-form-{portico_backend}.png", full_page=True)
    await page.check("#f-accept_terms")
    await page.set_input_files("#f-attachments", str(photo))
    await page.get_by_role("button", name="Plan my job").click()

    await expect(page.locator("main h1")).to_contain_text("Work request WR-00001")
    await expect(page.locator(".request-status")).to_have_text("Submitted")
    await expect(page.locator("main")).to_contain_text("Gauge 12 reads 3 bar too high.")
    await expect(page.get_by_role("link", name="leak.pdf")).to_be_visible()
    await page.screenshot(path=f"/tmp/wo-requests-detail-{portico_backend}.png", full_page=True)

    vendor = await page_factory()
    await browser_login(vendor, live_server, shop.admin.email)
    await vendor.goto(f"{live_server}/admin/workorders/requests")
    await vendor.get_by_role("link", name="WR-00001").click()
    await expect(vendor.get_by_role("link", name="leak.pdf")).to_be_visible()
    await vendor.screenshot(path=f"/tmp/wo-requests-admin-{portico_backend}.png", full_page=True)
    await vendor.get_by_role("button", name="Accept and create work order").click()
    await expect(vendor.locator("#work-order")).to_have_text("WO-00001")

    await page.reload()
    await expect(page.locator(".request-status")).to_have_text("Accepted")
    await expect(page.locator("#accepted")).to_contain_text("WO-00001")


async def test_choosing_a_site_offers_only_its_types(live_server, page, shop):
    await browser_login(page, live_server, shop.parent_admin.email)
    await page.goto(f"{live_server}/workorders/requests/new")
    calibration = page.locator(f'#f-work_type_id option[value="{shop.north_only.id}"]')
    await page.select_option("#f-site_id", label="Globex North Plant")
    await expect(calibration).to_be_enabled()
    await page.select_option("#f-work_type_id", label="Calibration")
    await page.select_option("#f-site_id", label="Globex South Plant")
    await expect(calibration).to_be_disabled()
    await expect(page.locator("#f-work_type_id")).to_have_value("")
