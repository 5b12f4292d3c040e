"""Reading the admin forms into the typed inputs, and the typed records back into forms.

A form's line rows are named ``lines-<n>-<field>``; rows left empty are dropped and the rest are
numbered again, so that an error on ``lines[2].quantity`` from the checks points at the third row
shown when the form comes back.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select

import core
from core import N_, RequestContext
from plugins.workorders.models import (
    BillOfLading,
    BillOfLadingLine,
    PackingSlip,
    PackingSlipLine,
    PurchaseOrder,
    PurchaseOrderLine,
    WorkOrder,
)
from plugins.workorders.shipping.documents import quantity
from plugins.workorders.shipping.inputs import (
    BillOfLadingIn,
    BillOfLadingLineIn,
    PackingSlipIn,
    PackingSlipLineIn,
    Problem,
    PurchaseOrderIn,
    PurchaseOrderLineIn,
)
from plugins.workorders.shipping.services import MAX_LINES

LINE_FIELD = re.compile(r"^lines-(\d{1,4})-(\w+)$")
PO_LINE_FIELDS = ("part_number", "description", "quantity", "quantity_shipped", "unit_price")
SLIP_LINE_FIELDS = ("part_number", "description", "quantity")
BOL_LINE_FIELDS = ("pieces", "package_type", "description", "weight_kg", "freight_class")
BLANK_ROWS = 3


class FormReader:
    """Turns form strings into typed values, noting each one that cannot be read."""

    def __init__(self, form: Mapping[str, str]) -> None:
        self.form = form
        self.problems: list[Problem] = []

    def text(self, name: str) -> str:
        return (self.form.get(name) or "").strip()

    def date(self, name: str) -> dt.date | None:
        value = self.text(name)
        if not value:
            return None
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            self.problems.append(Problem(name, N_("Enter a date as YYYY-MM-DD.")))
            return None

    def customer_id(self) -> int:
        value = self.text("customer_id")
        if value.isdigit() and len(value) < 19:
            return int(value)
        self.problems.append(Problem("customer_id", N_("Choose the customer account.")))
        return 0

    def decimal(self, name: str, value: str, default: str) -> Decimal:
        try:
            return Decimal(value.replace(",", "") or default)
        except InvalidOperation:
            self.problems.append(Problem(name, N_("Enter a number such as 12 or 2.5.")))
            return Decimal(default)

    def integer(self, name: str, value: str, default: int) -> int:
        value = value.strip()
        if not value:
            return default
        if re.fullmatch(r"-?\d{1,12}", value):
            return int(value)
        self.problems.append(Problem(name, N_("Enter a whole number.")))
        return default

    def money(self, name: str, value: str, currency: str) -> int:
        if not value.strip():
            return 0
        try:
            return core.parse_money(value, currency if len(currency) == 3 else "USD")
        except ValueError as refused:
            self.problems.append(Problem(name, str(refused)))
            return 0


def line_rows(form: Mapping[str, str], fields: Sequence[str]) -> list[dict[str, str]]:
    """The form's line rows in order, without the empty ones."""
    rows: dict[int, dict[str, str]] = {}
    for key, value in form.items():
        match = LINE_FIELD.match(key)
        if match and match.group(2) in fields and int(match.group(1)) < MAX_LINES * 2:
            rows.setdefault(int(match.group(1)), {})[match.group(2)] = value.strip()
    return [row for _, row in sorted(rows.items()) if any(row.values())]


def with_blank_rows(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    return [*rows, *({} for _ in range(BLANK_ROWS))]


async def _id_by_number(
    ctx: RequestContext, reader: FormReader, field: str, model: type[Any], *where: Any
) -> int | None:
    number = reader.text(field)
    if not number:
        return None
    found = await ctx.db.scalar(select(model.id).where(model.number == number, *where).limit(1))
    if found is None:
        reader.problems.append(
            Problem(field, N_("There is no {number} for this customer account."), {"number": number})
        )
    return found


# --- purchase orders ------------------------------------------------------------------------


def read_purchase_order(form: Mapping[str, str]) -> tuple[PurchaseOrderIn, list[dict[str, str]], list[Problem]]:
    reader = FormReader(form)
    currency = reader.text("currency").upper() or "USD"
    rows = line_rows(form, PO_LINE_FIELDS)
    lines = [
        PurchaseOrderLineIn(
            part_number=row.get("part_number", ""),
            description=row.get("description", ""),
            quantity=reader.decimal(f"lines[{i}].quantity", row.get("quantity", ""), "1"),
            quantity_shipped=reader.decimal(f"lines[{i}].quantity_shipped", row.get("quantity_shipped", ""), "0"),
            unit_price_minor=reader.money(f"lines[{i}].unit_price_minor", row.get("unit_price", ""), currency),
        )
        for i, row in enumerate(rows)
    ]
    data = PurchaseOrderIn(
        customer_id=reader.customer_id(),
        number=reader.text("number"),
        sales_order_number=reader.text("sales_order_number"),
        status=reader.text("status") or "received",
        ordered_on=reader.date("ordered_on"),
        due_on=reader.date("due_on"),
        currency=currency,
        notes=reader.text("notes"),
        external_ref=reader.text("external_ref") or None,
        lines=lines,
    )
    return data, rows, reader.problems


def purchase_order_form(
    order: PurchaseOrder, lines: Sequence[PurchaseOrderLine]
) -> tuple[dict[str, str], list[dict[str, str]]]:
    form = {
        "customer_id": str(order.customer_id),
        "number": order.number,
        "sales_order_number": order.sales_order_number,
        "status": order.status,
        "ordered_on": order.ordered_on.isoformat() if order.ordered_on else "",
        "due_on": order.due_on.isoformat() if order.due_on else "",
        "currency": order.currency,
        "notes": order.notes,
        "external_ref": order.external_ref or "",
    }
    digits = Decimal(10) ** -2
    rows = [
        {
            "part_number": line.part_number,
            "description": line.description,
            "quantity": quantity(line.quantity),
            "quantity_shipped": quantity(line.quantity_shipped),
            "unit_price": f"{(Decimal(line.unit_price_minor) * digits):.2f}" if line.unit_price_minor else "",
        }
        for line in lines
    ]
    return form, rows


# --- packing slips --------------------------------------------------------------------------


async def read_packing_slip(
    ctx: RequestContext, form: Mapping[str, str]
) -> tuple[PackingSlipIn, list[dict[str, str]], list[Problem]]:
    reader = FormReader(form)
    customer_id = reader.customer_id()
    rows = line_rows(form, SLIP_LINE_FIELDS)
    data = PackingSlipIn(
        customer_id=customer_id,
        number=reader.text("number"),
        work_order_id=await _id_by_number(
            ctx, reader, "work_order_id", WorkOrder, WorkOrder.customer_id == customer_id
        ),
        purchase_order_id=await _id_by_number(
            ctx, reader, "purchase_order_id", PurchaseOrder, PurchaseOrder.customer_id == customer_id
        ),
        shipped_on=reader.date("shipped_on"),
        carrier=reader.text("carrier"),
        tracking_number=reader.text("tracking_number"),
        ship_to=reader.text("ship_to"),
        notes=reader.text("notes"),
        lines=[
            PackingSlipLineIn(
                part_number=row.get("part_number", ""),
                description=row.get("description", ""),
                quantity=reader.decimal(f"lines[{i}].quantity", row.get("quantity", ""), "1"),
            )
            for i, row in enumerate(rows)
        ],
    )
    return data, rows, reader.problems


async def packing_slip_form(
    ctx: RequestContext, slip: PackingSlip, lines: Sequence[PackingSlipLine]
) -> tuple[dict[str, str], list[dict[str, str]]]:
    work_order = await ctx.db.get(WorkOrder, slip.work_order_id) if slip.work_order_id else None
    order = await ctx.db.get(PurchaseOrder, slip.purchase_order_id) if slip.purchase_order_id else None
    form = {
        "customer_id": str(slip.customer_id),
        "number": slip.number,
        "work_order_id": work_order.number if work_order else "",
        "purchase_order_id": order.number if order else "",
        "shipped_on": slip.shipped_on.isoformat() if slip.shipped_on else "",
        "carrier": slip.carrier,
        "tracking_number": slip.tracking_number,
        "ship_to": slip.ship_to,
        "notes": slip.notes,
    }
    rows = [
        {"part_number": line.part_number, "description": line.description, "quantity": quantity(line.quantity)}
        for line in lines
    ]
    return form, rows


# --- bills of lading ------------------------------------------------------------------------


async def read_bill_of_lading(
    ctx: RequestContext, form: Mapping[str, str]
) -> tuple[BillOfLadingIn, list[dict[str, str]], list[Problem]]:
    reader = FormReader(form)
    customer_id = reader.customer_id()
    rows = line_rows(form, BOL_LINE_FIELDS)
    data = BillOfLadingIn(
        customer_id=customer_id,
        number=reader.text("number"),
        packing_slip_id=await _id_by_number(
            ctx, reader, "packing_slip_id", PackingSlip, PackingSlip.customer_id == customer_id
        ),
        shipped_on=reader.date("shipped_on"),
        carrier=reader.text("carrier"),
        pro_number=reader.text("pro_number"),
        shipper=reader.text("shipper"),
        consignee=reader.text("consignee"),
        freight_terms=reader.text("freight_terms") or "prepaid",
        notes=reader.text("notes"),
        lines=[
            BillOfLadingLineIn(
                pieces=reader.integer(f"lines[{i}].pieces", row.get("pieces", ""), 1),
                package_type=row.get("package_type", ""),
                description=row.get("description", ""),
                weight_kg=reader.decimal(f"lines[{i}].weight_kg", row.get("weight_kg", ""), "0"),
                freight_class=row.get("freight_class", ""),
            )
            for i, row in enumerate(rows)
        ],
    )
    return data, rows, reader.problems


async def bill_of_lading_form(
    ctx: RequestContext, bol: BillOfLading, lines: Sequence[BillOfLadingLine]
) -> tuple[dict[str, str], list[dict[str, str]]]:
    slip = await ctx.db.get(PackingSlip, bol.packing_slip_id) if bol.packing_slip_id else None
    form = {
        "customer_id": str(bol.customer_id),
        "number": bol.number,
        "packing_slip_id": slip.number if slip else "",
        "shipped_on": bol.shipped_on.isoformat() if bol.shipped_on else "",
        "carrier": bol.carrier,
        "pro_number": bol.pro_number,
        "shipper": bol.shipper,
        "consignee": bol.consignee,
        "freight_terms": bol.freight_terms,
        "notes": bol.notes,
    }
    rows = [
        {
            "pieces": str(line.pieces),
            "package_type": line.package_type,
            "description": line.description,
            "weight_kg": quantity(line.weight_kg),
            "freight_class": line.freight_class,
        }
        for line in lines
    ]
    return form, rows


def translate_problems(ctx: RequestContext, problems: Sequence[Problem]) -> dict[str, str]:
    """{field: message in the reader's language}; the first problem of a field wins."""
    errors: dict[str, str] = {}
    for problem in problems:
        errors.setdefault(problem.field, ctx._(problem.msgid, **problem.values))
    return errors
