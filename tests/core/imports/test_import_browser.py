"""A vendor admin imports contacts in headless Chromium: sample, report, skip, progress, result."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.async_api import expect
from sqlalchemy import func, select

from core import VENDOR_ADMIN
from core.accounts import scoped
from core.db import Scope
from core.mail.models import OutboxMessage
from core.models import User
from core.testing import browser_login

pytestmark = pytest.mark.browser


async def test_a_vendor_admin_imports_contacts_skipping_a_bad_row(
    live_server, page, tenant, accounts, user_factory, db
):
    admin = await user_factory(tenant, VENDOR_ADMIN)
    await browser_login(page, live_server, admin.email)
    await page.goto(f"{live_server}/admin/contacts/import")
    await expect(page.locator("#columns")).to_contain_text("send_invitation")

    async with page.expect_download() as download_info:
        await page.click("#sample-link")
    sample = Path(await (await download_info.value).path()).read_text("utf-8")
    assert sample.startswith("email,first_name,last_name,title,phone,site,role,send_invitation")

    # The sample's two people, a bad row, and enough more to watch the progress bar.
    rows = [f"person{i}@globex.test,Person,{i},,,Globex South,,{'yes' if i % 10 == 0 else 'no'}" for i in range(150)]
    csv = sample + "broken-address,Bad,Row,,,Globex North,,\n" + "\n".join(rows) + "\n"
    await page.set_input_files(
        "#f-file", files=[{"name": "contacts.csv", "mimeType": "text/csv", "buffer": csv.encode()}]
    )
    await page.click("main button[type=submit]")

    await expect(page.locator("#import-summary")).to_contain_text(
        "153 rows checked: 152 can be imported, 1 have problems"
    )
    await expect(page.locator("#import-problems")).to_contain_text("“broken-address” is not an email address.")
    await page.check("#f-skip")
    await page.click("#run-import")

    await expect(page.locator("#import-progress progress")).to_have_attribute("value", "100", timeout=30_000)
    await expect(page.locator("#import-result")).to_have_text("Import finished (100%): 152 created, 1 skipped.")
    await expect(page.locator("#import-skipped")).to_contain_text("broken-address")

    async with scoped(db, Scope(tenant.id)):
        created = await db.scalar(select(func.count(User.id)).where(User.email.like("person%@globex.test")))
        invitations = await db.scalar(select(func.count(OutboxMessage.id)))
    assert created == 150
    assert invitations == 15 + 1  # every tenth person, and the sample's Jane (send_invitation=yes)
