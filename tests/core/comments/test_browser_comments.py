"""In a real browser: a contact comments on a note and attaches a PDF; staff answer with a file
shown in the portal, and the contact downloads it."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.async_api import expect

from core import CUSTOMER_USER, VENDOR_ADMIN
from core.accounts import scoped
from core.db import Scope
from core.testing import browser_login
from tests.core import example_plugin
from tests.core.comments import files
from tests.core.example_plugin import Note

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/portico-shots")


@pytest.fixture
def portico_extra_plugins():
    return [example_plugin]


async def test_contact_and_staff_share_comments_and_files_on_a_note(
    live_server, page, page_factory, tenant, customer_factory, user_factory, db, tmp_path: Path
):
    customer = await customer_factory(tenant, "Globex Fabrication")
    contact = await user_factory(tenant, CUSTOMER_USER, customer, first_name="Carl", last_name="Contact")
    staff = await user_factory(tenant, VENDOR_ADMIN, first_name="Vera", last_name="Vendor")
    async with scoped(db, Scope(tenant.id)):
        note = Note(customer_id=customer.id, title="Press line 3 maintenance")
        db.add(note)
        await db.commit()
    note_url = f"{live_server}/notes/{note.id}"

    # The contact comments and attaches a PDF, without leaving the page.
    await browser_login(page, live_server, contact.email)
    await page.goto(note_url)
    comments = page.locator("section.comments-panel")
    await expect(comments.locator("li.empty")).to_have_text("No comments yet.")
    await comments.locator("textarea[name=body]").fill("The press squeaks after an hour of work.")
    await comments.get_by_role("button", name="Add comment").click()
    await expect(comments.locator("li.comment")).to_contain_text("The press squeaks after an hour of work.")
    await expect(comments.locator("li.comment")).to_contain_text("Carl Contact")
    panel = page.locator("section.files-panel")
    await panel.locator("input[type=file]").set_input_files(
        {"name": "noise-report.pdf", "mimeType": "application/pdf", "buffer": files.pdf("Noise")}
    )
    await panel.get_by_role("button", name="Upload").click()
    await expect(panel.locator("li.file a")).to_have_text("noise-report.pdf")
    # A page in disguise is refused in place, with the reason.
    await panel.locator("input[type=file]").set_input_files(
        {"name": "invoice.pdf", "mimeType": "application/pdf", "buffer": files.HTML}
    )
    await panel.get_by_role("button", name="Upload").click()
    await expect(panel.locator("p.error")).to_contain_text("This kind of file is not accepted")
    await expect(panel.locator("li.file")).to_have_count(1)

    # Staff see both and answer with a drawing shown in the portal.
    staff_page = await page_factory()
    await browser_login(staff_page, live_server, staff.email)
    await staff_page.goto(note_url)
    await expect(staff_page.locator("section.comments-panel li.comment")).to_contain_text("The press squeaks")
    staff_files = staff_page.locator("section.files-panel")
    await expect(staff_files.locator("li.file")).to_contain_text("noise-report.pdf")
    await staff_files.locator("input[type=file]").set_input_files(
        {"name": "new-bearing.pdf", "mimeType": "application/pdf", "buffer": files.pdf("Bearing")}
    )
    await staff_files.get_by_label("Show in the portal (the customer sees it)").check()
    await staff_files.get_by_role("button", name="Upload").click()
    await expect(staff_files.locator("li.file", has_text="new-bearing.pdf")).to_contain_text("Shown in the portal")

    SHOTS.mkdir(parents=True, exist_ok=True)
    await staff_page.screenshot(path=str(SHOTS / "comments-staff.png"), full_page=True)

    # The contact finds the drawing and downloads it.
    await page.reload()
    link = page.locator("section.files-panel li.file a", has_text="new-bearing.pdf")
    await expect(link).to_be_visible()
    async with page.expect_download() as info:
        await link.click()
    download = await info.value
    assert download.suggested_filename == "new-bearing.pdf"
    saved = tmp_path / "downloaded.pdf"
    await download.save_as(saved)
    assert saved.read_bytes() == files.pdf("Bearing")
