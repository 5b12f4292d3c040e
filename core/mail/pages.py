"""Staff pages of the mail service: the outbox, and the vendor's wording of each email."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, QueryParameter
from litestar.response import Redirect
from sqlalchemy import select

from core.context import Ctx, RequestContext
from core.db import utcnow
from core.declarations import EmailTemplate
from core.i18n import N_
from core.mail import portal_values
from core.mail.models import FAILED, QUEUED, SENT, EmailTemplateOverride, OutboxMessage
from core.mail.templates import (
    EmailTemplateError,
    check_source,
    load_override,
    off_loop,
    render_source,
    sample_values,
)
from core.web.forms import form_data
from core.web.rendering import Page, render
from core.web.sessions import flash

#: The states staff filter the outbox by ('sending' lasts seconds; it shows under "all").
STATE_FILTERS = {QUEUED: N_("Queued"), SENT: N_("Sent"), FAILED: N_("Failed")}
STATE_LABELS = {**STATE_FILTERS, "sending": N_("Sending")}
PAGE_SIZE = 200


class OutboxController(Controller):
    path = "/admin/outbox"
    opt = {"permission": "core.admin.outbox"}

    @get("/")
    async def index(self, ctx: Ctx, show: Annotated[str | None, QueryParameter(name="state")] = None) -> Page:
        query = select(OutboxMessage).order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
        chosen = show if show in STATE_FILTERS else ""
        if chosen:
            query = query.where(OutboxMessage.state == chosen)
        messages = list((await ctx.db.scalars(query.limit(PAGE_SIZE))).all())
        return await render(
            ctx, "core/mail/outbox.html", messages=messages, chosen=chosen, filters=STATE_FILTERS, labels=STATE_LABELS
        )

    @get("/{message_id:int}")
    async def show(self, ctx: Ctx, message_id: FromPath[int]) -> Page:
        message = await ctx.db.get(OutboxMessage, message_id)
        if message is None:
            raise NotFoundException()
        return await render(ctx, "core/mail/outbox_message.html", message=message, labels=STATE_LABELS)

    @post("/{message_id:int}/retry")
    async def retry(self, ctx: Ctx, message_id: FromPath[int]) -> Redirect:
        message = await ctx.db.get(OutboxMessage, message_id)
        if message is None:
            raise NotFoundException()
        if message.state != FAILED:
            flash(ctx.session, ctx._("Only a failed message can be sent again."), "error")
        else:
            # A fresh start: due now, with the full series of attempts ahead of it.
            message.state, message.attempts, message.next_attempt_at = QUEUED, 0, utcnow()
            flash(ctx.session, ctx._("The message is queued again and goes out shortly."))
        await ctx.db.commit()
        return Redirect(f"/admin/outbox/{message_id}")


def _declared(ctx: RequestContext, key: str) -> EmailTemplate:
    """A template of a module that is on for this portal, or 404."""
    declared = ctx.portico.plugins.email_templates.get(key)
    if declared is None or not ctx.state.is_enabled(declared.module):
        raise NotFoundException()
    return declared


class EmailTemplatesController(Controller):
    path = "/admin/email-templates"
    opt = {"permission": "core.admin.email_templates"}

    @get("/")
    async def index(self, ctx: Ctx) -> Page:
        customised = set((await ctx.db.scalars(select(EmailTemplateOverride.key))).all())
        templates = [
            t for t in ctx.portico.plugins.email_templates.values() if ctx.state.is_enabled(t.module)
        ]  # declaration order: the kernel's first, then each plugin's
        return await render(ctx, "core/mail/templates.html", templates=templates, customised=customised)

    async def _page(
        self, ctx: RequestContext, declared: EmailTemplate, form: dict[str, str], error: str = "", status: int = 200
    ) -> Page:
        preview = None
        if not error:
            values = sample_values(declared) | portal_values(ctx)
            try:
                preview = await off_loop(render_source, form["subject"], form["body"], values)
            except EmailTemplateError as exc:  # a saved template the sandbox (or its limits) now refuses
                error = str(exc)
        override = await load_override(ctx.db, declared.key)
        return await render(
            ctx,
            "core/mail/template_edit.html",
            status_code=status,
            declared=declared,
            form=form,
            error=error,
            preview=preview,
            customised=override is not None,
        )

    @get("/{key:str}")
    async def edit(self, ctx: Ctx, key: FromPath[str]) -> Page:
        declared = _declared(ctx, key)
        override = await load_override(ctx.db, key)
        if override is not None:
            form = {"subject": override.subject, "body": override.body}
        else:
            # The default in the portal's language: what customers get today.
            translations, language = ctx.portico.plugins.translations, ctx.branding.language or "en"
            form = {
                "subject": translations.lookup(language, declared.subject),
                "body": translations.lookup(language, declared.body),
            }
        return await self._page(ctx, declared, form)

    @post("/{key:str}")
    async def save(self, ctx: Ctx, key: FromPath[str], request: Request[Any, Any, Any]) -> Page | Redirect:
        declared = _declared(ctx, key)
        submitted = await form_data(request)
        form = {"subject": submitted.get("subject", ""), "body": submitted.get("body", "").replace("\r\n", "\n")}
        error = ""
        if not form["subject"].strip():
            error = ctx._("The subject cannot be empty.")
        elif len(form["subject"]) > 300:
            error = ctx._("Keep the subject under 300 characters.")
        elif not form["body"].strip():
            error = ctx._("The text cannot be empty.")
        else:
            try:
                await off_loop(check_source, declared, form["subject"], form["body"])
            except EmailTemplateError as exc:
                error = ctx._("This template cannot be used: {reason}", reason=str(exc))
        if error:
            return await self._page(ctx, declared, form, error, status=400)
        if submitted.get("action") == "preview":
            return await self._page(ctx, declared, form)
        override = await load_override(ctx.db, key)
        if override is None:
            override = EmailTemplateOverride(key=key, subject=form["subject"], body=form["body"])
            ctx.db.add(override)
        override.subject, override.body = form["subject"], form["body"]
        override.updated_by = ctx.user.id if ctx.user else None
        flash(ctx.session, ctx._("Your wording is saved; emails use it from now on."))
        await ctx.db.commit()
        return Redirect(f"/admin/email-templates/{key}")

    @post("/{key:str}/reset")
    async def reset(self, ctx: Ctx, key: FromPath[str]) -> Redirect:
        _declared(ctx, key)
        override = await load_override(ctx.db, key)
        if override is not None:
            await ctx.db.delete(override)
        flash(ctx.session, ctx._("The email is back to its default wording."))
        await ctx.db.commit()
        return Redirect(f"/admin/email-templates/{key}")
