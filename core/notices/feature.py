"""The notices service's part of the kernel plugin: permissions, menus, the News card, pages,
the email sent with a message, and demo data."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from litestar.types import ControllerRouterHandler
from sqlalchemy.ext.asyncio import AsyncSession

from core.context import RequestContext
from core.db import utcnow
from core.declarations import (
    CUSTOMER_ADMIN,
    CUSTOMER_USER,
    VENDOR_ADMIN,
    VENDOR_STAFF,
    EmailTemplate,
    MenuItem,
    Permission,
    SeedContext,
    Widget,
)
from core.i18n import N_
from core.notices.announcements import latest_news
from core.notices.messages import MESSAGE_EMAIL, unread_count
from core.notices.models import Announcement, AnnouncementAudience, Message
from core.notices.pages import (
    AdminAnnouncementsController,
    AdminMessagesController,
    AnnouncementsController,
    MessagesController,
)

CUSTOMERS = (CUSTOMER_ADMIN, CUSTOMER_USER)
# The email sent with a message (a vendor may reword it); the contact reads the rest in the portal.
BODY = N_("{{ vendor_name }} wrote to {{ account }}:\n\n{{ subject }}\n\n{{ body }}\n\nIn the portal: {{ link }}\n")
STAFF = (VENDOR_ADMIN, VENDOR_STAFF)


def portico_permissions() -> Sequence[Permission]:
    return [
        Permission("core.messages", N_("Read the vendor's messages"), default_roles=CUSTOMERS, audience="customer"),
        Permission("core.announcements", N_("Read announcements"), default_roles=(*CUSTOMERS, *STAFF)),
        Permission("core.admin.notices", N_("Post messages and announcements"), default_roles=STAFF, audience="staff"),
    ]


def portico_menu_items() -> Sequence[MenuItem]:
    return [
        MenuItem(
            "notices_messages", N_("Messages"), "/messages", "core.messages", order=800, icon="mail", badge=unread_count
        ),
        MenuItem("announcements", N_("News"), "/announcements", "core.announcements", order=810, icon="megaphone"),
        MenuItem(
            "notices_admin_messages",
            N_("Messages to customers"),
            "/admin/notices/messages",
            "core.admin.notices",
            order=52,
            section="admin",
        ),
        MenuItem(
            "notices_admin_announcements",
            N_("Announcements"),
            "/admin/notices/announcements",
            "core.admin.notices",
            order=54,
            section="admin",
            parent="notices_admin_messages",
        ),
    ]


async def _news_card(ctx: RequestContext) -> dict[str, Any]:
    return {"items": await latest_news(ctx, limit=5)}


def portico_widgets() -> Sequence[Widget]:
    return [Widget("news", N_("News"), "core/notices/news_widget.html", _news_card, "core.announcements", order=20)]


def portico_routes() -> Sequence[ControllerRouterHandler]:
    return [MessagesController, AnnouncementsController, AdminMessagesController, AdminAnnouncementsController]


def portico_email_templates() -> Sequence[EmailTemplate]:
    return [
        EmailTemplate(
            MESSAGE_EMAIL,
            N_("A message was posted to a customer account"),
            subject=N_("{{ subject }} — message from {{ vendor_name }}"),
            body=BODY,
            variables=(
                ("name", N_("The contact's name")),
                ("account", N_("The customer account's name")),
                ("subject", N_("The message's subject")),
                ("body", N_("The message's text")),
                ("link", N_("The link to the message in the portal")),
            ),
        )
    ]


async def portico_seed_demo(db: AsyncSession, seed: SeedContext) -> None:
    author = seed.staff_user_ids[0] if seed.staff_user_ids else None
    now = utcnow()
    db.add_all(
        [
            Message(
                customer_id=seed.parent_customer_id,
                include_sites=True,
                subject="Holiday shipping schedule",
                body="Orders placed after December 20 ship on January 3.\nRush orders: call us.",
                created_by=author,
                created_at=now - dt.timedelta(days=2),
            ),
            *(
                Message(
                    customer_id=site,
                    subject=f"Your quality contact for site {n}",
                    body=f"Questions about certificates for this site (no. {n}) go to our quality desk.",
                    created_by=author,
                    created_at=now - dt.timedelta(hours=n),
                )
                for n, site in enumerate(seed.site_customer_ids, start=1)
            ),
        ]
    )
    db.add(
        Announcement(
            title="New anodizing line in operation",
            body="Our second anodizing line doubles capacity.\nLead times drop to five days.",
            created_by=author,
            created_at=now - dt.timedelta(days=3),
        )
    )
    for n, site in enumerate(seed.site_customer_ids, start=1):
        targeted = Announcement(
            title=f"Site inspection planned (site {n})",
            body=f"Our auditor visits site no. {n} next month.",
            all_customers=False,
            created_by=author,
        )
        db.add(targeted)
        await db.flush()
        db.add(AnnouncementAudience(announcement_id=targeted.id, customer_id=site))
    await db.flush()
