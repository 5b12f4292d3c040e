"""In a real browser: the vendor's admin sets up a customer and invites a contact; a customer
admin adds a user and changes a role."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.async_api import expect
from sqlalchemy import select

from core import CUSTOMER_ADMIN, CUSTOMER_USER, VENDOR_ADMIN
from core.accounts import scoped
from core.db import Scope
from core.models import Customer, OutboxMessage, Role, User
from core.testing import browser_login

pytestmark = pytest.mark.browser


async def _user_by_email(db: Any, tenant: Any, email: str) -> tuple[User, str] | None:
    db.expunge_all()
    async with scoped(db, Scope(tenant.id)):
        row = (await db.execute(select(User, Role.key).join(Role).where(User.email == email))).first()
    return (row[0], row[1]) if row else None


async def test_vendor_admin_creates_a_customer_a_site_and_a_contact_and_invites_them(
    live_server, page, tenant, user_factory, db
):
    admin = await user_factory(tenant, VENDOR_ADMIN)
    await browser_login(page, live_server, admin.email)

    await page.click('[data-menu="core.customers"]')
    await page.fill("#new-customer #f-name", "Browserline Foods")
    await page.click("#new-customer button[type=submit]")
    await expect(page.locator("main h1")).to_contain_text("Browserline Foods")

    await page.goto(f"{live_server}/admin/customers")
    await page.fill("#new-customer #f-name", "Browserline Bakery")
    await page.select_option("#new-customer #f-parent_id", label="Browserline Foods")
    await page.click("#new-customer button[type=submit]")
    await expect(page.locator("main")).to_contain_text("Site of Browserline Foods")

    await page.click("text=Add contact")
    await page.fill("#f-first_name", "Bea")
    await page.fill("#f-last_name", "Baker")
    await page.fill("#f-email", "bea@browserline.test")
    await page.fill("#f-title", "Head baker")
    await expect(page.locator("#f-customer_id option:checked")).to_contain_text("Browserline Bakery")
    await page.select_option("#f-role", CUSTOMER_USER)
    await page.click("#person-form button[type=submit]")
    await expect(page.locator("main h1")).to_contain_text("Bea Baker")

    await page.click("#send-invitation")
    await expect(page.locator(".flash")).to_contain_text("An invitation is on its way to bea@browserline.test")

    found = await _user_by_email(db, tenant, "bea@browserline.test")
    assert found is not None
    contact, role = found
    async with scoped(db, Scope(tenant.id)):
        site = await db.scalar(select(Customer).where(Customer.id == contact.customer_id))
        parent = await db.scalar(select(Customer).where(Customer.name == "Browserline Foods"))
        outbox = list((await db.execute(select(OutboxMessage))).scalars())
    assert site is not None and parent is not None and site.name == "Browserline Bakery"
    assert site.path == f"{parent.path}{site.id}/"
    assert role == CUSTOMER_USER and contact.title == "Head baker" and contact.password_hash is None
    invitations = [m for m in outbox if m.event == "core.invitation"]
    assert len(invitations) == 1 and "bea@browserline.test" in invitations[0].recipients


async def test_customer_admin_adds_a_user_and_changes_their_role(
    live_server, page, tenant, customer_factory, user_factory, db
):
    account = await customer_factory(tenant, "Pagemill Ltd")
    site = await customer_factory(tenant, "Pagemill Press", account)
    manager = await user_factory(tenant, CUSTOMER_ADMIN, account, first_name="Mona")
    await browser_login(page, live_server, manager.email)

    await page.click('[data-menu="core.users"]')
    await page.click("#add-person")
    await page.fill("#f-first_name", "Pete")
    await page.fill("#f-last_name", "Printer")
    await page.fill("#f-email", "pete@pagemill.test")
    await page.select_option("#f-customer_id", str(site.id))
    await page.select_option("#f-role", CUSTOMER_USER)
    await page.click("#person-form button[type=submit]")
    await expect(page.locator(".flash")).to_contain_text("Pete Printer was added.")

    await page.select_option("#f-role", CUSTOMER_ADMIN)
    await page.click("#person-form button[type=submit]")
    await expect(page.locator(".flash")).to_contain_text("Changes saved.")

    await page.click("text=Users")
    await expect(page.locator("#people")).to_contain_text("Pete Printer")
    await expect(page.locator("#people")).to_contain_text("Pagemill Press")
    found = await _user_by_email(db, tenant, "pete@pagemill.test")
    assert found is not None
    pete, role = found
    assert role == CUSTOMER_ADMIN and pete.customer_id == site.id
