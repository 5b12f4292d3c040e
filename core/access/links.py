"""Invitations and password resets: who may get a link, sending it, and using it."""

from __future__ import annotations

import asyncio
import datetime as dt

from sqlalchemy import select

from core.access.passwords import password_problem
from core.access.tokens import INVITE, LIFETIMES, RESET, find_token, issue_token, recently_issued, redeem_token
from core.accounts import AccountError, end_sessions_of, hash_password
from core.context import RequestContext
from core.i18n import N_
from core.mail import send_email
from core.models import Customer, User

# One reset email per account in this window, however often the form is sent.
RESET_EMAIL_INTERVAL = dt.timedelta(minutes=2)


async def may_sign_in(ctx: RequestContext, user: User) -> bool:
    """Active with portal access, and (for a contact) belonging to an active customer account."""
    if not user.active or not user.portal_access:
        return False
    if user.customer_id is None:
        return True
    customer = await ctx.db.get(Customer, user.customer_id)
    return customer is not None and customer.active


def _link(ctx: RequestContext, path: str) -> str:
    base = str(ctx.request.base_url).rstrip("/") if ctx.request is not None else ""
    return base + path


async def send_invitation(ctx: RequestContext, user: User) -> None:
    """Email ``user`` a link to choose a password (valid 7 days, once); earlier invitations stop working."""
    if not await may_sign_in(ctx, user):
        raise AccountError(N_("This person cannot sign in (inactive contact or account), so no invitation was sent."))
    raw = await issue_token(ctx.db, user, INVITE)
    inviter = ctx.user.display_name if ctx.user is not None else ctx.tenant.name
    await send_email(
        ctx,
        "core.invitation",
        to=[user.email],
        context={
            "first_name": user.first_name,
            "email": user.email,
            "inviter": inviter,
            "link": _link(ctx, f"/invite/{raw}"),
            "valid_days": LIFETIMES[INVITE].days,
        },
        language=user.language or None,
    )


async def request_password_reset(ctx: RequestContext, email: str) -> None:
    """Email a reset link if ``email`` belongs to someone who may sign in; silent otherwise.

    The caller shows the same answer either way, so the form never tells who is registered.
    """
    email = email.strip().lower()[:254]
    user = await ctx.db.scalar(select(User).where(User.email == email)) if email else None
    if user is None or not await may_sign_in(ctx, user):
        return
    if await recently_issued(ctx.db, user, RESET, RESET_EMAIL_INTERVAL):
        return
    raw = await issue_token(ctx.db, user, RESET)
    await send_email(
        ctx,
        "core.password_reset",
        to=[user.email],
        context={
            "first_name": user.first_name,
            "email": user.email,
            "link": _link(ctx, f"/password/reset/{raw}"),
            "valid_hours": int(LIFETIMES[RESET].total_seconds() // 3600),
        },
        language=user.language or None,
    )


async def link_user(ctx: RequestContext, raw: str, purpose: str) -> User | None:
    """The user a still-valid link belongs to, if they may still sign in."""
    token = await find_token(ctx.db, raw, purpose)
    if token is None:
        return None
    user = await ctx.db.get(User, token.user_id)
    return user if user is not None and await may_sign_in(ctx, user) else None


def new_password_problem(ctx: RequestContext, user: User, password: str, repeated: str) -> str | None:
    """The translated reason the new password is refused, or None."""
    minimum = ctx.portico.settings.password_min_length
    problem = password_problem(password, email=user.email, min_length=minimum)
    if problem is not None:
        return ctx._(problem, min_length=minimum)
    if password != repeated:
        return ctx._("The two passwords are not the same.")
    return None


async def set_password(ctx: RequestContext, user: User, password: str, *, keep_session: str | None = None) -> None:
    """Store the new password and end the user's other sessions (a stolen one stops working)."""
    # argon2 is slow by design: off the event loop.
    user.password_hash = await asyncio.to_thread(hash_password, password)
    await end_sessions_of(ctx.db, user.id, keep=keep_session)


async def use_link(ctx: RequestContext, raw: str, purpose: str, password: str) -> User | None:
    """Redeem the link and set the password; None when the link is gone (used, expired, raced)."""
    token = await find_token(ctx.db, raw, purpose)
    if token is None or not await redeem_token(ctx.db, token):
        return None
    user = await ctx.db.get(User, token.user_id)
    if user is None or not await may_sign_in(ctx, user):
        return None
    await set_password(ctx, user, password)
    return user


__all__ = [
    "INVITE",
    "RESET",
    "link_user",
    "may_sign_in",
    "new_password_problem",
    "request_password_reset",
    "send_invitation",
    "set_password",
    "use_link",
]
