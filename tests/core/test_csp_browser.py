"""In Chromium, every page of the demo portal (every installed module) works under its
Content-Security-Policy: no inline script or style is refused, the nonce'd ones apply, the portal's
own scripts run, and another site cannot frame a page (security issue 12, finding 7)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.async_api import Error as PlaywrightError
from playwright.async_api import expect

from core.demo import DEMO_PASSWORD, seed_demo
from core.testing import browser_login

# The policy is the browser's and the page's business, the same on either database.
pytestmark = [pytest.mark.browser, pytest.mark.portico_commits, pytest.mark.portico_any_database]

# Each document records what its policy refused; the script is injected by the browser, not the page.
WATCH = """
window.__refused = [];
document.addEventListener("securitypolicyviolation", (e) =>
  window.__refused.push(`${e.violatedDirective} ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber}`));
"""
LOADED = "() => !document.querySelector('[hx-trigger=load]')"
SKIP = ("/logout", "/files/", "pdf", ".csv", "/picture", "/logo")


@pytest.fixture
def portico_installed() -> None:
    return None  # every discovered module: their pages run under the same policy


async def crawl(page: Any, base: str, starts: list[str], limit: int = 40) -> dict[str, list[str]]:
    """Visit same-site links breadth first from ``starts``, one page of each kind (``/quotes/7``
    stands for every quote; filtered variants of a list are left out); what the policy refused, by page."""
    refused: dict[str, list[str]] = {}
    queue, seen = list(starts), set()
    while queue and len(seen) < limit:
        path = queue.pop(0).split("#", 1)[0]
        kind = re.sub(r"\d+", "N", path)
        if kind in seen or any(part in path for part in SKIP):
            continue
        seen.add(kind)
        try:
            response = await page.goto(base + path)
        except PlaywrightError:  # a download
            continue
        if response is None or "text/html" not in response.headers.get("content-type", ""):
            continue
        await page.wait_for_function(LOADED)  # the panels htmx fetches are in, under the page's policy
        refused[path] = await page.evaluate("window.__refused")
        links = await page.eval_on_selector_all("a[href^='/']", "links => links.map(a => a.getAttribute('href'))")
        queue += [link for link in links if "?" not in link]
    return refused


async def test_the_demo_portal_runs_under_its_policy(live_server, page, page_factory, db, portico):
    await seed_demo(db, portico.plugins, portico)
    await page.add_init_script(WATCH)
    await browser_login(page, live_server, "buyer@globex.example", DEMO_PASSWORD)
    # The brand colour is an inline style: it applies only with the nonce.
    brand = await page.evaluate("getComputedStyle(document.documentElement).getPropertyValue('--brand')")
    assert brand.strip() == "#1f5fa8"
    customer = await crawl(page, live_server, ["/", "/workorders/requests/new", "/quotes", "/orders/history"])
    assert "/workorders/requests/new" in customer and len(customer) > 12, sorted(customer)
    assert {path: seen for path, seen in customer.items() if seen} == {}

    admin = await page_factory()
    await admin.add_init_script(WATCH)
    await browser_login(admin, live_server, "admin@acme.example", DEMO_PASSWORD)
    await admin.goto(f"{live_server}/admin/branding")
    await admin.fill("#f-portal_name", "Previewed name")  # the preview is the portal's own script
    await expect(admin.locator('[data-preview="name"]')).to_have_text("Previewed name")
    await admin.fill("#f-custom_css", ".brand span { letter-spacing: 7px }")
    await admin.get_by_role("button", name="Save branding").click()
    await admin.goto(f"{live_server}/")
    spacing = await admin.evaluate("getComputedStyle(document.querySelector('.brand span')).letterSpacing")
    assert spacing == "7px"  # the vendor's CSS is an inline style too
    admin_pages = ["quotes", "workorders", "workorders/packing-slips", "workorders/purchase-orders", "customers"]
    vendor = await crawl(admin, live_server, ["/admin/settings", *(f"/admin/{page}" for page in admin_pages)])
    assert "/admin/workorders/packing-slips" in vendor and len(vendor) > 12, sorted(vendor)
    assert {path: seen for path, seen in vendor.items() if seen} == {}


async def test_another_site_cannot_frame_a_page(live_server, page, tenant):
    await page.set_content(f'<iframe id="framed" src="{live_server}/login"></iframe>')
    await page.wait_for_timeout(500)
    frame = next(frame for frame in page.frames if frame is not page.main_frame)
    assert await frame.locator("#password").count() == 0  # the sign-in form never shows in the frame
