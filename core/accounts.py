"""Tenants, customer accounts, people and roles: the domain actions, with no HTTP in them.

The same functions serve the web pages, the CLI and the demo seeding.
"""

from __future__ import annotations

import asyncio
import inspect
import re
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.db import Scope, TenantOwned, get_scope, set_scope
from core.declarations import CUSTOMER_ADMIN, CUSTOMER_USER, VENDOR_ADMIN, VENDOR_STAFF
from core.grants import offer_permissions
from core.mail.outbox import EMAIL
from core.models import Customer, Role, RolePermission, Tenant, TenantModule, User, WebSession
from core.plugins import CORE_MODULE, PluginSet
from core.tenancy import bump_config_version

DEFAULT_ROLES: tuple[tuple[str, str, str], ...] = (
    (VENDOR_ADMIN, "Vendor admin", "staff"),
    (VENDOR_STAFF, "Vendor staff", "staff"),
    (CUSTOMER_ADMIN, "Customer admin", "customer"),
    (CUSTOMER_USER, "Customer user", "customer"),
)
SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters


class AccountError(ValueError):
    """A request the domain refuses, with a message fit to show the person who made it."""


def use_fast_password_hashing() -> None:
    """Cheap argon2 parameters, for test suites only: at full strength every user a test creates
    or signs in costs most of a second. Hashes made either way verify either way."""
    global _hasher
    _hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    if not password_hash:
        _hasher.hash(password)  # spend the same time as a real check, so timing reveals nothing
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@asynccontextmanager
async def scoped(db: AsyncSession, scope: Scope) -> AsyncIterator[AsyncSession]:
    """Run a block with ``db`` scoped differently, then put the previous scope back.

    Pending changes are flushed under the scope they were made in, and rows the new scope may
    not see leave the identity map (``session.get`` answers from it without a query).
    """
    previous = db.info.get("scope")
    await _switch(db, scope)
    try:
        yield db
    except BaseException:
        _restore(db, previous)  # no flush: the block failed, its changes are the caller's to undo
        raise
    if previous is not None:
        await _switch(db, previous)
    else:
        await db.flush()
        _restore(db, None)


def _restore(db: AsyncSession, previous: Scope | None) -> None:
    if previous is None:
        db.info.pop("scope", None)
    else:
        set_scope(db, previous)


async def _switch(db: AsyncSession, scope: Scope) -> None:
    if db.info.get("scope") is not None:
        await db.flush()
    set_scope(db, scope)
    if not scope.is_system:
        for obj in list(db.identity_map.values()):
            if isinstance(obj, TenantOwned) and obj.tenant_id != scope.tenant_id:
                db.expunge(obj)


async def _maybe_await(value: object) -> None:
    if inspect.isawaitable(value):
        await value


# --- tenants and modules ------------------------------------------------------------------


async def create_tenant(db: AsyncSession, plugins: PluginSet, slug: str, name: str, host: str | None = None) -> Tenant:
    """A new vendor with the default roles, default grants and the default modules switched on."""
    slug = slug.strip().lower()
    if not SLUG.match(slug):
        raise AccountError("A tenant slug is lowercase letters, digits and dashes (at most 63).")
    if not name.strip():
        raise AccountError("Give the tenant a name.")
    async with scoped(db, Scope.system()):
        clash = (Tenant.slug == slug) | (Tenant.host == host.lower()) if host else Tenant.slug == slug
        if await db.scalar(select(Tenant.id).where(clash)):
            raise AccountError(f"A tenant with slug {slug!r} or host {host!r} already exists.")
        tenant = Tenant(slug=slug, name=name.strip(), host=host.lower() if host else None)
        db.add(tenant)
        await db.flush()
    async with scoped(db, Scope(tenant.id)):
        roles = {key: Role(key=key, name=label, audience=aud, builtin=True) for key, label, aud in DEFAULT_ROLES}
        db.add_all(roles.values())
        await db.flush()
        await offer_permissions(db, plugins, [CORE_MODULE])
        for plugin in plugins.modules:
            # A module that starts off gets no row yet: no row means "off, never enabled", and
            # its first enabling grants its default permissions.
            if plugin.manifest.enabled_by_default:
                await set_module_enabled(db, plugins, tenant.id, plugin.name, True)
        await db.flush()
    return tenant


async def set_module_enabled(db: AsyncSession, plugins: PluginSet, tenant_id: int, module: str, enabled: bool) -> None:
    """Switch a module on or off for a tenant; the change shows on every worker's next request.

    Switching a module on grants its permissions to their default roles, once per tenant and
    permission (:mod:`core.grants`): switching it off and on again keeps an admin's choices.
    The plugin's ``portico_on_enable``/``portico_on_disable`` runs on every path.
    """
    if plugins.get(module) is None or module == CORE_MODULE:
        raise AccountError(f"No installed module is called {module!r}.")
    async with scoped(db, Scope(tenant_id)):
        await _check_dependencies(db, plugins, module, enabled)
        row = await db.scalar(select(TenantModule).where(TenantModule.module == module))
        if row is None:
            row = TenantModule(module=module, enabled=enabled)
            db.add(row)
        elif row.enabled == enabled:
            return
        if enabled:
            await offer_permissions(db, plugins, [module])
        row.enabled = enabled
        await db.flush()
        hook = "portico_on_enable" if enabled else "portico_on_disable"
        for result in plugins.call_for(module, hook, db=db, tenant_id=tenant_id):
            await _maybe_await(result)
        await bump_config_version(db, tenant_id)
        await db.flush()


async def _check_dependencies(db: AsyncSession, plugins: PluginSet, module: str, enabled: bool) -> None:
    """A module needs the modules it depends on switched on, and keeps its dependants' ground."""
    on = set((await db.execute(select(TenantModule.module).where(TenantModule.enabled.is_(True)))).scalars())
    on.add(CORE_MODULE)
    loaded = plugins.get(module)
    assert loaded is not None
    if enabled:
        missing = [dep for dep in loaded.manifest.depends if dep not in on]
        if missing:
            labels = ", ".join(_label(plugins, dep) for dep in missing)
            raise AccountError(f"{loaded.manifest.label} needs {labels}: switch that on first.")
    else:
        dependants = [p.manifest.label for p in plugins.modules if module in p.manifest.depends and p.name in on]
        if dependants:
            raise AccountError(f"{', '.join(dependants)} needs {loaded.manifest.label}: switch that off first.")


def _label(plugins: PluginSet, name: str) -> str:
    found = plugins.get(name)
    return found.manifest.label if found else name


# --- customer accounts ----------------------------------------------------------------------


async def create_customer(db: AsyncSession, name: str, parent_id: int | None = None) -> Customer:
    """A customer account; with ``parent_id`` it is a site of that customer."""
    if not name.strip():
        raise AccountError("Give the customer account a name.")
    parent = None
    if parent_id is not None:
        parent = await db.get(Customer, parent_id)
        if parent is None:
            raise AccountError("The parent customer does not exist.")
    customer = Customer(name=name.strip(), parent_id=parent_id)
    db.add(customer)
    await db.flush()  # the path (/parent/.../id/) is filled in on insert
    return customer


async def find_customer(db: AsyncSession, name: str) -> Customer | None:
    return await db.scalar(select(Customer).where(Customer.name == name))


# --- people ---------------------------------------------------------------------------------


async def role_by_key(db: AsyncSession, key: str) -> Role | None:
    return await db.scalar(select(Role).where(Role.key == key))


async def create_user(
    db: AsyncSession,
    *,
    email: str,
    password: str | None,
    role: str,
    customer_id: int | None = None,
    first_name: str = "",
    last_name: str = "",
    title: str = "",
) -> User:
    """Vendor staff (no ``customer_id``) or a contact of that customer account."""
    email = email.strip().lower()
    if not EMAIL.match(email):
        raise AccountError(f"{email!r} is not an email address.")
    role_row = await role_by_key(db, role)
    if role_row is None:
        raise AccountError(f"There is no role {role!r}.")
    wanted = "staff" if customer_id is None else "customer"
    if role_row.audience != wanted:
        raise AccountError(f"Role {role!r} is for {role_row.audience} users, not {wanted} users.")
    if customer_id is not None and await db.get(Customer, customer_id) is None:
        raise AccountError("That customer account does not exist.")
    if await db.scalar(select(User.id).where(User.email == email)):
        raise AccountError(f"A user with email {email} already exists.")
    user = User(
        email=email,
        password_hash=await asyncio.to_thread(hash_password, password) if password else None,
        role_id=role_row.id,
        customer_id=customer_id,
        first_name=first_name,
        last_name=last_name,
        title=title,
    )
    db.add(user)
    await db.flush()
    return user


async def end_sessions_of(db: AsyncSession, user_id: int, *, keep: str | None = None) -> None:
    """Sign a user out everywhere (role change, deactivation), except the session ``keep``."""
    ended = delete(WebSession).where(WebSession.user_id == user_id)
    if keep is not None:
        ended = ended.where(WebSession.id != keep)
    await db.execute(ended)


# --- roles ----------------------------------------------------------------------------------


async def set_role_permissions(
    db: AsyncSession, plugins: PluginSet, role_id: int, permissions: Iterable[str], modules: Iterable[str]
) -> None:
    """Replace a role's grants within the given (enabled) modules; other modules' grants stay."""
    scope = get_scope(db.sync_session)
    role = await db.get(Role, role_id)
    if role is None:
        raise AccountError("That role does not exist.")
    editable = {k for k, p in plugins.permissions.items() if p.module in set(modules)}
    wanted = set(permissions)
    unknown = wanted - editable
    if unknown:
        raise AccountError(f"Unknown permissions: {', '.join(sorted(unknown))}.")
    current = set(
        (await db.execute(select(RolePermission.permission).where(RolePermission.role_id == role_id))).scalars()
    )
    removed = (current & editable) - wanted
    if removed:
        await db.execute(
            delete(RolePermission).where(RolePermission.role_id == role_id, RolePermission.permission.in_(removed))
        )
    db.add_all(RolePermission(role_id=role_id, permission=p) for p in sorted(wanted - current))
    assert scope.tenant_id is not None
    await bump_config_version(db, scope.tenant_id)
    await db.flush()


def customer_assignable_roles(tenant: Tenant) -> list[str]:
    """Role keys a customer admin may give their own users (the vendor chooses; by default the
    two seeded customer roles)."""
    chosen = tenant.settings.get("customer_assignable_roles")
    return list(chosen) if isinstance(chosen, list) else [CUSTOMER_ADMIN, CUSTOMER_USER]
