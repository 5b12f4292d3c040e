"""The customer's request form: what it offers, what it refuses (and keeps), and what it stores."""

from __future__ import annotations

import datetime as dt
import html
import uuid

import pytest
from sqlalchemy import select

from core import Scope, scoped
from core.comments.models import RecordFile
from plugins.workorders.models import WorkRequest
from tests.workorders.requests.conftest import configure, request_form

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def key() -> str:
    return uuid.uuid4().hex


async def requests_of(db, shop) -> list[WorkRequest]:
    async with scoped(db, Scope(shop.tenant.id)):
        return list(await db.scalars(select(WorkRequest).order_by(WorkRequest.id)))


async def test_a_site_is_offered_only_its_types(shop, login_as):
    north = await (await login_as(shop.north_user)).get("/workorders/requests/new")
    assert north.status_code == 200
    assert ">Repair<" in north.text and ">Calibration<" in north.text
    assert "Secret service" not in north.text and "Retired type" not in north.text
    south = await (await login_as(shop.south_user)).get("/workorders/requests/new")
    assert ">Repair<" in south.text and "Calibration" not in south.text and "Secret service" not in south.text
    # A contact of the parent account chooses the site; each site keeps its own list.
    parent = await (await login_as(shop.parent_admin)).get("/workorders/requests/new")
    assert 'name="site_id"' in parent.text and "Globex South Plant" in parent.text
    assert "Secret service" not in parent.text


async def test_a_type_of_another_customer_or_site_is_refused(shop, login_as, db):
    north = await login_as(shop.north_user)
    response = await north.post("/workorders/requests", request_form(shop, key(), work_type_id=str(shop.other_only.id)))
    assert response.status_code == 400
    assert "This type of work is not offered for the chosen site." in response.text
    assert "The press leaks oil." in response.text  # what was typed is kept
    parent = await login_as(shop.parent_admin)
    response = await parent.post(
        "/workorders/requests",
        request_form(shop, key(), site_id=str(shop.south.id), work_type_id=str(shop.north_only.id)),
    )
    assert response.status_code == 400 and "not offered for the chosen site" in response.text
    retired = await north.post("/workorders/requests", request_form(shop, key(), work_type_id=str(shop.retired.id)))
    assert retired.status_code == 400
    # A site the contact cannot see is refused as well.
    south = await login_as(shop.south_user)
    response = await south.post("/workorders/requests", request_form(shop, key(), site_id=str(shop.north.id)))
    assert response.status_code == 400 and "Choose the site the work is for." in response.text
    assert await requests_of(db, shop) == []


async def test_every_error_re_renders_the_form_with_what_was_typed(shop, login_as, db):
    await configure(db, shop.tenant, terms_required=True, terms_text="Call-out fee 90 EUR.")
    client = await login_as(shop.north_user)
    cases = {
        "work_type_id": ({"work_type_id": ""}, "Choose the type of work."),
        "description": ({"description": "  "}, "Describe the work you need."),
        "preferred_on": ({"preferred_on": "31/12/2030"}, "Enter a date such as"),
        "past": ({"preferred_on": "2001-01-01"}, "Choose a date from today on."),
        "terms": ({}, "Accept the terms to send the request."),
    }
    for name, (changes, message) in cases.items():
        form = request_form(shop, key(), description="Leaking valve at line 4", preferred_on="2099-05-01")
        form["accept_terms"] = "1"
        form.update(changes)
        if name == "terms":
            del form["accept_terms"]
        response = await client.post("/workorders/requests", form)
        assert response.status_code == 400, name
        text = html.unescape(response.text)
        assert message in text, name
        assert f'value="{form["submission_key"]}"' in text, name  # the same form, so it still counts once
        if name != "description":
            assert "Leaking valve at line 4" in text, name
        if name not in ("preferred_on", "past"):
            assert 'value="2099-05-01"' in text, name
    bad_file = await client.post(
        "/workorders/requests",
        {**request_form(shop, key(), description="Leaking valve at line 4"), "accept_terms": "1"},
        files={"attachments": ("page.html", b"<html><script>alert(1)</script></html>", "text/html")},
    )
    assert bad_file.status_code == 400
    assert "The file page.html is not accepted" in html.unescape(bad_file.text)
    assert "Leaking valve at line 4" in bad_file.text
    assert await requests_of(db, shop) == []


async def test_description_default_and_optional_description(shop, login_as, db):
    await configure(db, shop.tenant, description_default="Machine:\nSymptoms:", description_required=False)
    client = await login_as(shop.north_user)
    page = await client.get("/workorders/requests/new")
    assert ">Machine:\nSymptoms:</textarea>" in page.text
    response = await client.post("/workorders/requests", request_form(shop, key(), description=""))
    assert response.status_code == 302
    [stored] = await requests_of(db, shop)
    assert stored.description == ""


async def test_terms_and_button_text_are_the_vendors(shop, login_as, db):
    await configure(
        db, shop.tenant, terms_required=True, terms_text="We charge travel time.", request_button_text="Plan my job"
    )
    client = await login_as(shop.north_user)
    page = await client.get("/workorders/requests/new")
    assert "We charge travel time." in page.text and ">Plan my job</button>" in page.text
    form = {**request_form(shop, key()), "accept_terms": "1"}
    response = await client.post("/workorders/requests", form)
    assert response.status_code == 302
    [stored] = await requests_of(db, shop)
    assert stored.terms_text == "We charge travel time." and stored.terms_accepted_at is not None
    # Changing the terms later does not change what this customer accepted.
    await configure(db, shop.tenant, terms_text="New terms.")
    detail = await client.get(response.headers["location"])
    assert "We charge travel time." in detail.text


async def test_no_terms_asked_by_default(shop, login_as, db):
    client = await login_as(shop.north_user)
    page = await client.get("/workorders/requests/new")
    assert "accept_terms" not in page.text and ">Send request</button>" in page.text
    assert (await client.post("/workorders/requests", request_form(shop, key()))).status_code == 302
    [stored] = await requests_of(db, shop)
    assert stored.terms_accepted_at is None and stored.terms_text == ""


async def test_a_request_with_attachments_and_a_date_is_stored_for_the_site(shop, login_as, db):
    client = await login_as(shop.north_user)
    when = (dt.date.today() + dt.timedelta(days=10)).isoformat()
    response = await client.post(
        "/workorders/requests",
        request_form(shop, key(), preferred_on=when, work_type_id=str(shop.north_only.id)),
        files=[
            ("attachments", ("drawing.pdf", PDF, "application/pdf")),
            ("attachments", ("notes.txt", b"Valve 4 leaks.\n", "text/plain")),
        ],
    )
    assert response.status_code == 302
    [stored] = await requests_of(db, shop)
    assert stored.customer_id == shop.north.id and stored.requested_by_id == shop.north_user.id
    assert stored.number == "WR-00001" and stored.status == "submitted" and stored.preferred_on.isoformat() == when
    async with scoped(db, Scope(shop.tenant.id)):
        files = list(await db.scalars(select(RecordFile).where(RecordFile.record_id == stored.id)))
    assert sorted(f.name for f in files) == ["drawing.pdf", "notes.txt"]
    assert {f.record_type for f in files} == {"workorders.request"}
    files_panel = await client.get(f"/records/workorders.request/{stored.id}/files")
    assert "drawing.pdf" in files_panel.text
    listing = await client.get("/workorders/requests")
    assert "WR-00001" in listing.text and "Calibration" in listing.text and "Submitted" in listing.text


async def test_sending_the_same_form_twice_counts_once(shop, login_as, db):
    client = await login_as(shop.north_user)
    form = request_form(shop, key())
    first = await client.post("/workorders/requests", form)
    second = await client.post("/workorders/requests", form)
    assert first.status_code == second.status_code == 302
    assert first.headers["location"] == second.headers["location"]
    assert len(await requests_of(db, shop)) == 1
    # A new form is a new request.
    assert (await client.post("/workorders/requests", request_form(shop, key()))).status_code == 302
    assert [r.number for r in await requests_of(db, shop)] == ["WR-00001", "WR-00002"]


async def test_no_types_means_no_form(shop, login_as, db):
    client = await login_as(shop.south_user)
    async with scoped(db, Scope(shop.tenant.id)):
        repair = await db.get(type(shop.repair), shop.repair.id)
        repair.active = False
        await db.commit()
    page = await client.get("/workorders/requests/new")
    assert 'id="no-types"' in page.text and 'id="request-form"' not in page.text


async def test_the_form_speaks_the_contacts_language(shop, login_as, user_factory, db):
    german = await user_factory(shop.tenant, "customer_user", shop.north)
    async with scoped(db, Scope(shop.tenant.id)):
        (await db.get(type(german), german.id)).language = "de"
        await db.commit()
    client = await login_as(german)
    page = await client.get("/workorders/requests/new")
    assert "Arbeit anfragen" in page.text and ">Anfrage senden</button>" in page.text
    response = await client.post("/workorders/requests", request_form(shop, key(), work_type_id=""))
    assert response.status_code == 400 and "Wählen Sie die Arbeitsart." in html.unescape(response.text)


@pytest.mark.portico_commits
async def test_the_same_form_sent_twice_at_the_same_instant_counts_once(shop, login_as, db):
    import asyncio

    client = await login_as(shop.north_user)
    other_tab = await login_as(shop.north_user)
    form = request_form(shop, key())
    answers = await asyncio.gather(
        client.post("/workorders/requests", form), other_tab.post("/workorders/requests", form)
    )
    assert [a.status_code for a in answers] == [302, 302]
    assert answers[0].headers["location"] == answers[1].headers["location"]
    assert len(await requests_of(db, shop)) == 1
