"""Which quotes and orders a user may see, and finding one of them (404 otherwise).

Customers see a record only once the vendor sent it (the kernel's publishing) and only in the
statuses the vendor lets customers see (module settings). An order request a customer made
themselves (a reorder) is theirs at once, while it waits for the vendor. Staff see everything.
"""

from __future__ import annotations

from typing import Any

from litestar.exceptions import NotFoundException
from sqlalchemy import ColumnElement, and_, or_, select

from core import RequestContext, published_filter
from plugins.quotes.models import ORDER, QUOTE, STATUSES, Quote

MODULE = "quotes"
#: The document (and record) type key of each kind.
DOCUMENT_KEY = {QUOTE: "quotes.quote", ORDER: "quotes.order"}
#: What a user needs to see each kind.
VIEW_PERMISSION = {QUOTE: "quotes.view", ORDER: "quotes.orders"}
STATUS_SETTING = {QUOTE: "customer_quote_statuses", ORDER: "customer_order_statuses"}
#: Where each kind's pages live.
BASE_URL = {QUOTE: "/quotes", ORDER: "/orders"}


def customer_statuses(ctx: RequestContext, kind: str) -> list[str]:
    """The statuses of ``kind`` customers may see, in the module's order."""
    chosen = set(ctx.module_settings(MODULE).get(STATUS_SETTING[kind]) or ())
    return [status for status in STATUSES[kind] if status in chosen]


def visible_statuses(ctx: RequestContext, kind: str) -> list[str]:
    """The statuses this user can see records in: all for staff, the vendor's choice for customers."""
    return list(STATUSES[kind]) if not ctx.is_contact else customer_statuses(ctx, kind)


def visible(ctx: RequestContext, kind: str) -> ColumnElement[bool]:
    """WHERE clause: records of ``kind`` this user may see (the record types' ``visible=`` too)."""
    clause = Quote.kind == kind
    if not ctx.is_contact:
        return clause
    shown: Any = published_filter(ctx, DOCUMENT_KEY[kind], Quote)
    if kind == ORDER:
        # A reorder the customer asked for is visible to their account before the vendor answers.
        shown = or_(shown, and_(Quote.status == "requested", Quote.requested_by_id.is_not(None)))
    return and_(clause, Quote.status.in_(customer_statuses(ctx, kind)), shown)


def visible_quotes(ctx: RequestContext) -> ColumnElement[bool]:
    return visible(ctx, QUOTE)


def visible_orders(ctx: RequestContext) -> ColumnElement[bool]:
    return visible(ctx, ORDER)


async def find_visible(ctx: RequestContext, kind: str, record_id: int) -> Quote:
    """The record, as this user may see it, or 404."""
    quote = await ctx.db.scalar(select(Quote).where(Quote.id == record_id, visible(ctx, kind)))
    if quote is None:
        raise NotFoundException()
    return quote
