"""Packing slips and bills of lading reach customers only once sent, and never another site's."""

from __future__ import annotations

from tests.workorders.shipping.conftest import bill_of_lading, packing_slip, purchase_order, send

SLIP = "workorders.packing_slip"
BOL = "workorders.bill_of_lading"


async def test_a_packing_slip_is_invisible_until_sent(shop, db, login_as):
    slip = await packing_slip(db, shop, shop.north, "PS-70001")
    nora = await login_as(shop.north_contact)
    assert "PS-70001" not in (await nora.get("/workorders/shipments")).text
    assert (await nora.get(f"/workorders/shipments/packing-slips/{slip.id}")).status_code == 404
    assert (await nora.get(f"/documents/{SLIP}/{slip.id}/pdf")).status_code == 404

    staff = await login_as(shop.staff)
    await send(staff, SLIP, slip, shop.north_contact)

    listing = await nora.get("/workorders/shipments")
    assert listing.status_code == 200 and "PS-70001" in listing.text
    detail = await nora.get(f"/workorders/shipments/packing-slips/{slip.id}")
    assert detail.status_code == 200 and "Slip item 1 of PS-70001" in detail.text and "data-pdf" in detail.text
    pdf = await nora.get(f"/documents/{SLIP}/{slip.id}/pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


async def test_a_sent_slip_of_one_site_is_never_shown_to_the_other_site(shop, db, login_as):
    north_slip = await packing_slip(db, shop, shop.north, "PS-70011")
    south_slip = await packing_slip(db, shop, shop.south, "PS-70012")
    staff = await login_as(shop.staff)
    await send(staff, SLIP, north_slip, shop.north_contact)
    await send(staff, SLIP, south_slip, shop.south_contact)

    sid = await login_as(shop.south_contact)
    listing = (await sid.get("/workorders/shipments")).text
    assert "PS-70012" in listing and "PS-70011" not in listing
    assert (await sid.get(f"/workorders/shipments/packing-slips/{north_slip.id}")).status_code == 404
    assert (await sid.get(f"/documents/{SLIP}/{north_slip.id}/pdf")).status_code == 404

    bea = await login_as(shop.buyer)  # the parent account's contact sees both sites' slips
    both = (await bea.get("/workorders/shipments")).text
    assert "PS-70011" in both and "PS-70012" in both and "Globex South Plant" in both


async def test_bills_of_lading_follow_the_same_rule(shop, db, login_as):
    slip = await packing_slip(db, shop, shop.north, "PS-70021")
    sent_bol = await bill_of_lading(db, shop, shop.north, "BOL-70021", slip=slip)
    draft_bol = await bill_of_lading(db, shop, shop.north, "BOL-70022", slip=slip)
    staff = await login_as(shop.staff)
    await send(staff, SLIP, slip, shop.north_contact)
    await send(staff, BOL, sent_bol, shop.north_contact)

    nora = await login_as(shop.north_contact)
    listing = (await nora.get("/workorders/shipments/bills-of-lading")).text
    assert "BOL-70021" in listing and "BOL-70022" not in listing
    assert (await nora.get(f"/workorders/shipments/bills-of-lading/{draft_bol.id}")).status_code == 404
    detail = await nora.get(f"/workorders/shipments/bills-of-lading/{sent_bol.id}")
    assert detail.status_code == 200 and "PROBOL-70021" in detail.text and "Freight 1 of BOL-70021" in detail.text
    slip_page = (await nora.get(f"/workorders/shipments/packing-slips/{slip.id}")).text
    assert "BOL-70021" in slip_page and "BOL-70022" not in slip_page


async def test_purchase_order_shows_lines_and_only_sent_slips(shop, db, login_as):
    order = await purchase_order(db, shop, shop.north, "4500077001", lines=3)
    sent = await packing_slip(db, shop, shop.north, "PS-70031", order=order)
    await packing_slip(db, shop, shop.north, "PS-70032", order=order)
    other = await purchase_order(db, shop, shop.south, "4500077002")
    staff = await login_as(shop.staff)
    await send(staff, SLIP, sent, shop.north_contact)

    nora = await login_as(shop.north_contact)
    listing = (await nora.get("/workorders/purchase-orders")).text
    assert "4500077001" in listing and "4500077002" not in listing
    page = await nora.get(f"/workorders/purchase-orders/{order.id}")
    assert page.status_code == 200
    assert "Part 2 of 4500077001" in page.text and "data-ordered>12<" in page.text and "data-shipped>2<" in page.text
    assert "PS-70031" in page.text and "PS-70032" not in page.text
    assert (await nora.get(f"/workorders/purchase-orders/{other.id}")).status_code == 404


async def test_purchase_order_filters(shop, db, login_as):
    await purchase_order(db, shop, shop.north, "4500088001", status="received")
    await purchase_order(db, shop, shop.south, "4500088002", status="closed")
    await purchase_order(db, shop, shop.south, "4500088003", status="partially_shipped", ordered_on=None)
    bea = await login_as(shop.buyer)
    everything = (await bea.get("/workorders/purchase-orders")).text
    assert all(n in everything for n in ("4500088001", "4500088002", "4500088003"))
    open_ones = (await bea.get("/workorders/purchase-orders?status=open")).text
    assert "4500088001" in open_ones and "4500088003" in open_ones and "4500088002" not in open_ones
    by_number = (await bea.get("/workorders/purchase-orders?q=88002")).text
    assert "4500088002" in by_number and "4500088001" not in by_number
    by_site = (await bea.get(f"/workorders/purchase-orders?site={shop.south.id}")).text
    assert "4500088001" not in by_site and "4500088002" in by_site
    by_date = (await bea.get("/workorders/purchase-orders?from=2026-11-01&to=2026-11-30")).text
    assert "4500088001" in by_date and "4500088003" not in by_date
    bad = await bea.get("/workorders/purchase-orders?from=yesterday")
    assert bad.status_code == 200 and "could not be read" in bad.text


async def test_purchase_orders_page_by_keyset(shop, db, login_as):
    for i in range(30):
        await purchase_order(db, shop, shop.north, f"45000990{i:02d}", lines=0)
    nora = await login_as(shop.north_contact)
    first = (await nora.get("/workorders/purchase-orders")).text
    assert "4500099029" in first and "4500099000" not in first and "data-next-page" in first
    import re

    next_url = re.search(r'href="([^"]+)" data-next-page', first).group(1).replace("&amp;", "&")
    second = (await nora.get(next_url)).text
    assert "4500099000" in second and "4500099029" not in second and "data-next-page" not in second
