"""Writing a work order as an ERP sends it: header fields, parts and their steps.

Parts and steps given as a list replace the existing ones, matched by ``external_ref`` first, then
by their place in the list, so a matched step keeps its status and timestamps. Every problem
raises :class:`FieldError` with the payload's path to the field (``parts[1].steps[0].tag``).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any, TypeVar

from sqlalchemy import select

from core import N_, RequestContext, next_number, utcnow
from plugins.workorders.manage import checks, editing
from plugins.workorders.manage.api_models import PartIn, StepIn, WorkOrderIn
from plugins.workorders.manage.checks import FieldError
from plugins.workorders.models import ProcessStep, WorkOrder, WorkOrderPart

Row = TypeVar("Row", WorkOrderPart, ProcessStep)


async def create_order(ctx: RequestContext, data: WorkOrderIn) -> WorkOrder:
    if data.customer_id is None:
        raise FieldError("customer_id", N_("This field is required."))
    site = await checks.customer(ctx, data.customer_id)
    number = (
        data.number if data.number is not None else await next_number(ctx.db, WorkOrder.number, "WO-", ctx.tenant.id)
    )
    order = WorkOrder(
        customer_id=site.id,
        number=await checks.number_free(ctx, number, None),
        external_ref=await _ref_free(ctx, data.external_ref, None),
        kind="production",
        status="planned",
        title="",
        customer_po="",
        notes="",
    )
    await _apply_fields(ctx, order, data, site)
    ctx.db.add(order)
    await ctx.db.flush()
    if data.parts is not None:
        await _sync_parts(ctx, order, data.parts)
    return order


async def update_order(ctx: RequestContext, order: WorkOrder, data: WorkOrderIn) -> None:
    site = await checks.customer(ctx, data.customer_id if data.customer_id is not None else order.customer_id)
    if data.number is not None:
        order.number = await checks.number_free(ctx, data.number, order.id)
    if data.external_ref is not None:
        order.external_ref = await _ref_free(ctx, data.external_ref, order.id)
    if site.id != order.customer_id:
        if data.contact_id is None:
            order.contact_id = None  # the old site's contact is no longer the job's contact
        await editing.change_customer(ctx.db, order, site.id)
    await _apply_fields(ctx, order, data, site)
    if data.parts is not None:
        await _sync_parts(ctx, order, data.parts)


async def _ref_free(ctx: RequestContext, ref: str | None, order_id: int | None) -> str | None:
    ref = checks.text("external_ref", ref, checks.REF_MAX) or None
    if ref is None:
        return None
    clash = await ctx.db.scalar(
        select(WorkOrder.id).where(WorkOrder.external_ref == ref, WorkOrder.id != (order_id or 0)).limit(1)
    )
    if clash is not None:
        raise FieldError("external_ref", N_("Another work order has the external_ref {ref}."), 409, ref=ref)
    return ref


async def _apply_fields(ctx: RequestContext, order: WorkOrder, data: WorkOrderIn, site: Any) -> None:
    if data.title is not None:
        order.title = checks.text("title", data.title, checks.TITLE_MAX)
    if data.kind is not None:
        order.kind = data.kind
    if data.status is not None:
        order.status = data.status
        order.completed_on = (order.completed_on or utcnow().date()) if data.status == "completed" else None
    if data.customer_po is not None:
        order.customer_po = checks.text("customer_po", data.customer_po, checks.PO_MAX)
    if data.due_on is not None:
        order.due_on = data.due_on
    if data.notes is not None:
        order.notes = checks.text("notes", data.notes, 10000)
    if data.contact_id is not None:
        order.contact_id = await checks.contact(ctx, data.contact_id, site)


def _match(existing: Sequence[Row], given: Sequence[PartIn | StepIn], where: str) -> list[Row | None]:
    """For each given item, the existing row it updates: the one with its external_ref, else the
    one at the same place that has no external_ref yet (it adopts the item's), else none (new)."""
    refs = [item.external_ref for item in given if item.external_ref]
    if len(refs) != len(set(refs)):
        raise FieldError(where, N_("Each external_ref may appear only once."))
    by_ref = {row.external_ref: row for row in existing if row.external_ref}
    claimed = {id(by_ref[ref]) for ref in refs if ref in by_ref}
    matched: list[Row | None] = []
    for index, item in enumerate(given):
        if item.external_ref and item.external_ref in by_ref:
            matched.append(by_ref[item.external_ref])
        elif index < len(existing) and id(existing[index]) not in claimed and not existing[index].external_ref:
            matched.append(existing[index])
            claimed.add(id(existing[index]))
        else:
            matched.append(None)
    return matched


async def _sync_parts(ctx: RequestContext, order: WorkOrder, given: Sequence[PartIn]) -> None:
    existing = list(
        await ctx.db.scalars(
            select(WorkOrderPart)
            .where(WorkOrderPart.work_order_id == order.id)
            .order_by(WorkOrderPart.position, WorkOrderPart.id)
        )
    )
    steps = list(
        await ctx.db.scalars(
            select(ProcessStep)
            .where(ProcessStep.work_order_id == order.id)
            .order_by(ProcessStep.position, ProcessStep.id)
        )
    )
    tags = await checks.tag_names(ctx)
    matched = _match(existing, given, "parts")
    kept = {id(row) for row in matched if row is not None}
    for row in existing:
        if id(row) not in kept:
            # Its steps go first, through the session, so none lingers in the identity map.
            for step in steps:
                if step.part_id == row.id:
                    await ctx.db.delete(step)
            await ctx.db.delete(row)
    await ctx.db.flush()
    for index, (item, part) in enumerate(zip(given, matched, strict=True)):
        where = f"parts[{index}]"
        values: dict[str, Any] = {
            "part_number": checks.text(f"{where}.part_number", item.part_number, checks.PART_NUMBER_MAX, required=True),
            "external_ref": checks.text(f"{where}.external_ref", item.external_ref, checks.REF_MAX) or None,
            "position": index + 1,
        }
        if item.description is not None or part is None:
            values["description"] = checks.text(f"{where}.description", item.description, checks.DESCRIPTION_MAX)
        if item.quantity is not None or part is None:
            values["quantity"] = checks.quantity(
                f"{where}.quantity", item.quantity if item.quantity is not None else Decimal(1)
            )
        if part is None:
            part = WorkOrderPart(customer_id=order.customer_id, work_order_id=order.id, **values)
            ctx.db.add(part)
            await ctx.db.flush()
        else:
            for name, value in values.items():
                setattr(part, name, value)
        if item.steps is not None:
            own = [step for step in steps if step.part_id == part.id]
            await _sync_steps(ctx, part, own, item.steps, tags, where)


async def _sync_steps(
    ctx: RequestContext,
    part: WorkOrderPart,
    existing: list[ProcessStep],
    given: Sequence[StepIn],
    tags: dict[str, int],
    where: str,
) -> None:
    matched = _match(existing, given, f"{where}.steps")
    kept = {id(row) for row in matched if row is not None}
    for row in existing:
        if id(row) not in kept:
            await ctx.db.delete(row)
    for index, (item, step) in enumerate(zip(given, matched, strict=True)):
        at = f"{where}.steps[{index}]"
        if item.tag is not None and item.tag not in tags:
            raise FieldError(
                f"{at}.tag", N_("Unknown tag “{tag}”: create it under Work orders → Tags first."), tag=item.tag
            )
        values = {
            "name": checks.text(f"{at}.name", item.name, checks.STEP_NAME_MAX, required=True),
            "tag_id": tags[item.tag] if item.tag is not None else None,
            "name_visible": item.name_visible,
            "external_ref": checks.text(f"{at}.external_ref", item.external_ref, checks.REF_MAX) or None,
            "position": index + 1,
        }
        if step is None:
            ctx.db.add(
                ProcessStep(customer_id=part.customer_id, work_order_id=part.work_order_id, part_id=part.id, **values)
            )
        else:
            for name, value in values.items():
                setattr(step, name, value)
    await ctx.db.flush()
