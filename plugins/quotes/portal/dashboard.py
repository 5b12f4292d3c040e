"""The portal's pieces around the pages: menu badges, dashboard widgets, action items, activity counts.

Each is one aggregate query over the records the user may see, whatever their number.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import ColumnElement, func, select

from core import ActionItem, RequestContext
from plugins.quotes.models import APPROVABLE_STATUSES, OPEN_STATUSES, ORDER, QUOTE, STATUSES, Quote
from plugins.quotes.portal.visibility import BASE_URL, VIEW_PERMISSION, visible

ACTION_ITEMS_SHOWN = 50
#: Counts of records awaiting approval stop here: a badge on every page must not scan thousands of
#: rows (the card then says "99+").
COUNT_CAP = 99


def _kinds(ctx: RequestContext) -> list[str]:
    return [kind for kind in (QUOTE, ORDER) if ctx.can(VIEW_PERMISSION[kind])]


def awaiting(ctx: RequestContext, kind: str) -> ColumnElement[bool]:
    """Records of ``kind`` waiting for the customer's approval (the "needs your action" marker)."""
    return visible(ctx, kind) & Quote.awaiting_approval.is_(True) & Quote.status.in_(APPROVABLE_STATUSES[kind])


async def capped_awaiting_count(ctx: RequestContext, kind: str) -> int:
    """How many records of ``kind`` await approval, counting at most ``COUNT_CAP + 1`` of them."""
    first = select(Quote.id).where(awaiting(ctx, kind)).limit(COUNT_CAP + 1).subquery()
    return await ctx.db.scalar(select(func.count()).select_from(first)) or 0


async def _awaiting_count(ctx: RequestContext, kind: str) -> int | None:
    # Only people who can approve are asked to act; for the others the badge would be noise.
    if not ctx.can("quotes.approve"):
        return None
    return min(await capped_awaiting_count(ctx, kind), COUNT_CAP) or None


async def quotes_badge(ctx: RequestContext) -> int | None:
    return await _awaiting_count(ctx, QUOTE)


async def orders_badge(ctx: RequestContext) -> int | None:
    return await _awaiting_count(ctx, ORDER)


async def needs_approval_widget(ctx: RequestContext) -> dict[str, Any]:
    """How many quotes and orders wait for approval, each linking to its pre-filtered list."""
    kinds = _kinds(ctx)
    counts = {kind: await capped_awaiting_count(ctx, kind) for kind in kinds}
    return {"counts": counts, "cap": COUNT_CAP, "links": {kind: f"{BASE_URL[kind]}?action=1" for kind in kinds}}


async def open_quotes_widget(ctx: RequestContext) -> dict[str, Any]:
    """Open quotes: how many, and their value per currency."""
    rows = await ctx.db.execute(
        select(Quote.currency, func.count(Quote.id), func.sum(Quote.total_minor))
        .where(visible(ctx, QUOTE), Quote.status.in_(OPEN_STATUSES[QUOTE]))
        .group_by(Quote.currency)
        .order_by(Quote.currency)
    )
    found = list(rows)
    values = [(currency, int(total or 0)) for currency, _count, total in found]
    count = sum(count for _currency, count, _total in found)
    return {"values": values, "count": count}


async def work_summary_widget(ctx: RequestContext) -> dict[str, Any]:
    """Records per kind and status, as far as this user sees them (one grouped query)."""
    kinds = _kinds(ctx)
    summary: dict[str, dict[str, int]] = {kind: {} for kind in kinds}
    if kinds:
        clause = visible(ctx, kinds[0]) if len(kinds) == 1 else visible(ctx, QUOTE) | visible(ctx, ORDER)
        rows = await ctx.db.execute(
            select(Quote.kind, Quote.status, func.count(Quote.id)).where(clause).group_by(Quote.kind, Quote.status)
        )
        for kind, status, count in rows:
            summary[kind][status] = count
    history = {kind: [s for s in STATUSES[kind] if s not in OPEN_STATUSES[kind]] for kind in kinds}
    return {"summary": summary, "links": BASE_URL, "labels": STATUSES, "history": history}


async def awaiting_action_items(ctx: RequestContext) -> list[ActionItem]:
    """Quotes and orders the contact should approve, oldest first (a bounded number)."""
    if not ctx.can("quotes.approve"):
        return []
    kinds = _kinds(ctx)
    if not kinds:
        return []
    clause = awaiting(ctx, kinds[0]) if len(kinds) == 1 else awaiting(ctx, QUOTE) | awaiting(ctx, ORDER)
    rows = await ctx.db.scalars(select(Quote).where(clause).order_by(Quote.id).limit(ACTION_ITEMS_SHOWN))
    return [
        ActionItem(
            title=f"{q.number} {q.name}".strip(),
            url=f"{BASE_URL[q.kind]}/{q.id}",
            kind="Quote" if q.kind == QUOTE else "Order",
            detail=ctx._("Approval needed"),
            due=q.valid_until if q.kind == QUOTE else q.target_date,
        )
        for q in rows
    ]


async def open_quotes_per_site(ctx: RequestContext, customer_ids: Sequence[int]) -> Mapping[int, int]:
    """Open quotes per customer account, for the sites lists (one query for all of them)."""
    if not customer_ids:
        return {}
    rows = await ctx.db.execute(
        select(Quote.customer_id, func.count(Quote.id))
        .where(visible(ctx, QUOTE), Quote.status.in_(OPEN_STATUSES[QUOTE]), Quote.customer_id.in_(list(customer_ids)))
        .group_by(Quote.customer_id)
    )
    return {customer_id: count for customer_id, count in rows}
