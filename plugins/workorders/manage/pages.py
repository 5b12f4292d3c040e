"""The vendor's work order pages: list, create and edit, parts and their steps, moving parts,
notes and pictures. Every handler needs ``workorders.manage``."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.exceptions import HTTPException, NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect
from sqlalchemy.exc import IntegrityError

from core import (
    N_,
    Ctx,
    IntegerInputError,
    Page,
    RequestContext,
    document_status,
    flash,
    form_data,
    next_number,
    render,
    utcnow,
)
from plugins.workorders.manage import editing, moving, notes, queries
from plugins.workorders.manage.checks import FieldError
from plugins.workorders.manage.forms import FormErrors, order_values, part_values, step_values
from plugins.workorders.models import WORK_ORDER_KINDS, WORK_ORDER_STATUSES, ProcessStep, WorkOrder, WorkOrderPart

PERMISSION = "workorders.manage"
DOCUMENT = "workorders.order"
BASE = "/admin/workorders"
ORDER_INTEGERS = ("customer_id", "contact_id")  # the work order form's (the kernel checks them)


def _redirect(order: WorkOrder, anchor: str = "") -> Redirect:
    return Redirect(f"{BASE}/{order.id}" + (f"#{anchor}" if anchor else ""))


class WorkOrdersController(Controller):
    path = BASE
    opt = {"permission": PERMISSION}

    # --- list ---------------------------------------------------------------------------------
    @get("/", opt={"permission": PERMISSION, "integers": ("page",)})
    async def index(self, ctx: Ctx, request: Request[Any, Any, Any]) -> Page:
        filters = queries.ListFilters.of(request.query_params)
        rows, more = await queries.list_orders(ctx, filters)
        return await render(
            ctx, "workorders/manage/list.html", rows=rows, more=more, filters=filters, statuses=WORK_ORDER_STATUSES
        )

    # --- create and edit the work order itself -------------------------------------------------
    async def _form(
        self, ctx: RequestContext, order: WorkOrder | None, form: dict[str, Any], errors: FormErrors, status: int = 200
    ) -> Page:
        return await render(
            ctx,
            "workorders/manage/form.html",
            status_code=status,
            order=order,
            form=form,
            errors=errors.translated(ctx),
            customers=await queries.customer_choices(ctx),
            contacts=await queries.contact_choices(ctx),
            kinds=WORK_ORDER_KINDS,
            statuses=WORK_ORDER_STATUSES,
        )

    @get("/new", opt={"permission": PERMISSION, "integers": ("customer_id",)})
    async def new(self, ctx: Ctx, request: Request[Any, Any, Any]) -> Page:
        number = await next_number(ctx.db, WorkOrder.number, "WO-", ctx.tenant.id)
        form = {"number": number, "kind": "production", "status": "planned"}
        customer = request.query_params.get("customer_id", "")
        if customer.isdigit():
            form["customer_id"] = customer
        return await self._form(ctx, None, form, FormErrors())

    @post("/", opt={"permission": PERMISSION, "integers": ORDER_INTEGERS})
    async def create(self, ctx: Ctx, request: Request[Any, Any, Any]) -> Page | Redirect:
        try:
            form = await form_data(request)
        except IntegerInputError as refused:
            return await self._form(ctx, None, refused.form, FormErrors.refused(refused), 400)
        values, errors = await order_values(ctx, form, None)
        if errors:
            return await self._form(ctx, None, form, errors, 400)
        order = WorkOrder(**values)
        try:
            async with ctx.db.begin_nested():  # someone may take the number after it was checked
                ctx.db.add(order)
        except IntegrityError:
            errors["number"] = FieldError("number", N_("Work order {number} already exists."), number=order.number)
            return await self._form(ctx, None, form, errors, 400)
        flash(ctx.session, ctx._("Work order {number} was created.", number=order.number))
        await ctx.db.commit()
        return _redirect(order)

    async def _order(self, ctx: RequestContext, order_id: int) -> WorkOrder:
        order = await queries.load_order(ctx, order_id)
        if order is None:
            raise NotFoundException()
        return order

    @get("/{order_id:int}/edit", opt={"permission": PERMISSION})
    async def edit(self, ctx: Ctx, order_id: FromPath[int]) -> Page:
        order = await self._order(ctx, order_id)
        form = {
            "customer_id": str(order.customer_id),
            "number": order.number,
            "title": order.title,
            "kind": order.kind,
            "status": order.status,
            "customer_po": order.customer_po,
            "due_on": order.due_on.isoformat() if order.due_on else "",
            "notes": order.notes,
            "contact_id": str(order.contact_id or ""),
        }
        return await self._form(ctx, order, form, FormErrors())

    @post("/{order_id:int}", opt={"permission": PERMISSION, "integers": ORDER_INTEGERS})
    async def save(self, ctx: Ctx, order_id: FromPath[int], request: Request[Any, Any, Any]) -> Page | Redirect:
        order = await self._order(ctx, order_id)
        try:
            form = await form_data(request)
        except IntegerInputError as refused:
            return await self._form(ctx, order, refused.form, FormErrors.refused(refused), 400)
        values, errors = await order_values(ctx, form, order)
        if errors:
            return await self._form(ctx, order, form, errors, 400)
        if values["customer_id"] != order.customer_id:
            await editing.change_customer(ctx.db, order, values["customer_id"])
        for name, value in values.items():
            setattr(order, name, value)
        if order.status != "completed":
            order.completed_on = None
        elif order.completed_on is None:
            order.completed_on = utcnow().date()
        flash(ctx.session, ctx._("Changes saved."))
        await ctx.db.commit()
        return _redirect(order)

    # --- the detail page with its parts, steps and notes ----------------------------------------
    async def _detail(
        self,
        ctx: RequestContext,
        order: WorkOrder,
        forms: dict[str, dict[str, str]] | None = None,
        errors: dict[str, dict[str, str]] | None = None,
        status: int = 200,
    ) -> Page:
        detail = await queries.load_detail(ctx, order)
        return await render(
            ctx,
            "workorders/manage/detail.html",
            status_code=status,
            detail=detail,
            order=order,
            forms=forms or {},
            errors=errors or {},
            document=await document_status(ctx, DOCUMENT, order),
            send_url=f"/admin/documents/{DOCUMENT}/{order.id}/send",
            statuses=WORK_ORDER_STATUSES,
            kinds=WORK_ORDER_KINDS,
        )

    async def _refused(
        self,
        ctx: RequestContext,
        order: WorkOrder,
        key: str,
        form: dict[str, str],
        problems: dict[str, str],
        status: int = 400,
    ) -> Page:
        return await self._detail(ctx, order, {key: form}, {key: problems}, status)

    @get("/{order_id:int}", opt={"permission": PERMISSION})
    async def detail(self, ctx: Ctx, order_id: FromPath[int]) -> Page:
        return await self._detail(ctx, await self._order(ctx, order_id))

    async def _part(self, ctx: RequestContext, order: WorkOrder, part_id: int) -> WorkOrderPart:
        part = await ctx.db.get(WorkOrderPart, part_id)
        if part is None or part.work_order_id != order.id:
            raise NotFoundException()
        return part

    async def _step(self, ctx: RequestContext, part: WorkOrderPart, step_id: int) -> ProcessStep:
        step = await ctx.db.get(ProcessStep, step_id)
        if step is None or step.part_id != part.id:
            raise NotFoundException()
        return step

    # --- parts ---------------------------------------------------------------------------------
    @post("/{order_id:int}/parts", opt={"permission": PERMISSION})
    async def add_part(self, ctx: Ctx, order_id: FromPath[int], request: Request[Any, Any, Any]) -> Page | Redirect:
        order = await self._order(ctx, order_id)
        form = await form_data(request)
        values, errors = part_values(form)
        if errors:
            return await self._refused(ctx, order, "part-new", form, errors.translated(ctx))
        part = await editing.add_part(ctx.db, order, values)
        flash(ctx.session, ctx._("Part {number} was added.", number=part.part_number))
        await ctx.db.commit()
        return _redirect(order, f"part-{part.id}")

    @post("/{order_id:int}/parts/{part_id:int}", opt={"permission": PERMISSION})
    async def save_part(
        self, ctx: Ctx, order_id: FromPath[int], part_id: FromPath[int], request: Request[Any, Any, Any]
    ) -> Page | Redirect:
        order = await self._order(ctx, order_id)
        part = await self._part(ctx, order, part_id)
        form = await form_data(request)
        values, errors = part_values(form)
        if errors:
            return await self._refused(ctx, order, f"part-{part.id}", form, errors.translated(ctx))
        for name, value in values.items():
            setattr(part, name, value)
        flash(ctx.session, ctx._("Changes saved."))
        await ctx.db.commit()
        return _redirect(order, f"part-{part.id}")

    @post("/{order_id:int}/parts/{part_id:int}/delete", opt={"permission": PERMISSION})
    async def delete_part(self, ctx: Ctx, order_id: FromPath[int], part_id: FromPath[int]) -> Redirect:
        order = await self._order(ctx, order_id)
        part = await self._part(ctx, order, part_id)
        await ctx.db.delete(part)
        await ctx.db.flush()
        await editing.renumber_parts(ctx.db, order)
        flash(ctx.session, ctx._("Part {number} was removed.", number=part.part_number))
        await ctx.db.commit()
        return _redirect(order)

    @post("/{order_id:int}/parts/{part_id:int}/move", opt={"permission": PERMISSION, "integers": ("position",)})
    async def move_part(
        self, ctx: Ctx, order_id: FromPath[int], part_id: FromPath[int], request: Request[Any, Any, Any]
    ) -> Page | Redirect:
        """Start or complete the current step, or set the part's position (the form's ``action``)."""
        order = await self._order(ctx, order_id)
        part = await self._part(ctx, order, part_id)
        try:
            form = await form_data(request)
        except IntegerInputError as refused:
            return await self._refused(ctx, order, f"move-{part.id}", refused.form, refused.errors(ctx))
        user_id = ctx.user.id if ctx.user else None
        action = form.get("action", "")
        try:
            if action == "start":
                await moving.start_current(ctx.db, order, part, user_id=user_id)
            elif action == "complete":
                await moving.complete_current(ctx.db, order, part, user_id=user_id)
            elif action == "position" and form.get("position", "").isdigit():
                await moving.set_position(ctx.db, order, part, int(form["position"]), user_id=user_id)
            else:
                raise moving.MoveError(N_("Choose one of the part's steps."))
        except moving.MoveError as refused:
            key = f"move-{part.id}"
            return await self._refused(ctx, order, key, form, {"position": ctx._(refused.msgid, **refused.values)})
        flash(ctx.session, ctx._("Part {number} moved.", number=part.part_number))
        await ctx.db.commit()
        return _redirect(order, f"part-{part.id}")

    @post("/{order_id:int}/parts/{part_id:int}/copy-steps", opt={"permission": PERMISSION, "integers": ("source_id",)})
    async def copy_steps(
        self, ctx: Ctx, order_id: FromPath[int], part_id: FromPath[int], request: Request[Any, Any, Any]
    ) -> Page | Redirect:
        order = await self._order(ctx, order_id)
        part = await self._part(ctx, order, part_id)
        try:
            form = await form_data(request)
        except IntegerInputError as refused:
            return await self._refused(ctx, order, f"copy-{part.id}", refused.form, refused.errors(ctx))
        source_id = form.get("source_id", "")
        source = await ctx.db.get(WorkOrderPart, int(source_id)) if source_id.isdigit() else None
        try:
            if source is None or source.work_order_id != order.id:
                raise moving.MoveError(N_("Choose another part to copy the steps from."))
            count = await editing.copy_steps(ctx.db, source, part)
        except moving.MoveError as refused:
            key = f"copy-{part.id}"
            return await self._refused(ctx, order, key, form, {"source_id": ctx._(refused.msgid, **refused.values)})
        flash(ctx.session, ctx._("{count} steps were copied.", count=count))
        await ctx.db.commit()
        return _redirect(order, f"part-{part.id}")

    # --- steps ---------------------------------------------------------------------------------
    @post("/{order_id:int}/parts/{part_id:int}/steps", opt={"permission": PERMISSION, "integers": ("tag_id",)})
    async def add_step(
        self, ctx: Ctx, order_id: FromPath[int], part_id: FromPath[int], request: Request[Any, Any, Any]
    ) -> Page | Redirect:
        order = await self._order(ctx, order_id)
        part = await self._part(ctx, order, part_id)
        try:
            form = await form_data(request)
        except IntegerInputError as refused:
            return await self._refused(ctx, order, f"steps-{part.id}", refused.form, refused.errors(ctx))
        values, errors = await step_values(ctx, form)
        if errors:
            return await self._refused(ctx, order, f"steps-{part.id}", form, errors.translated(ctx))
        step = await editing.add_step(ctx.db, part, values)
        flash(ctx.session, ctx._("Step “{name}” was added.", name=step.name))
        await ctx.db.commit()
        return _redirect(order, f"part-{part.id}")

    @post(
        "/{order_id:int}/parts/{part_id:int}/steps/{step_id:int}",
        opt={"permission": PERMISSION, "integers": ("tag_id",)},
    )
    async def save_step(
        self,
        ctx: Ctx,
        order_id: FromPath[int],
        part_id: FromPath[int],
        step_id: FromPath[int],
        request: Request[Any, Any, Any],
    ) -> Page | Redirect:
        order = await self._order(ctx, order_id)
        part = await self._part(ctx, order, part_id)
        step = await self._step(ctx, part, step_id)
        try:
            form = await form_data(request)
        except IntegerInputError as refused:
            return await self._refused(ctx, order, f"step-{step.id}", refused.form, refused.errors(ctx))
        values, errors = await step_values(ctx, form)
        if errors:
            return await self._refused(ctx, order, f"step-{step.id}", form, errors.translated(ctx))
        for name, value in values.items():
            setattr(step, name, value)
        flash(ctx.session, ctx._("Changes saved."))
        await ctx.db.commit()
        return _redirect(order, f"part-{part.id}")

    @post("/{order_id:int}/parts/{part_id:int}/steps/{step_id:int}/delete", opt={"permission": PERMISSION})
    async def delete_step(
        self, ctx: Ctx, order_id: FromPath[int], part_id: FromPath[int], step_id: FromPath[int]
    ) -> Redirect:
        order = await self._order(ctx, order_id)
        part = await self._part(ctx, order, part_id)
        step = await self._step(ctx, part, step_id)
        await ctx.db.delete(step)
        await ctx.db.flush()
        await editing.renumber_steps(ctx.db, part)
        flash(ctx.session, ctx._("Step “{name}” was removed.", name=step.name))
        await ctx.db.commit()
        return _redirect(order, f"part-{part.id}")

    @post("/{order_id:int}/parts/{part_id:int}/steps/{step_id:int}/reorder", opt={"permission": PERMISSION})
    async def reorder_step(
        self,
        ctx: Ctx,
        order_id: FromPath[int],
        part_id: FromPath[int],
        step_id: FromPath[int],
        request: Request[Any, Any, Any],
    ) -> Redirect:
        order = await self._order(ctx, order_id)
        part = await self._part(ctx, order, part_id)
        step = await self._step(ctx, part, step_id)
        form = await form_data(request)
        await editing.move_step(ctx.db, part, step.id, -1 if form.get("direction") == "up" else 1)
        await ctx.db.commit()
        return _redirect(order, f"part-{part.id}")

    # --- notes and pictures --------------------------------------------------------------------
    @post("/{order_id:int}/notes", opt={"permission": PERMISSION})
    async def add_note(self, ctx: Ctx, order_id: FromPath[int], request: Request[Any, Any, Any]) -> Page | Redirect:
        order = await self._order(ctx, order_id)
        try:
            submitted = await request.form()
        except HTTPException as exc:
            if exc.status_code != 413:
                raise
            submitted = None
        body = submitted.get("body") if submitted is not None else ""
        body = body if isinstance(body, str) else ""
        upload = submitted.get("picture") if submitted is not None else None
        try:
            if submitted is None:
                raise notes.NoteError(notes.TOO_LARGE, 413)
            await notes.add_note(ctx, order, body, upload if isinstance(upload, UploadFile) else None)
        except notes.NoteError as refused:
            values = {"size": ctx.portico.settings.max_upload_mb}
            problem = {"note": ctx._(refused.msgid, **values)}
            return await self._refused(ctx, order, "note", {"body": body}, problem, refused.status)
        flash(ctx.session, ctx._("The note was added."))
        await ctx.db.commit()
        return _redirect(order, "notes")

    @get("/{order_id:int}/notes/{note_id:int}/picture", opt={"permission": PERMISSION})
    async def picture(self, ctx: Ctx, order_id: FromPath[int], note_id: FromPath[int]) -> Response[bytes]:
        order = await self._order(ctx, order_id)
        return await notes.picture_response(ctx, order, note_id)

    @post("/{order_id:int}/notes/{note_id:int}/delete", opt={"permission": PERMISSION})
    async def delete_note(self, ctx: Ctx, order_id: FromPath[int], note_id: FromPath[int]) -> Redirect:
        order = await self._order(ctx, order_id)
        picture = await notes.delete_note(ctx, order, note_id)
        flash(ctx.session, ctx._("The note was removed."))
        await ctx.db.commit()
        if picture:
            await ctx.storage.delete(picture)  # only once the note is gone for good
        return _redirect(order, "notes")
