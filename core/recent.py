"""The "Recent" list: records a user opened, most recent first."""

from __future__ import annotations

import logging

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from core.context import RequestContext
from core.db import Scope, set_scope, utcnow
from core.models import RecentItem

KEEP = 50
log = logging.getLogger("portico.recent")


async def record_recent(ctx: RequestContext, *, title: str, url: str, kind: str = "") -> None:
    """Note that the current user opened a record. Call it from a detail page handler.

    It writes in a session of its own, as one upsert, so that two tabs opening the same record
    at once cannot collide, and the page's own transaction is neither committed nor disturbed.
    A failure here is logged and never breaks the page.
    """
    if ctx.user is None:
        return
    try:
        async with ctx.portico.sessionmaker() as db:
            set_scope(db, Scope(ctx.tenant.id))
            dialect = ctx.portico.engine.dialect.name
            insert = pg_insert if dialect == "postgresql" else sqlite_insert
            now = utcnow()
            values = {
                "tenant_id": ctx.tenant.id,
                "user_id": ctx.user.id,
                "url": url[:500],
                "title": title[:300],
                "kind": kind[:100],
                "opened_at": now,
            }
            statement = insert(RecentItem).values(**values)
            await db.execute(
                statement.on_conflict_do_update(
                    index_elements=["user_id", "url"],
                    set_={"title": values["title"], "kind": values["kind"], "opened_at": now},
                )
            )
            stale = (
                select(RecentItem.id)
                .where(RecentItem.user_id == ctx.user.id)
                .order_by(RecentItem.opened_at.desc())
                .offset(KEEP)
            )
            old = list((await db.execute(stale)).scalars())
            if old:
                await db.execute(delete(RecentItem).where(RecentItem.id.in_(old)))
            await db.commit()
    except Exception:
        log.exception("could not record %s in the recent list of user %s", url, ctx.user.id)


async def recent_items(ctx: RequestContext, limit: int = 20) -> list[RecentItem]:
    if ctx.user is None:
        return []
    rows = await ctx.db.execute(
        select(RecentItem).where(RecentItem.user_id == ctx.user.id).order_by(RecentItem.opened_at.desc()).limit(limit)
    )
    return list(rows.scalars())
