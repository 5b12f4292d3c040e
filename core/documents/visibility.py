"""What a customer may see: a record reaches the portal only once its document has been sent.

Plugins add :func:`published_filter` to every list, detail, count and search query of a record
kind they publish as a document; vendor staff (and API integrations) see everything.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import ColumnElement, select, true

from core.context import RequestContext
from core.documents.models import Publication


def published_filter(ctx: RequestContext, key: str, model: type[Any]) -> ColumnElement[bool]:
    """A WHERE clause: for a customer contact, only records sent to their account as ``key``.

    ``select(Quote).where(core.published_filter(ctx, "quotes.quote", Quote))``. The publication
    must have gone to the account the record belongs to now, so a record moved to another
    customer is not shown there on the strength of the old sending.
    """
    if not ctx.is_contact:
        return true()
    record_id = model.__mapper__.primary_key[0]
    return (
        select(Publication.id)
        .where(
            Publication.tenant_id == ctx.tenant.id,
            Publication.doc_type == key,
            Publication.record_id == record_id,
            Publication.customer_id == model.customer_id,
        )
        .exists()
    )


async def is_published(ctx: RequestContext, key: str, record_id: int) -> bool:
    """Whether ``record_id`` has been sent as ``key`` (to an account this user can see)."""
    return await latest_publication(ctx, key, record_id) is not None


async def latest_publication(ctx: RequestContext, key: str, record_id: int) -> Publication | None:
    """The last sending of ``record_id`` as ``key``: the snapshot customers download."""
    return await ctx.db.scalar(
        select(Publication)
        .where(Publication.doc_type == key, Publication.record_id == record_id)
        .order_by(Publication.version.desc())
        .limit(1)
    )


async def latest_publications(ctx: RequestContext, key: str, record_ids: Iterable[int]) -> dict[int, Publication]:
    """The last sending of each of ``record_ids``, in one query (for "Sent on" columns of lists)."""
    ids = list(record_ids)
    if not ids:
        return {}
    rows = await ctx.db.scalars(
        select(Publication)
        .where(Publication.doc_type == key, Publication.record_id.in_(ids))
        .order_by(Publication.record_id, Publication.version)
    )
    return {row.record_id: row for row in rows}  # later versions overwrite earlier ones


async def publication_history(ctx: RequestContext, key: str, record_id: int) -> list[Publication]:
    """Every sending of ``record_id`` as ``key``, newest first."""
    rows = await ctx.db.scalars(
        select(Publication)
        .where(Publication.doc_type == key, Publication.record_id == record_id)
        .order_by(Publication.version.desc())
    )
    return list(rows)
