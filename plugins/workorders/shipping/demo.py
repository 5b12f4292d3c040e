"""Demo data: purchase orders in several states per site, packing slips and bills of lading
shipped against them (linked to the site's demo work orders when the progress part made some),
most of them sent so customers see them, one of each left unsent.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

import core
from core import Customer, SeedContext
from plugins.workorders.models import (
    BillOfLading,
    BillOfLadingLine,
    PackingSlip,
    PackingSlipLine,
    PurchaseOrder,
    PurchaseOrderLine,
    WorkOrder,
)
from plugins.workorders.shipping.documents import vendor_block
from plugins.workorders.shipping.visibility import BILL_OF_LADING, PACKING_SLIP

#: (part number, description, unit price in cents, weight per piece in kg)
PARTS = [
    ("BRK-2210", "Mounting bracket, 6061-T6, clear anodized", 1850, Decimal("0.42")),
    ("SHF-0384", "Drive shaft, 4140 steel, ground and hardened", 12400, Decimal("3.10")),
    ("HSG-7702", "Pump housing, ductile iron, machined", 28900, Decimal("11.80")),
    ("PLT-1105", "Cover plate, 304 stainless, laser cut", 640, Decimal("0.95")),
    ("BSH-0520", "Bronze bushing, SAE 660, 20 mm bore", 415, Decimal("0.08")),
    ("MNF-3301", "Hydraulic manifold block, 6061-T6", 45600, Decimal("6.25")),
]
#: (status, days since ordered, the lines' share shipped) for each site's orders
ORDERS = [
    ("received", 3, Decimal(0)),
    ("in_production", 12, Decimal(0)),
    ("partially_shipped", 26, Decimal("0.5")),
    ("shipped", 41, Decimal(1)),
    ("closed", 75, Decimal(1)),
]
CARRIERS = [("Old Dominion Freight Line", "ODFL"), ("Estes Express Lines", "EXLA"), ("UPS Ground", "UPSN")]


async def seed_demo(db: AsyncSession, seed: SeedContext) -> None:
    today = dt.date.today()
    all_bills: list[BillOfLading] = []
    slips_to_send: list[PackingSlip] = []
    bills_to_send: list[BillOfLading] = []
    slip_number = bol_number = 0
    for site_index, site_id in enumerate(seed.site_customer_ids):
        site = await db.get(Customer, site_id)
        site_name = site.name if site else "Site"
        work_orders = list(
            await db.scalars(select(WorkOrder).where(WorkOrder.customer_id == site_id).order_by(WorkOrder.id))
        )
        for order_index, (status, age, shipped_share) in enumerate(ORDERS):
            serial = 4500018200 + site_index * 100 + order_index * 7
            order = PurchaseOrder(
                customer_id=site_id,
                number=str(serial),
                sales_order_number=f"SO-{10400 + site_index * 20 + order_index}",
                status=status,
                ordered_on=today - dt.timedelta(days=age),
                due_on=today - dt.timedelta(days=age) + dt.timedelta(days=30),
                currency="USD",
                notes="Certificates of conformance required with every shipment." if order_index == 1 else "",
                external_ref=f"ERP-SO-{site_id}-{order_index}",
            )
            db.add(order)
            await db.flush()
            parts = [PARTS[(order_index + site_index + k) % len(PARTS)] for k in range(2 + order_index % 2)]
            lines = []
            for position, (part_number, description, price, _weight) in enumerate(parts):
                quantity = Decimal(25 * (position + 1) * (site_index + 1))
                lines.append(
                    PurchaseOrderLine(
                        customer_id=site_id,
                        purchase_order_id=order.id,
                        position=position,
                        part_number=part_number,
                        description=description,
                        quantity=quantity,
                        quantity_shipped=(quantity * shipped_share).to_integral_value(),
                        unit_price_minor=price,
                    )
                )
            order.total_minor = sum(round(line.quantity * line.unit_price_minor) for line in lines)
            db.add_all(lines)
            if shipped_share == 0:
                continue
            carrier, scac = CARRIERS[(site_index + order_index) % len(CARRIERS)]
            slip_number += 1
            slip = PackingSlip(
                customer_id=site_id,
                number=f"PS-{slip_number:05d}",
                work_order_id=work_orders[order_index % len(work_orders)].id if work_orders else None,
                purchase_order_id=order.id,
                shipped_on=order.ordered_on + dt.timedelta(days=20) if order.ordered_on else today,
                carrier=carrier,
                tracking_number=f"{scac}{site_id:03d}{order.id:06d}",
                ship_to=f"{site_name}\nReceiving, dock {2 + order_index}",
                notes="Parts bagged and tagged by line." if order_index == 2 else "",
            )
            db.add(slip)
            await db.flush()
            db.add_all(
                PackingSlipLine(
                    customer_id=site_id,
                    packing_slip_id=slip.id,
                    position=line.position,
                    part_number=line.part_number,
                    description=line.description,
                    quantity=line.quantity_shipped,
                )
                for line in lines
            )
            bol_number += 1
            pieces = len(lines)
            bol = BillOfLading(
                customer_id=site_id,
                number=f"BOL-{bol_number:05d}",
                packing_slip_id=slip.id,
                shipped_on=slip.shipped_on,
                carrier=carrier,
                pro_number=f"{(site_id * 7919 + order.id * 104729) % 10**9:09d}",
                consignee=slip.ship_to,
                freight_terms="prepaid" if order_index % 2 == 0 else "collect",
            )
            db.add(bol)
            all_bills.append(bol)
            await db.flush()
            db.add_all(
                BillOfLadingLine(
                    customer_id=site_id,
                    bill_of_lading_id=bol.id,
                    position=position,
                    pieces=1 + position,
                    package_type="pallet" if position == 0 else "crate",
                    description=f"{line.description} ({line.part_number})",
                    weight_kg=(PARTS_WEIGHT[line.part_number] * line.quantity_shipped + Decimal(18)).quantize(
                        Decimal("0.01")
                    ),
                    freight_class="70" if position == 0 else "85",
                )
                for position, line in enumerate(lines[:pieces])
            )
            # The newest shipment of the first site stays a draft: customers must not see it.
            if not (site_index == 0 and order_index == 2):
                slips_to_send.append(slip)
                bills_to_send.append(bol)
    await db.flush()
    if seed.portico is None or not seed.staff_user_ids:
        return  # sending makes PDF files, which needs the portal's storage
    ctx = await core.context_for(seed.portico, db, seed.tenant_id, seed.staff_user_ids[0])
    for bol in all_bills:
        bol.shipper = vendor_block(ctx)
    for key, records in ((PACKING_SLIP, slips_to_send), (BILL_OF_LADING, bills_to_send)):
        for record in records:
            contacts = await core.eligible_contacts(ctx, key, record)
            if contacts:
                await core.publish(ctx, key, record, contacts, message="Your shipment is on its way.")


PARTS_WEIGHT = {part_number: weight for part_number, _d, _p, weight in PARTS}
