"""A vendor with a parent customer, two sites, their contacts, staff and a few types of work."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest_asyncio
from sqlalchemy import select

from core import CUSTOMER_ADMIN, CUSTOMER_USER, VENDOR_ADMIN, Customer, Scope, Tenant, User, scoped
from core.models import TenantModule
from core.tenancy import bump_config_version
from plugins.workorders.models import WorkType, WorkTypeCustomer


@dataclass
class Shop:
    tenant: Tenant
    parent: Customer
    north: Customer
    south: Customer
    other: Customer
    admin: User
    north_user: User
    south_user: User
    parent_admin: User
    repair: WorkType
    north_only: WorkType
    other_only: WorkType
    retired: WorkType


@pytest_asyncio.fixture(loop_scope="session")
async def shop(tenant, customer_factory, user_factory, db) -> Shop:
    parent = await customer_factory(tenant, "Globex Holdings")
    north = await customer_factory(tenant, "Globex North Plant", parent)
    south = await customer_factory(tenant, "Globex South Plant", parent)
    other = await customer_factory(tenant, "Initech")
    admin = await user_factory(tenant, VENDOR_ADMIN, email="boss@acme.test", first_name="Vera")
    north_user = await user_factory(tenant, CUSTOMER_USER, north, email="nina@globex.test", first_name="Nina")
    south_user = await user_factory(tenant, CUSTOMER_USER, south, email="sam@globex.test", first_name="Sam")
    parent_admin = await user_factory(tenant, CUSTOMER_ADMIN, parent, email="pat@globex.test", first_name="Pat")
    async with scoped(db, Scope(tenant.id)):
        repair = WorkType(name="Repair", position=1)
        north_only = WorkType(name="Calibration", position=2, all_customers=False)
        other_only = WorkType(name="Secret service", position=3, all_customers=False)
        retired = WorkType(name="Retired type", position=4, active=False)
        db.add_all([repair, north_only, other_only, retired])
        await db.flush()
        db.add_all(
            [
                WorkTypeCustomer(work_type_id=north_only.id, customer_id=north.id),
                WorkTypeCustomer(work_type_id=other_only.id, customer_id=other.id),
            ]
        )
        await db.commit()
    return Shop(
        tenant,
        parent,
        north,
        south,
        other,
        admin,
        north_user,
        south_user,
        parent_admin,
        repair,
        north_only,
        other_only,
        retired,
    )


async def configure(db, tenant: Tenant, **values: Any) -> None:
    """Save the work orders module's settings for ``tenant`` as the settings page would."""
    async with scoped(db, Scope(tenant.id)):
        row = await db.scalar(select(TenantModule).where(TenantModule.module == "workorders"))
        row.settings = {**(row.settings or {}), **values}
        await bump_config_version(db, tenant.id)
        await db.commit()


def request_form(shop: Shop, key: str, **values: str) -> dict[str, str]:
    form = {
        "submission_key": key,
        "site_id": str(shop.north.id),
        "work_type_id": str(shop.repair.id),
        "description": "The press leaks oil.",
        "preferred_on": "",
    }
    form.update(values)
    return form
