"""Two requests writing the same rows at the same instant (a double click, two staff at once).

PostgreSQL makes the later writer wait, then fail a unique constraint or find the row changed.
SQLite (WAL) instead refuses at once ("database is locked") a write from a transaction whose
reads began before another request committed; that transaction can still end cleanly, and a
fresh one then sees what the other request did.
"""

from __future__ import annotations

from sqlalchemy.exc import OperationalError

from core import RequestContext


def stale_sqlite_snapshot(ctx: RequestContext, error: Exception) -> bool:
    return (
        isinstance(error, OperationalError)
        and ctx.portico.engine.dialect.name == "sqlite"
        and "locked" in str(error.orig).lower()
    )


async def start_afresh(ctx: RequestContext) -> None:
    """End the transaction (it has written nothing yet) so the next statement sees the latest rows."""
    await ctx.db.commit()
