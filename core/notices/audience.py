"""Who a notice reaches: the accounts above a contact, and the contacts below an account."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.context import RequestContext
from core.models import Customer, User


def account_chain(ctx: RequestContext) -> list[int]:
    """The contact's account and every account above it, nearest last (empty for staff).

    Read from the session's scope (the contact's materialised path), so it costs no query.
    """
    if ctx.user is None or ctx.user.customer_id is None:
        return []
    scope = ctx.db.info.get("scope")
    path = getattr(scope, "customer_path", None)
    if not path:
        return [ctx.user.customer_id]
    return [int(part) for part in path.strip("/").split("/")]


async def contacts_of(db: AsyncSession, customer: Customer, *, include_sites: bool) -> list[User]:
    """The active contacts of ``customer`` (and of every account below it with ``include_sites``)."""
    query = select(User).where(User.active.is_(True), User.customer_id.is_not(None))
    if include_sites:
        query = query.join(Customer, Customer.id == User.customer_id).where(Customer.path.startswith(customer.path))
    else:
        query = query.where(User.customer_id == customer.id)
    return list((await db.execute(query.order_by(User.id))).scalars())
