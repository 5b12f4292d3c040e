"""Per-tenant runtime state: enabled modules, resolved role permissions, branding.

Built from the database when a tenant's ``config_version`` changes, off to the side, then swapped
in; requests read the finished, immutable :class:`TenantState`.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import casbin
from sqlalchemy import Select, bindparam, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from core.authz import build_enforcer, resolve_role_permissions
from core.branding import Branding
from core.hosts import LOOPBACK, base_url_host
from core.models import Role, RolePermission, Tenant, TenantModule
from core.plugins import CORE_MODULE, PluginSet
from core.settings import Settings


@dataclass(frozen=True)
class RoleInfo:
    id: int
    key: str
    name: str
    audience: str


@dataclass(frozen=True)
class TenantState:
    tenant_id: int
    created_at: Any
    slug: str
    name: str
    version: int
    enabled_modules: frozenset[str]
    roles: dict[int, RoleInfo]
    role_permissions: dict[int, frozenset[str]]
    #: Every permission of the modules this tenant has switched on.
    live_permissions: frozenset[str]
    branding: Branding
    hidden_widgets: frozenset[str]
    module_settings: dict[str, dict[str, Any]]
    enforcer: casbin.Enforcer

    def permissions_of(self, role_id: int) -> frozenset[str]:
        return self.role_permissions.get(role_id, frozenset())

    def is_enabled(self, module: str) -> bool:
        return module == CORE_MODULE or module in self.enabled_modules


class TenantStates:
    """The cache of :class:`TenantState` of one app instance, keyed by tenant id."""

    def __init__(self, plugins: PluginSet) -> None:
        self.plugins = plugins
        self._states: dict[int, TenantState] = {}

    def forget(self, tenant_id: int) -> None:
        self._states.pop(tenant_id, None)

    async def get(self, db: AsyncSession, tenant: Tenant) -> TenantState:
        state = self._states.get(tenant.id)
        # The creation time tells a re-created tenant (an id reused by SQLite) from the old one.
        if state is None or state.version != tenant.config_version or state.created_at != tenant.created_at:
            state = await self.build(db, tenant)
            self._states[tenant.id] = state  # swap in the finished state
        return state

    async def build(self, db: AsyncSession, tenant: Tenant) -> TenantState:
        installed = set(self.plugins.names)
        module_rows = (
            await db.execute(
                select(TenantModule.module, TenantModule.enabled, TenantModule.settings).where(
                    TenantModule.tenant_id == tenant.id
                )
            )
        ).all()
        enabled = frozenset(m for m, on, _ in module_rows if on and m in installed) | {CORE_MODULE}
        settings = {m: dict(s or {}) for m, _, s in module_rows}
        roles = {
            r.id: RoleInfo(r.id, r.key, r.name, r.audience)
            for r in (await db.execute(select(Role).where(Role.tenant_id == tenant.id))).scalars()
        }
        grants = (
            await db.execute(
                select(Role.key, RolePermission.permission)
                .join(Role, Role.id == RolePermission.role_id)
                .where(RolePermission.tenant_id == tenant.id)
            )
        ).all()
        return assemble_state(self.plugins, tenant, enabled, roles, [(role, perm) for role, perm in grants], settings)


def assemble_state(
    plugins: PluginSet,
    tenant: Tenant,
    enabled: frozenset[str],
    roles: dict[int, RoleInfo],
    grants: list[tuple[str, str]],
    module_settings: dict[str, dict[str, Any]],
) -> TenantState:
    """A tenant's state from its rows, with no database access (the benchmark builds these too)."""
    enforcer = build_enforcer(tenant.slug, grants)
    by_key = resolve_role_permissions(enforcer, tenant.slug, [r.key for r in roles.values()])
    live = frozenset(key for key, perm in plugins.permissions.items() if perm.module in enabled)
    return TenantState(
        tenant_id=tenant.id,
        created_at=tenant.created_at,
        slug=tenant.slug,
        name=tenant.name,
        version=tenant.config_version,
        enabled_modules=enabled,
        roles=roles,
        role_permissions={rid: by_key[info.key] & live for rid, info in roles.items()},
        live_permissions=live,
        branding=Branding.from_dict(tenant.branding, default_name=tenant.name),
        hidden_widgets=frozenset((tenant.settings or {}).get("hidden_widgets", ())),
        module_settings=module_settings,
        enforcer=enforcer,
    )


async def resolve_tenant(db: AsyncSession, host: str, settings: Settings) -> Tenant | None:
    """The tenant serving ``host`` (a name from :func:`core.hosts.parse_host`), or None.

    In order: the tenant whose own host it is; ``<slug>.<base domain>`` or ``<slug>.localhost``;
    then, only at ``PORTICO_BASE_URL``'s host or a loopback name, the default tenant or the only
    one. Any other host serves nobody: a name pointed at this server by someone else
    (``acme.attacker.example``, ``attacker.example``) does not reach a vendor's portal.

    One statement whatever the outcome: the candidates by host, slug and default, plus the first
    two tenants (to recognise a one-vendor deployment, which needs no host set-up).
    """
    label, _, parent = host.partition(".")
    bases = {"localhost"} | ({settings.base_domain.lower().strip(".")} if settings.base_domain else set())
    if parent not in bases:
        label = ""
    default_slug = settings.default_tenant
    own_address = host in LOOPBACK or host == base_url_host(settings)
    statement = _tenant_candidates(bool(label), bool(default_slug))
    values = {"host": host, "label": label, "default_slug": default_slug}
    candidates = (await db.execute(statement, values)).scalars().all()
    for matches in (
        lambda t: t.host == host,
        lambda t: bool(label) and t.slug == label,
        lambda t: own_address and t.slug == default_slug,
    ):
        found = next((t for t in candidates if matches(t)), None)
        if found is not None:
            return found
    if not own_address or default_slug:
        return None
    # Nothing matched, so the candidates are exactly the first two tenants: serve the only one.
    return candidates[0] if len(candidates) == 1 else None


@functools.cache
def _tenant_candidates(by_label: bool, by_default: bool) -> Select[Tenant]:
    """The statement of :func:`resolve_tenant`, built once per shape: it runs on every request,
    and building it anew cost more than running it."""
    first_two = select(Tenant.id).order_by(Tenant.id).limit(2).scalar_subquery()
    wanted = [Tenant.host == bindparam("host"), Tenant.id.in_(first_two)]
    if by_label:
        wanted.append(Tenant.slug == bindparam("label"))
    if by_default:
        wanted.append(Tenant.slug == bindparam("default_slug"))
    return select(Tenant).where(or_(*wanted)).order_by(Tenant.id)


async def bump_config_version(db: AsyncSession, tenant_id: int) -> None:
    """Tell every app worker to rebuild this tenant's state on its next request."""
    # Incremented in the database, not from a value read earlier: two admins saving at once must
    # end two versions further on, or a worker could keep a state that is one change stale.
    await db.execute(
        update(Tenant)
        .where(Tenant.id == tenant_id)
        .values(config_version=Tenant.config_version + 1)
        .execution_options(synchronize_session=False)
    )
    # The session's own copy of the row moves on too: a state built later in this session (a
    # background job's context after a settings change) must not pass for the cached, older one.
    loaded = db.sync_session.identity_map.get(identity_key(Tenant, tenant_id))
    if loaded is not None and "config_version" in loaded.__dict__:
        set_committed_value(loaded, "config_version", (loaded.config_version or 0) + 1)
