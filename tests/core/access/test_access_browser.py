"""A forgotten password and a password change, in headless Chromium."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import expect
from sqlalchemy import select

from core import VENDOR_ADMIN
from core.accounts import scoped
from core.db import Scope
from core.mail.models import OutboxMessage
from core.testing import browser_login, deliver_mail

pytestmark = pytest.mark.browser
NEW = "plum-harbour-lantern-42"


async def test_forgot_password_to_signed_in_with_the_new_one(live_server, page, tenant, user_factory, db, portico):
    user = await user_factory(tenant, VENDOR_ADMIN, first_name="Ada")
    await page.goto(f"{live_server}/login")
    await page.click("text=Forgot your password?")
    await page.fill("#email", user.email)
    await page.click("button[type=submit]")
    await expect(page.locator("#reset-sent")).to_contain_text(user.email)

    await deliver_mail(portico)  # the mail worker writes the email the form asked for
    async with scoped(db, Scope(tenant.id)):
        body = await db.scalar(select(OutboxMessage.text_body).where(OutboxMessage.event == "core.password_reset"))
    path = re.search(r"(/password/reset/[\w-]+)", body or "").group(1)
    await page.goto(live_server + path)
    await page.fill("#password", "password123")
    await page.fill("#password2", "password123")
    await page.click("button[type=submit]")
    await expect(page.locator("#password-error")).to_contain_text("too common")
    await page.fill("#password", NEW)
    await page.fill("#password2", NEW)
    await page.click("button[type=submit]")
    await expect(page.locator(".flash")).to_contain_text("Your new password is set")
    await expect(page.locator("main h1")).to_have_text("Dashboard")

    # The profile's change-password form takes the new one as the current password.
    await page.goto(f"{live_server}/profile")
    await page.click("text=Change your password")
    await page.fill("#f-current", NEW)
    await page.fill("#f-password", NEW + "-b")
    await page.fill("#f-password2", NEW + "-b")
    await page.click("main button[type=submit]")
    await expect(page.locator(".flash")).to_contain_text("Your password is changed")
    await page.context.clear_cookies()
    await browser_login(page, live_server, user.email, NEW + "-b")
    await expect(page.locator("main h1")).to_have_text("Dashboard")
