"""The JSON API's request and response bodies, typed so Litestar validates them and the OpenAPI
schema documents every field. Money is integer minor units (cents); quantities are decimals."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

import msgspec
from msgspec import UNSET, Meta, UnsetType

from plugins.quotes.admin.fields import MAX_ID, MAX_MINOR

Id = Annotated[int, Meta(ge=1, le=MAX_ID, description="A record's id")]
Minor = Annotated[int, Meta(ge=-MAX_MINOR, le=MAX_MINOR, description="An amount in minor units (cents)")]
Positive = Annotated[int, Meta(ge=0, le=MAX_MINOR, description="An amount in minor units (cents)")]
Kind = Literal["quote", "order"]
LineStatus = Literal["open", "approved", "declined", "in_progress", "completed"]
Status = Annotated[
    str,
    Meta(
        max_length=30,
        description="Quotes: draft, open, approved, declined, expired, ordered. Orders: requested, quoted, "
        "pending_approval, approved, in_progress, completed, cancelled.",
    ),
]
Currency = Annotated[str, Meta(pattern="^[A-Z]{3}$", description="ISO 4217 code, such as USD")]
TaxRate = Annotated[int, Meta(ge=0, le=10_000, description="Tax rate on taxable lines in basis points (825 = 8.25 %)")]


def text(limit: int, description: str = "") -> object:
    return Meta(max_length=limit, description=description) if description else Meta(max_length=limit)


class LineIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A line. With ``id`` an existing line is updated in place (its approval stays); without, it is added."""

    id: Id | None = None
    item: Annotated[str, text(80)] = ""
    description: Annotated[str, text(10000)] = ""
    quantity: Annotated[Decimal, Meta(description="0 or more, up to 4 decimal places; a number or a string")] = Decimal(
        1
    )
    unit_price_minor: Minor = 0
    taxable: bool = True
    needs_approval: bool = True
    status: LineStatus = "open"


class PaymentIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    label: Annotated[str, text(200)]
    due_on: dt.date | None = None
    amount_minor: Positive = 0


class QuoteIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A new quote or order. ``number`` defaults to the next free "Q-00001" / "SO-00001"."""

    customer_id: Id
    kind: Kind = "quote"
    number: Annotated[str, text(40)] | None = None
    name: Annotated[str, text(200)] = ""
    status: Status | None = None
    external_ref: Annotated[str, text(80, "The ERP's own key, to find and update the record later")] | None = None
    contact_id: Id | None = None
    sales_rep_id: Id | None = None
    quote_date: dt.date | None = None
    valid_until: dt.date | None = None
    target_date: dt.date | None = None
    completed_on: dt.date | None = None
    bill_to: Annotated[str, text(2000)] = ""
    ship_to: Annotated[str, text(2000)] = ""
    customer_po: Annotated[str, text(60)] = ""
    currency: Currency = "USD"
    terms: Annotated[str, text(200)] = ""
    notes: Annotated[str, text(10000)] = ""
    recurrence: Annotated[str, text(40, "Orders: empty (one-time), Weekly, Monthly, Quarterly or Yearly")] = ""
    shipping_minor: Positive = 0
    tax_rate_bp: TaxRate = 0
    lines: list[LineIn] = []
    payments: list[PaymentIn] = []


class QuotePatch(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Only the fields sent change. ``lines`` (and ``payments``), when sent, become the record's
    complete list: lines naming an ``id`` are kept and updated, the others are added, unnamed
    existing lines are removed. When upserting by external_ref, a missing record is created
    from these fields (``customer_id`` is then required)."""

    customer_id: Id | UnsetType = UNSET
    number: Annotated[str, text(40)] | UnsetType = UNSET
    name: Annotated[str, text(200)] | UnsetType = UNSET
    status: Status | UnsetType = UNSET
    external_ref: Annotated[str, text(80)] | None | UnsetType = UNSET
    contact_id: Id | None | UnsetType = UNSET
    sales_rep_id: Id | None | UnsetType = UNSET
    quote_date: dt.date | UnsetType = UNSET
    valid_until: dt.date | None | UnsetType = UNSET
    target_date: dt.date | None | UnsetType = UNSET
    completed_on: dt.date | None | UnsetType = UNSET
    bill_to: Annotated[str, text(2000)] | UnsetType = UNSET
    ship_to: Annotated[str, text(2000)] | UnsetType = UNSET
    customer_po: Annotated[str, text(60)] | UnsetType = UNSET
    currency: Currency | UnsetType = UNSET
    terms: Annotated[str, text(200)] | UnsetType = UNSET
    notes: Annotated[str, text(10000)] | UnsetType = UNSET
    recurrence: Annotated[str, text(40)] | UnsetType = UNSET
    shipping_minor: Positive | UnsetType = UNSET
    tax_rate_bp: TaxRate | UnsetType = UNSET
    lines: list[LineIn] | UnsetType = UNSET
    payments: list[PaymentIn] | UnsetType = UNSET


class LineOut(msgspec.Struct, kw_only=True):
    id: int
    position: int
    item: str
    description: str
    quantity: Decimal
    unit_price_minor: int
    amount_minor: int
    taxable: bool
    needs_approval: bool
    status: LineStatus
    approved_at: dt.datetime | None
    approval_id: int | None


class PaymentOut(msgspec.Struct, kw_only=True):
    id: int
    position: int
    label: str
    due_on: dt.date | None
    amount_minor: int


class QuoteOut(msgspec.Struct, kw_only=True):
    id: int
    kind: Kind
    number: str
    name: str
    status: str
    external_ref: str | None
    customer_id: int
    contact_id: int | None
    sales_rep_id: int | None
    quote_date: dt.date
    valid_until: dt.date | None
    target_date: dt.date | None
    approved_at: dt.datetime | None
    completed_on: dt.date | None
    bill_to: str
    ship_to: str
    customer_po: str
    currency: str
    terms: str
    notes: str
    recurrence: str
    shipping_minor: int
    tax_rate_bp: int
    subtotal_minor: int
    tax_minor: int
    total_minor: int
    awaiting_approval: bool
    source_id: int | None
    requested_by_id: int | None
    created_at: dt.datetime
    updated_at: dt.datetime
    lines: list[LineOut]
    payments: list[PaymentOut]


class QuotePage(msgspec.Struct, kw_only=True):
    items: list[QuoteOut]
    #: Pass as ``after`` to get the next page; null on the last page.
    next_after: int | None


class ApprovalOut(msgspec.Struct, kw_only=True):
    id: int
    quote_id: int
    quote_number: str
    user_id: int | None
    user_name: str
    approved_at: dt.datetime
    typed_name: str
    terms_text: str
    line_count: int
    amount_minor: int


class ApprovalPage(msgspec.Struct, kw_only=True):
    items: list[ApprovalOut]
    next_after: int | None


class ChangeRequestOut(msgspec.Struct, kw_only=True):
    id: int
    quote_id: int
    quote_number: str
    user_id: int | None
    user_name: str
    message: str
    status: Literal["open", "resolved"]
    response: str
    created_at: dt.datetime
    resolved_at: dt.datetime | None


class ChangeRequestPage(msgspec.Struct, kw_only=True):
    items: list[ChangeRequestOut]
    next_after: int | None


class ChangeRequestPatch(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The vendor's answer. Resolving needs a response (sent now or earlier)."""

    response: Annotated[str, text(10000)] | UnsetType = UNSET
    status: Literal["open", "resolved"] | UnsetType = UNSET
