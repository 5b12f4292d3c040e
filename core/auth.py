"""Signing in: password check, attempt log and throttling per account and per address."""

from __future__ import annotations

import asyncio
import datetime as dt
import math
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.accounts import verify_password
from core.db import utcnow
from core.i18n import N_
from core.models import Customer, LoginAttempt, User
from core.settings import Settings

WRONG_CREDENTIALS = N_("The email or password is not right. Check both and try again.")


class LoginRefusedError(Exception):
    """Sign-in refused; the message is safe to show (it never says whether the email exists).

    It keeps its msgid and values so that the sign-in page can show it in the visitor's language.
    """

    def __init__(self, msgid: str, **values: Any) -> None:
        super().__init__(msgid.format(**values))
        self.msgid, self.values = msgid, values


async def _failures_since(db: AsyncSession, since: dt.datetime, **match: str) -> tuple[int, dt.datetime | None]:
    column = LoginAttempt.email if "email" in match else LoginAttempt.ip
    value = match.get("email", match.get("ip"))
    count, oldest = (
        await db.execute(
            select(func.count(LoginAttempt.id), func.min(LoginAttempt.at)).where(
                column == value, LoginAttempt.success.is_(False), LoginAttempt.at >= since
            )
        )
    ).one()
    return int(count), oldest


def _minutes_left(oldest: dt.datetime | None, window: dt.timedelta) -> int:
    if oldest is None:
        return 1
    if oldest.tzinfo is None:
        oldest = oldest.replace(tzinfo=dt.UTC)
    return max(1, math.ceil((oldest + window - utcnow()).total_seconds() / 60))


async def authenticate(
    db: AsyncSession, settings: Settings, *, email: str, password: str, ip: str, user_agent: str
) -> User:
    """The user whose credentials these are, or :class:`LoginRefusedError`. Every attempt is logged.

    The attempt is recorded (as a failure) and committed *before* the failures are counted, so
    concurrent guesses see each other: at most the allowed number ever reach the password check.
    """
    email = email.strip().lower()[:254]
    attempt = LoginAttempt(email=email, ip=ip[:64], user_agent=user_agent[:300], success=False)
    db.add(attempt)
    await db.commit()
    window = dt.timedelta(minutes=settings.login_window_minutes)
    since = utcnow() - window
    for message, limit, match in (
        (
            N_("Too many failed sign-ins for this account. Try again in {minutes} minutes."),
            settings.login_max_failures_account,
            {"email": email},
        ),
        (
            N_("Too many failed sign-ins for this network address. Try again in {minutes} minutes."),
            settings.login_max_failures_address,
            {"ip": ip[:64]},
        ),
    ):
        failures, oldest = await _failures_since(db, since, **match)
        if failures > limit:  # this attempt is among them
            raise LoginRefusedError(message, minutes=_minutes_left(oldest, window))
    user = await db.scalar(select(User).where(User.email == email)) if email else None
    # argon2 takes a noticeable fraction of a second by design: keep it off the event loop.
    ok = await asyncio.to_thread(verify_password, user.password_hash if user else None, password)
    if ok and user is not None and user.customer_id is not None:
        customer = await db.get(Customer, user.customer_id)
        ok = customer is not None and customer.active
    ok = ok and user is not None and user.active and user.portal_access
    attempt.user_id = user.id if user else None
    attempt.success = ok
    await db.commit()
    if not ok or user is None:
        raise LoginRefusedError(WRONG_CREDENTIALS)
    return user
