"""The vendor's types of work: adding, editing, switching off, and choosing the customers."""

from __future__ import annotations

import html

from sqlalchemy import select

from core import Scope, scoped
from plugins.workorders.models import WorkType, WorkTypeCustomer


async def test_add_a_type_for_some_customers_only(shop, login_as, db):
    admin = await login_as(shop.admin)
    page = await admin.get("/admin/workorders/work-types")
    assert page.status_code == 200 and "Calibration" in page.text and "Globex North Plant" in page.text
    refused = await admin.post("/admin/workorders/work-types", {"name": "Welding", "description": "On site"})
    assert refused.status_code == 400
    assert "Choose the customers who may request this type of work" in html.unescape(refused.text)
    assert 'value="Welding"' in refused.text and "On site" in refused.text
    nameless = await admin.post("/admin/workorders/work-types", {"name": "", "all_customers": "1", "active": "1"})
    assert nameless.status_code == 400 and "Give the type of work a name." in nameless.text
    unknown = await admin.post("/admin/workorders/work-types", {"name": "X", "customer_ids": "999999", "active": "1"})
    assert unknown.status_code == 400 and "That customer account does not exist." in unknown.text
    added = await admin.post(
        "/admin/workorders/work-types",
        {"name": "Welding", "active": "1", "customer_ids": str(shop.parent.id), "position": "5"},
    )
    assert added.status_code == 302
    async with scoped(db, Scope(shop.tenant.id)):
        welding = await db.scalar(select(WorkType).where(WorkType.name == "Welding"))
        allowed = list(
            await db.scalars(select(WorkTypeCustomer.customer_id).where(WorkTypeCustomer.work_type_id == welding.id))
        )
    assert welding.active and not welding.all_customers and allowed == [shop.parent.id]
    # Allowed for the parent account: its sites may request it, another customer may not.
    south_form = await (await login_as(shop.south_user)).get("/workorders/requests/new")
    assert ">Welding<" in south_form.text


async def test_edit_and_switch_off_a_type(shop, login_as, db):
    admin = await login_as(shop.admin)
    edit = await admin.get(f"/admin/workorders/work-types/{shop.north_only.id}")
    assert edit.status_code == 200 and 'value="Calibration"' in edit.text
    saved = await admin.post(
        f"/admin/workorders/work-types/{shop.north_only.id}",
        {"name": "Calibration on site", "active": "1", "customer_ids": str(shop.south.id)},
    )
    assert saved.status_code == 302
    north_form = await (await login_as(shop.north_user)).get("/workorders/requests/new")
    assert "Calibration on site" not in north_form.text
    south = await login_as(shop.south_user)
    assert "Calibration on site" in (await south.get("/workorders/requests/new")).text
    off = await admin.post(f"/admin/workorders/work-types/{shop.north_only.id}/active", {"active": "0"})
    assert off.status_code == 302
    assert "Calibration on site" not in (await south.get("/workorders/requests/new")).text
    bad = await admin.post(f"/admin/workorders/work-types/{shop.north_only.id}", {"name": "", "position": "x"})
    assert bad.status_code == 400 and "Enter a whole number from -99999 to 999999." in bad.text
    assert "Give the type of work a name." in bad.text  # the kernel's refusal and the form's own, at once
    assert (await admin.get("/admin/workorders/work-types/999999")).status_code == 404
