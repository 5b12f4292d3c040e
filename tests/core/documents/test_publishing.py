"""Sending documents: a record reaches the customer only once its PDF was sent to them."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core import CUSTOMER_ADMIN, CUSTOMER_USER, VENDOR_ADMIN, VENDOR_STAFF
from core.accounts import scoped
from core.db import Scope
from core.documents import Publication
from core.mail import OutboxMessage
from tests.core import example_plugin
from tests.core.documents.pdfcheck import pdf_info
from tests.core.example_plugin import Note


@pytest.fixture
def portico_extra_plugins():
    return [example_plugin]


@pytest.fixture
async def shop(tenant_factory, customer_factory, user_factory, db):
    """A vendor with a parent customer and two sites, their contacts, and a note per site."""
    tenant = await tenant_factory("acme", "Zanzibar Tooling")
    parent = await customer_factory(tenant, "Globex")
    north = await customer_factory(tenant, "Globex North", parent)
    south = await customer_factory(tenant, "Globex South", parent)
    people = {
        "staff": await user_factory(tenant, VENDOR_ADMIN, first_name="Stan"),
        "buyer": await user_factory(tenant, CUSTOMER_ADMIN, parent, first_name="Bea"),
        "north": await user_factory(tenant, CUSTOMER_USER, north, first_name="Nora"),
        "south": await user_factory(tenant, CUSTOMER_USER, south, first_name="Sid"),
        "gone": await user_factory(tenant, CUSTOMER_USER, north, first_name="Gus"),
    }
    for person in people.values():
        person.last_name = ""
    people["gone"].active = False
    async with scoped(db, Scope(tenant.id)):
        for person in people.values():
            await db.merge(person)
        notes = {
            "north": Note(customer_id=north.id, title="Nut torque values", body="Torque to 40 Nm.", from_vendor=True),
            "south": Note(customer_id=south.id, title="South crane inspection", body="Due in March.", from_vendor=True),
            "parent": Note(customer_id=parent.id, title="Group pricing", body="Valid all year.", from_vendor=True),
        }
        db.add_all(notes.values())
        await db.commit()
    return tenant, people, notes


async def send(client, note, *contacts, message=""):
    return await client.post(
        f"/admin/documents/notes.note/{note.id}/send",
        {"contact": [str(c.id) for c in contacts], "message": message},
    )


async def test_an_unsent_note_is_invisible_until_sent(shop, login_as, db):
    tenant, people, notes = shop
    nora = await login_as(people["north"])
    note = notes["north"]
    assert "Nut torque values" not in (await nora.get("/notes")).text
    assert (await nora.get(f"/notes/{note.id}")).status_code == 404
    assert (await nora.get(f"/documents/notes.note/{note.id}/pdf")).status_code == 404

    staff = await login_as(people["staff"])
    page = await staff.get(f"/admin/documents/notes.note/{note.id}/send")
    assert page.status_code == 200 and "Nora" in page.text and "Bea" in page.text
    assert "Sid" not in page.text and "Gus" not in page.text  # a sibling site's and an inactive contact
    sent = await send(staff, note, people["north"], message="Please check the values.")
    assert sent.status_code == 302, sent.text[:500]
    assert sent.headers["location"] == f"/notes/{note.id}"
    shown = await staff.get(f"/notes/{note.id}")
    assert "Note sent to Nora" in shown.text and "data-send" in shown.text

    listing = await nora.get("/notes")
    assert listing.text.count('class="note"') == 1 and "Nut torque values" in listing.text
    detail = await nora.get(f"/notes/{note.id}")
    assert detail.status_code == 200 and "data-pdf" in detail.text and "data-send" not in detail.text
    download = await nora.get(f"/documents/notes.note/{note.id}/pdf")
    assert download.status_code == 200
    assert download.headers["content-type"] == "application/pdf"
    assert download.headers["content-disposition"].startswith(f'attachment; filename="note-{note.id}.pdf"')
    assert int(download.headers["content-length"]) == len(download.content)
    assert download.content.startswith(b"%PDF")
    assert pdf_info(download.content, "Author") == "Zanzibar Tooling"
    assert pdf_info(download.content, "Title") == "Note Nut torque values"
    # The sibling site still sees nothing of it.
    sid = await login_as(people["south"])
    assert (await sid.get(f"/notes/{note.id}")).status_code == 404
    assert (await sid.get(f"/documents/notes.note/{note.id}/pdf")).status_code == 404
    assert "Nut torque values" not in (await sid.get("/notes")).text

    async with scoped(db, Scope(tenant.id)):
        publication = await db.scalar(select(Publication).where(Publication.record_id == note.id))
        assert publication.version == 1 and publication.pages == 1 and publication.size == len(download.content)
        assert publication.recipients == [{"id": people["north"].id, "email": people["north"].email, "name": "Nora"}]
        assert publication.message == "Please check the values." and publication.sent_by == people["staff"].id
        email = await db.scalar(select(OutboxMessage).where(OutboxMessage.event == "core.document_sent"))
    assert email.recipients == [people["north"].email]
    assert email.subject == "Note: Nut torque values — Zanzibar Tooling"
    assert "Please check the values." in email.text_body and f"/notes/{note.id}" in email.text_body
    assert email.attachments == [
        {"filename": f"note-{note.id}.pdf", "content_type": "application/pdf", "key": publication.storage_key}
    ]


async def test_the_snapshot_stays_until_sent_again(shop, login_as, db):
    tenant, people, notes = shop
    note = notes["north"]
    staff = await login_as(people["staff"])
    nora = await login_as(people["north"])
    assert (await send(staff, note, people["north"])).status_code == 302
    first = (await nora.get(f"/documents/notes.note/{note.id}/pdf")).content
    async with scoped(db, Scope(tenant.id)):
        row = await db.get(Note, note.id)
        row.title = "Nut torque values, revised"
        await db.commit()
    assert (await nora.get(f"/documents/notes.note/{note.id}/pdf")).content == first
    assert (await send(staff, note, people["north"], people["buyer"])).status_code == 302
    second = (await nora.get(f"/documents/notes.note/{note.id}/pdf")).content
    assert second != first and pdf_info(second, "Title") == "Note Nut torque values, revised"
    # Staff can open every version; customers only the last one.
    assert (await staff.get(f"/documents/notes.note/{note.id}/pdf?version=1")).content == first
    assert (await nora.get(f"/documents/notes.note/{note.id}/pdf?version=1")).status_code == 404
    assert (await staff.get(f"/documents/notes.note/{note.id}/pdf?version=3")).status_code == 404
    history = (await staff.get(f"/admin/documents/notes.note/{note.id}/send")).text
    assert 'data-version="2"' in history and 'data-version="1"' in history and "Bea, Nora" in history
    async with scoped(db, Scope(tenant.id)):
        versions = (await db.scalars(select(Publication.version).where(Publication.record_id == note.id))).all()
    assert sorted(versions) == [1, 2]


async def test_sending_refuses_wrong_recipients_and_rerenders_the_form(shop, login_as, db):
    tenant, people, notes = shop
    staff = await login_as(people["staff"])
    nobody = await send(staff, notes["north"], message="Kept text")
    assert nobody.status_code == 400 and "Choose at least one contact" in nobody.text and "Kept text" in nobody.text
    sibling = await send(staff, notes["north"], people["south"])
    assert sibling.status_code == 400 and "Sid" in sibling.text and "cannot receive it" in sibling.text
    inactive = await send(staff, notes["north"], people["gone"])
    assert inactive.status_code == 400
    # A site's contact does not see its parent's records, so cannot be sent the parent's note.
    upward = await send(staff, notes["parent"], people["north"])
    assert upward.status_code == 400
    missing = await staff.post(f"/admin/documents/notes.note/{notes['north'].id}/send", {"contact": ["999999"]})
    assert missing.status_code == 400
    async with scoped(db, Scope(tenant.id)):
        assert await db.scalar(select(Publication.id)) is None
        assert await db.scalar(select(OutboxMessage.id)) is None
    # The parent's buyer sees the sites' records, so may receive a site's note.
    assert (await send(staff, notes["south"], people["buyer"])).status_code == 302
    bea = await login_as(people["buyer"])
    assert (await bea.get(f"/documents/notes.note/{notes['south'].id}/pdf")).status_code == 200


async def test_customers_cannot_send_and_other_vendors_reach_nothing(shop, login_as, tenant_factory, user_factory):
    _tenant, people, notes = shop
    note = notes["north"]
    staff = await login_as(people["staff"])
    assert (await send(staff, note, people["north"])).status_code == 302
    nora = await login_as(people["north"])
    assert (await nora.get(f"/admin/documents/notes.note/{note.id}/send")).status_code in (403, 404)
    assert (await send(nora, note, people["north"])).status_code in (403, 404)

    other = await tenant_factory("other", "Other Vendor")
    intruder = await login_as(await user_factory(other, VENDOR_ADMIN))
    for url in (
        f"/documents/notes.note/{note.id}/pdf",
        f"/documents/notes.note/{note.id}/pdf?version=1",
        f"/admin/documents/notes.note/{note.id}/send",
    ):
        response = await intruder.get(url)
        assert response.status_code == 404, url
        assert "Nut torque" not in response.text
    assert (await send(intruder, note, people["north"])).status_code == 404
    assert (await nora.get(f"/documents/nope.kind/{note.id}/pdf")).status_code == 404


async def test_a_sending_that_loses_the_race_answers_409_with_the_form(shop, login_as, monkeypatch):
    """Two sendings of one record at the same instant take the same version number: the loser's
    flush fails on the unique version, and it gets the form again with a message, not a 500."""
    from core.documents import pages

    tenant, people, notes = shop
    note = notes["north"]
    real_publish = pages.publish

    async def publish_after_a_rival(ctx, doc_type, record, recipients, message=""):
        publication = await real_publish(ctx, doc_type, record, recipients, message=message)
        rival = Publication(
            customer_id=publication.customer_id,
            doc_type=doc_type,
            record_id=record.id,
            version=publication.version,
            storage_key=publication.storage_key,
            filename=publication.filename,
            size=publication.size,
            recipients=[],
        )
        ctx.db.add(rival)  # what the other request committed a moment earlier
        return publication

    monkeypatch.setattr(pages, "publish", publish_after_a_rival)
    staff = await login_as(people["staff"])
    lost = await send(staff, note, people["north"], message="Second try")
    assert lost.status_code == 409
    assert "Someone sent this at the same moment" in lost.text and "Second try" in lost.text


async def test_staff_with_the_modules_staff_permission_send_without_the_customers_view(
    shop, login_as, user_factory, db
):
    """Staff holding the record type's ``staff_permission`` (notes.manage) and the send permission,
    but not the customers' ``notes.view``, get the Send button, the dialog and the PDF."""
    tenant, people, notes = shop
    clerk = await user_factory(tenant, VENDOR_STAFF, first_name="Clara")
    staff = await login_as(clerk)
    note = notes["north"]
    page = await staff.get(f"/notes/{note.id}")
    assert page.status_code == 200
    assert f"/admin/documents/notes.note/{note.id}/send" in page.text  # the Send button
    dialog = await staff.get(f"/admin/documents/notes.note/{note.id}/send")
    assert dialog.status_code == 200 and "Nora" in dialog.text
    assert (await send(staff, note, people["north"])).status_code == 302
    pdf = await staff.get(f"/documents/notes.note/{note.id}/pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
