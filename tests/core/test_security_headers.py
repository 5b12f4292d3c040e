"""Hardening headers on every answer.

Security issue 12, finding 7: no page had a Content-Security-Policy, nosniff or referrer policy,
and every page (an approval, a change of role) could be framed by another site.
"""

from __future__ import annotations

import re

from core import CUSTOMER_USER, VENDOR_ADMIN

NONCE = re.compile(r"'nonce-([\w-]+)'")


def policy(response) -> dict[str, str]:
    """The Content-Security-Policy's directives by name."""
    directives = (part.strip().split(" ", 1) for part in response.headers["content-security-policy"].split(";"))
    return {name: value for name, value in directives}


async def test_a_page_cannot_be_framed_and_runs_only_its_own_scripts(login_as, tenant, user_factory):
    client = await login_as(await user_factory(tenant, VENDOR_ADMIN))
    page = await client.get("/admin/roles")
    assert page.status_code == 200
    csp = policy(page)
    assert csp["frame-ancestors"] == "'none'" and page.headers["x-frame-options"] == "DENY"
    assert csp["default-src"] == "'self'" and csp["object-src"] == "'none'" and csp["base-uri"] == "'none'"
    assert csp["script-src"].startswith("'self' 'nonce-") and "unsafe" not in csp["script-src"]
    assert csp["style-src"].startswith("'self' 'nonce-") and "unsafe" not in csp["style-src"]
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["referrer-policy"] == "same-origin"
    assert "strict-transport-security" not in page.headers  # plain HTTP: cookies are not secure


async def test_every_inline_script_and_style_carries_the_nonce_of_its_own_answer(client, tenant):
    first, second = await client.get("/login"), await client.get("/login")
    nonces = [NONCE.findall(response.headers["content-security-policy"]) for response in (first, second)]
    assert len(set(nonces[0])) == 1 and len(set(nonces[1])) == 1 and nonces[0][0] != nonces[1][0]
    inline = re.findall(r"<(?:style|script)\b(?![^>]*\bsrc=)[^>]*>", first.text)
    assert inline and all(f'nonce="{nonces[0][0]}"' in tag for tag in inline), inline


async def test_static_files_errors_and_the_api_carry_the_headers_too(client, tenant):
    answers = [("/static/portico.css", 200), ("/no/such/page", 404), ("/api/v1/schema/openapi.json", 200)]
    for url, status in [*answers, ("/healthz", None)]:  # the health check's status is the database's
        response = await client.get(url)
        assert status is None or response.status_code == status, url
        assert policy(response)["frame-ancestors"] == "'none'", url
        assert response.headers["x-content-type-options"] == "nosniff", url
    refused = await client.get("/login", headers={"host": "attacker.example"})
    assert refused.status_code == 400 and policy(refused)["frame-ancestors"] == "'none'"


async def test_https_portals_tell_browsers_to_stay_on_https(portal_factory):
    portal = await portal_factory(secure_cookies=True)
    client = await portal.client(scheme="https")
    response = await client.get("/login")
    assert response.headers["strict-transport-security"] == "max-age=31536000"


async def test_a_customer_page_gets_the_same_headers(login_as, tenant, user_factory, customer_factory):
    contact = await login_as(await user_factory(tenant, CUSTOMER_USER, await customer_factory(tenant, "Globex")))
    page = await contact.get("/profile")
    assert page.status_code == 200 and policy(page)["frame-ancestors"] == "'none'"
