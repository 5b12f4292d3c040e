"""The settings pages in headless Chromium: branding's live preview and logo upload, a module's
settings form, and reordering dashboard cards."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import expect

from core import VENDOR_ADMIN
from core.testing import browser_login
from tests.core import example_plugin
from tests.core.settings_admin.images import SVG, png

pytestmark = pytest.mark.browser


@pytest.fixture
def portico_extra_plugins():
    return [example_plugin]


async def test_branding_preview_follows_typing_and_the_logo_upload_shows_everywhere(
    live_server, page, tenant, user_factory, tmp_path
):
    admin = await user_factory(tenant, VENDOR_ADMIN)
    await browser_login(page, live_server, admin.email)
    await page.click('[data-menu="core.settings"]')
    await expect(page.locator("main h1")).to_have_text("Settings")
    await page.click('main a[href="/admin/branding"]')
    preview = page.locator("[data-branding-preview]")

    await page.fill("#f-portal_name", "Acme Service Hub")
    await expect(preview.locator('[data-preview="name"]')).to_have_text("Acme Service Hub")
    await page.fill("#f-welcome_text", "Welcome, dear customers")
    await expect(preview.locator('[data-preview="welcome"]')).to_have_text("Welcome, dear customers")
    await page.locator("#f-primary_color").evaluate(
        "el => { el.value = '#aa3300'; el.dispatchEvent(new Event('input', {bubbles: true})); }"
    )
    await expect(preview.locator('[data-preview="button"]')).to_have_css("background-color", "rgb(170, 51, 0)")

    # A refused SVG: the server says why, and keeps what was typed.
    svg = tmp_path / "logo.svg"
    svg.write_bytes(SVG)
    await page.set_input_files("#f-logo_file", str(svg))
    await page.click("button.primary")
    await expect(page.locator("#e-logo_file")).to_contain_text("SVG is not accepted")
    await expect(page.locator("#f-portal_name")).to_have_value("Acme Service Hub")

    logo = tmp_path / "logo.png"
    logo.write_bytes(png(40, 20))
    await page.set_input_files("#f-logo_file", str(logo))
    preview_logo = preview.locator('[data-preview="logo"]')
    await expect(preview_logo).to_be_visible()
    await expect(preview_logo).to_have_attribute("src", re.compile(r"^blob:"))  # the chosen file, before saving
    await page.click("button.primary")
    await expect(page.locator(".flash.success")).to_have_text("Branding saved.")

    topbar_logo = page.locator("header.topbar img.logo")
    await expect(topbar_logo).to_have_attribute("src", re.compile(r"^/branding/logo/[0-9a-f]+$"))
    # Really served and decoded (waiting for it: a loaded machine may still be fetching it).
    await page.wait_for_function("() => document.querySelector('header.topbar img.logo')?.complete")
    assert await topbar_logo.evaluate("img => img.naturalWidth") == 40
    await expect(page.locator("header.topbar .brand span")).to_have_text("Acme Service Hub")

    # Ticking "remove" shows the preview without it; saving removes it from the pages.
    await page.check("[data-remove-logo]")
    await expect(preview_logo).to_be_hidden()
    await page.click("button.primary")
    await expect(page.locator("header.topbar img.logo")).to_have_count(0)


async def test_module_settings_form_validates_and_saves(live_server, page, tenant, user_factory):
    admin = await user_factory(tenant, VENDOR_ADMIN)
    await browser_login(page, live_server, admin.email)
    await page.goto(f"{live_server}/admin/settings")
    await page.click('a[href="/admin/modules/notes/settings"]')
    await expect(page.locator("main h1")).to_have_text("Settings of Site notes")

    await page.fill("#f-greeting", "Site diary")
    await page.fill("#f-per_page", "9999")  # over the maximum: the server refuses it
    await page.select_option("#f-sort", "old")
    await page.uncheck("#f-allow_replies")
    await page.check('input[name="kinds"][value="call"]')
    # Skip the browser's own check to prove the server's.
    await page.locator("form[data-module-settings]").evaluate("form => form.noValidate = true")
    await page.click("button.primary")
    await expect(page.locator("#e-per_page")).to_have_text("Enter a number of at most 500.")
    await expect(page.locator("#f-greeting")).to_have_value("Site diary")

    await page.fill("#f-per_page", "25")
    await page.click("button.primary")
    await expect(page.locator(".flash.success")).to_have_text("Settings of Site notes saved.")
    await expect(page.locator("#f-per_page")).to_have_value("25")
    await expect(page.locator("#f-sort")).to_have_value("old")
    await expect(page.locator("#f-allow_replies")).not_to_be_checked()
    await expect(page.locator('input[name="kinds"][value="call"]')).to_be_checked()
    await page.goto(f"{live_server}/notes")
    await expect(page.locator(".notes-greeting")).to_have_text("Site diary")


async def test_dashboard_cards_are_reordered_and_hidden_in_the_browser(live_server, page, tenant, user_factory):
    admin = await user_factory(tenant, VENDOR_ADMIN)
    await browser_login(page, live_server, admin.email)
    await page.goto(f"{live_server}/admin/dashboard")
    items = page.locator(".widget-order li")
    await expect(items.first).to_be_visible()
    order = [await item.get_attribute("data-widget") for item in await items.all()]
    assert len(order) >= 3 and order.index("recent") >= 2
    first = order[0]
    for _ in range(order.index("recent")):
        await page.click('li[data-widget="recent"] [data-move="up"]')
    assert page.url.endswith("/admin/dashboard")  # moved in place by script, nothing submitted yet
    await expect(items.nth(0)).to_have_attribute("data-widget", "recent")
    await expect(items.nth(1)).to_have_attribute("data-widget", first)
    await page.uncheck('input[name="show"][value="welcome"]')
    await page.click("button.primary")
    await expect(page.locator(".flash.success")).to_have_text("Dashboard settings saved.")
    await page.goto(f"{live_server}/")
    cards = page.locator("[data-widget]")
    await expect(cards.first).to_have_attribute("data-widget", "core.recent")
    await expect(page.locator('[data-widget="core.welcome"]')).to_have_count(0)
