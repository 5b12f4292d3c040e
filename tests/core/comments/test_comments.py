"""Comments and files on a plugin's record, through the routes people use."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import func, select

from core import CUSTOMER_USER, VENDOR_ADMIN
from core.accounts import scoped
from core.comments import Comment, RecordFile
from core.db import Scope
from tests.core import example_plugin
from tests.core.comments import files
from tests.core.example_plugin import Note

HTMX = {"hx-request": "true"}


@pytest.fixture
def portico_extra_plugins():
    return [example_plugin]


@dataclass
class World:
    portal: Any
    note: Note  # on the northern site
    sibling_note: Note  # on the southern site
    staff: Any
    contact: Any  # of the northern site
    sibling: Any  # a contact of the southern site

    @property
    def base(self) -> str:
        return f"/records/notes.note/{self.note.id}"


async def make_world(portal_factory, customer_factory, db, slug: str = "solo", **settings: Any) -> World:
    portal = await portal_factory([example_plugin], slug=slug, **settings)
    parent = await customer_factory(portal.tenant, f"{slug} Parent")
    north = await customer_factory(portal.tenant, f"{slug} North", parent)
    south = await customer_factory(portal.tenant, f"{slug} South", parent)
    async with scoped(db, Scope(portal.tenant.id)):
        note = Note(customer_id=north.id, title="North note")
        sibling_note = Note(customer_id=south.id, title="South note")
        db.add_all([note, sibling_note])
        await db.commit()
    return World(
        portal,
        note,
        sibling_note,
        await portal.user(VENDOR_ADMIN, first_name="Sam", last_name="Staff"),
        await portal.user(CUSTOMER_USER, north, first_name="Nora", last_name="North"),
        await portal.user(CUSTOMER_USER, south, first_name="Sid", last_name="South"),
    )


@pytest.fixture
async def world(portal_factory, customer_factory, db) -> World:
    return await make_world(portal_factory, customer_factory, db)


async def count(db, model) -> int:
    async with scoped(db, Scope.system()):
        return await db.scalar(select(func.count()).select_from(model))


def upload(name: str, data: bytes, content_type: str = "application/octet-stream") -> dict[str, Any]:
    return {"file": (name, data, content_type)}


async def test_a_contact_comments_and_staff_reads_it(world, db):
    contact = await world.portal.client(world.contact)
    response = await contact.post(f"{world.base}/comments", {"body": "Gate code is 4711"}, headers=HTMX)
    assert response.status_code == 200
    assert "Gate code is 4711" in response.text and "Nora North" in response.text
    staff = await world.portal.client(world.staff)
    listed = await staff.get(f"{world.base}/comments", headers=HTMX)
    assert "Gate code is 4711" in listed.text and "<html" not in listed.text  # a partial, not a page
    async with scoped(db, Scope.system()):
        comment = await db.scalar(select(Comment))
    assert comment.customer_id == world.note.customer_id and comment.author_id == world.contact.id


async def test_the_record_page_carries_both_panels(world):
    contact = await world.portal.client(world.contact)
    page = await contact.get(f"/notes/{world.note.id}")
    assert page.status_code == 200
    assert f'hx-get="{world.base}/comments?next=/notes/{world.note.id}"' in page.text
    assert f'action="{world.base}/files"' in page.text and 'enctype="multipart/form-data"' in page.text


async def test_an_empty_comment_is_refused_and_nothing_is_written(world, db):
    contact = await world.portal.client(world.contact)
    response = await contact.post(f"{world.base}/comments", {"body": "   "}, headers=HTMX)
    assert response.status_code == 400
    assert "Write a comment first." in response.text
    plain = await contact.post(f"{world.base}/comments", {"body": ""})
    assert plain.status_code == 400 and "Write a comment first." in plain.text
    assert await count(db, Comment) == 0


async def test_without_javascript_a_comment_returns_to_a_safe_next(world):
    contact = await world.portal.client(world.contact)
    back = f"/notes/{world.note.id}"
    response = await contact.post(f"{world.base}/comments", {"body": "First", "next": back})
    assert response.status_code == 302 and response.headers["location"] == back
    response = await contact.post(f"{world.base}/comments", {"body": "Second", "next": "//evil.example/x"})
    assert response.headers["location"] == back  # the record's own page instead
    page = await contact.get(f"{world.base}/comments")  # the list on a page of its own
    assert page.status_code == 200 and "First" in page.text and "Second" in page.text and "<html" in page.text


async def test_a_staff_file_stays_hidden_from_the_customer_until_shown(world, db):
    staff = await world.portal.client(world.staff)
    response = await staff.post(f"{world.base}/files", files=upload("internal-costs.pdf", files.pdf()), headers=HTMX)
    assert response.status_code == 200 and "internal-costs.pdf" in response.text
    async with scoped(db, Scope.system()):
        row = await db.scalar(select(RecordFile))
    assert row.visible_in_portal is False and row.content_type == "application/pdf"

    contact = await world.portal.client(world.contact)
    assert "internal-costs.pdf" not in (await contact.get(f"{world.base}/files", headers=HTMX)).text
    assert (await contact.get(f"/files/{row.id}")).status_code == 404

    shown = await staff.post(f"/files/{row.id}/visibility", {"visible": "1"}, headers=HTMX)
    assert shown.status_code == 200 and "Hide from the portal" in shown.text
    assert "internal-costs.pdf" in (await contact.get(f"{world.base}/files", headers=HTMX)).text
    download = await contact.get(f"/files/{row.id}")
    assert download.status_code == 200 and download.content == files.pdf()
    assert download.headers["content-type"] == "application/pdf"
    assert download.headers["x-content-type-options"] == "nosniff"
    assert download.headers["content-disposition"].startswith('attachment; filename="internal-costs.pdf"')

    assert (await contact.post(f"/files/{row.id}/visibility", {"visible": "0"})).status_code == 403
    hidden = await staff.post(f"/files/{row.id}/visibility", {"visible": "0", "next": f"/notes/{world.note.id}"})
    assert hidden.status_code == 302 and hidden.headers["location"] == f"/notes/{world.note.id}"
    assert (await contact.get(f"/files/{row.id}")).status_code == 404


async def test_staff_may_show_a_file_when_uploading_and_contacts_uploads_are_shown(world, db):
    staff = await world.portal.client(world.staff)
    await staff.post(
        f"{world.base}/files", data={"visible_in_portal": "1"}, files=upload("drawing.png", files.png()), headers=HTMX
    )
    contact = await world.portal.client(world.contact)
    response = await contact.post(f"{world.base}/files", files=upload("photo.png", files.png()), headers=HTMX)
    assert response.status_code == 200
    assert "drawing.png" in response.text and "photo.png" in response.text
    assert "photo.png" in (await staff.get(f"{world.base}/files", headers=HTMX)).text
    async with scoped(db, Scope.system()):
        rows = list(await db.scalars(select(RecordFile).order_by(RecordFile.id)))
    assert [r.visible_in_portal for r in rows] == [True, True]
    assert rows[1].uploaded_by == world.contact.id


async def test_a_disguised_page_is_refused_and_nothing_is_written(world, db):
    contact = await world.portal.client(world.contact)
    before = sorted(p for p in world.portal.portico.settings.files_path.rglob("*") if p.is_file())
    response = await contact.post(
        f"{world.base}/files", files=upload("report.pdf", files.HTML, "application/pdf"), headers=HTMX
    )
    assert response.status_code == 400
    assert "This kind of file is not accepted" in response.text
    plain = await contact.post(f"{world.base}/files", files=upload("report.pdf", files.HTML, "application/pdf"))
    assert plain.status_code == 400 and "This kind of file is not accepted" in plain.text
    assert await count(db, RecordFile) == 0
    assert sorted(p for p in world.portal.portico.settings.files_path.rglob("*") if p.is_file()) == before


async def test_a_file_over_the_limit_is_refused(portal_factory, customer_factory, db):
    world = await make_world(portal_factory, customer_factory, db, slug="small", max_upload_mb=1)
    contact = await world.portal.client(world.contact)
    too_big = files.pdf() + b"%" * (1024 * 1024)
    response = await contact.post(f"{world.base}/files", files=upload("big.pdf", too_big), headers=HTMX)
    assert response.status_code == 413
    assert "larger than 1 MB" in response.text
    # A body beyond what the server reads at all is stopped while it is read.
    huge = files.pdf() + b"%" * 11_000_000
    response = await contact.post(f"{world.base}/files", files=upload("huge.pdf", huge), headers=HTMX)
    assert response.status_code == 413 and "larger than 1 MB" in response.text
    assert await count(db, RecordFile) == 0
    fits = await contact.post(f"{world.base}/files", files=upload("fits.pdf", files.pdf()), headers=HTMX)
    assert fits.status_code == 200


async def test_staff_delete_a_file_and_its_bytes(world, db):
    staff = await world.portal.client(world.staff)
    await staff.post(f"{world.base}/files", files=upload("old.pdf", files.pdf()), headers=HTMX)
    async with scoped(db, Scope.system()):
        row = await db.scalar(select(RecordFile))
    stored = world.portal.portico.settings.files_path / row.storage_key
    assert stored.exists()
    response = await staff.post(f"/files/{row.id}/delete", {}, headers=HTMX)
    assert response.status_code == 200 and "old.pdf" not in response.text
    assert not stored.exists() and await count(db, RecordFile) == 0


async def routes_of(world: World, file_id: int) -> list[tuple[str, str, dict[str, Any]]]:
    base = world.base
    return [
        ("GET", f"{base}/comments", {}),
        ("POST", f"{base}/comments", {"data": {"body": "intrusion"}}),
        ("GET", f"{base}/files", {}),
        ("POST", f"{base}/files", {"files": upload("x.pdf", files.pdf())}),
        ("GET", f"/files/{file_id}", {}),
        ("POST", f"/files/{file_id}/visibility", {"data": {"visible": "1"}}),
        ("POST", f"/files/{file_id}/delete", {"data": {}}),
    ]


async def test_a_sibling_site_and_another_vendor_reach_nothing(portal_factory, customer_factory, db):
    world = await make_world(portal_factory, customer_factory, db, slug="victim")
    staff = await world.portal.client(world.staff)
    await staff.post(f"{world.base}/comments", {"body": "Victim secret remark"}, headers=HTMX)
    await staff.post(
        f"{world.base}/files", data={"visible_in_portal": "1"}, files=upload("secret.pdf", files.pdf()), headers=HTMX
    )
    async with scoped(db, Scope.system()):
        file_id = (await db.scalar(select(RecordFile))).id
    other = await make_world(portal_factory, customer_factory, db, slug="other")
    other_admin = await other.portal.client(await other.portal.user(VENDOR_ADMIN))
    sibling = await world.portal.client(world.sibling)
    for client, name in ((sibling, "sibling contact"), (other_admin, "other vendor's admin")):
        for method, url, kwargs in await routes_of(world, file_id):
            response = await client.request(method, url, **kwargs)
            allowed = (403, 404) if client is sibling and "/files/" in url and method == "POST" else (404,)
            assert response.status_code in allowed, (name, method, url, response.status_code)
            assert "Victim secret remark" not in response.text and "secret.pdf" not in response.text
    assert await count(db, Comment) == 1 and await count(db, RecordFile) == 1
    async with scoped(db, Scope.system()):
        assert (await db.scalar(select(RecordFile))).visible_in_portal is True
    # The sibling's own note works, so the 404s above are about the record, not the route.
    assert (await sibling.get(f"/records/notes.note/{world.sibling_note.id}/comments")).status_code == 200
