"""The "Recent" list: records a user opened, most recent first."""

from __future__ import annotations

from sqlalchemy import delete, select

from core.context import RequestContext
from core.db import utcnow
from core.models import RecentItem

KEEP = 50


async def record_recent(ctx: RequestContext, *, title: str, url: str, kind: str = "") -> None:
    """Note that the current user opened a record. Call it from a detail page handler."""
    if ctx.user is None:
        return
    item = await ctx.db.scalar(select(RecentItem).where(RecentItem.user_id == ctx.user.id, RecentItem.url == url))
    if item is None:
        ctx.db.add(RecentItem(user_id=ctx.user.id, url=url, title=title[:300], kind=kind[:100]))
    else:
        item.title, item.kind, item.opened_at = title[:300], kind[:100], utcnow()
    await ctx.db.flush()
    old = (
        select(RecentItem.id)
        .where(RecentItem.user_id == ctx.user.id)
        .order_by(RecentItem.opened_at.desc())
        .offset(KEEP)
    )
    stale = list((await ctx.db.execute(old)).scalars())
    if stale:
        await ctx.db.execute(delete(RecentItem).where(RecentItem.id.in_(stale)))
    await ctx.db.commit()


async def recent_items(ctx: RequestContext, limit: int = 20) -> list[RecentItem]:
    if ctx.user is None:
        return []
    rows = await ctx.db.execute(
        select(RecentItem).where(RecentItem.user_id == ctx.user.id).order_by(RecentItem.opened_at.desc()).limit(limit)
    )
    return list(rows.scalars())
