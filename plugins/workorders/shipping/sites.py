"""Job sites for contacts who see several sites: each site's open activity (summed by the kernel
over every module's counters) and all open work orders across the sites.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from litestar import Controller, Request, get
from sqlalchemy import select

import core
from core import Ctx, Page, RequestContext, render
from plugins.workorders.models import WORK_ORDER_KINDS, WORK_ORDER_STATUSES, WorkOrder
from plugins.workorders.shipping.listing import LIST_INTEGERS, Filters, page_of, visible_accounts
from plugins.workorders.shipping.visibility import SITES, WORK_ORDERS_VIEW, customer_open_statuses

TEMPLATES = "workorders/shipping"


async def open_work_orders(ctx: RequestContext, filters: Filters, kind: str) -> Any:
    """One page of the open work orders of every site the user sees, in the statuses customers see."""
    statuses = customer_open_statuses(ctx)
    stmt = filters.apply(
        select(WorkOrder).where(WorkOrder.status.in_(statuses)),
        id_column=WorkOrder.id,
        text_columns=(WorkOrder.number, WorkOrder.title, WorkOrder.customer_po),
        date_column=WorkOrder.due_on,
        customer_column=WorkOrder.customer_id,
    )
    if filters.status in statuses:
        stmt = stmt.where(WorkOrder.status == filters.status)
    if kind in WORK_ORDER_KINDS:
        stmt = stmt.where(WorkOrder.kind == kind)
    return await page_of(ctx, stmt, WorkOrder.id, filters), statuses


class SitesController(Controller):
    path = "/workorders/sites"
    opt = {"permission": SITES}

    @get("/")
    async def index(self, ctx: Ctx) -> Page:
        accounts = await visible_accounts(ctx)
        activity = await core.open_activity(ctx, [account.id for account in accounts])
        top = min((account.depth for account in accounts), default=0)
        return await render(
            ctx,
            f"{TEMPLATES}/sites.html",
            accounts=accounts,
            activity=activity,
            top=top,
            several=len(accounts) > 1,
        )


class OpenOrdersController(Controller):
    path = "/workorders/open-orders"
    opt = {"permission": SITES}

    @get("/", opt=LIST_INTEGERS)
    async def index(self, ctx: Ctx, request: Request[Any, Any, Any]) -> Page:
        filters = Filters.from_params(request.query_params)
        kind = (request.query_params.get("kind") or "").strip()
        listing, statuses = await open_work_orders(ctx, filters, kind)
        accounts = await visible_accounts(ctx)
        return await render(
            ctx,
            f"{TEMPLATES}/open_orders.html",
            listing=listing,
            kind=kind,
            kinds=WORK_ORDER_KINDS,
            statuses={key: WORK_ORDER_STATUSES[key] for key in statuses},
            accounts={account.id: account.name for account in accounts},
            several=len(accounts) > 1,
            link_work_orders=ctx.can(WORK_ORDERS_VIEW),
            today=dt.date.today(),
        )
