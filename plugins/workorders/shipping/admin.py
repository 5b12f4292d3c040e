"""The vendor's pages for purchase orders, packing slips and bills of lading.

The three kinds share one set of handlers (list with filters, new, create, edit, save), built by
:func:`admin_controller` from an :class:`AdminKind` that says what differs: the model, its
templates, how a form is read and written back, and its document (for sending).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

import core
from core import Ctx, Page, RequestContext, flash, form_data, render
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
from plugins.workorders.shipping import forms, services
from plugins.workorders.shipping.documents import quantity, vendor_block
from plugins.workorders.shipping.inputs import FREIGHT_CLASSES, FREIGHT_TERMS, PACKAGE_TYPES, InputError, Problem
from plugins.workorders.shipping.listing import LIST_INTEGERS, Filters, page_of, visible_accounts
from plugins.workorders.shipping.lookups import numbers_by_id
from plugins.workorders.shipping.visibility import BILL_OF_LADING, MANAGE, PACKING_SLIP

TEMPLATES = "workorders/shipping/admin"
FormRows = tuple[dict[str, str], list[dict[str, str]]]
#: The integers the three forms carry besides their line rows (the kernel checks them).
FORM_INTEGERS = {"integers": ("customer_id",)}


@dataclass(frozen=True)
class AdminKind:
    base: str
    model: type[Any]
    line_model: type[Any]
    line_parent: str
    list_template: str
    form_template: str
    title: str
    read: Callable[[RequestContext, Mapping[str, str]], Awaitable[tuple[Any, list[dict[str, str]], list[Problem]]]]
    to_form: Callable[[RequestContext, Any, Sequence[Any]], Awaitable[FormRows]]
    save: Callable[[RequestContext, Any, Any, list[Problem]], Awaitable[Any]]
    text_columns: Callable[[], Sequence[Any]]
    date_column: Callable[[], Any]
    #: The fields of a line row (``lines-<n>-<field>``).
    line_fields: Sequence[str]
    #: The kernel document type the record is sent as (None: it is not sent).
    document: str | None = None
    #: What a new record's form starts with, from the query string (``?purchase_order=7``).
    prefill: Callable[[RequestContext, Mapping[str, str]], Awaitable[FormRows]] | None = None
    #: The integers ``prefill`` reads from the query string (the kernel checks them).
    prefill_integers: tuple[str, ...] = ()


def _sent_filter(kind: AdminKind, status: str) -> Any:
    sent = (
        select(core.Publication.id)
        .where(core.Publication.doc_type == kind.document, core.Publication.record_id == kind.model.id)
        .exists()
    )
    return sent if status == "sent" else ~sent


async def list_page(ctx: RequestContext, kind: AdminKind, params: Mapping[str, str]) -> Page:
    filters = Filters.from_params(params)
    stmt = filters.apply(
        select(kind.model),
        id_column=kind.model.id,
        text_columns=kind.text_columns(),
        date_column=kind.date_column(),
        customer_column=kind.model.customer_id,
    )
    if kind.model is PurchaseOrder and filters.status in PURCHASE_ORDER_STATUSES:
        stmt = stmt.where(PurchaseOrder.status == filters.status)
    elif kind.document and filters.status in ("sent", "draft"):
        stmt = stmt.where(_sent_filter(kind, filters.status))
    listing = await page_of(ctx, stmt, kind.model.id, filters)
    rows = listing.rows
    return await render(
        ctx,
        f"{TEMPLATES}/{kind.list_template}",
        kind=kind,
        listing=listing,
        accounts={account.id: account.name for account in await visible_accounts(ctx)},
        sent=await core.latest_publications(ctx, kind.document, [r.id for r in rows]) if kind.document else {},
        purchase_orders=await numbers_by_id(ctx, PurchaseOrder, [getattr(r, "purchase_order_id", None) for r in rows]),
        work_orders=await numbers_by_id(ctx, WorkOrder, [getattr(r, "work_order_id", None) for r in rows]),
        slips=await numbers_by_id(ctx, PackingSlip, [getattr(r, "packing_slip_id", None) for r in rows]),
        statuses=PURCHASE_ORDER_STATUSES,
    )


async def form_page(
    ctx: RequestContext,
    kind: AdminKind,
    record: Any,
    form: Mapping[str, str],
    rows: list[dict[str, str]],
    errors: Mapping[str, str] | None = None,
    status: int = 200,
) -> Page:
    latest = await core.latest_publication(ctx, kind.document, record.id) if kind.document and record else None
    shipped: list[Any] = []  # what went out against this record: a PO's slips, a slip's bills of lading
    if record is not None and kind.model is PurchaseOrder:
        shipped = list(await ctx.db.scalars(select(PackingSlip).where(PackingSlip.purchase_order_id == record.id)))
    elif record is not None and kind.model is PackingSlip:
        shipped = list(await ctx.db.scalars(select(BillOfLading).where(BillOfLading.packing_slip_id == record.id)))
    return await render(
        ctx,
        f"{TEMPLATES}/{kind.form_template}",
        status_code=status,
        kind=kind,
        record=record,
        form=form,
        rows=forms.with_blank_rows(rows),
        errors=errors or {},
        accounts=await visible_accounts(ctx),
        status_options=[(key, ctx._(label)) for key, label in PURCHASE_ORDER_STATUSES.items()],
        freight_terms=FREIGHT_TERMS,
        class_options=[(value, value) for value in FREIGHT_CLASSES],
        package_options=[(key, ctx._(label)) for key, label in PACKAGE_TYPES.items()],
        latest=latest,
        shipped=shipped,
        pdf_url=f"/documents/{kind.document}/{record.id}/pdf" if latest else None,
        send_url=(
            f"/admin/documents/{kind.document}/{record.id}/send?next={kind.base}/{record.id}"
            if kind.document and record and ctx.can("core.documents.send")
            else None
        ),
    )


async def _record(ctx: RequestContext, kind: AdminKind, record_id: int) -> Any:
    record = await ctx.db.scalar(select(kind.model).where(kind.model.id == record_id))
    if record is None:
        raise NotFoundException()
    return record


async def _lines(ctx: RequestContext, kind: AdminKind, record: Any) -> list[Any]:
    column = getattr(kind.line_model, kind.line_parent)
    return list(
        await ctx.db.scalars(
            select(kind.line_model).where(column == record.id).order_by(kind.line_model.position, kind.line_model.id)
        )
    )


async def submit(ctx: RequestContext, kind: AdminKind, record: Any, request: Request[Any, Any, Any]) -> Page | Redirect:
    """Read, check and save the form; on any problem show it again with the messages (400)."""
    try:
        form = await form_data(request)
    except core.IntegerInputError as refused:
        rows = forms.line_rows(refused.form, kind.line_fields)
        return await form_page(ctx, kind, record, refused.form, rows, refused.errors(ctx), 400)
    data, rows, problems = await kind.read(ctx, form)
    record_id = record.id if record is not None else None
    try:
        # A savepoint: a refused save undoes only itself, and the page can still be rendered.
        # The form's own problems go in too, so the checks report everything at once.
        async with ctx.db.begin_nested():
            record = await kind.save(ctx, record, data, problems)
    except InputError as refused:
        problems = refused.problems
    except IntegrityError:  # the same number taken at the same moment by someone else
        problems = [Problem("number", core.N_("Number {number} is already used."), {"number": data.number})]
        record = await _record(ctx, kind, record_id) if record_id is not None else None
    if problems:
        return await form_page(ctx, kind, record, form, rows, forms.translate_problems(ctx, problems), 400)
    flash(ctx.session, ctx._("{title} {number} was saved.", title=ctx._(kind.title), number=record.number))
    await ctx.db.commit()
    return Redirect(f"{kind.base}/{record.id}")


def admin_controller(kind: AdminKind, name: str) -> type[Controller]:
    class AdminController(Controller):
        path = kind.base
        opt = {"permission": MANAGE}

        @get("/", opt=LIST_INTEGERS)
        async def index(self, ctx: Ctx, request: Request[Any, Any, Any]) -> Page:
            return await list_page(ctx, kind, request.query_params)

        @get("/new", opt={"integers": kind.prefill_integers})
        async def new(self, ctx: Ctx, request: Request[Any, Any, Any]) -> Page:
            form, rows = await kind.prefill(ctx, request.query_params) if kind.prefill else ({}, [])
            return await form_page(ctx, kind, None, form, rows)

        @post("/", opt=FORM_INTEGERS)
        async def create(self, ctx: Ctx, request: Request[Any, Any, Any]) -> Page | Redirect:
            return await submit(ctx, kind, None, request)

        @get("/{record_id:int}")
        async def edit(self, ctx: Ctx, record_id: FromPath[int]) -> Page:
            record = await _record(ctx, kind, record_id)
            form, rows = await kind.to_form(ctx, record, await _lines(ctx, kind, record))
            return await form_page(ctx, kind, record, form, rows)

        @post("/{record_id:int}", opt=FORM_INTEGERS)
        async def save(self, ctx: Ctx, record_id: FromPath[int], request: Request[Any, Any, Any]) -> Page | Redirect:
            return await submit(ctx, kind, await _record(ctx, kind, record_id), request)

    AdminController.__name__ = AdminController.__qualname__ = name
    return AdminController


# --- what differs per kind ------------------------------------------------------------------


async def _read_purchase_order(ctx: RequestContext, form: Mapping[str, str]) -> Any:
    return forms.read_purchase_order(form)


async def _purchase_order_form(ctx: RequestContext, order: Any, lines: Sequence[Any]) -> FormRows:
    return forms.purchase_order_form(order, lines)


async def _new_purchase_order(ctx: RequestContext, params: Mapping[str, str]) -> FormRows:
    return {"status": "received", "currency": "USD"}, []


async def _new_packing_slip(ctx: RequestContext, params: Mapping[str, str]) -> FormRows:
    """A slip for a purchase order starts with its account, number and what is left to ship."""
    value = params.get("purchase_order") or ""
    order = await ctx.db.get(PurchaseOrder, int(value)) if value.isdigit() and len(value) < 19 else None
    if order is None:
        return {}, []
    lines = await ctx.db.scalars(
        select(PurchaseOrderLine)
        .where(PurchaseOrderLine.purchase_order_id == order.id)
        .order_by(PurchaseOrderLine.position)
    )
    rows = [
        {"part_number": line.part_number, "description": line.description, "quantity": quantity(remaining)}
        for line in lines
        if (remaining := max(line.quantity - line.quantity_shipped, Decimal(0))) > 0
    ]
    return {"customer_id": str(order.customer_id), "purchase_order_id": order.number}, rows


async def _new_bill_of_lading(ctx: RequestContext, params: Mapping[str, str]) -> FormRows:
    """A bill of lading for a packing slip starts with its account, carrier and consignee."""
    form = {"shipper": vendor_block(ctx), "freight_terms": "prepaid"}
    value = params.get("packing_slip") or ""
    slip = await ctx.db.get(PackingSlip, int(value)) if value.isdigit() and len(value) < 19 else None
    if slip is not None:
        form |= {
            "customer_id": str(slip.customer_id),
            "packing_slip_id": slip.number,
            "carrier": slip.carrier,
            "consignee": slip.ship_to,
            "shipped_on": slip.shipped_on.isoformat() if slip.shipped_on else "",
        }
    return form, []


PURCHASE_ORDERS = AdminKind(
    base="/admin/workorders/purchase-orders",
    model=PurchaseOrder,
    line_model=PurchaseOrderLine,
    line_parent="purchase_order_id",
    list_template="purchase_orders.html",
    form_template="purchase_order.html",
    title=core.N_("Purchase order"),
    read=_read_purchase_order,
    to_form=_purchase_order_form,
    save=services.save_purchase_order,
    text_columns=lambda: (PurchaseOrder.number, PurchaseOrder.sales_order_number, PurchaseOrder.external_ref),
    date_column=lambda: PurchaseOrder.ordered_on,
    line_fields=forms.PO_LINE_FIELDS,
    prefill=_new_purchase_order,
)
PACKING_SLIPS = AdminKind(
    base="/admin/workorders/packing-slips",
    model=PackingSlip,
    line_model=PackingSlipLine,
    line_parent="packing_slip_id",
    list_template="packing_slips.html",
    form_template="packing_slip.html",
    title=core.N_("Packing slip"),
    read=forms.read_packing_slip,
    to_form=forms.packing_slip_form,
    save=services.save_packing_slip,
    text_columns=lambda: (PackingSlip.number, PackingSlip.tracking_number, PackingSlip.carrier),
    date_column=lambda: PackingSlip.shipped_on,
    line_fields=forms.SLIP_LINE_FIELDS,
    document=PACKING_SLIP,
    prefill=_new_packing_slip,
    prefill_integers=("purchase_order",),
)
BILLS_OF_LADING = AdminKind(
    base="/admin/workorders/bills-of-lading",
    model=BillOfLading,
    line_model=BillOfLadingLine,
    line_parent="bill_of_lading_id",
    list_template="bills_of_lading.html",
    form_template="bill_of_lading.html",
    title=core.N_("Bill of lading"),
    read=forms.read_bill_of_lading,
    to_form=forms.bill_of_lading_form,
    save=services.save_bill_of_lading,
    text_columns=lambda: (BillOfLading.number, BillOfLading.pro_number, BillOfLading.carrier),
    date_column=lambda: BillOfLading.shipped_on,
    line_fields=forms.BOL_LINE_FIELDS,
    document=BILL_OF_LADING,
    prefill=_new_bill_of_lading,
    prefill_integers=("packing_slip",),
)

PurchaseOrdersAdmin = admin_controller(PURCHASE_ORDERS, "PurchaseOrdersAdmin")
PackingSlipsAdmin = admin_controller(PACKING_SLIPS, "PackingSlipsAdmin")
BillsOfLadingAdmin = admin_controller(BILLS_OF_LADING, "BillsOfLadingAdmin")
