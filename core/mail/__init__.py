"""Email for the kernel and plugins: declared templates, the vendor's wording, the outbox.

A plugin declares its emails with ``portico_email_templates`` and sends one with
:func:`send_email`; nothing is sent before the request's transaction commits, and the worker
delivers it (retrying while the SMTP server is away).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from core.mail.models import EmailTemplateOverride, OutboxMessage
from core.mail.outbox import Attachment, MailError, clean_address, queue_email
from core.mail.templates import EmailTemplateError, RenderedEmail, check_source, render_email, render_source

if TYPE_CHECKING:
    from core.context import RequestContext

__all__ = [
    "Attachment",
    "EmailTemplateError",
    "EmailTemplateOverride",
    "MailError",
    "OutboxMessage",
    "RenderedEmail",
    "check_source",
    "clean_address",
    "queue_email",
    "render_email",
    "render_source",
    "send_email",
]


def portal_values(ctx: RequestContext) -> dict[str, Any]:
    """What every email template may use: the portal's name and address, the vendor's contacts."""
    return {
        "portal_name": ctx.branding.portal_name or ctx.tenant.name,
        "portal_url": ctx.portal_url(),
        "vendor_name": ctx.tenant.name,
        "contact_email": ctx.branding.contact_email,
        "contact_phone": ctx.branding.contact_phone,
    }


async def send_email(
    ctx: RequestContext,
    template: str,
    *,
    to: Sequence[str],
    context: Mapping[str, Any],
    attachments: Sequence[Attachment] = (),
    language: str | None = None,
    reply_to: str | None = None,
) -> OutboxMessage:
    """Render the tenant's version of the ``template`` email and queue it.

    ``context`` holds the event's variables (those the template declares); the portal's own
    (``portal_name``, ``portal_url``, ``vendor_name``, ``contact_email``, ``contact_phone``) are
    added. ``language`` defaults to the portal's.
    """
    declared = ctx.portico.plugins.email_templates.get(template)
    if declared is None:
        raise MailError(f"no email template {template!r} is declared")
    rendered = await render_email(
        ctx.db,
        declared,
        portal_values(ctx) | dict(context),
        language=language or ctx.branding.language or "en",
        translations=ctx.portico.plugins.translations,
    )
    return await queue_email(
        ctx.db,
        ctx.portico.storage,
        to=to,
        subject=rendered.subject,
        text=rendered.body,
        attachments=attachments,
        reply_to=reply_to or ctx.branding.contact_email or None,
        event=template,
        created_by=ctx.user.id if ctx.user else None,
    )
