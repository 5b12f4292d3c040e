"""The vendor's vocabulary for progress: tags on process steps, and the stages customers see,
for the whole portal or for one customer account."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect
from sqlalchemy import func, select

from core import N_, Ctx, Customer, IntegerInputError, Page, RequestContext, flash, form_data, render
from plugins.workorders.manage import checks, queries
from plugins.workorders.manage.checks import FieldError
from plugins.workorders.manage.forms import FormErrors
from plugins.workorders.models import ProcessStep, Stage, Tag

PERMISSION = "workorders.manage"


async def clean_tag_name(ctx: RequestContext, value: str | None, tag_id: int | None) -> str:
    name = checks.text("name", value, checks.TAG_MAX, required=True)
    clash = await ctx.db.scalar(
        select(Tag.id).where(func.lower(Tag.name) == name.lower(), Tag.id != (tag_id or 0)).limit(1)
    )
    if clash is not None:
        raise FieldError("name", N_("There is already a tag “{name}”."), name=name)
    return name


class TagsController(Controller):
    path = "/admin/workorders/tags"
    opt = {"permission": PERMISSION}

    async def _page(
        self,
        ctx: RequestContext,
        forms: dict[str, Any] | None = None,
        errors: dict[str, Any] | None = None,
        status: int = 200,
    ) -> Page:
        tags = await queries.all_tags(ctx)
        step_counts = select(ProcessStep.tag_id, func.count(ProcessStep.id)).group_by(ProcessStep.tag_id)
        steps = {tag_id: count for tag_id, count in await ctx.db.execute(step_counts)}
        stage_counts = select(Stage.tag_id, func.count(Stage.id)).group_by(Stage.tag_id)
        stages = {tag_id: count for tag_id, count in await ctx.db.execute(stage_counts)}
        return await render(
            ctx,
            "workorders/manage/tags.html",
            status_code=status,
            tags=tags,
            steps=steps,
            stages=stages,
            forms=forms or {},
            errors=errors or {},
        )

    async def _tag(self, ctx: RequestContext, tag_id: int) -> Tag:
        tag = await ctx.db.get(Tag, tag_id)
        if tag is None:
            raise NotFoundException()
        return tag

    @get("/", opt={"permission": PERMISSION})
    async def index(self, ctx: Ctx) -> Page:
        return await self._page(ctx)

    @post("/", opt={"permission": PERMISSION})
    async def add(self, ctx: Ctx, request: Request[Any, Any, Any]) -> Page | Redirect:
        form = await form_data(request)
        errors = FormErrors()
        name = await errors.wait(clean_tag_name(ctx, form.get("name"), None))
        if errors or name is None:
            return await self._page(ctx, {"new": form}, {"new": errors.translated(ctx)}, 400)
        ctx.db.add(Tag(name=name))
        flash(ctx.session, ctx._("Tag “{name}” was added.", name=name))
        await ctx.db.commit()
        return Redirect(self.path)

    @post("/{tag_id:int}", opt={"permission": PERMISSION})
    async def rename(self, ctx: Ctx, tag_id: FromPath[int], request: Request[Any, Any, Any]) -> Page | Redirect:
        tag = await self._tag(ctx, tag_id)
        form = await form_data(request)
        errors = FormErrors()
        name = await errors.wait(clean_tag_name(ctx, form.get("name"), tag.id))
        if errors or name is None:
            key = f"tag-{tag.id}"
            return await self._page(ctx, {key: form}, {key: errors.translated(ctx)}, 400)
        tag.name = name
        flash(ctx.session, ctx._("Changes saved."))
        await ctx.db.commit()
        return Redirect(self.path)

    @post("/{tag_id:int}/delete", opt={"permission": PERMISSION})
    async def delete(self, ctx: Ctx, tag_id: FromPath[int]) -> Page | Redirect:
        """A tag still on steps or stages is kept: deleting it would silently change progress bars."""
        tag = await self._tag(ctx, tag_id)
        steps = await ctx.db.scalar(select(func.count(ProcessStep.id)).where(ProcessStep.tag_id == tag.id)) or 0
        stages = await ctx.db.scalar(select(func.count(Stage.id)).where(Stage.tag_id == tag.id)) or 0
        if steps or stages:
            message = ctx._(
                "“{name}” is still used by {steps} steps and {stages} stages: remove it from them first.",
                name=tag.name,
                steps=steps,
                stages=stages,
            )
            return await self._page(ctx, {}, {f"tag-{tag.id}": {"delete": message}}, 409)
        await ctx.db.delete(tag)
        flash(ctx.session, ctx._("Tag “{name}” was deleted.", name=tag.name))
        await ctx.db.commit()
        return Redirect(self.path)


class StagesController(Controller):
    """``?customer_id=`` picks one account's own list; without it, the portal's default list."""

    path = "/admin/workorders/stages"
    opt = {"permission": PERMISSION}

    async def _customer(self, ctx: RequestContext, value: str | None) -> Customer | None:
        if not value:
            return None
        found = await ctx.db.get(Customer, int(value)) if value.isdigit() and int(value) < 2**31 else None
        if found is None:
            raise NotFoundException()
        return found

    async def _stages(self, ctx: RequestContext, customer: Customer | None) -> list[Stage]:
        owner = Stage.customer_id.is_(None) if customer is None else Stage.customer_id == customer.id
        return list(await ctx.db.scalars(select(Stage).where(owner).order_by(Stage.position, Stage.id)))

    async def _page(
        self,
        ctx: RequestContext,
        customer: Customer | None,
        forms: dict[str, Any] | None = None,
        errors: dict[str, Any] | None = None,
        status: int = 200,
    ) -> Page:
        with_own = set(await ctx.db.scalars(select(Stage.customer_id).where(Stage.customer_id.is_not(None)).distinct()))
        return await render(
            ctx,
            "workorders/manage/stages.html",
            status_code=status,
            customer=customer,
            stages=await self._stages(ctx, customer),
            tags=await queries.all_tags(ctx),
            customers=await queries.customer_choices(ctx),
            with_own=with_own,
            forms=forms or {},
            errors=errors or {},
        )

    def _back(self, customer_id: int | None) -> Redirect:
        return Redirect(self.path + (f"?customer_id={customer_id}" if customer_id else ""))

    async def _stage(self, ctx: RequestContext, stage_id: int) -> Stage:
        stage = await ctx.db.get(Stage, stage_id)
        if stage is None:
            raise NotFoundException()
        return stage

    async def _values(self, ctx: RequestContext, form: dict[str, str]) -> tuple[dict[str, Any], FormErrors]:
        errors = FormErrors()
        tag_id = await errors.wait(checks.tag_id(ctx, form.get("tag_id")))
        if tag_id is None and "tag_id" not in errors:
            errors["tag_id"] = FieldError("tag_id", N_("Choose the tag the stage is built from."))
        name = errors.run(checks.text, "name", form.get("name"), checks.TAG_MAX)
        if not name and tag_id is not None:
            tag = await ctx.db.get(Tag, tag_id)
            name = tag.name if tag else ""
        return {"tag_id": tag_id, "name": name, "show_multiple": form.get("show_multiple") == "1"}, errors

    @get("/", opt={"permission": PERMISSION, "integers": ("customer_id",)})
    async def index(self, ctx: Ctx, request: Request[Any, Any, Any]) -> Page:
        return await self._page(ctx, await self._customer(ctx, request.query_params.get("customer_id")))

    @post("/", opt={"permission": PERMISSION, "integers": ("customer_id", "tag_id")})
    async def add(self, ctx: Ctx, request: Request[Any, Any, Any]) -> Page | Redirect:
        try:
            form = await form_data(request)
        except IntegerInputError as refused:
            if any(problem.name == "customer_id" for problem in refused.problems):
                raise  # a hidden field: no place on the form for the message; the kernel's page says it
            customer = await self._customer(ctx, refused.form.get("customer_id"))
            return await self._page(ctx, customer, {"new": refused.form}, {"new": refused.errors(ctx)}, 400)
        customer = await self._customer(ctx, form.get("customer_id"))
        values, errors = await self._values(ctx, form)
        if errors:
            return await self._page(ctx, customer, {"new": form}, {"new": errors.translated(ctx)}, 400)
        count = len(await self._stages(ctx, customer))
        ctx.db.add(Stage(customer_id=customer.id if customer else None, position=count + 1, **values))
        flash(ctx.session, ctx._("Stage “{name}” was added.", name=values["name"]))
        await ctx.db.commit()
        return self._back(customer.id if customer else None)

    @post("/{stage_id:int}", opt={"permission": PERMISSION, "integers": ("tag_id",)})
    async def save(self, ctx: Ctx, stage_id: FromPath[int], request: Request[Any, Any, Any]) -> Page | Redirect:
        stage = await self._stage(ctx, stage_id)
        try:
            form = await form_data(request)
        except IntegerInputError as refused:
            customer = await self._customer(ctx, str(stage.customer_id or ""))
            key = f"stage-{stage.id}"
            return await self._page(ctx, customer, {key: refused.form}, {key: refused.errors(ctx)}, 400)
        values, errors = await self._values(ctx, form)
        if errors:
            customer = await self._customer(ctx, str(stage.customer_id or ""))
            key = f"stage-{stage.id}"
            return await self._page(ctx, customer, {key: form}, {key: errors.translated(ctx)}, 400)
        for name, value in values.items():
            setattr(stage, name, value)
        flash(ctx.session, ctx._("Changes saved."))
        await ctx.db.commit()
        return self._back(stage.customer_id)

    @post("/{stage_id:int}/delete", opt={"permission": PERMISSION})
    async def delete(self, ctx: Ctx, stage_id: FromPath[int]) -> Redirect:
        stage = await self._stage(ctx, stage_id)
        await ctx.db.delete(stage)
        await ctx.db.flush()
        await self._renumber(ctx, stage.customer_id)
        flash(ctx.session, ctx._("Stage “{name}” was removed.", name=stage.name))
        await ctx.db.commit()
        return self._back(stage.customer_id)

    async def _renumber(self, ctx: RequestContext, customer_id: int | None, moved: int = 0, offset: int = 0) -> None:
        owner = Stage.customer_id.is_(None) if customer_id is None else Stage.customer_id == customer_id
        stages = list(await ctx.db.scalars(select(Stage).where(owner).order_by(Stage.position, Stage.id)))
        index = next((i for i, s in enumerate(stages) if s.id == moved), None)
        if index is not None and 0 <= index + offset < len(stages):
            stages[index], stages[index + offset] = stages[index + offset], stages[index]
        for position, stage in enumerate(stages, start=1):
            stage.position = position

    @post("/{stage_id:int}/reorder", opt={"permission": PERMISSION})
    async def reorder(self, ctx: Ctx, stage_id: FromPath[int], request: Request[Any, Any, Any]) -> Redirect:
        stage = await self._stage(ctx, stage_id)
        form = await form_data(request)
        await self._renumber(ctx, stage.customer_id, stage.id, -1 if form.get("direction") == "up" else 1)
        await ctx.db.commit()
        return self._back(stage.customer_id)

    @post("/copy-default", opt={"permission": PERMISSION, "integers": ("customer_id",)})
    async def copy_default(self, ctx: Ctx, request: Request[Any, Any, Any]) -> Redirect:
        """Start a customer's own list from a copy of the portal's list."""
        form = await form_data(request)
        customer = await self._customer(ctx, form.get("customer_id"))
        if customer is None:
            raise NotFoundException()
        if not await self._stages(ctx, customer):
            for stage in await self._stages(ctx, None):
                ctx.db.add(
                    Stage(
                        customer_id=customer.id,
                        position=stage.position,
                        name=stage.name,
                        tag_id=stage.tag_id,
                        show_multiple=stage.show_multiple,
                    )
                )
            flash(ctx.session, ctx._("{name} now has its own list of stages.", name=customer.name))
        await ctx.db.commit()
        return self._back(customer.id)

    @post("/clear", opt={"permission": PERMISSION, "integers": ("customer_id",)})
    async def clear(self, ctx: Ctx, request: Request[Any, Any, Any]) -> Redirect:
        """Remove a customer's own list: it follows the portal's list again."""
        form = await form_data(request)
        customer = await self._customer(ctx, form.get("customer_id"))
        if customer is None:
            raise NotFoundException()
        for stage in await self._stages(ctx, customer):
            await ctx.db.delete(stage)
        flash(ctx.session, ctx._("{name} follows the portal's list of stages again.", name=customer.name))
        await ctx.db.commit()
        return self._back(customer.id)
