"""The vendor admin's email pages in a real browser: reword a template, send a failed email again."""

from __future__ import annotations

import pytest
from playwright.async_api import expect
from sqlalchemy import select

from core import VENDOR_ADMIN
from core.accounts import scoped
from core.db import Scope
from core.mail import EmailTemplateOverride, OutboxMessage, queue_email
from core.testing import browser_login, deliver_mail

pytestmark = pytest.mark.browser


async def test_admin_rewords_a_template_with_a_preview(live_server, page, db, tenant, user_factory):
    admin = await user_factory(tenant, VENDOR_ADMIN)
    await browser_login(page, live_server, admin.email)

    await page.click('[data-menu="core.settings"]')  # the configuration pages sit under Settings
    await page.click('[data-menu="core.email_templates"]')
    await page.click('a[href="/admin/email-templates/core.contact_request"]')
    await page.fill("#f-subject", "Question from {{ customer_name }}")
    await page.fill("#f-body", "{{ sender_name }} asks:\n{{ message }}\n-- {{ portal_name }}")
    await page.click('button[value="preview"]')
    await expect(page.locator("#preview")).to_contain_text("Question from [customer_name]")
    await expect(page.locator("#preview")).to_contain_text("[sender_name] asks:")

    await page.fill("#f-body", "{{ sender_name }} asks {{ secret_variable }}")  # a mistake is caught
    await page.click('button[value="save"]')
    await expect(page.locator("#template-error")).to_contain_text("secret_variable")

    await page.fill("#f-body", "{{ sender_name }} asks:\n{{ message }}")
    await page.click('button[value="save"]')
    await expect(page.locator(".flash")).to_contain_text("Your wording is saved")
    await expect(page.locator("h1 .pill")).to_have_text("Customised")
    async with scoped(db, Scope(tenant.id)):
        saved = await db.scalar(select(EmailTemplateOverride.subject))
    assert saved == "Question from {{ customer_name }}"


async def test_admin_sends_a_failed_email_again(live_server, page, portico, db, tenant, user_factory, smtp_server):
    smtp_server.refuse("gone@example.com")
    async with scoped(db, Scope(tenant.id)):
        message = await queue_email(db, portico.storage, to=["gone@example.com"], subject="Invoice 12", text="Due.")
        await db.commit()
    await deliver_mail(portico)
    admin = await user_factory(tenant, VENDOR_ADMIN)
    await browser_login(page, live_server, admin.email)

    await page.click('[data-menu="core.settings"]')
    await page.click('[data-menu="core.outbox"]')
    await page.click('a[href="/admin/outbox?state=failed"]')
    row = page.locator(f'tr[data-message="{message.id}"]')
    await expect(row).to_contain_text("550")
    await row.locator("a").click()
    await expect(page.locator("#last-error")).to_contain_text("mailbox unavailable")
    await page.click("text=Retry")
    await expect(page.locator(".flash")).to_contain_text("queued again")
    await expect(page.locator("#message-state")).to_have_text("Queued")
    async with scoped(db, Scope(tenant.id)):
        row_state = await db.scalar(select(OutboxMessage.state).where(OutboxMessage.id == message.id))
    assert row_state == "queued"
