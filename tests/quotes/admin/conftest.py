"""A vendor with one customer account (two sites), contacts, staff and a signed-in vendor admin."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest

from core import Customer, Tenant, User
from core.accounts import scoped
from core.db import Scope
from plugins.quotes.models import Quote, QuoteLine
from plugins.quotes.pricing import apply_totals


@dataclass
class Shop:
    tenant: Tenant
    account: Customer
    north: Customer
    south: Customer
    contact: User  # of the north site
    account_admin: User  # of the parent account
    south_contact: User
    staff: User
    admin: User


@pytest.fixture
async def shop(standard) -> Shop:
    """The kit's shared vendor: Globex Holdings with its North and South plants, and their people."""
    return Shop(
        tenant=standard.tenant,
        account=standard.parent,
        north=standard.north,
        south=standard.south,
        contact=standard.north_contact,
        account_admin=standard.buyer,
        south_contact=standard.south_contact,
        staff=standard.staff,
        admin=standard.admin,
    )


@pytest.fixture
async def admin(shop, login_as):
    return await login_as(shop.admin)


async def add_quote(
    db, shop: Shop, number: str = "Q-00001", kind: str = "quote", lines: int = 0, **fields: Any
) -> Quote:
    """A record written straight to the database (as the portal part or an import would)."""
    async with scoped(db, Scope(shop.tenant.id)):
        quote = Quote(kind=kind, number=number, customer_id=fields.pop("customer_id", shop.north.id), **fields)
        db.add(quote)
        await db.flush()
        rows = [
            QuoteLine(
                quote_id=quote.id,
                customer_id=quote.customer_id,
                position=i,
                item=f"ITEM-{i}",
                description=f"Line {i}",
                quantity=Decimal(2),
                unit_price_minor=1000,
            )
            for i in range(1, lines + 1)
        ]
        db.add_all(rows)
        apply_totals(quote, rows)
        await db.commit()
    return quote


async def make_token(client, *permissions: str) -> str:
    """A token made the way a vendor admin makes one (Administration → API tokens)."""
    response = await client.post("/admin/api-tokens", {"name": "ERP", "permission": list(permissions)})
    assert response.status_code == 302, response.text
    page = (await client.get("/admin/api-tokens")).text
    return re.search(r'<code class="secret">([^<]+)</code>', page).group(1)


class Erp:
    """An ERP calling the API with a bearer token."""

    def __init__(self, client: Any, secret: str) -> None:
        self.client, self.headers = client, {"authorization": f"Bearer {secret}"}

    async def call(self, method: str, url: str, body: Any = None) -> Any:
        kwargs: dict[str, Any] = {"headers": self.headers}
        if body is not None:
            kwargs["json"] = body
        return await self.client.inner.request(method, url, **kwargs)


@pytest.fixture
async def erp(admin, shop, client_factory) -> Erp:
    return Erp(await client_factory(shop.tenant.host), await make_token(admin, "quotes.manage"))
