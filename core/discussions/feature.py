"""The discussions service's part of the kernel plugin: permissions, menu, pages, email, demo data."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.declarations import (
    CUSTOMER_ADMIN,
    CUSTOMER_USER,
    VENDOR_ADMIN,
    VENDOR_STAFF,
    EmailTemplate,
    MenuItem,
    Permission,
    SeedContext,
)
from core.discussions.access import STAFF, VIEW
from core.discussions.listing import unread_count
from core.discussions.pages import DiscussionsController
from core.discussions.posting import REPLY_EMAIL
from core.discussions.seeding import seed_thread
from core.i18n import N_
from core.models import User


def portico_permissions() -> Sequence[Permission]:
    return [
        Permission(
            VIEW,
            N_("Take part in discussions"),
            default_roles=(CUSTOMER_ADMIN, CUSTOMER_USER, VENDOR_ADMIN, VENDOR_STAFF),
        ),
        Permission(
            STAFF,
            N_("See every customer's discussions and mark them internal"),
            default_roles=(VENDOR_ADMIN, VENDOR_STAFF),
            audience="staff",
        ),
    ]


def portico_menu_items() -> Sequence[MenuItem]:
    return [MenuItem("discussions", N_("Discussions"), "/discussions", VIEW, order=60, icon="chat", badge=unread_count)]


def portico_routes() -> Sequence[Any]:
    return [DiscussionsController]


def portico_email_templates() -> Sequence[EmailTemplate]:
    return [
        EmailTemplate(
            REPLY_EMAIL,
            N_("New message in a discussion"),
            subject=N_("{{ author }} wrote in “{{ subject }}”"),
            body=N_(
                "{{ author }} wrote in the discussion “{{ subject }}”:\n\n{{ excerpt }}\n\n"
                "Read it and reply: {{ link }}\n"
            ),
            variables=(
                ("author", N_("Who wrote the message")),
                ("subject", N_("The discussion's subject")),
                ("excerpt", N_("The beginning of the message")),
                ("link", N_("The link to the discussion")),
            ),
        )
    ]


async def portico_seed_demo(db: AsyncSession, seed: SeedContext) -> None:
    """A conversation between a site's contact and staff, an internal thread about that site, and
    a staff thread about another site (so each site has discussions of its own)."""
    if not seed.staff_user_ids or not seed.contact_user_ids:
        return
    contacts = {u.id: u for u in (await db.execute(select(User).where(User.id.in_(seed.contact_user_ids)))).scalars()}
    # The thread's account is the contact's own: prefer a contact of a site over one of the parent.
    contact = next(
        (
            contacts[i]
            for i in seed.contact_user_ids
            if i in contacts and contacts[i].customer_id in seed.site_customer_ids
        ),
        contacts.get(seed.contact_user_ids[0]),
    )
    if contact is None or contact.customer_id is None:
        return
    staff = seed.staff_user_ids[0]
    await seed_thread(
        db,
        customer_id=contact.customer_id,
        subject="Delivery dates for the spring order",
        posts=[
            (contact.id, "Could you confirm when the spring order ships? Our line restarts on the 14th."),
            (staff, "The first half ships on the 10th, the rest a week later. I will send the tracking numbers."),
        ],
        participant_ids=[contact.id, staff],
    )
    await seed_thread(
        db,
        customer_id=contact.customer_id,
        subject="Credit check before releasing the spring order",
        posts=[(staff, "Their last two invoices were paid late; check the credit limit before we ship.")],
        participant_ids=list(seed.staff_user_ids),
        internal=True,
    )
    other_sites = [site for site in seed.site_customer_ids if site != contact.customer_id]
    if other_sites:
        await seed_thread(
            db,
            customer_id=other_sites[-1],
            subject="Site visit to plan the boiler replacement",
            posts=[(staff, "Who can meet us on site next week to measure the boiler room?")],
            participant_ids=list(seed.staff_user_ids),
        )
