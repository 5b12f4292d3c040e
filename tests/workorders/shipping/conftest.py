"""A vendor with a parent customer, two sites and their contacts, and helpers that make
purchase orders, packing slips and bills of lading and send them the way the vendor does."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest

from core import Customer, Tenant, User
from core.accounts import scoped
from core.db import Scope
from plugins.workorders.models import (
    BillOfLading,
    BillOfLadingLine,
    PackingSlip,
    PackingSlipLine,
    PurchaseOrder,
    PurchaseOrderLine,
    WorkOrder,
)


@dataclass
class Shop:
    tenant: Tenant
    parent: Customer
    north: Customer
    south: Customer
    staff: User
    buyer: User  # a contact of the parent account: sees both sites
    north_contact: User
    south_contact: User


@pytest.fixture
async def shop(standard) -> Shop:
    """The kit's shared vendor (its vendor admin does the shipping)."""
    return Shop(
        standard.tenant,
        standard.parent,
        standard.north,
        standard.south,
        staff=standard.admin,
        buyer=standard.buyer,
        north_contact=standard.north_contact,
        south_contact=standard.south_contact,
    )


async def add(db, tenant: Tenant, *rows: Any) -> None:
    async with scoped(db, Scope(tenant.id)):
        db.add_all(rows)
        await db.commit()


async def purchase_order(db, shop: Shop, site: Customer, number: str, lines: int = 2, **fields: Any) -> PurchaseOrder:
    fields.setdefault("status", "in_production")
    fields.setdefault("ordered_on", dt.date(2026, 11, 2))
    order = PurchaseOrder(customer_id=site.id, number=number, total_minor=0, **fields)
    await add(db, shop.tenant, order)
    await add(
        db,
        shop.tenant,
        *(
            PurchaseOrderLine(
                customer_id=site.id,
                purchase_order_id=order.id,
                position=i,
                part_number=f"P-{number}-{i}",
                description=f"Part {i} of {number}",
                quantity=Decimal(10 + i),
                quantity_shipped=Decimal(i),
                unit_price_minor=1000,
            )
            for i in range(lines)
        ),
    )
    return order


async def packing_slip(
    db, shop: Shop, site: Customer, number: str, lines: int = 2, order: PurchaseOrder | None = None, **fields: Any
) -> PackingSlip:
    slip = PackingSlip(
        customer_id=site.id,
        number=number,
        purchase_order_id=order.id if order else None,
        carrier="Estes Express Lines",
        tracking_number=f"TRK-{number}",
        shipped_on=dt.date(2026, 11, 20),
        ship_to=f"{site.name}\nDock 4",
        **fields,
    )
    await add(db, shop.tenant, slip)
    await add(
        db,
        shop.tenant,
        *(
            PackingSlipLine(
                customer_id=site.id,
                packing_slip_id=slip.id,
                position=i,
                part_number=f"SL-{number}-{i}",
                description=f"Slip item {i} of {number}",
                quantity=Decimal(3),
            )
            for i in range(lines)
        ),
    )
    return slip


async def bill_of_lading(
    db, shop: Shop, site: Customer, number: str, lines: int = 2, slip: PackingSlip | None = None
) -> BillOfLading:
    bol = BillOfLading(
        customer_id=site.id,
        number=number,
        packing_slip_id=slip.id if slip else None,
        carrier="Old Dominion Freight Line",
        pro_number=f"PRO{number}",
        shipper="Acme Parts\n1 Mill Road",
        consignee=f"{site.name}\nDock 4",
        shipped_on=dt.date(2026, 11, 20),
    )
    await add(db, shop.tenant, bol)
    await add(
        db,
        shop.tenant,
        *(
            BillOfLadingLine(
                customer_id=site.id,
                bill_of_lading_id=bol.id,
                position=i,
                pieces=2,
                package_type="pallet",
                description=f"Freight {i} of {number}",
                weight_kg=Decimal("120.50"),
                freight_class="70",
            )
            for i in range(lines)
        ),
    )
    return bol


async def work_order(
    db, shop: Shop, site: Customer, number: str, status: str = "in_progress", **fields: Any
) -> WorkOrder:
    order = WorkOrder(customer_id=site.id, number=number, status=status, title=f"Job {number}", **fields)
    await add(db, shop.tenant, order)
    return order


async def send(staff_client, key: str, record: Any, *contacts: User) -> None:
    response = await staff_client.post(
        f"/admin/documents/{key}/{record.id}/send", {"contact": [str(c.id) for c in contacts], "message": "Shipped."}
    )
    assert response.status_code == 302, response.text[:800]
