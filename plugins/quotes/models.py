"""Quotes (estimates) and sales orders, their lines, payment schedules, approvals and change requests.

A quote and a sales order share one table (``kind``): they carry the same fields, the same lines
and the same approval flow, and an order made from a quote or a reorder is a copy of the same row
shape. Every child row is customer-owned too, so the kernel's scope applies to it directly.
Money is integer minor units (cents); quantities are decimals.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import BigInteger, Date, ForeignKey, Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core import N_, Base, CustomerOwned, utcnow

QUOTE = "quote"
ORDER = "order"
KINDS = (QUOTE, ORDER)

#: Status key → label, in the order a record moves through them.
QUOTE_STATUSES: dict[str, str] = {
    "draft": N_("Draft"),
    "open": N_("Open"),
    "approved": N_("Approved"),
    "declined": N_("Declined"),
    "expired": N_("Expired"),
    "ordered": N_("Ordered"),
}
ORDER_STATUSES: dict[str, str] = {
    "requested": N_("Requested"),
    "quoted": N_("Quoted"),
    "pending_approval": N_("Pending Approval"),
    "approved": N_("Approved"),
    "in_progress": N_("In Progress"),
    "completed": N_("Completed"),
    "cancelled": N_("Cancelled"),
}
STATUSES = {QUOTE: QUOTE_STATUSES, ORDER: ORDER_STATUSES}
#: Statuses of records still open (the "open quotes"/"open orders" lists); the rest is history.
OPEN_STATUSES = {
    QUOTE: ("draft", "open"),
    ORDER: ("requested", "quoted", "pending_approval", "approved", "in_progress"),
}
#: Statuses in which a customer can approve lines.
APPROVABLE_STATUSES = {QUOTE: ("open",), ORDER: ("quoted", "pending_approval")}

LINE_STATUSES: dict[str, str] = {
    "open": N_("Open"),
    "approved": N_("Approved"),
    "declined": N_("Declined"),
    "in_progress": N_("In Progress"),
    "completed": N_("Completed"),
}


class Quote(CustomerOwned, Base):
    """A quote (estimate) or a sales order for one customer account (``customer_id``, a site)."""

    __tablename__ = "quotes_quote"
    __table_args__ = (
        UniqueConstraint("tenant_id", "kind", "number"),
        # The lists: one kind, newest first, filtered by status, paged by id.
        Index("ix_quotes_quote_list", "tenant_id", "kind", "status", "id"),
        Index("ix_quotes_quote_customer_list", "customer_id", "kind", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10), default=QUOTE)
    number: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(30), default="draft")
    #: The ERP's own key for this record, so the API can find and update it.
    external_ref: Mapped[str | None] = mapped_column(String(80), default=None, index=True)

    #: The customer's contact the record is addressed to, and the vendor's sales rep.
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id", ondelete="SET NULL"), default=None)
    sales_rep_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id", ondelete="SET NULL"), default=None)

    quote_date: Mapped[dt.date] = mapped_column(Date, default=dt.date.today)
    #: Quotes: the last day the offer stands. Orders: the day the vendor aims to deliver.
    valid_until: Mapped[dt.date | None] = mapped_column(Date, default=None)
    target_date: Mapped[dt.date | None] = mapped_column(Date, default=None)
    approved_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    completed_on: Mapped[dt.date | None] = mapped_column(Date, default=None)

    bill_to: Mapped[str] = mapped_column(Text, default="")
    ship_to: Mapped[str] = mapped_column(Text, default="")
    customer_po: Mapped[str] = mapped_column(String(60), default="")
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    #: Payment terms as printed ("Net 30").
    terms: Mapped[str] = mapped_column(String(200), default="")
    notes: Mapped[str] = mapped_column(Text, default="")

    #: Orders: one-time or recurring ("Monthly", "Quarterly", ...; empty for one-time).
    recurrence: Mapped[str] = mapped_column(String(40), default="")

    shipping_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    #: Tax rate on taxable lines in basis points (825 = 8.25 %).
    tax_rate_bp: Mapped[int] = mapped_column(default=0)
    # Computed on the server by plugins.quotes.pricing.apply_totals whenever lines change.
    subtotal_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    tax_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    total_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    #: True while some line that needs approval is not approved yet (the "needs your action" marker).
    awaiting_approval: Mapped[bool] = mapped_column(default=False, index=True)

    #: The quote an order was made from, or the order a reorder copies.
    source_id: Mapped[int | None] = mapped_column(ForeignKey("quotes_quote.id", ondelete="SET NULL"), default=None)
    #: The contact who asked for a reorder (orders of status "requested").
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id", ondelete="SET NULL"), default=None)

    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class QuoteLine(CustomerOwned, Base):
    __tablename__ = "quotes_line"
    __table_args__ = (Index("ix_quotes_line_quote", "quote_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    quote_id: Mapped[int] = mapped_column(ForeignKey("quotes_quote.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=0)
    item: Mapped[str] = mapped_column(String(80), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    quantity: Mapped[Decimal] = mapped_column(Numeric(14, 4), default=Decimal(1))
    unit_price_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    #: quantity × unit price, rounded half up to a minor unit (computed on the server).
    amount_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    taxable: Mapped[bool] = mapped_column(default=True)
    status: Mapped[str] = mapped_column(String(30), default="open")
    needs_approval: Mapped[bool] = mapped_column(default=True)
    approved_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    approval_id: Mapped[int | None] = mapped_column(ForeignKey("quotes_approval.id", ondelete="SET NULL"), default=None)


class PaymentInstallment(CustomerOwned, Base):
    """One row of an order's payment schedule, shown to the customer before approval."""

    __tablename__ = "quotes_payment"

    id: Mapped[int] = mapped_column(primary_key=True)
    quote_id: Mapped[int] = mapped_column(ForeignKey("quotes_quote.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    label: Mapped[str] = mapped_column(String(200), default="")
    due_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    amount_minor: Mapped[int] = mapped_column(BigInteger, default=0)


class Approval(CustomerOwned, Base):
    """Who approved which lines, when, under which terms, signing with which typed name."""

    __tablename__ = "quotes_approval"

    id: Mapped[int] = mapped_column(primary_key=True)
    quote_id: Mapped[int] = mapped_column(ForeignKey("quotes_quote.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id", ondelete="SET NULL"), default=None)
    approved_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    typed_name: Mapped[str] = mapped_column(String(200), default="")
    #: The approval terms exactly as the customer accepted them.
    terms_text: Mapped[str] = mapped_column(Text, default="")
    line_count: Mapped[int] = mapped_column(default=0)
    amount_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    #: A token the form carries, so a double submission is recorded once.
    submission_key: Mapped[str | None] = mapped_column(String(64), default=None, unique=True)


class ChangeRequest(CustomerOwned, Base):
    """A customer's free-text request to change a quote or order, and the vendor's answer."""

    __tablename__ = "quotes_change_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    quote_id: Mapped[int] = mapped_column(ForeignKey("quotes_quote.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id", ondelete="SET NULL"), default=None)
    message: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="open")  # open | resolved
    response: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    submission_key: Mapped[str | None] = mapped_column(String(64), default=None, unique=True)


# The orders made from a record (admin record page, converting a quote) are found by source_id.
Index("ix_quotes_quote_source", Quote.source_id)
