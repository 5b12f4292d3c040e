"""Ordering again from order history: a new order request for the vendor, copied from an old order."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from core import RequestContext, next_number, utcnow
from plugins.quotes.models import OPEN_STATUSES, ORDER, Quote, QuoteLine
from plugins.quotes.portal.detail import load_lines
from plugins.quotes.portal.locking import hold
from plugins.quotes.portal.notify import notify_vendor
from plugins.quotes.portal.visibility import MODULE
from plugins.quotes.pricing import apply_totals

#: The fields of an order a reorder keeps; dates, approvals and ERP keys start afresh.
COPIED = ("name", "bill_to", "ship_to", "currency", "terms", "recurrence", "shipping_minor", "tax_rate_bp")


def can_reorder(ctx: RequestContext, order: Quote) -> bool:
    """Offered on orders in history (no longer open) while the vendor has reordering switched on."""
    return (
        order.kind == ORDER
        and order.status not in OPEN_STATUSES[ORDER]
        and bool(ctx.module_settings(MODULE).get("reorder_enabled"))
        and ctx.can("quotes.reorder")
    )


@dataclass(frozen=True)
class ReorderResult:
    order: Quote
    #: True when this order already had a reorder waiting for the vendor: that one is returned.
    duplicate: bool


async def pending_reorder(ctx: RequestContext, order: Quote) -> Quote | None:
    """A reorder of ``order`` that still waits for the vendor, if there is one."""
    return await ctx.db.scalar(
        select(Quote)
        .where(Quote.kind == ORDER, Quote.source_id == order.id, Quote.status == "requested")
        .order_by(Quote.id.desc())
        .limit(1)
    )


async def reorder(ctx: RequestContext, order: Quote, customer_po: str = "") -> ReorderResult:
    """Copy ``order`` and its lines into a new order request and notify the vendor. The caller commits.

    A second submission (a double click, another contact at the same moment) finds the request
    the first one made, while the vendor has not answered it, instead of making another.
    """
    assert ctx.user is not None
    await hold(ctx, order.id)
    waiting = await pending_reorder(ctx, order)
    if waiting is not None:
        return ReorderResult(waiting, duplicate=True)
    copy = Quote(
        kind=ORDER,
        status="requested",
        customer_id=order.customer_id,
        contact_id=ctx.user.id,
        sales_rep_id=order.sales_rep_id,
        requested_by_id=ctx.user.id,
        source_id=order.id,
        customer_po=customer_po,
        notes="",
        **{field: getattr(order, field) for field in COPIED},
    )
    lines = [
        QuoteLine(
            customer_id=order.customer_id,
            position=line.position,
            item=line.item,
            description=line.description,
            quantity=line.quantity,
            unit_price_minor=line.unit_price_minor,
            taxable=line.taxable,
            status="open",
            needs_approval=line.needs_approval,
        )
        for line in await load_lines(ctx, order)
        if line.status != "declined"
    ]
    apply_totals(copy, lines)
    copy.awaiting_approval = False  # the vendor prices and quotes it before the customer approves
    await _insert_numbered(ctx, copy)
    for line in lines:
        line.quote_id = copy.id
    ctx.db.add_all(lines)
    await ctx.db.flush()
    await notify_vendor(ctx, "quotes.reorder_requested", copy, source_number=order.number, lines=len(lines))
    return ReorderResult(copy, duplicate=False)


async def _insert_numbered(ctx: RequestContext, order: Quote, attempts: int = 5) -> None:
    """Insert with the vendor's next "SO-" number. Two reorders of different orders at the same
    instant can pick the same number on PostgreSQL: the loser retries inside a savepoint.
    (SQLite writes one transaction at a time, so there the number is always free.)"""
    postgres = ctx.portico.engine.dialect.name == "postgresql"
    for attempt in range(attempts):
        order.number = await next_number(ctx.db, Quote.number, "SO-", ctx.tenant.id, Quote.kind == ORDER)
        order.created_at = order.updated_at = utcnow()
        if not postgres:
            ctx.db.add(order)
            await ctx.db.flush()
            return
        try:
            async with ctx.db.begin_nested():
                ctx.db.add(order)
                await ctx.db.flush()
            return
        except IntegrityError:
            if attempt == attempts - 1:
                raise
