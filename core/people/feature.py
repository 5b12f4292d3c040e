"""The people service's part of the kernel plugin: customers, contacts, customer admins' users."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from litestar.types import ControllerRouterHandler
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.accounts import create_user
from core.context import RequestContext
from core.declarations import (
    CUSTOMER_ADMIN,
    CUSTOMER_USER,
    VENDOR_ADMIN,
    ActivityCounter,
    MenuItem,
    Permission,
    SeedContext,
)
from core.i18n import N_
from core.models import RIGHT, WRONG, ContactRequest, LoginAttempt
from core.people.pages import ContactsController, CustomersController, UsersController


def portico_permissions() -> Sequence[Permission]:
    return [
        Permission(
            "core.admin.customers",
            N_("Manage customer accounts and sites"),
            default_roles=(VENDOR_ADMIN,),
            audience="staff",
        ),
        Permission(
            "core.admin.contacts", N_("Manage customer contacts"), default_roles=(VENDOR_ADMIN,), audience="staff"
        ),
        Permission(
            "core.users.manage",
            N_("Manage the users of my own account"),
            default_roles=(CUSTOMER_ADMIN,),
            audience="customer",
        ),
    ]


def portico_menu_items() -> Sequence[MenuItem]:
    return [
        MenuItem("customers", N_("Customers"), "/admin/customers", "core.admin.customers", order=4, section="admin"),
        MenuItem(
            "contacts",
            N_("Contacts"),
            "/admin/contacts",
            "core.admin.contacts",
            order=5,
            section="admin",
            parent="customers",
        ),
        MenuItem("users", N_("Users"), "/users", "core.users.manage", order=800, icon="users"),
    ]


async def _unhandled_messages(ctx: RequestContext, customer_ids: Sequence[int]) -> Mapping[int, int]:
    rows = await ctx.db.execute(
        select(ContactRequest.customer_id, func.count(ContactRequest.id))
        .where(ContactRequest.handled.is_(False), ContactRequest.customer_id.in_(customer_ids))
        .group_by(ContactRequest.customer_id)
    )
    return {row[0]: row[1] for row in rows}


def portico_activity_counters() -> Sequence[ActivityCounter]:
    return [
        ActivityCounter(
            "contact_requests", N_("Unanswered messages"), _unhandled_messages, "core.admin.contact_requests"
        )
    ]


def portico_routes() -> Sequence[ControllerRouterHandler]:
    return [CustomersController, ContactsController, UsersController]


DEMO_BROWSER = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36"
)


async def portico_seed_demo(db: AsyncSession, seed: SeedContext) -> None:
    """A contact on file without a login, an inactive one, an open message and a sign-in history."""
    north, south = seed.site_customer_ids[0], seed.site_customer_ids[-1]
    buyer = await create_user(
        db,
        email="paula.purchasing@globex.example",
        password=None,
        role=CUSTOMER_USER,
        customer_id=north,
        first_name="Paula",
        last_name="Purchasing",
        title="Purchasing clerk",
    )
    buyer.portal_access = False
    former = await create_user(
        db,
        email="felix.former@globex.example",
        password=None,
        role=CUSTOMER_USER,
        customer_id=south,
        first_name="Felix",
        last_name="Former",
    )
    former.active = False
    db.add(
        ContactRequest(
            customer_id=south,
            user_id=former.id,
            subject="Certificate of conformity",
            body="Please send the certificate for our last order.",
        )
    )
    for result in (WRONG, RIGHT):
        db.add(
            LoginAttempt(email=former.email, user_id=former.id, ip="192.0.2.10", user_agent=DEMO_BROWSER, result=result)
        )
    await db.flush()
