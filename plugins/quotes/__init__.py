"""Quotes: estimates and sales orders a customer reviews, approves, questions and reorders.

The module is made of parts, each a ``feature.py`` of plain hook-named functions (like the
kernel's services): ``portal`` is what customers see and do, ``admin`` the vendor's pages and the
ERP's JSON API. The hooks below hand each hook to every part.
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
from plugins.quotes import models as models  # noqa: F401  (the tables, for Alembic and create_all)
from plugins.quotes.admin import feature as admin
from plugins.quotes.portal import feature as portal

manifest = Manifest(
    name="quotes",
    label="Quotes",
    version="1.0.0",
    description="Estimates and sales orders your customers review, approve, question and reorder.",
)
PARTS = Parts(portal, admin)


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
