"""A route may name several permissions, any one of which lets the user in."""

from __future__ import annotations

from litestar import get

from core import CUSTOMER_USER, VENDOR_ADMIN, VENDOR_STAFF, Permission


@get("/shared", opt={"permission": ("desk.file", "desk.handle")})
async def shared_page() -> str:
    return "shared page"


async def test_any_of_the_routes_permissions_lets_the_user_in(portal_factory, throwaway_plugin, db):
    from core import create_customer, scoped
    from core.db import Scope

    plugin = throwaway_plugin(
        "desk",
        portico_permissions=lambda: [
            Permission("desk.file", "File", default_roles=(CUSTOMER_USER,)),
            Permission("desk.handle", "Handle", default_roles=(VENDOR_ADMIN,), audience="staff"),
        ],
        portico_routes=lambda: [shared_page],
    )
    portal = await portal_factory([plugin])
    async with scoped(db, Scope(portal.tenant.id)):
        account = await create_customer(db, "Initech")
        await db.commit()
    for role, customer, status in (
        (CUSTOMER_USER, account, 200),
        (VENDOR_ADMIN, None, 200),
        (VENDOR_STAFF, None, 403),  # holds neither
    ):
        client = await portal.client(await portal.user(role, customer))
        assert (await client.get("/shared")).status_code == status, role
