"""The ERP's JSON API: tokens, every endpoint, upserts by external_ref, and clear 4xx answers."""

from __future__ import annotations

from sqlalchemy import func, select

from core.accounts import scoped
from core.db import Scope
from plugins.quotes.models import Quote
from tests.quotes.admin.conftest import Erp, add_quote, make_token
from tests.quotes.admin.test_workflow import add_change, approve_lines

API = "/api/v1/quotes"


def payload(shop, **changes):
    body = {
        "kind": "quote",
        "customer_id": shop.north.id,
        "contact_id": shop.contact.id,
        "sales_rep_id": shop.staff.id,
        "name": "Pump overhaul",
        "external_ref": "ERP-100",
        "quote_date": "2026-03-01",
        "valid_until": "2026-03-31",
        "customer_po": "PO-9",
        "shipping_minor": 2500,
        "tax_rate_bp": 825,
        "terms": "Net 30",
        "lines": [
            {"item": "PMP-1", "description": "Pump", "quantity": "2", "unit_price_minor": 125050},
            {"item": "LAB", "description": "Labour", "quantity": 1.5, "unit_price_minor": 8000, "taxable": False},
        ],
        "payments": [{"label": "Deposit", "due_on": "2026-03-15", "amount_minor": 50000}],
    }
    return body | changes


async def test_create_read_and_totals_computed_on_the_server(erp, shop):
    typed_totals = await erp.call("POST", API, payload(shop, total_minor=1))
    assert typed_totals.status_code == 400 and "total_minor" in typed_totals.text  # totals are the server's
    created = await erp.call("POST", API, payload(shop))
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["number"] == "Q-00001" and body["status"] == "draft" and body["kind"] == "quote"
    # 2 × 1250.50 = 2501.00 taxable; 1.5 × 80 = 120 not; tax 8.25 % = 206.33 (206.3325); shipping 25.00
    assert (body["subtotal_minor"], body["tax_minor"], body["total_minor"]) == (262100, 20633, 262100 + 20633 + 2500)
    assert [line["amount_minor"] for line in body["lines"]] == [250100, 12000]
    assert body["payments"][0]["label"] == "Deposit" and body["awaiting_approval"] is True
    read = await erp.call("GET", f"{API}/{body['id']}")
    assert read.status_code == 200 and read.json() == body
    by_ref = await erp.call("GET", f"{API}/by-ref/ERP-100")
    assert by_ref.json()["id"] == body["id"]
    assert (await erp.call("GET", f"{API}/by-ref/ERP-100?kind=order")).status_code == 404


async def test_orders_get_their_own_series(erp, shop):
    order = await erp.call("POST", API, payload(shop, kind="order", recurrence="Monthly", external_ref=None))
    assert order.status_code == 201 and order.json()["number"] == "SO-00001" and order.json()["status"] == "quoted"


async def test_update_changes_only_what_is_sent_and_keeps_approved_lines(erp, shop, db):
    created = (await erp.call("POST", API, payload(shop))).json()
    async with scoped(db, Scope(shop.tenant.id)):
        quote = await db.get(Quote, created["id"])
    await approve_lines(db, shop, quote, 1)
    first = created["lines"][0]["id"]
    changed = await erp.call(
        "PATCH",
        f"{API}/{created['id']}",
        {
            "name": "Pump overhaul v2",
            "lines": [
                {"id": first, "item": "PMP-1", "quantity": 3, "unit_price_minor": 125050, "status": "approved"},
                {"item": "NEW", "unit_price_minor": 100},
            ],
        },
    )
    assert changed.status_code == 200, changed.text
    body = changed.json()
    assert body["name"] == "Pump overhaul v2" and body["customer_po"] == "PO-9"  # not sent: kept
    assert [line["item"] for line in body["lines"]] == ["PMP-1", "NEW"]
    assert body["lines"][0]["id"] == first and body["lines"][0]["approved_at"] is not None
    assert body["subtotal_minor"] == 3 * 125050 + 100
    assert body["payments"][0]["label"] == "Deposit"
    cleared = await erp.call("PATCH", f"{API}/{created['id']}", {"payments": [], "contact_id": None})
    assert cleared.json()["payments"] == [] and cleared.json()["contact_id"] is None


async def test_upsert_by_external_ref_creates_then_updates(erp, shop, db):
    body = payload(shop)
    body.pop("kind")
    body.pop("external_ref")
    created = await erp.call("PUT", f"{API}/by-ref/ERP-7", body)
    assert created.status_code == 201, created.text
    again = await erp.call("PUT", f"{API}/by-ref/ERP-7", {"status": "open", "shipping_minor": 0})
    assert again.status_code == 200 and again.json()["id"] == created.json()["id"]
    assert again.json()["status"] == "open" and again.json()["total_minor"] == created.json()["total_minor"] - 2500
    async with scoped(db, Scope(shop.tenant.id)):
        assert await db.scalar(select(func.count(Quote.id))) == 1
    missing_customer = await erp.call("PUT", f"{API}/by-ref/ERP-8", {"name": "x"})
    assert missing_customer.status_code == 422 and missing_customer.json()["extra"][0]["key"] == "customer_id"
    other_ref = await erp.call("PUT", f"{API}/by-ref/ERP-9", {"customer_id": shop.north.id, "external_ref": "X"})
    assert other_ref.status_code == 422 and "external_ref" in other_ref.text


async def test_list_pages_and_filters(erp, shop, db):
    for n in range(1, 6):
        await add_quote(db, shop, f"Q-{n:05d}", lines=2, status="open" if n % 2 else "draft")
    await add_quote(db, shop, "SO-00001", kind="order", status="quoted")
    page = (await erp.call("GET", f"{API}?kind=quote&limit=2")).json()
    assert [q["number"] for q in page["items"]] == ["Q-00001", "Q-00002"] and page["next_after"]
    assert len(page["items"][0]["lines"]) == 2
    rest = (await erp.call("GET", f"{API}?kind=quote&limit=10&after={page['next_after']}")).json()
    assert [q["number"] for q in rest["items"]] == ["Q-00003", "Q-00004", "Q-00005"] and rest["next_after"] is None
    drafts = (await erp.call("GET", f"{API}?kind=quote&status=draft")).json()
    assert [q["number"] for q in drafts["items"]] == ["Q-00002", "Q-00004"]
    orders = (await erp.call("GET", f"{API}?kind=order")).json()
    assert [q["number"] for q in orders["items"]] == ["SO-00001"]
    future = (await erp.call("GET", f"{API}?updated_since=2999-01-01T00:00:00Z")).json()
    assert future["items"] == []
    assert (await erp.call("GET", f"{API}?limit=500")).status_code == 400
    assert (await erp.call("GET", f"{API}?kind=invoice")).status_code == 400


async def test_bad_payloads_name_the_field_and_never_500(erp, shop, db):
    cases = [
        ({"customer_id": "north"}, "customer_id"),
        ({"shipping_minor": 1.5}, "shipping_minor"),
        ({"tax_rate_bp": 20000}, "tax_rate_bp"),
        ({"currency": "dollars"}, "currency"),
        ({"quote_date": "yesterday"}, "quote_date"),
        ({"lines": [{"item": "X", "quantity": "many"}]}, "quantity"),
        ({"lines": [{"item": "X", "unit_price_minor": 2**50}]}, "unit_price_minor"),
        ({"lines": "none"}, "lines"),
        ({"colour": "red"}, "colour"),
        ({"name": "x" * 201}, "name"),
        ({"status": "shipped"}, "status"),
        ({"contact_id": shop.south_contact.id}, "contact_id"),
        ({"sales_rep_id": shop.contact.id}, "sales_rep_id"),
        ({"lines": [{"quantity": 1}]}, "lines[0].item"),
        ({"lines": [{"item": "X", "quantity": 9999999999, "unit_price_minor": 10**13}]}, "unit_price_minor"),
        ({"lines": [{"id": 999999, "item": "X"}]}, "lines"),
        ({"payments": [{"label": "", "amount_minor": 1}]}, "payments[0].label"),
        ({"valid_until": "2026-01-01"}, "valid_until"),
    ]
    for change, field in cases:
        response = await erp.call("POST", API, payload(shop, **change))
        assert 400 <= response.status_code < 500, (change, response.status_code, response.text)
        assert field in str(response.json()), (change, response.json())
    not_json = await erp.client.inner.post(
        API, content=b"{nope", headers=erp.headers | {"content-type": "application/json"}
    )
    assert not_json.status_code == 400
    async with scoped(db, Scope(shop.tenant.id)):
        assert await db.scalar(select(func.count(Quote.id))) == 0


async def test_duplicate_number_is_409(erp, shop):
    assert (await erp.call("POST", API, payload(shop, number="Q-7"))).status_code == 201
    clash = await erp.call("POST", API, payload(shop, number="Q-7", external_ref="ERP-2"))
    assert clash.status_code == 409 and clash.json()["extra"][0]["key"] == "number"
    other = (await erp.call("POST", API, payload(shop, external_ref="ERP-3"))).json()
    moved = await erp.call("PATCH", f"{API}/{other['id']}", {"number": "Q-7"})
    assert moved.status_code == 409 and "already used" in moved.json()["detail"]


async def test_another_vendors_ids_are_refused(erp, shop, tenant_factory, customer_factory, user_factory, db):
    rival = await tenant_factory("rival")
    foreign_customer = await customer_factory(rival, "Rival Customer")
    foreign_user = await user_factory(rival, "vendor_staff")
    async with scoped(db, Scope(rival.id)):
        foreign = Quote(kind="quote", number="Q-00001", customer_id=foreign_customer.id, name="Rival secret")
        db.add(foreign)
        await db.commit()
    unknown = await erp.call("POST", API, payload(shop, customer_id=foreign_customer.id, contact_id=None))
    assert unknown.status_code == 422 and unknown.json()["extra"][0]["key"] == "customer_id"
    rep = await erp.call("POST", API, payload(shop, sales_rep_id=foreign_user.id))
    assert rep.status_code == 422 and rep.json()["extra"][0]["key"] == "sales_rep_id"
    assert (await erp.call("GET", f"{API}/{foreign.id}")).status_code == 404
    assert (await erp.call("PATCH", f"{API}/{foreign.id}", {"name": "mine"})).status_code == 404
    listed = (await erp.call("GET", API)).json()
    assert "Rival secret" not in str(listed)
    moved = (await erp.call("POST", API, payload(shop))).json()
    refused = await erp.call("PATCH", f"{API}/{moved['id']}", {"customer_id": foreign_customer.id})
    assert refused.status_code == 422


async def test_approvals_and_change_requests(erp, shop, db):
    quote = await add_quote(db, shop, "Q-00001", lines=2)
    approval = await approve_lines(db, shop, quote, 1, 2)
    approvals = (await erp.call("GET", f"{API}/approvals")).json()
    [item] = approvals["items"]
    assert item["id"] == approval.id and item["quote_number"] == "Q-00001" and item["typed_name"] == "Nora North"
    assert item["terms_text"] == "Prices valid 30 days." and item["user_name"] == "Nora North"
    assert (await erp.call("GET", f"{API}/approvals?since=2999-01-01T00:00:00Z")).json()["items"] == []
    assert len((await erp.call("GET", f"{API}/approvals?quote_id={quote.id}")).json()["items"]) == 1
    change = await add_change(db, shop, quote, "More pumps please")
    await add_change(db, shop, quote, "Done already", status="resolved")
    open_ones = (await erp.call("GET", f"{API}/change-requests?status=open")).json()["items"]
    assert [c["message"] for c in open_ones] == ["More pumps please"]
    assert len((await erp.call("GET", f"{API}/change-requests")).json()["items"]) == 2
    assert (await erp.call("GET", f"{API}/change-requests?since=2999-01-01T00:00:00%2B02:00")).json()["items"] == []
    refused = await erp.call("PATCH", f"{API}/change-requests/{change.id}", {"status": "resolved"})
    assert refused.status_code == 422 and refused.json()["extra"][0]["key"] == "response"
    bad = await erp.call("PATCH", f"{API}/change-requests/{change.id}", {"status": "closed"})
    assert bad.status_code == 400 and "status" in str(bad.json())
    answered = await erp.call(
        "PATCH", f"{API}/change-requests/{change.id}", {"response": "Added 2.", "status": "resolved"}
    )
    assert answered.status_code == 200 and answered.json()["status"] == "resolved"
    assert answered.json()["resolved_at"] is not None
    read = (await erp.call("GET", f"{API}/change-requests/{change.id}")).json()
    assert read["response"] == "Added 2." and read["quote_number"] == "Q-00001"
    assert (await erp.call("GET", f"{API}/change-requests/999999")).status_code == 404


async def test_convert_through_the_api(erp, shop, db):
    quote = await add_quote(db, shop, "Q-00001", lines=1)
    refused = await erp.call("POST", f"{API}/{quote.id}/convert")
    assert refused.status_code == 409 and refused.json()["extra"][0]["key"] == "status"
    await approve_lines(db, shop, quote, 1)
    made = await erp.call("POST", f"{API}/{quote.id}/convert")
    assert made.status_code == 201 and made.json()["kind"] == "order" and made.json()["source_id"] == quote.id
    again = await erp.call("POST", f"{API}/{quote.id}/convert")
    assert again.status_code == 200 and again.json()["id"] == made.json()["id"]


async def test_tokens_without_the_permission_or_with_a_cookie_are_refused(admin, shop, client_factory):
    reader = Erp(await client_factory(shop.tenant.host), await make_token(admin, "core.admin.customers"))
    assert (await reader.call("GET", API)).status_code == 403
    anonymous = await client_factory(shop.tenant.host)
    assert (await anonymous.get(API)).status_code == 401
    assert (await admin.inner.get(API)).status_code == 401  # the session cookie does not work on the API


async def test_openapi_documents_the_typed_models(client):
    schema = (await client.get("/api/v1/schema/openapi.json")).json()
    for path in (
        API,
        f"{API}/{{quote_id}}",
        f"{API}/by-ref/{{external_ref}}",
        f"{API}/approvals",
        f"{API}/change-requests",
    ):
        assert path in schema["paths"], path
    components = schema["components"]["schemas"]
    names = " ".join(components)
    assert "QuoteIn" in names and "QuoteOut" in names and "ChangeRequestPatch" in names
    quote_in = next(value for key, value in components.items() if key.endswith("QuoteIn"))
    assert "customer_id" in quote_in["required"] and "lines" in quote_in["properties"]
