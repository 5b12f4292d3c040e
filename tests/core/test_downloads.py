"""Downloads say their type once (security issue 12, finding 11: text downloads were sent as
``text/plain; charset=utf-8; charset=utf-8``)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core import VENDOR_ADMIN
from core.accounts import scoped
from core.comments import RecordFile
from core.db import Scope
from tests.core import example_plugin
from tests.core.comments.test_comments import HTMX, make_world, upload


@pytest.fixture
def portico_extra_plugins():
    return [example_plugin]


async def test_a_text_download_says_its_charset_once_and_keeps_its_sandbox(portal_factory, customer_factory, db):
    world = await make_world(portal_factory, customer_factory, db)
    contact = await world.portal.client(world.contact)
    sent = await contact.post(f"{world.base}/files", files=upload("notes.txt", b"Gate code 4711\n"), headers=HTMX)
    assert sent.status_code == 200
    async with scoped(db, Scope.system()):
        file_id = (await db.execute(select(RecordFile.id))).scalar_one()
    download = await contact.get(f"/files/{file_id}")
    assert download.status_code == 200 and download.content == b"Gate code 4711\n"
    assert download.headers["content-type"] == "text/plain; charset=utf-8"
    assert download.headers["content-security-policy"] == "default-src 'none'; sandbox"
    assert download.headers.get_list("content-security-policy") == ["default-src 'none'; sandbox"]
    assert download.headers["x-content-type-options"] == "nosniff"


async def test_the_contacts_sample_file_says_its_charset_once(login_as, tenant, user_factory, customer_factory):
    await customer_factory(tenant, "Globex")
    admin = await login_as(await user_factory(tenant, VENDOR_ADMIN))
    sample = await admin.get("/admin/contacts/import/sample.csv")
    assert sample.status_code == 200 and sample.headers["content-type"] == "text/csv; charset=utf-8"
