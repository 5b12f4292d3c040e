"""The demo portal has discussions: a conversation, an internal thread, one about a plugin's record."""

from __future__ import annotations

from core.demo import DEMO_PASSWORD, seed_demo
from tests.core.discussions.test_threads import subjects


async def test_the_demo_has_discussions_for_each_kind_of_person(db, portico, client_factory):
    await seed_demo(db, portico.plugins)
    north = await client_factory("acme.localhost")
    await north.login("north@globex.example", DEMO_PASSWORD)
    assert subjects((await north.get("/discussions")).text) == ["Delivery dates for the spring order"]
    buyer = await client_factory("acme.localhost")
    await buyer.login("buyer@globex.example", DEMO_PASSWORD)
    page = (await buyer.get("/discussions")).text
    assert [s for s in subjects(page) if s.startswith("Question about Note 0")] and 'class="record-link"' in page
    admin = await client_factory("acme.localhost")
    await admin.login("admin@acme.example", DEMO_PASSWORD)
    everything = (await admin.get("/discussions")).text
    assert "Credit check before releasing the spring order" in everything and "Internal" in everything
    assert len(subjects(everything)) == 4
