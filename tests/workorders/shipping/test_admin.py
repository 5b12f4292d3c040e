"""The vendor's pages: purchase orders, packing slips and bills of lading with their lines;
bad input comes back with the messages and what was typed (400), nothing saved."""

from __future__ import annotations

from sqlalchemy import select

from core.accounts import scoped
from core.db import Scope
from plugins.workorders.models import BillOfLading, PackingSlip, PackingSlipLine, PurchaseOrder, PurchaseOrderLine
from tests.workorders.shipping.conftest import packing_slip, purchase_order, work_order

PO = "/admin/workorders/purchase-orders"
SLIPS = "/admin/workorders/packing-slips"
BOLS = "/admin/workorders/bills-of-lading"


async def rows(db, tenant, model, *where):
    async with scoped(db, Scope(tenant.id)):
        found = list(
            await db.scalars(select(model).where(*where).order_by(model.id).execution_options(populate_existing=True))
        )
        await db.commit()
    return found


async def test_staff_create_and_edit_a_purchase_order_with_lines(shop, db, login_as):
    staff = await login_as(shop.staff)
    assert (await staff.get(f"{PO}/new")).status_code == 200
    created = await staff.post(
        f"{PO}/",
        {
            "customer_id": str(shop.north.id),
            "number": "4500055001",
            "sales_order_number": "SO-55001",
            "status": "acknowledged",
            "ordered_on": "2026-11-03",
            "currency": "usd",
            "lines-0-part_number": "BRK-1",
            "lines-0-description": "Bracket",
            "lines-0-quantity": "12",
            "lines-0-unit_price": "18.50",
            "lines-2-description": "Setup charge",
            "lines-2-unit_price": "150",
        },
    )
    assert created.status_code == 302, created.text[:2000]
    [order] = await rows(db, shop.tenant, PurchaseOrder, PurchaseOrder.number == "4500055001")
    assert created.headers["location"] == f"{PO}/{order.id}"
    assert order.total_minor == 12 * 1850 + 15000 and order.currency == "USD" and order.status == "acknowledged"
    lines = await rows(db, shop.tenant, PurchaseOrderLine, PurchaseOrderLine.purchase_order_id == order.id)
    assert [(line.position, line.description) for line in lines] == [(0, "Bracket"), (1, "Setup charge")]

    form = (await staff.get(f"{PO}/{order.id}")).text
    assert 'value="18.50"' in form and 'value="Setup charge"' in form
    saved = await staff.post(
        f"{PO}/{order.id}",
        {"customer_id": str(shop.north.id), "number": "4500055001", "status": "shipped", "currency": "USD",
         "lines-0-description": "Bracket", "lines-0-quantity": "12", "lines-0-quantity_shipped": "12"},
    )  # fmt: skip
    assert saved.status_code == 302
    [order] = await rows(db, shop.tenant, PurchaseOrder, PurchaseOrder.id == order.id)
    assert order.status == "shipped" and order.total_minor == 0
    assert len(await rows(db, shop.tenant, PurchaseOrderLine, PurchaseOrderLine.purchase_order_id == order.id)) == 1
    customer_view = (await (await login_as(shop.north_contact)).get("/workorders/purchase-orders")).text
    assert "4500055001" in customer_view and "Shipped" in customer_view


async def test_bad_purchase_order_comes_back_with_messages_and_typed_values(shop, db, login_as):
    staff = await login_as(shop.staff)
    response = await staff.post(
        f"{PO}/",
        {
            "customer_id": str(shop.north.id),
            "number": "",
            "status": "lost",
            "ordered_on": "3rd of May",
            "currency": "dollars",
            "lines-0-description": "Flange kept",
            "lines-0-quantity": "lots",
            "lines-1-description": "Gasket",
            "lines-1-unit_price": "12.345",
        },
    )
    assert response.status_code == 400
    page = response.text
    assert "This field is required." in page and "Enter a date as YYYY-MM-DD." in page
    assert "Enter a number such as 12 or 2.5." in page and 'data-error="lines[0].quantity"' in page
    assert 'data-error="lines[1].unit_price_minor"' in page
    assert 'value="Flange kept"' in page and 'value="lots"' in page and 'value="3rd of May"' in page
    assert await rows(db, shop.tenant, PurchaseOrder) == []

    semantic = await staff.post(
        f"{PO}/", {"customer_id": str(shop.north.id), "number": "X-1", "status": "lost", "currency": "dollars"}
    )
    assert semantic.status_code == 400 and "Choose one of:" in semantic.text and "three-letter" in semantic.text


async def test_customers_cannot_open_the_admin_pages(shop, login_as):
    bea = await login_as(shop.buyer)
    for url in (PO, SLIPS, BOLS, f"{SLIPS}/new"):
        assert (await bea.get(url)).status_code == 403, url
    assert (await bea.post(f"{PO}/", {"customer_id": str(shop.north.id), "number": "X"})).status_code == 403


async def test_packing_slip_links_and_numbers(shop, db, login_as):
    order = await purchase_order(db, shop, shop.north, "4500055101", lines=2)
    other_order = await purchase_order(db, shop, shop.south, "4500055102")
    job = await work_order(db, shop, shop.north, "WO-55101")
    staff = await login_as(shop.staff)

    prefilled = (await staff.get(f"{SLIPS}/new?purchase_order={order.id}")).text
    assert 'value="4500055101"' in prefilled and 'value="P-4500055101-1"' in prefilled and 'value="10"' in prefilled

    wrong = await staff.post(
        f"{SLIPS}/",
        {"customer_id": str(shop.north.id), "purchase_order_id": other_order.number, "work_order_id": "WO-nope",
         "lines-0-description": "Shaft", "lines-0-quantity": "-2"},
    )  # fmt: skip
    assert wrong.status_code == 400
    assert "There is no 4500055102 for this customer account." in wrong.text
    assert "There is no WO-nope for this customer account." in wrong.text
    assert 'data-error="lines[0].quantity"' in wrong.text

    created = await staff.post(
        f"{SLIPS}/",
        {"customer_id": str(shop.north.id), "purchase_order_id": order.number, "work_order_id": job.number,
         "shipped_on": "2026-11-25", "carrier": "UPS Ground", "ship_to": "North Plant\nDock 1",
         "lines-0-part_number": "P-1", "lines-0-quantity": "4"},
    )  # fmt: skip
    assert created.status_code == 302, created.text[:3000]
    [slip] = await rows(db, shop.tenant, PackingSlip)
    assert slip.number == "PS-00001" and slip.purchase_order_id == order.id and slip.work_order_id == job.id
    assert [line.quantity for line in await rows(db, shop.tenant, PackingSlipLine)] == [4]

    assert f'href="{SLIPS}/{slip.id}">PS-00001</a>' in (await staff.get(f"{PO}/{order.id}")).text
    page = (await staff.get(f"{SLIPS}/{slip.id}")).text
    assert "data-not-sent" in page
    assert f'href="/admin/documents/workorders.packing_slip/{slip.id}/send?next={SLIPS}/{slip.id}"' in page
    assert f'href="{BOLS}/new?packing_slip={slip.id}"' in page

    taken = await staff.post(
        f"{SLIPS}/", {"customer_id": str(shop.south.id), "number": "PS-00001", "lines-0-description": "x"}
    )
    assert taken.status_code == 400 and "Number PS-00001 is already used." in taken.text


async def test_bill_of_lading_form(shop, db, login_as):
    slip = await packing_slip(db, shop, shop.north, "PS-55201")
    staff = await login_as(shop.staff)
    new = (await staff.get(f"{BOLS}/new?packing_slip={slip.id}")).text
    assert 'value="PS-55201"' in new and "Globex North Plant\nDock 4" in new and 'value="Estes Express Lines"' in new

    bad = await staff.post(
        f"{BOLS}/",
        {"customer_id": str(shop.north.id), "packing_slip_id": "PS-55201", "freight_terms": "barter",
         "lines-0-pieces": "0", "lines-0-description": "Pallet of brackets", "lines-0-freight_class": "71",
         "lines-0-weight_kg": "heavy", "lines-1-pieces": "2"},
    )  # fmt: skip
    assert bad.status_code == 400
    for key in ("lines[0].pieces", "lines[0].freight_class", "lines[0].weight_kg", "lines[1].description"):
        assert f'data-error="{key}"' in bad.text, key
    assert "Choose one of:" in bad.text and 'value="Pallet of brackets"' in bad.text

    good = await staff.post(
        f"{BOLS}/",
        {"customer_id": str(shop.north.id), "packing_slip_id": "PS-55201", "freight_terms": "collect",
         "carrier": "Estes Express Lines", "pro_number": "0123456789", "shipper": "Acme Parts",
         "lines-0-pieces": "2", "lines-0-package_type": "pallet", "lines-0-description": "Brackets",
         "lines-0-weight_kg": "340.5", "lines-0-freight_class": "77.5"},
    )  # fmt: skip
    assert good.status_code == 302, good.text[:3000]
    [bol] = await rows(db, shop.tenant, BillOfLading)
    assert bol.number == "BOL-00001" and bol.packing_slip_id == slip.id and bol.freight_terms == "collect"
    assert f'href="{BOLS}/{bol.id}">BOL-00001</a>' in (await staff.get(f"{SLIPS}/{slip.id}")).text
    listing = (await staff.get(f"{BOLS}?status=draft")).text
    assert "BOL-00001" in listing and "0123456789" in listing
    assert "BOL-00001" not in (await staff.get(f"{BOLS}?status=sent")).text
