"""The vendor's side of work orders: admin pages for work orders, parts, steps, tags and stages,
moving parts through steps, and the ERP's JSON API under /api/v1/workorders/.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from core import N_, VENDOR_ADMIN, VENDOR_STAFF, MenuItem, Permission, SeedContext, load_catalogs
from plugins.workorders.manage.api import WorkOrdersApi
from plugins.workorders.manage.demo import seed_notes
from plugins.workorders.manage.pages import WorkOrdersController
from plugins.workorders.manage.vocabulary import StagesController, TagsController


def portico_permissions() -> Sequence[Permission]:
    return [
        Permission(
            "workorders.manage",
            N_("Manage work orders, their steps, tags and stages"),
            description=N_("Also what an ERP's API token needs to push work orders and progress."),
            default_roles=(VENDOR_ADMIN, VENDOR_STAFF),
            audience="staff",
        )
    ]


def portico_menu_items() -> Sequence[MenuItem]:
    return [MenuItem("manage", N_("Work orders"), "/admin/workorders", "workorders.manage", order=40, section="admin")]


def portico_routes() -> Sequence[Any]:
    return [WorkOrdersController, TagsController, StagesController, WorkOrdersApi]


def portico_translations() -> dict[str, dict[str, str]]:
    return load_catalogs(Path(__file__).parent / "translations")


async def portico_seed_demo(db: AsyncSession, seed: SeedContext) -> None:
    await seed_notes(db, seed)
