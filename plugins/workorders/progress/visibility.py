"""Which work orders a user sees: customers only those in the statuses the vendor shows them.

Work orders need no sending to be visible (unlike quotes): a contact sees every work order of the
accounts they can see (the kernel's scope) whose status is among the ``customer_statuses``
setting. Vendor staff see every status.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, true

from core import RequestContext
from plugins.workorders.models import ACTIVE_STATUSES, COMPLETED_STATUSES, WORK_ORDER_STATUSES, WorkOrder

MODULE = "workorders"
DEFAULT_CUSTOMER_STATUSES = ["planned", "in_progress", "on_hold", "completed"]


def settings_of(ctx: RequestContext) -> dict[str, Any]:
    return ctx.module_settings(MODULE)


def shown_statuses(ctx: RequestContext) -> list[str]:
    """The statuses this user may see, in the module's order."""
    if not ctx.is_contact:
        return list(WORK_ORDER_STATUSES)
    chosen = set(settings_of(ctx).get("customer_statuses") or ())
    return [status for status in WORK_ORDER_STATUSES if status in chosen]


def visible_orders(ctx: RequestContext) -> ColumnElement[bool]:
    """The WHERE clause of every customer-facing query of work orders (and the record type's)."""
    if not ctx.is_contact:
        return true()
    return WorkOrder.status.in_(shown_statuses(ctx))


def statuses_of_view(ctx: RequestContext, view: str) -> list[str]:
    """The visible statuses of the "active" or "completed" list."""
    group = COMPLETED_STATUSES if view == "completed" else ACTIVE_STATUSES
    return [status for status in shown_statuses(ctx) if status in group]
