"""The vendor's inbox of work requests and one request's page: ask, accept or decline."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect
from sqlalchemy import select

from core import Ctx, Page, RequestContext, flash, form_data, record_recent, render
from plugins.workorders.models import REQUEST_STATUSES, WORK_ORDER_KINDS, WorkRequest
from plugins.workorders.requests import decisions, listing, notify

PERMISSION = "workorders.requests.manage"


async def find_request(ctx: RequestContext, request_id: int) -> WorkRequest:
    request = await ctx.db.scalar(select(WorkRequest).where(WorkRequest.id == request_id))
    if request is None:
        raise NotFoundException()
    return request


async def detail_page(
    ctx: RequestContext,
    request: WorkRequest,
    errors: dict[str, str] | None = None,
    status: int = 200,
    form: dict[str, str] | None = None,
) -> Page:
    facts = await listing.detail_facts(ctx, request)
    values = {
        "title": decisions.default_title(request, facts["work_type"]),
        "kind": decisions.guess_kind(facts["work_type"]),
        **(form or {}),
    }
    return await render(
        ctx,
        "workorders/requests/admin_detail.html",
        status_code=status,
        wr=request,
        statuses=REQUEST_STATUSES,
        kind_options=[(key, ctx._(label)) for key, label in WORK_ORDER_KINDS.items()],
        errors=errors or {},
        form=values,
        can_decide=request.status in decisions.OPEN,
        **facts,
    )


class RequestsInboxController(Controller):
    path = "/admin/workorders/requests"

    @get("/", opt={"permission": PERMISSION, "integers": ("before",)})
    async def index(self, ctx: Ctx, request: Request[Any, Any, Any]) -> Page:
        params = request.query_params
        status = listing.clean_status(params.get("status", "open") if "status" in params else "open")
        found = await listing.list_requests(ctx, status=status, before=listing.clean_before(params.get("before")))
        return await render(
            ctx, "workorders/requests/inbox.html", listing=found, status=status, statuses=REQUEST_STATUSES
        )

    @get("/{request_id:int}", opt={"permission": PERMISSION})
    async def detail(self, ctx: Ctx, request_id: FromPath[int]) -> Page:
        work_request = await find_request(ctx, request_id)
        await record_recent(
            ctx,
            title=ctx._("Work request {number}", number=work_request.number),
            url=f"/admin/workorders/requests/{work_request.id}",
            kind=ctx._("Work request"),
        )
        return await detail_page(ctx, work_request)

    @post("/{request_id:int}/ask", opt={"permission": PERMISSION})
    async def ask(self, ctx: Ctx, request_id: FromPath[int], request: Request[Any, Any, Any]) -> Page | Redirect:
        work_request = await find_request(ctx, request_id)
        form = await form_data(request)
        try:
            await decisions.ask_for_information(ctx, work_request, form.get("question", ""))
        except decisions.DecisionError as refused:
            return await detail_page(
                ctx, work_request, {refused.field or "decision": refused.translated(ctx)}, refused.status_code, form
            )
        await notify.tell_customer(ctx, work_request)
        flash(ctx.session, ctx._("Your question was sent to the customer."))
        await ctx.db.commit()
        return Redirect(f"/admin/workorders/requests/{work_request.id}")

    @post("/{request_id:int}/accept", opt={"permission": PERMISSION})
    async def accept(self, ctx: Ctx, request_id: FromPath[int], request: Request[Any, Any, Any]) -> Page | Redirect:
        work_request = await find_request(ctx, request_id)
        form = await form_data(request)
        try:
            facts = await listing.detail_facts(ctx, work_request)
            acceptance = decisions.read_acceptance(form, work_request, facts["work_type"])
            order = await decisions.accept(ctx, work_request, acceptance)
        except decisions.DecisionError as refused:
            return await detail_page(
                ctx, work_request, {refused.field or "decision": refused.translated(ctx)}, refused.status_code, form
            )
        await notify.tell_customer(ctx, work_request)
        flash(ctx.session, ctx._("Accepted: work order {number} was created.", number=order.number))
        await ctx.db.commit()
        return Redirect(f"/admin/workorders/requests/{work_request.id}")

    @post("/{request_id:int}/decline", opt={"permission": PERMISSION})
    async def decline(self, ctx: Ctx, request_id: FromPath[int], request: Request[Any, Any, Any]) -> Page | Redirect:
        work_request = await find_request(ctx, request_id)
        form = await form_data(request)
        try:
            await decisions.decline(ctx, work_request, form.get("decline_reason", ""))
        except decisions.DecisionError as refused:
            return await detail_page(
                ctx, work_request, {refused.field or "decision": refused.translated(ctx)}, refused.status_code, form
            )
        await notify.tell_customer(ctx, work_request)
        flash(ctx.session, ctx._("The request was declined; the customer sees your reason."))
        await ctx.db.commit()
        return Redirect(f"/admin/workorders/requests/{work_request.id}")
