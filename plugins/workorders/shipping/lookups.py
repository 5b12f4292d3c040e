"""Numbers of linked records for lists and detail pages, fetched with one IN query per kind."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select

from core import RequestContext


async def numbers_by_id(
    ctx: RequestContext, model: type[Any], ids: Iterable[int | None], *where: Any
) -> dict[int, str]:
    """{id: number} of the ``model`` rows among ``ids`` this user may see (``where`` narrows more)."""
    wanted = sorted({record_id for record_id in ids if record_id})
    if not wanted:
        return {}
    rows = await ctx.db.execute(select(model.id, model.number).where(model.id.in_(wanted), *where))
    return {record_id: number for record_id, number in rows.all()}
