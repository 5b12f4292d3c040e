"""SQL statements per page do not grow with the number of records or lines."""

from __future__ import annotations

import pytest

from core.accounts import scoped
from core.db import Scope
from core.documents import Publication
from tests.workorders.shipping.conftest import bill_of_lading, packing_slip, purchase_order, work_order


async def mark_sent(db, shop, key: str, record) -> None:
    """A publication row as sending leaves it (lists and details read these, not the PDF)."""
    async with scoped(db, Scope(shop.tenant.id)):
        db.add(
            Publication(
                customer_id=record.customer_id, doc_type=key, record_id=record.id, version=1,
                storage_key="none", filename="x.pdf", size=1, recipients=[],
            )
        )  # fmt: skip
        await db.commit()


async def grow(db, shop, batch: int, records: int, lines: int) -> dict[str, int]:
    """``records`` more of everything, over both sites; returns the newest of each (with ``lines`` lines)."""
    newest: dict[str, int] = {}
    for i in range(records):
        site = (shop.north, shop.south)[i % 2]
        tag = f"{batch}{i:03d}"
        job = await work_order(db, shop, site, f"WO-9{tag}")
        order = await purchase_order(db, shop, site, f"45009{tag}", lines=lines, status="in_production")
        slip = await packing_slip(db, shop, site, f"PS-9{tag}", lines=lines, order=order, work_order_id=job.id)
        bol = await bill_of_lading(db, shop, site, f"BOL-9{tag}", lines=lines, slip=slip)
        await mark_sent(db, shop, "workorders.packing_slip", slip)
        await mark_sent(db, shop, "workorders.bill_of_lading", bol)
        newest = {"po": order.id, "slip": slip.id, "bol": bol.id}
    return newest


CUSTOMER_PAGES = [
    "/workorders/purchase-orders",
    "/workorders/purchase-orders/{po}",
    "/workorders/shipments",
    "/workorders/shipments/bills-of-lading",
    "/workorders/shipments/packing-slips/{slip}",
    "/workorders/shipments/bills-of-lading/{bol}",
    "/workorders/sites",
    "/workorders/open-orders",
]
ADMIN_PAGES = [
    "/admin/workorders/purchase-orders",
    "/admin/workorders/purchase-orders/{po}",
    "/admin/workorders/packing-slips",
    "/admin/workorders/packing-slips/{slip}",
    "/admin/workorders/bills-of-lading",
    "/admin/workorders/bills-of-lading/{bol}",
]


@pytest.mark.parametrize("who", ["buyer", "staff"])
async def test_statements_do_not_grow_with_records_or_lines(who, shop, db, login_as, count_queries):
    client = await login_as(getattr(shop, who))
    pages = CUSTOMER_PAGES if who == "buyer" else ADMIN_PAGES
    small_ids = await grow(db, shop, 1, records=2, lines=1)
    small = {}
    for page in pages:
        url = page.format(**small_ids)
        await client.get(url)  # warm the tenant's state and the templates
        with count_queries() as counter:
            assert (await client.get(url)).status_code == 200, url
        small[page] = counter.count
    large_ids = await grow(db, shop, 2, records=30, lines=12)
    for page in pages:
        url = page.format(**large_ids)
        with count_queries() as counter:
            response = await client.get(url)
            assert response.status_code == 200, url
        assert counter.count == small[page], (url, counter.statements)
