"""Signing in and out: sessions, CSRF, cookies, throttling."""

from __future__ import annotations

from core import VENDOR_ADMIN
from core.testing import TEST_PASSWORD


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
