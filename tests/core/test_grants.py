"""Default grants arrive once per tenant and permission: with the tenant, with a module switched
on, or with an upgrade that declares a new permission; an admin's removal is never undone."""

from __future__ import annotations

from sqlalchemy import delete, select

from core import CUSTOMER_USER, VENDOR_ADMIN, Permission
from core.accounts import create_tenant, scoped, set_module_enabled
from core.db import Scope
from core.grants import offer_new_permissions
from core.models import Role, RolePermission, Tenant
from core.plugins import build_plugin_set


def tickets(throwaway_plugin, *keys: str):
    perms = [Permission(key, key, default_roles=(VENDOR_ADMIN, CUSTOMER_USER)) for key in keys]
    return throwaway_plugin("tickets", portico_permissions=lambda: perms)


async def holders(db, tenant_id: int, permission: str) -> set[str]:
    async with scoped(db, Scope(tenant_id)):
        rows = await db.execute(
            select(Role.key)
            .join(RolePermission, RolePermission.role_id == Role.id)
            .where(RolePermission.permission == permission)
        )
        return set(rows.scalars())


async def config_version(db, tenant_id: int) -> int:
    return await db.scalar(select(Tenant.config_version).where(Tenant.id == tenant_id))


async def revoke(db, tenant_id: int, permission: str) -> None:
    async with scoped(db, Scope(tenant_id)):
        await db.execute(delete(RolePermission).where(RolePermission.permission == permission))
        await db.commit()


async def test_an_upgrade_grants_only_the_new_permission_and_keeps_a_removal(db, portico, throwaway_plugin):
    before = build_plugin_set(only=(), extra=[tickets(throwaway_plugin, "tickets.view")])
    tenant = await create_tenant(db, before, "upgraded", "Upgraded Ltd")
    await db.commit()
    assert await holders(db, tenant.id, "tickets.view") == {VENDOR_ADMIN, CUSTOMER_USER}
    await revoke(db, tenant.id, "tickets.view")  # the admin decided customers and staff do without

    after = build_plugin_set(only=(), extra=[tickets(throwaway_plugin, "tickets.view", "tickets.export")])
    version = await config_version(db, tenant.id)
    assert await offer_new_permissions(portico.sessionmaker, after) == 1
    assert await holders(db, tenant.id, "tickets.export") == {VENDOR_ADMIN, CUSTOMER_USER}
    assert await holders(db, tenant.id, "tickets.view") == set()
    assert await config_version(db, tenant.id) > version  # workers rebuild the tenant's state
    assert await offer_new_permissions(portico.sessionmaker, after) == 0  # nothing new the second time


async def test_switching_a_module_off_and_on_keeps_the_admins_choices(db, throwaway_plugin):
    plugins = build_plugin_set(only=(), extra=[tickets(throwaway_plugin, "tickets.view")])
    tenant = await create_tenant(db, plugins, "toggled", "Toggled Ltd")
    await revoke(db, tenant.id, "tickets.view")
    await set_module_enabled(db, plugins, tenant.id, "tickets", False)
    await set_module_enabled(db, plugins, tenant.id, "tickets", True)
    assert await holders(db, tenant.id, "tickets.view") == set()


async def test_a_module_switched_off_gets_its_new_permissions_when_switched_on(db, portico, throwaway_plugin):
    plugins = build_plugin_set(only=(), extra=[tickets(throwaway_plugin, "tickets.view")])
    tenant = await create_tenant(db, plugins, "dormant", "Dormant Ltd")
    await set_module_enabled(db, plugins, tenant.id, "tickets", False)
    await db.commit()
    upgraded = build_plugin_set(only=(), extra=[tickets(throwaway_plugin, "tickets.view", "tickets.export")])
    assert await offer_new_permissions(portico.sessionmaker, upgraded) == 0  # off: nothing to grant yet
    await set_module_enabled(db, upgraded, tenant.id, "tickets", True)
    assert await holders(db, tenant.id, "tickets.export") == {VENDOR_ADMIN, CUSTOMER_USER}
