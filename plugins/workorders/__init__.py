"""Work orders: progress a customer can follow, work they can request, and what was shipped.

The module is made of parts, each a ``feature.py`` of plain hook-named functions (like the
kernel's services): ``progress`` (work orders and the parts' progress bars as customers see
them), ``manage`` (the vendor's pages for work orders, steps, tags and stages, and the ERP's JSON
API), ``requests`` (work requests) and ``shipping`` (purchase orders, packing slips, bills of
lading and the job sites view). The hooks below hand each hook to every part.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from core import (
    ActionSource,
    ActivityCounter,
    DocumentType,
    EmailTemplate,
    Manifest,
    MenuItem,
    Parts,
    Permission,
    RecordType,
    SeedContext,
    SettingsField,
    Widget,
    hookimpl,
)
from plugins.workorders import models as models  # noqa: F401  (the tables, for Alembic and create_all)
from plugins.workorders.manage import feature as manage
from plugins.workorders.progress import feature as progress
from plugins.workorders.requests import feature as requests
from plugins.workorders.shipping import feature as shipping

manifest = Manifest(
    name="workorders",
    label="Work orders",
    version="1.0.0",
    description="Work orders with progress per part, work requests, purchase orders and shipping papers.",
)
PARTS = Parts(progress, manage, requests, shipping)


@hookimpl
def portico_permissions() -> list[Permission]:
    return PARTS.gather("portico_permissions")


@hookimpl
def portico_routes() -> list[Any]:
    return PARTS.gather("portico_routes")


@hookimpl
def portico_menu_items() -> list[MenuItem]:
    return PARTS.gather("portico_menu_items")


@hookimpl
def portico_widgets() -> list[Widget]:
    return PARTS.gather("portico_widgets")


@hookimpl
def portico_action_items() -> list[ActionSource]:
    return PARTS.gather("portico_action_items")


@hookimpl
def portico_settings_fields() -> list[SettingsField]:
    return PARTS.gather("portico_settings_fields")


@hookimpl
def portico_email_templates() -> list[EmailTemplate]:
    return PARTS.gather("portico_email_templates")


@hookimpl
def portico_record_types() -> list[RecordType]:
    return PARTS.gather("portico_record_types")


@hookimpl
def portico_document_types() -> list[DocumentType]:
    return PARTS.gather("portico_document_types")


@hookimpl
def portico_activity_counters() -> list[ActivityCounter]:
    return PARTS.gather("portico_activity_counters")


@hookimpl
def portico_translations() -> dict[str, dict[str, str]]:
    return PARTS.catalogs()


@hookimpl
async def portico_seed_demo(db: AsyncSession, seed: SeedContext) -> None:
    await PARTS.run("portico_seed_demo", db, seed)
