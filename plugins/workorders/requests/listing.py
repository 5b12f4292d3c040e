"""Lists of requests, for the customer and for the vendor's inbox: one query per page, whatever its length.

Pages are keyset pages on the request id (newest first): ``before`` is the last id of the
previous page, so a page costs the same at the start of the list and far down it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from core import Customer, RequestContext, User
from plugins.workorders.models import REQUEST_STATUSES, WorkOrder, WorkRequest, WorkType

PAGE_SIZE = 50
OPEN = ("submitted", "needs_info")


@dataclass(frozen=True)
class Row:
    request: WorkRequest
    site: str
    work_type: str
    work_order_number: str
    work_order_id: int | None
    requested_by: str


@dataclass(frozen=True)
class Listing:
    rows: list[Row]
    next_before: int | None


def clean_status(value: str | None) -> str:
    return value if value in REQUEST_STATUSES or value == "open" else ""


def clean_before(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) <= 18 else None


async def list_requests(
    ctx: RequestContext, *, status: str = "", before: int | None = None, limit: int = PAGE_SIZE
) -> Listing:
    """Requests visible to the user (the kernel scopes a contact to their accounts), newest first."""
    query = (
        select(WorkRequest, Customer.name, WorkType.name, WorkOrder.number, User.first_name, User.last_name)
        .join(Customer, Customer.id == WorkRequest.customer_id)
        .outerjoin(WorkType, WorkType.id == WorkRequest.work_type_id)
        .outerjoin(WorkOrder, WorkOrder.id == WorkRequest.work_order_id)
        .outerjoin(User, User.id == WorkRequest.requested_by_id)
        .order_by(WorkRequest.id.desc())
        .limit(limit + 1)
    )
    if status == "open":
        query = query.where(WorkRequest.status.in_(OPEN))
    elif status:
        query = query.where(WorkRequest.status == status)
    if before is not None:
        query = query.where(WorkRequest.id < before)
    found = [
        Row(
            request,
            site or "",
            type_name or "",
            order_number or "",
            request.work_order_id if order_number else None,
            f"{first or ''} {last or ''}".strip(),
        )
        for request, site, type_name, order_number, first, last in (await ctx.db.execute(query))
    ]
    more = len(found) > limit
    rows = found[:limit]
    return Listing(rows, rows[-1].request.id if more and rows else None)


async def open_counts(ctx: RequestContext, customer_ids: Sequence[int]) -> dict[int, int]:
    rows = await ctx.db.execute(
        select(WorkRequest.customer_id, func.count(WorkRequest.id))
        .where(WorkRequest.status.in_(OPEN), WorkRequest.customer_id.in_(list(customer_ids)))
        .group_by(WorkRequest.customer_id)
    )
    return {customer_id: count for customer_id, count in rows}


async def detail_facts(ctx: RequestContext, request: WorkRequest) -> dict[str, Any]:
    """The names around one request: its site, type, requester and work order (one query)."""
    row = (
        await ctx.db.execute(
            select(Customer.name, WorkType, WorkOrder, User)
            .select_from(WorkRequest)
            .join(Customer, Customer.id == WorkRequest.customer_id)
            .outerjoin(WorkType, WorkType.id == WorkRequest.work_type_id)
            .outerjoin(WorkOrder, WorkOrder.id == WorkRequest.work_order_id)
            .outerjoin(User, User.id == WorkRequest.requested_by_id)
            .where(WorkRequest.id == request.id)
        )
    ).one()
    site, work_type, order, requester = row
    return {"site": site, "work_type": work_type, "work_order": order, "requester": requester}
