"""Everything a record's page shows, loaded with a fixed number of statements (children by IN query)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from sqlalchemy import select

from core import Customer, DocumentStatus, RequestContext, User, document_status, threads_for_record
from plugins.quotes.models import APPROVABLE_STATUSES, Approval, ChangeRequest, PaymentInstallment, Quote, QuoteLine
from plugins.quotes.portal.visibility import DOCUMENT_KEY


@dataclass
class RecordView:
    quote: Quote
    account: Customer | None
    lines: list[QuoteLine]
    payments: list[PaymentInstallment]
    approvals: list[Approval]
    change_requests: list[ChangeRequest]
    people: dict[int, User]
    document: DocumentStatus | None
    threads: list[Any]

    @property
    def approvable(self) -> bool:
        """Whether the record is in a status where the customer approves lines."""
        return self.quote.status in APPROVABLE_STATUSES[self.quote.kind]

    @cached_property
    def pending_lines(self) -> list[QuoteLine]:
        """Lines still waiting for the customer's approval."""
        if not self.approvable:
            return []
        return [line for line in self.lines if awaits_approval(line)]

    def person(self, user_id: int | None) -> str:
        user = self.people.get(user_id) if user_id else None
        return user.display_name if user else ""


def awaits_approval(line: QuoteLine) -> bool:
    return line.needs_approval and line.approved_at is None and line.status != "declined"


async def load_lines(ctx: RequestContext, quote: Quote) -> list[QuoteLine]:
    rows = await ctx.db.scalars(
        select(QuoteLine)
        .where(QuoteLine.quote_id == quote.id)
        .order_by(QuoteLine.position, QuoteLine.id)
        .execution_options(populate_existing=True)
    )
    return list(rows)


async def load_view(ctx: RequestContext, quote: Quote) -> RecordView:
    """The record's lines, payment schedule, approvals, change requests, people and document."""
    lines = await load_lines(ctx, quote)
    payments = list(
        await ctx.db.scalars(
            select(PaymentInstallment)
            .where(PaymentInstallment.quote_id == quote.id)
            .order_by(PaymentInstallment.position, PaymentInstallment.id)
        )
    )
    approvals = list(
        await ctx.db.scalars(select(Approval).where(Approval.quote_id == quote.id).order_by(Approval.approved_at))
    )
    changes = list(
        await ctx.db.scalars(
            select(ChangeRequest).where(ChangeRequest.quote_id == quote.id).order_by(ChangeRequest.created_at.desc())
        )
    )
    user_ids = {quote.contact_id, quote.sales_rep_id, quote.requested_by_id}
    user_ids |= {a.user_id for a in approvals} | {c.user_id for c in changes}
    user_ids.discard(None)
    people = {u.id: u for u in await ctx.db.scalars(select(User).where(User.id.in_(user_ids)))} if user_ids else {}
    key = DOCUMENT_KEY[quote.kind]
    return RecordView(
        quote=quote,
        account=await ctx.db.get(Customer, quote.customer_id),
        lines=lines,
        payments=payments,
        approvals=approvals,
        change_requests=changes,
        people=people,
        document=await document_status(ctx, key, quote),
        threads=await threads_for_record(ctx, key, quote.id),
    )
