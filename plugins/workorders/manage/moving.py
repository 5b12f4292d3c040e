"""Moving a part through its process steps: the one place that changes step statuses.

The admin pages and the ERP's API both call these functions, so a step's timestamps, the
progress events customers follow and the work order's status always change the same way. A
part's position is its first step that is not done (``len(steps)`` when every step is done).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core import N_, utcnow
from plugins.workorders.models import ProcessStep, ProgressEvent, WorkOrder, WorkOrderPart

PENDING, STARTED, DONE = "pending", "in_progress", "done"


class MoveError(ValueError):
    """A move that cannot be made; ``msgid`` says why (translate it with ``ctx._``)."""

    def __init__(self, msgid: str, **values: object) -> None:
        super().__init__(msgid.format(**values))
        self.msgid = msgid
        self.values = values


async def steps_of(db: AsyncSession, part: WorkOrderPart) -> list[ProcessStep]:
    rows = await db.scalars(
        select(ProcessStep).where(ProcessStep.part_id == part.id).order_by(ProcessStep.position, ProcessStep.id)
    )
    return list(rows)


def position_of(steps: Sequence[ProcessStep]) -> int:
    """The index of the part's current step: its first step not done."""
    return next((index for index, step in enumerate(steps) if step.status != DONE), len(steps))


async def start_current(db: AsyncSession, order: WorkOrder, part: WorkOrderPart, *, user_id: int | None) -> None:
    """Start the part's current step."""
    steps = await steps_of(db, part)
    index = _current_or_refuse(steps)
    if steps[index].status == STARTED:
        raise MoveError(N_("“{step}” is already started."), step=steps[index].name)
    await _apply(db, order, part, steps, {index: STARTED}, user_id=user_id)


async def complete_current(db: AsyncSession, order: WorkOrder, part: WorkOrderPart, *, user_id: int | None) -> None:
    """Finish the part's current step (starting it on the way if nobody did)."""
    steps = await steps_of(db, part)
    index = _current_or_refuse(steps)
    await _apply(db, order, part, steps, {index: DONE}, user_id=user_id)


async def set_position(
    db: AsyncSession, order: WorkOrder, part: WorkOrderPart, position: int, *, user_id: int | None
) -> None:
    """Make step ``position`` (0-based) the current one: the steps before it done, it and the
    ones after it not (a started current step stays started). ``len(steps)``: everything done."""
    steps = await steps_of(db, part)
    if not 0 <= position <= len(steps):
        raise MoveError(N_("Choose one of the part's steps."))
    wanted = {index: DONE for index in range(position)}
    for index in range(position, len(steps)):
        keep_started = index == position and steps[index].status == STARTED
        wanted[index] = STARTED if keep_started else PENDING
    await _apply(db, order, part, steps, wanted, user_id=user_id)


async def set_step_status(
    db: AsyncSession,
    order: WorkOrder,
    part: WorkOrderPart,
    step: ProcessStep,
    status: str,
    *,
    user_id: int | None,
    quantity_done: Decimal | None = None,
) -> None:
    """Report one step (what an ERP posts): started or done marks the steps before it done;
    pending moves the part back, so the step and those after it become pending again."""
    steps = await steps_of(db, part)
    index = next((i for i, s in enumerate(steps) if s.id == step.id), None)
    if index is None:
        raise MoveError(N_("That step is not one of this part's steps."))
    if status not in (PENDING, STARTED, DONE):
        raise MoveError(N_("Unknown step status “{status}”."), status=status)
    wanted = {i: DONE for i in range(index)}
    if status == PENDING:
        wanted.update({i: PENDING for i in range(index, len(steps))})
    else:
        wanted[index] = status
    await _apply(db, order, part, steps, wanted, user_id=user_id, quantity_done=quantity_done)


async def set_quantity_done(db: AsyncSession, order: WorkOrder, part: WorkOrderPart, quantity_done: Decimal) -> None:
    """Record how many pieces are finished, without moving a step."""
    _check_open(order)
    part.quantity_done = _checked_quantity(quantity_done)


def _current_or_refuse(steps: Sequence[ProcessStep]) -> int:
    if not steps:
        raise MoveError(N_("This part has no process steps yet."))
    index = position_of(steps)
    if index == len(steps):
        raise MoveError(N_("Every step of this part is done."))
    return index


def _check_open(order: WorkOrder) -> None:
    if order.status == "cancelled":
        raise MoveError(N_("The work order is cancelled: its parts cannot move."))


def _checked_quantity(quantity: Decimal) -> Decimal:
    if not quantity.is_finite() or quantity < 0 or quantity >= Decimal("1e10"):
        raise MoveError(N_("The quantity done must be a number of 0 or more."))
    return quantity


async def _apply(
    db: AsyncSession,
    order: WorkOrder,
    part: WorkOrderPart,
    steps: list[ProcessStep],
    wanted: dict[int, str],
    *,
    user_id: int | None,
    quantity_done: Decimal | None = None,
) -> None:
    _check_open(order)
    if quantity_done is not None:
        part.quantity_done = _checked_quantity(quantity_done)
    now = utcnow()
    for index, status in sorted(wanted.items()):
        step = steps[index]
        if step.status == status:
            continue
        step.status = status
        if status == STARTED:
            step.started_at, step.completed_at = now, None
        elif status == DONE:
            step.started_at, step.completed_at = step.started_at or now, now
        else:
            step.started_at = step.completed_at = None
        db.add(
            ProgressEvent(
                customer_id=order.customer_id,
                work_order_id=order.id,
                part_id=part.id,
                step_id=step.id,
                status=status,
                at=now,
                user_id=user_id,
            )
        )
    if steps and all(step.status == DONE for step in steps) and quantity_done is None:
        part.quantity_done = max(part.quantity_done or Decimal(0), part.quantity)
    await _refresh_order_status(db, order, part, steps, now.date())


async def _refresh_order_status(
    db: AsyncSession, order: WorkOrder, part: WorkOrderPart, steps: Sequence[ProcessStep], today: dt.date
) -> None:
    """In progress once work started; completed when every step of every part is done."""
    others = await db.scalars(
        select(ProcessStep.status).where(ProcessStep.work_order_id == order.id, ProcessStep.part_id != part.id)
    )
    statuses = [*others, *(step.status for step in steps)]
    if statuses and all(status == DONE for status in statuses):
        if order.status != "completed":
            order.status, order.completed_on = "completed", today
        return
    order.completed_on = None
    started = any(status != PENDING for status in statuses)
    if started and order.status in ("planned", "completed"):
        order.status = "in_progress"
    elif not started and order.status in ("in_progress", "completed"):
        order.status = "planned"
