"""Customers' notes and pictures on a work order: the settings, the permission, the checks."""

from __future__ import annotations

from sqlalchemy import select

from core import CUSTOMER_USER, VENDOR_ADMIN, create_customer
from core.accounts import role_by_key, scoped, set_role_permissions
from core.db import Scope
from plugins.workorders.models import WorkOrderNote
from plugins.workorders.progress.demo import tiny_png
from tests.workorders.progress import helpers


async def _notes(db, tenant) -> list[WorkOrderNote]:
    async with scoped(db, Scope(tenant.id)):
        rows = list(await db.scalars(select(WorkOrderNote).order_by(WorkOrderNote.id)))
        await db.commit()
        return rows


async def _order_and_contact(tenant, customer_factory, user_factory, login_as, db):
    site = await customer_factory(tenant, "North")
    wo = await helpers.order(db, tenant, site, "WO-1")
    client = await login_as(await user_factory(tenant, CUSTOMER_USER, site))
    return site, wo, client


async def test_a_contact_adds_a_note_with_a_picture(tenant, customer_factory, user_factory, login_as, db, portico):
    site, wo, client = await _order_and_contact(tenant, customer_factory, user_factory, login_as, db)
    png = tiny_png()
    response = await client.post(
        f"/workorders/{wo.id}/notes",
        {"body": "Deliver to gate 3, please."},
        files={"picture": ("C:\\photos\\gate<3>.PNG", png, "text/html")},
    )
    assert response.status_code == 302 and response.headers["location"] == f"/workorders/{wo.id}#notes"
    [note] = await _notes(db, tenant)
    assert note.from_customer and note.body == "Deliver to gate 3, please." and note.customer_id == site.id
    assert note.picture_type == "image/png" and note.picture_name == "gate<3>.png"  # the type comes from the bytes
    assert await portico.storage.read(note.picture_key) == png
    page = (await client.get(f"/workorders/{wo.id}")).text
    assert "Deliver to gate 3, please." in page and "Your note was added." in page
    picture = await client.get(f"/workorders/{wo.id}/notes/{note.id}/picture")
    assert picture.status_code == 200 and picture.content == png
    assert picture.headers["content-type"] == "image/png" and picture.headers["x-content-type-options"] == "nosniff"


async def test_refused_input_re_renders_the_form_with_the_message_and_keeps_the_text(
    tenant, customer_factory, user_factory, login_as, db
):
    site, wo, client = await _order_and_contact(tenant, customer_factory, user_factory, login_as, db)
    html = await client.post(
        f"/workorders/{wo.id}/notes", {"body": "See the drawing"}, files={"picture": ("x.png", b"<html>hi</html>")}
    )
    assert html.status_code == 400
    assert "Add a picture as a PNG, JPEG, GIF or WebP image." in html.text and "See the drawing</textarea>" in html.text
    pdf = await client.post(f"/workorders/{wo.id}/notes", {"body": "x"}, files={"picture": ("a.png", b"%PDF-1.4 x")})
    assert pdf.status_code == 400  # an accepted file type, but not a picture
    empty = await client.post(f"/workorders/{wo.id}/notes", {"body": "   "})
    assert empty.status_code == 400 and "Write a note or add a picture." in empty.text
    assert await _notes(db, tenant) == []


async def test_another_sites_order_is_not_found(tenant, customer_factory, user_factory, login_as, db):
    site, wo, client = await _order_and_contact(tenant, customer_factory, user_factory, login_as, db)
    other = await customer_factory(tenant, "Elsewhere")
    theirs = await helpers.order(db, tenant, other, "WO-2")
    assert (await client.post(f"/workorders/{theirs.id}/notes", {"body": "hello"})).status_code == 404
    assert (await client.get(f"/workorders/{theirs.id}")).status_code == 404
    assert (await client.post("/workorders/999999/notes", {"body": "hello"})).status_code == 404
    assert await _notes(db, tenant) == []


async def test_notes_refused_by_the_vendor_answer_403_with_a_message(
    tenant, customer_factory, user_factory, login_as, db
):
    site, wo, client = await _order_and_contact(tenant, customer_factory, user_factory, login_as, db)
    await helpers.settings(db, tenant, customers_add_notes=False)
    page = (await client.get(f"/workorders/{wo.id}")).text
    assert 'id="add-note"' not in page and 'id="notes"' in page  # notes still shown, no form
    refused = await client.post(f"/workorders/{wo.id}/notes", {"body": "hello"})
    assert refused.status_code == 403
    assert "Your vendor does not take notes from customers on work orders." in refused.text
    assert await _notes(db, tenant) == []


async def test_a_role_without_the_permission_gets_403_and_no_form(
    tenant, customer_factory, user_factory, login_as, db, portico
):
    site, wo, client = await _order_and_contact(tenant, customer_factory, user_factory, login_as, db)
    async with scoped(db, Scope(tenant.id)):
        role = await role_by_key(db, CUSTOMER_USER)
        await set_role_permissions(db, portico.plugins, role.id, ["workorders.view"], ["workorders"])
        await db.commit()
    assert 'id="add-note"' not in (await client.get(f"/workorders/{wo.id}")).text
    refused = await client.post(f"/workorders/{wo.id}/notes", {"body": "hello"})
    assert refused.status_code == 403
    staff = await login_as(await user_factory(tenant, VENDOR_ADMIN))
    assert (await staff.post(f"/workorders/{wo.id}/notes", {"body": "hello"})).status_code == 403
    assert await _notes(db, tenant) == []


async def test_show_notes_and_show_pictures_settings(tenant, customer_factory, user_factory, login_as, db):
    site, wo, client = await _order_and_contact(tenant, customer_factory, user_factory, login_as, db)
    await client.post(f"/workorders/{wo.id}/notes", {"body": "Gate 3"}, files={"picture": ("g.png", tiny_png())})
    [note] = await _notes(db, tenant)
    picture_url = f"/workorders/{wo.id}/notes/{note.id}/picture"

    await helpers.settings(db, tenant, show_pictures=False)
    page = (await client.get(f"/workorders/{wo.id}")).text
    assert "Gate 3" in page and picture_url not in page and 'name="picture"' not in page
    assert (await client.get(picture_url)).status_code == 404
    refused = await client.post(f"/workorders/{wo.id}/notes", {"body": "x"}, files={"picture": ("g.png", tiny_png())})
    assert refused.status_code == 400 and "Pictures are not taken on work orders." in refused.text

    await helpers.settings(db, tenant, show_pictures=True, show_notes=False)
    page = (await client.get(f"/workorders/{wo.id}")).text
    assert "Gate 3" not in page and 'id="notes"' not in page
    assert (await client.get(picture_url)).status_code == 404
    # Customers may add notes only while notes are shown.
    assert (await client.post(f"/workorders/{wo.id}/notes", {"body": "hello"})).status_code == 403

    await helpers.settings(db, tenant, show_notes=True)
    page = (await client.get(f"/workorders/{wo.id}")).text
    assert "Gate 3" in page and picture_url in page


async def test_an_order_in_a_status_customers_do_not_see_is_not_found(
    tenant, customer_factory, user_factory, login_as, db
):
    site = await customer_factory(tenant, "North")
    wo = await helpers.order(db, tenant, site, "WO-9", status="cancelled")
    client = await login_as(await user_factory(tenant, CUSTOMER_USER, site))
    assert (await client.get(f"/workorders/{wo.id}")).status_code == 404
    assert (await client.post(f"/workorders/{wo.id}/notes", {"body": "x"})).status_code == 404
    await helpers.settings(db, tenant, customer_statuses=["cancelled"])
    assert (await client.get(f"/workorders/{wo.id}")).status_code == 200


async def test_a_picture_over_the_upload_limit_is_refused_with_413(portal_factory, db):
    portal = await portal_factory(max_upload_mb=1)
    async with scoped(db, Scope(portal.tenant.id)):
        site = await create_customer(db, "North")
        await db.commit()
    wo = await helpers.order(db, portal.tenant, site, "WO-BIG")
    client = await portal.client(await portal.user(CUSTOMER_USER, site))
    big = tiny_png() + b"\0" * (1024 * 1024)
    refused = await client.post(f"/workorders/{wo.id}/notes", {"body": "Big"}, files={"picture": ("big.png", big)})
    assert refused.status_code == 413
    assert "The file is larger than 1 MB, the most this portal accepts." in refused.text
    assert "Big</textarea>" in refused.text
    assert await _notes(db, portal.tenant) == []
