"""A customer's request to change a quote or order: stored for the vendor and emailed to them."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from core import N_, RequestContext
from plugins.quotes.models import ChangeRequest, Quote
from plugins.quotes.portal.locking import hold
from plugins.quotes.portal.notify import notify_vendor

MAX_MESSAGE = 5000


def message_problem(message: str) -> str | None:
    """The msgid of what is wrong with the typed request, or None."""
    if not message.strip():
        return N_("Describe the change you would like.")
    if len(message) > MAX_MESSAGE:
        return N_("Keep the request under 5000 characters.")
    return None


@dataclass(frozen=True)
class ChangeResult:
    change: ChangeRequest | None
    #: True when this submission had been recorded before (a double click): nothing new was made.
    duplicate: bool


async def request_change(ctx: RequestContext, quote: Quote, message: str, submission_key: str) -> ChangeResult:
    """Record the request (status "open") and email the vendor. The caller checked the message and commits."""
    assert ctx.user is not None
    await hold(ctx, quote.id)
    if submission_key:
        earlier = await ctx.db.scalar(select(ChangeRequest).where(ChangeRequest.submission_key == submission_key))
        if earlier is not None:
            return ChangeResult(earlier, duplicate=True)
    change = ChangeRequest(
        customer_id=quote.customer_id,
        quote_id=quote.id,
        user_id=ctx.user.id,
        message=message.strip(),
        status="open",
        submission_key=submission_key or None,
    )
    ctx.db.add(change)
    await ctx.db.flush()
    await notify_vendor(ctx, "quotes.change_requested", quote, message=change.message)
    return ChangeResult(change, duplicate=False)
