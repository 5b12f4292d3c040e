"""Small helpers shared by the people tests."""

from __future__ import annotations

from sqlalchemy import func, select

from core.accounts import scoped
from core.db import Scope
from core.models import User, WebSession


async def signed_in(client) -> bool:
    return (await client.get("/")).status_code == 200


async def sessions_of(db, tenant, user_id: int) -> int:
    async with scoped(db, Scope(tenant.id)):
        return int(await db.scalar(select(func.count(WebSession.id)).where(WebSession.user_id == user_id)) or 0)


async def reload_user(db, tenant, user_id: int) -> User:
    db.expunge_all()
    async with scoped(db, Scope(tenant.id)):
        user = await db.get(User, user_id)
        assert user is not None
        return user


async def count_users(db, tenant) -> int:
    async with scoped(db, Scope(tenant.id)):
        return int(await db.scalar(select(func.count(User.id))) or 0)
