"""The import service's part of the kernel plugin: its permissions, pages and demo job."""

from __future__ import annotations

from collections.abc import Sequence

from litestar.types import ControllerRouterHandler
from sqlalchemy.ext.asyncio import AsyncSession

from core.declarations import CUSTOMER_ADMIN, VENDOR_ADMIN, Permission, SeedContext
from core.i18n import N_
from core.imports.checks import CUSTOMER, STAFF
from core.imports.models import DONE, ImportJob
from core.imports.pages import PERMISSION_CUSTOMER, PERMISSION_STAFF, ContactImportController, UserImportController


def portico_permissions() -> Sequence[Permission]:
    return [
        Permission(
            PERMISSION_STAFF, N_("Import contacts from a CSV file"), default_roles=(VENDOR_ADMIN,), audience="staff"
        ),
        Permission(
            PERMISSION_CUSTOMER,
            N_("Import users of my account from a CSV file"),
            default_roles=(CUSTOMER_ADMIN,),
            audience="customer",
        ),
    ]


def portico_routes() -> Sequence[ControllerRouterHandler]:
    return [ContactImportController, UserImportController]


async def portico_seed_demo(db: AsyncSession, seed: SeedContext) -> None:
    """A finished import for a vendor admin and one for a customer admin, each with a skipped row."""
    skipped = [
        {
            "line": 3,
            "email": "not-an-address",
            "problems": [{"code": "invalid_email", "values": {"email": "not-an-address"}}],
        }
    ]
    for audience, people in ((STAFF, seed.staff_user_ids), (CUSTOMER, seed.contact_user_ids)):
        if people:
            db.add(
                ImportJob(
                    created_by=people[0],
                    audience=audience,
                    state=DONE,
                    filename="demo-people.csv",
                    total=1,
                    done=1,
                    created=1,
                    skipped=1,
                    errors=skipped,
                )
            )
    await db.flush()
