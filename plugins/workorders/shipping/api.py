"""The JSON API for an ERP: purchase orders, packing slips and bills of lading with their lines.

``POST`` creates or updates (a purchase order by ``external_ref``, else by customer and number;
a packing slip or bill of lading by number), ``PUT /{id}`` updates, ``GET`` reads. Payloads are
typed (Litestar answers 400 naming the field for a wrong type); input that is well-formed but
cannot be saved (an unknown status, another account's work order) gets 422 with every problem
and its field. Authenticated by the kernel's per-tenant tokens, permission ``workorders.shipping.manage``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any, TypeVar

from litestar import Controller, Response, get, post, put
from litestar.exceptions import ClientException, NotFoundException
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

import core
from core import Ctx, RequestContext
from core.integers import MAX_INT as MAX_ID
from plugins.workorders.models import (
    BillOfLading,
    BillOfLadingLine,
    PackingSlip,
    PackingSlipLine,
    PurchaseOrder,
    PurchaseOrderLine,
)
from plugins.workorders.shipping import services
from plugins.workorders.shipping.inputs import BillOfLadingIn, InputError, PackingSlipIn, PurchaseOrderIn
from plugins.workorders.shipping.visibility import BILL_OF_LADING, MANAGE, PACKING_SLIP

T = TypeVar("T")
Limit = Annotated[int, QueryParameter(ge=1, le=100, description="Records per page (at most 100)")]


# --- what the API answers -------------------------------------------------------------------


@dataclass
class PurchaseOrderLineOut:
    id: int
    position: int
    part_number: str
    description: str
    quantity: Decimal
    quantity_shipped: Decimal
    unit_price_minor: int


@dataclass
class PurchaseOrderOut:
    id: int
    customer_id: int
    number: str
    sales_order_number: str
    status: str
    ordered_on: dt.date | None
    due_on: dt.date | None
    currency: str
    total_minor: int
    notes: str
    external_ref: str | None
    lines: list[PurchaseOrderLineOut]


@dataclass
class PackingSlipLineOut:
    id: int
    position: int
    part_number: str
    description: str
    quantity: Decimal


@dataclass
class PackingSlipOut:
    id: int
    customer_id: int
    number: str
    work_order_id: int | None
    purchase_order_id: int | None
    shipped_on: dt.date | None
    carrier: str
    tracking_number: str
    ship_to: str
    notes: str
    #: When it was last sent to the customer (None: not sent, customers do not see it).
    sent_at: dt.datetime | None
    lines: list[PackingSlipLineOut]


@dataclass
class BillOfLadingLineOut:
    id: int
    position: int
    pieces: int
    package_type: str
    description: str
    weight_kg: Decimal
    freight_class: str


@dataclass
class BillOfLadingOut:
    id: int
    customer_id: int
    number: str
    packing_slip_id: int | None
    shipped_on: dt.date | None
    carrier: str
    pro_number: str
    shipper: str
    consignee: str
    freight_terms: str
    notes: str
    sent_at: dt.datetime | None
    lines: list[BillOfLadingLineOut]


def _columns(row: Any, out: type[Any], **extra: Any) -> Any:
    names = [name for name in out.__dataclass_fields__ if name not in extra]
    return out(**{name: getattr(row, name) for name in names}, **extra)


async def _lines_of(ctx: RequestContext, model: type[Any], parent: str, ids: list[int]) -> dict[int, list[Any]]:
    found: dict[int, list[Any]] = {record_id: [] for record_id in ids}
    if ids:
        column = getattr(model, parent)
        for line in await ctx.db.scalars(select(model).where(column.in_(ids)).order_by(model.position, model.id)):
            found[getattr(line, parent)].append(line)
    return found


async def purchase_orders_out(ctx: RequestContext, orders: list[PurchaseOrder]) -> list[PurchaseOrderOut]:
    lines = await _lines_of(ctx, PurchaseOrderLine, "purchase_order_id", [o.id for o in orders])
    return [
        _columns(o, PurchaseOrderOut, lines=[_columns(line, PurchaseOrderLineOut) for line in lines[o.id]])
        for o in orders
    ]


async def packing_slips_out(ctx: RequestContext, slips: list[PackingSlip]) -> list[PackingSlipOut]:
    ids = [s.id for s in slips]
    lines = await _lines_of(ctx, PackingSlipLine, "packing_slip_id", ids)
    sent = await core.latest_publications(ctx, PACKING_SLIP, ids)
    return [
        _columns(
            s,
            PackingSlipOut,
            sent_at=sent[s.id].sent_at if s.id in sent else None,
            lines=[_columns(line, PackingSlipLineOut) for line in lines[s.id]],
        )
        for s in slips
    ]


async def bills_of_lading_out(ctx: RequestContext, bills: list[BillOfLading]) -> list[BillOfLadingOut]:
    ids = [b.id for b in bills]
    lines = await _lines_of(ctx, BillOfLadingLine, "bill_of_lading_id", ids)
    sent = await core.latest_publications(ctx, BILL_OF_LADING, ids)
    return [
        _columns(
            b,
            BillOfLadingOut,
            sent_at=sent[b.id].sent_at if b.id in sent else None,
            lines=[_columns(line, BillOfLadingLineOut) for line in lines[b.id]],
        )
        for b in bills
    ]


# --- saving ---------------------------------------------------------------------------------


class Unprocessable(ClientException):
    status_code = 422


async def _save(ctx: RequestContext, save: Callable[[], Awaitable[T]]) -> T:
    """Run a service's save; its problems become a 422 listing each field, nothing is written."""
    try:
        saved = await save()
    except InputError as refused:
        raise Unprocessable(
            detail="The payload cannot be saved: " + str(refused),
            extra=[{"key": p.field, "message": p.msgid.format(**p.values)} for p in refused.problems],
        ) from None
    try:
        await ctx.db.commit()
    except IntegrityError:
        await ctx.db.rollback()
        raise ClientException(status_code=409, detail="number: taken at the same moment by another request") from None
    return saved


async def _get(ctx: RequestContext, model: type[T], record_id: int) -> T:
    query: Any = select(model).where(model.id == record_id)  # type: ignore[attr-defined]
    record = await ctx.db.scalar(query) if 0 < record_id <= MAX_ID else None
    if record is None:
        raise NotFoundException(detail=f"No {model.__name__} {record_id}.")
    return record


async def _listing(ctx: RequestContext, model: Any, after: int, limit: int, **equal: Any) -> list[Any]:
    """``limit`` rows of ``model`` by id after ``after``, where each given column equals its value."""
    stmt = select(model).where(model.id > after)
    for column, value in equal.items():
        if value not in (None, ""):
            stmt = stmt.where(getattr(model, column) == value)
    return list(await ctx.db.scalars(stmt.order_by(model.id).limit(limit)))


async def _numbered(ctx: RequestContext, model: Any, number: str) -> Any:
    """The slip or bill with this number, or None when no number was given (a new one is numbered)."""
    if not number.strip():
        return None
    return await ctx.db.scalar(select(model).where(model.number == number.strip()))


class ShippingApi(Controller):
    path = "/api/v1/workorders"
    opt = {"permission": MANAGE}
    tags = ["Work orders: shipping"]

    # purchase orders

    @get("/purchase-orders")
    async def list_purchase_orders(
        self,
        ctx: Ctx,
        number: FromQuery[str | None] = None,
        external_ref: FromQuery[str | None] = None,
        customer_id: FromQuery[int | None] = None,
        after: FromQuery[int] = 0,
        limit: Limit = 50,
    ) -> list[PurchaseOrderOut]:
        """Purchase orders by id, ``limit`` at a time after id ``after``; filter by number, external_ref, customer."""
        orders = await _listing(
            ctx, PurchaseOrder, after, limit, number=number, external_ref=external_ref, customer_id=customer_id
        )
        return await purchase_orders_out(ctx, orders)

    @get("/purchase-orders/{order_id:int}")
    async def read_purchase_order(self, ctx: Ctx, order_id: FromPath[int]) -> PurchaseOrderOut:
        return (await purchase_orders_out(ctx, [await _get(ctx, PurchaseOrder, order_id)]))[0]

    @post("/purchase-orders")
    async def upsert_purchase_order(self, ctx: Ctx, data: JSONBody[PurchaseOrderIn]) -> Response[PurchaseOrderOut]:
        """Create a purchase order, or update the one with this ``external_ref`` (else this customer and number)."""
        existing = None
        if data.external_ref:
            existing = await ctx.db.scalar(select(PurchaseOrder).where(PurchaseOrder.external_ref == data.external_ref))
        elif data.number:
            existing = await ctx.db.scalar(
                select(PurchaseOrder)
                .where(PurchaseOrder.customer_id == data.customer_id, PurchaseOrder.number == data.number.strip())
                .order_by(PurchaseOrder.id)
                .limit(1)
            )
        order = await _save(ctx, lambda: services.save_purchase_order(ctx, existing, data))
        body = (await purchase_orders_out(ctx, [order]))[0]
        return Response(body, status_code=200 if existing else 201)

    @put("/purchase-orders/{order_id:int}")
    async def update_purchase_order(
        self, ctx: Ctx, order_id: FromPath[int], data: JSONBody[PurchaseOrderIn]
    ) -> PurchaseOrderOut:
        order = await _get(ctx, PurchaseOrder, order_id)
        order = await _save(ctx, lambda: services.save_purchase_order(ctx, order, data))
        return (await purchase_orders_out(ctx, [order]))[0]

    # packing slips

    @get("/packing-slips")
    async def list_packing_slips(
        self,
        ctx: Ctx,
        number: FromQuery[str | None] = None,
        customer_id: FromQuery[int | None] = None,
        after: FromQuery[int] = 0,
        limit: Limit = 50,
    ) -> list[PackingSlipOut]:
        slips = await _listing(ctx, PackingSlip, after, limit, number=number, customer_id=customer_id)
        return await packing_slips_out(ctx, slips)

    @get("/packing-slips/{slip_id:int}")
    async def read_packing_slip(self, ctx: Ctx, slip_id: FromPath[int]) -> PackingSlipOut:
        return (await packing_slips_out(ctx, [await _get(ctx, PackingSlip, slip_id)]))[0]

    @post("/packing-slips")
    async def upsert_packing_slip(self, ctx: Ctx, data: JSONBody[PackingSlipIn]) -> Response[PackingSlipOut]:
        """Create a packing slip (no number: the next "PS-" one), or update the one with this number."""
        existing = await _numbered(ctx, PackingSlip, data.number)
        slip = await _save(ctx, lambda: services.save_packing_slip(ctx, existing, data))
        body = (await packing_slips_out(ctx, [slip]))[0]
        return Response(body, status_code=200 if existing else 201)

    @put("/packing-slips/{slip_id:int}")
    async def update_packing_slip(
        self, ctx: Ctx, slip_id: FromPath[int], data: JSONBody[PackingSlipIn]
    ) -> PackingSlipOut:
        slip = await _get(ctx, PackingSlip, slip_id)
        slip = await _save(ctx, lambda: services.save_packing_slip(ctx, slip, data))
        return (await packing_slips_out(ctx, [slip]))[0]

    # bills of lading

    @get("/bills-of-lading")
    async def list_bills_of_lading(
        self,
        ctx: Ctx,
        number: FromQuery[str | None] = None,
        customer_id: FromQuery[int | None] = None,
        after: FromQuery[int] = 0,
        limit: Limit = 50,
    ) -> list[BillOfLadingOut]:
        bills = await _listing(ctx, BillOfLading, after, limit, number=number, customer_id=customer_id)
        return await bills_of_lading_out(ctx, bills)

    @get("/bills-of-lading/{bol_id:int}")
    async def read_bill_of_lading(self, ctx: Ctx, bol_id: FromPath[int]) -> BillOfLadingOut:
        return (await bills_of_lading_out(ctx, [await _get(ctx, BillOfLading, bol_id)]))[0]

    @post("/bills-of-lading")
    async def upsert_bill_of_lading(self, ctx: Ctx, data: JSONBody[BillOfLadingIn]) -> Response[BillOfLadingOut]:
        """Create a bill of lading (no number: the next "BOL-" one), or update the one with this number."""
        existing = await _numbered(ctx, BillOfLading, data.number)
        bol = await _save(ctx, lambda: services.save_bill_of_lading(ctx, existing, data))
        body = (await bills_of_lading_out(ctx, [bol]))[0]
        return Response(body, status_code=200 if existing else 201)

    @put("/bills-of-lading/{bol_id:int}")
    async def update_bill_of_lading(
        self, ctx: Ctx, bol_id: FromPath[int], data: JSONBody[BillOfLadingIn]
    ) -> BillOfLadingOut:
        bol = await _get(ctx, BillOfLading, bol_id)
        bol = await _save(ctx, lambda: services.save_bill_of_lading(ctx, bol, data))
        return (await bills_of_lading_out(ctx, [bol]))[0]


ROUTES: list[Any] = [ShippingApi]
