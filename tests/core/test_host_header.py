"""The Host header only selects a vendor among the hosts the deployment knows; it never makes a link.

Security issue 12, finding 1: the password reset link was built from the request's Host, so
``Host: acme.localhost:@attacker.example`` (or any host, with one vendor) mailed the vendor admin a
link to the attacker's server.
"""

from __future__ import annotations

import re

import pytest

from core import VENDOR_ADMIN
from core.accounts import create_tenant
from core.hosts import parse_host, portal_origin
from core.models import Tenant
from core.settings import Settings
from core.testing import PortalClient, deliver_mail

RESET_LINK = re.compile(r"\S+/password/reset/[\w-]+")


def links_in(message) -> list[str]:
    return RESET_LINK.findall(message.get_body(("plain",)).get_content())


async def test_a_reset_asked_for_through_any_host_links_to_the_vendors_configured_host(
    client, tenant, user_factory, smtp_server, portico
):
    # Hosts that do reach Acme's portal, none of them the host configured for it.
    hosts = ["acme.portal.test:8443", "ACME.Portal.Test.", "acme.localhost:8000", "localhost", "127.0.0.1:8000"]
    admins = {host: await user_factory(tenant, VENDOR_ADMIN) for host in hosts}
    for host, admin in admins.items():
        response = await client.post("/password/forgot", {"email": admin.email}, headers={"host": host})
        assert response.status_code == 200, host
    await deliver_mail(portico)
    for host, admin in admins.items():
        [message] = smtp_server.to(admin.email)
        links = links_in(message)
        assert links and all(link.startswith("http://acme.portal.test/password/reset/") for link in links), host


HOSTILE = [
    "acme.portal.test:@attacker.example",  # userinfo: everything before the first ":" is Acme's host
    "acme.localhost:@attacker.example",
    "attacker.example",  # with one vendor, any host used to serve it
    "acme.attacker.example",
    "acme.portal.test:abc",  # a port that is no number answered 500
    "acme.portal.test:0",
    "acme.portal.test:65536",
    "acme.portal.test:443:443",
    "acme.portal.test/evil",
    "acme.portal.test\\evil",
    "-acme.portal.test",
    "[::1",
    "",
]


async def test_a_malformed_or_unknown_host_is_refused_and_mails_nothing(
    client, tenant, user_factory, smtp_server, portico
):
    admin = await user_factory(tenant, VENDOR_ADMIN)
    for host in HOSTILE:
        response = await client.post("/password/forgot", {"email": admin.email}, headers={"host": host})
        assert response.status_code == 400, host
        assert (await client.get("/login", headers={"host": host})).status_code == 400, host
    assert (await client.get("/login")).status_code == 200
    await deliver_mail(portico)
    assert smtp_server.messages == []


async def test_two_host_headers_are_refused(app, tenant):
    client = PortalClient.for_app(app, tenant.host)
    async with client.inner:
        response = await client.get("/login", headers=[("host", tenant.host), ("host", "attacker.example")])
    assert response.status_code == 400


async def test_the_default_vendor_is_served_at_the_base_url_and_on_localhost_only(make_portico, db):
    portico = await make_portico(default_tenant="beta", base_url="https://portal.example.com")
    await create_tenant(db, portico.plugins, "acme", "Acme Parts", "acme.portal.test")
    await create_tenant(db, portico.plugins, "beta", "Beta Tools")
    await db.commit()
    from core.app import create_app

    app = create_app(portico=portico)
    for host, served in [
        ("portal.example.com", "Beta Tools"),
        ("localhost:8000", "Beta Tools"),
        ("[::1]:8000", "Beta Tools"),
        ("acme.portal.test", "Acme Parts"),
        ("beta.localhost", "Beta Tools"),
        ("attacker.example", None),
        ("acme.portal.example.com", None),  # no base domain is configured
    ]:
        client = PortalClient.for_app(app, "portal.example.com", scheme="https")
        async with client.inner:
            response = await client.get("/login", headers={"host": host})
        if served is None:
            assert response.status_code == 400 and "No portal is served at this address." in response.text, host
        else:
            assert response.status_code == 200 and served in response.text, host


def test_links_come_from_configuration_only():
    acme = Tenant(slug="acme", name="Acme", host="portal.acme.com")
    beta = Tenant(slug="beta", name="Beta", host=None)
    assert portal_origin(Settings(), acme) == "http://portal.acme.com"
    assert portal_origin(Settings(secure_cookies=True), acme) == "https://portal.acme.com"
    assert portal_origin(Settings(), beta) == "http://beta.localhost"
    assert portal_origin(Settings(base_domain="portal.example"), beta) == "http://beta.portal.example"
    base = Settings(base_url="https://portal.example.com:8443/")
    assert portal_origin(base, acme) == "https://portal.acme.com:8443"
    assert portal_origin(base, beta) == "https://portal.example.com:8443"
    assert portal_origin(Settings(base_url="http://[::1]:8000"), beta) == "http://[::1]:8000"


@pytest.mark.parametrize(
    "bad",
    ["portal.example.com", "ftp://portal.example.com", "https://me@portal.example.com", "https://portal.example.com/x",
     "https://portal.example.com:abc", "https://portal.example.com?x=1"],
)  # fmt: skip
def test_a_base_url_that_is_not_an_origin_is_refused_at_start(bad):
    with pytest.raises(ValueError, match="PORTICO_BASE_URL"):
        Settings(base_url=bad)


def test_host_names_are_parsed_strictly():
    assert parse_host("Acme.Portal.Test.:8000") == "acme.portal.test"
    assert parse_host("[::1]:80") == "::1"
    assert parse_host("127.0.0.1") == "127.0.0.1"
    assert [h for h in HOSTILE if parse_host(h) is not None] == ["attacker.example", "acme.attacker.example"]
