"""Sign in and sign out."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.datastructures import Cookie
from litestar.params import FromQuery
from litestar.response import Redirect

from core.auth import LoginRefusedError, authenticate
from core.context import Ctx, RequestContext
from core.db import Scope, set_scope
from core.models import User, WebSession
from core.settings_admin.security import session_settings
from core.web.forms import client_ip, form_data, safe_next
from core.web.rendering import Page, render
from core.web.sessions import COOKIE_NAME, end_session, flash, start_session, token_hash


def session_cookie(ctx: RequestContext, value: str, max_age: int | None) -> Cookie:
    return Cookie(
        key=COOKIE_NAME,
        value=value,
        path="/",
        httponly=True,
        samesite="lax",
        secure=ctx.portico.settings.secure_cookies,
        max_age=max_age,
    )


def as_visitor(ctx: RequestContext) -> None:
    """Sign-in pages act for the person at the keyboard, not for the session this browser has:
    they see everyone of the portal, not only the signed-in contact's accounts."""
    set_scope(ctx.db, Scope(ctx.tenant.id))


async def signed_in(
    ctx: RequestContext, request: Request[Any, Any, Any], user: User, target: str, message: str | None = None
) -> Redirect:
    """Start a session for ``user`` (the browser's old one ends), commit, and go to ``target``;
    ``message`` is flashed on the first page of the new session."""
    token = await start_session(
        ctx.db,
        user,
        old_token=request.cookies.get(COOKIE_NAME),
        ip=client_ip(request),
        user_agent=request.headers.get("user-agent", ""),
    )
    if message:
        flash(await ctx.db.get(WebSession, token_hash(token)), message)
    await ctx.db.commit()
    # The cookie lives as long as the vendor lets a session live.
    max_age = session_settings(ctx.portico.settings, ctx.tenant).session_max_hours * 3600
    return Redirect(target, cookies=[session_cookie(ctx, token, max_age)])


class AuthController(Controller):
    opt = {"public": True}

    @get("/login")
    async def login_form(self, ctx: Ctx, next: FromQuery[str | None] = None) -> Page | Redirect:
        if ctx.user is not None:
            return Redirect(safe_next(next))
        return await render(ctx, "core/login.html", next=safe_next(next), email="", error=None)

    @post("/login")
    async def login(self, ctx: Ctx, request: Request[Any, Any, Any]) -> Page | Redirect:
        form = await form_data(request)
        target = safe_next(form.get("next"))
        as_visitor(ctx)  # signing in as anyone replaces the session this browser has
        try:
            user = await authenticate(
                ctx.db,
                ctx.portico.settings,
                email=form.get("email", ""),
                password=form.get("password", ""),
                ip=client_ip(request),
                user_agent=request.headers.get("user-agent", ""),
            )
        except LoginRefusedError as refused:
            return await render(
                ctx,
                "core/login.html",
                status_code=400,
                next=target,
                email=form.get("email", ""),
                error=ctx._(refused.msgid, **refused.values),
            )
        return await signed_in(ctx, request, user, target)

    @post("/logout")
    async def logout(self, ctx: Ctx, request: Request[Any, Any, Any]) -> Redirect:
        await end_session(ctx.db, request.cookies.get(COOKIE_NAME))
        await ctx.db.commit()
        return Redirect("/login", cookies=[session_cookie(ctx, "", 0)])
