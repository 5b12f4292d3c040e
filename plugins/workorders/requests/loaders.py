"""What the kernel awaits per page: menu badges, the action items and the open-requests counter."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select

from core import ActionItem, RequestContext
from plugins.workorders.models import WorkRequest
from plugins.workorders.requests.listing import open_counts


async def waiting_for_customer(ctx: RequestContext) -> int | None:
    """The customer's badge: their requests that wait for an answer."""
    if ctx.is_staff:
        return None
    return await ctx.db.scalar(select(func.count(WorkRequest.id)).where(WorkRequest.status == "needs_info")) or None


async def new_requests(ctx: RequestContext) -> int | None:
    """The vendor's badge: requests nobody has looked at yet."""
    return await ctx.db.scalar(select(func.count(WorkRequest.id)).where(WorkRequest.status == "submitted")) or None


async def needs_information(ctx: RequestContext) -> list[ActionItem]:
    """A contact's requests on which the vendor asked a question (staff answer nothing here)."""
    if ctx.is_staff:
        return []
    rows = await ctx.db.scalars(
        select(WorkRequest).where(WorkRequest.status == "needs_info").order_by(WorkRequest.id).limit(100)
    )
    return [
        ActionItem(
            title=ctx._("Work request {number}", number=r.number),
            url=f"/workorders/requests/{r.id}",
            kind=ctx._("Work request"),
            detail=ctx._("A request needs more information"),
            due=r.preferred_on,
        )
        for r in rows
    ]


async def open_requests(ctx: RequestContext, customer_ids: Sequence[int]) -> dict[int, int]:
    return await open_counts(ctx, customer_ids)
