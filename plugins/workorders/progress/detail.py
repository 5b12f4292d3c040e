"""Everything the work order page (and its PDF) shows, in a fixed number of queries.

The order with its account, its parts, all their steps at once, the stage lists that may apply,
and (when the settings show them) the notes with their authors' names.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select

from core import Customer, RequestContext, User
from plugins.workorders.models import ProcessStep, WorkOrder, WorkOrderNote, WorkOrderPart
from plugins.workorders.progress.stages import PartProgress, StepView, list_for, load_stage_lists, progress_of
from plugins.workorders.progress.visibility import visible_orders


@dataclass
class PartRow:
    part: WorkOrderPart
    progress: PartProgress


@dataclass
class NoteRow:
    note: WorkOrderNote
    author: str


@dataclass
class OrderView:
    order: WorkOrder
    account: str
    parts: list[PartRow]
    notes: list[NoteRow] = field(default_factory=list)


async def find_order(ctx: RequestContext, order_id: int) -> tuple[WorkOrder, Customer] | None:
    """The order and its account, if this user may see it (else None: answer 404)."""
    row = (
        await ctx.db.execute(
            select(WorkOrder, Customer)
            .join(Customer, Customer.id == WorkOrder.customer_id)
            .where(WorkOrder.id == order_id, visible_orders(ctx))
        )
    ).first()
    return (row[0], row[1]) if row is not None else None


async def part_rows(ctx: RequestContext, order: WorkOrder, account: Customer) -> list[PartRow]:
    """The parts in order, each with its progress bar under the account's stage list."""
    parts = list(
        await ctx.db.scalars(
            select(WorkOrderPart)
            .where(WorkOrderPart.work_order_id == order.id)
            .order_by(WorkOrderPart.position, WorkOrderPart.id)
        )
    )
    steps: dict[int, list[StepView]] = defaultdict(list)
    if parts:
        rows = await ctx.db.scalars(
            select(ProcessStep).where(ProcessStep.work_order_id == order.id).order_by(ProcessStep.position)
        )
        for step in rows:
            steps[step.part_id].append(StepView.of(step))
    stages = list_for(account.path, await load_stage_lists(ctx.db, [account.path]))
    return [PartRow(part, progress_of(steps[part.id], stages)) for part in parts]


async def note_rows(ctx: RequestContext, order: WorkOrder) -> list[NoteRow]:
    rows = await ctx.db.execute(
        select(WorkOrderNote, User)
        .outerjoin(User, User.id == WorkOrderNote.author_id)
        .where(WorkOrderNote.work_order_id == order.id)
        .order_by(WorkOrderNote.created_at, WorkOrderNote.id)
    )
    return [NoteRow(note, author.display_name if author is not None else "") for note, author in rows]


async def load_view(ctx: RequestContext, order: WorkOrder, account: Customer, *, with_notes: bool) -> OrderView:
    view = OrderView(order=order, account=account.name, parts=await part_rows(ctx, order, account))
    if with_notes:
        view.notes = await note_rows(ctx, order)
    return view
