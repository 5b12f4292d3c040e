"""The work order PDF: the order, its parts and where each part is, with the vendor's branding.

Work orders are visible in the portal without sending; their PDF is not. Like every kernel
document, the PDF is rendered when the vendor sends it (``/admin/documents/workorders.order/<id>/send``)
and customers download that snapshot from the work order page.
"""

from __future__ import annotations

from typing import Any

from core import Customer, RequestContext
from plugins.workorders.models import WORK_ORDER_KINDS, WORK_ORDER_STATUSES, WorkOrder
from plugins.workorders.progress.detail import part_rows
from plugins.workorders.progress.formatting import qty


async def order_pdf_context(ctx: RequestContext, order: WorkOrder) -> dict[str, Any]:
    account = await ctx.db.get(Customer, order.customer_id)
    if account is None:  # cannot happen for a record the kernel just loaded through the same scope
        raise LookupError(f"work order {order.id} has no visible account")
    return {
        "order": order,
        "account": account.name,
        "parts": await part_rows(ctx, order, account),
        "statuses": WORK_ORDER_STATUSES,
        "kinds": WORK_ORDER_KINDS,
        "qty": qty,
    }


def order_pdf_filename(order: WorkOrder) -> str:
    return f"work-order-{order.number}.pdf"
