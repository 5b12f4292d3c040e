"""The demo portal has discussions: a conversation, an internal thread, one about a plugin's record."""

from __future__ import annotations

from core.demo import DEMO_PASSWORD, seed_demo
from tests.core.discussions.test_threads import subjects


async def test_the_demo_has_discussions_for_each_kind_of_person(db, portico, client_factory):
    await seed_demo(db, portico.plugins, portico)
    north = await client_factory("acme.localhost")
    await north.login("north@globex.example", DEMO_PASSWORD)
    page = (await north.get("/discussions")).text
    assert sorted(subjects(page))[0] == "Delivery dates for the spring order"
    assert sorted(subjects(page))[1].startswith("Question about Note 1") and len(subjects(page)) == 2
    assert 'class="record-link"' in page
    admin = await client_factory("acme.localhost")
    await admin.login("admin@acme.example", DEMO_PASSWORD)
    everything = (await admin.get("/discussions")).text
    assert "Credit check before releasing the spring order" in everything and "Internal" in everything
    assert len(subjects(everything)) == 4
