"""Who sees what of this part: permission keys and the filters every customer-facing query uses."""

from __future__ import annotations

from typing import Any

import core
from core import RequestContext
from plugins.workorders.models import ACTIVE_STATUSES, WORK_ORDER_STATUSES, BillOfLading, PackingSlip

VIEW = "workorders.shipping"
SITES = "workorders.sites"
MANAGE = "workorders.shipping.manage"
#: The progress part's permission: work order numbers link to its pages only for those who hold it.
WORK_ORDERS_VIEW = "workorders.view"

PACKING_SLIP = "workorders.packing_slip"
BILL_OF_LADING = "workorders.bill_of_lading"


def packing_slip_visible(ctx: RequestContext) -> Any:
    """Customers see a packing slip once it was sent to its account; staff see every one."""
    return core.published_filter(ctx, PACKING_SLIP, PackingSlip)


def bill_of_lading_visible(ctx: RequestContext) -> Any:
    return core.published_filter(ctx, BILL_OF_LADING, BillOfLading)


def customer_open_statuses(ctx: RequestContext) -> tuple[str, ...]:
    """The active work order statuses customers may see.

    The progress part's ``customer_statuses`` setting decides which statuses customers see at
    all; without it (or with nothing chosen) every active status is shown.
    """
    chosen = ctx.module_settings("workorders").get("customer_statuses")
    if not chosen or not isinstance(chosen, list | tuple):
        return ACTIVE_STATUSES
    return tuple(status for status in ACTIVE_STATUSES if status in chosen and status in WORK_ORDER_STATUSES)
