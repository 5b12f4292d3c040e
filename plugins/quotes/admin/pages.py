"""The vendor's pages under /admin/quotes: lists, the quote form, lines, payment rows, approvals,
change requests, reorder requests and turning a quote into an order."""

from __future__ import annotations

import datetime as dt
from typing import Any

from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect

from core import Ctx, IntegerInputError, Page, flash, form_data, format_money, record_recent, render
from plugins.quotes.admin import editing, forms, queries, workflow
from plugins.quotes.admin.fields import RECURRENCES, Problem, Problems
from plugins.quotes.models import (
    KINDS,
    LINE_STATUSES,
    QUOTE,
    STATUSES,
    ChangeRequest,
    PaymentInstallment,
    Quote,
    QuoteLine,
)

PERMISSION = "quotes.manage"
BASE = "/admin/quotes"
#: The quote form's integers (the kernel checks them); lists page with ``?after=<id>``.
QUOTE_INTEGERS = {"integers": ("customer_id", "contact_id", "sales_rep_id")}
PAGED = {"integers": ("after",)}


def _url(quote: Quote, anchor: str = "") -> str:
    return f"{BASE}/{quote.id}" + (f"#{anchor}" if anchor else "")


async def _quote(ctx: Ctx, quote_id: int) -> Quote:
    quote = await ctx.db.get(Quote, quote_id)
    if quote is None:
        raise NotFoundException()
    return quote


async def _form_page(
    ctx: Ctx, kind: str, form: dict[str, Any], errors: dict[str, str], quote: Quote | None = None, status: int = 200
) -> Page:
    choices = await queries.form_choices(ctx.db, forms.chosen_id(form.get("customer_id")))
    return await render(
        ctx,
        "quotes/admin/form.html",
        status_code=status,
        kind=kind,
        quote=quote,
        form=form,
        errors=errors,
        choices=choices,
        statuses=STATUSES[kind],
        recurrences=RECURRENCES,
    )


def _refusal(ctx: Ctx, refused: IntegerInputError) -> dict[str, str]:
    """The kernel's refusal of the quote form's ids, with the form's other problems: one round of corrections."""
    try:
        forms.read_quote(refused.form)
    except (Problems, Problem) as problems:
        return forms.messages(problems, ctx._) | refused.errors(ctx)
    return refused.errors(ctx)


async def _detail_page(ctx: Ctx, quote: Quote, status: int = 200, **forms_state: Any) -> Page:
    detail = await queries.load_detail(ctx.db, quote)
    state: dict[str, Any] = {"line_form": {"quantity": "1", "taxable": "1", "needs_approval": "1"}, "line_errors": {}}
    state |= {"payment_form": {}, "payment_errors": {}, "change_errors": {}, "change_id": None}
    state |= forms_state
    return await render(
        ctx,
        "quotes/admin/detail.html",
        status_code=status,
        d=detail,
        q=quote,
        statuses=STATUSES[quote.kind],
        line_statuses=LINE_STATUSES,
        send_url=f"/admin/documents/quotes.{quote.kind}/{quote.id}/send",
        **state,
    )


class QuotesAdminController(Controller):
    path = BASE
    opt = {"permission": PERMISSION}

    @get("/", opt=PAGED)
    async def index(self, ctx: Ctx, request: Request[Any, Any, Any]) -> Page:
        listing = await queries.list_records(ctx.db, request.query_params)
        return await render(
            ctx, "quotes/admin/list.html", listing=listing, statuses=STATUSES[listing.kind], kinds=KINDS
        )

    @get("/reorders", opt=PAGED)
    async def reorders(self, ctx: Ctx, request: Request[Any, Any, Any]) -> Page:
        listing = await queries.list_records(ctx.db, request.query_params, only_status="requested")
        sources = {q.source_id for q, _ in listing.rows if q.source_id}
        names = await queries.people_named(ctx.db, [q.requested_by_id for q, _ in listing.rows])
        numbers = await queries.numbers_of(ctx.db, sources)
        return await render(ctx, "quotes/admin/reorders.html", listing=listing, names=names, numbers=numbers)

    @get("/new", opt={"integers": ("customer_id",)})
    async def new(self, ctx: Ctx, request: Request[Any, Any, Any]) -> Page:
        params = request.query_params
        kind = str(params["kind"]) if params.get("kind") in KINDS else QUOTE
        form: dict[str, Any] = {
            "number": await editing.suggested_number(ctx.db, ctx.tenant.id, kind),
            "status": "draft" if kind == QUOTE else "quoted",
            "currency": "USD",
            "quote_date": dt.date.today().isoformat(),
            "sales_rep_id": str(ctx.user.id) if ctx.user else "",
        }
        # The customer picker reloads the contact list with the chosen account (htmx), keeping the rest.
        form |= {key: params[key] for key in ("customer_id",) if key in params}
        return await _form_page(ctx, kind, form, {})

    @post("/new", opt=QUOTE_INTEGERS)
    async def create(self, ctx: Ctx, request: Request[Any, Any, Any]) -> Page | Redirect:
        try:
            form = await form_data(request)
        except IntegerInputError as refused:
            kind = refused.form.get("kind") if refused.form.get("kind") in KINDS else QUOTE
            return await _form_page(ctx, str(kind), refused.form, _refusal(ctx, refused), status=400)
        kind = str(form["kind"]) if form.get("kind") in KINDS else QUOTE
        try:
            quote = await editing.create_quote(ctx.db, kind, forms.read_quote(form))
        except (Problems, Problem) as refused:
            return await _form_page(ctx, kind, form, forms.messages(refused, ctx._), status=400)
        flash(ctx.session, ctx._("{number} was created. Add its lines below.", number=quote.number))
        await ctx.db.commit()
        return Redirect(_url(quote))

    @get("/{quote_id:int}")
    async def detail(self, ctx: Ctx, quote_id: FromPath[int]) -> Page:
        quote = await _quote(ctx, quote_id)
        kind = ctx._("Quote") if quote.kind == QUOTE else ctx._("Order")
        await record_recent(ctx, title=f"{quote.number} {quote.name}".strip(), url=_url(quote), kind=kind)
        return await _detail_page(ctx, quote)

    @get("/{quote_id:int}/edit", opt={"integers": ("customer_id",)})
    async def edit(self, ctx: Ctx, quote_id: FromPath[int], request: Request[Any, Any, Any]) -> Page:
        quote = await _quote(ctx, quote_id)
        form = forms.quote_form(quote)
        form |= {key: request.query_params[key] for key in ("customer_id",) if key in request.query_params}
        return await _form_page(ctx, quote.kind, form, {}, quote)

    @post("/{quote_id:int}/edit", opt=QUOTE_INTEGERS)
    async def save(self, ctx: Ctx, quote_id: FromPath[int], request: Request[Any, Any, Any]) -> Page | Redirect:
        quote = await _quote(ctx, quote_id)
        try:
            form = await form_data(request)
        except IntegerInputError as refused:
            return await _form_page(ctx, quote.kind, refused.form, _refusal(ctx, refused), quote, status=400)
        try:
            await editing.update_quote(ctx.db, quote, forms.read_quote(form))
        except (Problems, Problem) as refused:
            await ctx.db.refresh(quote)  # a clash at the database rolled the changes back
            return await _form_page(ctx, quote.kind, form, forms.messages(refused, ctx._), quote, status=400)
        flash(ctx.session, ctx._("Changes saved."))
        await ctx.db.commit()
        return Redirect(_url(quote))

    @post("/{quote_id:int}/status")
    async def move(self, ctx: Ctx, quote_id: FromPath[int], request: Request[Any, Any, Any]) -> Page | Redirect:
        quote = await _quote(ctx, quote_id)
        form = await form_data(request)
        try:
            workflow.set_status(quote, form.get("status", ""))
        except Problem as refused:
            flash(ctx.session, ctx._(refused.msgid, **refused.values), "error")
            await ctx.db.commit()
            return Redirect(_url(quote))
        flash(
            ctx.session,
            ctx._("{number} is now “{status}”.", number=quote.number, status=ctx._(STATUSES[quote.kind][quote.status])),
        )
        await ctx.db.commit()
        return Redirect(_url(quote))

    @post("/{quote_id:int}/convert")
    async def convert(self, ctx: Ctx, quote_id: FromPath[int]) -> Redirect:
        quote = await _quote(ctx, quote_id)
        try:
            order, made = await workflow.convert_to_order(ctx.db, ctx.tenant.id, quote)
        except Problem as refused:
            flash(ctx.session, ctx._(refused.msgid, **refused.values), "error")
            await ctx.db.commit()
            return Redirect(_url(quote))
        if made:
            flash(ctx.session, ctx._("Order {order} was made from {quote}.", order=order.number, quote=quote.number))
        else:
            flash(
                ctx.session,
                ctx._("{quote} was already turned into order {order}.", order=order.number, quote=quote.number),
            )
        await ctx.db.commit()
        return Redirect(_url(order))

    # --- lines --------------------------------------------------------------------------------

    async def _line(self, ctx: Ctx, quote: Quote, line_id: int) -> QuoteLine:
        line = await ctx.db.get(QuoteLine, line_id)
        if line is None or line.quote_id != quote.id:
            raise NotFoundException()
        return line

    @post("/{quote_id:int}/lines")
    async def add_line(self, ctx: Ctx, quote_id: FromPath[int], request: Request[Any, Any, Any]) -> Page | Redirect:
        quote = await _quote(ctx, quote_id)
        form = await form_data(request)
        try:
            await editing.save_line(ctx.db, quote, None, forms.read_line(form, quote.currency))
        except (Problems, Problem) as refused:
            return await _detail_page(ctx, quote, 400, line_form=form, line_errors=forms.messages(refused, ctx._))
        flash(ctx.session, ctx._("Line added. The total is now {total}.", total=_total(quote)))
        await ctx.db.commit()
        return Redirect(_url(quote, "lines"))

    @get("/{quote_id:int}/lines/{line_id:int}")
    async def edit_line(self, ctx: Ctx, quote_id: FromPath[int], line_id: FromPath[int]) -> Page:
        quote = await _quote(ctx, quote_id)
        line = await self._line(ctx, quote, line_id)
        return await self._line_page(ctx, quote, line, forms.line_form(line, quote.currency), {})

    async def _line_page(
        self, ctx: Ctx, quote: Quote, line: QuoteLine, form: dict[str, Any], errors: dict[str, str], status: int = 200
    ) -> Page:
        return await render(
            ctx,
            "quotes/admin/line.html",
            status_code=status,
            q=quote,
            line=line,
            form=form,
            errors=errors,
            line_statuses=LINE_STATUSES,
        )

    @post("/{quote_id:int}/lines/{line_id:int}")
    async def save_line(
        self, ctx: Ctx, quote_id: FromPath[int], line_id: FromPath[int], request: Request[Any, Any, Any]
    ) -> Page | Redirect:
        quote = await _quote(ctx, quote_id)
        line = await self._line(ctx, quote, line_id)
        form = await form_data(request)
        try:
            await editing.save_line(ctx.db, quote, line, forms.read_line(form, quote.currency))
        except (Problems, Problem) as refused:
            return await self._line_page(ctx, quote, line, form, forms.messages(refused, ctx._), 400)
        flash(ctx.session, ctx._("Line saved. The total is now {total}.", total=_total(quote)))
        await ctx.db.commit()
        return Redirect(_url(quote, "lines"))

    @post("/{quote_id:int}/lines/{line_id:int}/delete")
    async def delete_line(self, ctx: Ctx, quote_id: FromPath[int], line_id: FromPath[int]) -> Redirect:
        quote = await _quote(ctx, quote_id)
        await editing.remove_line(ctx.db, quote, await self._line(ctx, quote, line_id))
        flash(ctx.session, ctx._("Line removed. The total is now {total}.", total=_total(quote)))
        await ctx.db.commit()
        return Redirect(_url(quote, "lines"))

    # --- payment schedule ---------------------------------------------------------------------

    async def _payment(self, ctx: Ctx, quote: Quote, payment_id: int) -> PaymentInstallment:
        payment = await ctx.db.get(PaymentInstallment, payment_id)
        if payment is None or payment.quote_id != quote.id:
            raise NotFoundException()
        return payment

    @post("/{quote_id:int}/payments")
    async def add_payment(self, ctx: Ctx, quote_id: FromPath[int], request: Request[Any, Any, Any]) -> Page | Redirect:
        quote = await _quote(ctx, quote_id)
        form = await form_data(request)
        try:
            await editing.save_payment(ctx.db, quote, None, forms.read_payment(form, quote.currency))
        except (Problems, Problem) as refused:
            return await _detail_page(ctx, quote, 400, payment_form=form, payment_errors=forms.messages(refused, ctx._))
        flash(ctx.session, ctx._("Payment added to the schedule."))
        await ctx.db.commit()
        return Redirect(_url(quote, "payments"))

    @get("/{quote_id:int}/payments/{payment_id:int}")
    async def edit_payment(self, ctx: Ctx, quote_id: FromPath[int], payment_id: FromPath[int]) -> Page:
        quote = await _quote(ctx, quote_id)
        payment = await self._payment(ctx, quote, payment_id)
        form = forms.payment_form(payment, quote.currency)
        return await render(ctx, "quotes/admin/payment.html", q=quote, payment=payment, form=form, errors={})

    @post("/{quote_id:int}/payments/{payment_id:int}")
    async def save_payment(
        self, ctx: Ctx, quote_id: FromPath[int], payment_id: FromPath[int], request: Request[Any, Any, Any]
    ) -> Page | Redirect:
        quote = await _quote(ctx, quote_id)
        payment = await self._payment(ctx, quote, payment_id)
        form = await form_data(request)
        try:
            await editing.save_payment(ctx.db, quote, payment, forms.read_payment(form, quote.currency))
        except (Problems, Problem) as refused:
            errors = forms.messages(refused, ctx._)
            return await render(
                ctx, "quotes/admin/payment.html", status_code=400, q=quote, payment=payment, form=form, errors=errors
            )
        flash(ctx.session, ctx._("Payment saved."))
        await ctx.db.commit()
        return Redirect(_url(quote, "payments"))

    @post("/{quote_id:int}/payments/{payment_id:int}/delete")
    async def delete_payment(self, ctx: Ctx, quote_id: FromPath[int], payment_id: FromPath[int]) -> Redirect:
        quote = await _quote(ctx, quote_id)
        await ctx.db.delete(await self._payment(ctx, quote, payment_id))
        flash(ctx.session, ctx._("Payment removed from the schedule."))
        await ctx.db.commit()
        return Redirect(_url(quote, "payments"))


class ChangeRequestsAdminController(Controller):
    path = f"{BASE}/change-requests"
    opt = {"permission": PERMISSION}

    @get("/", opt=PAGED)
    async def index(self, ctx: Ctx, request: Request[Any, Any, Any]) -> Page:
        status, rows, next_after = await queries.list_changes(ctx.db, request.query_params)
        return await render(ctx, "quotes/admin/changes.html", status=status, rows=rows, next_after=next_after)

    @post("/{change_id:int}")
    async def answer(self, ctx: Ctx, change_id: FromPath[int], request: Request[Any, Any, Any]) -> Page | Redirect:
        change = await ctx.db.get(ChangeRequest, change_id)
        if change is None:
            raise NotFoundException()
        quote = await _quote(ctx, change.quote_id)
        form = await form_data(request)
        try:
            workflow.answer_change_request(change, form.get("response", ""), form.get("status", "resolved"))
        except Problem as refused:
            errors = forms.messages(refused, ctx._)
            return await _detail_page(ctx, quote, 400, change_errors=errors, change_id=change.id, change_form=form)
        done = ctx._("The change request was resolved.") if change.status == "resolved" else ctx._("Response saved.")
        flash(ctx.session, done)
        await ctx.db.commit()
        back = form.get("next", "")
        return Redirect(back if back == f"{BASE}/change-requests" else _url(quote, f"change-{change.id}"))


def _total(quote: Quote) -> str:
    return format_money(quote.total_minor, quote.currency)


ROUTES = [QuotesAdminController, ChangeRequestsAdminController]
