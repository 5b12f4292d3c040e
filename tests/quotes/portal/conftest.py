"""A vendor with a parent customer, two sites and their people, and helpers to make quotes and orders.

``make_record`` writes a quote or order with lines and, unless told otherwise, marks it sent to
its account (a Publication row, as the kernel's sending leaves it) without rendering a PDF, so
that most tests stay fast; the PDF tests send through the kernel for real.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest

from core import CUSTOMER_ADMIN, CUSTOMER_USER, VENDOR_ADMIN, Customer, Tenant, User
from core.accounts import scoped
from core.db import Scope
from core.documents import Publication
from plugins.quotes.models import ORDER, QUOTE, Quote, QuoteLine
from plugins.quotes.pricing import apply_totals


@dataclass
class Shop:
    tenant: Tenant
    parent: Customer
    north: Customer
    south: Customer
    staff: User
    buyer: User  # customer admin of the parent: sees both sites
    nora: User  # customer admin of the north site: may approve, request changes, reorder
    nick: User  # customer user of the north site: sees, requests changes, may not approve
    sid: User  # customer admin of the south site


@pytest.fixture
async def shop(tenant_factory, customer_factory, user_factory) -> Shop:
    tenant = await tenant_factory("acme", "Zanzibar Tooling")
    parent = await customer_factory(tenant, "Globex")
    north = await customer_factory(tenant, "Globex North", parent)
    south = await customer_factory(tenant, "Globex South", parent)
    return Shop(
        tenant=tenant,
        parent=parent,
        north=north,
        south=south,
        staff=await user_factory(tenant, VENDOR_ADMIN, first_name="Stan", last_name="Sales", email="stan@acme.test"),
        buyer=await user_factory(tenant, CUSTOMER_ADMIN, parent, first_name="Bea", last_name="Buyer"),
        nora=await user_factory(tenant, CUSTOMER_ADMIN, north, first_name="Nora", last_name="North"),
        nick=await user_factory(tenant, CUSTOMER_USER, north, first_name="Nick", last_name="Newman"),
        sid=await user_factory(tenant, CUSTOMER_ADMIN, south, first_name="Sid", last_name="South"),
    )


def publication(record: Quote, version: int = 1) -> Publication:
    key = "quotes.quote" if record.kind == QUOTE else "quotes.order"
    return Publication(
        customer_id=record.customer_id,
        doc_type=key,
        record_id=record.id,
        version=version,
        storage_key="test/none.pdf",
        filename=f"{record.number}.pdf",
        size=1,
        title=record.number,
        recipients=[],
    )


@pytest.fixture
def make_record(db, shop):
    counter = iter(range(1, 100_000))

    async def make(
        customer: Customer | None = None,
        *,
        kind: str = QUOTE,
        status: str | None = None,
        lines: int = 3,
        sent: bool = True,
        approved_lines: int = 0,
        **fields: Any,
    ) -> Quote:
        customer = customer or shop.north
        number = next(counter)
        async with scoped(db, Scope(shop.tenant.id)):
            record = Quote(
                kind=kind,
                customer_id=customer.id,
                number=f"{'Q' if kind == QUOTE else 'SO'}-{number:05d}",
                name=fields.pop("name", f"Record {number}"),
                status=status or ("open" if kind == QUOTE else "pending_approval"),
                sales_rep_id=shop.staff.id,
                quote_date=dt.date(2026, 11, 1),
                currency="USD",
                tax_rate_bp=1000,
                shipping_minor=500,
                **fields,
            )
            db.add(record)
            await db.flush()
            rows = [
                QuoteLine(
                    customer_id=customer.id,
                    quote_id=record.id,
                    position=i,
                    item=f"ITEM-{i}",
                    description=f"Line {i}",
                    quantity=Decimal(2),
                    unit_price_minor=1000 * i,
                    needs_approval=True,
                    taxable=True,
                    approved_at=dt.datetime(2026, 11, 2) if i <= approved_lines else None,
                    status="approved" if i <= approved_lines else "open",
                )
                for i in range(1, lines + 1)
            ]
            db.add_all(rows)
            apply_totals(record, rows)
            if sent:
                await db.flush()
                db.add(publication(record))
            await db.commit()
        return record

    return make


async def line_ids(db, tenant_id: int, record: Quote) -> list[int]:
    from sqlalchemy import select

    async with scoped(db, Scope(tenant_id)):
        query = select(QuoteLine.id).where(QuoteLine.quote_id == record.id).order_by(QuoteLine.position)
        return list(await db.scalars(query))


async def reload(db, tenant_id: int, model: Any, row_id: int) -> Any:
    from sqlalchemy import select

    async with scoped(db, Scope(tenant_id)):
        return await db.scalar(select(model).where(model.id == row_id).execution_options(populate_existing=True))


async def form_key(client, url: str) -> str:
    """The submission key a form page carries."""
    import re

    page = await client.get(url)
    assert page.status_code == 200, page.text[:500]
    return re.search(r'name="submission_key" value="([^"]+)"', page.text).group(1)


__all__ = ["ORDER", "QUOTE", "Shop", "form_key", "line_ids", "publication", "reload"]
