"""Demo data: staff notes on the demo work orders, one with a picture the admin page shows."""

from __future__ import annotations

from sqlalchemy import select

from core import Scope, SeedContext, scoped
from plugins.workorders.manage import feature
from plugins.workorders.models import WorkOrderNote


async def test_demo_notes_land_on_the_work_orders(portico, admin, tenant, site, staff, make_order, db):
    first = await make_order(tenant, site, "WO-00001")
    await make_order(tenant, site, "WO-00002")
    seed = SeedContext(
        tenant_id=tenant.id,
        parent_customer_id=site.parent_id,
        site_customer_ids=(site.id,),
        staff_user_ids=(staff.id,),
        contact_user_ids=(),
        portico=portico,
    )
    async with scoped(db, Scope(tenant.id)):
        await feature.portico_seed_demo(db, seed)
        await db.commit()
        notes = list(await db.scalars(select(WorkOrderNote).order_by(WorkOrderNote.id)))
    assert [n.work_order_id for n in notes][:1] == [first.id] and len(notes) == 2
    pictured = notes[1]
    assert pictured.picture_type == "image/png" and pictured.author_id == staff.id
    page = await admin.get(f"/admin/workorders/{pictured.work_order_id}")
    assert "First article measured" in page.text
    picture = await admin.get(f"/admin/workorders/{pictured.work_order_id}/notes/{pictured.id}/picture")
    assert picture.status_code == 200 and picture.content.startswith(b"\x89PNG")


async def test_demo_without_work_orders_adds_nothing(tenant, site, db):
    seed = SeedContext(tenant.id, site.parent_id, (site.id,), (), ())
    async with scoped(db, Scope(tenant.id)):
        await feature.portico_seed_demo(db, seed)
        assert list(await db.scalars(select(WorkOrderNote))) == []
