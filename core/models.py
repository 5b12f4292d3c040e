"""The kernel's tables: tenants, customer accounts, people, roles, sessions and their traces."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    event,
    select,
    true,
    update,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.orm.attributes import set_committed_value

from core.db import Base, CustomerOwned, TenantOwned, utcnow


class Tenant(Base):
    """One vendor. ``config_version`` goes up whenever roles, modules or branding change, so every
    app worker notices on its next request and rebuilds its cached state for the tenant."""

    __tablename__ = "core_tenant"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(63), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    host: Mapped[str | None] = mapped_column(String(255), unique=True)
    config_version: Mapped[int] = mapped_column(Integer, default=1)
    branding: Mapped[dict[str, Any]] = mapped_column(default=dict)
    settings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class TenantModule(TenantOwned, Base):
    """Whether a tenant has an installed module switched on, and its per-tenant settings."""

    __tablename__ = "core_tenant_module"

    id: Mapped[int] = mapped_column(primary_key=True)
    module: Mapped[str] = mapped_column(String(63))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    settings: Mapped[dict[str, Any]] = mapped_column(default=dict)

    __table_args__ = (UniqueConstraint("tenant_id", "module"),)


class Customer(TenantOwned, Base):
    """A customer account: a parent customer or one of its sites.

    ``path`` is the materialised path of ids (``/3/7/``) so "this account and everything below
    it" is one prefix test, with no recursive query on the hot path.
    """

    __tablename__ = "core_customer"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("core_customer.id"))
    path: Mapped[str] = mapped_column(String(500), default="", index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    parent: Mapped[Customer | None] = relationship(remote_side=[id], lazy="raise")

    @property
    def depth(self) -> int:
        return self.path.count("/") - 2

    @property
    def lineage_ids(self) -> tuple[int, ...]:
        """This account's id and those of the accounts above it, nearest first (``/3/7/`` → 7, 3):
        what a setting or list made for a parent account applies to, in order of precedence."""
        return tuple(int(part) for part in reversed(self.path.strip("/").split("/")) if part)


@event.listens_for(Customer, "after_insert")
def _fill_path(mapper: Any, connection: Any, target: Customer) -> None:
    """Every account gets its materialised path, however it was created: visibility depends on it."""
    if target.path:
        return
    table = cast(Table, Customer.__table__)
    parent_path = "/"
    if target.parent_id is not None:
        parent_path = connection.execute(select(table.c.path).where(table.c.id == target.parent_id)).scalar_one()
    path = f"{parent_path}{target.id}/"
    connection.execute(update(table).where(table.c.id == target.id).values(path=path))
    set_committed_value(target, "path", path)


class Role(TenantOwned, Base):
    """A role of one tenant. ``audience`` says whether it is for vendor staff or customer contacts."""

    __tablename__ = "core_role"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(63))
    name: Mapped[str] = mapped_column(String(100))
    audience: Mapped[str] = mapped_column(String(16))  # "staff" | "customer"
    builtin: Mapped[bool] = mapped_column(Boolean, default=False)

    __table_args__ = (UniqueConstraint("tenant_id", "key"),)


class RolePermission(TenantOwned, Base):
    """One grant: a role holds a permission."""

    __tablename__ = "core_role_permission"

    id: Mapped[int] = mapped_column(primary_key=True)
    role_id: Mapped[int] = mapped_column(ForeignKey("core_role.id", ondelete="CASCADE"), index=True)
    permission: Mapped[str] = mapped_column(String(100))

    __table_args__ = (UniqueConstraint("role_id", "permission"),)


class PermissionOffer(TenantOwned, Base):
    """A permission whose default grants this tenant has received (once, ever).

    Default grants are given when a tenant is created, when a module is switched on, and for a
    permission that first appears in an upgrade, at the next start-up. Once offered, an admin's
    removal of the grant stands.
    """

    __tablename__ = "core_permission_offer"

    id: Mapped[int] = mapped_column(primary_key=True)
    permission: Mapped[str] = mapped_column(String(100))

    __table_args__ = (UniqueConstraint("tenant_id", "permission"),)


class User(TenantOwned, Base):
    """A person who logs in: vendor staff (no customer) or a contact of one customer account."""

    __tablename__ = "core_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    password_hash: Mapped[str | None] = mapped_column(String(200))
    first_name: Mapped[str] = mapped_column(String(100), default="")
    last_name: Mapped[str] = mapped_column(String(100), default="")
    title: Mapped[str] = mapped_column(String(100), default="")
    phone: Mapped[str] = mapped_column(String(50), default="")
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    language: Mapped[str] = mapped_column(String(16), default="")  # "": the portal's language
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("core_customer.id"), index=True)
    role_id: Mapped[int] = mapped_column(ForeignKey("core_role.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    #: Whether the person may sign in: a contact can be on file (for the vendor's records) without a login.
    portal_access: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[dt.datetime | None] = mapped_column()

    customer: Mapped[Customer | None] = relationship(lazy="raise")
    role: Mapped[Role] = relationship(lazy="raise")

    __table_args__ = (UniqueConstraint("tenant_id", "email"),)

    @property
    def is_staff(self) -> bool:
        return self.customer_id is None

    @property
    def display_name(self) -> str:
        full = f"{self.first_name} {self.last_name}".strip()
        return full or self.email


class WebSession(TenantOwned, Base):
    """A server-side login session. The browser holds a random token; we store its SHA-256."""

    __tablename__ = "core_web_session"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("core_user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    ip: Mapped[str] = mapped_column(String(64), default="")
    user_agent: Mapped[str] = mapped_column(String(300), default="")


#: What became of a sign-in attempt (:attr:`LoginAttempt.result`).
CHECKING, RIGHT, WRONG, THROTTLED = "checking", "right", "wrong", "throttled"


class LoginAttempt(TenantOwned, Base):
    """Every sign-in attempt, kept for throttling and for the sign-in history.

    ``result`` is ``checking`` while the password is being checked, then ``right`` or ``wrong``;
    ``throttled`` when it was refused unchecked. Only ``wrong`` ones count towards a lock.
    """

    __tablename__ = "core_login_attempt"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id", ondelete="SET NULL"))
    ip: Mapped[str] = mapped_column(String(64))
    user_agent: Mapped[str] = mapped_column(String(300), default="")
    result: Mapped[str] = mapped_column(String(10))
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        Index("ix_core_login_attempt_email_at", "tenant_id", "email", "at"),
        Index("ix_core_login_attempt_ip_at", "tenant_id", "ip", "at"),
    )

    @property
    def success(self) -> bool:
        return self.result == RIGHT


class RecentItem(TenantOwned, Base):
    """A record the user opened, for the "Recent" list."""

    __tablename__ = "core_recent_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("core_user.id", ondelete="CASCADE"))
    url: Mapped[str] = mapped_column(String(500))
    title: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(100), default="")
    opened_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)

    __table_args__ = (UniqueConstraint("user_id", "url"),)


class ContactRequest(CustomerOwned, Base):
    """A message a contact sent to the vendor from the "Contact us" page."""

    __tablename__ = "core_contact_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("core_user.id", ondelete="CASCADE"))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    handled: Mapped[bool] = mapped_column(Boolean, default=False)

    user: Mapped[User] = relationship(lazy="raise")
    customer: Mapped[Customer] = relationship(lazy="raise")


class ApiToken(TenantOwned, Base):
    """A bearer token an integration (an ERP) uses on ``/api/``; it holds the permissions listed."""

    __tablename__ = "core_api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    permissions: Mapped[list[Any]] = mapped_column(default=list)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("core_user.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[dt.datetime | None] = mapped_column()
    revoked_at: Mapped[dt.datetime | None] = mapped_column()


# The kernel services keep their tables in their own packages; importing them here means one
# import of core.models registers every kernel table (migrations, test set-up).
from core.access.models import ResetRequest, UserToken
from core.comments.models import Comment, RecordFile
from core.discussions.models import DiscussionParticipant, DiscussionPost, DiscussionThread
from core.documents.models import Publication
from core.imports.models import ImportJob
from core.mail.models import EmailTemplateOverride, OutboxMessage
from core.notices.models import Announcement, AnnouncementAudience, AnnouncementRead, Message, MessageRead

__all__ = [name for name in dir() if name[:1].isupper()]
