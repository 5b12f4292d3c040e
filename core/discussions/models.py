"""Discussion threads about a customer account, their participants and their posts."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base, CustomerOwned, TenantOwned, utcnow
from core.models import Customer, User


class DiscussionThread(CustomerOwned, Base):
    """A conversation that concerns one customer account, optionally about one of a plugin's records.

    ``last_post_id`` is the newest post's id: a participant has unread posts while it is above
    their ``last_read_post_id``, which makes "unread" one comparison, with no per-post rows.
    ``internal`` threads are for the vendor's staff only and never reach a customer contact.
    """

    __tablename__ = "core_discussion_thread"

    id: Mapped[int] = mapped_column(primary_key=True)
    subject: Mapped[str] = mapped_column(String(200))
    internal: Mapped[bool] = mapped_column(Boolean, default=False)
    record_type: Mapped[str | None] = mapped_column(String(100))
    record_id: Mapped[int | None] = mapped_column(BigInteger)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("core_user.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_post_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_post_id: Mapped[int] = mapped_column(Integer, default=0)

    customer: Mapped[Customer] = relationship(lazy="raise")

    __table_args__ = (Index("ix_core_discussion_thread_record", "tenant_id", "record_type", "record_id"),)


class DiscussionParticipant(TenantOwned, Base):
    """One person in a thread, with what they have read and whether they archived it."""

    __tablename__ = "core_discussion_participant"

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("core_discussion_thread.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("core_user.id", ondelete="CASCADE"), index=True)
    last_read_post_id: Mapped[int] = mapped_column(Integer, default=0)
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    added_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(lazy="raise")

    __table_args__ = (UniqueConstraint("thread_id", "user_id"),)


class DiscussionPost(TenantOwned, Base):
    """One message of a thread, plain text."""

    __tablename__ = "core_discussion_post"

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("core_discussion_thread.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    author: Mapped[User | None] = relationship(lazy="raise")
