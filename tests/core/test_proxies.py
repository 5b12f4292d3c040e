"""``X-Forwarded-For`` counts only from the proxies the deployment names.

Security issue 12, finding 11: ``portico serve`` believed X-Forwarded-For from 127.0.0.1 (uvicorn's
default), so a visitor reaching the server through any local hop chose the address that sign-in
throttling and the sign-in history see.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator

import httpx
import pytest
import uvicorn
from sqlalchemy import select

from core import VENDOR_ADMIN
from core.accounts import scoped
from core.cli import server_config
from core.db import Scope
from core.models import LoginAttempt
from core.settings import Settings

pytestmark = pytest.mark.portico_commits  # a real server, with connections of its own


@contextlib.asynccontextmanager
async def serving(app, settings: Settings) -> AsyncIterator[str]:
    """The app served as ``portico serve`` serves it, on a free loopback port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    config = server_config(app, settings, "127.0.0.1", port)
    config.log_level = "warning"
    server = uvicorn.Server(config)
    task = asyncio.get_running_loop().create_task(server.serve())
    try:
        for _ in range(200):
            if server.started:
                break
            await asyncio.sleep(0.025)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


async def failed_sign_in_from(base: str, email: str, forwarded_for: str) -> None:
    async with httpx.AsyncClient(base_url=base) as client:
        page = await client.get("/login")
        token = page.text.split('name="_csrf_token" value="', 1)[1].split('"', 1)[0]
        response = await client.post(
            "/login",
            data={"_csrf_token": token, "email": email, "password": "not the password"},
            headers={"x-forwarded-for": forwarded_for},
        )
        assert response.status_code == 400, response.text[:300]


async def recorded_addresses(db, tenant) -> list[str]:
    async with scoped(db, Scope(tenant.id)):
        return list((await db.execute(select(LoginAttempt.ip).order_by(LoginAttempt.id))).scalars())


async def test_forwarded_addresses_are_ignored_unless_the_proxy_is_trusted(app, portico, tenant, user_factory, db):
    admin = await user_factory(tenant, VENDOR_ADMIN)
    async with serving(app, portico.settings) as base:  # PORTICO_TRUSTED_PROXIES unset
        await failed_sign_in_from(base, admin.email, "203.0.113.7")
    assert await recorded_addresses(db, tenant) == ["127.0.0.1"]

    async with serving(app, Settings(trusted_proxies=("127.0.0.1",))) as base:
        await failed_sign_in_from(base, admin.email, "198.51.100.9")
    assert await recorded_addresses(db, tenant) == ["127.0.0.1", "198.51.100.9"]


def test_trusted_proxies_are_addresses_or_networks():
    assert Settings.from_env({"PORTICO_TRUSTED_PROXIES": "10.0.0.5, 172.16.0.0/12"}).trusted_proxies == (
        "10.0.0.5",
        "172.16.0.0/12",
    )
    assert Settings.from_env({}).trusted_proxies == ()
    with pytest.raises(ValueError, match="PORTICO_TRUSTED_PROXIES"):
        Settings(trusted_proxies=("*",))
