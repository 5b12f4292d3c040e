"""``portico demo``: a populated demo vendor, its customers and people, and every plugin's demo data."""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.accounts import create_customer, create_tenant, create_user, scoped
from core.db import Scope
from core.declarations import CUSTOMER_ADMIN, CUSTOMER_USER, VENDOR_ADMIN, VENDOR_STAFF, SeedContext
from core.models import Tenant
from core.plugins import PluginSet

DEMO_SLUG = "acme"
DEMO_PASSWORD = "portico-demo"


@dataclass(frozen=True)
class DemoLogin:
    email: str
    role: str
    account: str


PEOPLE = (
    # email, first, last, role, account (None = vendor staff, 0 = parent, 1/2 = sites)
    ("admin@acme.example", "Ada", "Admin", VENDOR_ADMIN, None),
    ("staff@acme.example", "Sam", "Staff", VENDOR_STAFF, None),
    ("buyer@globex.example", "Grace", "Buyer", CUSTOMER_ADMIN, 0),
    ("north@globex.example", "Nora", "North", CUSTOMER_ADMIN, 1),
    ("south@globex.example", "Sid", "South", CUSTOMER_USER, 2),
)


async def seed_demo(db: AsyncSession, plugins: PluginSet, portico: Any = None) -> list[DemoLogin]:
    """Drop the previous demo vendor (if any) and create it afresh; return the logins.

    With ``portico`` (the app being seeded) plugins can also make files, such as sent documents.
    """
    async with scoped(db, Scope.system()):
        old = await db.scalar(select(Tenant).where(Tenant.slug == DEMO_SLUG))
        if old is not None:
            await db.delete(old)
            await db.flush()
    tenant = await create_tenant(db, plugins, DEMO_SLUG, "Acme Precision Parts")
    logins: list[DemoLogin] = []
    async with scoped(db, Scope(tenant.id)):
        tenant.branding = {
            "portal_name": "Acme Customer Portal",
            "welcome_text": "Welcome to Acme's customer portal. Sign in to follow your orders.",
            "after_login_text": "Our plant is closed on December 24-26. Orders ship as usual from the 27th.",
            "contact_email": "service@acme.example",
            "contact_phone": "+1 555 0100",
            "nav_links": [["acme.example", "https://acme.example"]],
        }
        parent = await create_customer(db, "Globex Corporation")
        sites = [
            await create_customer(db, "Globex North Plant", parent.id),
            await create_customer(db, "Globex South Plant", parent.id),
        ]
        accounts = [parent, *sites]
        staff: list[int] = []
        contacts: list[int] = []
        for email, first, last, role, account in PEOPLE:
            customer = accounts[account] if account is not None else None
            user = await create_user(
                db,
                email=email,
                password=DEMO_PASSWORD,
                role=role,
                customer_id=customer.id if customer else None,
                first_name=first,
                last_name=last,
            )
            (staff if customer is None else contacts).append(user.id)
            logins.append(DemoLogin(email, role, customer.name if customer else "Acme (vendor staff)"))
        seed = SeedContext(
            tenant_id=tenant.id,
            parent_customer_id=parent.id,
            site_customer_ids=tuple(s.id for s in sites),
            staff_user_ids=tuple(staff),
            contact_user_ids=tuple(contacts),
            portico=portico,
        )
        for _name, result in plugins.call_each("portico_seed_demo", db=db, seed=seed):
            if inspect.isawaitable(result):
                await result
            await db.flush()
    await db.commit()
    return logins
