"""Signing in: password check, attempt log and throttling per account and per address.

Only wrong passwords count towards a lock. A right password never does, and an attempt refused
because of a lock is logged but checks nothing, so it neither counts nor prolongs the lock.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import math
from typing import Any

from sqlalchemy import ColumnElement, and_, func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from core.accounts import verify_password
from core.db import get_scope, utcnow
from core.i18n import N_
from core.models import CHECKING, RIGHT, THROTTLED, WRONG, Customer, LoginAttempt, User
from core.settings import Settings

WRONG_CREDENTIALS = N_("The email or password is not right. Check both and try again.")
ACCOUNT_LOCKED = N_("Too many failed sign-ins for this account. Try again in {minutes} minutes.")
ADDRESS_LOCKED = N_("Too many failed sign-ins for this network address. Try again in {minutes} minutes.")
#: A check still "checking" after this died with its process; it stops holding a place.
CHECK_TIMEOUT = dt.timedelta(minutes=1)
#: Seconds between looks while the checks under way fill the limit, and the most to wait.
WAIT_STEP, MAX_WAIT = 0.05, 10.0


class LoginRefusedError(Exception):
    """Sign-in refused; the message is safe to show (it never says whether the email exists).

    It keeps its msgid and values so that the sign-in page can show it in the visitor's language.
    """

    def __init__(self, msgid: str, **values: Any) -> None:
        super().__init__(msgid.format(**values))
        self.msgid, self.values = msgid, values


async def _counts(
    db: AsyncSession, match: ColumnElement[bool], since: dt.datetime, live_since: dt.datetime
) -> tuple[int, int, dt.datetime | None]:
    """Wrong passwords since ``since``, checks under way, and when the oldest of those wrong ones was."""
    wrong = LoginAttempt.result == WRONG
    under_way = and_(LoginAttempt.result == CHECKING, LoginAttempt.at >= live_since)
    count_wrong, count_under_way, oldest = (
        await db.execute(
            select(
                func.count().filter(wrong), func.count().filter(under_way), func.min(LoginAttempt.at).filter(wrong)
            ).where(match, LoginAttempt.at >= since)
        )
    ).one()
    return int(count_wrong), int(count_under_way), oldest


def _minutes_left(oldest: dt.datetime | None, window: dt.timedelta) -> int:
    if oldest is None:
        return 1
    if oldest.tzinfo is None:
        oldest = oldest.replace(tzinfo=dt.UTC)
    return max(1, math.ceil((oldest + window - utcnow()).total_seconds() / 60))


async def _one_at_a_time(db: AsyncSession, email: str, ip: str) -> None:
    """Attempts for the same account or address take their places one after the other.

    SQLite does this by itself (the attempt's INSERT holds its one write lock until the commit);
    PostgreSQL gets a transaction-scoped advisory lock per account and per address.
    """
    if db.get_bind().dialect.name != "postgresql":
        return
    tenant_id = get_scope(db.sync_session).tenant_id
    keys = {
        int.from_bytes(hashlib.sha256(f"login:{tenant_id}:{what}".encode()).digest()[:8], "big", signed=True)
        for what in (f"email:{email}", f"ip:{ip}")
    }
    for key in sorted(keys):  # the same order in every transaction, so two never deadlock
        await db.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


async def _take_place(db: AsyncSession, settings: Settings, email: str, ip: str, user_agent: str) -> LoginAttempt:
    """Log the attempt as ``checking`` once the throttle leaves room for it, or refuse it.

    Even in parallel, no more wrong passwords than a limit allows reach the check in a window:
    an attempt goes ahead only while the window's wrong passwords plus the checks under way (its
    own included) stay within both limits. Otherwise it waits for those checks to end (a right
    password frees its place), and is refused once the wrong passwords alone reach a limit.
    """
    window = dt.timedelta(minutes=settings.login_window_minutes)
    limits = (
        (settings.login_max_failures_account, LoginAttempt.email == email, ACCOUNT_LOCKED),
        (settings.login_max_failures_address, LoginAttempt.ip == ip, ADDRESS_LOCKED),
    )
    waited = 0.0
    while True:
        await _one_at_a_time(db, email, ip)
        attempt = LoginAttempt(email=email, ip=ip, user_agent=user_agent, result=CHECKING)
        db.add(attempt)
        await db.flush()
        now = utcnow()
        refusal, crowded = None, False
        for limit, match, message in limits:
            wrong, under_way, oldest = await _counts(db, match, now - window, now - CHECK_TIMEOUT)
            if wrong >= limit:
                refusal = LoginRefusedError(message, minutes=_minutes_left(oldest, window))
                break
            if wrong + under_way > limit:
                crowded = True
                if waited >= MAX_WAIT:
                    refusal = LoginRefusedError(message, minutes=1)
                    break
        if refusal is not None:
            attempt.result = THROTTLED
            await db.commit()
            raise refusal
        if not crowded:
            await db.commit()
            return attempt
        await db.delete(attempt)  # give the place back while the checks under way end
        await db.commit()
        await asyncio.sleep(WAIT_STEP)
        waited += WAIT_STEP


async def authenticate(
    db: AsyncSession, settings: Settings, *, email: str, password: str, ip: str, user_agent: str
) -> User:
    """The user whose credentials these are, or :class:`LoginRefusedError`. Every attempt is logged.

    ``db`` must be scoped to the whole tenant: the person may be anyone of the portal.
    """
    email = email.strip().lower()[:254]
    attempt = await _take_place(db, settings, email, ip[:64], user_agent[:300])
    user = await db.scalar(select(User).where(User.email == email)) if email else None
    # argon2 takes a noticeable fraction of a second by design: keep it off the event loop.
    ok = await asyncio.to_thread(verify_password, user.password_hash if user else None, password)
    if ok and user is not None and user.customer_id is not None:
        customer = await db.get(Customer, user.customer_id)
        ok = customer is not None and customer.active
    ok = ok and user is not None and user.active and user.portal_access
    attempt.user_id = user.id if user else None
    attempt.result = RIGHT if ok else WRONG
    await db.commit()
    if not ok or user is None:
        raise LoginRefusedError(WRONG_CREDENTIALS)
    return user
