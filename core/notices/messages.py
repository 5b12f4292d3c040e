"""Messages: the vendor writes to one customer account; its contacts read them in the portal.

Read state is per user (:class:`MessageRead`); customers cannot reply here.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from core.context import RequestContext
from core.mail import portal_values, send_email
from core.models import Customer, User
from core.notices.audience import account_chain, contacts_of
from core.notices.models import Message, MessageRead

SUBJECT_MAX = 200
BODY_MAX = 20_000
MESSAGE_EMAIL = "core.message_posted"


class NoticeError(ValueError):
    """A notice that cannot be posted: no such account, or an empty subject or body."""


def visible_to(ctx: RequestContext) -> ColumnElement[bool]:
    """Messages addressed to the contact's own account, or to an account above it with its sites."""
    chain = account_chain(ctx)
    if not chain:
        return Message.id.is_(None)  # staff read what they sent on the admin pages
    return or_(Message.customer_id == chain[-1], and_(Message.include_sites, Message.customer_id.in_(chain[:-1])))


def _read_by_me(ctx: RequestContext) -> ColumnElement[bool]:
    assert ctx.user is not None
    return and_(MessageRead.message_id == Message.id, MessageRead.user_id == ctx.user.id)


async def unread_count(ctx: RequestContext) -> int | None:
    """How many messages the contact has not opened yet (``None`` when there are none)."""
    if ctx.user is None or ctx.user.customer_id is None:
        return None
    count = await ctx.db.scalar(
        select(func.count(Message.id))
        .outerjoin(MessageRead, _read_by_me(ctx))
        .where(visible_to(ctx), MessageRead.id.is_(None))
    )
    return count or None


@dataclass(frozen=True)
class Received:
    message: Message
    read: bool


async def inbox(ctx: RequestContext, limit: int = 200) -> list[Received]:
    """The contact's messages, newest first, with whether they opened each (one query)."""
    if ctx.user is None or ctx.user.customer_id is None:
        return []
    rows = await ctx.db.execute(
        select(Message, MessageRead.id)
        .outerjoin(MessageRead, _read_by_me(ctx))
        .options(joinedload(Message.author))
        .where(visible_to(ctx))
        .order_by(Message.created_at.desc(), Message.id.desc())
        .limit(limit)
    )
    return [Received(message, read_id is not None) for message, read_id in rows]


async def open_message(ctx: RequestContext, message_id: int) -> Message | None:
    """The message if the contact may read it, marked read for them from now on."""
    assert ctx.user is not None
    row = (
        await ctx.db.execute(
            select(Message, MessageRead.id)
            .outerjoin(MessageRead, _read_by_me(ctx))
            .options(joinedload(Message.author))
            .where(Message.id == message_id, visible_to(ctx))
        )
    ).first()
    if row is None:
        return None
    message, read_id = row
    if read_id is None:
        try:
            async with ctx.db.begin_nested():  # the same person opening it twice at once
                ctx.db.add(MessageRead(message_id=message.id, user_id=ctx.user.id))
        except IntegrityError:
            pass
    return message


async def post_message(
    ctx: RequestContext,
    customer_id: int,
    subject: str,
    body: str,
    *,
    include_sites: bool = False,
    email: bool = False,
) -> Message:
    """Post a message to the contacts of account ``customer_id`` (and its sites' with
    ``include_sites``); with ``email`` each contact also gets it by email (queued).

    The caller commits. Raises :class:`NoticeError` for an account that is not visible here or an
    empty subject or body.
    """
    subject, body = " ".join(subject.split()), body.strip()
    if not subject or not body:
        raise NoticeError("a message needs a subject and a body")
    if len(subject) > SUBJECT_MAX or len(body) > BODY_MAX:
        raise NoticeError("the subject or the body is too long")
    customer = await ctx.db.get(Customer, customer_id)
    if customer is None:
        raise NoticeError(f"no customer account {customer_id}")
    message = Message(
        customer_id=customer.id,
        include_sites=include_sites,
        subject=subject,
        body=body,
        emailed=email,
        created_by=ctx.user.id if ctx.user else None,
    )
    ctx.db.add(message)
    await ctx.db.flush()
    if email:
        link = f"{portal_values(ctx)['portal_url']}/messages/{message.id}"
        for contact in await contacts_of(ctx.db, customer, include_sites=include_sites):
            await send_email(
                ctx,
                MESSAGE_EMAIL,
                to=[contact.email],
                context={
                    "name": contact.display_name,
                    "account": customer.name,
                    "subject": subject,
                    "body": body,
                    "link": link,
                },
                language=contact.language or None,
            )
    return message


@dataclass(frozen=True)
class Sent:
    message: Message
    read: int
    recipients: int


async def sent_messages(ctx: RequestContext, limit: int = 200) -> list[Sent]:
    """What staff sent, newest first, with how many of the recipients opened each (three queries)."""
    messages = list(
        (
            await ctx.db.execute(
                select(Message)
                .options(joinedload(Message.customer), joinedload(Message.author))
                .order_by(Message.created_at.desc(), Message.id.desc())
                .limit(limit)
            )
        ).scalars()
    )
    ids = [m.id for m in messages]
    read_rows = await ctx.db.execute(
        select(MessageRead.message_id, func.count(MessageRead.id))
        .where(MessageRead.message_id.in_(ids))
        .group_by(MessageRead.message_id)
    )
    reads: dict[int, int] = {message_id: count for message_id, count in read_rows}
    contact_rows = await ctx.db.execute(
        select(Customer.path, func.count(User.id))
        .join(User, User.customer_id == Customer.id)
        .where(User.active.is_(True))
        .group_by(Customer.path)
    )
    per_path: dict[str, int] = {path: count for path, count in contact_rows}

    def recipients(message: Message) -> int:
        path = message.customer.path
        if message.include_sites:
            return sum(count for p, count in per_path.items() if p.startswith(path))
        return per_path.get(path, 0)

    return [Sent(m, reads.get(m.id, 0), recipients(m)) for m in messages]
