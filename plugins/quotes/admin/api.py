"""The ERP's JSON API under /api/v1/quotes/: quotes and orders with their lines and payment
schedule (by id or by the ERP's external_ref), approvals and change requests.

Authenticated with the kernel's per-tenant API tokens holding ``quotes.manage``. A refused
payload answers 400 (409 for a number already used) with ``extra`` listing each field and its
problem, in the shape Litestar uses for type errors; nothing is written then.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import fields as dataclass_fields
from typing import Annotated, Any, Literal

import msgspec
from litestar import Controller, Response, get, patch, post, put
from litestar.exceptions import HTTPException, NotFoundException
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core import N_, Ctx, User
from plugins.quotes.admin import editing, workflow
from plugins.quotes.admin.api_models import (
    ApprovalOut,
    ApprovalPage,
    ChangeRequestOut,
    ChangeRequestPage,
    ChangeRequestPatch,
    Kind,
    LineIn,
    LineOut,
    PaymentIn,
    PaymentOut,
    QuoteIn,
    QuoteOut,
    QuotePage,
    QuotePatch,
)
from plugins.quotes.admin.fields import LineFields, PaymentFields, Problem, Problems, QuoteFields
from plugins.quotes.models import QUOTE, Approval, ChangeRequest, PaymentInstallment, Quote, QuoteLine

PERMISSION = "quotes.manage"
Limit = Annotated[int, QueryParameter(ge=1, le=200, description="Records per page (at most 200)")]
After = Annotated[int | None, QueryParameter(ge=0, le=2**31 - 1, description="The next_after of the previous page")]
#: Read here, not by Litestar, which takes "0.5" for a Unix timestamp.
Since = Annotated[
    str | None,
    QueryParameter(description="An RFC 3339 timestamp with its offset", schema_extra={"format": "date-time"}),
]
RFC3339 = re.compile(r"\d{4}-\d\d-\d\d[Tt ]\d\d:\d\d:\d\d(\.\d+)?([Zz]|[+-]\d\d:\d\d)")
RecordId = Annotated[int | None, QueryParameter(ge=1, le=2**31 - 1)]


def refused(problems: Problems | Problem) -> HTTPException:
    found = problems.problems if isinstance(problems, Problems) else [problems]
    status = max(p.status for p in found)
    extra = [{"key": p.field, "message": str(p), "source": "body"} for p in found]
    detail = "; ".join(f"{p.field}: {p}" for p in found)
    return HTTPException(status_code=status, detail=detail, extra=extra)


def _utc(key: str, value: str) -> dt.datetime:
    """The query's timestamp in UTC; 400 naming the parameter when it is not an RFC 3339 one."""
    try:
        if RFC3339.fullmatch(value):
            return dt.datetime.fromisoformat(value.upper().replace("Z", "+00:00")).astimezone(dt.UTC)
    except (ValueError, OverflowError):
        pass
    message = "Enter a date and time with its offset, such as 2026-03-01T08:00:00Z."
    raise HTTPException(
        status_code=400, detail=f"{key}: {message}", extra=[{"key": key, "source": "query", "message": message}]
    )


def _row(obj: Any, names: Sequence[str]) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in names}


def _line_fields(line: LineIn) -> LineFields:
    return LineFields(
        id=line.id,
        item=line.item,
        description=line.description,
        quantity=line.quantity,
        unit_price_minor=line.unit_price_minor,
        taxable=line.taxable,
        needs_approval=line.needs_approval,
        status=line.status,
    )


def _payment_fields(payment: PaymentIn) -> PaymentFields:
    return PaymentFields(label=payment.label, due_on=payment.due_on, amount_minor=payment.amount_minor)


def _quote_fields_of(quote: Quote) -> QuoteFields:
    return QuoteFields(**{spec.name: getattr(quote, spec.name) for spec in dataclass_fields(QuoteFields)})


def _out(quote: Quote, lines: Sequence[QuoteLine], payments: Sequence[PaymentInstallment]) -> QuoteOut:
    names = [name for name in QuoteOut.__struct_fields__ if name not in ("lines", "payments")]
    return QuoteOut(
        **_row(quote, names),
        lines=[LineOut(**_row(line, LineOut.__struct_fields__)) for line in lines],
        payments=[PaymentOut(**_row(payment, PaymentOut.__struct_fields__)) for payment in payments],
    )


async def _outs(db: AsyncSession, quotes: Sequence[Quote]) -> list[QuoteOut]:
    """Several records with their lines and payments in three statements, whatever their number."""
    ids = [quote.id for quote in quotes]
    lines: dict[int, list[QuoteLine]] = {i: [] for i in ids}
    payments: dict[int, list[PaymentInstallment]] = {i: [] for i in ids}
    if ids:
        for line in await db.scalars(
            select(QuoteLine).where(QuoteLine.quote_id.in_(ids)).order_by(QuoteLine.position, QuoteLine.id)
        ):
            lines[line.quote_id].append(line)
        for payment in await db.scalars(
            select(PaymentInstallment)
            .where(PaymentInstallment.quote_id.in_(ids))
            .order_by(PaymentInstallment.position, PaymentInstallment.id)
        ):
            payments[payment.quote_id].append(payment)
    return [_out(quote, lines[quote.id], payments[quote.id]) for quote in quotes]


async def _one(db: AsyncSession, quote: Quote) -> QuoteOut:
    return (await _outs(db, [quote]))[0]


async def _by_id(ctx: Ctx, quote_id: int) -> Quote:
    quote = await ctx.db.get(Quote, quote_id)
    if quote is None:
        raise NotFoundException(f"There is no quote or order {quote_id}.")
    return quote


async def _by_ref(ctx: Ctx, kind: str, external_ref: str) -> Quote | None:
    return await ctx.db.scalar(
        select(Quote).where(Quote.kind == kind, Quote.external_ref == external_ref).order_by(Quote.id).limit(1)
    )


async def _create(ctx: Ctx, data: QuoteIn | QuotePatch, kind: str) -> Quote:
    given = {name: getattr(data, name) for name in data.__struct_fields__}
    given = {name: value for name, value in given.items() if value is not msgspec.UNSET and value is not None}
    if "customer_id" not in given:
        raise Problem("customer_id", N_("Give the customer account (customer_id) to create a record."))
    values = QuoteFields(
        number=given.get("number") or await editing.suggested_number(ctx.db, ctx.tenant.id, kind),
        customer_id=given["customer_id"],
        status=given.get("status") or ("draft" if kind == QUOTE else "quoted"),
    )
    for spec in dataclass_fields(QuoteFields):
        if spec.name in given and spec.name not in ("number", "status"):
            setattr(values, spec.name, given[spec.name])
    lines = [_line_fields(line) for line in given.get("lines", [])]
    if any(line.id is not None for line in lines):
        raise Problem("lines", N_("A new record's lines cannot name an id."))
    quote = await editing.create_quote(ctx.db, kind, values, lines)
    if given.get("payments"):
        await editing.replace_payments(ctx.db, quote, [_payment_fields(p) for p in given["payments"]])
    return quote


async def _update(ctx: Ctx, quote: Quote, data: QuotePatch) -> None:
    values = _quote_fields_of(quote)
    for spec in dataclass_fields(QuoteFields):
        value = getattr(data, spec.name, msgspec.UNSET)
        if value is not msgspec.UNSET:
            setattr(values, spec.name, value)
    await editing.update_quote(ctx.db, quote, values)
    if data.lines is not msgspec.UNSET:
        await editing.replace_lines(ctx.db, quote, [_line_fields(line) for line in data.lines])
    if data.payments is not msgspec.UNSET:
        await editing.replace_payments(ctx.db, quote, [_payment_fields(p) for p in data.payments])


async def _writing(ctx: Ctx, action: Any) -> Any:
    """Run a write; a refusal rolls everything back and answers with the problems."""
    try:
        result = await action
    except (Problems, Problem) as problems:
        await ctx.db.rollback()
        raise refused(problems) from problems
    await ctx.db.commit()
    return result


class QuotesApiController(Controller):
    path = "/api/v1/quotes"
    opt = {"permission": PERMISSION}
    tags = ["Quotes"]

    @get("/", summary="List quotes or orders with their lines, oldest first, paged by id")
    async def list_quotes(
        self,
        ctx: Ctx,
        kind: FromQuery[Kind | None] = None,
        status: FromQuery[str | None] = None,
        customer_id: RecordId = None,
        external_ref: FromQuery[str | None] = None,
        updated_since: Since = None,
        after: After = None,
        limit: Limit = 50,
    ) -> QuotePage:
        query = select(Quote).order_by(Quote.id).limit(limit + 1)
        if kind:
            query = query.where(Quote.kind == kind)
        if status:
            query = query.where(Quote.status == status)
        if customer_id:
            query = query.where(Quote.customer_id == customer_id)
        if external_ref:
            query = query.where(Quote.external_ref == external_ref)
        if updated_since:
            query = query.where(Quote.updated_at >= _utc("updated_since", updated_since))
        if after:
            query = query.where(Quote.id > after)
        quotes = list(await ctx.db.scalars(query))
        next_after = quotes[limit - 1].id if len(quotes) > limit else None
        return QuotePage(items=await _outs(ctx.db, quotes[:limit]), next_after=next_after)

    @post("/", summary="Create a quote or order with its lines and payment schedule")
    async def create_quote(self, ctx: Ctx, data: JSONBody[QuoteIn]) -> QuoteOut:
        quote = await _writing(ctx, _create(ctx, data, data.kind))
        return await _one(ctx.db, quote)

    @get("/{quote_id:int}", summary="Read a quote or order")
    async def read_quote(self, ctx: Ctx, quote_id: FromPath[int]) -> QuoteOut:
        return await _one(ctx.db, await _by_id(ctx, quote_id))

    @patch("/{quote_id:int}", summary="Change some fields of a quote or order; lines, when sent, replace them")
    async def update_quote(self, ctx: Ctx, quote_id: FromPath[int], data: JSONBody[QuotePatch]) -> QuoteOut:
        quote = await _by_id(ctx, quote_id)
        await _writing(ctx, _update(ctx, quote, data))
        return await _one(ctx.db, quote)

    @get("/by-ref/{external_ref:str}", summary="Read a quote or order by the ERP's external_ref")
    async def read_by_ref(self, ctx: Ctx, external_ref: FromPath[str], kind: FromQuery[Kind] = "quote") -> QuoteOut:
        quote = await _by_ref(ctx, kind, external_ref)
        if quote is None:
            raise NotFoundException(f"There is no {kind} with external_ref {external_ref!r}.")
        return await _one(ctx.db, quote)

    @put(
        "/by-ref/{external_ref:str}",
        summary="Create or update a quote or order by the ERP's external_ref (201 when created)",
        status_code=200,
    )
    async def upsert_by_ref(
        self, ctx: Ctx, external_ref: FromPath[str], data: JSONBody[QuotePatch], kind: FromQuery[Kind] = "quote"
    ) -> Response[QuoteOut]:
        if len(external_ref) > 80:
            raise refused(Problem("external_ref", N_("Use at most {limit} characters."), limit=80))
        if data.external_ref is not msgspec.UNSET and data.external_ref != external_ref:
            raise refused(Problem("external_ref", N_("Leave it out, or send the one in the address.")))
        data.external_ref = external_ref
        quote = await _by_ref(ctx, kind, external_ref)
        if quote is None:
            quote = await _writing(ctx, _create(ctx, data, kind))
            return Response(await _one(ctx.db, quote), status_code=201)
        await _writing(ctx, _update(ctx, quote, data))
        return Response(await _one(ctx.db, quote), status_code=200)

    @post("/{quote_id:int}/convert", summary="Turn an approved quote into an order (once; later calls return it)")
    async def convert(self, ctx: Ctx, quote_id: FromPath[int]) -> Response[QuoteOut]:
        quote = await _by_id(ctx, quote_id)
        order, made = await _writing(ctx, workflow.convert_to_order(ctx.db, ctx.tenant.id, quote))
        return Response(await _one(ctx.db, order), status_code=201 if made else 200)

    @get("/approvals", summary="Approvals customers gave, oldest first, paged by id")
    async def approvals(
        self,
        ctx: Ctx,
        since: Since = None,
        quote_id: RecordId = None,
        after: After = None,
        limit: Limit = 50,
    ) -> ApprovalPage:
        query = (
            select(Approval, Quote.number, User)
            .join(Quote, Quote.id == Approval.quote_id)
            .outerjoin(User, User.id == Approval.user_id)
            .order_by(Approval.id)
            .limit(limit + 1)
        )
        if since:
            query = query.where(Approval.approved_at >= _utc("since", since))
        if quote_id:
            query = query.where(Approval.quote_id == quote_id)
        if after:
            query = query.where(Approval.id > after)
        rows = (await ctx.db.execute(query)).all()
        items = [
            ApprovalOut(
                id=a.id,
                quote_id=a.quote_id,
                quote_number=number,
                user_id=a.user_id,
                user_name=user.display_name if user else a.typed_name,
                approved_at=a.approved_at,
                typed_name=a.typed_name,
                terms_text=a.terms_text,
                line_count=a.line_count,
                amount_minor=a.amount_minor,
            )
            for a, number, user in rows[:limit]
        ]
        return ApprovalPage(items=items, next_after=items[-1].id if len(rows) > limit else None)

    @get("/change-requests", summary="Customers' change requests, oldest first, paged by id")
    async def change_requests(
        self,
        ctx: Ctx,
        status: FromQuery[Literal["open", "resolved"] | None] = None,
        since: Since = None,
        quote_id: RecordId = None,
        after: After = None,
        limit: Limit = 50,
    ) -> ChangeRequestPage:
        query = _change_query().order_by(ChangeRequest.id).limit(limit + 1)
        if status:
            query = query.where(ChangeRequest.status == status)
        if since:
            query = query.where(ChangeRequest.created_at >= _utc("since", since))
        if quote_id:
            query = query.where(ChangeRequest.quote_id == quote_id)
        if after:
            query = query.where(ChangeRequest.id > after)
        rows = (await ctx.db.execute(query)).all()
        items = [_change_out(*row) for row in rows[:limit]]
        return ChangeRequestPage(items=items, next_after=items[-1].id if len(rows) > limit else None)

    @get("/change-requests/{change_id:int}", summary="Read a change request")
    async def change_request(self, ctx: Ctx, change_id: FromPath[int]) -> ChangeRequestOut:
        return await _change(ctx, change_id)

    @patch("/change-requests/{change_id:int}", summary="Answer a change request and resolve or reopen it")
    async def answer_change_request(
        self, ctx: Ctx, change_id: FromPath[int], data: JSONBody[ChangeRequestPatch]
    ) -> ChangeRequestOut:
        change = await ctx.db.get(ChangeRequest, change_id)
        if change is None:
            raise NotFoundException(f"There is no change request {change_id}.")
        response = change.response if data.response is msgspec.UNSET else data.response
        status = change.status if data.status is msgspec.UNSET else data.status
        try:
            workflow.answer_change_request(change, response, status)
        except Problem as problem:
            raise refused(problem) from problem
        await ctx.db.commit()
        return await _change(ctx, change_id)


def _change_query() -> Any:
    return (
        select(ChangeRequest, Quote.number, User)
        .join(Quote, Quote.id == ChangeRequest.quote_id)
        .outerjoin(User, User.id == ChangeRequest.user_id)
    )


def _change_out(change: ChangeRequest, number: str, user: User | None) -> ChangeRequestOut:
    return ChangeRequestOut(
        id=change.id,
        quote_id=change.quote_id,
        quote_number=number,
        user_id=change.user_id,
        user_name=user.display_name if user else "",
        message=change.message,
        status=change.status,  # type: ignore[arg-type]
        response=change.response,
        created_at=change.created_at,
        resolved_at=change.resolved_at,
    )


async def _change(ctx: Ctx, change_id: int) -> ChangeRequestOut:
    row = (await ctx.db.execute(_change_query().where(ChangeRequest.id == change_id))).first()
    if row is None:
        raise NotFoundException(f"There is no change request {change_id}.")
    return _change_out(*row)


API_ROUTES = [QuotesApiController]
