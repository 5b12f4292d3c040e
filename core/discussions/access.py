"""Who sees which thread: the one place that decides it, for lists, counts, pages and helpers."""

from __future__ import annotations

from sqlalchemy import ColumnElement, Select, exists, select
from sqlalchemy.orm import aliased

from core.context import RequestContext
from core.discussions.models import DiscussionParticipant, DiscussionThread

VIEW = "core.discussions"
STAFF = "core.discussions.staff"


def sees_every_thread(ctx: RequestContext) -> bool:
    """Staff holding the staff permission see every thread of every account, internal ones too."""
    return ctx.is_staff and ctx.can(STAFF)


def visibility(ctx: RequestContext) -> list[ColumnElement[bool]]:
    """Conditions on :class:`DiscussionThread` for the user in front of us.

    Everyone else sees the threads they take part in; a customer contact never sees an internal
    one (even if they were a participant before it was marked internal). The account scope of a
    contact is added by the session on top of this.
    """
    if ctx.user is None or not ctx.can(VIEW):
        return [DiscussionThread.id.is_(None)]
    if sees_every_thread(ctx):
        return []
    # An alias, so that a query which also joins the participant table keeps its own.
    participant = aliased(DiscussionParticipant)
    taking_part = exists().where(participant.thread_id == DiscussionThread.id, participant.user_id == ctx.user.id)
    conditions: list[ColumnElement[bool]] = [taking_part]
    if not ctx.is_staff:
        conditions.append(DiscussionThread.internal.is_(False))
    return conditions


def visible_threads(ctx: RequestContext) -> Select[DiscussionThread]:
    return select(DiscussionThread).where(*visibility(ctx))


async def load_thread(ctx: RequestContext, thread_id: int) -> DiscussionThread | None:
    """The thread if this user may see it, else None (the page answers 404)."""
    if not 0 < thread_id < 2**31:
        return None
    return await ctx.db.scalar(visible_threads(ctx).where(DiscussionThread.id == thread_id))


async def my_participation(ctx: RequestContext, thread_id: int) -> DiscussionParticipant | None:
    assert ctx.user is not None
    return await ctx.db.scalar(
        select(DiscussionParticipant).where(
            DiscussionParticipant.thread_id == thread_id, DiscussionParticipant.user_id == ctx.user.id
        )
    )
