"""The cost of a permission check, in process, with 1 / 100 / 10,000 tenants.

Each tenant gets 4 roles and grants drawn from a 15-permission catalog (about 36 rules), turned
into a real :class:`core.tenancy.TenantState` through ``core.authz.build_enforcer`` and
``resolve_role_permissions``, as ``TenantStates.build`` does after its three queries. Then:

(a) the request-path check: ``permission in frozenset`` (what ``ctx.can`` does), the same through
    ``RequestContext.can``, and with the tenant-state lookup and ``permissions_of`` in front;
(b) a raw pycasbin ``enforcer.enforce(role, domain, permission)`` on the tenant's own enforcer;
(c) one rebuild of a tenant's state (enforcer + resolved permission sets);
(d) for contrast, ``enforce`` on ONE enforcer holding every tenant's rules (the design the
    kernel avoids); only built for small tenant counts, since adding policies is superlinear.

Every loop is bounded in iterations and in time; per-operation costs are medians of batches.
"""

from __future__ import annotations

import gc
import os
import random
import statistics
import time
import types
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import casbin

from core.authz import MODEL_PATH
from core.context import RequestContext
from core.db import utcnow
from core.declarations import CUSTOMER_ADMIN, CUSTOMER_USER, VENDOR_ADMIN, VENDOR_STAFF, Manifest, Permission
from core.hookimpl import hookimpl
from core.models import Tenant
from core.plugins import PluginSet, build_plugin_set
from core.tenancy import RoleInfo, TenantState, assemble_state

CATALOG = (
    "core.dashboard",
    "core.profile",
    "core.actions",
    "core.recent",
    "core.access",
    "core.contact",
    "core.admin.modules",
    "core.admin.roles",
    "core.admin.branding",
    "core.admin.dashboard",
    "core.admin.contact_requests",
    "orders.view",
    "orders.create",
    "invoices.view",
    "tickets.view",
)
ROLES = (
    (VENDOR_ADMIN, "staff", 15),
    (VENDOR_STAFF, "staff", 9),
    (CUSTOMER_ADMIN, "customer", 7),
    (CUSTOMER_USER, "customer", 5),
)


def tenant_grants(rng: random.Random) -> list[tuple[str, str]]:
    return [(key, perm) for key, _aud, count in ROLES for perm in rng.sample(CATALOG, count)]


def _bench_plugins() -> PluginSet:
    """The kernel plus a plugin declaring the catalog's non-kernel permissions, all enabled."""
    extra = types.ModuleType("bench_modules")
    extra.manifest = Manifest(name="orders", label="Orders", version="1")  # type: ignore[attr-defined]
    keys = [key for key in CATALOG if not key.startswith("core.")]
    extra.portico_permissions = hookimpl(lambda: [Permission(key, key) for key in keys])  # type: ignore[attr-defined]
    return build_plugin_set(discover=lambda: [], extra=[extra])


PLUGINS = _bench_plugins()
ENABLED = frozenset({"core", "orders"})


def build_state(index: int, grants: list[tuple[str, str]]) -> TenantState:
    """What ``TenantStates.build`` makes of one tenant's rows, through the kernel's own assembly."""
    slug = f"tenant-{index}"
    tenant = Tenant(id=index, slug=slug, name=slug, config_version=1, branding={}, settings={}, created_at=utcnow())
    roles = {index * 4 + k: RoleInfo(index * 4 + k, key, key, aud) for k, (key, aud, _n) in enumerate(ROLES)}
    return assemble_state(PLUGINS, tenant, ENABLED, roles, grants, {})


def rss_mb() -> float | None:
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        return None


class LazyStates(dict[int, TenantState]):
    """Tenant states built on first use (what the app's cache does anyway)."""

    def __init__(self, grants: list[list[tuple[str, str]]]) -> None:
        super().__init__()
        self.grants = grants
        self.lazy_built = 0
        self.lazy_seconds = 0.0

    def __missing__(self, index: int) -> TenantState:
        started = time.perf_counter()
        state = self[index] = build_state(index, self.grants[index])
        self.lazy_seconds += time.perf_counter() - started
        self.lazy_built += 1
        return state


@dataclass
class PermResult:
    tenants: int
    eager_built: int = 0
    build_seconds: float = 0.0
    rss_delta_mb: float | None = None
    in_frozenset_us: float = 0.0
    ctx_can_us: float = 0.0
    lookup_can_us: float = 0.0
    enforce_us: float = 0.0
    enforce_calls: int = 0
    enforce_mismatches: int = 0
    rebuild_us: float = 0.0
    rebuild_p95_us: float = 0.0
    rebuilds: int = 0
    shared_build_seconds: float | None = None
    shared_enforce_us: float | None = None
    shared_calls: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def build_ms_per_tenant(self) -> float:
        return self.build_seconds / self.eager_built * 1e3 if self.eager_built else 0.0


def per_op(batch: Callable[[], Any], ops: int, *, batches: int, seconds: float) -> tuple[float, int]:
    """Median seconds per operation over up to ``batches`` runs of ``batch`` (stops after ``seconds``)."""
    timings = []
    deadline = time.perf_counter() + seconds
    for _ in range(batches):
        started = time.perf_counter()
        batch()
        timings.append((time.perf_counter() - started) / ops)
        if time.perf_counter() > deadline:
            break
    return statistics.median(timings), len(timings) * ops


def measure(
    tenants: int,
    *,
    seed: int = 1,
    build_budget: float = 30.0,
    checks: int = 50_000,
    enforce_seconds: float = 3.0,
    shared_max: int = 100,
) -> PermResult:
    rng = random.Random(seed)
    result = PermResult(tenants)
    grants = [tenant_grants(rng) for _ in range(tenants)]
    states = LazyStates(grants)

    gc.collect()
    rss_before = rss_mb()
    started = time.perf_counter()
    for index in range(tenants):
        states[index] = build_state(index, grants[index])
        if index % 256 == 255 and time.perf_counter() - started > build_budget:
            result.notes.append(
                f"{tenants} tenants: stopped building eagerly after {index + 1} in {build_budget:.0f} s;"
                " the rest are built on first use"
            )
            break
    result.build_seconds = time.perf_counter() - started
    result.eager_built = len(states)
    gc.collect()
    rss_after = rss_mb()
    if rss_before is not None and rss_after is not None:
        result.rss_delta_mb = rss_after - rss_before

    # Random (tenant, role, permission) picks; built tenants only, so no build lands in a timing.
    built = list(states)
    picks = []
    for _ in range(checks):
        index = rng.choice(built)
        picks.append((index, index * 4 + rng.randrange(4), rng.choice(CATALOG)))

    # (a) the request-path check, loop overhead subtracted.
    pairs = [(states[t].permissions_of(r), p) for t, r, p in picks]

    def context(tenant: int, role: int) -> RequestContext:
        state = states[tenant]  # a context as ContextMiddleware fills it (nothing else is read by can())
        return RequestContext(None, None, None, state, permissions=state.permissions_of(role))  # type: ignore[arg-type]

    contexts = [(context(t, r), p) for t, r, p in picks]

    def empty() -> int:
        hits = 0
        for _s, perm in pairs:
            if perm:
                hits += 1
        return hits

    def in_frozenset() -> int:
        hits = 0
        for permissions, perm in pairs:
            if perm in permissions:
                hits += 1
        return hits

    def ctx_can() -> int:
        hits = 0
        for ctx, perm in contexts:
            if ctx.can(perm):
                hits += 1
        return hits

    def lookup_can() -> int:
        hits = 0
        for tenant, role, perm in picks:
            if perm in states[tenant].permissions_of(role):
                hits += 1
        return hits

    loop, _n = per_op(empty, len(pairs), batches=5, seconds=5)
    result.in_frozenset_us = max(0.0, per_op(in_frozenset, len(pairs), batches=5, seconds=5)[0] - loop) * 1e6
    result.ctx_can_us = max(0.0, per_op(ctx_can, len(contexts), batches=5, seconds=5)[0] - loop) * 1e6
    result.lookup_can_us = max(0.0, per_op(lookup_can, len(picks), batches=5, seconds=5)[0] - loop) * 1e6

    # (b) raw pycasbin on the tenant's own enforcer.
    role_keys = [key for key, _aud, _n in ROLES]
    calls = [
        (states[t].enforcer, role_keys[r % 4], f"tenant-{t}", p, p in states[t].permissions_of(r))
        for t, r, p in picks[:200]
    ]
    mismatches = 0

    def enforce_batch() -> None:
        nonlocal mismatches
        for enforcer, role, domain, perm, expected in calls:
            if enforcer.enforce(role, domain, perm) != expected:
                mismatches += 1

    enforce_batch()  # warm-up (the matcher is compiled on first use)
    per_call, result.enforce_calls = per_op(enforce_batch, len(calls), batches=10, seconds=enforce_seconds)
    result.enforce_us = per_call * 1e6
    result.enforce_mismatches = mismatches

    # (c) rebuilding one tenant's state after its grants changed.
    rebuilds = []
    deadline = time.perf_counter() + enforce_seconds
    for _ in range(300):
        index = rng.randrange(tenants)
        began = time.perf_counter()
        build_state(index, grants[index])
        rebuilds.append(time.perf_counter() - began)
        if time.perf_counter() > deadline:
            break
    rebuilds.sort()
    result.rebuild_us = statistics.median(rebuilds) * 1e6
    result.rebuild_p95_us = rebuilds[min(len(rebuilds) - 1, int(len(rebuilds) * 0.95))] * 1e6
    result.rebuilds = len(rebuilds)
    if states.lazy_built:
        result.notes.append(f"{states.lazy_built} tenants were built lazily in {states.lazy_seconds:.1f} s")

    # (d) contrast: one enforcer for every tenant.
    if tenants <= shared_max:
        began = time.perf_counter()
        shared = casbin.Enforcer(str(MODEL_PATH))
        shared.add_policies([[role, f"tenant-{i}", perm] for i, rules in enumerate(grants) for role, perm in rules])
        result.shared_build_seconds = time.perf_counter() - began
        shared_calls = [(role, domain, perm, expected) for _e, role, domain, perm, expected in calls[:20]]
        shared.enforce(*shared_calls[0][:3])

        def shared_batch() -> None:
            nonlocal mismatches
            for role, domain, perm, expected in shared_calls:
                if shared.enforce(role, domain, perm) != expected:
                    mismatches += 1

        per_call, result.shared_calls = per_op(shared_batch, len(shared_calls), batches=10, seconds=enforce_seconds)
        result.shared_enforce_us = per_call * 1e6
        result.enforce_mismatches = mismatches
        del shared

    states.clear()  # the caller's gc.collect() frees the rest before the next tenant count
    return result
