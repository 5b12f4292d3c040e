"""Invitations and password resets: who may get a link, sending it, and using it."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from typing import TYPE_CHECKING

from sqlalchemy import delete, select

from core.access.models import ResetRequest
from core.access.passwords import password_problem
from core.access.tokens import INVITE, LIFETIMES, RESET, find_token, issue_token, recently_issued, redeem_token
from core.accounts import AccountError, end_sessions_of, hash_password
from core.context import RequestContext
from core.db import Scope, set_scope
from core.i18n import N_
from core.mail import send_email
from core.models import Customer, Tenant, User

if TYPE_CHECKING:
    from core.app import Portico

log = logging.getLogger("portico.access")

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
            "link": ctx.portal_url(f"/invite/{raw}"),
            "valid_days": LIFETIMES[INVITE].days,
        },
        language=user.language or None,
    )


async def request_password_reset(ctx: RequestContext, email: str) -> None:
    """Ask for a reset link for ``email``; the caller commits.

    Only the request is stored, the same whatever the address, so that neither the answer nor
    its timing tells who is registered. The mail worker then emails the link if the address
    belongs to someone who may sign in (:func:`send_requested_resets`).
    """
    # The portal's configured address, never the request's Host (which the visitor chooses).
    ctx.db.add(ResetRequest(email=email.strip().lower()[:254], link_base=ctx.portal_url()))


async def send_requested_resets(portico: Portico) -> None:
    """Write the emails of the queued reset requests (the mail worker runs this before it delivers)."""
    async with portico.sessionmaker() as db:
        set_scope(db, Scope.system())
        queued = (await db.execute(select(ResetRequest.id, ResetRequest.tenant_id).order_by(ResetRequest.id))).all()
    for request_id, tenant_id in queued:
        async with portico.sessionmaker() as db:
            set_scope(db, Scope(tenant_id))
            # Of several workers, the one whose DELETE takes the row writes the email.
            claim = delete(ResetRequest).where(ResetRequest.id == request_id)
            claimed = (
                await db.execute(
                    claim.returning(ResetRequest.email, ResetRequest.link_base),
                    execution_options={"synchronize_session": False},
                )
            ).first()
            tenant = await db.get(Tenant, tenant_id)
            if claimed is None or tenant is None:
                continue
            ctx = RequestContext(portico, db, tenant, await portico.states.get(db, tenant))
            try:
                await _send_reset(ctx, claimed.email, claimed.link_base)
                await db.commit()  # the claim, the token and the email together
            except Exception:
                # Dropped rather than retried for ever; the person can ask again.
                log.exception("password reset request %s failed and is dropped", request_id)
                await db.rollback()
                await db.execute(claim, execution_options={"synchronize_session": False})
                await db.commit()


async def _send_reset(ctx: RequestContext, email: str, link_base: str) -> None:
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
            "link": f"{link_base}/password/reset/{raw}",
            "valid_hours": int(LIFETIMES[RESET].total_seconds() // 3600),
            "portal_url": link_base,  # there is no request here to take it from
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
    "send_requested_resets",
    "set_password",
    "use_link",
]
