"""Approving lines of a quote or order: one, several, or all that wait for the customer.

Counted once however often the form is submitted (its submission key), and once however many
contacts approve at the same moment: the lines are marked by a conditional UPDATE
(``WHERE approved_at IS NULL``) whose row count says what this request actually approved.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import select, update

from core import RequestContext, format_money, utcnow
from plugins.quotes.models import APPROVABLE_STATUSES, Approval, Quote, QuoteLine
from plugins.quotes.portal.detail import load_lines
from plugins.quotes.portal.locking import hold
from plugins.quotes.portal.notify import notify_vendor
from plugins.quotes.pricing import apply_totals

Outcome = Literal["approved", "already_recorded", "already_approved", "closed"]


@dataclass(frozen=True)
class ApprovalResult:
    outcome: Outcome
    approval: Approval | None = None
    #: Lines this request approved, and lines asked for that someone had approved already.
    approved: int = 0
    skipped: int = 0
    #: Whether the whole record is approved now.
    completed: bool = False


async def approve_lines(
    ctx: RequestContext,
    quote: Quote,
    line_ids: Collection[int],
    *,
    typed_name: str,
    terms_text: str,
    submission_key: str,
) -> ApprovalResult:
    """Approve ``line_ids`` of ``quote`` for the signed-in contact. The caller commits.

    ``quote`` must be visible to the user (checked by the caller); lines of another record in
    ``line_ids`` are ignored.
    """
    assert ctx.user is not None
    await hold(ctx, quote.id)
    await ctx.db.refresh(quote)  # what a concurrent approval committed while we waited
    if submission_key and await ctx.db.scalar(select(Approval.id).where(Approval.submission_key == submission_key)):
        return ApprovalResult("already_recorded")
    if quote.status not in APPROVABLE_STATUSES[quote.kind]:
        # Approved meanwhile (another contact's approval took the last lines) or closed by the vendor.
        return ApprovalResult("already_approved" if quote.status == "approved" else "closed")
    now = utcnow()
    approval = Approval(
        customer_id=quote.customer_id,
        quote_id=quote.id,
        user_id=ctx.user.id,
        approved_at=now,
        typed_name=typed_name,
        terms_text=terms_text,
        submission_key=submission_key or None,
    )
    ctx.db.add(approval)
    await ctx.db.flush()
    marked = await ctx.db.execute(
        update(QuoteLine)
        .where(
            QuoteLine.quote_id == quote.id,
            QuoteLine.id.in_(list(line_ids)),
            QuoteLine.needs_approval.is_(True),
            QuoteLine.approved_at.is_(None),
            QuoteLine.status != "declined",
        )
        .values(approved_at=now, status="approved", approval_id=approval.id)
        .execution_options(synchronize_session=False)
    )
    count = marked.rowcount  # type: ignore[attr-defined]
    if not count:
        await ctx.db.delete(approval)
        await ctx.db.flush()
        return ApprovalResult("already_approved", skipped=len(line_ids))
    lines = await load_lines(ctx, quote)
    apply_totals(quote, lines)
    approval.line_count = count
    approval.amount_minor = sum(line.amount_minor for line in lines if line.approval_id == approval.id)
    completed = not quote.awaiting_approval
    if completed:
        quote.status = "approved"
        quote.approved_at = now
    await notify_vendor(
        ctx,
        "quotes.approved",
        quote,
        lines=count,
        amount=format_money(approval.amount_minor, quote.currency),
        typed_name=typed_name,
        fully_approved=completed,
    )
    return ApprovalResult("approved", approval, approved=count, skipped=len(line_ids) - count, completed=completed)
