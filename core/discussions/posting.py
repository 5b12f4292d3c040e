"""Starting threads, replying, adding people, archiving: the rules and the notifications."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update

from core.context import RequestContext
from core.db import utcnow
from core.discussions.access import STAFF
from core.discussions.models import DiscussionParticipant, DiscussionPost, DiscussionThread
from core.i18n import N_
from core.integers import is_whole_number
from core.mail import send_email
from core.models import Customer, User
from core.records import load_record

REPLY_EMAIL = "core.discussion_reply"
SUBJECT_MAX = 200
BODY_MAX = 10_000
EXCERPT_MAX = 300


class DiscussionError(ValueError):
    """Input the rules refuse; the message is a msgid, translated where it is shown."""

    def __init__(self, msgid: str, field: str = "body") -> None:
        super().__init__(msgid)
        self.field = field


@dataclass(frozen=True)
class RecordLink:
    record_type: str
    record_id: int
    title: str
    url: str


def clean_subject(subject: str) -> str:
    subject = " ".join(subject.split())
    if not subject:
        raise DiscussionError(N_("Say in a few words what this is about."), "subject")
    if len(subject) > SUBJECT_MAX:
        raise DiscussionError(N_("Keep the subject under 200 characters."), "subject")
    return subject


def clean_body(body: str) -> str:
    body = body.strip().replace("\r\n", "\n")
    if not body:
        raise DiscussionError(N_("Write your message."), "body")
    if len(body) > BODY_MAX:
        raise DiscussionError(N_("Keep the message under 10000 characters."), "body")
    return body


def parse_ids(values: Iterable[str]) -> list[int]:
    ids = []
    for value in values:
        if not is_whole_number(value, low=1):
            raise DiscussionError(N_("Only contacts of this customer account can take part."), "participants")
        ids.append(int(value))
    return list(dict.fromkeys(ids))


async def account_contacts(ctx: RequestContext, customer_id: int) -> list[User]:
    rows = await ctx.db.execute(
        select(User)
        .where(User.customer_id == customer_id, User.active.is_(True))
        .order_by(User.first_name, User.last_name, User.id)
    )
    return list(rows.scalars())


async def staff_members(ctx: RequestContext) -> list[User]:
    rows = await ctx.db.execute(
        select(User).where(User.customer_id.is_(None), User.active.is_(True)).order_by(User.first_name, User.id)
    )
    return list(rows.scalars())


async def discussion_staff(ctx: RequestContext) -> list[User]:
    """ "The vendor's staff" as a group: the active staff whose role handles discussions."""
    return [u for u in await staff_members(ctx) if STAFF in ctx.state.permissions_of(u.role_id)]


async def choose_people(
    ctx: RequestContext, customer_id: int, ids: Sequence[int], *, staff_group: bool, internal: bool
) -> list[User]:
    """The people named by the form, checked against who this user may bring in.

    A contact brings in contacts of the thread's account and the vendor's staff as a group; staff
    bring in any contact of the account and any staff member. Nobody outside the account, ever.
    """
    chosen: dict[int, User] = {}
    if ids:
        found = {u.id: u for u in (await ctx.db.execute(select(User).where(User.id.in_(ids)))).scalars()}
        if set(ids) - set(found):
            raise DiscussionError(N_("Only contacts of this customer account can take part."), "participants")
        for user in found.values():
            if user.customer_id is None:
                if not ctx.is_staff:
                    raise DiscussionError(N_("Add the vendor's staff as a group, not one by one."), "participants")
            elif user.customer_id != customer_id or not user.active:
                raise DiscussionError(N_("Only contacts of this customer account can take part."), "participants")
            elif internal:
                raise DiscussionError(N_("Only staff take part in an internal discussion."), "participants")
            chosen[user.id] = user
    if staff_group:
        chosen.update({u.id: u for u in await discussion_staff(ctx)})
    return list(chosen.values())


async def check_account(ctx: RequestContext, customer_id: int | None) -> int:
    """The account a new thread concerns: a contact's own; for staff, one of the vendor's accounts."""
    assert ctx.user is not None
    if ctx.is_contact:
        if customer_id not in (None, ctx.user.customer_id):
            raise DiscussionError(N_("You can start discussions for your own account only."), "customer_id")
        assert ctx.user.customer_id is not None
        return ctx.user.customer_id
    if customer_id is None or not 0 < customer_id < 2**31 or await ctx.db.get(Customer, customer_id) is None:
        raise DiscussionError(N_("Choose the customer account this discussion concerns."), "customer_id")
    return customer_id


async def check_record(ctx: RequestContext, key: str, record_id: int, customer_id: int) -> RecordLink:
    """A record the user may see, of the thread's own account (when the record has one)."""
    found = await load_record(ctx, key, record_id)
    if found is None:
        raise DiscussionError(N_("That record cannot be found."), "record")
    kind, row = found
    owner = getattr(row, "customer_id", None)
    if owner is not None and owner != customer_id:
        raise DiscussionError(N_("That record belongs to another customer account."), "record")
    return RecordLink(key, record_id, kind.title(row), kind.url(row))


async def start_thread(
    ctx: RequestContext,
    *,
    customer_id: int,
    subject: str,
    body: str,
    people: Sequence[User],
    internal: bool = False,
    record: RecordLink | None = None,
) -> DiscussionThread:
    """A new thread with its first post, everyone notified but the author."""
    assert ctx.user is not None
    thread = DiscussionThread(
        customer_id=customer_id,
        subject=subject,
        internal=internal and ctx.is_staff,
        record_type=record.record_type if record else None,
        record_id=record.record_id if record else None,
        created_by=ctx.user.id,
    )
    ctx.db.add(thread)
    await ctx.db.flush()
    await add_people(ctx, thread, [ctx.user, *people])
    await post_reply(ctx, thread, body)
    return thread


async def add_people(ctx: RequestContext, thread: DiscussionThread, people: Iterable[User]) -> list[User]:
    """Add whoever is not in the thread yet; returns those added."""
    present = set(
        (
            await ctx.db.execute(
                select(DiscussionParticipant.user_id).where(DiscussionParticipant.thread_id == thread.id)
            )
        ).scalars()
    )
    added = []
    for user in people:
        if user.id in present:
            continue
        present.add(user.id)
        # Newcomers have read nothing yet: the thread shows unread until they open it.
        ctx.db.add(DiscussionParticipant(thread_id=thread.id, user_id=user.id))
        added.append(user)
    await ctx.db.flush()
    return added


async def post_reply(ctx: RequestContext, thread: DiscussionThread, body: str) -> DiscussionPost:
    """Add a post; staff who reply join the thread. The post un-archives the thread for the
    others (the conversation comes back to their list) and is read by its author."""
    assert ctx.user is not None
    post = DiscussionPost(thread_id=thread.id, author_id=ctx.user.id, body=body)
    ctx.db.add(post)
    await ctx.db.flush()
    thread.last_post_id = post.id
    thread.last_post_at = utcnow()
    mine = await ctx.db.scalar(
        select(DiscussionParticipant).where(
            DiscussionParticipant.thread_id == thread.id, DiscussionParticipant.user_id == ctx.user.id
        )
    )
    if mine is None:
        mine = DiscussionParticipant(thread_id=thread.id, user_id=ctx.user.id)
        ctx.db.add(mine)
    mine.last_read_post_id = post.id
    await ctx.db.execute(
        update(DiscussionParticipant)
        .where(DiscussionParticipant.thread_id == thread.id, DiscussionParticipant.user_id != ctx.user.id)
        .values(archived=False)
        .execution_options(synchronize_session=False)
    )
    await notify(ctx, thread, post)
    return post


async def recipients(ctx: RequestContext, thread: DiscussionThread) -> list[User]:
    """Everyone in the thread but the author; for an internal thread, staff only."""
    assert ctx.user is not None
    query = (
        select(User)
        .join(DiscussionParticipant, DiscussionParticipant.user_id == User.id)
        .where(DiscussionParticipant.thread_id == thread.id, User.id != ctx.user.id, User.active.is_(True))
        .order_by(User.id)
    )
    if thread.internal:
        query = query.where(User.customer_id.is_(None))
    return list((await ctx.db.execute(query)).scalars())


def excerpt(body: str) -> str:
    text = " ".join(body.split())
    return text if len(text) <= EXCERPT_MAX else text[: EXCERPT_MAX - 1].rstrip() + "…"


async def notify(ctx: RequestContext, thread: DiscussionThread, post: DiscussionPost) -> None:
    """One email per recipient, in their own language, so nobody sees the others' addresses."""
    assert ctx.user is not None
    values: dict[str, Any] = {
        "author": ctx.user.display_name,
        "subject": thread.subject,
        "excerpt": excerpt(post.body),
        "link": ctx.portal_url(f"/discussions/{thread.id}"),
    }
    for user in await recipients(ctx, thread):
        await send_email(ctx, REPLY_EMAIL, to=[user.email], context=values, language=user.language or None)


def mark_read(thread: DiscussionThread, participation: DiscussionParticipant | None) -> None:
    if participation is not None and participation.last_read_post_id < thread.last_post_id:
        participation.last_read_post_id = thread.last_post_id
