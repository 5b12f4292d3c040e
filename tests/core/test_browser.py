"""What a user sees in a real browser: sign-in, the side menu, module toggles and role changes.

Every test drives headless Chromium against the app served by uvicorn (``live_server``). A
throwaway plugin, ``widgets_demo``, adds a permission, a menu entry, a dashboard card and a page,
so the tests can watch a module vanish and come back, and a role lose a right, without a restart.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from litestar import get
from litestar.response import Template
from playwright.async_api import expect

from core import (
    CUSTOMER_ADMIN,
    CUSTOMER_USER,
    VENDOR_ADMIN,
    Ctx,
    MenuItem,
    Permission,
    RequestContext,
    Widget,
    render,
)
from core.testing import browser_login

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/portico-shots")

MODULE = "widgets_demo"
PERMISSION = "widgets_demo.view"
MENU_ENTRY = '[data-menu="widgets_demo.gadgets"]'
CARD = '[data-widget="widgets_demo.gadget_count"]'
CARD_TEMPLATE = "widgets_demo/gadget_count.html"
PAGE_TEMPLATE = "widgets_demo/gadgets.html"


# --- the throwaway plugin -------------------------------------------------------------------


def _permissions() -> Sequence[Permission]:
    return [Permission(PERMISSION, "See the gadgets", default_roles=(CUSTOMER_ADMIN, CUSTOMER_USER, VENDOR_ADMIN))]


def _menu_items() -> Sequence[MenuItem]:
    return [MenuItem("gadgets", "Gadgets", "/gadgets", PERMISSION, order=50)]


async def _count_gadgets(ctx: RequestContext) -> dict[str, Any]:
    return {"count": 3}


def _widgets() -> Sequence[Widget]:
    return [Widget("gadget_count", "Gadgets", CARD_TEMPLATE, _count_gadgets, PERMISSION, order=10, size=4)]


@get("/gadgets", opt={"permission": PERMISSION})
async def gadgets_page(ctx: Ctx) -> Template:
    return await render(ctx, PAGE_TEMPLATE, names=["Sprocket", "Flange", "Grommet"])


def _routes() -> Sequence[Any]:
    return [gadgets_page]


TEMPLATES = {
    CARD_TEMPLATE: '<p class="gadget-count">{{ data.count }} gadgets ready</p>',
    PAGE_TEMPLATE: """{% extends "core/base.html" %}
{% block title %}Gadgets{% endblock %}
{% block content %}<h1>Gadgets</h1>
<ul id="gadgets">{% for name in names %}<li>{{ name }}</li>{% endfor %}</ul>{% endblock %}""",
}


@pytest.fixture
def portico_extra_plugins(throwaway_plugin: Any) -> Sequence[object]:
    plugin = throwaway_plugin(
        MODULE,
        label="Gadgets",
        templates=TEMPLATES,
        portico_permissions=_permissions,
        portico_menu_items=_menu_items,
        portico_widgets=_widgets,
        portico_routes=_routes,
    )
    return [plugin]


# --- helpers --------------------------------------------------------------------------------


@pytest_asyncio.fixture(loop_scope="session")
async def second_page(page_factory: Any) -> Any:
    """A page in its own browser context: another person on another computer."""
    return await page_factory()


async def shot(page: Any, name: str, backend: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SHOTS / f"{name}-{backend}.png"), full_page=True)


async def people(tenant: Any, customer_factory: Any, user_factory: Any) -> tuple[Any, Any]:
    """A vendor admin and a plain customer contact of one customer account."""
    admin = await user_factory(tenant, VENDOR_ADMIN, first_name="Vera", last_name="Vendor")
    customer = await customer_factory(tenant, "Globex Fabrication")
    contact = await user_factory(tenant, CUSTOMER_USER, customer, first_name="Carl", last_name="Contact")
    return admin, contact


# --- 1. signing in and out ------------------------------------------------------------------


async def test_login_shows_dashboard_menu_and_name_and_sign_out_works(
    live_server, page, tenant, customer_factory, user_factory, portico_backend
):
    admin, contact = await people(tenant, customer_factory, user_factory)

    await browser_login(page, live_server, contact.email)
    assert page.url == f"{live_server}/"
    await expect(page.locator("main h1")).to_have_text("Dashboard")
    await expect(page.locator("[data-widget='core.welcome']")).to_contain_text("Welcome, Carl.")
    await expect(page.locator(CARD)).to_contain_text("3 gadgets ready")

    menu = page.locator("#sidemenu")
    await expect(menu).to_be_visible()
    await expect(menu.locator('[data-menu="core.dashboard"]')).to_have_class(re.compile(r"\bactive\b"))
    for entry in ("core.dashboard", "core.actions", "widgets_demo.gadgets", "core.recent", "core.contact"):
        await expect(menu.locator(f'[data-menu="{entry}"]')).to_be_visible()
    # A customer contact sees no administration section.
    await expect(menu.locator('[data-menu="core.modules"]')).to_have_count(0)
    await expect(menu.get_by_text("Administration")).to_have_count(0)

    topbar = page.locator("header.topbar")
    await expect(topbar.locator(".who")).to_have_text("Carl Contact")
    await shot(page, "dashboard-contact", portico_backend)

    # The menu leads where it says.
    await menu.locator(MENU_ENTRY).click()
    await expect(page).to_have_url(f"{live_server}/gadgets")
    await expect(page.locator("#gadgets li")).to_have_text(["Sprocket", "Flange", "Grommet"])
    await expect(page.locator(MENU_ENTRY)).to_have_class(re.compile(r"\bactive\b"))

    await topbar.get_by_role("button", name="Sign out").click()
    await expect(page).to_have_url(re.compile(r"/login$"))
    await expect(page.locator("#email")).to_be_visible()
    await expect(page.locator(".who")).to_have_count(0)

    # The session is really over: the dashboard asks to sign in again.
    await page.goto(f"{live_server}/")
    await expect(page).to_have_url(f"{live_server}/login?next=%2F")
    await expect(page.locator("#password")).to_be_visible()

    # A vendor admin gets the administration section.
    await browser_login(page, live_server, admin.email)
    await expect(page.locator(".who")).to_have_text("Vera Vendor")
    await expect(page.locator("#sidemenu").get_by_text("Administration")).to_be_visible()
    await expect(page.locator('[data-menu="core.customers"]')).to_be_visible()
    # The configuration pages sit under Settings, unfolded once there.
    await expect(page.locator('[data-menu="core.roles"]')).to_have_count(0)
    await page.locator('[data-menu="core.settings"]').click()
    await expect(page.locator('[data-menu="core.modules"]')).to_be_visible()
    await expect(page.locator('[data-menu="core.roles"]')).to_be_visible()
    await shot(page, "dashboard-admin", portico_backend)


# --- 2. bad credentials ---------------------------------------------------------------------


async def test_bad_password_shows_clear_message_and_keeps_email(
    live_server, page, tenant, user_factory, portico_backend
):
    user = await user_factory(tenant, VENDOR_ADMIN)
    await page.goto(f"{live_server}/login")
    await shot(page, "login", portico_backend)
    await page.fill("#email", user.email)
    await page.fill("#password", "not my password")
    await page.click("button[type=submit]")

    error = page.locator("#login-error")
    await expect(error).to_be_visible()
    await expect(error).to_have_text("The email or password is not right. Check both and try again.")
    await expect(page.locator("#email")).to_have_value(user.email)
    await expect(page.locator("#password")).to_have_value("")
    await expect(page.locator("#sidemenu")).to_have_count(0)
    await shot(page, "login-error", portico_backend)

    # Correcting the password from the same form signs in.
    await page.fill("#password", "correct horse battery staple")
    await page.click("button[type=submit]")
    await expect(page.locator("main h1")).to_have_text("Dashboard")
    await expect(page.locator("#login-error")).to_have_count(0)


async def test_unknown_email_gets_the_same_message(live_server, page, tenant):
    await page.goto(f"{live_server}/login")
    await page.fill("#email", "nobody@nowhere.test")
    await page.fill("#password", "whatever")
    await page.click("button[type=submit]")
    await expect(page.locator("#login-error")).to_have_text(
        "The email or password is not right. Check both and try again."
    )
    await expect(page.locator("#email")).to_have_value("nobody@nowhere.test")


# --- 3. switching a module off and on -------------------------------------------------------


async def _switch(admin_page: Any, live_server: str, to: str) -> None:
    """Click the module's button on /admin/modules and check the page says so."""
    await admin_page.goto(f"{live_server}/admin/modules")
    row = admin_page.locator(f'tr[data-module="{MODULE}"]')
    button = "Switch off" if to == "off" else "Switch on"
    await row.get_by_role("button", name=button).click()
    await expect(admin_page.locator(".flash")).to_have_text(f"Gadgets is now {to} for your portal.")
    row = admin_page.locator(f'tr[data-module="{MODULE}"]')
    await expect(row.locator(".pill")).to_have_text("On" if to == "on" else "Off")
    await expect(row.get_by_role("button")).to_have_text("Switch on" if to == "off" else "Switch off")


async def _sees_module(contact_page: Any, live_server: str) -> None:
    await contact_page.goto(f"{live_server}/")
    await expect(contact_page.locator(MENU_ENTRY)).to_be_visible()
    await expect(contact_page.locator(CARD)).to_contain_text("3 gadgets ready")
    response = await contact_page.goto(f"{live_server}/gadgets")
    assert response.status == 200
    await expect(contact_page.locator("#gadgets li")).to_have_count(3)


async def test_module_switched_off_vanishes_and_comes_back(
    live_server, page, second_page, tenant, customer_factory, user_factory, portico_backend
):
    admin, contact = await people(tenant, customer_factory, user_factory)
    await browser_login(page, live_server, admin.email)
    await browser_login(second_page, live_server, contact.email)
    await _sees_module(second_page, live_server)

    await page.goto(f"{live_server}/admin/modules")
    row = page.locator(f'tr[data-module="{MODULE}"]')
    await expect(row).to_contain_text("Gadgets")
    await expect(row.locator(".pill")).to_have_text("On")
    await shot(page, "admin-modules", portico_backend)

    await _switch(page, live_server, "off")
    await shot(page, "admin-modules-off", portico_backend)

    # The contact, still signed in, no longer finds the module anywhere.
    await second_page.goto(f"{live_server}/")
    await expect(second_page.locator("main h1")).to_have_text("Dashboard")
    await expect(second_page.locator('[data-menu="core.dashboard"]')).to_be_visible()
    await expect(second_page.locator(MENU_ENTRY)).to_have_count(0)
    await expect(second_page.locator(CARD)).to_have_count(0)
    await expect(second_page.get_by_text("gadgets ready")).to_have_count(0)
    await expect(second_page.locator("[data-widget='core.welcome']")).to_be_visible()
    response = await second_page.goto(f"{live_server}/gadgets")
    assert response.status == 404
    await expect(second_page.locator("h1")).to_have_text("Not found")
    await expect(second_page.locator("#gadgets")).to_have_count(0)
    await shot(second_page, "module-off-404", portico_backend)

    # Nor does the admin: not in the menu, not in the role editor.
    await page.goto(f"{live_server}/")
    await expect(page.locator(MENU_ENTRY)).to_have_count(0)
    await expect(page.locator(CARD)).to_have_count(0)
    await page.goto(f"{live_server}/admin/roles")
    await expect(page.locator(f'input[name=grant][value$=":{PERMISSION}"]')).to_have_count(0)
    await expect(page.locator('input[name=grant][value$=":core.dashboard"]').first).to_be_visible()

    # Switched on again, everything is back for the contact, without signing in again.
    await _switch(page, live_server, "on")
    await _sees_module(second_page, live_server)
    await page.goto(f"{live_server}/admin/roles")
    await expect(page.locator(f'input[name=grant][value="{contact.role_id}:{PERMISSION}"]')).to_be_checked()


# --- 4. role changes ------------------------------------------------------------------------


async def test_unticking_a_permission_hides_the_menu_entry_and_forbids_the_page(
    live_server, page, second_page, tenant, customer_factory, user_factory, portico_backend
):
    admin, contact = await people(tenant, customer_factory, user_factory)
    await browser_login(page, live_server, admin.email)
    await browser_login(second_page, live_server, contact.email)
    await _sees_module(second_page, live_server)

    await page.goto(f"{live_server}/admin/roles")
    await shot(page, "admin-roles", portico_backend)
    box = page.locator(f'input[name=grant][value="{contact.role_id}:{PERMISSION}"]')
    await expect(box).to_be_checked()
    await expect(box).to_have_attribute("aria-label", re.compile(r"^Customer user: "))
    await box.uncheck()
    await page.get_by_role("button", name="Save roles").click()
    await expect(page.locator(".flash")).to_contain_text("Roles saved.")
    # The choice is kept: the box comes back unticked, other roles keep the right.
    box = page.locator(f'input[name=grant][value="{contact.role_id}:{PERMISSION}"]')
    await expect(box).not_to_be_checked()
    await expect(page.locator('input[name=grant][aria-label="Customer admin: See the gadgets"]')).to_be_checked()
    await expect(page.locator(f'input[name=grant][value="{contact.role_id}:core.dashboard"]')).to_be_checked()

    # The contact's next page no longer offers it, and the address is refused.
    await second_page.goto(f"{live_server}/")
    await expect(second_page.locator("main h1")).to_have_text("Dashboard")
    await expect(second_page.locator(MENU_ENTRY)).to_have_count(0)
    await expect(second_page.locator(CARD)).to_have_count(0)
    await expect(second_page.locator('[data-menu="core.contact"]')).to_be_visible()
    response = await second_page.goto(f"{live_server}/gadgets")
    assert response.status == 403
    await expect(second_page.locator("h1")).to_have_text("Not allowed")
    await expect(second_page.locator("#gadgets")).to_have_count(0)
    await shot(second_page, "role-403", portico_backend)

    # The admin (another role) still has it.
    await page.goto(f"{live_server}/")
    await expect(page.locator(MENU_ENTRY)).to_be_visible()

    # Ticking it again gives it back.
    await page.goto(f"{live_server}/admin/roles")
    await page.locator(f'input[name=grant][value="{contact.role_id}:{PERMISSION}"]').check()
    await page.get_by_role("button", name="Save roles").click()
    await expect(page.locator(".flash")).to_contain_text("Roles saved.")
    await _sees_module(second_page, live_server)


# --- 5. the collapsible side menu -----------------------------------------------------------


async def test_side_menu_collapses_and_stays_collapsed_across_pages(
    live_server, page, tenant, customer_factory, user_factory, portico_backend
):
    _, contact = await people(tenant, customer_factory, user_factory)
    await browser_login(page, live_server, contact.email)
    body, menu, toggle = page.locator("body"), page.locator("#sidemenu"), page.locator("[data-menu-toggle]")
    await expect(menu).to_be_visible()
    await expect(body).not_to_have_class(re.compile(r"\bmenu-collapsed\b"))

    await toggle.click()
    await expect(body).to_have_class(re.compile(r"\bmenu-collapsed\b"))
    await expect(menu).to_be_hidden()
    await expect(toggle).to_have_attribute("aria-expanded", "false")
    await shot(page, "menu-collapsed", portico_backend)

    # Still collapsed on the next page, reached through a link, and after a reload.
    await page.locator(".who").click()
    await expect(page).to_have_url(f"{live_server}/profile")
    await expect(body).to_have_class(re.compile(r"\bmenu-collapsed\b"))
    await expect(menu).to_be_hidden()
    await page.reload()
    await expect(menu).to_be_hidden()

    # The content uses the room the menu left.
    content_box = await page.locator("main.content").bounding_box()
    assert content_box is not None and content_box["x"] < 50

    await toggle.click()
    await expect(body).not_to_have_class(re.compile(r"\bmenu-collapsed\b"))
    await expect(menu).to_be_visible()
    await expect(toggle).to_have_attribute("aria-expanded", "true")
    await page.goto(f"{live_server}/")
    await expect(menu).to_be_visible()
    await expect(page.locator('[data-menu="core.dashboard"]')).to_be_visible()
