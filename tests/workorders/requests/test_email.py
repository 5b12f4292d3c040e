"""Emails of work requests, delivered over real SMTP: to the vendor's address, and to the customer."""

from __future__ import annotations

import uuid

import pytest

from core.testing import deliver_mail
from tests.workorders.requests.conftest import configure, request_form


@pytest.fixture
def portico_settings(smtp_server):
    return smtp_server.settings


async def test_a_new_request_is_emailed_to_the_configured_address(shop, login_as, db, portico, smtp_server):
    await configure(db, shop.tenant, request_email="dispatch@acme.test")
    client = await login_as(shop.north_user)
    response = await client.post(
        "/workorders/requests",
        request_form(shop, uuid.uuid4().hex, description="Pump 3 rattles.", preferred_on="2099-02-03"),
    )
    assert response.status_code == 302
    request_id = response.headers["location"].rsplit("/", 1)[1]
    outcomes = await deliver_mail(portico)
    assert [o.state for o in outcomes] == ["sent"]
    [mail] = smtp_server.to("dispatch@acme.test")
    assert mail["Subject"] == "New work request WR-00001 from Globex North Plant"
    body = mail.get_body(("plain",)).get_content()
    assert "Pump 3 rattles." in body and "Repair" in body and "2099-02-03" in body
    assert f"/admin/workorders/requests/{request_id}" in body
    assert mail["Reply-To"] == "nina@globex.test"


async def test_no_address_means_no_email(shop, login_as, portico, smtp_server):
    client = await login_as(shop.north_user)
    assert (await client.post("/workorders/requests", request_form(shop, uuid.uuid4().hex))).status_code == 302
    await deliver_mail(portico)
    assert smtp_server.messages == []


async def test_the_customer_hears_of_each_decision(shop, login_as, db, portico, smtp_server):
    await configure(db, shop.tenant, request_email="dispatch@acme.test")
    customer = await login_as(shop.north_user)
    admin = await login_as(shop.admin)
    first = await customer.post("/workorders/requests", request_form(shop, uuid.uuid4().hex))
    first_id = first.headers["location"].rsplit("/", 1)[1]
    await admin.post(f"/admin/workorders/requests/{first_id}/ask", {"question": "Which pump?"})
    await customer.post(f"/workorders/requests/{first_id}/answer", {"answer": "Pump 3."})
    await admin.post(f"/admin/workorders/requests/{first_id}/accept", {"kind": "service"})
    second = await customer.post("/workorders/requests", request_form(shop, uuid.uuid4().hex))
    second_id = second.headers["location"].rsplit("/", 1)[1]
    await admin.post(f"/admin/workorders/requests/{second_id}/decline", {"decline_reason": "We do not service pumps."})
    await deliver_mail(portico)
    to_customer = smtp_server.to("nina@globex.test")
    subjects = [m["Subject"] for m in to_customer]
    assert subjects == [
        "Your work request WR-00001: we need more information",
        "Your work request WR-00001: accepted",
        "Your work request WR-00002: declined",
    ]
    bodies = [m.get_body(("plain",)).get_content() for m in to_customer]
    assert "Which pump?" in bodies[0] and f"/workorders/requests/{first_id}" in bodies[0]
    assert "work order WO-00001" in bodies[1]
    assert "We do not service pumps." in bodies[2]
    to_vendor = smtp_server.to("dispatch@acme.test")
    assert [m["Subject"] for m in to_vendor] == [
        "New work request WR-00001 from Globex North Plant",
        "Globex North Plant answered your question about request WR-00001",
        "New work request WR-00002 from Globex North Plant",
    ]
    assert "Pump 3." in to_vendor[1].get_body(("plain",)).get_content()


async def test_a_mistyped_address_does_not_lose_the_request(shop, login_as, db, portico, smtp_server):
    await configure(db, shop.tenant, request_email="not an address")
    client = await login_as(shop.north_user)
    response = await client.post("/workorders/requests", request_form(shop, uuid.uuid4().hex))
    assert response.status_code == 302
    assert "WR-00001" in (await client.get("/workorders/requests")).text
    await deliver_mail(portico)
    assert smtp_server.messages == []


async def test_the_customer_is_written_to_in_their_language(shop, login_as, db, portico, smtp_server):
    from core import Scope, User, scoped

    async with scoped(db, Scope(shop.tenant.id)):
        (await db.get(User, shop.north_user.id)).language = "de"
        await db.commit()
    customer = await login_as(shop.north_user)
    response = await customer.post("/workorders/requests", request_form(shop, uuid.uuid4().hex))
    request_id = response.headers["location"].rsplit("/", 1)[1]
    admin = await login_as(shop.admin)
    await admin.post(f"/admin/workorders/requests/{request_id}/decline", {"decline_reason": "Kein Personal frei."})
    await deliver_mail(portico)
    [mail] = smtp_server.to("nina@globex.test")
    assert mail["Subject"] == "Ihre Arbeitsanfrage WR-00001: abgelehnt"
    assert "Kein Personal frei." in mail.get_body(("plain",)).get_content()
