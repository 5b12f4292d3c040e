"""The customer's work order list: active or completed, search filters, keyset paging.

Filters come from the query string so a filtered list can be bookmarked and the active/completed
switch keeps them. Pages are keyset-paged on the work order id (newest first): ``before=<id>``
continues after the last row shown, so page 500 costs what page 1 costs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode

from sqlalchemy import Select, func, select

from core import N_, Customer, RequestContext
from plugins.workorders.models import WorkOrder, WorkOrderPart
from plugins.workorders.progress.visibility import statuses_of_view, visible_orders

PER_PAGE = 25
TEXT_MAX = 80


@dataclass
class Filters:
    """What the reader typed (kept as typed, to show again) and what it means."""

    view: str = "active"
    number: str = ""
    po: str = ""
    part: str = ""
    statuses: list[str] = field(default_factory=list)
    due_from: str = ""
    due_to: str = ""
    site: str = ""
    before: int | None = None
    errors: dict[str, str] = field(default_factory=dict)

    def query(self, **changes: object) -> str:
        """The query string of these filters (no paging), with ``changes`` applied."""
        values: dict[str, object] = {
            "show": self.view,
            "number": self.number,
            "po": self.po,
            "part": self.part,
            "status": self.statuses,
            "due_from": self.due_from,
            "due_to": self.due_to,
            "site": self.site,
        } | changes
        pairs: list[tuple[str, str]] = []
        for key, value in values.items():
            for item in value if isinstance(value, list) else [value]:
                if item not in ("", None):
                    pairs.append((key, str(item)))
        return urlencode(pairs)

    @property
    def active(self) -> bool:
        return any((self.number, self.po, self.part, self.statuses, self.due_from, self.due_to, self.site))


def _date(raw: str, name: str, errors: dict[str, str]) -> dt.date | None:
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        errors[name] = N_("Enter a date like 2026-03-31.")
        return None


def parse_filters(params: Mapping[str, Sequence[str]]) -> Filters:
    """Filters from the query string (``params``: name → values). Problems land in ``errors``."""

    def one(name: str) -> str:
        values = params.get(name) or [""]
        return (values[0] or "").strip()[:TEXT_MAX]

    found = Filters(
        view="completed" if one("show") == "completed" else "active",
        number=one("number"),
        po=one("po"),
        part=one("part"),
        statuses=[s for s in params.get("status") or [] if s][:10],
        due_from=one("due_from"),
        due_to=one("due_to"),
        site=one("site"),
    )
    before = one("before")
    found.before = int(before) if before.isdigit() and len(before) < 10 else None
    if found.site and not (found.site.isdigit() and len(found.site) < 10):
        found.errors["site"] = N_("Choose a site from the list.")
    start, end = _date(found.due_from, "due_from", found.errors), _date(found.due_to, "due_to", found.errors)
    if start and end and end < start:
        found.errors["due_to"] = N_("The end of the range is before its start.")
    return found


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def list_query(ctx: RequestContext, filters: Filters) -> Select[WorkOrder]:
    """The page's query: visible orders of the view, filtered, newest first."""
    statuses = statuses_of_view(ctx, filters.view)
    chosen = [s for s in filters.statuses if s in statuses]
    query = select(WorkOrder).where(visible_orders(ctx), WorkOrder.status.in_(chosen or statuses))
    if filters.number:
        query = query.where(WorkOrder.number.ilike(_like(filters.number), escape="\\"))
    if filters.po:
        query = query.where(WorkOrder.customer_po.ilike(_like(filters.po), escape="\\"))
    if filters.part:
        query = query.where(
            select(WorkOrderPart.id)
            .where(
                WorkOrderPart.work_order_id == WorkOrder.id,
                WorkOrderPart.part_number.ilike(_like(filters.part), escape="\\"),
            )
            .exists()
        )
    if filters.due_from and "due_from" not in filters.errors:
        query = query.where(WorkOrder.due_on >= dt.date.fromisoformat(filters.due_from))
    if filters.due_to and "due_to" not in filters.errors:
        query = query.where(WorkOrder.due_on <= dt.date.fromisoformat(filters.due_to))
    if filters.site and "site" not in filters.errors:
        query = query.where(WorkOrder.customer_id == int(filters.site))
    if filters.before is not None:
        query = query.where(WorkOrder.id < filters.before)
    return query.order_by(WorkOrder.id.desc())


@dataclass
class ListPage:
    orders: list[WorkOrder]
    #: The id to continue from, when there are more rows.
    next_before: int | None
    #: work order id → (quantity done, quantity) summed over its parts.
    quantities: dict[int, tuple[Decimal, Decimal]]
    #: The site filter's choices: the accounts a contact sees (none for staff).
    sites: dict[int, str]
    #: The names of the accounts of the orders on this page.
    accounts: dict[int, str] = field(default_factory=dict)

    @property
    def show_accounts(self) -> bool:
        """A column of accounts helps whoever sees more than one."""
        return len(self.sites) > 1 or len(set(self.accounts)) > 1


async def load_page(ctx: RequestContext, filters: Filters, per_page: int = PER_PAGE) -> ListPage:
    """One page of orders, their parts' quantities, their accounts, the site choices: four queries."""
    rows = list(await ctx.db.scalars(list_query(ctx, filters).limit(per_page + 1)))
    more = len(rows) > per_page
    orders = rows[:per_page]
    ids = [order.id for order in orders]
    quantities: dict[int, tuple[Decimal, Decimal]] = {}
    if ids:
        sums = await ctx.db.execute(
            select(
                WorkOrderPart.work_order_id,
                func.coalesce(func.sum(WorkOrderPart.quantity_done), 0),
                func.coalesce(func.sum(WorkOrderPart.quantity), 0),
            )
            .where(WorkOrderPart.work_order_id.in_(ids))
            .group_by(WorkOrderPart.work_order_id)
        )
        quantities = {order_id: (Decimal(done), Decimal(total)) for order_id, done, total in sums}
    sites = await visible_sites(ctx)
    accounts = {i: sites[i] for i in {order.customer_id for order in orders} if i in sites}
    missing = {order.customer_id for order in orders} - set(accounts)
    if missing:  # staff: the names of the accounts on this page only
        names = await ctx.db.execute(select(Customer.id, Customer.name).where(Customer.id.in_(missing)))
        accounts.update({customer_id: name for customer_id, name in names})
    return ListPage(
        orders=orders,
        next_before=orders[-1].id if more and orders else None,
        quantities=quantities,
        sites=sites,
        accounts=accounts,
    )


async def visible_sites(ctx: RequestContext) -> dict[int, str]:
    """The accounts a contact can see, by name (for the site filter and column); none for staff,
    who look at every customer's orders and pick customers in the admin area instead."""
    if not ctx.is_contact:
        return {}
    rows = await ctx.db.execute(select(Customer.id, Customer.name).order_by(Customer.path).limit(500))
    return {customer_id: name for customer_id, name in rows}
