"""Loading work orders for the admin pages: a filtered, paged list and one order with everything on it.

Each page runs a fixed number of statements whatever the number of orders, parts, steps or
notes: children are loaded with one IN query per kind.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import func, or_, select

from core import Customer, RequestContext, User, format_quantity
from plugins.workorders.manage.moving import position_of
from plugins.workorders.models import (
    ACTIVE_STATUSES,
    COMPLETED_STATUSES,
    WORK_ORDER_STATUSES,
    ProcessStep,
    Tag,
    WorkOrder,
    WorkOrderNote,
    WorkOrderPart,
)

PAGE_SIZE = 50
MAX_PAGE = 200  # a bounded OFFSET: search to go further


@dataclass
class ListFilters:
    status: str = "active"  # "active", "closed" (completed or cancelled), "" (all) or one status
    query: str = ""
    page: int = 1

    @classmethod
    def of(cls, params: Mapping[str, str]) -> ListFilters:
        status = params.get("status", "active")
        if status not in ("active", "closed", "", *WORK_ORDER_STATUSES):
            status = "active"
        page = params.get("page", "1")
        return cls(
            status, params.get("q", "").strip()[:100], min(int(page), MAX_PAGE) if page.isdigit() and page != "0" else 1
        )


@dataclass
class ListRow:
    order: WorkOrder
    customer_name: str
    steps_done: int = 0
    steps_total: int = 0


async def list_orders(ctx: RequestContext, filters: ListFilters) -> tuple[list[ListRow], bool]:
    """One page of work orders, newest first, and whether there is a next page."""
    query = select(WorkOrder, Customer.name).join(Customer, Customer.id == WorkOrder.customer_id)
    if filters.status == "active":
        query = query.where(WorkOrder.status.in_(ACTIVE_STATUSES))
    elif filters.status == "closed":
        query = query.where(WorkOrder.status.in_(COMPLETED_STATUSES))
    elif filters.status:
        query = query.where(WorkOrder.status == filters.status)
    if filters.query:
        like = f"%{filters.query.lower()}%"
        query = query.where(
            or_(
                func.lower(WorkOrder.number).like(like),
                func.lower(WorkOrder.customer_po).like(like),
                func.lower(WorkOrder.title).like(like),
                func.lower(WorkOrder.external_ref).like(like),
                func.lower(Customer.name).like(like),
            )
        )
    query = query.order_by(WorkOrder.id.desc()).offset((filters.page - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1)
    found = [ListRow(order, name) for order, name in await ctx.db.execute(query)]
    rows, more = found[:PAGE_SIZE], len(found) > PAGE_SIZE
    if rows:
        counts = await ctx.db.execute(
            select(
                ProcessStep.work_order_id,
                func.count(ProcessStep.id),
                func.count(ProcessStep.id).filter(ProcessStep.status == "done"),
            )
            .where(ProcessStep.work_order_id.in_([row.order.id for row in rows]))
            .group_by(ProcessStep.work_order_id)
        )
        by_order = {order_id: (total, done) for order_id, total, done in counts}
        for row in rows:
            row.steps_total, row.steps_done = by_order.get(row.order.id, (0, 0))
    return rows, more


@dataclass
class PartView:
    part: WorkOrderPart
    steps: list[ProcessStep] = field(default_factory=list)

    @property
    def position(self) -> int:
        return position_of(self.steps)

    @property
    def current(self) -> ProcessStep | None:
        return self.steps[self.position] if self.position < len(self.steps) else None

    @property
    def quantity_text(self) -> str:
        return quantity_text(self.part.quantity)

    @property
    def quantity_done_text(self) -> str:
        return quantity_text(self.part.quantity_done)


def quantity_text(value: Decimal | None) -> str:
    """12.5000 → "12.5", 3.0000 → "3"."""
    return format_quantity(value or Decimal(0))


@dataclass
class NoteView:
    note: WorkOrderNote
    author: str


@dataclass
class OrderDetail:
    order: WorkOrder
    customer: Customer
    contact: User | None
    parts: list[PartView]
    tags: dict[int, str]
    notes: list[NoteView]


async def load_order(ctx: RequestContext, order_id: int) -> WorkOrder | None:
    return await ctx.db.get(WorkOrder, order_id)


async def load_detail(ctx: RequestContext, order: WorkOrder) -> OrderDetail:
    customer = await ctx.db.get(Customer, order.customer_id)
    assert customer is not None
    contact = await ctx.db.get(User, order.contact_id) if order.contact_id else None
    parts = [
        PartView(part)
        for part in await ctx.db.scalars(
            select(WorkOrderPart)
            .where(WorkOrderPart.work_order_id == order.id)
            .order_by(WorkOrderPart.position, WorkOrderPart.id)
        )
    ]
    by_part = {view.part.id: view for view in parts}
    steps = await ctx.db.scalars(
        select(ProcessStep)
        .where(ProcessStep.work_order_id == order.id)
        .order_by(ProcessStep.part_id, ProcessStep.position, ProcessStep.id)
    )
    for step in steps:
        if step.part_id in by_part:
            by_part[step.part_id].steps.append(step)
    tags = await all_tags(ctx)
    notes = await ctx.db.execute(
        select(WorkOrderNote, User)
        .outerjoin(User, User.id == WorkOrderNote.author_id)
        .where(WorkOrderNote.work_order_id == order.id)
        .order_by(WorkOrderNote.created_at.desc(), WorkOrderNote.id.desc())
    )
    note_views = [NoteView(note, author.display_name if author else "") for note, author in notes]
    return OrderDetail(order, customer, contact, parts, {tag.id: tag.name for tag in tags}, note_views)


async def all_tags(ctx: RequestContext) -> list[Tag]:
    return list(await ctx.db.scalars(select(Tag).order_by(func.lower(Tag.name), Tag.id)))


async def customer_choices(ctx: RequestContext) -> list[Customer]:
    """Every account, parents before their sites (the path orders them)."""
    return list(await ctx.db.scalars(select(Customer).order_by(Customer.path)))


async def contact_choices(ctx: RequestContext) -> list[tuple[Any, str]]:
    """Contacts with their account's name, for the work order's contact field."""
    rows = await ctx.db.execute(
        select(User, Customer.name)
        .join(Customer, Customer.id == User.customer_id)
        .where(User.active.is_(True))
        .order_by(Customer.path, User.last_name, User.first_name)
        .limit(1000)
    )
    return [(user, name) for user, name in rows]
