"""The customer's pages: the lists, a record's page, and the approve / change / reorder actions.

Quotes live under /quotes and orders under /orders with the same pages; each controller only
says which kind it serves. Every route needs the permission to see its kind; an action also
needs its own permission, checked after the record was found, so that a record the user may not
see answers 404 and one they may see but not act on answers 403 with a message.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.exceptions import PermissionDeniedException
from litestar.params import FromPath
from litestar.response import Redirect
from sqlalchemy import select

from core import (
    N_,
    Ctx,
    Customer,
    IntegerInputError,
    Page,
    RequestContext,
    flash,
    form_lists,
    new_submission_key,
    record_recent,
    render,
    submission_key,
)
from plugins.quotes.models import LINE_STATUSES, ORDER, QUOTE, STATUSES, Quote
from plugins.quotes.portal.approvals import approve_lines
from plugins.quotes.portal.changes import message_problem, request_change
from plugins.quotes.portal.detail import awaits_approval, load_lines, load_view
from plugins.quotes.portal.forms import ApprovalForm, first, read_approval
from plugins.quotes.portal.listing import (
    ListPage,
    contact_choices,
    fetch_page,
    list_statuses,
    people_and_accounts,
    read_filters,
)
from plugins.quotes.portal.reorder import can_reorder, pending_reorder, reorder
from plugins.quotes.portal.visibility import BASE_URL, MODULE, VIEW_PERMISSION, find_visible

AnyRequest = Request[Any, Any, Any]

KIND_LABEL = {QUOTE: N_("Quote"), ORDER: N_("Order")}
#: The integers of the lists' query strings and of the approval form (the kernel checks them).
LIST_INTEGERS = {"integers": ("contact", "after", "before")}
LINE_INTEGERS = {"integers": ("line",)}
LIST_TITLE = {
    (QUOTE, False): N_("Open quotes"),
    (QUOTE, True): N_("Quote history"),
    (ORDER, False): N_("Open orders"),
    (ORDER, True): N_("Order history"),
}
NOT_ALLOWED = {
    "quotes.approve": N_(
        "You may see this record but not approve it. Ask your administrator for the right to approve."
    ),
    "quotes.request_change": N_(
        "You may see this record but not request changes to it. Ask your administrator for that right."
    ),
    "quotes.reorder": N_("You may see this order but not order it again. Ask your administrator for that right."),
}


def require(ctx: RequestContext, permission: str) -> None:
    if not ctx.can(permission):
        raise PermissionDeniedException(NOT_ALLOWED[permission])


def terms_text(ctx: RequestContext) -> str:
    return str(ctx.module_settings(MODULE).get("approval_terms") or "")


def record_url(quote: Quote) -> str:
    return f"{BASE_URL[quote.kind]}/{quote.id}"


def done(url: str) -> Redirect:
    return Redirect(url, status_code=303)


# --- lists ------------------------------------------------------------------------------------


async def list_page(ctx: RequestContext, request: AnyRequest, kind: str, history: bool) -> Page:
    allowed = list_statuses(ctx, kind, history)
    params = request.query_params
    filters, errors = read_filters(params, params.getall("status", []), allowed)
    page = ListPage([], None, None) if errors else await fetch_page(ctx, kind, filters)
    users, accounts = await people_and_accounts(ctx, page.rows)
    several_accounts = len((await ctx.db.scalars(select(Customer.id).limit(2))).all()) > 1
    return await render(
        ctx,
        "quotes/portal/list.html",
        status_code=400 if errors else 200,
        kind=kind,
        history=history,
        title=LIST_TITLE[(kind, history)],
        base=BASE_URL[kind] + ("/history" if history else ""),
        other=BASE_URL[kind] + ("" if history else "/history"),
        page=page,
        filters=filters,
        errors=errors,
        allowed=allowed,
        labels=STATUSES[kind],
        users=users,
        accounts=accounts,
        several_accounts=several_accounts,
        contacts=await contact_choices(ctx),
    )


# --- a record's page --------------------------------------------------------------------------


async def record_page(ctx: RequestContext, kind: str, record_id: int) -> Page:
    quote = await find_visible(ctx, kind, record_id)
    view = await load_view(ctx, quote)
    await record_recent(ctx, title=f"{quote.number} {quote.name}".strip(), url=record_url(quote), kind=KIND_LABEL[kind])
    return await render(
        ctx,
        "quotes/portal/detail.html",
        view=view,
        q=quote,
        kind_label=KIND_LABEL[kind],
        labels=STATUSES[kind],
        line_labels=LINE_STATUSES,
        base=BASE_URL[kind],
        terms=terms_text(ctx),
        key=new_submission_key(),
        can_approve=ctx.can("quotes.approve"),
        can_change=ctx.can("quotes.request_change"),
        can_reorder=can_reorder(ctx, quote),
        form=ApprovalForm("lines", [], False, "", ""),
    )


# --- approving --------------------------------------------------------------------------------


async def approve_page(
    ctx: RequestContext, quote: Quote, form: ApprovalForm, *, status: int = 200, single: bool = False
) -> Page:
    lines = await load_lines(ctx, quote)
    return await render(
        ctx,
        "quotes/portal/approve.html",
        status_code=status,
        q=quote,
        kind_label=KIND_LABEL[quote.kind],
        lines=lines,
        pending=[line for line in lines if awaits_approval(line)],
        base=BASE_URL[quote.kind],
        terms=terms_text(ctx),
        form=form,
        single=single,
    )


async def show_approve_form(ctx: RequestContext, request: AnyRequest, kind: str, record_id: int) -> Page:
    quote = await find_visible(ctx, kind, record_id)
    require(ctx, "quotes.approve")
    line = request.query_params.get("line", "")
    everything = request.query_params.get("all") == "1"
    chosen = [int(line)] if line else []  # the kernel checked it (LINE_INTEGERS)
    scope = "all" if everything else ("line" if chosen else "lines")
    form = ApprovalForm(scope, chosen, False, "", new_submission_key())
    return await approve_page(ctx, quote, form, single=bool(chosen))


async def approve_submit(ctx: RequestContext, request: AnyRequest, kind: str, record_id: int) -> Page | Redirect:
    quote = await find_visible(ctx, kind, record_id)
    require(ctx, "quotes.approve")
    lines = await load_lines(ctx, quote)
    pending = [line.id for line in lines if awaits_approval(line)]
    try:
        form = read_approval(await form_lists(request), {line.id for line in lines}, pending)
    except IntegerInputError as refused:
        form = read_approval(refused.lists, {line.id for line in lines}, pending)
        form.errors.update(refused.errors(ctx))
        return await approve_page(ctx, quote, form, status=400, single=form.scope == "line")
    if form.scope == "all" and not pending:
        form.errors.pop("line", None)  # nothing left to approve: say so below rather than ask to tick
    if form.errors:
        return await approve_page(ctx, quote, form, status=400, single=form.scope == "line")
    url = record_url(quote)
    result = await approve_lines(
        ctx, quote, form.line_ids, typed_name=form.typed_name, terms_text=terms_text(ctx), submission_key=form.key
    )
    if result.outcome == "approved":
        if result.completed:
            message = ctx._(
                "Thank you: {kind} {number} is approved.", kind=ctx._(KIND_LABEL[kind]), number=quote.number
            )
        else:
            message = ctx._("Thank you: {count} line(s) approved.", count=result.approved)
        if result.skipped:
            message += " " + ctx._("{count} line(s) had already been approved by someone else.", count=result.skipped)
        flash(ctx.session, message)
    elif result.outcome == "already_recorded":
        flash(ctx.session, ctx._("This approval was already recorded."))
    elif result.outcome == "already_approved":
        flash(ctx.session, ctx._("Those lines were already approved by someone else."), "error")
    else:
        flash(ctx.session, ctx._("This record can no longer be approved."), "error")
    await ctx.db.commit()
    return done(url)


# --- requesting a change ----------------------------------------------------------------------


async def change_page(
    ctx: RequestContext, quote: Quote, message: str, key: str, error: str | None = None, status: int = 200
) -> Page:
    return await render(
        ctx,
        "quotes/portal/change.html",
        status_code=status,
        q=quote,
        kind_label=KIND_LABEL[quote.kind],
        base=BASE_URL[quote.kind],
        form={"message": message},
        errors={"message": ctx._(error)} if error else {},
        key=key,
    )


async def show_change_form(ctx: RequestContext, kind: str, record_id: int) -> Page:
    quote = await find_visible(ctx, kind, record_id)
    require(ctx, "quotes.request_change")
    return await change_page(ctx, quote, "", new_submission_key())


async def change_submit(ctx: RequestContext, request: AnyRequest, kind: str, record_id: int) -> Page | Redirect:
    quote = await find_visible(ctx, kind, record_id)
    require(ctx, "quotes.request_change")
    form = await form_lists(request)
    message = (form.get("message") or [""])[0]
    key = submission_key(form)
    problem = message_problem(message)
    if problem:
        return await change_page(ctx, quote, message, key or new_submission_key(), problem, status=400)
    url = record_url(quote)
    result = await request_change(ctx, quote, message, key)
    if result.duplicate:
        flash(ctx.session, ctx._("This request was already sent."))
    else:
        flash(ctx.session, ctx._("Your change request was sent. We will get back to you."))
    await ctx.db.commit()
    return done(url)


# --- reordering -------------------------------------------------------------------------------


def require_reorder(ctx: RequestContext, order: Quote) -> None:
    require(ctx, "quotes.reorder")
    if not can_reorder(ctx, order):
        raise PermissionDeniedException(N_("Only orders in your order history can be ordered again, when offered."))


async def show_reorder_form(ctx: RequestContext, record_id: int) -> Page:
    order = await find_visible(ctx, ORDER, record_id)
    require_reorder(ctx, order)
    return await render(
        ctx,
        "quotes/portal/reorder.html",
        q=order,
        lines=[line for line in await load_lines(ctx, order) if line.status != "declined"],
        waiting=await pending_reorder(ctx, order),
        form={"customer_po": ""},
        errors={},
    )


async def reorder_submit(ctx: RequestContext, request: AnyRequest, record_id: int) -> Redirect:
    order = await find_visible(ctx, ORDER, record_id)
    require_reorder(ctx, order)
    form = await form_lists(request)
    result = await reorder(ctx, order, first(form, "customer_po")[:60])
    new_url = record_url(result.order)
    if result.duplicate:
        flash(
            ctx.session,
            ctx._(
                "A reorder of {number} is already waiting for us: {new}.", number=order.number, new=result.order.number
            ),
        )
    else:
        flash(
            ctx.session,
            ctx._("Thank you: your order request {new} was sent. We will confirm it.", new=result.order.number),
        )
    await ctx.db.commit()
    return done(new_url)


# --- the controllers --------------------------------------------------------------------------


class QuotesController(Controller):
    path = "/quotes"
    opt = {"permission": VIEW_PERMISSION[QUOTE]}

    @get("/", opt=LIST_INTEGERS)
    async def open_list(self, ctx: Ctx, request: AnyRequest) -> Page:
        return await list_page(ctx, request, QUOTE, history=False)

    @get("/history", opt=LIST_INTEGERS)
    async def history_list(self, ctx: Ctx, request: AnyRequest) -> Page:
        return await list_page(ctx, request, QUOTE, history=True)

    @get("/{record_id:int}")
    async def record(self, ctx: Ctx, record_id: FromPath[int]) -> Page:
        return await record_page(ctx, QUOTE, record_id)

    @get("/{record_id:int}/approve", opt=LINE_INTEGERS)
    async def approve_form(self, ctx: Ctx, request: AnyRequest, record_id: FromPath[int]) -> Page:
        return await show_approve_form(ctx, request, QUOTE, record_id)

    @post("/{record_id:int}/approve", opt=LINE_INTEGERS)
    async def approve(self, ctx: Ctx, request: AnyRequest, record_id: FromPath[int]) -> Page | Redirect:
        return await approve_submit(ctx, request, QUOTE, record_id)

    @get("/{record_id:int}/change")
    async def change_form(self, ctx: Ctx, record_id: FromPath[int]) -> Page:
        return await show_change_form(ctx, QUOTE, record_id)

    @post("/{record_id:int}/change")
    async def change(self, ctx: Ctx, request: AnyRequest, record_id: FromPath[int]) -> Page | Redirect:
        return await change_submit(ctx, request, QUOTE, record_id)


class OrdersController(Controller):
    path = "/orders"
    opt = {"permission": VIEW_PERMISSION[ORDER]}

    @get("/", opt=LIST_INTEGERS)
    async def open_list(self, ctx: Ctx, request: AnyRequest) -> Page:
        return await list_page(ctx, request, ORDER, history=False)

    @get("/history", opt=LIST_INTEGERS)
    async def history_list(self, ctx: Ctx, request: AnyRequest) -> Page:
        return await list_page(ctx, request, ORDER, history=True)

    @get("/{record_id:int}")
    async def record(self, ctx: Ctx, record_id: FromPath[int]) -> Page:
        return await record_page(ctx, ORDER, record_id)

    @get("/{record_id:int}/approve", opt=LINE_INTEGERS)
    async def approve_form(self, ctx: Ctx, request: AnyRequest, record_id: FromPath[int]) -> Page:
        return await show_approve_form(ctx, request, ORDER, record_id)

    @post("/{record_id:int}/approve", opt=LINE_INTEGERS)
    async def approve(self, ctx: Ctx, request: AnyRequest, record_id: FromPath[int]) -> Page | Redirect:
        return await approve_submit(ctx, request, ORDER, record_id)

    @get("/{record_id:int}/change")
    async def change_form(self, ctx: Ctx, record_id: FromPath[int]) -> Page:
        return await show_change_form(ctx, ORDER, record_id)

    @post("/{record_id:int}/change")
    async def change(self, ctx: Ctx, request: AnyRequest, record_id: FromPath[int]) -> Page | Redirect:
        return await change_submit(ctx, request, ORDER, record_id)

    @get("/{record_id:int}/reorder")
    async def reorder_form(self, ctx: Ctx, record_id: FromPath[int]) -> Page:
        return await show_reorder_form(ctx, record_id)

    @post("/{record_id:int}/reorder")
    async def reorder(self, ctx: Ctx, request: AnyRequest, record_id: FromPath[int]) -> Redirect:
        return await reorder_submit(ctx, request, record_id)
