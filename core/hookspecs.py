"""Every hook a Portico plugin can implement.

Registration hooks are called once, at start-up, and return declarations (frozen dataclasses
from ``core``) or Litestar route handlers. Nothing here is called while a page is served: what
must touch the database per request is an async callable carried by a declaration.

Implement a hook with ``@core.hookimpl`` on a function of the same name in your plugin module.
"""

from __future__ import annotations

from collections.abc import Awaitable, Mapping, Sequence
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from litestar import Litestar
    from litestar.types import ControllerRouterHandler
    from sqlalchemy.ext.asyncio import AsyncSession

    from core.declarations import (
        ActionSource,
        ActivityCounter,
        DocumentType,
        EmailTemplate,
        MenuItem,
        Permission,
        RecordType,
        SeedContext,
        SettingsField,
        Widget,
    )

hookspec = pluggy.HookspecMarker("portico")

# -------------------------------------------------------------------------
# Authorization
# -------------------------------------------------------------------------


@hookspec
def portico_permissions() -> Sequence[Permission]:
    """Declare the permissions this plugin checks.

    Called once at start-up. Return :class:`core.Permission` objects; each names the default roles
    (``core.CUSTOMER_ADMIN``, ``core.CUSTOMER_USER``, ``core.VENDOR_ADMIN``, ``core.VENDOR_STAFF``)
    that receive it when a tenant is created or the module is first enabled. The permissions of a
    disabled module are hidden from the role editor and held by nobody until it is enabled again.
    """


# -------------------------------------------------------------------------
# Web: routes, menu, dashboard, action items
# -------------------------------------------------------------------------


@hookspec
def portico_routes() -> Sequence[ControllerRouterHandler]:
    """Return Litestar controllers, routers or route handlers to mount.

    Called once at start-up. Every handler must declare ``opt={"permission": "..."}`` (or
    ``opt={"public": True}``); the app refuses to start otherwise. The kernel tags the handlers
    with the plugin's name, so they answer 404 for a tenant that has the module switched off.
    Handlers receive ``ctx: core.RequestContext`` and ``db: AsyncSession`` by dependency.
    """


@hookspec
def portico_menu_items() -> Sequence[MenuItem]:
    """Return side-menu entries (:class:`core.MenuItem`).

    Called once at start-up. Per page the kernel keeps the entries of enabled modules whose
    permission the user holds, awaits their ``badge`` counters and sorts them by ``order``.
    """


@hookspec
def portico_widgets() -> Sequence[Widget]:
    """Return dashboard widgets (:class:`core.Widget`).

    Called once at start-up. Per dashboard view the kernel awaits the ``loader`` of each widget the
    user may see and the vendor has not hidden, and renders its ``template`` with the returned
    dict as ``data``. A loader that raises shows an error card; the rest of the page works.
    """


@hookspec
def portico_action_items() -> Sequence[ActionSource]:
    """Return sources of action items (:class:`core.ActionSource`): records awaiting the customer.

    Called once at start-up. The "Action required" page awaits each permitted source's ``loader``,
    which returns a list of :class:`core.ActionItem` for the current user.
    """


@hookspec
def portico_settings_fields() -> Sequence[SettingsField]:
    """Return the module's per-tenant settings (:class:`core.SettingsField`).

    Called once at start-up. Values are stored per tenant with the module; read them with
    ``ctx.module_settings("name")``, which fills in each field's declared default. (The generated
    admin form for them belongs to the vendor admin area.)
    """


@hookspec
def portico_email_templates() -> Sequence[EmailTemplate]:
    """Return the emails the module sends (:class:`core.EmailTemplate`), with default wording.

    Called once at start-up. Vendors may reword each one in the admin area; send one with
    ``await core.send_email(ctx, "quotes.sent", to=[...], context={...})``.
    """


@hookspec
def portico_record_types() -> Sequence[RecordType]:
    """Return the kinds of record the module owns (:class:`core.RecordType`), so the kernel's
    shared services (documents, comments and attachments, discussions) can attach to them.

    Called once at start-up. Keys are ``"<module>.<kind>"``, e.g. ``"quotes.quote"``.
    """


@hookspec
def portico_document_types() -> Sequence[DocumentType]:
    """Return the PDFs the module sends to customers (:class:`core.DocumentType`).

    Called once at start-up. Each names the record type it is made from, its Jinja template and
    context builder; publish one with ``await core.publish(ctx, "quotes.quote", quote,
    recipients=[...])``. Keys are ``"<module>.<kind>"``, e.g. ``"quotes.quote"``.
    """


@hookspec
def portico_activity_counters() -> Sequence[ActivityCounter]:
    """Return counters of open work per customer site (:class:`core.ActivityCounter`).

    Called once at start-up. Site lists (the vendor's customer list, a contact's job sites) show
    each permitted counter's numbers next to every site.
    """


# -------------------------------------------------------------------------
# Translations
# -------------------------------------------------------------------------


@hookspec
def portico_translations() -> Mapping[str, Mapping[str, str]]:
    """Return the plugin's message catalogs: language code → {English msgid: translation}.

    Called once at start-up. The msgids are the English texts your templates wrap in ``_()`` and
    your Python code passes to ``ctx._()``, including your menu labels, widget titles, permission
    and action-source labels and manifest label, which the kernel shows through ``_()``. Keep the
    ``{placeholders}`` of a msgid in its translation. A msgid without a translation is shown in
    English. Your own templates (``templates/<plugin>/...``) use your translation of a msgid
    first; elsewhere the kernel's catalogs are merged first, then plugins' in dependency order,
    and the first translation of a msgid wins, so a plugin cannot reword the kernel's pages.
    """


# -------------------------------------------------------------------------
# Data
# -------------------------------------------------------------------------


@hookspec
def portico_seed_demo(db: AsyncSession, seed: SeedContext) -> Awaitable[None] | None:
    """Add demo data for the demo tenant. May be a coroutine function.

    Called by ``portico demo`` after the kernel created the demo vendor, its customers (a parent
    and two sites), contacts and staff; ``seed`` carries their ids. ``db`` is scoped to the demo
    tenant (inserts get its ``tenant_id``); the kernel commits after every plugin has run.
    """


# -------------------------------------------------------------------------
# Lifecycle
# -------------------------------------------------------------------------


@hookspec
def portico_on_enable(db: AsyncSession, tenant_id: int) -> Awaitable[None] | None:
    """The module was switched on for a tenant (also when a tenant is created). May be async.

    Only the implementation of the module being enabled is called. ``db`` is scoped to that
    tenant; the kernel commits afterwards.
    """


@hookspec
def portico_on_disable(db: AsyncSession, tenant_id: int) -> Awaitable[None] | None:
    """The module was switched off for a tenant. Its data stays. May be async.

    Only the implementation of the module being disabled is called. ``db`` is scoped to that
    tenant; the kernel commits afterwards.
    """


@hookspec
def portico_startup(app: Litestar) -> Awaitable[None] | None:
    """The web application is starting. May be async. Use it to warm caches or check config."""
