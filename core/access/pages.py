"""The pages behind the emailed links, the forgotten-password form and changing one's password."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect

from core.access.links import (
    INVITE,
    RESET,
    link_user,
    new_password_problem,
    request_password_reset,
    set_password,
    use_link,
)
from core.accounts import verify_password
from core.context import Ctx, RequestContext
from core.i18n import N_
from core.pages.auth import as_visitor, signed_in
from core.web.forms import form_data
from core.web.rendering import Page, render
from core.web.sessions import flash

# What each kind of link's page says; the flow behind both is the same.
TEXTS = {
    INVITE: {
        "title": N_("Welcome: choose your password"),
        "done": N_("Your password is set. Welcome to the portal."),
    },
    RESET: {
        "title": N_("Choose a new password"),
        "done": N_("Your new password is set, and you are signed in."),
    },
}


class PasswordLinkController(Controller):
    """``/invite/<token>`` and ``/password/reset/<token>``: set a password, then sign in."""

    opt = {"public": True}

    async def _form(self, ctx: RequestContext, purpose: str, raw: str, error: str | None = None) -> Page:
        as_visitor(ctx)  # the link may be anyone's, whoever this browser is signed in as
        user = await link_user(ctx, raw, purpose)
        if user is None:
            return await render(ctx, "core/access/link_gone.html", status_code=404, purpose=purpose)
        return await render(
            ctx,
            "core/access/set_password.html",
            status_code=400 if error else 200,
            title=TEXTS[purpose]["title"],
            email=user.email,
            action=self._path(purpose, raw),
            error=error,
            min_length=ctx.portico.settings.password_min_length,
        )

    @staticmethod
    def _path(purpose: str, raw: str) -> str:
        return f"/invite/{raw}" if purpose == INVITE else f"/password/reset/{raw}"

    async def _submit(self, ctx: RequestContext, request: Request[Any, Any, Any], purpose: str, raw: str) -> Any:
        form = await form_data(request)
        as_visitor(ctx)
        user = await link_user(ctx, raw, purpose)
        if user is None:
            return await render(ctx, "core/access/link_gone.html", status_code=404, purpose=purpose)
        problem = new_password_problem(ctx, user, form.get("password", ""), form.get("password2", ""))
        if problem:
            return await self._form(ctx, purpose, raw, problem)
        user = await use_link(ctx, raw, purpose, form.get("password", ""))
        if user is None:  # a second tab or a double click got there first
            await ctx.rollback()
            return await render(ctx, "core/access/link_gone.html", status_code=404, purpose=purpose)
        return await signed_in(ctx, request, user, "/", ctx._(TEXTS[purpose]["done"]))

    @get("/invite/{token:str}")
    async def invitation(self, ctx: Ctx, token: FromPath[str]) -> Page:
        return await self._form(ctx, INVITE, token)

    @post("/invite/{token:str}")
    async def accept_invitation(self, ctx: Ctx, token: FromPath[str], request: Request[Any, Any, Any]) -> Any:
        return await self._submit(ctx, request, INVITE, token)

    @get("/password/reset/{token:str}")
    async def reset(self, ctx: Ctx, token: FromPath[str]) -> Page:
        return await self._form(ctx, RESET, token)

    @post("/password/reset/{token:str}")
    async def do_reset(self, ctx: Ctx, token: FromPath[str], request: Request[Any, Any, Any]) -> Any:
        return await self._submit(ctx, request, RESET, token)


class ForgotPasswordController(Controller):
    path = "/password/forgot"
    opt = {"public": True}

    @get("/")
    async def show(self, ctx: Ctx) -> Page:
        return await render(ctx, "core/access/forgot.html", sent=False, email="")

    @post("/")
    async def send(self, ctx: Ctx, request: Request[Any, Any, Any]) -> Page:
        email = (await form_data(request)).get("email", "")
        as_visitor(ctx)
        await request_password_reset(ctx, email)
        await ctx.db.commit()
        # The same page whether or not the address is registered.
        return await render(ctx, "core/access/forgot.html", sent=True, email=email.strip()[:254])


class ChangePasswordController(Controller):
    path = "/profile/password"
    opt = {"permission": "core.profile"}

    async def _page(self, ctx: RequestContext, errors: dict[str, str], status: int = 200) -> Page:
        return await render(
            ctx,
            "core/access/change_password.html",
            status_code=status,
            errors=errors,
            form={},
            min_length=ctx.portico.settings.password_min_length,
        )

    @get("/")
    async def show(self, ctx: Ctx) -> Page:
        return await self._page(ctx, {})

    @post("/")
    async def save(self, ctx: Ctx, request: Request[Any, Any, Any]) -> Page | Redirect:
        user = ctx.user
        assert user is not None and ctx.session is not None
        form = await form_data(request)
        errors: dict[str, str] = {}
        if not verify_password(user.password_hash, form.get("current", "")):
            errors["current"] = ctx._("Your current password is not right.")
        else:
            problem = new_password_problem(ctx, user, form.get("password", ""), form.get("password2", ""))
            if problem:
                errors["password"] = problem
        if errors:
            return await self._page(ctx, errors, status=400)
        await set_password(ctx, user, form["password"], keep_session=ctx.session.id)
        flash(ctx.session, ctx._("Your password is changed. Your other sessions are signed out."))
        await ctx.db.commit()
        return Redirect("/profile")
