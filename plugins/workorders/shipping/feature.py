"""Purchase orders, packing slips and bills of lading (with their PDFs, visible once sent), and
the job sites view: open activity per site and all open orders across sites.

This module only lists what the part declares; the work happens in the modules beside it.
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
    load_catalogs,
)
from plugins.workorders.models import BillOfLading, PackingSlip, PurchaseOrder
from plugins.workorders.shipping import activity, admin, api, demo, documents, portal, sites
from plugins.workorders.shipping.visibility import (
    MANAGE,
    SITES,
    VIEW,
    bill_of_lading_visible,
    packing_slip_visible,
)


def portico_permissions() -> list[Permission]:
    return [
        Permission(
            VIEW,
            N_("See purchase orders, packing slips and bills of lading"),
            default_roles=(CUSTOMER_ADMIN, CUSTOMER_USER, VENDOR_ADMIN, VENDOR_STAFF),
        ),
        Permission(
            SITES,
            N_("See job sites and all open orders across them"),
            default_roles=(CUSTOMER_ADMIN, CUSTOMER_USER),
            audience="customer",
        ),
        Permission(
            MANAGE,
            N_("Manage purchase orders, packing slips and bills of lading"),
            default_roles=(VENDOR_ADMIN, VENDOR_STAFF),
            audience="staff",
        ),
    ]


def portico_routes() -> list[Any]:
    return [
        portal.PurchaseOrdersController,
        portal.ShipmentsController,
        sites.SitesController,
        sites.OpenOrdersController,
        admin.PurchaseOrdersAdmin,
        admin.PackingSlipsAdmin,
        admin.BillsOfLadingAdmin,
        *api.ROUTES,
    ]


def portico_menu_items() -> list[MenuItem]:
    return [
        MenuItem(
            "purchase_orders", N_("Purchase orders"), "/workorders/purchase-orders", VIEW, order=32, parent="orders"
        ),
        MenuItem("shipments", N_("Shipments"), "/workorders/shipments", VIEW, order=33, parent="orders"),
        MenuItem("sites", N_("Job sites"), "/workorders/sites", SITES, order=34, parent="orders"),
        MenuItem("open_orders", N_("All open orders"), "/workorders/open-orders", SITES, order=35, parent="orders"),
        MenuItem(
            "admin_purchase_orders",
            N_("Purchase orders"),
            "/admin/workorders/purchase-orders",
            MANAGE,
            order=32,
            section="admin",
            parent="manage",
        ),
        MenuItem(
            "admin_packing_slips",
            N_("Packing slips"),
            "/admin/workorders/packing-slips",
            MANAGE,
            order=33,
            section="admin",
            parent="manage",
        ),
        MenuItem(
            "admin_bills_of_lading",
            N_("Bills of lading"),
            "/admin/workorders/bills-of-lading",
            MANAGE,
            order=34,
            section="admin",
            parent="manage",
        ),
    ]


def portico_record_types() -> list[RecordType]:
    return [
        RecordType(
            "workorders.purchase_order",
            N_("Purchase order"),
            PurchaseOrder,
            VIEW,
            url=lambda po: f"/workorders/purchase-orders/{po.id}",
            title=lambda po: po.number,
        ),
        RecordType(
            "workorders.packing_slip",
            N_("Packing slip"),
            PackingSlip,
            VIEW,
            url=lambda slip: f"/workorders/shipments/packing-slips/{slip.id}",
            title=lambda slip: slip.number,
            visible=packing_slip_visible,
        ),
        RecordType(
            "workorders.bill_of_lading",
            N_("Bill of lading"),
            BillOfLading,
            VIEW,
            url=lambda bol: f"/workorders/shipments/bills-of-lading/{bol.id}",
            title=lambda bol: bol.number,
            visible=bill_of_lading_visible,
        ),
    ]


def portico_document_types() -> list[DocumentType]:
    return [
        DocumentType(
            "workorders.packing_slip",
            N_("Packing slip"),
            record_type="workorders.packing_slip",
            template="workorders/shipping/packing_slip_pdf.html",
            context=documents.packing_slip_context,
            filename=lambda slip: f"packing-slip-{slip.number}.pdf",
            permission=VIEW,
        ),
        DocumentType(
            "workorders.bill_of_lading",
            N_("Bill of lading"),
            record_type="workorders.bill_of_lading",
            template="workorders/shipping/bill_of_lading_pdf.html",
            context=documents.bill_of_lading_context,
            filename=lambda bol: f"bill-of-lading-{bol.number}.pdf",
            permission=VIEW,
        ),
    ]


def portico_activity_counters() -> list[ActivityCounter]:
    return [
        ActivityCounter(
            "open_purchase_orders",
            activity.OPEN_PURCHASE_ORDERS,
            activity.open_purchase_orders,
            VIEW,
            url=lambda site: f"/workorders/purchase-orders?site={site}&status=open",
        )
    ]


def portico_translations() -> dict[str, dict[str, str]]:
    return load_catalogs(Path(__file__).parent / "translations")


async def portico_seed_demo(db: AsyncSession, seed: SeedContext) -> None:
    await demo.seed_demo(db, seed)
