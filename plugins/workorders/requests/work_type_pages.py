"""The vendor's types of work: add, edit, switch off, and choose which customers may request each."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect
from sqlalchemy import select

from core import Ctx, Customer, IntegerInputError, Page, RequestContext, flash, form_lists, render
from plugins.workorders.models import WorkType
from plugins.workorders.requests.work_types import (
    FORM_INTEGERS,
    WorkTypeForm,
    allowed_customer_ids,
    read_form,
    save_work_type,
)

PERMISSION = "workorders.requests.manage"
BASE = "/admin/workorders/work-types"


async def _customers(ctx: RequestContext) -> list[Customer]:
    return list(await ctx.db.scalars(select(Customer).order_by(Customer.path)))


async def list_page(ctx: RequestContext, form: WorkTypeForm | None = None, status: int = 200) -> Page:
    types = list(await ctx.db.scalars(select(WorkType).order_by(WorkType.position, WorkType.name, WorkType.id)))
    allowed = await allowed_customer_ids(ctx, [t.id for t in types])
    customers = await _customers(ctx)
    return await render(
        ctx,
        "workorders/requests/work_types.html",
        status_code=status,
        types=types,
        allowed=allowed,
        names={c.id: c.name for c in customers},
        customers=customers,
        form=form or WorkTypeForm(),
    )


async def edit_page(ctx: RequestContext, work_type: WorkType, form: WorkTypeForm, status: int = 200) -> Page:
    return await render(
        ctx,
        "workorders/requests/work_type.html",
        status_code=status,
        work_type=work_type,
        customers=await _customers(ctx),
        form=form,
    )


async def submitted(ctx: RequestContext, request: Request[Any, Any, Any]) -> WorkTypeForm:
    """The form as posted, checked: the kernel's refusals of its integers among its errors."""
    try:
        return await read_form(ctx, await form_lists(request))
    except IntegerInputError as refused:
        form = await read_form(ctx, refused.lists)
        form.errors.update(refused.errors(ctx))
        return form


async def find_type(ctx: RequestContext, work_type_id: int) -> WorkType:
    work_type = await ctx.db.scalar(select(WorkType).where(WorkType.id == work_type_id))
    if work_type is None:
        raise NotFoundException()
    return work_type


class WorkTypesController(Controller):
    path = BASE

    @get("/", opt={"permission": PERMISSION})
    async def index(self, ctx: Ctx) -> Page:
        return await list_page(ctx)

    @post("/", opt={"permission": PERMISSION, "integers": FORM_INTEGERS})
    async def create(self, ctx: Ctx, request: Request[Any, Any, Any]) -> Page | Redirect:
        form = await submitted(ctx, request)
        if form.errors:
            return await list_page(ctx, form, 400)
        work_type = await save_work_type(ctx, None, form)
        flash(ctx.session, ctx._("{name} was added.", name=work_type.name))
        await ctx.db.commit()
        return Redirect(BASE)

    @get("/{work_type_id:int}", opt={"permission": PERMISSION})
    async def edit(self, ctx: Ctx, work_type_id: FromPath[int]) -> Page:
        work_type = await find_type(ctx, work_type_id)
        allowed = await allowed_customer_ids(ctx, [work_type.id])
        return await edit_page(ctx, work_type, WorkTypeForm.of(work_type, allowed[work_type.id]))

    @post("/{work_type_id:int}", opt={"permission": PERMISSION, "integers": FORM_INTEGERS})
    async def save(self, ctx: Ctx, work_type_id: FromPath[int], request: Request[Any, Any, Any]) -> Page | Redirect:
        work_type = await find_type(ctx, work_type_id)
        form = await submitted(ctx, request)
        if form.errors:
            return await edit_page(ctx, work_type, form, 400)
        await save_work_type(ctx, work_type, form)
        flash(ctx.session, ctx._("Changes saved."))
        await ctx.db.commit()
        return Redirect(BASE)

    @post("/{work_type_id:int}/active", opt={"permission": PERMISSION})
    async def set_active(
        self, ctx: Ctx, work_type_id: FromPath[int], request: Request[Any, Any, Any]
    ) -> Page | Redirect:
        work_type = await find_type(ctx, work_type_id)
        values = await form_lists(request)
        work_type.active = (values.get("active") or ["0"])[0] == "1"
        if work_type.active:
            flash(ctx.session, ctx._("{name} can be requested again.", name=work_type.name))
        else:
            flash(
                ctx.session, ctx._("{name} is switched off: customers can no longer request it.", name=work_type.name)
            )
        await ctx.db.commit()
        return Redirect(BASE)
