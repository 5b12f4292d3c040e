"""Fixtures for the vendor's work order pages and API: a signed-in staff member, a site, and
helpers that build work orders with parts and steps."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

import pytest

from core import VENDOR_STAFF, Scope, scoped
from plugins.workorders.models import ProcessStep, Tag, WorkOrder, WorkOrderPart


@pytest.fixture
async def site(tenant, customer_factory):
    parent = await customer_factory(tenant, "Globex")
    return await customer_factory(tenant, "Globex North", parent)


@pytest.fixture
async def staff(tenant, user_factory):
    return await user_factory(tenant, VENDOR_STAFF)


@pytest.fixture
async def admin(login_as, staff):
    return await login_as(staff)


@pytest.fixture
def make_order(db):
    async def make(
        tenant, customer, number: str = "WO-00001", parts: Sequence[Sequence[str]] = (("Machining", "Paint"),), **fields
    ) -> WorkOrder:
        async with scoped(db, Scope(tenant.id)):
            order = WorkOrder(customer_id=customer.id, number=number, **fields)
            db.add(order)
            await db.flush()
            for index, steps in enumerate(parts, start=1):
                part = WorkOrderPart(
                    customer_id=customer.id,
                    work_order_id=order.id,
                    position=index,
                    part_number=f"P-{index}",
                    quantity=Decimal(10),
                )
                db.add(part)
                await db.flush()
                for position, name in enumerate(steps, start=1):
                    db.add(
                        ProcessStep(
                            customer_id=customer.id,
                            work_order_id=order.id,
                            part_id=part.id,
                            position=position,
                            name=name,
                        )
                    )
            await db.commit()
            return order

    return make


@pytest.fixture
def make_tag(db):
    async def make(tenant, name: str) -> Tag:
        async with scoped(db, Scope(tenant.id)):
            tag = Tag(name=name)
            db.add(tag)
            await db.commit()
            return tag

    return make
