"""A stand-in for the progress part's "Open work orders" counter, for tests of the job sites page
(the real one lives in another part of the module)."""

from __future__ import annotations

from sqlalchemy import func, select

from core import CUSTOMER_ADMIN, CUSTOMER_USER, ActivityCounter, Permission
from plugins.workorders.models import ACTIVE_STATUSES, WorkOrder


async def open_work_orders(ctx, customer_ids):
    rows = await ctx.db.execute(
        select(WorkOrder.customer_id, func.count(WorkOrder.id))
        .where(WorkOrder.customer_id.in_(list(customer_ids)), WorkOrder.status.in_(ACTIVE_STATUSES))
        .group_by(WorkOrder.customer_id)
    )
    return dict(rows.all())


def counter_plugin(throwaway_plugin):
    return throwaway_plugin(
        "wocount",
        portico_permissions=lambda: [
            Permission("wocount.view", "Count work orders", default_roles=(CUSTOMER_ADMIN, CUSTOMER_USER))
        ],
        portico_activity_counters=lambda: [
            ActivityCounter("open_work_orders", "Open work orders", open_work_orders, "wocount.view")
        ],
    )
