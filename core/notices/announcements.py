"""Announcements: news from the vendor to every customer account or to chosen ones.

A chosen account's sites see its announcements too. Each user's "new" marker clears once they
have seen the announcement (opened the list or the item).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, delete, exists, or_, select
from sqlalchemy.exc import IntegrityError

from core.context import RequestContext
from core.db import utcnow
from core.models import Customer
from core.notices.audience import account_chain
from core.notices.models import Announcement, AnnouncementAudience, AnnouncementRead

TITLE_MAX = 200
BODY_MAX = 20_000


def _published() -> ColumnElement[bool]:
    today = utcnow().date()
    return and_(
        Announcement.withdrawn_at.is_(None),
        or_(Announcement.publish_until.is_(None), Announcement.publish_until >= today),
    )


def visible_to(ctx: RequestContext) -> ColumnElement[bool]:
    """Published announcements for everyone, or addressed to the contact's account or one above it."""
    chain = account_chain(ctx)
    if not chain:
        return _published()  # staff see every published announcement
    addressed = exists().where(
        AnnouncementAudience.announcement_id == Announcement.id, AnnouncementAudience.customer_id.in_(chain)
    )
    return and_(_published(), or_(Announcement.all_customers, addressed))


def _seen_by_me(ctx: RequestContext) -> ColumnElement[bool]:
    assert ctx.user is not None
    return and_(AnnouncementRead.announcement_id == Announcement.id, AnnouncementRead.user_id == ctx.user.id)


@dataclass(frozen=True)
class News:
    announcement: Announcement
    new: bool


async def latest_news(ctx: RequestContext, limit: int = 50) -> list[News]:
    """Published announcements the user may see, newest first, each marked new if unseen (one query)."""
    if ctx.user is None:
        return []
    rows = await ctx.db.execute(
        select(Announcement, AnnouncementRead.id)
        .outerjoin(AnnouncementRead, _seen_by_me(ctx))
        .where(visible_to(ctx))
        .order_by(Announcement.created_at.desc(), Announcement.id.desc())
        .limit(limit)
    )
    return [News(announcement, read_id is None) for announcement, read_id in rows]


async def mark_seen(ctx: RequestContext, announcement_ids: Sequence[int]) -> None:
    """Record that the user has seen these announcements (the caller commits)."""
    assert ctx.user is not None
    if not announcement_ids:
        return
    try:
        async with ctx.db.begin_nested():  # two tabs opening the list at once
            ctx.db.add_all(AnnouncementRead(announcement_id=i, user_id=ctx.user.id) for i in announcement_ids)
    except IntegrityError:
        pass


async def open_announcement(ctx: RequestContext, announcement_id: int) -> Announcement | None:
    """The announcement if the user may see it, marked seen for them."""
    if ctx.user is None:
        return None
    row = (
        await ctx.db.execute(
            select(Announcement, AnnouncementRead.id)
            .outerjoin(AnnouncementRead, _seen_by_me(ctx))
            .where(Announcement.id == announcement_id, visible_to(ctx))
        )
    ).first()
    if row is None:
        return None
    announcement, read_id = row
    if read_id is None:
        await mark_seen(ctx, [announcement.id])
    return announcement


# --- staff ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Published:
    announcement: Announcement
    accounts: list[str]

    @property
    def status(self) -> str:
        a = self.announcement
        if a.withdrawn_at is not None:
            return "withdrawn"
        if a.publish_until is not None and a.publish_until < utcnow().date():
            return "expired"
        return "published"


async def all_announcements(ctx: RequestContext, limit: int = 200) -> list[Published]:
    """Every announcement with the names of the accounts it is addressed to (two queries)."""
    announcements = list(
        (
            await ctx.db.execute(
                select(Announcement).order_by(Announcement.created_at.desc(), Announcement.id.desc()).limit(limit)
            )
        ).scalars()
    )
    names: dict[int, list[str]] = {}
    rows = await ctx.db.execute(
        select(AnnouncementAudience.announcement_id, Customer.name)
        .join(Customer, Customer.id == AnnouncementAudience.customer_id)
        .where(AnnouncementAudience.announcement_id.in_([a.id for a in announcements]))
        .order_by(Customer.name)
    )
    for announcement_id, name in rows:
        names.setdefault(announcement_id, []).append(name)
    return [Published(a, names.get(a.id, [])) for a in announcements]


async def audience_of(ctx: RequestContext, announcement_id: int) -> list[int]:
    rows = await ctx.db.execute(
        select(AnnouncementAudience.customer_id).where(AnnouncementAudience.announcement_id == announcement_id)
    )
    return list(rows.scalars())


async def save_announcement(
    ctx: RequestContext,
    announcement: Announcement | None,
    *,
    title: str,
    body: str,
    publish_until: dt.date | None,
    customer_ids: Sequence[int] = (),
) -> Announcement:
    """Create (``announcement`` None) or update an announcement; no ``customer_ids`` means every
    customer. The ids must be accounts of this tenant (checked by the caller). The caller commits."""
    if announcement is None:
        announcement = Announcement(created_by=ctx.user.id if ctx.user else None)
        ctx.db.add(announcement)
    announcement.title, announcement.body = title, body
    announcement.publish_until = publish_until
    announcement.all_customers = not customer_ids
    await ctx.db.flush()
    await ctx.db.execute(delete(AnnouncementAudience).where(AnnouncementAudience.announcement_id == announcement.id))
    ctx.db.add_all(AnnouncementAudience(announcement_id=announcement.id, customer_id=c) for c in set(customer_ids))
    await ctx.db.flush()
    return announcement
