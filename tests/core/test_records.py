"""Record types: a plugin's record found by key and id only where the user may see it."""

from __future__ import annotations

import pytest
from litestar import get

from core import CUSTOMER_USER, Ctx, load_record
from core.accounts import scoped
from core.db import Scope
from tests.core import example_plugin
from tests.core.example_plugin import Note


@pytest.fixture
def portico_extra_plugins():
    return [example_plugin]


async def test_load_record_respects_scope_and_permission(portal_factory, throwaway_plugin, customer_factory, db):
    @get("/probe/{key:str}/{record_id:int}", opt={"permission": "core.dashboard"})
    async def probe(ctx: Ctx, key: str, record_id: int) -> dict[str, str | None]:
        found = await load_record(ctx, key, record_id)
        return {"title": found[0].title(found[1]) if found else None}

    portal = await portal_factory([example_plugin, throwaway_plugin("probe", portico_routes=lambda: [probe])])
    parent = await customer_factory(portal.tenant, "Parent")
    north = await customer_factory(portal.tenant, "North", parent)
    south = await customer_factory(portal.tenant, "South", parent)
    async with scoped(db, Scope(portal.tenant.id)):
        mine, theirs = Note(customer_id=north.id, title="North note"), Note(customer_id=south.id, title="South note")
        # The vendor's note reaches the site only once sent: the type's own filter applies here too.
        draft = Note(customer_id=north.id, title="Unsent draft", from_vendor=True)
        db.add_all([mine, theirs, draft])
        await db.commit()
    client = await portal.client(await portal.user(CUSTOMER_USER, north))
    response = await client.get(f"/probe/notes.note/{mine.id}")
    assert response.json() == {"title": "North note"}, response.text[:300]
    assert (await client.get(f"/probe/notes.note/{theirs.id}")).json() == {"title": None}  # sibling site
    assert (await client.get(f"/probe/nope.kind/{mine.id}")).json() == {"title": None}
    assert (await client.get(f"/probe/notes.note/{draft.id}")).json() == {"title": None}
    staff = await portal.client(await portal.user("vendor_admin"))
    assert (await staff.get(f"/probe/notes.note/{draft.id}")).json() == {"title": "Unsent draft"}
    assert (await client.get(f"/probe/notes.note/{2**63}")).status_code == 404  # refused before the handler


async def test_staff_reach_a_record_through_the_types_staff_permission(portal_factory, throwaway_plugin, db):
    """A record customers file (a request) is read by staff who hold the module's manage
    permission, not the customers' own one."""
    from core import CUSTOMER_USER, VENDOR_STAFF, Permission, RecordType
    from core.records import record_type

    def kinds():
        return [
            RecordType(
                "requests.request",
                "Request",
                Note,
                "requests.file",
                url=lambda n: f"/requests/{n.id}",
                title=lambda n: n.title,
                staff_permission="requests.manage",
            )
        ]

    plugin = throwaway_plugin(
        "requests",
        portico_permissions=lambda: [
            Permission("requests.file", "File requests", default_roles=(CUSTOMER_USER,)),
            Permission("requests.manage", "Handle requests", default_roles=(VENDOR_STAFF,)),
        ],
        portico_record_types=kinds,
    )
    from core import context_for, create_customer, scoped
    from core.db import Scope

    portal = await portal_factory([example_plugin, plugin])
    async with scoped(db, Scope(portal.tenant.id)):
        account = await create_customer(db, "Initech")
        await db.commit()
    staff_user = await portal.user(VENDOR_STAFF)
    contact_user = await portal.user(CUSTOMER_USER, account)
    staff = await context_for(portal.portico, db, portal.tenant.id, staff_user.id)
    contact = await context_for(portal.portico, db, portal.tenant.id, contact_user.id)
    assert record_type(staff, "requests.request") is not None and not staff.can("requests.file")
    assert record_type(contact, "requests.request") is not None and not contact.can("requests.manage")
