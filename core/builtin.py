"""The kernel's own pages, permissions, menu and widgets, registered like any plugin's.

The kernel's larger services (mail, documents, conversations, ...) each live in their own
package and list what they declare in a module of :data:`core.features.FEATURES`; the hooks
below add those declarations to the kernel's own.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from litestar import Litestar, Request, Response, get
from litestar.static_files import create_static_files_router
from litestar.types import ControllerRouterHandler
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from core.context import RequestContext
from core.dashboard import count_action_items
from core.declarations import (
    CUSTOMER_ADMIN,
    CUSTOMER_USER,
    VENDOR_ADMIN,
    VENDOR_STAFF,
    ActionSource,
    ActivityCounter,
    EmailTemplate,
    Manifest,
    MenuItem,
    Permission,
    RecordType,
    SeedContext,
    Widget,
)
from core.features import KERNEL_PARTS, gather
from core.hookimpl import hookimpl
from core.i18n import N_, load_catalogs
from core.models import ContactRequest
from core.outage import RETRY_AFTER
from core.pages.admin import (
    ApiTokensController,
    BrandingController,
    ContactRequestsController,
    DashboardSettingsController,
    ModulesController,
    RolesController,
)
from core.pages.auth import AuthController
from core.pages.portal import ContactController, PortalController, ProfileController
from core.recent import recent_items
from core.version import __version__

manifest = Manifest(
    name="core",
    label=N_("Portal"),
    version=__version__,
    description=N_("The kernel: sign-in, dashboard, menus, roles, branding."),
)

EVERYONE = (CUSTOMER_ADMIN, CUSTOMER_USER, VENDOR_ADMIN, VENDOR_STAFF)
CUSTOMERS = (CUSTOMER_ADMIN, CUSTOMER_USER)
STATIC_DIR = Path(__file__).resolve().parent / "static"
# The seeded roles' names are data (core.accounts), shown through _() like every label.
ROLE_NAMES = (N_("Vendor admin"), N_("Vendor staff"), N_("Customer admin"), N_("Customer user"))


@hookimpl
def portico_permissions() -> Sequence[Permission]:
    return [*_own_permissions(), *gather("portico_permissions")]


def _own_permissions() -> list[Permission]:
    return [
        Permission("core.dashboard", N_("See the dashboard"), default_roles=EVERYONE),
        Permission("core.profile", N_("Edit own profile"), default_roles=EVERYONE),
        Permission("core.actions", N_("See the records awaiting action"), default_roles=EVERYONE),
        Permission("core.recent", N_("See recently opened records"), default_roles=EVERYONE),
        Permission("core.access", N_("See what my role allows"), default_roles=EVERYONE),
        Permission("core.contact", N_("Send a message to the vendor"), default_roles=CUSTOMERS, audience="customer"),
        Permission(
            "core.admin.modules", N_("Switch modules on and off"), default_roles=(VENDOR_ADMIN,), audience="staff"
        ),
        Permission(
            "core.admin.roles", N_("Edit roles and permissions"), default_roles=(VENDOR_ADMIN,), audience="staff"
        ),
        Permission(
            "core.admin.branding", N_("Edit the portal's branding"), default_roles=(VENDOR_ADMIN,), audience="staff"
        ),
        Permission(
            "core.admin.dashboard", N_("Choose dashboard widgets"), default_roles=(VENDOR_ADMIN,), audience="staff"
        ),
        Permission("core.admin.api_tokens", N_("Manage API tokens"), default_roles=(VENDOR_ADMIN,), audience="staff"),
        Permission(
            "core.admin.contact_requests",
            N_("Read customers' messages"),
            default_roles=(VENDOR_ADMIN, VENDOR_STAFF),
            audience="staff",
        ),
    ]


async def _open_messages(ctx: RequestContext) -> int | None:
    count = await ctx.db.scalar(select(func.count(ContactRequest.id)).where(ContactRequest.handled.is_(False)))
    return count or None


@hookimpl
def portico_menu_items() -> Sequence[MenuItem]:
    return [*_own_menu_items(), *gather("portico_menu_items")]


def _own_menu_items() -> list[MenuItem]:
    return [
        MenuItem("dashboard", N_("Dashboard"), "/", "core.dashboard", order=0, icon="home"),
        MenuItem(
            "actions", N_("Action required"), "/actions", "core.actions", order=1, icon="bell", badge=count_action_items
        ),
        MenuItem("recent", N_("Recent"), "/recent", "core.recent", order=900, icon="clock"),
        MenuItem("contact", N_("Contact us"), "/contact", "core.contact", order=950, icon="mail"),
        MenuItem(
            "modules",
            N_("Modules"),
            "/admin/modules",
            "core.admin.modules",
            order=10,
            section="admin",
            parent="settings",
        ),
        MenuItem(
            "roles", N_("Roles"), "/admin/roles", "core.admin.roles", order=20, section="admin", parent="settings"
        ),
        MenuItem(
            "branding",
            N_("Branding"),
            "/admin/branding",
            "core.admin.branding",
            order=30,
            section="admin",
            parent="settings",
        ),
        MenuItem(
            "widgets",
            N_("Dashboard cards"),
            "/admin/dashboard",
            "core.admin.dashboard",
            order=40,
            section="admin",
            parent="settings",
        ),
        MenuItem(
            "api_tokens",
            N_("API tokens"),
            "/admin/api-tokens",
            "core.admin.api_tokens",
            order=60,
            section="admin",
            parent="settings",
        ),
        MenuItem(
            "messages",
            N_("Customer messages"),
            "/admin/messages",
            "core.admin.contact_requests",
            order=50,
            section="admin",
            badge=_open_messages,
        ),
    ]


async def _welcome(ctx: RequestContext) -> dict[str, Any]:
    return {"text": ctx.branding.after_login_text, "user": ctx.user}


async def _recent(ctx: RequestContext) -> dict[str, Any]:
    return {"items": await recent_items(ctx, limit=5)}


@hookimpl
def portico_widgets() -> Sequence[Widget]:
    return [
        Widget("welcome", N_("Welcome"), "core/widgets/welcome.html", _welcome, "core.dashboard", order=0, size=8),
        Widget("recent", N_("Recently opened"), "core/widgets/recent.html", _recent, "core.recent", order=900, size=4),
        *gather("portico_widgets"),
    ]


@hookimpl
def portico_action_items() -> Sequence[ActionSource]:
    return gather("portico_action_items")


@hookimpl
def portico_email_templates() -> Sequence[EmailTemplate]:
    return gather("portico_email_templates")


@hookimpl
def portico_record_types() -> Sequence[RecordType]:
    return gather("portico_record_types")


@hookimpl
def portico_activity_counters() -> Sequence[ActivityCounter]:
    return gather("portico_activity_counters")


@hookimpl
async def portico_seed_demo(db: AsyncSession, seed: SeedContext) -> None:
    await KERNEL_PARTS.run("portico_seed_demo", db, seed)


@hookimpl
async def portico_startup(app: Litestar) -> None:
    await KERNEL_PARTS.run("portico_startup", app)


@hookimpl
def portico_translations() -> Mapping[str, Mapping[str, str]]:
    return load_catalogs()


@get("/healthz", opt={"tenantless": True})
async def healthz(request: Request[Any, Any, Any]) -> Response[dict[str, Any]]:
    """200 when the database answers, 503 (with ``Retry-After``) when it does not; the outage is
    logged once, not at every probe."""
    portico = request.app.state.portico
    try:
        async with portico.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
    except Exception as error:
        portico.outage.failed(error)
        body = {"status": "unavailable", "database": "unreachable"}
        return Response(body, status_code=503, headers={"Retry-After": str(RETRY_AFTER)})
    portico.outage.recovered()
    return Response({"status": "ok", "database": "ok", "version": __version__}, status_code=200)


@hookimpl
def portico_routes() -> Sequence[ControllerRouterHandler]:
    return [
        healthz,
        create_static_files_router(path="/static", directories=[STATIC_DIR], opt={"tenantless": True}),
        AuthController,
        PortalController,
        ContactController,
        ProfileController,
        ModulesController,
        RolesController,
        BrandingController,
        DashboardSettingsController,
        ContactRequestsController,
        ApiTokensController,
        *gather("portico_routes"),
    ]
