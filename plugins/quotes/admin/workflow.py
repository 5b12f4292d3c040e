"""Moving records on: a quote becomes an order, a change request gets its answer, a status changes."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core import N_, utcnow
from plugins.quotes.admin.editing import lines_of, recompute, suggested_number
from plugins.quotes.admin.fields import Problem
from plugins.quotes.models import ORDER, QUOTE, STATUSES, ChangeRequest, Quote, QuoteLine

#: Fields an order made from a quote takes over as they are.
COPIED = (
    "name",
    "customer_id",
    "contact_id",
    "sales_rep_id",
    "bill_to",
    "ship_to",
    "customer_po",
    "currency",
    "terms",
    "notes",
    "shipping_minor",
    "tax_rate_bp",
    "approved_at",
)
CHANGE_STATUSES = ("open", "resolved")


def approved_lines(lines: list[QuoteLine]) -> list[QuoteLine]:
    return [line for line in lines if line.status == "approved" or (line.approved_at and line.status != "declined")]


async def order_made_from(db: AsyncSession, quote: Quote) -> Quote | None:
    return await db.scalar(
        select(Quote).where(Quote.kind == ORDER, Quote.source_id == quote.id).order_by(Quote.id).limit(1)
    )


async def convert_to_order(db: AsyncSession, tenant_id: int, quote: Quote) -> tuple[Quote, bool]:
    """The order made from an approved quote, and whether this call made it.

    The quote is claimed by one conditional UPDATE (approved → ordered), so two clicks or two
    admins at the same instant make one order; the later ones get the existing order back.
    """
    if quote.kind != QUOTE:
        raise Problem("kind", N_("Only a quote can be turned into an order."))
    existing = await order_made_from(db, quote)
    if existing is not None:
        return existing, False
    if quote.status != "approved":
        raise Problem("status", N_("Only an approved quote can be turned into an order."), status=409)
    lines = approved_lines(await lines_of(db, quote.id))
    if not lines:
        raise Problem("lines", N_("The quote has no approved lines."), status=409)
    claimed = await db.execute(
        update(Quote)
        .where(Quote.id == quote.id, Quote.status == "approved")
        .values(status="ordered", updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        await db.refresh(quote)
        existing = await order_made_from(db, quote)
        if existing is None:
            raise Problem("status", N_("Only an approved quote can be turned into an order."), status=409)
        return existing, False
    quote.status = "ordered"
    order = Quote(
        kind=ORDER, status="approved", source_id=quote.id, number=await suggested_number(db, tenant_id, ORDER)
    )
    for name in COPIED:
        setattr(order, name, getattr(quote, name))
    db.add(order)
    await db.flush()
    for position, line in enumerate(lines, start=1):
        db.add(
            QuoteLine(
                quote_id=order.id,
                customer_id=order.customer_id,
                position=position,
                item=line.item,
                description=line.description,
                quantity=line.quantity,
                unit_price_minor=line.unit_price_minor,
                taxable=line.taxable,
                status="approved",
                needs_approval=line.needs_approval,
                approved_at=line.approved_at or utcnow(),
                approval_id=line.approval_id,
            )
        )
    await recompute(db, order)
    return order, True


def set_status(quote: Quote, status: str) -> None:
    if status not in STATUSES[quote.kind]:
        raise Problem("status", N_("Choose one of: {choices}."), choices=", ".join(STATUSES[quote.kind]))
    quote.status = status
    if status == "approved" and quote.approved_at is None:
        quote.approved_at = utcnow()
    if status == "completed" and quote.completed_on is None:
        quote.completed_on = utcnow().date()


def answer_change_request(change: ChangeRequest, response: str, status: str) -> None:
    """The vendor's answer; resolving needs one, so the customer learns what was done."""
    response = response.strip()
    if len(response) > 10000:
        raise Problem("response", N_("Use at most {limit} characters."), limit=10000)
    if status not in CHANGE_STATUSES:
        raise Problem("status", N_("Choose one of: {choices}."), choices=", ".join(CHANGE_STATUSES))
    if status == "resolved" and not response:
        raise Problem("response", N_("Write what was done before resolving the request."))
    change.response = response
    if status == "resolved" and change.status != "resolved":
        change.resolved_at = utcnow()
    elif status == "open":
        change.resolved_at = None
    change.status = status
