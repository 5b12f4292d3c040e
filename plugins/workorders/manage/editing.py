"""Changing a work order's parts and their process steps (no HTTP: the pages and the API call these)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core import N_
from plugins.workorders.manage.moving import MoveError, steps_of
from plugins.workorders.models import ProcessStep, ProgressEvent, WorkOrder, WorkOrderNote, WorkOrderPart


async def add_part(db: AsyncSession, order: WorkOrder, values: dict[str, Any]) -> WorkOrderPart:
    last = await db.scalar(select(func.max(WorkOrderPart.position)).where(WorkOrderPart.work_order_id == order.id))
    part = WorkOrderPart(customer_id=order.customer_id, work_order_id=order.id, position=(last or 0) + 1, **values)
    db.add(part)
    await db.flush()
    return part


async def add_step(db: AsyncSession, part: WorkOrderPart, values: dict[str, Any]) -> ProcessStep:
    last = await db.scalar(select(func.max(ProcessStep.position)).where(ProcessStep.part_id == part.id))
    step = ProcessStep(
        customer_id=part.customer_id,
        work_order_id=part.work_order_id,
        part_id=part.id,
        position=(last or 0) + 1,
        **values,
    )
    db.add(step)
    await db.flush()
    return step


async def move_step(db: AsyncSession, part: WorkOrderPart, step_id: int, offset: int) -> None:
    """Move a step up (-1) or down (+1) in its part's routing; positions are renumbered 1, 2, …"""
    steps = await steps_of(db, part)
    index = next((i for i, step in enumerate(steps) if step.id == step_id), None)
    if index is None:
        raise MoveError(N_("That step is not one of this part's steps."))
    target = index + offset
    if 0 <= target < len(steps):
        steps[index], steps[target] = steps[target], steps[index]
    for position, step in enumerate(steps, start=1):
        step.position = position


async def copy_steps(db: AsyncSession, source: WorkOrderPart, target: WorkOrderPart) -> int:
    """Append a copy of ``source``'s routing (names, tags, visibility; not its progress) to ``target``."""
    if source.id == target.id:
        raise MoveError(N_("Choose another part to copy the steps from."))
    steps = await steps_of(db, source)
    if not steps:
        raise MoveError(N_("That part has no steps to copy."))
    for step in steps:
        await add_step(db, target, {"name": step.name, "tag_id": step.tag_id, "name_visible": step.name_visible})
    return len(steps)


async def renumber_parts(db: AsyncSession, order: WorkOrder) -> None:
    parts = await db.scalars(
        select(WorkOrderPart)
        .where(WorkOrderPart.work_order_id == order.id)
        .order_by(WorkOrderPart.position, WorkOrderPart.id)
    )
    for position, part in enumerate(parts, start=1):
        part.position = position


async def renumber_steps(db: AsyncSession, part: WorkOrderPart) -> None:
    for position, step in enumerate(await steps_of(db, part), start=1):
        step.position = position


async def change_customer(db: AsyncSession, order: WorkOrder, customer_id: int) -> None:
    """Move the order to another site: its parts, steps, events and notes carry the customer too,
    so the kernel's scope shows them to the new site's contacts, and no longer to the old one's."""
    for model in (WorkOrderPart, ProcessStep, ProgressEvent, WorkOrderNote):
        await db.execute(
            update(model).where(model.work_order_id == order.id).values(customer_id=customer_id)  # type: ignore[attr-defined]
        )
    order.customer_id = customer_id
