"""The vendor's contacts: validation, deactivation, portal access and the sign-in history."""

from __future__ import annotations

import re

from sqlalchemy import select

from core import CUSTOMER_ADMIN, CUSTOMER_USER, VENDOR_ADMIN
from core.accounts import scoped
from core.db import Scope
from core.models import LoginAttempt, OutboxMessage, Role
from core.people.signins import describe_browser
from core.testing import TEST_PASSWORD
from tests.core.people.helpers import count_users, reload_user, sessions_of, signed_in

CHROME_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36"
)


def _contact(customer_id: int, **changes: str) -> dict[str, str]:
    form = {
        "first_name": "Carla",
        "last_name": "Contact",
        "email": "carla@customer.test",
        "title": "Buyer",
        "phone": "+1 555 0101",
        "customer_id": str(customer_id),
        "role": CUSTOMER_USER,
        "portal_access": "1",
    }
    return {**form, **changes}


async def test_adding_a_contact_checks_every_field_and_writes_nothing_when_refused(
    login_as, tenant, customer_factory, user_factory, db
):
    site = await customer_factory(tenant, "Contact Site")
    existing = await user_factory(tenant, CUSTOMER_USER, site, email="taken@customer.test")
    admin = await login_as(await user_factory(tenant, VENDOR_ADMIN))
    before = await count_users(db, tenant)

    refusals = [
        (_contact(site.id, email="TAKEN@customer.test"), "Another user of this portal already has the email address"),
        (_contact(site.id, email="not-an-email"), "Enter a valid email address."),
        # Accepted here it could never be mailed: the outbox refuses such an address.
        (_contact(site.id, email="a,b@customer.test"), "Enter a valid email address."),
        (_contact(999999), "Choose a customer account or site from the list."),
        (_contact(site.id, role=VENDOR_ADMIN), "You cannot give the role “vendor_admin”."),
        (_contact(site.id, role="nonsense"), "You cannot give the role “nonsense”."),
        (_contact(site.id, first_name="", last_name=""), "Give the person&#39;s name."),
    ]
    for form, message in refusals:
        response = await admin.post("/admin/contacts/", form)
        assert response.status_code == 400, form
        assert message in response.text
        assert 'value="Buyer"' in response.text or not form["title"]  # the input is kept
    assert await count_users(db, tenant) == before

    created = await admin.post("/admin/contacts/", _contact(site.id))
    assert created.status_code == 302
    person_id = int(created.headers["location"].rsplit("/", 1)[1])
    person = await reload_user(db, tenant, person_id)
    assert (person.email, person.customer_id, person.title, person.password_hash) == (
        "carla@customer.test",
        site.id,
        "Buyer",
        None,
    )
    # Editing another contact to an address already in use is refused the same way.
    response = await admin.post(f"/admin/contacts/{existing.id}", _contact(site.id, email="carla@customer.test"))
    assert response.status_code == 400 and "already has the email address" in response.text
    assert (await reload_user(db, tenant, existing.id)).email == "taken@customer.test"


async def test_the_list_filters_by_name_account_role_and_status(login_as, tenant, customer_factory, user_factory, db):
    north = await customer_factory(tenant, "Filter North")
    south = await customer_factory(tenant, "Filter South")
    await user_factory(tenant, CUSTOMER_ADMIN, north, first_name="Nadia", last_name="Northway")
    sam = await user_factory(tenant, CUSTOMER_USER, south, first_name="Samir", last_name="Southby")
    staff = await user_factory(tenant, VENDOR_ADMIN, first_name="Stella", last_name="Staffer")
    admin = await login_as(staff)
    await admin.post(f"/admin/contacts/{sam.id}/deactivate")

    async def names(**params: str) -> set[str]:
        text = (await admin.get("/admin/contacts", params=params)).text.split('id="people"')
        body = text[1] if len(text) > 1 else ""
        return {name for name in ("Nadia", "Samir", "Stella") if name in body}

    assert await names() == {"Nadia", "Samir"}  # staff are never listed here
    assert await names(q="northway") == {"Nadia"}
    assert await names(customer=str(south.id)) == {"Samir"}
    async with scoped(db, Scope(tenant.id)):
        admin_role = await db.scalar(select(Role.id).where(Role.key == CUSTOMER_ADMIN))
    assert await names(role=str(admin_role)) == {"Nadia"}
    assert await names(status="inactive") == {"Samir"}
    assert await names(status="active") == {"Nadia"}
    assert (await admin.get(f"/admin/contacts/{staff.id}")).status_code == 404


async def test_deactivation_ends_sessions_at_once_and_reactivation_lets_them_back(
    login_as, tenant, customer_factory, user_factory, db
):
    site = await customer_factory(tenant, "Deactivation Site")
    contact = await user_factory(tenant, CUSTOMER_USER, site)
    browser = await login_as(contact)
    admin = await login_as(await user_factory(tenant, VENDOR_ADMIN))

    assert (await admin.post(f"/admin/contacts/{contact.id}/deactivate")).status_code == 302
    assert await sessions_of(db, tenant, contact.id) == 0
    assert not await signed_in(browser)
    assert (await browser.post("/login", {"email": contact.email, "password": TEST_PASSWORD})).status_code == 400

    await admin.post(f"/admin/contacts/{contact.id}/reactivate")
    await browser.login(contact.email)
    assert await signed_in(browser)


async def test_a_contact_without_portal_access_is_on_file_but_cannot_sign_in(
    login_as, tenant, customer_factory, user_factory, db
):
    site = await customer_factory(tenant, "Access Site")
    contact = await user_factory(tenant, CUSTOMER_USER, site)
    browser = await login_as(contact)
    admin = await login_as(await user_factory(tenant, VENDOR_ADMIN))

    await admin.post(f"/admin/contacts/{contact.id}/remove-access")
    assert await sessions_of(db, tenant, contact.id) == 0
    assert not await signed_in(browser)
    assert (await browser.post("/login", {"email": contact.email, "password": TEST_PASSWORD})).status_code == 400
    listed = (await admin.get("/admin/contacts")).text
    assert contact.email in listed and "No portal access" in listed

    await admin.post(f"/admin/contacts/{contact.id}/grant-access")
    await browser.login(contact.email)
    assert await signed_in(browser)

    # Unticking "May sign in" in the edit form does the same.
    form = _contact(site.id, email=contact.email, portal_access="")
    assert (await admin.post(f"/admin/contacts/{contact.id}", form)).status_code == 302
    assert not await signed_in(browser)
    assert (await reload_user(db, tenant, contact.id)).portal_access is False


async def test_an_admin_cannot_lock_themselves_out(login_as, tenant, customer_factory, user_factory, db):
    site = await customer_factory(tenant, "Self Site")
    me = await user_factory(tenant, CUSTOMER_ADMIN, site)
    client = await login_as(me)
    response = await client.post(f"/users/{me.id}/deactivate")
    assert response.status_code == 302
    assert "You cannot lock yourself out" in (await client.get(f"/users/{me.id}")).text
    assert (await reload_user(db, tenant, me.id)).active


async def test_the_sign_in_history_shows_time_address_browser_and_result(
    login_as, tenant, customer_factory, user_factory, client_factory, db
):
    site = await customer_factory(tenant, "History Site")
    contact = await user_factory(tenant, CUSTOMER_USER, site)
    guest = await client_factory(tenant.host or "acme.portal.test")
    headers = {"user-agent": CHROME_WINDOWS}
    await guest.post("/login", {"email": contact.email, "password": "wrong"}, headers=headers)
    await guest.post("/login", {"email": contact.email, "password": TEST_PASSWORD}, headers=headers)
    for _ in range(4):  # the rest of the account's five mistakes, then a right password refused unchecked
        await guest.post("/login", {"email": contact.email, "password": "wrong"}, headers=headers)
    await guest.post("/login", {"email": contact.email, "password": TEST_PASSWORD}, headers=headers)
    admin = await login_as(await user_factory(tenant, VENDOR_ADMIN))

    page = (await admin.get(f"/admin/contacts/{contact.id}/sign-ins")).text
    table = page.split('id="sign-ins"')[1]
    assert table.count("Chrome 124 on Windows") == 7
    results = re.findall(r"<td>(Signed in|Wrong password|Refused: too many attempts|Not finished)</td>", table)
    # newest first; a refused attempt is not called a wrong password
    assert results == ["Refused: too many attempts", *["Wrong password"] * 4, "Signed in", "Wrong password"]
    async with scoped(db, Scope(tenant.id)):
        assert await db.scalar(select(LoginAttempt.ip).where(LoginAttempt.email == contact.email)) in table


def test_browsers_are_named_the_way_people_say_them():
    assert describe_browser(CHROME_WINDOWS) == "Chrome 124 on Windows"
    edge = CHROME_WINDOWS + " Edg/123.0.2420.81"
    assert describe_browser(edge) == "Edge 123 on Windows"
    firefox = "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0"
    assert describe_browser(firefox) == "Firefox 125 on Linux"
    safari = (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Version/17.4 Mobile/15E148 Safari/604.1"
    )
    assert describe_browser(safari) == "Safari 17 on iOS"
    mac = (
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Version/17.3 Safari/605.1.15"
    )
    assert describe_browser(mac) == "Safari 17 on macOS"
    assert describe_browser("curl/8.5.0") == "curl/8.5.0"
    assert describe_browser("") == ""


async def test_an_invited_contact_chooses_a_password_and_signs_in(
    login_as, tenant, customer_factory, user_factory, client_factory, db
):
    site = await customer_factory(tenant, "Invitation Site")
    admin = await login_as(await user_factory(tenant, VENDOR_ADMIN))
    created = await admin.post("/admin/contacts/", _contact(site.id, email="ivy@customer.test"))
    person_id = int(created.headers["location"].rsplit("/", 1)[1])

    assert (await admin.post(f"/admin/contacts/{person_id}/invite")).status_code == 302
    async with scoped(db, Scope(tenant.id)):
        message = await db.scalar(select(OutboxMessage).where(OutboxMessage.event == "core.invitation"))
    assert message is not None and message.recipients == ["ivy@customer.test"]
    link = re.search(r"https?://\S+(/invite/\S+)", message.text_body)
    assert link is not None

    guest = await client_factory(tenant.host or "acme.portal.test")
    assert (await guest.get(link.group(1))).status_code == 200
    await guest.post(link.group(1), {"password": "a quiet meadow at dawn", "password2": "a quiet meadow at dawn"})
    await guest.login("ivy@customer.test", "a quiet meadow at dawn")
    assert await signed_in(guest)


async def test_no_invitation_for_someone_who_cannot_sign_in(login_as, tenant, customer_factory, user_factory, db):
    site = await customer_factory(tenant, "No Invitation Site")
    on_file = await user_factory(tenant, CUSTOMER_USER, site)
    admin = await login_as(await user_factory(tenant, VENDOR_ADMIN))
    await admin.post(f"/admin/contacts/{on_file.id}/remove-access")
    await admin.post(f"/admin/contacts/{on_file.id}/invite")
    page = (await admin.get(f"/admin/contacts/{on_file.id}")).text
    assert "no invitation was sent" in page
    async with scoped(db, Scope(tenant.id)):
        assert await db.scalar(select(OutboxMessage.id)) is None
