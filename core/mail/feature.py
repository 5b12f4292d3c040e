"""The mail service's part of the kernel plugin: its pages, permissions and menu entries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from litestar.types import ControllerRouterHandler
from sqlalchemy.ext.asyncio import AsyncSession

from core.accounts import scoped
from core.db import Scope, utcnow
from core.declarations import VENDOR_ADMIN, EmailTemplate, MenuItem, Permission, SeedContext
from core.i18n import N_
from core.mail.models import FAILED, SENT, OutboxMessage
from core.mail.pages import EmailTemplatesController, OutboxController

CONTACT_REQUEST = EmailTemplate(
    "core.contact_request",
    N_("A customer's message (to you)"),
    subject=N_("Message from {{ customer_name }}: {{ subject }}"),
    body=N_(
        "{{ sender_name }} ({{ sender_email }}), {{ customer_name }}:\n\n"
        "{{ message }}\n\n{{ portal_url }}/admin/messages\n"
    ),
    variables=(
        ("subject", N_("The subject the customer gave")),
        ("message", N_("The customer's message")),
        ("sender_name", N_("The contact's name")),
        ("sender_email", N_("The contact's email address")),
        ("customer_name", N_("The customer account's name")),
    ),
)


def portico_permissions() -> Sequence[Permission]:
    return [
        Permission(
            "core.admin.outbox", N_("See sent and failed email"), default_roles=(VENDOR_ADMIN,), audience="staff"
        ),
        Permission(
            "core.admin.email_templates",
            N_("Reword the portal's emails"),
            default_roles=(VENDOR_ADMIN,),
            audience="staff",
        ),
    ]


def portico_menu_items() -> Sequence[MenuItem]:
    return [
        MenuItem(
            "outbox", N_("Outbox"), "/admin/outbox", "core.admin.outbox", order=70, section="admin", parent="settings"
        ),
        MenuItem(
            "email_templates",
            N_("Email templates"),
            "/admin/email-templates",
            "core.admin.email_templates",
            order=75,
            section="admin",
            parent="settings",
        ),
    ]


def portico_routes() -> Sequence[ControllerRouterHandler]:
    return [OutboxController, EmailTemplatesController]


def portico_email_templates() -> Sequence[EmailTemplate]:
    return [CONTACT_REQUEST]


async def portico_seed_demo(db: AsyncSession, seed: SeedContext) -> None:
    """A delivered and a failed email, so the outbox page has something to show."""
    from sqlalchemy import select

    from core.models import Customer, User

    async with scoped(db, Scope(seed.tenant_id)):
        contact = await db.get(User, seed.contact_user_ids[0]) if seed.contact_user_ids else None
        customer = await db.get(Customer, seed.parent_customer_id)
        if contact is None or customer is None:
            return
        if await db.scalar(select(OutboxMessage.id).limit(1)) is not None:
            return  # a refreshed demo keeps its outbox
        now = utcnow()
        db.add(
            OutboxMessage(
                event="demo.welcome",
                recipients=[contact.email],
                subject=f"Welcome to the portal, {contact.first_name}",
                text_body=f"Hello {contact.first_name},\n\nyour account at {customer.name} is ready.\n",
                state=SENT,
                attempts=1,
                created_at=now - dt.timedelta(days=2),
                sent_at=now - dt.timedelta(days=2),
            )
        )
        db.add(
            OutboxMessage(
                event="demo.reminder",
                recipients=[f"former.buyer@{customer.name.split()[0].lower()}.invalid"],
                subject=f"Reminder for {customer.name}",
                text_body="Your order is ready for collection.\n",
                state=FAILED,
                attempts=1,
                last_error="every recipient was refused: 550 5.1.1 mailbox unavailable",
                created_at=now - dt.timedelta(days=1),
            )
        )
        await db.flush()
