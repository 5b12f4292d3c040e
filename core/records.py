"""Finding a plugin's record by its type key and id, as the user in front of us may see it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, select, true

from core.context import RequestContext
from core.declarations import RecordType
from core.integers import MAX_INT as MAX_ID


def record_type(ctx: RequestContext, key: str) -> RecordType | None:
    """The declared type ``key`` if its module is on for this tenant and the user may see such records."""
    kind = ctx.portico.plugins.record_types.get(key)
    if kind is None or not ctx.state.is_enabled(kind.module):
        return None
    if ctx.can(kind.permission) or staff_reach(ctx, kind):
        return kind
    return None


def staff_reach(ctx: RequestContext, kind: RecordType) -> bool:
    """Whether this user is vendor staff holding the type's ``staff_permission``, which opens its
    records (and their comments, files and documents) without the customers' ``permission``."""
    return bool(kind.staff_permission) and ctx.is_staff and ctx.can(kind.staff_permission)


def visible_records(ctx: RequestContext, kind: RecordType) -> Select[Any]:
    """``SELECT`` of the records of ``kind`` this user may see: scoped, and the type's own filter."""
    condition: ColumnElement[bool] = kind.visible(ctx) if kind.visible is not None else true()
    return select(kind.model).where(condition)


async def load_record(ctx: RequestContext, key: str, record_id: int) -> tuple[RecordType, Any] | None:
    """The record and its type, or None when it does not exist *for this user* (answer 404).

    The query runs through the scoped session: another vendor's rows and, for a contact, rows of
    accounts outside their own subtree are never found; nor are rows the type's ``visible``
    filter hides from this user (a quote not sent yet).
    """
    kind = record_type(ctx, key)
    if kind is None or not 0 < record_id <= MAX_ID:
        return None
    primary_key = kind.model.__mapper__.primary_key[0]
    row = await ctx.db.scalar(visible_records(ctx, kind).where(primary_key == record_id))
    return (kind, row) if row is not None else None
