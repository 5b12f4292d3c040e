"""This part's share of a site's open activity: purchase orders not yet shipped or closed."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy import func, select

from core import N_, RequestContext
from plugins.workorders.models import PurchaseOrder

OPEN_PURCHASE_ORDERS = N_("Open purchase orders")
#: A purchase order is open until everything shipped, or it was closed or cancelled.
OPEN_PO_STATUSES = ("received", "acknowledged", "in_production", "partially_shipped")


async def open_purchase_orders(ctx: RequestContext, customer_ids: Sequence[int]) -> Mapping[int, int]:
    """{customer id: open purchase orders} for all ``customer_ids`` in one query."""
    rows = await ctx.db.execute(
        select(PurchaseOrder.customer_id, func.count(PurchaseOrder.id))
        .where(PurchaseOrder.customer_id.in_(list(customer_ids)), PurchaseOrder.status.in_(OPEN_PO_STATUSES))
        .group_by(PurchaseOrder.customer_id)
    )
    return {customer_id: count for customer_id, count in rows.all()}
