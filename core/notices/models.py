"""Messages to one customer account, announcements to many, and who has read which."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base, TenantOwned, utcnow
from core.models import Customer, User


class Message(TenantOwned, Base):
    """A message from the vendor to the contacts of one account (and of its sites if
    ``include_sites``).

    Not customer-owned on purpose: a site's contact must read a message posted to the parent
    account with ``include_sites``, and the central scope hides a parent from its sites'
    contacts. Every query for a contact filters with :func:`core.notices.messages.visible_to`.
    """

    __tablename__ = "core_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("core_customer.id"), index=True)
    include_sites: Mapped[bool] = mapped_column(Boolean, default=False)
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    emailed: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("core_user.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    customer: Mapped[Customer] = relationship(lazy="raise")
    author: Mapped[User | None] = relationship(lazy="raise")


class MessageRead(TenantOwned, Base):
    """One contact has opened one message."""

    __tablename__ = "core_message_read"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("core_message.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("core_user.id", ondelete="CASCADE"), index=True)
    read_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    __table_args__ = (UniqueConstraint("message_id", "user_id"),)


class Announcement(TenantOwned, Base):
    """News from the vendor, to every customer account or to those listed in its audience.

    Shown until ``publish_until`` (inclusive) and never after ``withdrawn_at``.
    """

    __tablename__ = "core_announcement"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    publish_until: Mapped[dt.date | None] = mapped_column(Date)
    all_customers: Mapped[bool] = mapped_column(Boolean, default=True)
    withdrawn_at: Mapped[dt.datetime | None] = mapped_column()
    created_by: Mapped[int | None] = mapped_column(ForeignKey("core_user.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class AnnouncementAudience(TenantOwned, Base):
    """An account an announcement is addressed to (its sites included)."""

    __tablename__ = "core_announcement_customer"

    id: Mapped[int] = mapped_column(primary_key=True)
    announcement_id: Mapped[int] = mapped_column(ForeignKey("core_announcement.id", ondelete="CASCADE"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("core_customer.id"), index=True)

    __table_args__ = (UniqueConstraint("announcement_id", "customer_id"),)


class AnnouncementRead(TenantOwned, Base):
    """One user has seen one announcement (opened the list or the item)."""

    __tablename__ = "core_announcement_read"

    id: Mapped[int] = mapped_column(primary_key=True)
    announcement_id: Mapped[int] = mapped_column(ForeignKey("core_announcement.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("core_user.id", ondelete="CASCADE"), index=True)
    read_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    __table_args__ = (UniqueConstraint("announcement_id", "user_id"),)
