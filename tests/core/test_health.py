"""GET /healthz: 200 with the database up, 503 when it cannot be reached."""

from __future__ import annotations

from core.app import create_app
from core.testing import PortalClient


async def test_health_is_ok_with_the_database_up(client):
    response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"


async def test_health_is_503_when_the_database_is_down(make_portico):
    portico = await make_portico()
    portico.engine = __import__("core.db", fromlist=["make_engine"]).make_engine(
        "postgresql+asyncpg://nobody@127.0.0.1:9/none"
    )
    client = PortalClient.for_app(create_app(portico=portico), "any.host")
    async with client.inner:
        response = await client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
