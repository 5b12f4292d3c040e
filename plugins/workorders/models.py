"""Work orders with their parts and process steps, stages, work requests, purchase orders,
packing slips and bills of lading.

Every row a customer may reach is customer-owned (child rows too), so the kernel's scope applies
to it directly. Tags, stages and work types are the vendor's vocabulary (tenant-owned).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import BigInteger, Date, ForeignKey, Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core import N_, Base, CustomerOwned, TenantOwned, utcnow

WORK_ORDER_STATUSES: dict[str, str] = {
    "planned": N_("Planned"),
    "in_progress": N_("In Progress"),
    "on_hold": N_("On Hold"),
    "completed": N_("Completed"),
    "cancelled": N_("Cancelled"),
}
ACTIVE_STATUSES = ("planned", "in_progress", "on_hold")
COMPLETED_STATUSES = ("completed", "cancelled")
WORK_ORDER_KINDS: dict[str, str] = {
    "production": N_("Production"),
    "service": N_("Service"),
    "install": N_("Installation"),
}
STEP_STATUSES: dict[str, str] = {"pending": N_("Pending"), "in_progress": N_("In Progress"), "done": N_("Done")}
REQUEST_STATUSES: dict[str, str] = {
    "submitted": N_("Submitted"),
    "needs_info": N_("Needs information"),
    "accepted": N_("Accepted"),
    "declined": N_("Declined"),
}
PURCHASE_ORDER_STATUSES: dict[str, str] = {
    "received": N_("Received"),
    "acknowledged": N_("Acknowledged"),
    "in_production": N_("In Production"),
    "partially_shipped": N_("Partially Shipped"),
    "shipped": N_("Shipped"),
    "closed": N_("Closed"),
    "cancelled": N_("Cancelled"),
}


class WorkOrder(CustomerOwned, Base):
    """A job for one customer site (``customer_id``)."""

    __tablename__ = "workorders_order"
    __table_args__ = (
        UniqueConstraint("tenant_id", "number"),
        Index("ix_workorders_order_list", "customer_id", "status", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200), default="")
    kind: Mapped[str] = mapped_column(String(20), default="production")
    status: Mapped[str] = mapped_column(String(20), default="planned", index=True)
    customer_po: Mapped[str] = mapped_column(String(60), default="")
    due_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    completed_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    notes: Mapped[str] = mapped_column(Text, default="")
    #: The customer's contact for this job.
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id", ondelete="SET NULL"), default=None)
    #: The ERP's own key, so the API can find and update the order.
    external_ref: Mapped[str | None] = mapped_column(String(80), default=None, index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class WorkOrderPart(CustomerOwned, Base):
    """A part or item on a work order, with the quantity ordered and the process steps it runs."""

    __tablename__ = "workorders_part"
    __table_args__ = (Index("ix_workorders_part_order", "work_order_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    work_order_id: Mapped[int] = mapped_column(ForeignKey("workorders_order.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=0)
    part_number: Mapped[str] = mapped_column(String(80), default="")
    description: Mapped[str] = mapped_column(String(500), default="")
    quantity: Mapped[Decimal] = mapped_column(Numeric(14, 4), default=Decimal(1))
    quantity_done: Mapped[Decimal] = mapped_column(Numeric(14, 4), default=Decimal(0))
    external_ref: Mapped[str | None] = mapped_column(String(80), default=None)


class Tag(TenantOwned, Base):
    """A label the vendor puts on process steps ("Machining", "Paint"); stages are built from tags."""

    __tablename__ = "workorders_tag"
    __table_args__ = (UniqueConstraint("tenant_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))


class ProcessStep(CustomerOwned, Base):
    """One step of a part's routing. The part's position is its first step that is not done."""

    __tablename__ = "workorders_step"
    __table_args__ = (Index("ix_workorders_step_part", "part_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    part_id: Mapped[int] = mapped_column(ForeignKey("workorders_part.id", ondelete="CASCADE"))
    work_order_id: Mapped[int] = mapped_column(ForeignKey("workorders_order.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    name: Mapped[str] = mapped_column(String(200))
    tag_id: Mapped[int | None] = mapped_column(ForeignKey("workorders_tag.id", ondelete="SET NULL"), default=None)
    #: False: the step's name is internal; customers see only the stage it belongs to (if any).
    name_visible: Mapped[bool] = mapped_column(default=True)
    status: Mapped[str] = mapped_column(String(20), default="pending")
    started_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    completed_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    external_ref: Mapped[str | None] = mapped_column(String(80), default=None)


class Stage(TenantOwned, Base):
    """A stage of the progress bar customers see, built from a tag.

    The tenant's list has ``customer_id`` None; a customer account may have its own list, which
    replaces the tenant's for it. ``show_multiple``: the stage appears once per tagged step of a
    part, instead of once for all of them.
    """

    __tablename__ = "workorders_stage"
    __table_args__ = (Index("ix_workorders_stage_list", "tenant_id", "customer_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("core_customer.id", ondelete="CASCADE"), default=None)
    position: Mapped[int] = mapped_column(default=0)
    name: Mapped[str] = mapped_column(String(80))
    tag_id: Mapped[int] = mapped_column(ForeignKey("workorders_tag.id", ondelete="CASCADE"))
    show_multiple: Mapped[bool] = mapped_column(default=False)


class ProgressEvent(CustomerOwned, Base):
    """A step started or finished: the "Recent progress" feed and the part's history."""

    __tablename__ = "workorders_progress"
    __table_args__ = (Index("ix_workorders_progress_recent", "customer_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    work_order_id: Mapped[int] = mapped_column(ForeignKey("workorders_order.id", ondelete="CASCADE"), index=True)
    part_id: Mapped[int] = mapped_column(ForeignKey("workorders_part.id", ondelete="CASCADE"))
    step_id: Mapped[int] = mapped_column(ForeignKey("workorders_step.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(20))
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    #: Who moved it: a staff member, or None when the ERP posted it through the API.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id", ondelete="SET NULL"), default=None)


class WorkOrderNote(CustomerOwned, Base):
    """A note on a work order, from the vendor or (when allowed) the customer, optionally a picture."""

    __tablename__ = "workorders_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    work_order_id: Mapped[int] = mapped_column(ForeignKey("workorders_order.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id", ondelete="SET NULL"), default=None)
    from_customer: Mapped[bool] = mapped_column(default=False)
    body: Mapped[str] = mapped_column(Text, default="")
    #: A picture stored through the kernel's storage (key, original name, sniffed type).
    picture_key: Mapped[str | None] = mapped_column(String(200), default=None)
    picture_name: Mapped[str] = mapped_column(String(200), default="")
    picture_type: Mapped[str] = mapped_column(String(80), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class WorkType(TenantOwned, Base):
    """A kind of work customers may request ("Repair", "Installation")."""

    __tablename__ = "workorders_work_type"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)
    #: True: every customer may request it; False: only the accounts in WorkTypeCustomer.
    all_customers: Mapped[bool] = mapped_column(default=True)


class WorkTypeCustomer(TenantOwned, Base):
    __tablename__ = "workorders_work_type_customer"
    __table_args__ = (UniqueConstraint("work_type_id", "customer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    work_type_id: Mapped[int] = mapped_column(ForeignKey("workorders_work_type.id", ondelete="CASCADE"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("core_customer.id", ondelete="CASCADE"), index=True)


class WorkRequest(CustomerOwned, Base):
    """Work a customer asks for; the vendor turns it into a work order or declines it."""

    __tablename__ = "workorders_request"
    __table_args__ = (UniqueConstraint("tenant_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(40))
    work_type_id: Mapped[int | None] = mapped_column(
        ForeignKey("workorders_work_type.id", ondelete="SET NULL"), default=None
    )
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id", ondelete="SET NULL"), default=None)
    description: Mapped[str] = mapped_column(Text, default="")
    preferred_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    #: The vendor's terms as accepted, and when (None when no acceptance was required).
    terms_text: Mapped[str] = mapped_column(Text, default="")
    terms_accepted_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    status: Mapped[str] = mapped_column(String(20), default="submitted", index=True)
    #: What the vendor asks when it needs more information (status needs_info).
    question: Mapped[str] = mapped_column(Text, default="")
    decline_reason: Mapped[str] = mapped_column(Text, default="")
    work_order_id: Mapped[int | None] = mapped_column(
        ForeignKey("workorders_order.id", ondelete="SET NULL"), default=None
    )
    submission_key: Mapped[str | None] = mapped_column(String(64), default=None, unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[dt.datetime | None] = mapped_column(default=None)


class PurchaseOrder(CustomerOwned, Base):
    """A purchase order the vendor received from the customer (the vendor's sales order)."""

    __tablename__ = "workorders_purchase_order"
    __table_args__ = (Index("ix_workorders_po_list", "customer_id", "status", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The customer's PO number, and the vendor's sales order number for it.
    number: Mapped[str] = mapped_column(String(60))
    sales_order_number: Mapped[str] = mapped_column(String(40), default="")
    status: Mapped[str] = mapped_column(String(20), default="received")
    ordered_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    due_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    total_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    notes: Mapped[str] = mapped_column(Text, default="")
    external_ref: Mapped[str | None] = mapped_column(String(80), default=None, index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class PurchaseOrderLine(CustomerOwned, Base):
    __tablename__ = "workorders_purchase_order_line"

    id: Mapped[int] = mapped_column(primary_key=True)
    purchase_order_id: Mapped[int] = mapped_column(
        ForeignKey("workorders_purchase_order.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    part_number: Mapped[str] = mapped_column(String(80), default="")
    description: Mapped[str] = mapped_column(String(500), default="")
    quantity: Mapped[Decimal] = mapped_column(Numeric(14, 4), default=Decimal(1))
    quantity_shipped: Mapped[Decimal] = mapped_column(Numeric(14, 4), default=Decimal(0))
    unit_price_minor: Mapped[int] = mapped_column(BigInteger, default=0)


class PackingSlip(CustomerOwned, Base):
    """What went into one shipment; visible to the customer once sent (kernel documents)."""

    __tablename__ = "workorders_packing_slip"
    __table_args__ = (UniqueConstraint("tenant_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(40))
    work_order_id: Mapped[int | None] = mapped_column(
        ForeignKey("workorders_order.id", ondelete="SET NULL"), default=None, index=True
    )
    purchase_order_id: Mapped[int | None] = mapped_column(
        ForeignKey("workorders_purchase_order.id", ondelete="SET NULL"), default=None, index=True
    )
    shipped_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    carrier: Mapped[str] = mapped_column(String(120), default="")
    tracking_number: Mapped[str] = mapped_column(String(120), default="")
    ship_to: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class PackingSlipLine(CustomerOwned, Base):
    __tablename__ = "workorders_packing_slip_line"

    id: Mapped[int] = mapped_column(primary_key=True)
    packing_slip_id: Mapped[int] = mapped_column(
        ForeignKey("workorders_packing_slip.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    part_number: Mapped[str] = mapped_column(String(80), default="")
    description: Mapped[str] = mapped_column(String(500), default="")
    quantity: Mapped[Decimal] = mapped_column(Numeric(14, 4), default=Decimal(1))


class BillOfLading(CustomerOwned, Base):
    """The carrier's receipt for a shipment; visible to the customer once sent (kernel documents)."""

    __tablename__ = "workorders_bill_of_lading"
    __table_args__ = (UniqueConstraint("tenant_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(40))
    packing_slip_id: Mapped[int | None] = mapped_column(
        ForeignKey("workorders_packing_slip.id", ondelete="SET NULL"), default=None, index=True
    )
    shipped_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    carrier: Mapped[str] = mapped_column(String(120), default="")
    #: The carrier's tracking ("PRO") number.
    pro_number: Mapped[str] = mapped_column(String(120), default="")
    shipper: Mapped[str] = mapped_column(Text, default="")
    consignee: Mapped[str] = mapped_column(Text, default="")
    freight_terms: Mapped[str] = mapped_column(String(40), default="prepaid")  # prepaid | collect | third_party
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class BillOfLadingLine(CustomerOwned, Base):
    __tablename__ = "workorders_bill_of_lading_line"

    id: Mapped[int] = mapped_column(primary_key=True)
    bill_of_lading_id: Mapped[int] = mapped_column(
        ForeignKey("workorders_bill_of_lading.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    pieces: Mapped[int] = mapped_column(default=1)
    package_type: Mapped[str] = mapped_column(String(40), default="")
    description: Mapped[str] = mapped_column(String(500), default="")
    weight_kg: Mapped[Decimal] = mapped_column(Numeric(12, 2), default=Decimal(0))
    freight_class: Mapped[str] = mapped_column(String(10), default="")
