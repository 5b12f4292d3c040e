"""Pages of notices: the contacts' Messages and Announcements, and the staff's admin pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect
from sqlalchemy import select

from core.context import Ctx, RequestContext
from core.db import utcnow
from core.models import Customer
from core.notices import announcements as news
from core.notices import messages
from core.notices.models import Announcement
from core.web.forms import form_lists
from core.web.inputs import IntegerInputError
from core.web.rendering import Page, render
from core.web.sessions import flash


async def customer_choices(ctx: RequestContext) -> list[tuple[str, str]]:
    """Active accounts as (id, name) in tree order, sites indented under their parent."""
    customers = (await ctx.db.execute(select(Customer).where(Customer.active.is_(True)))).scalars()
    ordered = sorted(customers, key=lambda c: [int(p) for p in c.path.strip("/").split("/") if p])
    return [(str(c.id), "— " * c.depth + c.name) for c in ordered]


def _single(form: dict[str, list[str]]) -> dict[str, str]:
    return {key: values[-1].strip() for key, values in form.items() if values}


# --- contacts -------------------------------------------------------------------------------


class MessagesController(Controller):
    path = "/messages"
    opt = {"permission": "core.messages"}

    @get("/")
    async def index(self, ctx: Ctx) -> Page:
        return await render(ctx, "core/notices/messages.html", received=await messages.inbox(ctx))

    @get("/{message_id:int}")
    async def show(self, ctx: Ctx, message_id: FromPath[int]) -> Page:
        message = await messages.open_message(ctx, message_id)
        if message is None:
            raise NotFoundException()
        await ctx.db.commit()
        return await render(ctx, "core/notices/message.html", message=message)


class AnnouncementsController(Controller):
    path = "/announcements"
    opt = {"permission": "core.announcements"}

    @get("/")
    async def index(self, ctx: Ctx) -> Page:
        items = await news.latest_news(ctx)
        # The markers are shown once more on this page, then cleared: the user has now seen them.
        await news.mark_seen(ctx, [item.announcement.id for item in items if item.new])
        await ctx.db.commit()
        return await render(ctx, "core/notices/announcements.html", items=items)

    @get("/{announcement_id:int}")
    async def show(self, ctx: Ctx, announcement_id: FromPath[int]) -> Page:
        announcement = await news.open_announcement(ctx, announcement_id)
        if announcement is None:
            raise NotFoundException()
        await ctx.db.commit()
        return await render(ctx, "core/notices/announcement.html", announcement=announcement)


# --- staff ----------------------------------------------------------------------------------


class AdminMessagesController(Controller):
    path = "/admin/notices/messages"
    opt = {"permission": "core.admin.notices"}

    async def _page(self, ctx: Ctx, status_code: int = 200, **context: Any) -> Page:
        context.setdefault("form", {})
        context.setdefault("errors", {})
        return await render(
            ctx,
            "core/admin/notices/messages.html",
            status_code=status_code,
            sent=await messages.sent_messages(ctx),
            customers=await customer_choices(ctx),
            **context,
        )

    @get("/")
    async def index(self, ctx: Ctx) -> Page:
        return await self._page(ctx)

    @post("/", opt={"integers": ("customer_id",)})
    async def send(self, ctx: Ctx, request: Request[Any, Any, Any]) -> Page | Redirect:
        try:
            form = _single(await form_lists(request))
        except IntegerInputError as refused:
            return await self._page(ctx, status_code=400, form=refused.form, errors=refused.errors(ctx))
        errors: dict[str, str] = {}
        customers = dict(await customer_choices(ctx))
        if form.get("customer_id", "") not in customers:
            errors["customer_id"] = ctx._("Choose the customer account to write to.")
        subject, body = form.get("subject", ""), form.get("body", "")
        if not subject:
            errors["subject"] = ctx._("Say in a few words what this is about.")
        elif len(subject) > messages.SUBJECT_MAX:
            errors["subject"] = ctx._("Keep the subject under 200 characters.")
        if not body:
            errors["body"] = ctx._("Write your message.")
        elif len(body) > messages.BODY_MAX:
            errors["body"] = ctx._("Keep the message under 20000 characters.")
        if errors:
            return await self._page(ctx, status_code=400, form=form, errors=errors)
        await messages.post_message(
            ctx,
            int(form["customer_id"]),
            subject,
            body,
            include_sites=form.get("include_sites") == "1",
            email=form.get("email") == "1",
        )
        flash(ctx.session, ctx._("Message posted."))
        await ctx.db.commit()
        return Redirect("/admin/notices/messages")


AUDIENCE = {"integers": ("customer_ids",)}  # the announcement form's (the kernel checks them)


async def _announcement_form(
    ctx: RequestContext, request: Request[Any, Any, Any]
) -> tuple[dict[str, Any], dict[str, str]]:
    """The announcement form as posted, checked; the kernel's refusals of its integers among the errors."""
    customers = dict(await customer_choices(ctx))
    try:
        return _parse_announcement(ctx, await form_lists(request), customers)
    except IntegerInputError as refused:
        form, errors = _parse_announcement(ctx, refused.lists, customers)
        return form, errors | refused.errors(ctx)


def _parse_announcement(
    ctx: RequestContext, submitted: dict[str, list[str]], customers: dict[str, str]
) -> tuple[dict[str, Any], dict[str, str]]:
    """The form's values (title, body, publish_until, customer_ids) and the errors found."""
    form: dict[str, Any] = _single(submitted)
    errors: dict[str, str] = {}
    if not form.get("title"):
        errors["title"] = ctx._("Give the announcement a title.")
    elif len(form["title"]) > news.TITLE_MAX:
        errors["title"] = ctx._("Keep the title under 200 characters.")
    if not form.get("body"):
        errors["body"] = ctx._("Write the announcement.")
    elif len(form["body"]) > news.BODY_MAX:
        errors["body"] = ctx._("Keep the announcement under 20000 characters.")
    until = None
    if form.get("publish_until"):
        try:
            until = dt.date.fromisoformat(form["publish_until"])
        except ValueError:
            errors["publish_until"] = ctx._("Enter the date as YYYY-MM-DD, or leave it empty.")
        else:
            if until < utcnow().date():
                errors["publish_until"] = ctx._("Choose today or a later date, or leave it empty.")
    chosen = submitted.get("customer_ids", [])
    if form.get("audience") == "chosen":
        if not chosen:
            errors["customer_ids"] = ctx._("Choose at least one customer account, or send it to all.")
        elif any(c not in customers for c in chosen):
            errors["customer_ids"] = ctx._("Choose the customer accounts from the list.")
    else:
        chosen = []
    form["customer_ids"] = chosen
    form["until"] = until
    return form, errors


class AdminAnnouncementsController(Controller):
    path = "/admin/notices/announcements"
    opt = {"permission": "core.admin.notices"}

    async def _list(self, ctx: Ctx, status_code: int = 200, **context: Any) -> Page:
        context.setdefault("form", {"audience": "all", "customer_ids": []})
        context.setdefault("errors", {})
        return await render(
            ctx,
            "core/admin/notices/announcements.html",
            status_code=status_code,
            published=await news.all_announcements(ctx),
            customers=await customer_choices(ctx),
            **context,
        )

    async def _edit(self, ctx: Ctx, announcement: Announcement, status_code: int = 200, **context: Any) -> Page:
        context.setdefault("errors", {})
        return await render(
            ctx,
            "core/admin/notices/announcement_edit.html",
            status_code=status_code,
            announcement=announcement,
            customers=await customer_choices(ctx),
            **context,
        )

    async def _load(self, ctx: Ctx, announcement_id: int) -> Announcement:
        announcement = await ctx.db.get(Announcement, announcement_id)
        if announcement is None:
            raise NotFoundException()
        return announcement

    @get("/")
    async def index(self, ctx: Ctx) -> Page:
        return await self._list(ctx)

    @post("/", opt=AUDIENCE)
    async def create(self, ctx: Ctx, request: Request[Any, Any, Any]) -> Page | Redirect:
        form, errors = await _announcement_form(ctx, request)
        if errors:
            return await self._list(ctx, status_code=400, form=form, errors=errors)
        await news.save_announcement(
            ctx,
            None,
            title=form["title"],
            body=form["body"],
            publish_until=form["until"],
            customer_ids=[int(c) for c in form["customer_ids"]],
        )
        flash(ctx.session, ctx._("Announcement published."))
        await ctx.db.commit()
        return Redirect("/admin/notices/announcements")

    @get("/{announcement_id:int}")
    async def edit(self, ctx: Ctx, announcement_id: FromPath[int]) -> Page:
        announcement = await self._load(ctx, announcement_id)
        chosen = [str(c) for c in await news.audience_of(ctx, announcement.id)]
        form = {
            "title": announcement.title,
            "body": announcement.body,
            "publish_until": announcement.publish_until.isoformat() if announcement.publish_until else "",
            "audience": "all" if announcement.all_customers else "chosen",
            "customer_ids": chosen,
        }
        return await self._edit(ctx, announcement, form=form)

    @post("/{announcement_id:int}", opt=AUDIENCE)
    async def save(self, ctx: Ctx, announcement_id: FromPath[int], request: Request[Any, Any, Any]) -> Page | Redirect:
        announcement = await self._load(ctx, announcement_id)
        form, errors = await _announcement_form(ctx, request)
        if errors:
            return await self._edit(ctx, announcement, status_code=400, form=form, errors=errors)
        await news.save_announcement(
            ctx,
            announcement,
            title=form["title"],
            body=form["body"],
            publish_until=form["until"],
            customer_ids=[int(c) for c in form["customer_ids"]],
        )
        flash(ctx.session, ctx._("Announcement saved."))
        await ctx.db.commit()
        return Redirect("/admin/notices/announcements")

    @post("/{announcement_id:int}/withdraw")
    async def withdraw(self, ctx: Ctx, announcement_id: FromPath[int]) -> Redirect:
        announcement = await self._load(ctx, announcement_id)
        if announcement.withdrawn_at is None:
            announcement.withdrawn_at = utcnow()
        flash(ctx.session, ctx._("Announcement withdrawn: customers no longer see it."))
        await ctx.db.commit()
        return Redirect("/admin/notices/announcements")
