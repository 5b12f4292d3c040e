"""In a real browser: following a part's progress bar, and switching between active and completed."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import expect
from sqlalchemy import select

from core import CUSTOMER_USER, VENDOR_ADMIN
from core.accounts import scoped
from core.db import Scope
from core.testing import browser_login
from plugins.workorders.models import ProcessStep, WorkOrderPart
from tests.workorders.progress import helpers

pytestmark = pytest.mark.browser


async def _finish_next_step(db, tenant, order_id: int, part_number: str) -> None:
    """What the vendor's pages do when a step is finished: it is done, the next one starts."""

    async with scoped(db, Scope(tenant.id)):
        part = await db.scalar(
            select(WorkOrderPart).where(
                WorkOrderPart.work_order_id == order_id, WorkOrderPart.part_number == part_number
            )
        )
        steps = list(
            await db.scalars(select(ProcessStep).where(ProcessStep.part_id == part.id).order_by(ProcessStep.position))
        )
        current = next(s for s in steps if s.status != "done")
        current.status = "done"
        following = steps[steps.index(current) + 1 :]
        if following:
            following[0].status = "in_progress"
        await db.commit()


async def test_following_a_parts_progress_bar(
    live_server, page, tenant, customer_factory, user_factory, db, portico_backend
):
    site = await customer_factory(tenant, "Globex North")
    await helpers.stages(db, tenant)
    wo = await helpers.order(db, tenant, site, "WO-500", parts=2, reached=1, title="Manifold blocks")
    contact = await user_factory(tenant, CUSTOMER_USER, site, first_name="Nora")
    await browser_login(page, live_server, contact.email)

    await page.locator('[data-menu="workorders.orders"]').click()
    await expect(page).to_have_url(f"{live_server}/workorders")
    await page.get_by_role("link", name="WO-500").click()
    await expect(page).to_have_url(f"{live_server}/workorders/{wo.id}")
    bar = page.locator('tr[data-part="P-1"] .wo-bar li')
    await expect(bar).to_have_count(6)
    await expect(bar.nth(0)).to_have_attribute("data-state", "done")
    await expect(bar.nth(1)).to_have_attribute("data-state", "current")
    await expect(bar.nth(1)).to_have_attribute("aria-current", "step")
    await expect(page.locator('tr[data-part="P-1"] [data-now]')).to_have_text(
        re.compile(r"Now: Machining\s+· Mill op 10")
    )
    await page.screenshot(path=f"/tmp/wo-progress-detail-{portico_backend}.png", full_page=True)

    # The vendor finishes Mill op 10, then the hidden Mill op 20 and Deburr (no stage): the bar moves on.
    await _finish_next_step(db, tenant, wo.id, "P-1")
    await page.reload()
    await expect(bar.nth(1)).to_have_attribute("data-state", "current")
    await expect(page.locator('tr[data-part="P-1"] [data-now]')).to_have_text("Now: Machining")  # name hidden
    await _finish_next_step(db, tenant, wo.id, "P-1")
    await page.reload()
    await expect(bar.nth(1)).to_have_attribute("data-state", "done")
    await expect(page.locator('tr[data-part="P-1"] [data-now]')).to_have_text("Next: Inspection")
    await _finish_next_step(db, tenant, wo.id, "P-1")
    await page.reload()
    await expect(bar.nth(2)).to_have_attribute("data-state", "current")
    await expect(bar.nth(3)).to_have_attribute("data-state", "todo")
    # The other part did not move.
    await expect(page.locator('tr[data-part="P-2"] .wo-bar li').nth(1)).to_have_attribute("data-state", "current")
    await expect(page.locator("body")).not_to_contain_text("Mill op 20")


async def test_switching_between_active_and_completed_keeps_the_filters(
    live_server, page, tenant, customer_factory, user_factory, db, portico_backend
):
    site = await customer_factory(tenant, "Globex North")
    await helpers.order(db, tenant, site, "WO-601", part_prefix="GEAR", customer_po="PO-1")
    await helpers.order(db, tenant, site, "WO-602", part_prefix="SHAFT", customer_po="PO-2")
    await helpers.order(db, tenant, site, "WO-603", status="completed", part_prefix="GEAR")
    await helpers.order(db, tenant, site, "WO-604", status="completed", part_prefix="SHAFT")
    contact = await user_factory(tenant, CUSTOMER_USER, site)
    await browser_login(page, live_server, contact.email)
    await page.goto(f"{live_server}/workorders")
    rows = page.locator("tr[data-order]")
    await expect(rows).to_have_count(2)

    await page.fill("#f-part", "gear")
    await page.get_by_role("button", name="Search").click()
    await expect(rows).to_have_count(1)
    await expect(rows.first).to_have_attribute("data-order", "WO-601")
    await page.screenshot(path=f"/tmp/wo-progress-list-{portico_backend}.png", full_page=True)

    await page.click("#switch-view")
    await expect(page.locator("main h1")).to_have_text("Completed work orders")
    await expect(rows).to_have_count(1)
    await expect(rows.first).to_have_attribute("data-order", "WO-603")
    await expect(page.locator("#f-part")).to_have_value("gear")

    await page.click("#switch-view")
    await expect(page.locator("main h1")).to_have_text("Active work orders")
    await expect(rows.first).to_have_attribute("data-order", "WO-601")

    await page.click("#clear-filters")
    await expect(rows).to_have_count(2)


async def test_staff_see_the_send_button(live_server, page, tenant, customer_factory, user_factory, db):
    site = await customer_factory(tenant, "Globex North")
    wo = await helpers.order(db, tenant, site, "WO-700")
    admin = await user_factory(tenant, VENDOR_ADMIN)
    await browser_login(page, live_server, admin.email)
    await page.goto(f"{live_server}/workorders/{wo.id}")
    await expect(page.locator("[data-send]")).to_be_visible()
