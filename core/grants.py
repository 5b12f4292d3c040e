"""Default grants: each permission's ``default_roles`` get it once per tenant, whenever it arrives.

A permission arrives with the tenant (the kernel's), with a module switched on, or with an
upgrade that declares a new one. Each tenant remembers which permissions it was offered
(:class:`core.models.PermissionOffer`), so an upgrade grants only what is new and an admin's
deliberate removal is never undone.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.db import Scope
from core.models import PermissionOffer, Role, RolePermission, Tenant, TenantModule
from core.plugins import CORE_MODULE, PluginSet
from core.tenancy import bump_config_version

log = logging.getLogger("portico.grants")


async def offer_permissions(db: AsyncSession, plugins: PluginSet, modules: Iterable[str]) -> int:
    """Grant the not yet offered permissions of ``modules`` to the scope's tenant's default roles.

    Returns how many permissions were offered (0: nothing new).
    """
    wanted = set(modules)
    declared = [perm for perm in plugins.permissions.values() if perm.module in wanted]
    if not declared:
        return 0
    offered = set((await db.execute(select(PermissionOffer.permission))).scalars())
    new = [perm for perm in declared if perm.key not in offered]
    if not new:
        return 0
    roles = {role.key: role for role in (await db.execute(select(Role))).scalars()}
    held = {
        (role, key) for role, key in (await db.execute(select(RolePermission.role_id, RolePermission.permission))).all()
    }
    for perm in new:
        db.add(PermissionOffer(permission=perm.key))
        for key in perm.default_roles:
            role = roles.get(key)
            if role is not None and (role.id, perm.key) not in held:
                db.add(RolePermission(role_id=role.id, permission=perm.key))
    await db.flush()
    return len(new)


async def offer_new_permissions(sessionmaker: async_sessionmaker[AsyncSession], plugins: PluginSet) -> int:
    """After an upgrade: give every tenant the default grants of permissions it was never offered.

    Cheap when nothing is new (one grouped count); run at start-up by every worker, which is safe
    because a worker that loses the race to another skips that tenant.
    """
    from core.accounts import scoped

    changed = 0
    async with sessionmaker() as db, scoped(db, Scope.system()):
        on = select(TenantModule.tenant_id, TenantModule.module).where(TenantModule.enabled)
        tenant_ids = list((await db.execute(select(Tenant.id))).scalars())
        modules_of: dict[int, set[str]] = {tenant_id: {CORE_MODULE} for tenant_id in tenant_ids}
        for tenant_id, module in (await db.execute(on)).all():
            modules_of.setdefault(tenant_id, {CORE_MODULE}).add(module)
        owners = {module: sum(module in mods for mods in modules_of.values()) for module in plugins.names}
        per_permission = select(PermissionOffer.permission, func.count()).group_by(PermissionOffer.permission)
        counts = {key: count for key, count in (await db.execute(per_permission)).all()}
        behind = {
            perm.module for perm in plugins.permissions.values() if counts.get(perm.key, 0) < owners.get(perm.module, 0)
        }
    if not behind:
        return 0
    for tenant_id, modules in modules_of.items():
        if not modules & behind:
            continue
        async with sessionmaker() as db, scoped(db, Scope(tenant_id)):
            try:
                if await offer_permissions(db, plugins, modules & behind):
                    await bump_config_version(db, tenant_id)
                    changed += 1
                await db.commit()
            except IntegrityError:
                await db.rollback()  # another worker offered them at the same moment
    if changed:
        log.info("default grants of new permissions given to %d tenant(s)", changed)
    return changed
