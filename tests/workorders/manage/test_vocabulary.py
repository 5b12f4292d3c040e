"""Tags and stages: the vendor's vocabulary for the progress bars customers see."""

from __future__ import annotations

from sqlalchemy import select

from core import Scope, scoped
from plugins.workorders.models import ProcessStep, Stage, Tag


async def _all(db, tenant, model, *where, order=None):
    async with scoped(db, Scope(tenant.id)):
        query = select(model).where(*where).order_by(order if order is not None else model.id)
        return list(await db.scalars(query.execution_options(populate_existing=True)))


async def test_tags_are_added_renamed_and_duplicates_refused(admin, tenant, db):
    assert (await admin.post("/admin/workorders/tags", {"name": "Paint"})).status_code == 302
    duplicate = await admin.post("/admin/workorders/tags", {"name": "paint"})
    assert (
        duplicate.status_code == 400
        and "There is already a tag" in duplicate.text
        and 'value="paint"' in duplicate.text
    )
    empty = await admin.post("/admin/workorders/tags", {"name": "  "})
    assert empty.status_code == 400 and "This field is required." in empty.text
    [tag] = await _all(db, tenant, Tag)
    assert (await admin.post(f"/admin/workorders/tags/{tag.id}", {"name": "Coating"})).status_code == 302
    assert [t.name for t in await _all(db, tenant, Tag)] == ["Coating"]
    assert "Coating" in (await admin.get("/admin/workorders/tags")).text


async def test_a_used_tag_is_not_deleted_and_the_page_says_why(admin, tenant, site, make_order, make_tag, db):
    used = await make_tag(tenant, "Paint")
    unused = await make_tag(tenant, "Spare")
    used_id, unused_id = used.id, unused.id
    order = await make_order(tenant, site)
    async with scoped(db, Scope(tenant.id)):
        step = await db.scalar(select(ProcessStep).where(ProcessStep.work_order_id == order.id).limit(1))
        step.tag_id = used_id
        db.add(Stage(name="Painting", tag_id=used_id, position=1))
        await db.commit()
    refused = await admin.post(f"/admin/workorders/tags/{used_id}/delete")
    assert refused.status_code == 409
    assert "still used by 1 steps and 1 stages" in refused.text
    assert (await admin.post(f"/admin/workorders/tags/{unused_id}/delete")).status_code == 302
    assert [t.name for t in await _all(db, tenant, Tag)] == ["Paint"]


async def test_another_vendors_tag_is_not_found(admin, tenant_factory, make_tag):
    foreign = await make_tag(await tenant_factory("other"), "Theirs")
    assert (await admin.post(f"/admin/workorders/tags/{foreign.id}/delete")).status_code == 404
    assert (await admin.post(f"/admin/workorders/tags/{foreign.id}", {"name": "Mine"})).status_code == 404


async def test_the_portals_stages_are_added_edited_reordered_and_removed(admin, tenant, make_tag, db):
    machining, paint = await make_tag(tenant, "Machining"), await make_tag(tenant, "Paint")
    machining_id, paint_id = machining.id, paint.id
    bad = await admin.post("/admin/workorders/stages", {"tag_id": "", "name": "Kept name"})
    assert bad.status_code == 400 and "Choose the tag the stage is built from." in bad.text and "Kept name" in bad.text
    await admin.post("/admin/workorders/stages", {"tag_id": str(machining_id), "name": "", "show_multiple": "1"})
    await admin.post("/admin/workorders/stages", {"tag_id": str(paint_id), "name": "Coating"})
    first, second = await _all(db, tenant, Stage, order=Stage.position)
    assert (first.name, first.show_multiple, first.customer_id) == ("Machining", True, None)  # the tag's name
    assert (second.name, second.show_multiple) == ("Coating", False)
    await admin.post(f"/admin/workorders/stages/{second.id}/reorder", {"direction": "up"})
    assert [s.name for s in await _all(db, tenant, Stage, order=Stage.position)] == ["Coating", "Machining"]
    await admin.post(f"/admin/workorders/stages/{first.id}", {"tag_id": str(machining_id), "name": "Cutting"})
    edited = await _all(db, tenant, Stage, Stage.id == first.id)
    assert edited[0].name == "Cutting" and edited[0].show_multiple is False
    await admin.post(f"/admin/workorders/stages/{second.id}/delete")
    assert [(s.name, s.position) for s in await _all(db, tenant, Stage)] == [("Cutting", 1)]


async def test_a_customer_gets_its_own_list_and_can_go_back(admin, tenant, site, make_tag, db):
    tag = await make_tag(tenant, "Paint")
    tag_id, site_id = tag.id, site.id
    await admin.post("/admin/workorders/stages", {"tag_id": str(tag_id), "name": "Painting"})
    page = await admin.get(f"/admin/workorders/stages?customer_id={site_id}")
    assert "has no list of its own" in page.text
    await admin.post("/admin/workorders/stages/copy-default", {"customer_id": str(site_id)})
    await admin.post(
        "/admin/workorders/stages", {"customer_id": str(site_id), "tag_id": str(tag_id), "name": "Touch-up"}
    )
    own = await _all(db, tenant, Stage, Stage.customer_id == site_id, order=Stage.position)
    assert [s.name for s in own] == ["Painting", "Touch-up"]
    assert [s.name for s in await _all(db, tenant, Stage, Stage.customer_id.is_(None))] == ["Painting"]
    page = await admin.get(f"/admin/workorders/stages?customer_id={site_id}")
    assert "has its own list of stages" in page.text and "Touch-up" in page.text
    await admin.post("/admin/workorders/stages/clear", {"customer_id": str(site_id)})
    assert await _all(db, tenant, Stage, Stage.customer_id == site_id) == []


async def test_another_vendors_customer_has_no_stages_page(admin, tenant_factory, customer_factory):
    foreign = await customer_factory(await tenant_factory("other"), "Foreign")
    assert (await admin.get(f"/admin/workorders/stages?customer_id={foreign.id}")).status_code == 404
    response = await admin.post("/admin/workorders/stages/copy-default", {"customer_id": str(foreign.id)})
    assert response.status_code == 404
