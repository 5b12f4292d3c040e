"""Server-side login sessions: a random token in an HttpOnly cookie, its hash in the database.

A new token is issued at every login (the incoming one, if any, is deleted), so a session id
planted before login is worthless afterwards.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from sqlalchemy import bindparam, delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.db import utcnow
from core.models import Customer, User, WebSession
from core.settings import Settings

COOKIE_NAME = "portico_session"
TOUCH_AFTER = dt.timedelta(seconds=60)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


async def start_session(db: AsyncSession, user: User, *, old_token: str | None, ip: str, user_agent: str) -> str:
    """Create a session for ``user`` and return its token; the old one stops working."""
    if old_token:
        await db.execute(delete(WebSession).where(WebSession.id == token_hash(old_token)))
    token = secrets.token_urlsafe(32)
    db.add(WebSession(id=token_hash(token), user_id=user.id, ip=ip[:64], user_agent=user_agent[:300]))
    user.last_login_at = utcnow()
    await db.flush()
    return token


async def end_session(db: AsyncSession, token: str | None) -> None:
    if token:
        await db.execute(delete(WebSession).where(WebSession.id == token_hash(token)))


# Built once: it runs on every signed-in request, and building it cost more than running it.
_SESSION_WITH_PEOPLE = (
    select(WebSession, User, Customer)
    .join(User, User.id == WebSession.user_id)
    .outerjoin(Customer, Customer.id == User.customer_id)
    .where(WebSession.id == bindparam("token_hash"))
)


async def load_session(
    db: AsyncSession, token: str, settings: Settings
) -> tuple[WebSession, User, Customer | None] | None:
    """The live session of ``token`` with its user and their account, or None (and it is removed)."""
    row = (await db.execute(_SESSION_WITH_PEOPLE, {"token_hash": token_hash(token)})).first()
    if row is None:
        return None
    session, user, customer = row
    now = utcnow()
    expired = (
        now - _aware(session.last_seen_at) > dt.timedelta(minutes=settings.session_idle_minutes)
        or now - _aware(session.created_at) > dt.timedelta(hours=settings.session_max_hours)
        or not user.active
        or not user.portal_access
        or (customer is not None and not customer.active)
    )
    if expired:
        await db.delete(session)
        await db.commit()
        return None
    if now - _aware(session.last_seen_at) > TOUCH_AFTER:
        session.last_seen_at = now
        await db.commit()
    return session, user, customer


def flash(session: WebSession | None, message: str, kind: str = "success") -> None:
    """Queue a message for the next page this session renders."""
    if session is None:
        return
    data: dict[str, Any] = dict(session.data or {})
    data["flash"] = [*data.get("flash", []), [kind, message]]
    session.data = data


def stash(session: WebSession | None, key: str, value: Any) -> None:
    """Keep a value for the next page this session opens (read it once with :func:`unstash`)."""
    if session is not None:
        session.data = {**(session.data or {}), f"stash:{key}": value}


def unstash(session: WebSession | None, key: str) -> Any:
    if session is None or f"stash:{key}" not in (session.data or {}):
        return None
    data = dict(session.data)
    value = data.pop(f"stash:{key}")
    session.data = data
    return value


def pop_flashes(session: WebSession | None) -> list[list[str]]:
    if session is None or not (session.data or {}).get("flash"):
        return []
    data = dict(session.data)
    messages = data.pop("flash")
    session.data = data
    return list(messages)
