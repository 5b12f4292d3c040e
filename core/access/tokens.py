"""Issuing and redeeming single-use, expiring tokens for a user."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.access.models import UserToken
from core.db import utcnow
from core.models import User

INVITE, RESET = "invite", "reset"
LIFETIMES = {INVITE: dt.timedelta(days=7), RESET: dt.timedelta(hours=2)}


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


async def issue_token(db: AsyncSession, user: User, purpose: str) -> str:
    """A new secret for ``user``; earlier unused links for the same purpose stop working."""
    await db.execute(
        delete(UserToken).where(UserToken.user_id == user.id, UserToken.purpose == purpose, UserToken.used_at.is_(None))
    )
    raw = secrets.token_urlsafe(32)
    db.add(
        UserToken(
            user_id=user.id,
            purpose=purpose,
            token_hash=_digest(raw),
            expires_at=utcnow() + LIFETIMES[purpose],
        )
    )
    await db.flush()
    return raw


async def find_token(db: AsyncSession, raw: str, purpose: str) -> UserToken | None:
    """The unused, unexpired token behind ``raw`` (in this tenant), or None."""
    if not raw or len(raw) > 100:
        return None
    token = await db.scalar(select(UserToken).where(UserToken.token_hash == _digest(raw), UserToken.purpose == purpose))
    if token is None or token.used_at is not None or _aware(token.expires_at) <= utcnow():
        return None
    return token


async def redeem_token(db: AsyncSession, token: UserToken) -> bool:
    """Mark ``token`` used; False when a concurrent request redeemed it first."""
    result = await db.execute(
        update(UserToken)
        .where(UserToken.id == token.id, UserToken.used_at.is_(None))
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0) == 1)


async def recently_issued(db: AsyncSession, user: User, purpose: str, within: dt.timedelta) -> bool:
    newest = await db.scalar(
        select(UserToken.created_at)
        .where(UserToken.user_id == user.id, UserToken.purpose == purpose)
        .order_by(UserToken.created_at.desc())
        .limit(1)
    )
    return newest is not None and _aware(newest) > utcnow() - within
