"""The vendor's work order pages: list, create and edit, parts and steps, notes and pictures."""

from __future__ import annotations

import re

from sqlalchemy import select

from core import CUSTOMER_ADMIN, Scope, scoped
from plugins.workorders.models import ProcessStep, WorkOrder, WorkOrderNote, WorkOrderPart

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)


async def _rows(db, tenant, model, *where):
    async with scoped(db, Scope(tenant.id)):
        query = select(model).where(*where).order_by(model.id).execution_options(populate_existing=True)
        return list(await db.scalars(query))


async def test_new_form_suggests_the_next_number_and_creates(admin, tenant, site, db, make_order):
    await make_order(tenant, site, "WO-00041")
    page = await admin.get(f"/admin/workorders/new?customer_id={site.id}")
    assert page.status_code == 200 and 'value="WO-00042"' in page.text
    response = await admin.post(
        "/admin/workorders",
        {
            "customer_id": str(site.id),
            "number": "WO-00042",
            "title": "Brackets",
            "kind": "production",
            "status": "planned",
            "customer_po": "PO-77",
            "due_on": "2026-12-24",
            "notes": "Rush",
            "contact_id": "",
        },
    )
    assert response.status_code == 302
    [order] = await _rows(db, tenant, WorkOrder, WorkOrder.number == "WO-00042")
    assert response.headers["location"] == f"/admin/workorders/{order.id}"
    assert (order.customer_po, order.title, str(order.due_on)) == ("PO-77", "Brackets", "2026-12-24")
    detail = await admin.get(f"/admin/workorders/{order.id}")
    assert "Brackets" in detail.text and "PO-77" in detail.text
    assert f"/admin/documents/workorders.order/{order.id}/send" in detail.text


async def test_bad_form_comes_back_with_messages_and_what_was_typed(admin, tenant, site, make_order, customer_factory):
    await make_order(tenant, site, "WO-00001")
    response = await admin.post(
        "/admin/workorders",
        {
            "customer_id": "",
            "number": "WO-00001",
            "title": "Typed title",
            "kind": "production",
            "status": "nope",
            "customer_po": "PO-9",
            "due_on": "24.12.2026",
        },
    )
    assert response.status_code == 400
    text = response.text
    assert "Choose a customer account." in text
    assert "Work order WO-00001 already exists." in text
    assert "Enter a date as YYYY-MM-DD." in text and "Choose one of:" in text
    assert 'value="Typed title"' in text and 'value="PO-9"' in text and 'value="24.12.2026"' in text


async def test_contact_must_belong_to_the_site(admin, tenant, site, customer_factory, user_factory):
    other = await customer_factory(tenant, "Initech")
    stranger = await user_factory(tenant, CUSTOMER_ADMIN, other)
    response = await admin.post(
        "/admin/workorders",
        {
            "customer_id": str(site.id),
            "number": "WO-1",
            "kind": "service",
            "status": "planned",
            "contact_id": str(stranger.id),
        },
    )
    assert response.status_code == 400 and "Choose a contact of this customer account." in response.text


async def test_another_vendors_customer_is_refused(admin, tenant, tenant_factory, customer_factory):
    foreign = await customer_factory(await tenant_factory("other"), "Foreign site")
    response = await admin.post(
        "/admin/workorders", {"customer_id": str(foreign.id), "number": "WO-1", "kind": "service", "status": "planned"}
    )
    assert response.status_code == 400 and "Choose a customer account." in response.text


async def test_list_filters_by_status_and_searches_number_po_and_customer(
    admin, tenant, site, customer_factory, make_order
):
    other = await customer_factory(tenant, "Initech")
    await make_order(tenant, site, "WO-00001", customer_po="PO-A1")
    await make_order(tenant, other, "WO-00002", status="completed")
    await make_order(tenant, other, "WO-00003", customer_po="PO-B2", status="on_hold")
    active = (await admin.get("/admin/workorders")).text
    assert "WO-00001" in active and "WO-00003" in active and "WO-00002" not in active
    closed = (await admin.get("/admin/workorders?status=closed")).text
    assert "WO-00002" in closed and "WO-00001" not in closed and "WO-00003" not in closed
    on_hold = (await admin.get("/admin/workorders?status=on_hold")).text
    assert "WO-00003" in on_hold and "WO-00002" not in on_hold
    assert "WO-00003" in (await admin.get("/admin/workorders?status=&q=po-b2")).text
    by_customer = (await admin.get("/admin/workorders?status=&q=initech")).text
    assert "WO-00002" in by_customer and "WO-00003" in by_customer and "WO-00001" not in by_customer
    assert "WO-00001" in (await admin.get("/admin/workorders?q=00001")).text


async def test_list_pages(admin, tenant, site, make_order):
    for number in range(1, 53):
        await make_order(tenant, site, f"WO-{number:05d}", parts=())
    first = (await admin.get("/admin/workorders")).text
    assert "WO-00052" in first and "WO-00002" not in first and 'rel="next"' in first
    second = (await admin.get("/admin/workorders?page=2")).text
    assert "WO-00002" in second and "WO-00001" in second and "WO-00052" not in second and 'rel="next"' not in second


async def test_edit_saves_and_moving_to_another_site_moves_the_children(
    admin, tenant, site, customer_factory, make_order, db
):
    south = await customer_factory(tenant, "Globex South")
    south_id = south.id
    order = await make_order(tenant, site)
    form = (await admin.get(f"/admin/workorders/{order.id}/edit")).text
    assert 'value="WO-00001"' in form
    response = await admin.post(
        f"/admin/workorders/{order.id}",
        {
            "customer_id": str(south.id),
            "number": "WO-00001",
            "title": "Moved",
            "kind": "install",
            "status": "on_hold",
            "customer_po": "",
            "due_on": "",
            "notes": "",
            "contact_id": "",
        },
    )
    assert response.status_code == 302
    [saved] = await _rows(db, tenant, WorkOrder, WorkOrder.id == order.id)
    assert (saved.customer_id, saved.title, saved.kind, saved.status) == (south_id, "Moved", "install", "on_hold")
    assert {p.customer_id for p in await _rows(db, tenant, WorkOrderPart)} == {south_id}
    assert {s.customer_id for s in await _rows(db, tenant, ProcessStep)} == {south_id}


async def test_parts_and_steps_are_added_edited_reordered_copied_and_removed(
    admin, tenant, site, make_order, make_tag, db
):
    tag = await make_tag(tenant, "Paint")
    order = await make_order(tenant, site, parts=())
    base = f"/admin/workorders/{order.id}"
    bad = await admin.post(f"{base}/parts", {"part_number": "", "description": "Left", "quantity": "-2"})
    assert bad.status_code == 400
    assert "This field is required." in bad.text and "The quantity must be more than 0." in bad.text
    assert 'value="Left"' in bad.text and 'value="-2"' in bad.text
    assert (
        await admin.post(f"{base}/parts", {"part_number": "BR-1", "description": "", "quantity": "2,5"})
    ).status_code == 302
    [part] = await _rows(db, tenant, WorkOrderPart)
    assert str(part.quantity.normalize()) == "2.5"
    for name in ("Saw", "Weld", "Paint"):
        data = {"name": name, "tag_id": str(tag.id) if name == "Paint" else "", "name_visible": "1"}
        assert (await admin.post(f"{base}/parts/{part.id}/steps", data)).status_code == 302
    bad_step = await admin.post(f"{base}/parts/{part.id}/steps", {"name": "", "tag_id": "999999"})
    assert bad_step.status_code == 400 and "Choose one of your tags." in bad_step.text
    saw, weld, paint = await _rows(db, tenant, ProcessStep)
    assert paint.tag_id == tag.id and saw.tag_id is None
    await admin.post(f"{base}/parts/{part.id}/steps/{paint.id}/reorder", {"direction": "up"})
    await admin.post(f"{base}/parts/{part.id}/steps/{weld.id}", {"name": "Weld (TIG)", "tag_id": ""})
    steps = sorted(await _rows(db, tenant, ProcessStep), key=lambda s: s.position)
    assert [s.name for s in steps] == ["Saw", "Paint", "Weld (TIG)"]
    assert steps[2].name_visible is False  # the box was not ticked
    assert (await admin.post(f"{base}/parts", {"part_number": "BR-2", "quantity": "1"})).status_code == 302
    second = (await _rows(db, tenant, WorkOrderPart, WorkOrderPart.part_number == "BR-2"))[0]
    copied = await admin.post(f"{base}/parts/{second.id}/copy-steps", {"source_id": str(part.id)})
    assert copied.status_code == 302
    copies = await _rows(db, tenant, ProcessStep, ProcessStep.part_id == second.id)
    assert [s.name for s in sorted(copies, key=lambda s: s.position)] == ["Saw", "Paint", "Weld (TIG)"]
    await admin.post(f"{base}/parts/{part.id}/steps/{saw.id}/delete")
    assert [s.position for s in await _rows(db, tenant, ProcessStep, ProcessStep.part_id == part.id)] == [2, 1]
    await admin.post(f"{base}/parts/{part.id}/delete")
    assert [p.part_number for p in await _rows(db, tenant, WorkOrderPart)] == ["BR-2"]


async def test_a_part_of_another_work_order_is_not_found(admin, tenant, site, make_order, db):
    first = await make_order(tenant, site, "WO-1")
    second = await make_order(tenant, site, "WO-2")
    [part] = await _rows(db, tenant, WorkOrderPart, WorkOrderPart.work_order_id == second.id)
    response = await admin.post(f"/admin/workorders/{first.id}/parts/{part.id}/move", {"action": "start"})
    assert response.status_code == 404


async def test_notes_with_a_picture_typed_by_its_bytes(admin, tenant, site, make_order, db):
    order = await make_order(tenant, site)
    base = f"/admin/workorders/{order.id}"
    empty = await admin.post(f"{base}/notes", {"body": " "}, files={"picture": ("", b"", "application/octet-stream")})
    assert empty.status_code == 400 and "Write a note or choose a picture." in empty.text
    fake = await admin.post(
        f"{base}/notes", {"body": "Look"}, files={"picture": ("x.png", b"<html>hi</html>", "image/png")}
    )
    assert fake.status_code == 400 and "PNG, JPEG, GIF or WebP" in fake.text and "Look" in fake.text
    ok = await admin.post(f"{base}/notes", {"body": "Primer done"}, files={"picture": ("shot.bin", PNG, "text/plain")})
    assert ok.status_code == 302
    [note] = await _rows(db, tenant, WorkOrderNote)
    assert note.picture_type == "image/png" and note.from_customer is False
    page = (await admin.get(base)).text
    assert "Primer done" in page
    picture = await admin.get(f"{base}/notes/{note.id}/picture")
    assert picture.status_code == 200 and picture.content == PNG
    assert (
        picture.headers["content-type"].startswith("image/png")
        and picture.headers["x-content-type-options"] == "nosniff"
    )
    assert (await admin.post(f"{base}/notes/{note.id}/delete")).status_code == 302
    assert await _rows(db, tenant, WorkOrderNote) == []
    assert (await admin.get(f"{base}/notes/{note.id}/picture")).status_code == 404


async def test_customers_cannot_open_the_admin_pages(tenant, site, make_order, user_factory, login_as):
    order = await make_order(tenant, site)
    contact = await login_as(await user_factory(tenant, CUSTOMER_ADMIN, site))
    assert (await contact.get("/admin/workorders")).status_code == 403
    assert (await contact.get(f"/admin/workorders/{order.id}")).status_code == 403


async def test_admin_menu_has_the_entry(admin):
    page = (await admin.get("/admin/workorders")).text
    assert re.search(r'data-menu="workorders.manage"', page)


async def test_part_edit_sets_the_quantity_done(admin, tenant, site, make_order, db):
    order = await make_order(tenant, site)
    [part] = await _rows(db, tenant, WorkOrderPart)
    url = f"/admin/workorders/{order.id}/parts/{part.id}"
    bad = await admin.post(url, {"part_number": "P-1", "quantity": "10", "quantity_done": "-1"})
    assert bad.status_code == 400 and "It cannot be negative." in bad.text and 'value="-1"' in bad.text
    ok = await admin.post(url, {"part_number": "P-1", "description": "Bracket", "quantity": "10", "quantity_done": "4"})
    assert ok.status_code == 302
    [part] = await _rows(db, tenant, WorkOrderPart)
    assert (part.description, int(part.quantity_done)) == ("Bracket", 4)
    assert "Quantity 4 of 10 done" in (await admin.get(f"/admin/workorders/{order.id}")).text


async def test_a_number_taken_between_check_and_save_is_a_400_not_a_500(admin, tenant, site, make_order, monkeypatch):
    """Two people saving the same number at once: the database's unique constraint decides."""
    from plugins.workorders.manage import checks

    await make_order(tenant, site, "WO-00009")

    async def unchecked(ctx, number, order_id, field="number"):
        return number

    monkeypatch.setattr(checks, "number_free", unchecked)
    response = await admin.post(
        "/admin/workorders", {"customer_id": str(site.id), "number": "WO-00009", "kind": "service", "status": "planned"}
    )
    assert response.status_code == 400 and "Work order WO-00009 already exists." in response.text
