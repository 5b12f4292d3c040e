"""Customer accounts as the vendor manages them: the tree, edits, moves and deactivation.

Accounts form a tree (a parent customer and its sites) kept as materialised paths
(``Customer.path``, ``/3/7/``); a move rewrites the paths of the whole moved subtree, because
every visibility rule is a prefix test on them.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, select

from core.accounts import create_customer
from core.context import RequestContext
from core.i18n import N_
from core.integers import is_whole_number
from core.models import Customer, User, WebSession
from core.people.errors import PeopleError


@dataclass(frozen=True)
class TreeRow:
    """One account in the listed tree, with how deep it sits (0 for a parent customer)."""

    customer: Customer
    level: int


async def all_customers(ctx: RequestContext) -> list[Customer]:
    return list((await ctx.db.execute(select(Customer).order_by(Customer.name, Customer.id))).scalars())


def as_tree(customers: list[Customer], query: str = "", status: str = "") -> list[TreeRow]:
    """The accounts in tree order (siblings by name). With a search or a status filter, an
    account is listed when it matches or one of its sites does, so every match keeps its place."""
    children: dict[int | None, list[Customer]] = {}
    by_id = {c.id: c for c in customers}
    for customer in customers:  # already sorted by name
        parent = customer.parent_id if customer.parent_id in by_id else None
        children.setdefault(parent, []).append(customer)
    needle = query.strip().lower()

    def matches(customer: Customer) -> bool:
        if needle and needle not in customer.name.lower():
            return False
        return not (status == "active" and not customer.active) and not (status == "inactive" and customer.active)

    keep: set[int] = set()
    for customer in customers:
        if matches(customer):
            keep.update(int(part) for part in customer.path.strip("/").split("/") if part.isdigit())
    rows: list[TreeRow] = []

    def walk(parent: int | None, level: int) -> None:
        for customer in children.get(parent, []):
            if customer.id in keep:
                rows.append(TreeRow(customer, level))
            walk(customer.id, level + 1)

    walk(None, 0)
    return rows


async def get_customer(ctx: RequestContext, customer_id: int) -> Customer | None:
    return await ctx.db.scalar(select(Customer).where(Customer.id == customer_id))


async def subtree(ctx: RequestContext, customer: Customer) -> list[Customer]:
    """The account and every site below it."""
    rows = await ctx.db.execute(select(Customer).where(Customer.path.startswith(customer.path)).order_by(Customer.path))
    return list(rows.scalars())


def clean_name(name: str) -> str:
    name = name.strip()
    if not name:
        raise PeopleError(N_("Give the customer account a name."), "name")
    if len(name) > 200:
        raise PeopleError(N_("A name has at most {count} characters."), "name", count=200)
    return name


async def parent_from_form(ctx: RequestContext, value: str) -> Customer | None:
    """The account named by a form's ``parent_id`` ("" for none); unknown ids are refused."""
    if not value.strip():
        return None
    value = value.strip()
    parent = await get_customer(ctx, int(value)) if is_whole_number(value) else None
    if parent is None:
        raise PeopleError(N_("That customer account does not exist."), "parent_id")
    return parent


async def add_customer(ctx: RequestContext, name: str, parent: Customer | None) -> Customer:
    return await create_customer(ctx.db, clean_name(name), parent.id if parent else None)


async def move_customer(ctx: RequestContext, customer: Customer, parent: Customer | None) -> None:
    """Put ``customer`` (and its sites) under ``parent``, or at the top with ``None``."""
    if parent is not None and parent.path.startswith(customer.path):
        raise PeopleError(N_("An account cannot move under itself or one of its own sites."), "parent_id")
    if (parent.id if parent else None) == customer.parent_id:
        return
    old_prefix = customer.path
    new_prefix = f"{parent.path if parent else '/'}{customer.id}/"
    for row in await subtree(ctx, customer):
        row.path = new_prefix + row.path[len(old_prefix) :]
    customer.parent_id = parent.id if parent else None
    await ctx.db.flush()


async def set_customer_active(ctx: RequestContext, customer: Customer, active: bool) -> int:
    """Switch an account and all its sites on or off; switching off signs their contacts out at
    once. Returns how many accounts changed."""
    accounts = await subtree(ctx, customer)
    for account in accounts:
        account.active = active
    if not active:
        contacts = select(User.id).where(User.customer_id.in_([a.id for a in accounts]))
        await ctx.db.execute(delete(WebSession).where(WebSession.user_id.in_(contacts)))
    await ctx.db.flush()
    return len(accounts)
