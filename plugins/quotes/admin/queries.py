"""The admin pages' reads: lists paged by id (keyset), a record with its children in fixed queries,
and the choices of the quote form. No query's count grows with the number of records or lines.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from core import Customer, User
from plugins.quotes.admin.editing import lines_of, payments_of
from plugins.quotes.models import (
    KINDS,
    ORDER,
    QUOTE,
    STATUSES,
    Approval,
    ChangeRequest,
    PaymentInstallment,
    Quote,
    QuoteLine,
)

PAGE_SIZE = 25


@dataclass
class Listing:
    kind: str
    status: str
    query: str
    rows: list[tuple[Quote, str]]
    #: The id to continue after (keyset paging); None on the last page.
    next_after: int | None


def _after(params: Mapping[str, Any]) -> int | None:
    raw = str(params.get("after", ""))
    return int(raw) if raw.isdigit() and len(raw) < 10 else None


async def list_records(db: AsyncSession, params: Mapping[str, Any], *, only_status: str | None = None) -> Listing:
    """One page of quotes or orders, newest first: ``kind``, ``status``, ``q`` (number, name,
    customer, PO) and ``after`` (the last id of the previous page)."""
    kind = str(params["kind"]) if params.get("kind") in KINDS else QUOTE
    if only_status is not None:
        kind = ORDER
    status = only_status or (str(params["status"]) if params.get("status") in STATUSES[kind] else "")
    text = str(params.get("q", "")).strip()[:100]
    query = (
        select(Quote, Customer.name)
        .join(Customer, Customer.id == Quote.customer_id)
        .where(Quote.kind == kind)
        .order_by(Quote.id.desc())
        .limit(PAGE_SIZE + 1)
    )
    if status:
        query = query.where(Quote.status == status)
    if text:
        like = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(
            or_(
                Quote.number.ilike(like, escape="\\"),
                Quote.name.ilike(like, escape="\\"),
                Quote.customer_po.ilike(like, escape="\\"),
                Customer.name.ilike(like, escape="\\"),
            )
        )
    after = _after(params)
    if after is not None:
        query = query.where(Quote.id < after)
    rows = [(quote, name) for quote, name in (await db.execute(query)).all()]
    next_after = rows[PAGE_SIZE - 1][0].id if len(rows) > PAGE_SIZE else None
    return Listing(kind, status, text, rows[:PAGE_SIZE], next_after)


async def people_named(db: AsyncSession, ids: Iterable[int | None]) -> dict[int, str]:
    wanted = sorted({i for i in ids if i is not None})
    if not wanted:
        return {}
    found = await db.execute(select(User).where(User.id.in_(wanted)))
    return {user.id: user.display_name for user in found.scalars()}


async def numbers_of(db: AsyncSession, ids: Iterable[int]) -> dict[int, str]:
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    return {row.id: row.number for row in await db.execute(select(Quote.id, Quote.number).where(Quote.id.in_(wanted)))}


@dataclass
class Detail:
    quote: Quote
    customer: Customer
    lines: list[QuoteLine]
    payments: list[PaymentInstallment]
    approvals: list[Approval]
    changes: list[ChangeRequest]
    names: dict[int, str]
    #: The record it was made from (the quote of an order, the order a reorder copies) and orders made from it.
    source: Quote | None
    orders: list[Quote] = field(default_factory=list)


async def load_detail(db: AsyncSession, quote: Quote) -> Detail:
    customer = await db.get(Customer, quote.customer_id)
    assert customer is not None  # the foreign key and the scope guarantee it for staff
    approvals = list(
        await db.scalars(select(Approval).where(Approval.quote_id == quote.id).order_by(Approval.approved_at.desc()))
    )
    changes = list(
        await db.scalars(
            select(ChangeRequest).where(ChangeRequest.quote_id == quote.id).order_by(ChangeRequest.created_at.desc())
        )
    )
    related = list(
        await db.scalars(
            select(Quote).where(or_(Quote.id == quote.source_id, Quote.source_id == quote.id)).order_by(Quote.id)
        )
    )
    people = [quote.contact_id, quote.sales_rep_id, quote.requested_by_id]
    people += [a.user_id for a in approvals] + [c.user_id for c in changes]
    return Detail(
        quote=quote,
        customer=customer,
        lines=await lines_of(db, quote.id),
        payments=await payments_of(db, quote.id),
        approvals=approvals,
        changes=changes,
        names=await people_named(db, people),
        source=next((r for r in related if r.id == quote.source_id), None),
        orders=[r for r in related if r.source_id == quote.id],
    )


@dataclass
class ChangeRow:
    change: ChangeRequest
    quote: Quote
    author: str


async def list_changes(db: AsyncSession, params: Mapping[str, Any]) -> tuple[str, list[ChangeRow], int | None]:
    """Change requests of every record, newest first; ``status`` open (default), resolved or all."""
    status = str(params["status"]) if params.get("status") in ("open", "resolved", "all") else "open"
    query = (
        select(ChangeRequest, Quote, User)
        .join(Quote, Quote.id == ChangeRequest.quote_id)
        .outerjoin(User, User.id == ChangeRequest.user_id)
        .order_by(ChangeRequest.id.desc())
        .limit(PAGE_SIZE + 1)
    )
    if status != "all":
        query = query.where(ChangeRequest.status == status)
    after = _after(params)
    if after is not None:
        query = query.where(ChangeRequest.id < after)
    rows = [ChangeRow(c, q, u.display_name if u else "") for c, q, u in (await db.execute(query)).all()]
    next_after = rows[PAGE_SIZE - 1].change.id if len(rows) > PAGE_SIZE else None
    return status, rows[:PAGE_SIZE], next_after


@dataclass
class Choices:
    customers: list[Customer]
    contacts: list[User]
    staff: list[User]


async def contacts_of(db: AsyncSession, customer_id: int | None) -> list[User]:
    """The active contacts of an account and of the accounts above it."""
    if not customer_id:
        return []
    customer = await db.get(Customer, customer_id)
    if customer is None:
        return []
    above = [int(part) for part in customer.path.strip("/").split("/") if part.isdigit()] or [customer.id]
    found = await db.scalars(
        select(User).where(User.customer_id.in_(above), User.active.is_(True)).order_by(User.last_name, User.first_name)
    )
    return list(found)


async def form_choices(db: AsyncSession, customer_id: int | None) -> Choices:
    customers = await db.scalars(select(Customer).order_by(Customer.path))
    staff = await db.scalars(
        select(User).where(User.customer_id.is_(None), User.active.is_(True)).order_by(User.last_name, User.first_name)
    )
    return Choices(list(customers), await contacts_of(db, customer_id), list(staff))
