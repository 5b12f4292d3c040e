"""The ERP's JSON API: upserts with lines, typed payloads, clear 4xx answers, tenant isolation."""

from __future__ import annotations

import re

import pytest

from core import VENDOR_ADMIN
from tests.workorders.shipping.conftest import packing_slip, purchase_order, send, work_order

API = "/api/v1/workorders"


async def make_token(client, *permissions: str) -> str:
    response = await client.post("/admin/api-tokens", {"name": "ERP", "permission": list(permissions)})
    assert response.status_code == 302, response.text[:500]
    page = (await client.get("/admin/api-tokens")).text
    return re.search(r'<code class="secret">([^<]+)</code>', page).group(1)


@pytest.fixture
async def erp(shop, login_as, client_factory):
    staff = await login_as(shop.staff)
    secret = await make_token(staff, "workorders.shipping.manage")
    client = await client_factory(shop.tenant.host)
    client.inner.headers["authorization"] = f"Bearer {secret}"
    return client.inner


PO_PAYLOAD = {
    "number": "4500044001",
    "sales_order_number": "SO-44001",
    "status": "acknowledged",
    "ordered_on": "2026-11-10",
    "external_ref": "ERP-44001",
    "lines": [
        {"part_number": "SHF-1", "description": "Shaft", "quantity": "20", "unit_price_minor": 12400},
        {
            "part_number": "BSH-2",
            "description": "Bushing",
            "quantity": 100,
            "quantity_shipped": 40,
            "unit_price_minor": 415,
        },
    ],
}


async def purchase_order_id(erp, external_ref: str) -> int:
    [found] = (await erp.get(f"{API}/purchase-orders", params={"external_ref": external_ref})).json()
    return found["id"]


async def test_purchase_order_upsert_by_external_ref(shop, erp, login_as):
    created = await erp.post(f"{API}/purchase-orders", json={**PO_PAYLOAD, "customer_id": shop.north.id})
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["total_minor"] == 20 * 12400 + 100 * 415 and [line["part_number"] for line in body["lines"]] == [
        "SHF-1",
        "BSH-2",
    ]
    again = await erp.post(
        f"{API}/purchase-orders",
        json={
            **PO_PAYLOAD,
            "customer_id": shop.north.id,
            "status": "partially_shipped",
            "lines": [PO_PAYLOAD["lines"][1]],
        },
    )
    assert again.status_code == 200 and again.json()["id"] == body["id"]
    assert again.json()["status"] == "partially_shipped" and len(again.json()["lines"]) == 1
    keep_lines = await erp.put(
        f"{API}/purchase-orders/{body['id']}",
        json={"customer_id": shop.north.id, "number": "4500044001", "status": "shipped", "external_ref": "ERP-44001"},
    )
    assert keep_lines.status_code == 200 and len(keep_lines.json()["lines"]) == 1  # lines left out: kept
    read = await erp.get(f"{API}/purchase-orders/{body['id']}")
    assert read.json()["status"] == "shipped" and read.json()["lines"][0]["quantity_shipped"] in ("40", "40.0000")
    listed = await erp.get(f"{API}/purchase-orders", params={"external_ref": "ERP-44001"})
    assert [o["id"] for o in listed.json()] == [body["id"]]
    nora = await login_as(shop.north_contact)
    assert "4500044001" in (await nora.get("/workorders/purchase-orders")).text


async def test_bad_payloads_get_4xx_naming_the_field(shop, erp):
    wrong_type = await erp.post(
        f"{API}/purchase-orders",
        json={**PO_PAYLOAD, "customer_id": shop.north.id, "lines": [{"description": "x", "quantity": "lots"}]},
    )
    assert wrong_type.status_code == 400 and "quantity" in str(wrong_type.json())
    missing = await erp.post(f"{API}/purchase-orders", json={"number": "1"})
    assert missing.status_code == 400 and "customer_id" in str(missing.json())
    not_json = await erp.post(f"{API}/purchase-orders", content=b"{nope", headers={"content-type": "application/json"})
    assert not_json.status_code == 400
    semantic = await erp.post(
        f"{API}/purchase-orders",
        json={"customer_id": shop.north.id, "number": "", "status": "lost", "currency": "dollars",
              "lines": [{"description": "", "quantity": -1}]},
    )  # fmt: skip
    assert semantic.status_code == 422
    keys = {item["key"] for item in semantic.json()["extra"]}
    assert {"number", "status", "currency", "lines[0].quantity", "lines[0].description"} <= keys
    bad_class = await erp.post(
        f"{API}/bills-of-lading",
        json={"customer_id": shop.north.id, "lines": [{"description": "Crate", "freight_class": "71", "pieces": 0}]},
    )
    assert bad_class.status_code == 422
    assert {"lines[0].freight_class", "lines[0].pieces"} <= {item["key"] for item in bad_class.json()["extra"]}
    first = await erp.post(f"{API}/purchase-orders", json={**PO_PAYLOAD, "customer_id": shop.north.id})
    assert first.status_code == 201
    clash = await erp.put(
        f"{API}/purchase-orders/{(await purchase_order_id(erp, 'ERP-44001'))}",
        json={**PO_PAYLOAD, "customer_id": shop.north.id, "external_ref": "ERP-44001"},
    )
    assert clash.status_code == 200  # its own reference is no clash
    other = await erp.post(
        f"{API}/purchase-orders", json={**PO_PAYLOAD, "customer_id": shop.south.id, "external_ref": None}
    )
    assert other.status_code == 201
    taken = await erp.put(
        f"{API}/purchase-orders/{other.json()['id']}",
        json={**PO_PAYLOAD, "customer_id": shop.south.id, "external_ref": "ERP-44001"},
    )
    assert taken.status_code == 422 and taken.json()["extra"][0]["key"] == "external_ref"
    too_many = await erp.get(f"{API}/packing-slips", params={"limit": 1000})
    assert too_many.status_code == 400 and "limit" in too_many.text


async def test_packing_slip_and_bill_of_lading_by_number(shop, erp, db, login_as):
    job = await work_order(db, shop, shop.north, "WO-44101")
    order = await purchase_order(db, shop, shop.north, "4500044101")
    slip = await erp.post(
        f"{API}/packing-slips",
        json={"customer_id": shop.north.id, "work_order_id": job.id, "purchase_order_id": order.id,
              "carrier": "UPS Ground", "shipped_on": "2026-11-28",
              "lines": [{"part_number": "P-1", "description": "Bracket", "quantity": "5.5"}]},
    )  # fmt: skip
    assert slip.status_code == 201, slip.text
    assert slip.json()["number"] == "PS-00001" and slip.json()["sent_at"] is None
    updated = await erp.post(
        f"{API}/packing-slips", json={"customer_id": shop.north.id, "number": "PS-00001", "tracking_number": "1Z999"}
    )
    assert updated.status_code == 200 and updated.json()["tracking_number"] == "1Z999"
    assert updated.json()["work_order_id"] is None and len(updated.json()["lines"]) == 1

    bol = await erp.post(
        f"{API}/bills-of-lading",
        json={"customer_id": shop.north.id, "packing_slip_id": slip.json()["id"], "pro_number": "PRO-1",
              "freight_terms": "third_party",
              "lines": [{"pieces": 3, "package_type": "pallet", "description": "Brackets", "weight_kg": "410.25",
                         "freight_class": "92.5"}]},
    )  # fmt: skip
    assert bol.status_code == 201 and bol.json()["number"] == "BOL-00001", bol.text
    assert bol.json()["lines"][0]["weight_kg"] in ("410.25", "410.2500")

    staff = await login_as(shop.staff)
    record = await packing_slip(db, shop, shop.north, "PS-44199")
    await send(staff, "workorders.packing_slip", record, shop.north_contact)
    assert (await erp.get(f"{API}/packing-slips/{record.id}")).json()["sent_at"] is not None


async def test_links_to_another_account_are_refused(shop, erp, db):
    south_job = await work_order(db, shop, shop.south, "WO-44201")
    response = await erp.post(
        f"{API}/packing-slips", json={"customer_id": shop.north.id, "work_order_id": south_job.id, "lines": []}
    )
    assert response.status_code == 422
    assert response.json()["extra"] == [{"key": "work_order_id", "message": "It belongs to another customer account."}]


async def test_another_vendors_ids_are_not_found(shop, erp, db, tenant_factory, customer_factory, user_factory):
    other = await tenant_factory("other", "Other Vendor")
    stranger = await customer_factory(other, "Stranger Inc")
    their_admin = await user_factory(other, VENDOR_ADMIN)
    del their_admin
    from tests.workorders.shipping.conftest import Shop

    their_shop = Shop(other, stranger, stranger, stranger, None, None, None, None)  # type: ignore[arg-type]
    theirs = await purchase_order(db, their_shop, stranger, "4500044301")
    their_slip = await packing_slip(db, their_shop, stranger, "PS-44301")
    assert (await erp.get(f"{API}/purchase-orders/{theirs.id}")).status_code == 404
    assert (await erp.get(f"{API}/packing-slips/{their_slip.id}")).status_code == 404
    assert (
        await erp.put(f"{API}/purchase-orders/{theirs.id}", json={**PO_PAYLOAD, "customer_id": shop.north.id})
    ).status_code == 404
    foreign_customer = await erp.post(f"{API}/purchase-orders", json={**PO_PAYLOAD, "customer_id": stranger.id})
    assert foreign_customer.status_code == 422 and foreign_customer.json()["extra"][0]["key"] == "customer_id"
    foreign_link = await erp.post(
        f"{API}/bills-of-lading", json={"customer_id": shop.north.id, "packing_slip_id": their_slip.id}
    )
    assert foreign_link.status_code == 422 and foreign_link.json()["extra"][0]["key"] == "packing_slip_id"
    assert "4500044301" not in (await erp.get(f"{API}/purchase-orders")).text


async def test_the_api_needs_a_token_and_is_in_the_openapi_schema(shop, client_factory, login_as):
    anonymous = await client_factory(shop.tenant.host)
    assert (await anonymous.get(f"{API}/purchase-orders")).status_code == 401
    staff = await login_as(shop.staff)
    assert (await staff.get(f"{API}/purchase-orders")).status_code == 401  # a session cookie is not enough
    schema = (await anonymous.get("/api/v1/schema/openapi.json")).json()
    for path in ("/purchase-orders", "/purchase-orders/{order_id}", "/packing-slips", "/bills-of-lading/{bol_id}"):
        assert f"{API}{path}" in schema["paths"], path
    assert "PurchaseOrderIn" in str(schema["components"]["schemas"].keys())


async def test_an_id_no_column_can_hold_is_a_4xx_not_a_500(shop, erp):
    # 2**31 overflowed PostgreSQL's INTEGER in the account lookup (a 500 there, 422 on SQLite).
    for too_big in (2**31, 2**63, 10**30):
        answer = await erp.post(f"{API}/purchase-orders", json={**PO_PAYLOAD, "customer_id": too_big})
        assert 400 <= answer.status_code < 500 and "customer" in answer.text.lower(), (too_big, answer.text)
