"""Work orders as customers see them: active/completed lists, the detail page with a progress bar
per part built from the stages, notes and pictures, widgets, the work order PDF, demo data.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from core import (
    CUSTOMER_ADMIN,
    CUSTOMER_USER,
    N_,
    VENDOR_ADMIN,
    VENDOR_STAFF,
    ActivityCounter,
    DocumentType,
    MenuItem,
    Permission,
    RecordType,
    SeedContext,
    SettingsField,
    Widget,
    load_catalogs,
)
from plugins.workorders.models import WORK_ORDER_STATUSES, WorkOrder
from plugins.workorders.progress import demo
from plugins.workorders.progress.documents import order_pdf_context, order_pdf_filename
from plugins.workorders.progress.pages import RECORD_KEY, WorkOrdersController, order_title
from plugins.workorders.progress.visibility import DEFAULT_CUSTOMER_STATUSES, visible_orders
from plugins.workorders.progress.widgets import open_orders_per_site, orders_summary, recent_progress

VIEW = "workorders.view"


def portico_permissions() -> list[Permission]:
    return [
        Permission(
            VIEW,
            N_("See work orders and their progress"),
            default_roles=(CUSTOMER_ADMIN, CUSTOMER_USER, VENDOR_ADMIN, VENDOR_STAFF),
        ),
        Permission(
            "workorders.notes",
            N_("Add notes to work orders"),
            description=N_("Only while the vendor lets customers add notes."),
            default_roles=(CUSTOMER_ADMIN, CUSTOMER_USER),
            audience="customer",
        ),
    ]


def portico_settings_fields() -> list[SettingsField]:
    return [
        SettingsField(
            "customer_statuses",
            N_("Work order statuses customers see"),
            kind="multichoice",
            default=list(DEFAULT_CUSTOMER_STATUSES),
            choices=tuple(WORK_ORDER_STATUSES.items()),
            required=True,
        ),
        SettingsField("show_notes", N_("Show notes on work orders"), kind="bool", default=True),
        SettingsField("show_pictures", N_("Show pictures on work orders"), kind="bool", default=True),
        SettingsField(
            "customers_add_notes",
            N_("Customers may add notes to work orders"),
            kind="bool",
            default=True,
            help=N_("Only while notes are shown, and for roles holding the permission to add notes."),
        ),
    ]


def portico_menu_items() -> list[MenuItem]:
    return [MenuItem("orders", N_("Work orders"), "/workorders", VIEW, order=40)]


def portico_routes() -> list[Any]:
    return [WorkOrdersController]


def portico_widgets() -> list[Widget]:
    return [
        Widget(
            "orders_summary",
            N_("Orders in progress / completed"),
            "workorders/progress/widget_summary.html",
            orders_summary,
            VIEW,
            order=30,
            size=4,
        ),
        Widget(
            "recent_progress",
            N_("Recent progress"),
            "workorders/progress/widget_recent.html",
            recent_progress,
            VIEW,
            order=31,
            size=8,
        ),
    ]


def portico_record_types() -> list[RecordType]:
    return [
        RecordType(
            RECORD_KEY,
            N_("Work order"),
            WorkOrder,
            VIEW,
            url=lambda order: f"/workorders/{order.id}",
            title=order_title,
            visible=visible_orders,
        )
    ]


def portico_document_types() -> list[DocumentType]:
    return [
        DocumentType(
            RECORD_KEY,
            N_("Work order"),
            record_type=RECORD_KEY,
            template="workorders/progress/order_pdf.html",
            context=order_pdf_context,
            filename=order_pdf_filename,
            permission=VIEW,
        )
    ]


def portico_activity_counters() -> list[ActivityCounter]:
    return [
        ActivityCounter(
            "open_orders",
            N_("Open work orders"),
            open_orders_per_site,
            VIEW,
            url=lambda site: f"/workorders/open-orders?site={site}",
        )
    ]


def portico_translations() -> dict[str, dict[str, str]]:
    return load_catalogs(Path(__file__).parent / "translations")


async def portico_seed_demo(db: AsyncSession, seed: SeedContext) -> None:
    await demo.seed_demo(db, seed)
