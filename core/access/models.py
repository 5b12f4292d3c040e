"""Single-use links sent by email (invitations and password resets), and queued reset requests."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, TenantOwned, utcnow


class UserToken(TenantOwned, Base):
    """A link's secret, stored only as its SHA-256 so a database leak reveals no working link."""

    __tablename__ = "core_user_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("core_user.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(16))  # "invite" | "reset"
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column()
    used_at: Mapped[dt.datetime | None] = mapped_column()


class ResetRequest(TenantOwned, Base):
    """A "forgot your password" form as it was sent, waiting for the mail worker.

    The form stores only this, whatever the address, so that it answers in the same time whether
    or not the address is registered; the worker looks the person up and writes the email.
    """

    __tablename__ = "core_reset_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    #: The portal address the link is made from, as for every link made during a request.
    link_base: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
