"""Telling the vendor what a customer did: change requests, reorders and approvals, by email."""

from __future__ import annotations

import logging
import re
from typing import Any

from core import Customer, MailError, RequestContext, User, send_email
from plugins.quotes.models import Quote
from plugins.quotes.portal.visibility import BASE_URL, MODULE

log = logging.getLogger(__name__)


async def vendor_recipients(ctx: RequestContext, quote: Quote) -> list[str]:
    """The module's ``notify_email`` when set, else the record's sales rep, else the vendor's contact email."""
    configured = str(ctx.module_settings(MODULE).get("notify_email") or "")
    addresses = [a for a in re.split(r"[,;\s]+", configured) if a]
    if addresses:
        return addresses
    if quote.sales_rep_id is not None:
        rep = await ctx.db.get(User, quote.sales_rep_id)
        if rep is not None and rep.active and rep.email:
            return [rep.email]
    return [ctx.branding.contact_email] if ctx.branding.contact_email else []


def record_link(ctx: RequestContext, quote: Quote) -> str:
    return ctx.portal_url(f"{BASE_URL[quote.kind]}/{quote.id}")


async def notify_vendor(ctx: RequestContext, template: str, quote: Quote, **values: Any) -> None:
    """Queue ``template`` to the vendor's people about ``quote`` (sent after the commit).

    The customer's action stands even when the vendor's address is unusable: the problem is
    logged (and the vendor sees the failed message in the outbox), never shown as the customer's error.
    """
    to = await vendor_recipients(ctx, quote)
    if not to or ctx.user is None:
        log.warning("quotes: no address to notify about %s %s (set notify_email)", quote.kind, quote.number)
        return
    account = await ctx.db.get(Customer, quote.customer_id)
    context = {
        "number": quote.number,
        "name": quote.name,
        "kind": ctx._("Quote") if quote.kind == "quote" else ctx._("Order"),
        "customer": account.name if account else "",
        "contact": ctx.user.display_name,
        "contact_address": ctx.user.email,
        "link": record_link(ctx, quote),
        **values,
    }
    try:
        await send_email(ctx, template, to=to, context=context, reply_to=ctx.user.email)
    except MailError:
        log.exception("quotes: could not queue %s to %s", template, to)
