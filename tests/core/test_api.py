"""The integration API: per-tenant bearer tokens, OpenAPI, and clear 4xx answers."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from litestar import get, post
from litestar.params import JSONBody

from core import VENDOR_ADMIN, Permission


@dataclass
class Part:
    number: str
    quantity: int


@get("/api/v1/parts", opt={"permission": "parts.read"}, sync_to_thread=False)
def list_parts() -> list[dict[str, str]]:
    return [{"number": "P-100"}]


@post("/api/v1/parts", opt={"permission": "parts.write"}, sync_to_thread=False)
def create_part(data: JSONBody[Part]) -> dict[str, object]:
    return {"number": data.number, "quantity": data.quantity}


@pytest.fixture
def portico_extra_plugins(throwaway_plugin):
    return [
        throwaway_plugin(
            "parts",
            portico_permissions=lambda: [
                Permission("parts.read", "Read parts", default_roles=(VENDOR_ADMIN,), audience="staff"),
                Permission("parts.write", "Write parts", default_roles=(VENDOR_ADMIN,), audience="staff"),
            ],
            portico_routes=lambda: [list_parts, create_part],
        )
    ]


async def make_token(client, name: str, *permissions: str) -> str:
    response = await client.post("/admin/api-tokens", {"name": name, "permission": list(permissions)})
    assert response.status_code == 302, response.text
    page = (await client.get("/admin/api-tokens")).text
    secret = re.search(r'<code class="secret">([^<]+)</code>', page).group(1)
    assert secret not in (await client.get("/admin/api-tokens")).text  # shown once only
    return secret


@pytest.fixture
async def admin(client, tenant, user_factory):
    await client.login((await user_factory(tenant, VENDOR_ADMIN)).email)
    return client


async def test_token_made_in_the_admin_area_reads_and_writes(admin, client_factory, tenant):
    secret = await make_token(admin, "ERP", "parts.read", "parts.write")
    erp = await client_factory(tenant.host)
    headers = {"authorization": f"Bearer {secret}"}
    assert (await erp.get("/api/v1/parts", headers=headers)).json() == [{"number": "P-100"}]
    created = await erp.inner.post("/api/v1/parts", json={"number": "P-2", "quantity": 3}, headers=headers)
    assert created.status_code == 201 and created.json() == {"number": "P-2", "quantity": 3}
    page = (await admin.get("/admin/api-tokens")).text
    assert "ERP" in page and secret not in page  # the secret is shown once only
    assert "never" not in page  # last use is recorded


async def test_bad_payload_gets_a_400_saying_what_is_wrong(admin, client_factory, tenant):
    secret = await make_token(admin, "ERP", "parts.write")
    erp = await client_factory(tenant.host)
    response = await erp.inner.post(
        "/api/v1/parts", json={"number": "P-2", "quantity": "lots"}, headers={"authorization": f"Bearer {secret}"}
    )
    assert response.status_code == 400
    body = response.json()
    assert "quantity" in str(body["extra"])


async def test_missing_wrong_or_revoked_token_is_401_json(admin, client_factory, tenant, db):
    erp = await client_factory(tenant.host)
    missing = await erp.get("/api/v1/parts")
    assert missing.status_code == 401 and "Bearer" in missing.json()["detail"]
    assert (await erp.get("/api/v1/parts", headers={"authorization": "Bearer ptk_nope"})).status_code == 401
    secret = await make_token(admin, "Old", "parts.read")
    from sqlalchemy import select

    from core.accounts import scoped
    from core.db import Scope
    from core.models import ApiToken

    async with scoped(db, Scope(tenant.id)):
        token_id = await db.scalar(select(ApiToken.id).where(ApiToken.name == "Old"))
    assert (await admin.post(f"/admin/api-tokens/{token_id}/revoke")).status_code == 302
    revoked = await erp.get("/api/v1/parts", headers={"authorization": f"Bearer {secret}"})
    assert revoked.status_code == 401


async def test_token_without_the_permission_is_403(admin, client_factory, tenant):
    secret = await make_token(admin, "Reader", "parts.read")
    erp = await client_factory(tenant.host)
    response = await erp.inner.post(
        "/api/v1/parts", json={"number": "P", "quantity": 1}, headers={"authorization": f"Bearer {secret}"}
    )
    assert response.status_code == 403
    assert "parts.write" in response.json()["detail"]


async def test_a_token_works_only_for_its_own_vendor(admin, client_factory, tenant_factory, tenant):
    secret = await make_token(admin, "ERP", "parts.read")
    other = await tenant_factory("other")
    stranger = await client_factory(other.host)
    assert (await stranger.get("/api/v1/parts", headers={"authorization": f"Bearer {secret}"})).status_code == 401


async def test_a_signed_in_browser_cannot_use_the_api_with_its_cookie(admin):
    """The API skips CSRF, so it must not accept the session cookie at all."""
    response = await admin.inner.post("/api/v1/parts", json={"number": "X", "quantity": 1})
    assert response.status_code == 401


async def test_token_creation_refuses_bad_input_and_keeps_it(admin):
    response = await admin.post("/admin/api-tokens", {"name": "", "permission": ["parts.read"]})
    assert response.status_code == 400 and "Give the token a name" in response.text
    assert 'value="parts.read" checked' in response.text
    none = await admin.post("/admin/api-tokens", {"name": "ERP"})
    assert none.status_code == 400 and "at least one permission" in none.text
    customer_only = await admin.post("/admin/api-tokens", {"name": "X", "permission": ["core.contact"]})
    assert customer_only.status_code == 400 and "cannot hold" in customer_only.text


async def test_openapi_schema_lists_the_api_and_not_the_pages(client):
    schema = (await client.get("/api/v1/schema/openapi.json")).json()
    assert "/api/v1/parts" in schema["paths"]
    assert "/login" not in schema["paths"] and "/" not in schema["paths"]
    assert schema["components"]["securitySchemes"]["BearerToken"]["scheme"] == "bearer"


async def test_a_nul_character_in_payload_text_is_a_400_naming_the_field(admin, client_factory, tenant):
    # PostgreSQL cannot store it in a text column: the write was a 500 there.
    secret = await make_token(admin, "ERP", "parts.write")
    erp = await client_factory(tenant.host)
    response = await erp.inner.post(
        "/api/v1/parts", json={"number": "P\x002", "quantity": 3}, headers={"authorization": f"Bearer {secret}"}
    )
    assert response.status_code == 400 and response.json()["extra"][0]["key"] == "number", response.text
