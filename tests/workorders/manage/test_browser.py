"""In a real browser: a staff member opens a work order and moves a part to its next step."""

from __future__ import annotations

import pytest
from playwright.async_api import expect
from sqlalchemy import select

from core import Scope, scoped
from core.testing import browser_login
from plugins.workorders.models import ProgressEvent, WorkOrderPart

pytestmark = pytest.mark.browser


async def test_staff_moves_a_part_to_its_next_step(
    live_server, page, tenant, site, staff, make_order, make_tag, db, portico_backend
):
    await make_tag(tenant, "Paint")
    order = await make_order(tenant, site, "WO-00007", parts=(("Saw", "Weld", "Powder coat"),), customer_po="PO-31")
    order_id, staff_id = order.id, staff.id
    async with scoped(db, Scope(tenant.id)):
        part_id = await db.scalar(select(WorkOrderPart.id).where(WorkOrderPart.work_order_id == order_id))

    await browser_login(page, live_server, staff.email)
    await page.locator('[data-menu="workorders.manage"]').click()
    await expect(page.locator("#work-orders")).to_contain_text("PO-31")
    await page.get_by_role("link", name="WO-00007").click()
    await expect(page.locator("main h1")).to_contain_text("WO-00007")
    await expect(page.locator("#order-status")).to_have_attribute("data-status", "planned")
    part = page.locator(f"#part-{part_id}")
    await expect(part).to_contain_text("Current step: Saw")

    await part.get_by_role("button", name="Start “Saw”").click()
    part = page.locator(f"#part-{part_id}")
    await expect(part.locator('tr[data-status="in_progress"]')).to_contain_text("Saw")
    await expect(page.locator("#order-status")).to_have_attribute("data-status", "in_progress")
    await part.get_by_role("button", name="Complete “Saw”").click()
    part = page.locator(f"#part-{part_id}")
    await expect(part).to_contain_text("Current step: Weld")
    await expect(page.locator(".flash")).to_contain_text("moved")
    await page.screenshot(path=f"/tmp/wo-manage-detail-{portico_backend}.png", full_page=True)

    async with scoped(db, Scope(tenant.id)):
        events = list(await db.scalars(select(ProgressEvent).order_by(ProgressEvent.id)))
    assert [(e.status, e.user_id) for e in events] == [("in_progress", staff_id), ("done", staff_id)]

    # Setting the position jumps to the end: every step done, the work order completed.
    await part.locator(f"#position-{part_id}").select_option(label="Every step done")
    await part.get_by_role("button", name="Set", exact=True).click()
    await expect(page.locator("#order-status")).to_have_attribute("data-status", "completed")
    await expect(page.locator(f"#part-{part_id}")).to_contain_text("Every step is done.")

    await page.goto(f"{live_server}/admin/workorders?status=closed")
    await expect(page.locator("#work-orders")).to_contain_text("WO-00007")
    await page.screenshot(path=f"/tmp/wo-manage-list-{portico_backend}.png", full_page=True)


async def test_staff_builds_the_stages_from_a_new_tag(live_server, page, tenant, site, staff, portico_backend):
    await browser_login(page, live_server, staff.email)
    await page.goto(f"{live_server}/admin/workorders/tags")
    await page.locator("#new-tag").fill("Powder coating")
    await page.get_by_role("button", name="Add tag").click()
    await expect(page.locator("#tags input[name=name]")).to_have_value("Powder coating")
    await page.screenshot(path=f"/tmp/wo-manage-tags-{portico_backend}.png", full_page=True)

    await page.goto(f"{live_server}/admin/workorders/stages")
    await page.locator("#new-stage-tag").select_option(label="Powder coating")
    await page.locator("#add-stage").get_by_label("Show multiple").check()
    await page.get_by_role("button", name="Add stage").click()
    await expect(page.locator("#stages")).to_be_visible()
    await expect(page.locator("#stages input[name=name]")).to_have_value("Powder coating")

    await page.locator("#customer_id").select_option(label="— Globex North")
    await page.get_by_role("button", name="Show", exact=True).click()
    await expect(page.locator("main")).to_contain_text("has no list of its own")
    await page.get_by_role("button", name="Start from a copy of the portal's list").click()
    await expect(page.locator("main")).to_contain_text("has its own list of stages")
    await expect(page.locator("#stages input[name=name]")).to_have_value("Powder coating")
    await page.screenshot(path=f"/tmp/wo-manage-stages-{portico_backend}.png", full_page=True)
