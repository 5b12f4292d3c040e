"""The ERP's JSON API under /api/v1/workorders/: work orders with parts and steps, step progress,
tags and stages. Every route needs an API token holding ``workorders.manage``.

Problems answer 4xx with ``{"status_code", "detail", "extra": [{"key", "message"}]}`` naming the
field: 400 for a bad value, 404 for a record the token's vendor does not have, 409 for a number
or external_ref already taken or a move that cannot be made.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from litestar import Controller, Response, get, patch, post, put
from litestar.exceptions import HTTPException, NotFoundException
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from core import Ctx, RequestContext
from plugins.workorders.manage import checks, moving, syncing
from plugins.workorders.manage.api_models import (
    PartOut,
    ProgressByRefIn,
    ProgressIn,
    ProgressOut,
    StageOut,
    Status,
    StepOut,
    TagOut,
    WorkOrderIn,
    WorkOrderOut,
    WorkOrderPage,
    WorkOrderSummary,
)
from plugins.workorders.manage.checks import FieldError
from plugins.workorders.models import ProcessStep, Stage, Tag, WorkOrder, WorkOrderPart

PERMISSION = "workorders.manage"
OPT = {"permission": PERMISSION}


def _problem(ctx: RequestContext, error: FieldError) -> HTTPException:
    message = ctx._(error.msgid, **error.values)
    return HTTPException(
        status_code=error.status, detail=f"{error.field}: {message}", extra=[{"key": error.field, "message": message}]
    )


def _refused(status: int, key: str, message: str) -> HTTPException:
    return HTTPException(status_code=status, detail=f"{key}: {message}", extra=[{"key": key, "message": message}])


def _summary_fields(order: WorkOrder) -> dict[str, Any]:
    return {
        "id": order.id,
        "number": order.number,
        "external_ref": order.external_ref,
        "customer_id": order.customer_id,
        "title": order.title,
        "kind": order.kind,
        "status": order.status,
        "customer_po": order.customer_po,
        "due_on": order.due_on,
        "completed_on": order.completed_on,
        "updated_at": order.updated_at,
    }


def _plain(value: Decimal | None) -> Decimal:
    """20.0000 as stored → 20, 2.5000 → 2.5 (the column keeps four decimals)."""
    return Decimal(f"{(value or Decimal(0)).normalize():f}")


def _part_out(part: WorkOrderPart, steps: list[ProcessStep], tags: dict[int, str]) -> PartOut:
    position = moving.position_of(steps)
    return PartOut(
        id=part.id,
        position=part.position,
        part_number=part.part_number,
        description=part.description,
        quantity=_plain(part.quantity),
        quantity_done=_plain(part.quantity_done),
        external_ref=part.external_ref,
        current_step=position + 1 if position < len(steps) else None,
        steps=[
            StepOut(
                id=step.id,
                position=index + 1,
                name=step.name,
                tag=tags.get(step.tag_id) if step.tag_id else None,
                name_visible=step.name_visible,
                status=step.status,  # type: ignore[arg-type]
                started_at=step.started_at,
                completed_at=step.completed_at,
                external_ref=step.external_ref,
            )
            for index, step in enumerate(steps)
        ],
    )


async def _tag_names(ctx: RequestContext) -> dict[int, str]:
    return {tag_id: name for name, tag_id in (await checks.tag_names(ctx)).items()}


async def _order_out(ctx: RequestContext, order: WorkOrder) -> WorkOrderOut:
    """The order with its parts and steps: three statements whatever their number."""
    parts = await ctx.db.scalars(
        select(WorkOrderPart)
        .where(WorkOrderPart.work_order_id == order.id)
        .order_by(WorkOrderPart.position, WorkOrderPart.id)
    )
    steps = await ctx.db.scalars(
        select(ProcessStep).where(ProcessStep.work_order_id == order.id).order_by(ProcessStep.position, ProcessStep.id)
    )
    by_part: dict[int, list[ProcessStep]] = {}
    for step in steps:
        by_part.setdefault(step.part_id, []).append(step)
    tags = await _tag_names(ctx)
    return WorkOrderOut(
        **_summary_fields(order),
        notes=order.notes,
        contact_id=order.contact_id,
        parts=[_part_out(part, by_part.get(part.id, []), tags) for part in parts],
    )


async def _commit(ctx: RequestContext) -> None:
    """Commit; two writers taking the same number at once get a 409, not a 500."""
    try:
        await ctx.db.commit()
    except IntegrityError:
        await ctx.db.rollback()
        raise _taken() from None


def _taken() -> HTTPException:
    return _refused(409, "number", "Another work order took this number or external_ref at the same time.")


async def _create(ctx: RequestContext, data: WorkOrderIn) -> WorkOrder:
    """A new work order, committed (the number is checked, then kept unique by the database)."""
    try:
        order = await syncing.create_order(ctx, data)
    except FieldError as error:
        raise _problem(ctx, error) from None
    except IntegrityError:
        await ctx.db.rollback()
        raise _taken() from None
    await _commit(ctx)
    return order


class WorkOrdersApi(Controller):
    path = "/api/v1/workorders"
    opt = OPT
    tags = ["Work orders"]

    @get("/", opt=OPT, summary="List work orders, newest first")
    async def list_orders(
        self,
        ctx: Ctx,
        status: FromQuery[Status | None] = None,
        customer_id: FromQuery[int | None] = None,
        after: FromQuery[int | None] = None,
        limit: Annotated[int, QueryParameter(ge=1, le=500, description="At most 500")] = 100,
    ) -> WorkOrderPage:
        """Page with ``after`` (the ``next_after`` of the previous page)."""
        query = select(WorkOrder).order_by(WorkOrder.id.desc()).limit(limit + 1)
        if status:
            query = query.where(WorkOrder.status == status)
        if customer_id is not None:
            query = query.where(WorkOrder.customer_id == customer_id)
        if after is not None:
            query = query.where(WorkOrder.id < after)
        orders = list(await ctx.db.scalars(query))
        page = orders[:limit]
        return WorkOrderPage(
            items=[WorkOrderSummary(**_summary_fields(order)) for order in page],
            next_after=page[-1].id if len(orders) > limit else None,
        )

    @post("/", opt=OPT, summary="Create a work order with its parts and steps")
    async def create(self, ctx: Ctx, data: JSONBody[WorkOrderIn]) -> WorkOrderOut:
        return await _order_out(ctx, await _create(ctx, data))

    async def _find(self, ctx: RequestContext, **where: Any) -> WorkOrder:
        column, value = next(iter(where.items()))
        order = await ctx.db.scalar(select(WorkOrder).where(getattr(WorkOrder, column) == value).limit(1))
        if order is None:
            raise NotFoundException(f"No work order with this {column}.")
        return order

    @get("/{order_id:int}", opt=OPT, summary="Read a work order")
    async def read(self, ctx: Ctx, order_id: FromPath[int]) -> WorkOrderOut:
        return await _order_out(ctx, await self._find(ctx, id=order_id))

    @get("/by-number/{number:str}", opt=OPT, summary="Read a work order by its number")
    async def read_by_number(self, ctx: Ctx, number: FromPath[str]) -> WorkOrderOut:
        return await _order_out(ctx, await self._find(ctx, number=number))

    @get("/by-ref/{ref:str}", opt=OPT, summary="Read a work order by the ERP's external_ref")
    async def read_by_ref(self, ctx: Ctx, ref: FromPath[str]) -> WorkOrderOut:
        return await _order_out(ctx, await self._find(ctx, external_ref=ref))

    async def _update(self, ctx: RequestContext, order: WorkOrder, data: WorkOrderIn) -> WorkOrderOut:
        try:
            await syncing.update_order(ctx, order, data)
        except FieldError as error:
            raise _problem(ctx, error) from None
        await _commit(ctx)
        return await _order_out(ctx, order)

    @patch("/{order_id:int}", opt=OPT, summary="Change a work order; fields left out stay as they are")
    async def update(self, ctx: Ctx, order_id: FromPath[int], data: JSONBody[WorkOrderIn]) -> WorkOrderOut:
        return await self._update(ctx, await self._find(ctx, id=order_id), data)

    async def _upsert(self, ctx: RequestContext, key: str, value: str, data: WorkOrderIn) -> Response[WorkOrderOut]:
        given = getattr(data, key)
        if given is not None and given != value:
            raise _refused(422, key, f"The {key} in the body differs from the one in the address.")
        setattr(data, key, value)
        order = await ctx.db.scalar(select(WorkOrder).where(getattr(WorkOrder, key) == value).limit(1))
        if order is not None:
            return Response(await self._update(ctx, order, data), status_code=200)
        return Response(await _order_out(ctx, await _create(ctx, data)), status_code=201)

    @put("/by-number/{number:str}", opt=OPT, summary="Create or update the work order with this number")
    async def upsert_by_number(
        self, ctx: Ctx, number: FromPath[str], data: JSONBody[WorkOrderIn]
    ) -> Response[WorkOrderOut]:
        return await self._upsert(ctx, "number", number, data)

    @put("/by-ref/{ref:str}", opt=OPT, summary="Create or update the work order with this external_ref")
    async def upsert_by_ref(self, ctx: Ctx, ref: FromPath[str], data: JSONBody[WorkOrderIn]) -> Response[WorkOrderOut]:
        return await self._upsert(ctx, "external_ref", ref, data)

    # --- progress ----------------------------------------------------------------------------------
    @post("/{order_id:int}/parts/{part_id:int}/progress", opt=OPT, status_code=200, summary="Report a part's progress")
    async def progress(
        self, ctx: Ctx, order_id: FromPath[int], part_id: FromPath[int], data: JSONBody[ProgressIn]
    ) -> ProgressOut:
        order = await self._find(ctx, id=order_id)
        part = await ctx.db.get(WorkOrderPart, part_id)
        if part is None or part.work_order_id != order.id:
            raise NotFoundException("No such part on this work order.")
        return await self._report(ctx, order, part, data)

    @post("/progress", opt=OPT, status_code=200, summary="Report a part's progress by the ERP's keys")
    async def progress_by_ref(self, ctx: Ctx, data: JSONBody[ProgressByRefIn]) -> ProgressOut:
        if data.work_order_ref:
            order = await self._find(ctx, external_ref=data.work_order_ref)
        elif data.work_order_number:
            order = await self._find(ctx, number=data.work_order_number)
        else:
            raise _refused(422, "work_order_ref", "Give work_order_ref or work_order_number.")
        parts = list(
            await ctx.db.scalars(
                select(WorkOrderPart)
                .where(WorkOrderPart.work_order_id == order.id)
                .order_by(WorkOrderPart.position, WorkOrderPart.id)
            )
        )
        if data.part_ref:
            part = next((p for p in parts if p.external_ref == data.part_ref), None)
        elif data.part_position is not None:
            part = parts[data.part_position - 1] if 1 <= data.part_position <= len(parts) else None
        else:
            raise _refused(422, "part_ref", "Give part_ref or part_position.")
        if part is None:
            raise NotFoundException("No such part on this work order.")
        return await self._report(ctx, order, part, data)

    async def _report(
        self, ctx: RequestContext, order: WorkOrder, part: WorkOrderPart, data: ProgressIn
    ) -> ProgressOut:
        status = "in_progress" if data.status == "started" else data.status
        try:
            quantity = (
                checks.quantity("quantity_done", data.quantity_done, allow_zero=True)
                if data.quantity_done is not None
                else None
            )
        except FieldError as error:
            raise _problem(ctx, error) from None
        steps = await moving.steps_of(ctx.db, part)
        step = self._step(steps, data)
        try:
            if step is not None:
                if status is None:
                    raise _refused(422, "status", "Say what happened to the step: started, done or pending.")
                await moving.set_step_status(ctx.db, order, part, step, status, user_id=None, quantity_done=quantity)
            elif status in ("in_progress", "done"):
                move = moving.start_current if status == "in_progress" else moving.complete_current
                await move(ctx.db, order, part, user_id=None)
                if quantity is not None:
                    await moving.set_quantity_done(ctx.db, order, part, quantity)
            elif status == "pending":
                raise _refused(
                    422, "step_id", "Name the step to move back to (step_id, step_position or step_external_ref)."
                )
            elif quantity is not None:
                await moving.set_quantity_done(ctx.db, order, part, quantity)
            else:
                raise _refused(422, "status", "Send a status, a quantity_done, or both.")
        except moving.MoveError as refused:
            raise _refused(409, "status", ctx._(refused.msgid, **refused.values)) from None
        await ctx.db.commit()
        tags = await _tag_names(ctx)
        return ProgressOut(
            work_order_id=order.id,
            work_order_status=order.status,  # type: ignore[arg-type]
            part=_part_out(part, await moving.steps_of(ctx.db, part), tags),
        )

    @staticmethod
    def _step(steps: list[ProcessStep], data: ProgressIn) -> ProcessStep | None:
        if data.step_id is not None:
            found = next((s for s in steps if s.id == data.step_id), None)
            key = "step_id"
        elif data.step_position is not None:
            found = steps[data.step_position - 1] if 1 <= data.step_position <= len(steps) else None
            key = "step_position"
        elif data.step_external_ref is not None:
            found = next((s for s in steps if s.external_ref == data.step_external_ref), None)
            key = "step_external_ref"
        else:
            return None
        if found is None:
            raise NotFoundException(f"{key}: this part has no such step.")
        return found

    # --- vocabulary ----------------------------------------------------------------------------
    @get("/tags", opt=OPT, summary="The vendor's tags (steps name them by their name)")
    async def list_tags(self, ctx: Ctx) -> list[TagOut]:
        rows = await ctx.db.scalars(select(Tag).order_by(Tag.name))
        return [TagOut(id=tag.id, name=tag.name) for tag in rows]

    @get("/stages", opt=OPT, summary="The stages of the progress bar: the portal's, or one customer's own list")
    async def list_stages(self, ctx: Ctx, customer_id: FromQuery[int | None] = None) -> list[StageOut]:
        owner = Stage.customer_id.is_(None) if customer_id is None else Stage.customer_id == customer_id
        rows = await ctx.db.execute(
            select(Stage, Tag.name).join(Tag, Tag.id == Stage.tag_id).where(owner).order_by(Stage.position, Stage.id)
        )
        return [
            StageOut(
                id=stage.id,
                customer_id=stage.customer_id,
                position=stage.position,
                name=stage.name,
                tag_id=stage.tag_id,
                tag=tag,
                show_multiple=stage.show_multiple,
            )
            for stage, tag in rows
        ]
