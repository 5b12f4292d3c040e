"""Filters and keyset paging for the lists of this part (customer pages and admin pages alike).

Lists are ordered by id, newest first, and paged with ``?before=<id>``: each page is one
indexed range scan however long the list grows, and no page counts the whole table.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import Select, or_, select

from core import Customer, RequestContext

PAGE_SIZE = 25
#: The integers of a list's query string, for its route's ``opt`` (the kernel checks them).
LIST_INTEGERS = {"integers": ("site", "before")}


def _date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value.strip()) if value.strip() else None
    except ValueError:
        return None


def _id(value: str) -> int | None:
    value = (value or "").strip()
    return int(value) if value.isdigit() and len(value) < 19 else None


@dataclass
class Filters:
    """What a list was asked for: a search text, a status, a date range, a site, the page."""

    q: str = ""
    status: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    site: int | None = None
    before: int | None = None
    #: Dates that were typed but could not be read, to say so above the list.
    bad_dates: list[str] = field(default_factory=list)

    @classmethod
    def from_params(cls, params: Mapping[str, str]) -> Filters:
        found = cls(
            q=(params.get("q") or "").strip()[:100],
            status=(params.get("status") or "").strip()[:40],
            date_from=_date(params.get("from") or ""),
            date_to=_date(params.get("to") or ""),
            site=_id(params.get("site") or ""),
            before=_id(params.get("before") or ""),
        )
        for key in ("from", "to"):
            if (params.get(key) or "").strip() and _date(params.get(key) or "") is None:
                found.bad_dates.append(key)
        return found

    def query(self, **changes: Any) -> str:
        """The list's query string with ``changes`` (``before=None`` for the first page)."""
        values = {
            "q": self.q,
            "status": self.status,
            "from": self.date_from.isoformat() if self.date_from else "",
            "to": self.date_to.isoformat() if self.date_to else "",
            "site": self.site or "",
            "before": self.before or "",
        }
        values.update({key: "" if value is None else value for key, value in changes.items()})
        return urlencode({key: value for key, value in values.items() if value not in ("", None)})

    def apply(
        self,
        stmt: Select[Any],
        *,
        id_column: Any,
        text_columns: Sequence[Any],
        date_column: Any = None,
        customer_column: Any = None,
    ) -> Select[Any]:
        if self.q:
            needle = f"%{self.q.replace('%', '').replace('_', '')}%"
            stmt = stmt.where(or_(*(column.ilike(needle) for column in text_columns)))
        if date_column is not None and self.date_from:
            stmt = stmt.where(date_column >= self.date_from)
        if date_column is not None and self.date_to:
            stmt = stmt.where(date_column <= self.date_to)
        if customer_column is not None and self.site:
            stmt = stmt.where(customer_column == self.site)
        if self.before:
            stmt = stmt.where(id_column < self.before)
        return stmt


@dataclass
class Listing:
    """One page of a list and where the next one starts."""

    rows: list[Any]
    filters: Filters
    next_before: int | None

    @property
    def next_query(self) -> str | None:
        return self.filters.query(before=self.next_before) if self.next_before else None

    @property
    def first_query(self) -> str | None:
        return self.filters.query(before=None) if self.filters.before else None


async def page_of(
    ctx: RequestContext, stmt: Select[Any], id_column: Any, filters: Filters, size: int = PAGE_SIZE
) -> Listing:
    rows = list((await ctx.db.scalars(stmt.order_by(id_column.desc()).limit(size + 1))).all())
    more = len(rows) > size
    rows = rows[:size]
    return Listing(rows, filters, rows[-1].id if more and rows else None)


async def visible_accounts(ctx: RequestContext) -> list[Customer]:
    """The accounts this user sees (a contact: their account and its sites), in tree order."""
    return list((await ctx.db.scalars(select(Customer).order_by(Customer.path))).all())
