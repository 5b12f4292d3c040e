"""What a purchase order, packing slip or bill of lading is made from, as typed input.

The JSON API receives these (Litestar validates the types and documents them in OpenAPI); the
admin forms are read into the same classes, so both go through one set of checks in
:mod:`plugins.workorders.shipping.services`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any

from msgspec import Meta

from core import N_
from core.integers import MAX_INT

#: What the columns hold: an id or a count is refused (400, naming the field) before the database sees it.
Id = Annotated[int, Meta(ge=1, le=MAX_INT)]
Count = Annotated[int, Meta(ge=0, le=MAX_INT)]

FREIGHT_TERMS: dict[str, str] = {
    "prepaid": N_("Prepaid"),
    "collect": N_("Collect"),
    "third_party": N_("Third party"),
}
#: The NMFC freight classes a bill of lading may name.
FREIGHT_CLASSES = (
    "50", "55", "60", "65", "70", "77.5", "85", "92.5", "100",
    "110", "125", "150", "175", "200", "250", "300", "400", "500",
)  # fmt: skip
PACKAGE_TYPES: dict[str, str] = {
    "pallet": N_("Pallet"),
    "skid": N_("Skid"),
    "crate": N_("Crate"),
    "box": N_("Box"),
    "drum": N_("Drum"),
    "bundle": N_("Bundle"),
    "roll": N_("Roll"),
    "piece": N_("Loose piece"),
}


@dataclass
class PurchaseOrderLineIn:
    part_number: str = ""
    description: str = ""
    quantity: Decimal = Decimal(1)
    quantity_shipped: Decimal = Decimal(0)
    #: Price of one unit in minor units of the order's currency (cents).
    unit_price_minor: Count = 0


@dataclass
class PurchaseOrderIn:
    customer_id: Id
    #: The customer's PO number.
    number: str
    sales_order_number: str = ""
    status: str = "received"
    ordered_on: dt.date | None = None
    due_on: dt.date | None = None
    currency: str = "USD"
    notes: str = ""
    #: The ERP's key; when given, the API updates the order that has it.
    external_ref: str | None = None
    #: None keeps the lines as they are (on update); a list replaces them.
    lines: list[PurchaseOrderLineIn] | None = None


@dataclass
class PackingSlipLineIn:
    part_number: str = ""
    description: str = ""
    quantity: Decimal = Decimal(1)


@dataclass
class PackingSlipIn:
    customer_id: Id
    #: Empty: the next "PS-" number.
    number: str = ""
    work_order_id: Id | None = None
    purchase_order_id: Id | None = None
    shipped_on: dt.date | None = None
    carrier: str = ""
    tracking_number: str = ""
    ship_to: str = ""
    notes: str = ""
    lines: list[PackingSlipLineIn] | None = None


@dataclass
class BillOfLadingLineIn:
    pieces: Count = 1
    package_type: str = ""
    description: str = ""
    weight_kg: Decimal = Decimal(0)
    freight_class: str = ""


@dataclass
class BillOfLadingIn:
    customer_id: Id
    #: Empty: the next "BOL-" number.
    number: str = ""
    packing_slip_id: Id | None = None
    shipped_on: dt.date | None = None
    carrier: str = ""
    pro_number: str = ""
    shipper: str = ""
    consignee: str = ""
    freight_terms: str = "prepaid"
    notes: str = ""
    lines: list[BillOfLadingLineIn] | None = None


@dataclass
class Problem:
    """One thing wrong with the input: the field (``lines[2].quantity``) and the message."""

    field: str
    msgid: str
    values: dict[str, Any] = dataclasses.field(default_factory=dict)

    def english(self) -> str:
        return f"{self.field}: {self.msgid.format(**self.values)}"


class InputError(ValueError):
    """Input that cannot be saved; ``problems`` says what and where. Nothing was written."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(problem.english() for problem in problems))
