"""Sessions end after the idle timeout and the absolute lifetime, and on deactivation."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import update

from core import CUSTOMER_USER, VENDOR_STAFF
from core.accounts import scoped
from core.db import Scope, utcnow
from core.models import Customer, WebSession


async def _age(db, tenant, **fields) -> None:
    async with scoped(db, Scope(tenant.id)):
        await db.execute(update(WebSession).values(**fields))
        await db.commit()


async def _signed_in(client) -> bool:
    response = await client.get("/")
    return response.status_code == 200


async def test_idle_session_ends(client, tenant, user_factory, db):
    await client.login((await user_factory(tenant, VENDOR_STAFF)).email)
    await _age(db, tenant, last_seen_at=utcnow() - dt.timedelta(minutes=119))
    assert await _signed_in(client)  # still inside the 120-minute idle window (and it is refreshed)
    await _age(db, tenant, last_seen_at=utcnow() - dt.timedelta(minutes=121))
    assert not await _signed_in(client)


async def test_session_ends_after_its_lifetime_even_when_active(client, tenant, user_factory, db):
    await client.login((await user_factory(tenant, VENDOR_STAFF)).email)
    await _age(db, tenant, created_at=utcnow() - dt.timedelta(hours=24 * 7 + 1))
    assert not await _signed_in(client)


async def test_idle_timeout_is_configurable(portal_factory, db):
    portal = await portal_factory(session_idle_minutes=5)
    client = await portal.client(await portal.user(VENDOR_STAFF))
    await _age(db, portal.tenant, last_seen_at=utcnow() - dt.timedelta(minutes=6))
    assert not await _signed_in(client)


async def test_deactivating_a_customer_account_signs_its_contacts_out(
    client, tenant, customer_factory, user_factory, db
):
    site = await customer_factory(tenant, "Closing site")
    await client.login((await user_factory(tenant, CUSTOMER_USER, site)).email)
    assert await _signed_in(client)
    async with scoped(db, Scope(tenant.id)):
        await db.execute(update(Customer).where(Customer.id == site.id).values(active=False))
        await db.commit()
    assert not await _signed_in(client)
