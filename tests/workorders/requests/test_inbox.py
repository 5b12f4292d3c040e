"""The vendor's inbox: asking, accepting (once), declining (with a reason), and who may do what."""

from __future__ import annotations

import html
import uuid

import pytest
from sqlalchemy import select

from core import VENDOR_ADMIN, VENDOR_STAFF, Scope, scoped
from plugins.workorders.models import WorkOrder, WorkRequest
from tests.workorders.requests.conftest import request_form


async def submit(shop, client, **values) -> int:
    response = await client.post("/workorders/requests", request_form(shop, uuid.uuid4().hex, **values))
    assert response.status_code == 302, response.text[:500]
    return int(response.headers["location"].rsplit("/", 1)[1])


async def load(db, shop, model, row_id):
    async with scoped(db, Scope(shop.tenant.id)):
        row = await db.get(model, row_id, populate_existing=True)
        return row


async def orders(db, shop) -> list[WorkOrder]:
    async with scoped(db, Scope(shop.tenant.id)):
        return list(await db.scalars(select(WorkOrder).order_by(WorkOrder.id)))


async def test_inbox_lists_requests_by_status(shop, login_as):
    customer = await login_as(shop.north_user)
    first = await submit(shop, customer, description="Replace the hydraulic hose")
    second = await submit(shop, customer, description="Check the cooling unit")
    admin = await login_as(shop.admin)
    await admin.post(f"/admin/workorders/requests/{second}/decline", {"decline_reason": "Not our trade."})
    inbox = await admin.get("/admin/workorders/requests")  # open requests by default
    assert f'data-request="{first}"' in inbox.text and f'data-request="{second}"' not in inbox.text
    assert "Globex North Plant" in inbox.text and "Nina" in inbox.text
    declined = await admin.get("/admin/workorders/requests?status=declined")
    assert f'data-request="{second}"' in declined.text and f'data-request="{first}"' not in declined.text
    everything = await admin.get("/admin/workorders/requests?status=")
    assert f'data-request="{first}"' in everything.text and f'data-request="{second}"' in everything.text
    detail = await admin.get(f"/admin/workorders/requests/{first}")
    assert "Replace the hydraulic hose" in detail.text and 'id="accept"' in detail.text


async def test_asking_for_information_makes_an_action_item_until_the_customer_answers(shop, login_as, db):
    customer = await login_as(shop.north_user)
    request_id = await submit(shop, customer)
    admin = await login_as(shop.admin)
    empty = await admin.post(f"/admin/workorders/requests/{request_id}/ask", {"question": " "})
    assert empty.status_code == 400 and "Write the question the customer should answer." in empty.text
    asked = await admin.post(f"/admin/workorders/requests/{request_id}/ask", {"question": "Which press is it?"})
    assert asked.status_code == 302
    assert (await load(db, shop, WorkRequest, request_id)).status == "needs_info"
    actions = await customer.get("/actions")
    assert "A request needs more information" in actions.text and f"/workorders/requests/{request_id}" in actions.text
    detail = await customer.get(f"/workorders/requests/{request_id}")
    assert "Which press is it?" in detail.text and 'id="answer-form"' in detail.text
    blank = await customer.post(f"/workorders/requests/{request_id}/answer", {"answer": ""})
    assert blank.status_code == 400 and "Write your answer first." in blank.text
    answered = await customer.post(f"/workorders/requests/{request_id}/answer", {"answer": "Press 7 in hall B."})
    assert answered.status_code == 302
    assert (await load(db, shop, WorkRequest, request_id)).status == "submitted"
    assert "A request needs more information" not in (await customer.get("/actions")).text
    comments = await admin.get(f"/records/workorders.request/{request_id}/comments")
    assert "Which press is it?" in comments.text and "Press 7 in hall B." in comments.text
    again = await customer.post(f"/workorders/requests/{request_id}/answer", {"answer": "Once more"})
    assert again.status_code == 409


async def test_accepting_makes_one_work_order_even_when_clicked_twice(shop, login_as, db):
    customer = await login_as(shop.north_user)
    request_id = await submit(shop, customer, description="Install the new ramp\nat gate 4", preferred_on="2099-01-02")
    admin = await login_as(shop.admin)
    page = await admin.get(f"/admin/workorders/requests/{request_id}")
    assert 'value="Repair: Install the new ramp"' in page.text
    first = await admin.post(f"/admin/workorders/requests/{request_id}/accept", {"title": "", "kind": "service"})
    assert first.status_code == 302
    second = await admin.post(f"/admin/workorders/requests/{request_id}/accept", {"title": "", "kind": "service"})
    assert second.status_code == 409 and "This request was already accepted." in second.text
    [order] = await orders(db, shop)
    assert order.number == "WO-00001" and order.customer_id == shop.north.id and order.kind == "service"
    assert order.title == "Repair: Install the new ramp" and order.notes == "Install the new ramp\nat gate 4"
    assert order.due_on.isoformat() == "2099-01-02" and order.contact_id == shop.north_user.id
    stored = await load(db, shop, WorkRequest, request_id)
    assert stored.status == "accepted" and stored.work_order_id == order.id and stored.decided_at is not None
    customer_view = await customer.get(f"/workorders/requests/{request_id}")
    assert "WO-00001" in customer_view.text and f'href="/workorders/{order.id}"' in customer_view.text
    # Declining or asking afterwards is refused too.
    late = await admin.post(f"/admin/workorders/requests/{request_id}/decline", {"decline_reason": "Too late"})
    assert late.status_code == 409
    assert len(await orders(db, shop)) == 1


async def test_accept_refuses_an_unknown_kind_and_keeps_the_title(shop, login_as, db):
    request_id = await submit(shop, await login_as(shop.north_user))
    admin = await login_as(shop.admin)
    response = await admin.post(f"/admin/workorders/requests/{request_id}/accept", {"title": "Fix it", "kind": "x"})
    assert response.status_code == 400 and 'value="Fix it"' in response.text
    assert await orders(db, shop) == []


async def test_declining_needs_a_reason_the_customer_then_sees(shop, login_as, db):
    customer = await login_as(shop.north_user)
    request_id = await submit(shop, customer)
    admin = await login_as(shop.admin)
    refused = await admin.post(f"/admin/workorders/requests/{request_id}/decline", {"decline_reason": "  "})
    assert refused.status_code == 400
    assert "Give the customer a reason for declining." in html.unescape(refused.text)
    assert (await load(db, shop, WorkRequest, request_id)).status == "submitted"
    done = await admin.post(f"/admin/workorders/requests/{request_id}/decline", {"decline_reason": "Outside our area."})
    assert done.status_code == 302
    view = await customer.get(f"/workorders/requests/{request_id}")
    assert "Outside our area." in view.text and 'data-status="declined"' in view.text
    accept = await admin.post(f"/admin/workorders/requests/{request_id}/accept", {})
    assert accept.status_code == 409 and await orders(db, shop) == []


async def test_customers_may_not_use_the_inbox_and_see_only_their_sites(shop, login_as, user_factory, tenant_factory):
    north = await login_as(shop.north_user)
    request_id = await submit(shop, north)
    for path in (
        "/admin/workorders/requests",
        f"/admin/workorders/requests/{request_id}",
        "/admin/workorders/work-types",
    ):
        assert (await north.get(path)).status_code == 403, path
    assert (await north.post(f"/admin/workorders/requests/{request_id}/accept", {})).status_code == 403
    south = await login_as(shop.south_user)
    assert (await south.get(f"/workorders/requests/{request_id}")).status_code == 404
    assert (await south.post(f"/workorders/requests/{request_id}/answer", {"answer": "x"})).status_code == 404
    assert f'data-request="{request_id}"' not in (await south.get("/workorders/requests")).text
    assert (await south.get(f"/records/workorders.request/{request_id}/files")).status_code == 404
    # The parent account's contact sees the site's request.
    parent = await login_as(shop.parent_admin)
    assert (await parent.get(f"/workorders/requests/{request_id}")).status_code == 200
    # Another vendor's staff find nothing.
    rival = await tenant_factory("rival", "Rival Works")
    rival_admin = await login_as(await user_factory(rival, VENDOR_ADMIN))
    assert (await rival_admin.get(f"/admin/workorders/requests/{request_id}")).status_code == 404
    assert (await rival_admin.post(f"/admin/workorders/requests/{request_id}/accept", {})).status_code == 404
    # Vendor staff (not only admins) handle requests.
    staff = await login_as(await user_factory(shop.tenant, VENDOR_STAFF))
    assert (await staff.get(f"/admin/workorders/requests/{request_id}")).status_code == 200


async def test_staff_opening_the_customer_address_land_in_the_inbox(shop, login_as):
    request_id = await submit(shop, await login_as(shop.north_user))
    admin = await login_as(shop.admin)
    response = await admin.get(f"/workorders/requests/{request_id}")
    assert response.status_code == 302 and response.headers["location"] == f"/admin/workorders/requests/{request_id}"


@pytest.mark.portico_commits
async def test_two_staff_accepting_at_the_same_instant_make_one_work_order(shop, login_as, user_factory, db):
    import asyncio

    request_id = await submit(shop, await login_as(shop.north_user))
    first = await login_as(shop.admin)
    second = await login_as(await user_factory(shop.tenant, VENDOR_STAFF))
    url = f"/admin/workorders/requests/{request_id}/accept"
    answers = await asyncio.gather(first.post(url, {"kind": "service"}), second.post(url, {"kind": "service"}))
    assert sorted(a.status_code for a in answers) == [302, 409]
    assert len(await orders(db, shop)) == 1
