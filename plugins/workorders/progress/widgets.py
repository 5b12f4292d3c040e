"""Dashboard cards ("Orders in progress / completed", "Recent progress") and the per-site
"Open work orders" count. Each runs a fixed number of queries whatever the amount of data."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from core import Customer, RequestContext
from plugins.workorders.models import (
    ACTIVE_STATUSES,
    COMPLETED_STATUSES,
    ProcessStep,
    ProgressEvent,
    WorkOrder,
    WorkOrderPart,
)
from plugins.workorders.progress.stages import list_for, load_stage_lists
from plugins.workorders.progress.visibility import visible_orders

RECENT_SHOWN = 6
#: Events read to find RECENT_SHOWN that customers may see (steps outside any stage are skipped).
RECENT_READ = 40


async def orders_summary(ctx: RequestContext) -> dict[str, Any]:
    rows = await ctx.db.execute(
        select(WorkOrder.status, func.count(WorkOrder.id)).where(visible_orders(ctx)).group_by(WorkOrder.status)
    )
    counts = dict(rows.all())
    return {
        "active": sum(counts.get(s, 0) for s in ACTIVE_STATUSES),
        "completed": sum(counts.get(s, 0) for s in COMPLETED_STATUSES),
        "on_hold": counts.get("on_hold", 0),
    }


@dataclass
class ProgressItem:
    order_id: int
    number: str
    part_number: str
    label: str
    step_name: str | None
    status: str
    at: Any


async def recent_progress(ctx: RequestContext) -> dict[str, Any]:
    """The latest steps started or finished on orders this user sees, named as the bar names them."""
    rows = (
        await ctx.db.execute(
            select(ProgressEvent, ProcessStep, WorkOrderPart.part_number, WorkOrder.number, Customer.path)
            .join(ProcessStep, ProcessStep.id == ProgressEvent.step_id)
            .join(WorkOrderPart, WorkOrderPart.id == ProgressEvent.part_id)
            .join(WorkOrder, WorkOrder.id == ProgressEvent.work_order_id)
            .join(Customer, Customer.id == WorkOrder.customer_id)
            .where(visible_orders(ctx), ProgressEvent.status.in_(("in_progress", "done")))
            .order_by(ProgressEvent.at.desc(), ProgressEvent.id.desc())
            .limit(RECENT_READ)
        )
    ).all()
    lists = await load_stage_lists(ctx.db, {row[4] for row in rows})
    items: list[ProgressItem] = []
    for event, step, part_number, number, path in rows:
        stage_names = {stage.tag_id: stage.name for stage in reversed(list_for(path, lists))}
        label = stage_names.get(step.tag_id) if step.tag_id is not None else None
        if label is None:
            continue  # not in the customer's progress bar, so not in their feed either
        step_name = step.name if step.name_visible and step.name != label else None
        items.append(ProgressItem(event.work_order_id, number, part_number, label, step_name, event.status, event.at))
        if len(items) == RECENT_SHOWN:
            break
    return {"items": items}


async def open_orders_per_site(ctx: RequestContext, customer_ids: Sequence[int]) -> Mapping[int, int]:
    rows = await ctx.db.execute(
        select(WorkOrder.customer_id, func.count(WorkOrder.id))
        .where(
            WorkOrder.customer_id.in_(list(customer_ids)), WorkOrder.status.in_(ACTIVE_STATUSES), visible_orders(ctx)
        )
        .group_by(WorkOrder.customer_id)
    )
    return {customer_id: count for customer_id, count in rows}
