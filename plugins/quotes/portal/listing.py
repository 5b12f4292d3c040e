"""The four lists (open quotes, quote history, open orders, order history): filters and keyset paging.

Pages are cut by id (``id < after`` newest first, or ``id > before`` going back), so a deep page
costs what the first one does, and no page counts the whole table.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import Select, select

from core import N_, Customer, RequestContext, User
from plugins.quotes.models import APPROVABLE_STATUSES, OPEN_STATUSES, ORDER, Quote
from plugins.quotes.portal.visibility import visible, visible_statuses

PAGE_SIZE = 25
MAX_TEXT = 100


def list_statuses(ctx: RequestContext, kind: str, history: bool) -> list[str]:
    """The statuses a list covers: the open ones, or the rest (history), as far as this user sees them."""
    open_ = OPEN_STATUSES[kind]
    return [s for s in visible_statuses(ctx, kind) if (s not in open_) == history]


@dataclass
class ListFilters:
    """What the search form and the quick filters asked for, as typed (kept for the form)."""

    statuses: list[str]
    number: str = ""
    name: str = ""
    po: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    due_from: dt.date | None = None
    due_to: dt.date | None = None
    contact_id: int | None = None
    mine: bool = False
    needs_action: bool = False
    after: int | None = None
    before: int | None = None
    typed: dict[str, str] = field(default_factory=dict)

    def query_string(self, **changes: Any) -> str:
        """The filters as a query string, for paging links (``after``/``before`` replaced by ``changes``)."""
        params: list[tuple[str, str]] = [("status", s) for s in self.statuses]
        for key in ("number", "name", "po", "date_from", "date_to", "due_from", "due_to", "contact"):
            if self.typed.get(key):
                params.append((key, self.typed[key]))
        if self.mine:
            params.append(("mine", "1"))
        if self.needs_action:
            params.append(("action", "1"))
        params += [(k, str(v)) for k, v in changes.items() if v is not None]
        return urlencode(params)


def _date(value: str, errors: dict[str, str], key: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        errors[key] = N_("Enter a date as YYYY-MM-DD.")
        return None


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 10 else None


def read_filters(
    params: Mapping[str, str], statuses: Sequence[str], allowed: Sequence[str]
) -> tuple[ListFilters, dict[str, str]]:
    """The list's filters from the query string, and the msgid of each field that is wrong.

    ``statuses`` are the values of the status checkboxes (all the list's statuses when none is
    ticked: the sensible default); ``allowed`` are the statuses this list covers.
    """
    errors: dict[str, str] = {}
    typed = {
        key: str(params.get(key, "")).strip()[:MAX_TEXT]
        for key in ("number", "name", "po", "date_from", "date_to", "due_from", "due_to", "contact")
    }
    chosen = [s for s in statuses if s in allowed] or list(allowed)
    filters = ListFilters(
        statuses=chosen,
        number=typed["number"],
        name=typed["name"],
        po=typed["po"],
        date_from=_date(typed["date_from"], errors, "date_from"),
        date_to=_date(typed["date_to"], errors, "date_to"),
        due_from=_date(typed["due_from"], errors, "due_from"),
        due_to=_date(typed["due_to"], errors, "due_to"),
        contact_id=_int(typed["contact"]),
        mine=params.get("mine") == "1",
        needs_action=params.get("action") == "1",
        after=_int(params.get("after")),
        before=_int(params.get("before")),
        typed=typed,
    )
    if typed["contact"] and filters.contact_id is None:
        errors["contact"] = N_("Choose a contact from the list.")
    if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
        errors["date_to"] = N_("The end date is before the start date.")
    if filters.due_from and filters.due_to and filters.due_from > filters.due_to:
        errors["due_to"] = N_("The end date is before the start date.")
    return filters, errors


def _contains(column: Any, text: str) -> Any:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return column.ilike(f"%{escaped}%", escape="\\")


def filtered(ctx: RequestContext, kind: str, filters: ListFilters) -> Select[Quote]:
    """SELECT of the visible records of ``kind`` matching ``filters`` (unordered, unpaged)."""
    query = select(Quote).where(visible(ctx, kind), Quote.status.in_(filters.statuses))
    due = Quote.target_date if kind == ORDER else Quote.valid_until
    conditions = [
        (filters.number, lambda: _contains(Quote.number, filters.number)),
        (filters.name, lambda: _contains(Quote.name, filters.name)),
        (filters.po, lambda: _contains(Quote.customer_po, filters.po)),
        (filters.date_from, lambda: Quote.quote_date >= filters.date_from),
        (filters.date_to, lambda: Quote.quote_date <= filters.date_to),
        (filters.due_from, lambda: due >= filters.due_from),
        (filters.due_to, lambda: due <= filters.due_to),
        (filters.contact_id, lambda: Quote.contact_id == filters.contact_id),
        (filters.mine and ctx.user is not None, lambda: Quote.contact_id == ctx.user.id),  # type: ignore[union-attr]
        (
            filters.needs_action,
            lambda: Quote.awaiting_approval.is_(True) & Quote.status.in_(APPROVABLE_STATUSES[kind]),
        ),
    ]
    for wanted, condition in conditions:
        if wanted:
            query = query.where(condition())
    return query


@dataclass
class ListPage:
    rows: list[Quote]
    #: Cursors for the neighbouring pages (None: there is none).
    next_after: int | None
    prev_before: int | None


async def fetch_page(ctx: RequestContext, kind: str, filters: ListFilters, size: int = PAGE_SIZE) -> ListPage:
    """One page of the list, newest first, by keyset on the primary key."""
    query = filtered(ctx, kind, filters)
    if filters.before is not None:
        # Going back: the ``size`` rows just above the cursor, read upwards, then shown newest first.
        rows = list(await ctx.db.scalars(query.where(Quote.id > filters.before).order_by(Quote.id).limit(size + 1)))
        more_above = len(rows) > size
        rows = list(reversed(rows[:size]))
        return ListPage(rows, rows[-1].id if rows else None, rows[0].id if rows and more_above else None)
    if filters.after is not None:
        query = query.where(Quote.id < filters.after)
    rows = list(await ctx.db.scalars(query.order_by(Quote.id.desc()).limit(size + 1)))
    more_below = len(rows) > size
    rows = rows[:size]
    return ListPage(
        rows,
        rows[-1].id if rows and more_below else None,
        rows[0].id if rows and filters.after is not None else None,
    )


async def people_and_accounts(
    ctx: RequestContext, rows: Sequence[Quote]
) -> tuple[dict[int, User], dict[int, Customer]]:
    """The contacts and accounts the rows name, one query each (never one per row)."""
    user_ids = {q.contact_id for q in rows if q.contact_id}
    account_ids = {q.customer_id for q in rows}
    users = {u.id: u for u in await ctx.db.scalars(select(User).where(User.id.in_(user_ids)))} if user_ids else {}
    accounts = (
        {c.id: c for c in await ctx.db.scalars(select(Customer).where(Customer.id.in_(account_ids)))}
        if account_ids
        else {}
    )
    return users, accounts


async def contact_choices(ctx: RequestContext) -> list[User]:
    """Contacts to filter by: the people of the accounts this user sees (a contact sees only theirs)."""
    rows = await ctx.db.scalars(
        select(User)
        .where(User.customer_id.is_not(None), User.active.is_(True))
        .order_by(User.first_name, User.last_name, User.id)
        .limit(200)
    )
    return list(rows)
