"""What a vendor or an ERP may set on a quote, a line and a payment row, as plain typed values.

The HTML forms and the JSON API each read their input into these, so the checks and the writes
(``editing``) are the same whichever way a record arrives.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from core import N_

#: The largest amount (minor units) a price, line or total may reach: 100 billion in a two-decimal
#: currency, far inside the 64-bit money columns even summed over many lines.
MAX_MINOR = 10**13
#: Ids are 32-bit integers.
MAX_ID = 2**31 - 1
MAX_QUANTITY = Decimal("9999999999")
#: Stored as the English word (the ERP sends it so); shown translated.
RECURRENCES = ("", N_("Weekly"), N_("Monthly"), N_("Quarterly"), N_("Yearly"))


class Problem(ValueError):
    """What is wrong with one field: ``msgid`` is English text with ``{placeholders}`` for ``values``;
    ``status`` is the API's answer: 422 for a value the schema allows but that cannot be saved."""

    def __init__(self, field: str, msgid: str, status: int = 422, **values: Any) -> None:
        super().__init__(msgid.format(**values) if values else msgid)
        self.field, self.msgid, self.status, self.values = field, msgid, status, values


class Problems(ValueError):
    """Several fields at once: a form shows each next to its field; the API lists them all."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(f"{p.field}: {p}" for p in problems))
        self.problems = problems

    @property
    def status(self) -> int:
        return max(p.status for p in self.problems)


@dataclass
class QuoteFields:
    number: str
    customer_id: int
    name: str = ""
    status: str = "draft"
    external_ref: str | None = None
    contact_id: int | None = None
    sales_rep_id: int | None = None
    quote_date: dt.date = field(default_factory=dt.date.today)
    valid_until: dt.date | None = None
    target_date: dt.date | None = None
    completed_on: dt.date | None = None
    bill_to: str = ""
    ship_to: str = ""
    customer_po: str = ""
    currency: str = "USD"
    terms: str = ""
    notes: str = ""
    recurrence: str = ""
    shipping_minor: int = 0
    tax_rate_bp: int = 0


@dataclass
class LineFields:
    item: str = ""
    description: str = ""
    quantity: Decimal = Decimal(1)
    unit_price_minor: int = 0
    taxable: bool = True
    needs_approval: bool = True
    status: str = "open"
    #: The API names an existing line to update it in place (keeping its approval).
    id: int | None = None


@dataclass
class PaymentFields:
    label: str = ""
    due_on: dt.date | None = None
    amount_minor: int = 0
