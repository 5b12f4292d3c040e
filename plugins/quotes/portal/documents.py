"""The quote's and the order's PDF: what the template gets besides the record and the branding."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from core import Customer, RequestContext, User
from plugins.quotes.models import ORDER, STATUSES, PaymentInstallment, Quote
from plugins.quotes.portal.detail import load_lines


async def pdf_context(ctx: RequestContext, quote: Quote) -> dict[str, Any]:
    lines = await load_lines(ctx, quote)
    payments = list(
        await ctx.db.scalars(
            select(PaymentInstallment)
            .where(PaymentInstallment.quote_id == quote.id)
            .order_by(PaymentInstallment.position, PaymentInstallment.id)
        )
    )
    people_ids = {i for i in (quote.contact_id, quote.sales_rep_id) if i}
    people = {u.id: u for u in await ctx.db.scalars(select(User).where(User.id.in_(people_ids)))} if people_ids else {}
    contact = people.get(quote.contact_id) if quote.contact_id else None
    rep = people.get(quote.sales_rep_id) if quote.sales_rep_id else None
    return {
        "q": quote,
        "is_order": quote.kind == ORDER,
        "status_label": STATUSES[quote.kind].get(quote.status, quote.status),
        "lines": lines,
        "payments": payments,
        "account": await ctx.db.get(Customer, quote.customer_id),
        "contact": contact.display_name if contact else "",
        "sales_rep": rep.display_name if rep else "",
    }


def quote_filename(quote: Quote) -> str:
    return f"quote-{quote.number}.pdf"


def order_filename(quote: Quote) -> str:
    return f"order-{quote.number}.pdf"
