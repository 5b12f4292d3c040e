"""Signing in and out: sessions, CSRF, cookies, throttling."""

from __future__ import annotations

import asyncio
import datetime as dt
import time

import pytest
from litestar.middleware.csrf import generate_csrf_token
from sqlalchemy import select, update

import core.auth
from core import CUSTOMER_ADMIN, CUSTOMER_USER, VENDOR_ADMIN
from core.accounts import scoped
from core.db import Scope
from core.models import LoginAttempt
from core.testing import TEST_PASSWORD

WRONG = "The email or password is not right"
LOCKED = "Too many failed sign-ins for this account"


async def test_login_shows_dashboard_and_logout_ends_session(client, tenant, user_factory):
    user = await user_factory(tenant, VENDOR_ADMIN, first_name="Ada")
    response = await client.login(user.email)
    assert response.headers["location"] == "/"
    page = await client.get("/")
    assert page.status_code == 200
    assert "Welcome, Ada." in page.text
    await client.post("/logout")
    after = await client.get("/", follow_redirects=False)
    assert after.status_code == 302
    assert after.headers["location"].startswith("/login")


async def test_wrong_password_gets_clear_message_and_keeps_email(client, tenant, user_factory):
    user = await user_factory(tenant, VENDOR_ADMIN)
    response = await client.post("/login", {"email": user.email, "password": "nope"})
    assert response.status_code == 400
    assert "The email or password is not right" in response.text
    assert f'value="{user.email}"' in response.text


async def test_unknown_email_gets_the_same_message(client, tenant):
    response = await client.post("/login", {"email": "nobody@x.test", "password": "nope"})
    assert response.status_code == 400
    assert "The email or password is not right" in response.text


async def test_session_id_is_replaced_at_login(client, tenant, user_factory):
    user = await user_factory(tenant, VENDOR_ADMIN)
    client.inner.cookies.set("portico_session", "planted-by-attacker", domain=tenant.host)
    await client.login(user.email)
    assert client.inner.cookies.get("portico_session") != "planted-by-attacker"
    assert (await client.get("/")).status_code == 200


async def test_cookies_are_httponly_and_samesite(client, tenant, user_factory):
    user = await user_factory(tenant, VENDOR_ADMIN)
    response = await client.login(user.email)
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie
    assert "secure" not in cookie


async def test_secure_cookie_flag_is_configurable(portal_factory):
    portal = await portal_factory(secure_cookies=True)
    client = await portal.client(scheme="https")
    response = await client.login((await portal.user(VENDOR_ADMIN)).email)
    assert "secure" in response.headers["set-cookie"].lower()


async def test_post_without_csrf_token_is_refused(client, tenant, user_factory):
    user = await user_factory(tenant, VENDOR_ADMIN)
    await client.get("/login")
    response = await client.post("/login", {"email": user.email, "password": TEST_PASSWORD}, csrf=False)
    assert response.status_code == 403


async def test_a_csrf_cookie_signed_with_another_secret_key_is_replaced(portal_factory):
    """After PORTICO_SECRET_KEY changes (or next to another application on the same host), a browser
    holding a CSRF cookie the key did not sign gets a new one with its next page, and its forms
    work, signing in first: they were refused (403) until the browser was closed."""
    portal = await portal_factory()
    user = await portal.user(VENDOR_ADMIN)
    client = await portal.client()
    stale = generate_csrf_token("the secret key before it changed")
    client.inner.cookies.set("csrftoken", stale, domain=portal.tenant.host)

    await client.login(user.email)

    fresh = client.inner.cookies["csrftoken"]
    assert fresh != stale
    assert "csrftoken" not in (await client.get("/")).headers.get("set-cookie", "")  # a good one is kept
    assert client.inner.cookies["csrftoken"] == fresh


async def test_failed_logins_are_throttled_per_account(client, tenant, user_factory):
    user = await user_factory(tenant, VENDOR_ADMIN)
    for _ in range(5):
        await client.post("/login", {"email": user.email, "password": "wrong"})
    response = await client.post("/login", {"email": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 400
    assert "Too many failed sign-ins for this account" in response.text


async def test_failed_logins_are_throttled_per_address(client, tenant, user_factory):
    victim = await user_factory(tenant, VENDOR_ADMIN)
    for number in range(20):
        await client.post("/login", {"email": f"guess{number}@x.test", "password": "wrong"})
    response = await client.post("/login", {"email": victim.email, "password": TEST_PASSWORD})
    assert "Too many failed sign-ins for this network address" in response.text


async def test_inactive_user_cannot_sign_in(client, tenant, user_factory, db):
    user = await user_factory(tenant, VENDOR_ADMIN)
    user = await db.merge(user)
    user.active = False
    await db.commit()
    response = await client.post("/login", {"email": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 400


async def test_next_parameter_cannot_leave_the_site(client, tenant, user_factory):
    user = await user_factory(tenant, VENDOR_ADMIN)
    await client.get("/login")
    response = await client.post("/login", {"email": user.email, "password": TEST_PASSWORD, "next": "//evil.example/"})
    assert response.headers["location"] == "/"


async def test_anonymous_page_view_redirects_to_login_with_next(client, tenant):
    response = await client.get("/profile", follow_redirects=False)
    assert response.status_code == 302
    assert response.headers["location"] == "/login?next=%2Fprofile"


async def test_refused_sign_ins_do_not_prolong_the_lock(client, tenant, user_factory, db):
    user = await user_factory(tenant, VENDOR_ADMIN)
    for _ in range(5):
        await client.post("/login", {"email": user.email, "password": "wrong"})
    for _ in range(5):  # the owner keeps trying while locked: refused, not checked
        response = await client.post("/login", {"email": user.email, "password": TEST_PASSWORD})
        assert LOCKED in response.text
    # The five wrong passwords leave the window; only they counted.
    async with scoped(db, Scope(tenant.id)):
        first = select(LoginAttempt.id).order_by(LoginAttempt.id).limit(5).scalar_subquery()
        past = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=16)
        await db.execute(update(LoginAttempt).where(LoginAttempt.id.in_(first)).values(at=past))
        await db.commit()
    await client.login(user.email)


@pytest.fixture
def slow_password_check(monkeypatch):
    """Real argon2 takes a good part of a second (the test kit hashes fast), so that parallel
    sign-ins really overlap; a right password still takes this long to check."""
    check = core.auth.verify_password

    def slow(password_hash, password):
        time.sleep(0.2)
        return check(password_hash, password)

    monkeypatch.setattr(core.auth, "verify_password", slow)


async def _parallel_sign_ins(client_factory, tenant, email: str, password: str, count: int = 20) -> list:
    browsers = [await client_factory(tenant.host) for _ in range(count)]
    for browser in browsers:
        await browser.get("/login")  # the CSRF cookie
    return list(await asyncio.gather(*(b.post("/login", {"email": email, "password": password}) for b in browsers)))


@pytest.mark.portico_commits
async def test_parallel_sign_ins_with_the_right_password_all_succeed_and_lock_nothing(
    client_factory, tenant, user_factory, slow_password_check
):
    """An office behind one address, or a reload storm: right passwords never count as failures."""
    user = await user_factory(tenant, VENDOR_ADMIN)
    neighbour = await user_factory(tenant, VENDOR_ADMIN)
    answers = await _parallel_sign_ins(client_factory, tenant, user.email, TEST_PASSWORD)
    assert [a.status_code for a in answers] == [302] * 20
    # Neither the account nor the address is locked: the full allowance of mistakes is left.
    browser = await client_factory(tenant.host)
    for _ in range(4):
        assert WRONG in (await browser.post("/login", {"email": user.email, "password": "wrong"})).text
    await browser.login(user.email)
    await (await client_factory(tenant.host)).login(neighbour.email)


@pytest.mark.portico_commits
async def test_parallel_wrong_passwords_get_no_more_checks_than_the_limit(
    client_factory, tenant, user_factory, slow_password_check
):
    user = await user_factory(tenant, VENDOR_ADMIN)
    answers = await _parallel_sign_ins(client_factory, tenant, user.email, "wrong")
    assert all(a.status_code == 400 for a in answers)
    assert sum(WRONG in a.text for a in answers) == 5
    assert sum(LOCKED in a.text for a in answers) == 15
    response = await (await client_factory(tenant.host)).post(
        "/login", {"email": user.email, "password": TEST_PASSWORD}
    )
    assert LOCKED in response.text


async def test_signing_in_while_signed_in_replaces_the_session(
    client_factory, tenant, user_factory, customer_factory, login_as
):
    """Signed in as a site's contact, the browser signs in as someone the contact cannot see."""
    parent = await customer_factory(tenant, "Northern Works")
    site = await customer_factory(tenant, "Northern Works Leeds", parent)
    other = await customer_factory(tenant, "Globex")
    contact = await user_factory(tenant, CUSTOMER_USER, site)
    others = [
        await user_factory(tenant, CUSTOMER_ADMIN, parent),
        await user_factory(tenant, CUSTOMER_USER, other),
        await user_factory(tenant, VENDOR_ADMIN),
        contact,
    ]
    for person in others:
        browser = await login_as(contact)
        old = browser.inner.cookies.get("portico_session")
        response = await browser.post("/login", {"email": person.email, "password": TEST_PASSWORD, "next": "/"})
        assert response.status_code == 302, response.text
        assert person.email in (await browser.get("/profile")).text
        stale = await client_factory(tenant.host)
        stale.inner.cookies.set("portico_session", old, domain=tenant.host)
        assert (await stale.get("/profile")).status_code == 302  # the old session ended
    # None of these sign-ins counts against the contact's allowance of mistakes.
    browser = await client_factory(tenant.host)
    for _ in range(4):
        await browser.post("/login", {"email": contact.email, "password": "wrong"})
    await browser.login(contact.email)
