"""The vendor's side: admin pages for quotes, orders and lines, sending, approvals and change
requests, turning a quote into an order, and the ERP's JSON API under /api/v1/quotes/.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from core import N_, VENDOR_ADMIN, VENDOR_STAFF, MenuItem, Permission, RequestContext, load_catalogs
from plugins.quotes.admin.api import API_ROUTES
from plugins.quotes.admin.pages import ROUTES
from plugins.quotes.models import ChangeRequest


def portico_permissions() -> list[Permission]:
    return [
        Permission(
            "quotes.manage",
            N_("Manage quotes and orders, answer change requests, use the quotes API"),
            default_roles=(VENDOR_ADMIN, VENDOR_STAFF),
            audience="staff",
        )
    ]


async def open_change_requests(ctx: RequestContext) -> int | None:
    return await ctx.db.scalar(select(func.count(ChangeRequest.id)).where(ChangeRequest.status == "open"))


def portico_menu_items() -> list[MenuItem]:
    return [
        MenuItem("admin_quotes", N_("Quotes and orders"), "/admin/quotes", "quotes.manage", order=6, section="admin"),
        MenuItem(
            "admin_change_requests",
            N_("Change requests"),
            "/admin/quotes/change-requests",
            "quotes.manage",
            order=7,
            section="admin",
            badge=open_change_requests,
            parent="admin_quotes",
        ),
        MenuItem(
            "admin_reorders",
            N_("Reorder requests"),
            "/admin/quotes/reorders",
            "quotes.manage",
            order=8,
            section="admin",
            parent="admin_quotes",
        ),
    ]


def portico_routes() -> list[Any]:
    return [*ROUTES, *API_ROUTES]


def portico_translations() -> dict[str, dict[str, str]]:
    return load_catalogs(Path(__file__).parent / "translations")
