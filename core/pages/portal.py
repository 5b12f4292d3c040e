"""The pages every user has: dashboard, action required, recent, contact us, my access, profile."""

from __future__ import annotations

import contextlib
from typing import Any
from zoneinfo import available_timezones

from litestar import Controller, Request, get, post
from litestar.response import Redirect
from sqlalchemy import select

from core.branding import LANGUAGES
from core.context import Ctx
from core.dashboard import load_action_items, load_cards
from core.mail import MailError, send_email
from core.models import ContactRequest, Customer
from core.recent import recent_items
from core.web.forms import form_data
from core.web.rendering import Page, render
from core.web.sessions import flash

TIMEZONES = sorted(available_timezones())


class PortalController(Controller):
    @get("/", opt={"permission": "core.dashboard"})
    async def dashboard(self, ctx: Ctx) -> Page:
        return await render(ctx, "core/dashboard.html", cards=await load_cards(ctx))

    @get("/actions", opt={"permission": "core.actions"})
    async def actions(self, ctx: Ctx) -> Page:
        return await render(ctx, "core/actions.html", groups=await load_action_items(ctx))

    @get("/recent", opt={"permission": "core.recent"})
    async def recent(self, ctx: Ctx) -> Page:
        return await render(ctx, "core/recent.html", items=await recent_items(ctx, limit=50))

    @get("/my-access", opt={"permission": "core.access"})
    async def my_access(self, ctx: Ctx) -> Page:
        assert ctx.user is not None
        plugins = ctx.portico.plugins
        groups = []
        for plugin in plugins.plugins:
            if not ctx.state.is_enabled(plugin.name):
                continue
            perms = [p for p in plugins.permissions.values() if p.module == plugin.name]
            if perms:
                groups.append((plugin.manifest.label, [(p, ctx.can(p.key)) for p in perms]))
        role = ctx.state.roles.get(ctx.user.role_id)
        return await render(ctx, "core/my_access.html", groups=groups, role=role)


class ContactController(Controller):
    path = "/contact"

    async def _page(self, ctx: Ctx, status_code: int = 200, **context: Any) -> Page:
        sent = []
        if ctx.user is not None and ctx.user.customer_id is not None:
            sent = list(
                (
                    await ctx.db.execute(
                        select(ContactRequest)
                        .where(ContactRequest.user_id == ctx.user.id)
                        .order_by(ContactRequest.created_at.desc())
                        .limit(10)
                    )
                ).scalars()
            )
        context.setdefault("form", {})
        context.setdefault("errors", {})
        return await render(ctx, "core/contact.html", status_code=status_code, sent=sent, **context)

    @get("/", opt={"permission": "core.contact"})
    async def show(self, ctx: Ctx) -> Page:
        return await self._page(ctx)

    @post("/", opt={"permission": "core.contact"})
    async def send(self, ctx: Ctx, request: Request[Any, Any, Any]) -> Page | Redirect:
        assert ctx.user is not None
        form = await form_data(request)
        errors = {}
        subject, body = form.get("subject", "").strip(), form.get("body", "").strip()
        if not subject:
            errors["subject"] = ctx._("Say in a few words what this is about.")
        if not body:
            errors["body"] = ctx._("Write your message.")
        elif len(body) > 5000:
            errors["body"] = ctx._("Keep the message under 5000 characters (it has {count}).", count=len(body))
        if len(subject) > 200:
            errors["subject"] = ctx._("Keep the subject under 200 characters.")
        if ctx.user.customer_id is None:
            errors["body"] = ctx._("Only customer contacts send messages from here.")
        if errors:
            return await self._page(ctx, status_code=400, form=form, errors=errors)
        assert ctx.user.customer_id is not None
        ctx.db.add(
            ContactRequest(customer_id=ctx.user.customer_id, user_id=ctx.user.id, subject=subject[:200], body=body)
        )
        if ctx.branding.contact_email:  # the vendor hears of it by email too, and can reply directly
            customer = await ctx.db.get(Customer, ctx.user.customer_id)
            with contextlib.suppress(MailError):  # a malformed contact address must not lose the message
                await send_email(
                    ctx,
                    "core.contact_request",
                    to=[ctx.branding.contact_email],
                    context={
                        "subject": subject[:200],
                        "message": body,
                        "sender_name": ctx.user.display_name,
                        "sender_email": ctx.user.email,
                        "customer_name": customer.name if customer else "",
                    },
                    reply_to=ctx.user.email,
                )
        flash(ctx.session, ctx._("Your message was sent. We will get back to you."))
        await ctx.db.commit()
        return Redirect("/contact")


class ProfileController(Controller):
    path = "/profile"
    opt = {"permission": "core.profile"}

    async def _page(self, ctx: Ctx, form: dict[str, str], errors: dict[str, str], status: int = 200) -> Page:
        return await render(
            ctx,
            "core/profile.html",
            status_code=status,
            form=form,
            errors=errors,
            timezones=TIMEZONES,
            languages=LANGUAGES,
        )

    @get("/")
    async def show(self, ctx: Ctx) -> Page:
        user = ctx.user
        assert user is not None
        form = {
            "first_name": user.first_name,
            "last_name": user.last_name,
            "title": user.title,
            "phone": user.phone,
            "timezone": user.timezone,
            "language": user.language,
        }
        return await self._page(ctx, form, {})

    @post("/")
    async def save(self, ctx: Ctx, request: Request[Any, Any, Any]) -> Page | Redirect:
        user = ctx.user
        assert user is not None
        form = {k: v.strip() for k, v in (await form_data(request)).items()}
        errors = {}
        if not form.get("first_name"):
            errors["first_name"] = ctx._("Your first name is required.")
        elif len(form["first_name"]) > 100:
            errors["first_name"] = ctx._("Your first name is too long (at most 100 characters).")
        if not form.get("last_name"):
            errors["last_name"] = ctx._("Your last name is required.")
        elif len(form["last_name"]) > 100:
            errors["last_name"] = ctx._("Your last name is too long (at most 100 characters).")
        if form.get("timezone", "UTC") not in TIMEZONES and form.get("timezone") != "UTC":
            errors["timezone"] = ctx._("Choose a time zone from the list.")
        if form.get("language", "") not in ("", *LANGUAGES):  # "": follow the portal's language
            errors["language"] = ctx._("Choose a language from the list.")
        if len(form.get("phone", "")) > 50:
            errors["phone"] = ctx._("The phone number is too long.")
        if len(form.get("title", "")) > 100:
            errors["title"] = ctx._("The title is too long.")
        if errors:
            return await self._page(ctx, form, errors, status=400)
        user.first_name, user.last_name = form["first_name"], form["last_name"]
        user.title, user.phone = form.get("title", ""), form.get("phone", "")
        user.timezone, user.language = form.get("timezone") or "UTC", form.get("language", "")
        flash(ctx.session, ctx._("Your profile is saved."))
        await ctx.db.commit()
        return Redirect("/profile")
