"""In a real browser: staff send a note's PDF to a contact, who then finds the note and downloads it."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.async_api import expect

from core.testing import browser_login
from tests.core import example_plugin
from tests.core.documents.pdfcheck import pdf_info
from tests.core.documents.test_publishing import shop  # noqa: F401  (the fixture)

pytestmark = pytest.mark.browser


@pytest.fixture
def portico_extra_plugins():
    return [example_plugin]


async def test_staff_send_a_note_and_the_contact_downloads_its_pdf(live_server, shop, page_factory):  # noqa: F811
    _tenant, people, notes = shop
    note = notes["north"]
    staff = await page_factory()
    await browser_login(staff, live_server, people["staff"].email)
    await staff.goto(f"{live_server}/notes/{note.id}")
    await expect(staff.locator(".document-actions")).to_contain_text("Not sent yet")
    await staff.click("[data-send]")
    await expect(staff.locator("main h1")).to_have_text("Send Note")
    await expect(staff.get_by_label("Nora")).to_be_checked()  # the record's own account is ticked
    await staff.get_by_label("Bea").check()
    await staff.fill("#f-message", "Values for the new press.")
    await staff.click("form.send-document button[type=submit]", no_wait_after=True)
    await staff.wait_for_url(f"{live_server}/notes/{note.id}", timeout=60_000)  # the PDF worker may be starting
    await expect(staff.locator(".flash")).to_contain_text("Note sent to Bea, Nora (version 1).")
    await expect(staff.locator("[data-last-sent]")).to_contain_text("version 1")

    contact = await page_factory()
    await browser_login(contact, live_server, people["north"].email)
    await contact.goto(f"{live_server}/notes")
    await contact.get_by_role("link", name="Nut torque values").click()
    await expect(contact.locator(".note-title")).to_have_text("Nut torque values")
    await expect(contact.locator("[data-send]")).to_have_count(0)
    async with contact.expect_download() as pending:
        await contact.click("[data-pdf]")
    download = await pending.value
    assert download.suggested_filename == f"note-{note.id}.pdf"
    data = Path(await download.path()).read_bytes()
    assert data.startswith(b"%PDF") and pdf_info(data, "Author") == "Zanzibar Tooling"
