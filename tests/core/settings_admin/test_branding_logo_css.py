"""Branding: the uploaded logo (checked by its bytes, served per vendor) and custom CSS checks."""

from __future__ import annotations

import re

import pytest

from core import VENDOR_ADMIN, VENDOR_STAFF
from core.models import Tenant
from core.settings_admin.css import check_custom_css
from core.storage import StorageError
from tests.core.settings_admin.images import GIF, SVG, png

BRANDING = {"portal_name": "Acme Hub", "primary_color": "#1f5fa8", "language": "en", "date_format": "%Y-%m-%d"}
LOGO_SRC = re.compile(r'<img src="(/branding/logo/[0-9a-f]+)"')


async def _upload(client, data: bytes, name: str = "logo.png", content_type: str = "image/png", **fields):
    return await client.post("/admin/branding", {**BRANDING, **fields}, files={"logo_file": (name, data, content_type)})


async def _logo_address(client) -> str | None:
    found = LOGO_SRC.search((await client.get("/")).text)
    return found.group(1) if found else None


async def test_an_uploaded_logo_is_served_with_its_type_and_cache_headers(client, tenant, user_factory, db, portico):
    admin = await user_factory(tenant, VENDOR_ADMIN)
    await client.login(admin.email)
    image = png()
    assert (await _upload(client, image)).status_code == 302
    address = await _logo_address(client)
    assert address is not None
    served = await client.get(address)
    assert served.status_code == 200 and served.content == image
    assert served.headers["content-type"] == "image/png"
    assert "immutable" in served.headers["cache-control"] and served.headers["x-content-type-options"] == "nosniff"
    await client.post("/logout")
    assert address in (await client.get("/login")).text  # the sign-in page shows it too
    assert (await client.get(address)).status_code == 200  # and serves it to visitors not signed in
    await client.login(admin.email)

    # A new upload gets a new address (browsers cached the old one for good); the old one is gone.
    assert (await _upload(client, GIF, name="logo.gif", content_type="image/gif")).status_code == 302
    second = await _logo_address(client)
    assert second and second != address
    assert (await client.get(address)).status_code == 404
    gif = await client.get(second)
    assert gif.headers["content-type"] == "image/gif" and gif.content == GIF

    # Saving the other fields keeps the logo; "remove" drops it and its file.
    assert (await client.post("/admin/branding", {**BRANDING, "welcome_text": "Hi"})).status_code == 302
    assert await _logo_address(client) == second
    row = await db.get(Tenant, tenant.id, populate_existing=True)
    key = row.branding["logo_key"]
    assert (await client.post("/admin/branding", {**BRANDING, "remove_logo": "1"})).status_code == 302
    assert await _logo_address(client) is None
    assert (await client.get(second)).status_code == 404
    with pytest.raises(StorageError):
        await portico.storage.read(key)


@pytest.mark.parametrize(
    ("data", "name", "content_type", "message"),
    [
        (SVG, "logo.svg", "image/svg+xml", "must be a PNG, JPEG, GIF or WebP image"),
        (SVG, "logo.png", "image/png", "must be a PNG, JPEG, GIF or WebP image"),  # the name and type lie
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * (1024 * 1024), "big.png", "image/png", "at most 1 MB"),
    ],
)
async def test_a_logo_that_is_not_a_small_raster_image_is_refused(
    client, tenant, user_factory, db, data, name, content_type, message
):
    await client.login((await user_factory(tenant, VENDOR_ADMIN)).email)
    response = await _upload(client, data, name=name, content_type=content_type, welcome_text="Kept text")
    assert response.status_code == 400
    assert message in response.text and "Kept text" in response.text  # the form keeps what was typed
    row = await db.get(Tenant, tenant.id, populate_existing=True)
    assert not (row.branding or {}).get("logo_key")  # nothing saved


async def test_a_vendors_logo_is_not_served_on_another_vendors_address(
    client, client_factory, tenant, tenant_factory, user_factory
):
    await client.login((await user_factory(tenant, VENDOR_ADMIN)).email)
    await _upload(client, png())
    address = await _logo_address(client)
    other = await tenant_factory("globex")
    stranger = await client_factory(other.host)
    assert (await stranger.get(address)).status_code == 404


async def test_staff_without_the_branding_permission_cannot_upload(client, tenant, user_factory, db):
    await client.login((await user_factory(tenant, VENDOR_STAFF)).email)
    assert (await _upload(client, png())).status_code == 403
    row = await db.get(Tenant, tenant.id, populate_existing=True)
    assert not (row.branding or {}).get("logo_key")


@pytest.mark.parametrize(
    ("css", "message"),
    [
        ("body{}</style><script>alert(1)</script>", "cannot contain “<”"),
        ('@import url("https://evil.example/x.css");', "cannot use @import"),
        ("@\\69mport 'https://evil.example/x.css';", "cannot use @import"),  # escaped at-keyword
        ("body { background: url(https://evil.example/t.png) }", "only use url() with a path on this site"),
        ('body { background: url("//evil.example/t.png") }', "only use url() with a path on this site"),
        ('body { background: image-set("https://evil.example/t.png" 1x) }', "only use url() with a path"),
        ("body { background: url(javascript:alert(1)) }", "Custom CSS"),
        ("a { width: expression(alert(1)) }", "cannot use expression"),
        ("a { behavior: url(/x.htc) }", "cannot use behavior"),
    ],
)
def test_unsafe_custom_css_is_refused_with_a_reason(css, message):
    _, problem = check_custom_css(css)
    assert problem is not None and message in problem


@pytest.mark.parametrize(
    "css",
    [
        "body { color: #333 } .topbar { border-color: red }",
        "@media (max-width: 600px) { .links { display: none } }",
        ".brand { background: url(/static/pattern.png) no-repeat }",
        "h1::after { content: 'a > b' }",
    ],
)
def test_ordinary_custom_css_is_accepted(css):
    assert check_custom_css(css) == (css, None)


async def test_custom_css_that_would_break_out_is_refused_and_never_reaches_a_page(client, tenant, user_factory, db):
    await client.login((await user_factory(tenant, VENDOR_ADMIN)).email)
    attack = "body { color: red } </style><script>alert(1)</script>"
    refused = await client.post("/admin/branding", {**BRANDING, "custom_css": attack})
    assert refused.status_code == 400 and "Custom CSS cannot contain “&lt;”." in refused.text
    assert "</style><script>" not in refused.text  # shown escaped in the textarea only
    dashboard = (await client.get("/")).text
    assert "</style><script>" not in dashboard and "alert(1)" not in dashboard
    imported = await client.post("/admin/branding", {**BRANDING, "custom_css": "@import 'https://evil.example/a.css';"})
    assert imported.status_code == 400 and "cannot use @import" in imported.text
    fine = await client.post("/admin/branding", {**BRANDING, "custom_css": ".brand { font-weight: 700 }"})
    assert fine.status_code == 302
    shown = (await client.get("/")).text
    assert re.search(r'<style id="custom-css" nonce="[\w-]+">\.brand \{ font-weight: 700 \}</style>', shown)
