"""A vendor with a parent customer, two sites, a contact at each and a staff member."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest_asyncio

from core import CUSTOMER_ADMIN, CUSTOMER_USER, VENDOR_STAFF, Customer, User

BADGE = re.compile(
    r'data-menu="core\.notices_messages"[^>]*>\s*<span class="label">[^<]*</span>\s*'
    r'(?:<span class="badge">(\d+)</span>)?'
)


@dataclass
class Accounts:
    parent: Customer
    north: Customer
    south: Customer
    staff: User
    buyer: User  # a contact of the parent account
    north_contact: User
    south_contact: User


@pytest_asyncio.fixture(loop_scope="session")
async def accounts(tenant: Any, customer_factory: Any, user_factory: Any) -> Accounts:
    parent = await customer_factory(tenant, "Globex Corporation")
    north = await customer_factory(tenant, "Globex North Plant", parent)
    south = await customer_factory(tenant, "Globex South Plant", parent)
    return Accounts(
        parent,
        north,
        south,
        await user_factory(tenant, VENDOR_STAFF, first_name="Sam", last_name="Staff"),
        await user_factory(tenant, CUSTOMER_ADMIN, parent, first_name="Grace"),
        await user_factory(tenant, CUSTOMER_ADMIN, north, first_name="Nora"),
        await user_factory(tenant, CUSTOMER_USER, south, first_name="Sid"),
    )


def unread_badge(html: str) -> int:
    """The number on the Messages menu entry (0 without a badge)."""
    found = BADGE.search(html)
    assert found, "no Messages entry in the menu"
    return int(found.group(1) or 0)
