"""The customer's pages: their requests, the request form, one request and its answer form."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.exceptions import HTTPException, NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, OperationalError

from core import Ctx, Page, RequestContext, flash, form_data, record_recent, render
from plugins.workorders.models import REQUEST_STATUSES, WorkRequest
from plugins.workorders.requests import concurrency, decisions, listing, notify, submission
from plugins.workorders.requests.work_types import offered_types

PERMISSION = "workorders.request"
#: The list and a request's page also let staff in, to send them on to the inbox (kernel links
#: such as "recently opened" lead staff to a request's customer address).
SEEN_BY = ("workorders.request", "workorders.requests.manage")
FORM_FIELDS = ("site_id", "work_type_id", "description", "preferred_on", "accept_terms", "submission_key")


async def form_page(
    ctx: RequestContext,
    values: dict[str, str],
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Page:
    settings = ctx.module_settings("workorders")
    sites = await submission.visible_sites(ctx)
    offered = await offered_types(ctx, sites)
    # Every type some visible site may request, once; the chosen site's list is checked on submit.
    types = list({t.id: t for site in sites for t in offered[site.id]}.values())
    types_by_site = {site.id: [t.id for t in offered[site.id]] for site in sites}
    return await render(
        ctx,
        "workorders/requests/new.html",
        status_code=status,
        form=values,
        errors=errors or {},
        sites=sites,
        types=types,
        types_by_site=types_by_site,
        settings=settings,
        max_attachments=submission.MAX_ATTACHMENTS,
    )


async def find_request(ctx: RequestContext, request_id: int) -> WorkRequest:
    request = await ctx.db.scalar(select(WorkRequest).where(WorkRequest.id == request_id))
    if request is None:
        raise NotFoundException()
    return request


async def detail_page(
    ctx: RequestContext, request: WorkRequest, errors: dict[str, str] | None = None, status: int = 200, form: Any = None
) -> Page:
    facts = await listing.detail_facts(ctx, request)
    return await render(
        ctx,
        "workorders/requests/detail.html",
        status_code=status,
        wr=request,
        statuses=REQUEST_STATUSES,
        errors=errors or {},
        form=form or {},
        **facts,
    )


class RequestsController(Controller):
    path = "/workorders/requests"

    @get("/", opt={"permission": SEEN_BY, "integers": ("before",)})
    async def index(self, ctx: Ctx, request: Request[Any, Any, Any]) -> Page | Redirect:
        if ctx.is_staff and ctx.can("workorders.requests.manage"):
            return Redirect("/admin/workorders/requests")
        status = listing.clean_status(request.query_params.get("status"))
        found = await listing.list_requests(
            ctx, status=status, before=listing.clean_before(request.query_params.get("before"))
        )
        return await render(
            ctx,
            "workorders/requests/list.html",
            listing=found,
            status=status,
            statuses=REQUEST_STATUSES,
        )

    @get("/new", opt={"permission": PERMISSION})
    async def new(self, ctx: Ctx) -> Page:
        settings = ctx.module_settings("workorders")
        sites = await submission.visible_sites(ctx)
        site_id = submission.default_site_id(ctx, sites)
        values = {
            "site_id": str(site_id or ""),
            "description": settings["description_default"] or "",
            "submission_key": submission.new_submission_key(),
        }
        return await form_page(ctx, values)

    @post("/", opt={"permission": PERMISSION})
    async def create(self, ctx: Ctx, request: Request[Any, Any, Any]) -> Page | Redirect:
        try:
            raw = await request.form()
        except HTTPException as exc:
            if exc.status_code != 413:
                raise
            message = ctx._(
                "The files are larger than {size} MB together, the most this portal accepts.",
                size=ctx.portico.settings.max_upload_mb,
            )
            values = {"submission_key": submission.new_submission_key()}
            return await form_page(ctx, values, {"attachments": message}, 413)
        values = {key: str(raw.get(key) or "")[:20_000] for key in FORM_FIELDS if isinstance(raw.get(key), str)}
        if not submission.KEY_PATTERN.match(values.get("submission_key", "")):
            values["submission_key"] = submission.new_submission_key()
        done = await submission.existing(ctx, values["submission_key"])
        if done is not None:  # the same form sent again: it counts once
            return Redirect(f"/workorders/requests/{done.id}")
        settings = ctx.module_settings("workorders")
        sites = await submission.visible_sites(ctx)
        errors, site, work_type, preferred = await submission.check(ctx, values, sites, settings)
        uploads, problem = await submission.read_uploads(ctx, raw.getall("attachments", []))
        if problem:
            errors["attachments"] = problem
        if errors or site is None or work_type is None:
            return await form_page(ctx, values, errors, 400)
        for _attempt in range(5):
            try:
                created = await submission.create_request(ctx, values, site, work_type, preferred, uploads, settings)
                break
            except (IntegrityError, OperationalError) as clash:  # the same form at the same instant, or a number
                if isinstance(clash, OperationalError):
                    if not concurrency.stale_sqlite_snapshot(ctx, clash):
                        raise
                    await concurrency.start_afresh(ctx)
                done = await submission.existing(ctx, values["submission_key"])
                if done is not None:
                    return Redirect(f"/workorders/requests/{done.id}")
        else:
            return await form_page(ctx, values, {"submission_key": ctx._("Please send the form again.")}, 409)
        await notify.tell_vendor(ctx, notify.SUBMITTED, created)
        flash(ctx.session, ctx._("Your request {number} was sent.", number=created.number))
        await ctx.db.commit()
        return Redirect(f"/workorders/requests/{created.id}")

    @get("/{request_id:int}", opt={"permission": SEEN_BY})
    async def detail(self, ctx: Ctx, request_id: FromPath[int]) -> Page | Redirect:
        work_request = await find_request(ctx, request_id)
        if ctx.is_staff and ctx.can("workorders.requests.manage"):
            return Redirect(f"/admin/workorders/requests/{work_request.id}")
        await record_recent(
            ctx,
            title=ctx._("Work request {number}", number=work_request.number),
            url=f"/workorders/requests/{work_request.id}",
            kind=ctx._("Work request"),
        )
        return await detail_page(ctx, work_request)

    @post("/{request_id:int}/answer", opt={"permission": PERMISSION})
    async def answer(self, ctx: Ctx, request_id: FromPath[int], request: Request[Any, Any, Any]) -> Page | Redirect:
        work_request = await find_request(ctx, request_id)
        form = await form_data(request)
        try:
            await decisions.answer(ctx, work_request, form.get("answer", ""))
        except decisions.DecisionError as refused:
            errors = {refused.field or "answer": refused.translated(ctx)}
            return await detail_page(ctx, work_request, errors, refused.status_code, form)
        await notify.tell_vendor(ctx, notify.ANSWERED, work_request, answer=form.get("answer", "").strip())
        flash(ctx.session, ctx._("Thank you, your answer was sent."))
        await ctx.db.commit()
        return Redirect(f"/workorders/requests/{work_request.id}")
