"""One customer action on a record at a time.

The first statement of an action touches the record's row: PostgreSQL then holds that row's lock
and SQLite (which writes one transaction at a time) its write lock until the commit, so a second
action on the same record waits and then reads what the first one committed. Submission keys and
"already approved" checks made after it cannot race.
"""

from __future__ import annotations

from sqlalchemy import update

from core import RequestContext, utcnow
from plugins.quotes.models import Quote


async def hold(ctx: RequestContext, quote_id: int) -> None:
    await ctx.db.execute(
        update(Quote)
        .where(Quote.id == quote_id)
        .values(updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
