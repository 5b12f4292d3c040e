"""The customer's pages: purchase orders, and shipments (packing slips and bills of lading).

Packing slips and bills of lading reach the customer only once sent (the record types'
``visible`` filters, applied to every query here); purchase orders are the customer's own orders
and are always shown.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from sqlalchemy import select

import core
from core import Ctx, Page, RequestContext, render
from plugins.workorders.models import (
    PURCHASE_ORDER_STATUSES,
    BillOfLading,
    BillOfLadingLine,
    PackingSlip,
    PackingSlipLine,
    PurchaseOrder,
    PurchaseOrderLine,
    WorkOrder,
)
from plugins.workorders.shipping.activity import OPEN_PO_STATUSES
from plugins.workorders.shipping.inputs import FREIGHT_TERMS, PACKAGE_TYPES
from plugins.workorders.shipping.listing import LIST_INTEGERS, Filters, page_of, visible_accounts
from plugins.workorders.shipping.lookups import numbers_by_id
from plugins.workorders.shipping.visibility import (
    BILL_OF_LADING,
    PACKING_SLIP,
    VIEW,
    WORK_ORDERS_VIEW,
    bill_of_lading_visible,
    packing_slip_visible,
)

TEMPLATES = "workorders/shipping"


async def _accounts(ctx: RequestContext) -> dict[int, str]:
    return {account.id: account.name for account in await visible_accounts(ctx)}


class PurchaseOrdersController(Controller):
    path = "/workorders/purchase-orders"
    opt = {"permission": VIEW}

    @get("/", opt=LIST_INTEGERS)
    async def index(self, ctx: Ctx, request: Request[Any, Any, Any]) -> Page:
        filters = Filters.from_params(request.query_params)
        stmt = filters.apply(
            select(PurchaseOrder),
            id_column=PurchaseOrder.id,
            text_columns=(PurchaseOrder.number, PurchaseOrder.sales_order_number),
            date_column=PurchaseOrder.ordered_on,
            customer_column=PurchaseOrder.customer_id,
        )
        if filters.status == "open":
            stmt = stmt.where(PurchaseOrder.status.in_(OPEN_PO_STATUSES))
        elif filters.status in PURCHASE_ORDER_STATUSES:
            stmt = stmt.where(PurchaseOrder.status == filters.status)
        listing = await page_of(ctx, stmt, PurchaseOrder.id, filters)
        return await render(
            ctx,
            f"{TEMPLATES}/purchase_orders.html",
            listing=listing,
            accounts=await _accounts(ctx),
            statuses=PURCHASE_ORDER_STATUSES,
        )

    @get("/{order_id:int}")
    async def detail(self, ctx: Ctx, order_id: FromPath[int]) -> Page:
        order = await ctx.db.scalar(select(PurchaseOrder).where(PurchaseOrder.id == order_id))
        if order is None:
            raise NotFoundException()
        lines = await ctx.db.scalars(
            select(PurchaseOrderLine)
            .where(PurchaseOrderLine.purchase_order_id == order.id)
            .order_by(PurchaseOrderLine.position, PurchaseOrderLine.id)
        )
        slips = list(
            await ctx.db.scalars(
                select(PackingSlip)
                .where(PackingSlip.purchase_order_id == order.id, packing_slip_visible(ctx))
                .order_by(PackingSlip.id.desc())
            )
        )
        await core.record_recent(
            ctx, title=order.number, url=f"/workorders/purchase-orders/{order.id}", kind="Purchase order"
        )
        return await render(
            ctx,
            f"{TEMPLATES}/purchase_order.html",
            order=order,
            lines=list(lines),
            slips=slips,
            sent=await core.latest_publications(ctx, PACKING_SLIP, [slip.id for slip in slips]),
            accounts=await _accounts(ctx),
            statuses=PURCHASE_ORDER_STATUSES,
        )


class ShipmentsController(Controller):
    path = "/workorders/shipments"
    opt = {"permission": VIEW}

    @get("/", opt=LIST_INTEGERS)
    async def packing_slips(self, ctx: Ctx, request: Request[Any, Any, Any]) -> Page:
        filters = Filters.from_params(request.query_params)
        stmt = filters.apply(
            select(PackingSlip).where(packing_slip_visible(ctx)),
            id_column=PackingSlip.id,
            text_columns=(PackingSlip.number, PackingSlip.tracking_number, PackingSlip.carrier),
            date_column=PackingSlip.shipped_on,
            customer_column=PackingSlip.customer_id,
        )
        listing = await page_of(ctx, stmt, PackingSlip.id, filters)
        return await render(
            ctx,
            f"{TEMPLATES}/packing_slips.html",
            listing=listing,
            accounts=await _accounts(ctx),
            sent=await core.latest_publications(ctx, PACKING_SLIP, [slip.id for slip in listing.rows]),
            purchase_orders=await numbers_by_id(ctx, PurchaseOrder, [s.purchase_order_id for s in listing.rows]),
            work_orders=await numbers_by_id(ctx, WorkOrder, [s.work_order_id for s in listing.rows]),
            link_work_orders=ctx.can(WORK_ORDERS_VIEW),
            tab="packing_slips",
        )

    @get("/bills-of-lading", opt=LIST_INTEGERS)
    async def bills_of_lading(self, ctx: Ctx, request: Request[Any, Any, Any]) -> Page:
        filters = Filters.from_params(request.query_params)
        stmt = filters.apply(
            select(BillOfLading).where(bill_of_lading_visible(ctx)),
            id_column=BillOfLading.id,
            text_columns=(BillOfLading.number, BillOfLading.pro_number, BillOfLading.carrier),
            date_column=BillOfLading.shipped_on,
            customer_column=BillOfLading.customer_id,
        )
        listing = await page_of(ctx, stmt, BillOfLading.id, filters)
        return await render(
            ctx,
            f"{TEMPLATES}/bills_of_lading.html",
            listing=listing,
            accounts=await _accounts(ctx),
            sent=await core.latest_publications(ctx, BILL_OF_LADING, [bol.id for bol in listing.rows]),
            slips=await numbers_by_id(
                ctx, PackingSlip, [b.packing_slip_id for b in listing.rows], packing_slip_visible(ctx)
            ),
            freight_terms=FREIGHT_TERMS,
            tab="bills_of_lading",
        )

    @get("/packing-slips/{slip_id:int}")
    async def packing_slip(self, ctx: Ctx, slip_id: FromPath[int]) -> Page:
        slip = await ctx.db.scalar(select(PackingSlip).where(PackingSlip.id == slip_id, packing_slip_visible(ctx)))
        if slip is None:
            raise NotFoundException()
        lines = await ctx.db.scalars(
            select(PackingSlipLine)
            .where(PackingSlipLine.packing_slip_id == slip.id)
            .order_by(PackingSlipLine.position, PackingSlipLine.id)
        )
        bills = await ctx.db.scalars(
            select(BillOfLading)
            .where(BillOfLading.packing_slip_id == slip.id, bill_of_lading_visible(ctx))
            .order_by(BillOfLading.id)
        )
        await core.record_recent(
            ctx, title=slip.number, url=f"/workorders/shipments/packing-slips/{slip.id}", kind="Packing slip"
        )
        return await render(
            ctx,
            f"{TEMPLATES}/packing_slip.html",
            slip=slip,
            lines=list(lines),
            bills=list(bills),
            purchase_orders=await numbers_by_id(ctx, PurchaseOrder, [slip.purchase_order_id]),
            work_orders=await numbers_by_id(ctx, WorkOrder, [slip.work_order_id]),
            link_work_orders=ctx.can(WORK_ORDERS_VIEW),
            accounts=await _accounts(ctx),
            document=await core.document_status(ctx, PACKING_SLIP, slip),
        )

    @get("/bills-of-lading/{bol_id:int}")
    async def bill_of_lading(self, ctx: Ctx, bol_id: FromPath[int]) -> Page:
        bol = await ctx.db.scalar(select(BillOfLading).where(BillOfLading.id == bol_id, bill_of_lading_visible(ctx)))
        if bol is None:
            raise NotFoundException()
        lines = await ctx.db.scalars(
            select(BillOfLadingLine)
            .where(BillOfLadingLine.bill_of_lading_id == bol.id)
            .order_by(BillOfLadingLine.position, BillOfLadingLine.id)
        )
        await core.record_recent(
            ctx, title=bol.number, url=f"/workorders/shipments/bills-of-lading/{bol.id}", kind="Bill of lading"
        )
        return await render(
            ctx,
            f"{TEMPLATES}/bill_of_lading.html",
            bol=bol,
            lines=list(lines),
            slips=await numbers_by_id(ctx, PackingSlip, [bol.packing_slip_id], packing_slip_visible(ctx)),
            accounts=await _accounts(ctx),
            freight_terms=FREIGHT_TERMS,
            package_types=PACKAGE_TYPES,
            document=await core.document_status(ctx, BILL_OF_LADING, bol),
        )
