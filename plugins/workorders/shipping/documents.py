"""What the packing slip and bill of lading PDFs show (the templates are in templates/)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import select

from core import Customer, RequestContext, format_quantity
from plugins.workorders.models import (
    BillOfLading,
    BillOfLadingLine,
    PackingSlip,
    PackingSlipLine,
    PurchaseOrder,
    PurchaseOrderLine,
    WorkOrder,
)
from plugins.workorders.shipping.inputs import FREIGHT_TERMS, PACKAGE_TYPES

KG_TO_LB = Decimal("2.20462")


def quantity(value: Decimal | int | None) -> str:
    """``12.0000`` → ``12``, ``2.5000`` → ``2.5``: quantities without trailing zeros."""
    return format_quantity(value)


def vendor_block(ctx: RequestContext) -> str:
    """The vendor as shipper: its company name and the address from its branding."""
    name = ctx.tenant.name or ctx.branding.portal_name
    return "\n".join(part for part in (name, ctx.branding.contact_address or "") if part)


async def packing_slip_context(ctx: RequestContext, slip: PackingSlip) -> dict[str, Any]:
    lines = list(
        await ctx.db.scalars(
            select(PackingSlipLine)
            .where(PackingSlipLine.packing_slip_id == slip.id)
            .order_by(PackingSlipLine.position, PackingSlipLine.id)
        )
    )
    order = await ctx.db.get(PurchaseOrder, slip.purchase_order_id) if slip.purchase_order_id else None
    ordered: dict[str, Decimal] = {}
    if order is not None:  # what was ordered of each part, to print next to what ships now
        for line in await ctx.db.scalars(
            select(PurchaseOrderLine).where(PurchaseOrderLine.purchase_order_id == order.id)
        ):
            if line.part_number:
                ordered[line.part_number] = ordered.get(line.part_number, Decimal(0)) + line.quantity
    work_order = await ctx.db.get(WorkOrder, slip.work_order_id) if slip.work_order_id else None
    customer = await ctx.db.get(Customer, slip.customer_id)
    return {
        "slip": slip,
        "lines": lines,
        "order": order,
        "ordered": ordered,
        "work_order": work_order,
        "customer": customer,
        "ship_from": vendor_block(ctx),
        "ship_to": slip.ship_to or (customer.name if customer else ""),
        "total_quantity": quantity(sum((line.quantity for line in lines), Decimal(0))),
        "qty": quantity,
    }


async def bill_of_lading_context(ctx: RequestContext, bol: BillOfLading) -> dict[str, Any]:
    lines = list(
        await ctx.db.scalars(
            select(BillOfLadingLine)
            .where(BillOfLadingLine.bill_of_lading_id == bol.id)
            .order_by(BillOfLadingLine.position, BillOfLadingLine.id)
        )
    )
    slip = await ctx.db.get(PackingSlip, bol.packing_slip_id) if bol.packing_slip_id else None
    order = await ctx.db.get(PurchaseOrder, slip.purchase_order_id) if slip and slip.purchase_order_id else None
    customer = await ctx.db.get(Customer, bol.customer_id)
    weight = sum((line.weight_kg for line in lines), Decimal(0))
    return {
        "bol": bol,
        "lines": lines,
        "slip": slip,
        "order": order,
        "customer": customer,
        "shipper": bol.shipper or vendor_block(ctx),
        "consignee": bol.consignee or (slip.ship_to if slip else "") or (customer.name if customer else ""),
        "freight_terms": FREIGHT_TERMS,
        "package_types": PACKAGE_TYPES,
        "total_pieces": sum(line.pieces for line in lines),
        "total_weight_kg": weight.quantize(Decimal("0.01")),
        "total_weight_lb": (weight * KG_TO_LB).quantize(Decimal("0.1")),
        "lb": lambda kg: (kg * KG_TO_LB).quantize(Decimal("0.1")),
    }
