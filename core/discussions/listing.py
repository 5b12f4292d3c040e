"""Reading threads: the list with its filters, the unread count, record links, threads of a record."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import and_, func, or_, select

from core.context import RequestContext
from core.discussions.access import VIEW, visibility, visible_threads
from core.discussions.models import DiscussionParticipant, DiscussionThread
from core.discussions.posting import RecordLink
from core.integers import MAX_INT as MAX_ID
from core.models import Customer
from core.records import record_type, visible_records

FILTERS = ("all", "unread", "archived")
LIST_LIMIT = 200


@dataclass(frozen=True)
class ThreadRow:
    """One line of the list: the thread, its account, and where this user stands in it."""

    thread: DiscussionThread
    account: str
    participant: bool
    unread: bool
    archived: bool
    record: RecordLink | None = None

    @property
    def last_post_at(self) -> dt.datetime:
        return self.thread.last_post_at


def _mine(ctx: RequestContext) -> object:
    assert ctx.user is not None
    return and_(DiscussionParticipant.thread_id == DiscussionThread.id, DiscussionParticipant.user_id == ctx.user.id)


def _unread() -> object:
    return and_(
        DiscussionParticipant.id.is_not(None), DiscussionThread.last_post_id > DiscussionParticipant.last_read_post_id
    )


async def list_threads(ctx: RequestContext, shown: str = "all", search: str = "") -> list[ThreadRow]:
    """The threads this user sees, newest activity first, in one query plus one per record type."""
    query = (
        select(
            DiscussionThread,
            Customer.name,
            DiscussionParticipant.id,
            DiscussionParticipant.last_read_post_id,
            DiscussionParticipant.archived,
        )
        .join(Customer, Customer.id == DiscussionThread.customer_id)
        .outerjoin(DiscussionParticipant, _mine(ctx))  # type: ignore[arg-type]
        .where(*visibility(ctx))
        .order_by(DiscussionThread.last_post_at.desc(), DiscussionThread.id.desc())
        .limit(LIST_LIMIT)
    )
    if shown == "archived":
        query = query.where(DiscussionParticipant.archived.is_(True))
    else:
        query = query.where(or_(DiscussionParticipant.id.is_(None), DiscussionParticipant.archived.is_(False)))
    if shown == "unread":
        query = query.where(_unread())  # type: ignore[arg-type]
    if search.strip():
        query = query.where(func.lower(DiscussionThread.subject).contains(search.strip().lower(), autoescape=True))
    rows = [
        ThreadRow(
            thread=thread,
            account=account,
            participant=participant_id is not None,
            unread=participant_id is not None and thread.last_post_id > (last_read or 0),
            archived=bool(archived),
        )
        for thread, account, participant_id, last_read, archived in (await ctx.db.execute(query)).all()
    ]
    links = await record_links(ctx, [row.thread for row in rows])
    return [ThreadRow(r.thread, r.account, r.participant, r.unread, r.archived, links.get(r.thread.id)) for r in rows]


async def unread_count(ctx: RequestContext) -> int | None:
    """Threads with posts this user has not read (archived ones aside): the menu badge."""
    if ctx.user is None:
        return None
    count = await ctx.db.scalar(
        select(func.count(DiscussionThread.id))
        .join(DiscussionParticipant, _mine(ctx))  # type: ignore[arg-type]
        .where(DiscussionParticipant.archived.is_(False), _unread(), *visibility(ctx))  # type: ignore[arg-type]
    )
    return count or None


async def record_links(ctx: RequestContext, threads: Iterable[DiscussionThread]) -> dict[int, RecordLink]:
    """The linked record of each thread, as this user may see it: one query per record type.

    A record the user may not see (another module switched off, no permission, gone) gives no link.
    """
    wanted: dict[str, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
    for thread in threads:
        if thread.record_type and thread.record_id:
            wanted[thread.record_type][thread.record_id].append(thread.id)
    links: dict[int, RecordLink] = {}
    for key, by_record in wanted.items():
        kind = record_type(ctx, key)
        if kind is None:
            continue
        primary_key = kind.model.__mapper__.primary_key[0]
        rows = await ctx.db.execute(visible_records(ctx, kind).where(primary_key.in_(list(by_record))))
        for row in rows.scalars():
            record_id = getattr(row, primary_key.key)
            link = RecordLink(key, record_id, kind.title(row), kind.url(row))
            links.update({thread_id: link for thread_id in by_record.get(record_id, [])})
    return links


async def threads_for_record(ctx: RequestContext, record_type: str, record_id: int) -> list[DiscussionThread]:
    """The discussions about one record that the current user may see, newest activity first.

    For a plugin's record page: pass the result to the ``discussions_about`` macro of
    ``core/discussions/macros.html``. Internal threads are left out for customer contacts.
    """
    if not ctx.can(VIEW) or not 0 < record_id <= MAX_ID:
        return []
    rows = await ctx.db.execute(
        visible_threads(ctx)
        .where(DiscussionThread.record_type == record_type, DiscussionThread.record_id == record_id)
        .order_by(DiscussionThread.last_post_at.desc(), DiscussionThread.id.desc())
        .limit(50)
    )
    return list(rows.scalars())
