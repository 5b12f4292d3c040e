"""Saving purchase orders, packing slips and bills of lading: one set of checks and writes for
the admin pages and the JSON API (no HTTP here). Every function raises ``InputError`` before it
writes anything; the caller commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import select

import core
from core import N_, Customer, RequestContext
from core.integers import MAX_INT as MAX_ID
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
from plugins.workorders.shipping.inputs import (
    FREIGHT_CLASSES,
    FREIGHT_TERMS,
    BillOfLadingIn,
    InputError,
    PackingSlipIn,
    Problem,
    PurchaseOrderIn,
)

MAX_QUANTITY = Decimal("9999999999")
MAX_LINES = 500


class Checks:
    """Collects problems while input is read, so the user hears about all of them at once."""

    def __init__(self, known: Sequence[Problem] = ()) -> None:
        self.problems: list[Problem] = list(known)

    def add(self, field: str, msgid: str, **values: Any) -> None:
        self.problems.append(Problem(field, msgid, values))

    def text(self, field: str, value: str | None, limit: int, *, required: bool = False) -> str:
        value = (value or "").strip()
        if required and not value:
            self.add(field, N_("This field is required."))
        elif len(value) > limit:
            self.add(field, N_("Use at most {count} characters."), count=limit)
        return value

    def quantity(self, field: str, value: Decimal) -> Decimal:
        if not value.is_finite() or value < 0 or value > MAX_QUANTITY:
            self.add(field, N_("Enter a quantity between 0 and {maximum}."), maximum=MAX_QUANTITY)
            return Decimal(0)
        if value != value.quantize(Decimal("0.0001")):
            self.add(field, N_("Use at most {digits} decimal places."), digits=4)
        return value

    def raise_if_any(self) -> None:
        if self.problems:
            raise InputError(self.problems)


async def _customer(ctx: RequestContext, checks: Checks, customer_id: int) -> Customer | None:
    customer = await ctx.db.get(Customer, customer_id) if 0 < customer_id <= MAX_ID else None
    if customer is None:
        checks.add("customer_id", N_("There is no such customer account."))
    return customer


def _lines_allowed(checks: Checks, lines: Sequence[Any] | None) -> None:
    if lines is not None and len(lines) > MAX_LINES:
        checks.add("lines", N_("A document has at most {count} lines."), count=MAX_LINES)


async def _replace_lines(
    ctx: RequestContext, model: type[Any], parent_column: str, parent_id: int, new: list[Any]
) -> None:
    old = await ctx.db.scalars(select(model).where(getattr(model, parent_column) == parent_id))
    for line in old:
        await ctx.db.delete(line)
    ctx.db.add_all(new)


# --- purchase orders ------------------------------------------------------------------------


async def save_purchase_order(
    ctx: RequestContext, order: PurchaseOrder | None, data: PurchaseOrderIn, known: Sequence[Problem] = ()
) -> PurchaseOrder:
    """Create (``order`` None) or update a purchase order; ``data.lines`` None keeps its lines."""
    checks = Checks(known)
    customer = await _customer(ctx, checks, data.customer_id)
    number = checks.text("number", data.number, 60, required=True)
    sales_order_number = checks.text("sales_order_number", data.sales_order_number, 40)
    if data.status not in PURCHASE_ORDER_STATUSES:
        checks.add("status", N_("Choose one of: {choices}."), choices=", ".join(PURCHASE_ORDER_STATUSES))
    currency = (data.currency or "").strip().upper()
    if len(currency) != 3 or not currency.isalpha():
        checks.add("currency", N_("Use a three-letter currency code such as USD."))
    external_ref = checks.text("external_ref", data.external_ref, 80) or None
    if external_ref is not None:  # the ERP finds the order by it, so it must name one order only
        holder = await ctx.db.scalar(select(PurchaseOrder).where(PurchaseOrder.external_ref == external_ref).limit(1))
        if holder is not None and (order is None or holder.id != order.id):
            checks.add("external_ref", N_("Purchase order {number} already has this reference."), number=holder.number)
    notes = checks.text("notes", data.notes, 10000)
    _lines_allowed(checks, data.lines)
    lines: list[PurchaseOrderLine] = []
    for index, item in enumerate(data.lines or []):
        where = f"lines[{index}]"
        quantity = checks.quantity(f"{where}.quantity", item.quantity)
        shipped = checks.quantity(f"{where}.quantity_shipped", item.quantity_shipped)
        if not 0 <= item.unit_price_minor < 10**15:
            checks.add(f"{where}.unit_price_minor", N_("Enter a price of 0 or more."))
        lines.append(
            PurchaseOrderLine(
                position=index,
                part_number=checks.text(f"{where}.part_number", item.part_number, 80),
                description=checks.text(f"{where}.description", item.description, 500),
                quantity=quantity,
                quantity_shipped=shipped,
                unit_price_minor=item.unit_price_minor,
            )
        )
        if not lines[-1].part_number and not lines[-1].description:
            checks.add(f"{where}.description", N_("Give the line a part number or a description."))
    checks.raise_if_any()
    assert customer is not None
    if order is None:
        order = PurchaseOrder(customer_id=customer.id)
        ctx.db.add(order)
    order.customer_id = customer.id
    order.number, order.sales_order_number, order.status = number, sales_order_number, data.status
    order.ordered_on, order.due_on, order.currency = data.ordered_on, data.due_on, currency
    order.notes, order.external_ref = notes, external_ref
    await ctx.db.flush()
    if data.lines is not None:
        for line in lines:
            line.purchase_order_id, line.customer_id = order.id, customer.id
        order.total_minor = sum(round(line.quantity * line.unit_price_minor) for line in lines)
        await _replace_lines(ctx, PurchaseOrderLine, "purchase_order_id", order.id, lines)
    await ctx.db.flush()
    return order


# --- packing slips --------------------------------------------------------------------------


async def _linked(
    ctx: RequestContext, checks: Checks, model: type[Any], field: str, record_id: int | None, customer_id: int
) -> Any:
    """The record a document links to: it must exist and belong to the document's account."""
    if record_id is None:
        return None
    record = await ctx.db.get(model, record_id) if 0 < record_id <= MAX_ID else None
    if record is None:
        checks.add(field, N_("There is no such record."))
    elif record.customer_id != customer_id:
        checks.add(field, N_("It belongs to another customer account."))
    return record


async def _number(
    ctx: RequestContext, checks: Checks, column: Any, model: type[Any], value: str, prefix: str, own_id: int | None
) -> str:
    """The typed number (unique across the vendor), or the next ``prefix`` number when empty."""
    number = checks.text("number", value, 40)
    if not number:
        return await core.next_number(ctx.db, column, prefix, ctx.tenant.id)
    taken = await ctx.db.scalar(select(model.id).where(column == number))
    if taken is not None and taken != own_id:
        checks.add("number", N_("Number {number} is already used."), number=number)
    return number


async def save_packing_slip(
    ctx: RequestContext, slip: PackingSlip | None, data: PackingSlipIn, known: Sequence[Problem] = ()
) -> PackingSlip:
    checks = Checks(known)
    customer = await _customer(ctx, checks, data.customer_id)
    number = await _number(
        ctx, checks, PackingSlip.number, PackingSlip, data.number, "PS-", slip.id if slip is not None else None
    )
    await _linked(ctx, checks, WorkOrder, "work_order_id", data.work_order_id, data.customer_id)
    await _linked(ctx, checks, PurchaseOrder, "purchase_order_id", data.purchase_order_id, data.customer_id)
    values = {
        "carrier": checks.text("carrier", data.carrier, 120),
        "tracking_number": checks.text("tracking_number", data.tracking_number, 120),
        "ship_to": checks.text("ship_to", data.ship_to, 2000),
        "notes": checks.text("notes", data.notes, 10000),
    }
    _lines_allowed(checks, data.lines)
    lines: list[PackingSlipLine] = []
    for index, item in enumerate(data.lines or []):
        where = f"lines[{index}]"
        line = PackingSlipLine(
            position=index,
            part_number=checks.text(f"{where}.part_number", item.part_number, 80),
            description=checks.text(f"{where}.description", item.description, 500),
            quantity=checks.quantity(f"{where}.quantity", item.quantity),
        )
        if not line.part_number and not line.description:
            checks.add(f"{where}.description", N_("Give the line a part number or a description."))
        lines.append(line)
    checks.raise_if_any()
    assert customer is not None
    if slip is None:
        slip = PackingSlip(customer_id=customer.id, number=number)
        ctx.db.add(slip)
    slip.customer_id, slip.number = customer.id, number
    slip.work_order_id, slip.purchase_order_id, slip.shipped_on = (
        data.work_order_id,
        data.purchase_order_id,
        data.shipped_on,
    )
    for key, value in values.items():
        setattr(slip, key, value)
    await ctx.db.flush()
    if data.lines is not None:
        for line in lines:
            line.packing_slip_id, line.customer_id = slip.id, customer.id
        await _replace_lines(ctx, PackingSlipLine, "packing_slip_id", slip.id, lines)
    await ctx.db.flush()
    return slip


# --- bills of lading ------------------------------------------------------------------------


async def save_bill_of_lading(
    ctx: RequestContext, bol: BillOfLading | None, data: BillOfLadingIn, known: Sequence[Problem] = ()
) -> BillOfLading:
    checks = Checks(known)
    customer = await _customer(ctx, checks, data.customer_id)
    number = await _number(
        ctx, checks, BillOfLading.number, BillOfLading, data.number, "BOL-", bol.id if bol is not None else None
    )
    await _linked(ctx, checks, PackingSlip, "packing_slip_id", data.packing_slip_id, data.customer_id)
    if data.freight_terms not in FREIGHT_TERMS:
        checks.add("freight_terms", N_("Choose one of: {choices}."), choices=", ".join(FREIGHT_TERMS))
    values = {
        "carrier": checks.text("carrier", data.carrier, 120),
        "pro_number": checks.text("pro_number", data.pro_number, 120),
        "shipper": checks.text("shipper", data.shipper, 2000),
        "consignee": checks.text("consignee", data.consignee, 2000),
        "notes": checks.text("notes", data.notes, 10000),
    }
    _lines_allowed(checks, data.lines)
    lines: list[BillOfLadingLine] = []
    for index, item in enumerate(data.lines or []):
        where = f"lines[{index}]"
        if not 0 < item.pieces < 1_000_000:
            checks.add(f"{where}.pieces", N_("Enter a number of pieces from 1 to 999999."))
        weight = item.weight_kg
        if not weight.is_finite() or weight < 0 or weight >= Decimal("10000000000"):
            checks.add(f"{where}.weight_kg", N_("Enter a weight of 0 or more."))
            weight = Decimal(0)
        elif weight != weight.quantize(Decimal("0.01")):
            checks.add(f"{where}.weight_kg", N_("Use at most {digits} decimal places."), digits=2)
        freight_class = (item.freight_class or "").strip()
        if freight_class and freight_class not in FREIGHT_CLASSES:
            checks.add(f"{where}.freight_class", N_("Use an NMFC freight class such as 70 or 92.5."))
        line = BillOfLadingLine(
            position=index,
            pieces=item.pieces,
            package_type=checks.text(f"{where}.package_type", item.package_type, 40),
            description=checks.text(f"{where}.description", item.description, 500, required=True),
            weight_kg=weight,
            freight_class=freight_class,
        )
        lines.append(line)
    checks.raise_if_any()
    assert customer is not None
    if bol is None:
        bol = BillOfLading(customer_id=customer.id, number=number)
        ctx.db.add(bol)
    bol.customer_id, bol.number = customer.id, number
    bol.packing_slip_id, bol.shipped_on, bol.freight_terms = data.packing_slip_id, data.shipped_on, data.freight_terms
    for key, value in values.items():
        setattr(bol, key, value)
    await ctx.db.flush()
    if data.lines is not None:
        for line in lines:
            line.bill_of_lading_id, line.customer_id = bol.id, customer.id
        await _replace_lines(ctx, BillOfLadingLine, "bill_of_lading_id", bol.id, lines)
    await ctx.db.flush()
    return bol
