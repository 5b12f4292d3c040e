"""`portico demo` shows everything this part does: orders at several states, both stage lists, notes, a PDF."""

from __future__ import annotations

import re

from core.demo import DEMO_PASSWORD, seed_demo


async def test_the_demo_shows_orders_stages_notes_and_a_pdf(portico, db, client_factory):
    await seed_demo(db, portico.plugins, portico)
    north = await client_factory("acme.localhost")
    await north.login("north@globex.example", DEMO_PASSWORD)
    listing = await north.get("/workorders")
    assert listing.status_code == 200
    # production, service, install, planned (and the order an accepted demo work request made)
    assert len(re.findall(r"<tr data-order=", listing.text)) >= 4
    completed = await north.get("/workorders?show=completed")
    assert len(re.findall(r"<tr data-order=", completed.text)) == 1
    production = re.findall(r'<a href="(/workorders/\d+)">', listing.text)[-1]  # newest first: the oldest order
    page = (await north.get(production)).text
    assert "Hydraulic manifold blocks" in page
    # The north site has its own stage list; its steps' hidden names stay hidden.
    assert '<span class="stage">In production</span>' in page and "Brightline" not in page
    assert {"done", "current", "todo"} <= set(re.findall(r'data-state="(\w+)"', page))
    assert "mark each block" in page and "/picture" in page and "data-pdf" in page
    dashboard = (await north.get("/")).text
    assert 'data-widget="workorders.recent_progress"' in dashboard and "finished" in dashboard

    south = await client_factory("acme.localhost")
    await south.login("south@globex.example", DEMO_PASSWORD)
    south_list = (await south.get("/workorders")).text
    south_production = re.findall(r'<a href="(/workorders/\d+)">', south_list)[-1]
    south_page = (await south.get(south_production)).text
    assert '<span class="stage">Machining</span>' in south_page  # the vendor's list
    assert '<span class="stage">Inspection</span>' in south_page and "Finishing" in south_page
