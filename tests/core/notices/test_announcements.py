"""Announcements: to everyone or chosen accounts, "new" until seen, edited, withdrawn, expired."""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import select

from core import VENDOR_ADMIN
from core.accounts import scoped
from core.db import Scope, utcnow
from core.notices.models import Announcement

NEWS_CARD = re.compile(r'data-widget="core\.news">(.*?)</section>', re.S)


def news_card(html: str) -> str:
    found = NEWS_CARD.search(html)
    assert found, "no News card on the dashboard"
    return found.group(1)


async def _publish(client, title, body="Some news.", customers=(), until=""):
    data = {"title": title, "body": body, "publish_until": until, "audience": "chosen" if customers else "all"}
    if customers:
        data["customer_ids"] = [str(c.id) for c in customers]
    return await client.post("/admin/notices/announcements", data)


async def _announcement(db, tenant, title) -> Announcement:
    async with scoped(db, Scope(tenant.id)):
        return await db.scalar(
            select(Announcement).where(Announcement.title == title).execution_options(populate_existing=True)
        )


async def test_news_is_new_until_the_list_or_the_item_is_opened(accounts, tenant, login_as, db):
    staff = await login_as(accounts.staff)
    assert (await _publish(staff, "Second anodizing line", body="Line one\nLine two")).status_code == 302
    assert (await _publish(staff, "Holiday hours")).status_code == 302

    north = await login_as(accounts.north_contact)
    card = news_card((await north.get("/")).text)
    assert "Second anodizing line" in card and "Holiday hours" in card and card.count(">new<") == 2

    holiday = await _announcement(db, tenant, "Holiday hours")
    assert (await north.get(f"/announcements/{holiday.id}")).status_code == 200
    assert news_card((await north.get("/")).text).count(">new<") == 1

    listing = (await north.get("/announcements")).text
    assert listing.count(">new<") == 1 and "Line one<br>Line two" in listing  # shown once more, then cleared
    assert ">new<" not in news_card((await north.get("/")).text)
    assert ">new<" not in (await north.get("/announcements")).text

    south = await login_as(accounts.south_contact)  # read state is per user
    assert news_card((await south.get("/")).text).count(">new<") == 2


async def test_chosen_accounts_and_their_sites_see_it_and_no_one_else(accounts, tenant, login_as, db):
    staff = await login_as(accounts.staff)
    await _publish(staff, "North inspection", customers=[accounts.north])
    await _publish(staff, "Globex group news", customers=[accounts.parent])
    inspection = await _announcement(db, tenant, "North inspection")

    north = await login_as(accounts.north_contact)
    page = (await north.get("/announcements")).text
    assert "North inspection" in page and "Globex group news" in page

    south = await login_as(accounts.south_contact)
    page = (await south.get("/announcements")).text
    assert "Globex group news" in page and "North inspection" not in page
    assert (await south.get(f"/announcements/{inspection.id}")).status_code == 404
    assert "North inspection" not in news_card((await south.get("/")).text)

    listing = (await staff.get("/admin/notices/announcements")).text
    assert "Globex North Plant" in listing and "Globex Corporation" in listing


async def test_staff_edit_and_withdraw(accounts, tenant, login_as, db):
    staff = await login_as(accounts.staff)
    await _publish(staff, "Typo in tilte")
    announcement = await _announcement(db, tenant, "Typo in tilte")
    form = (await staff.get(f"/admin/notices/announcements/{announcement.id}")).text
    assert 'value="Typo in tilte"' in form
    saved = await staff.post(
        f"/admin/notices/announcements/{announcement.id}",
        {
            "title": "Fixed title",
            "body": "Better text.",
            "audience": "chosen",
            "customer_ids": [str(accounts.south.id)],
        },
    )
    assert saved.status_code == 302
    north = await login_as(accounts.north_contact)
    south = await login_as(accounts.south_contact)
    assert "Fixed title" not in (await north.get("/announcements")).text
    assert "Fixed title" in (await south.get("/announcements")).text

    withdrawn = await staff.post(f"/admin/notices/announcements/{announcement.id}/withdraw")
    assert withdrawn.status_code == 302
    assert "Fixed title" not in (await south.get("/announcements")).text
    assert (await south.get(f"/announcements/{announcement.id}")).status_code == 404
    assert "Withdrawn" in (await staff.get("/admin/notices/announcements")).text


async def test_an_announcement_disappears_after_its_date(accounts, tenant, login_as, db):
    staff = await login_as(accounts.staff)
    tomorrow = (utcnow().date() + dt.timedelta(days=1)).isoformat()
    assert (await _publish(staff, "Flash sale", until=tomorrow)).status_code == 302
    north = await login_as(accounts.north_contact)
    assert "Flash sale" in (await north.get("/announcements")).text
    async with scoped(db, Scope(tenant.id)):
        row = await db.scalar(select(Announcement).where(Announcement.title == "Flash sale"))
        row.publish_until = utcnow().date() - dt.timedelta(days=1)
        await db.commit()
    assert "Flash sale" not in (await north.get("/announcements")).text
    assert "Expired" in (await staff.get("/admin/notices/announcements")).text


async def test_bad_announcements_show_the_form_again(accounts, tenant, login_as, db):
    staff = await login_as(accounts.staff)
    empty = await staff.post("/admin/notices/announcements", {"title": "", "body": "", "audience": "all"})
    assert empty.status_code == 400
    assert "Give the announcement a title." in empty.text and "Write the announcement." in empty.text
    bad_date = await _publish(staff, "Dated", until="31.12.2027")
    assert bad_date.status_code == 400 and "Enter the date as YYYY-MM-DD" in bad_date.text
    past = await _publish(staff, "Dated", until="2001-01-01")
    assert past.status_code == 400 and "Choose today or a later date" in past.text
    nobody = await staff.post("/admin/notices/announcements", {"title": "T", "body": "B", "audience": "chosen"})
    assert nobody.status_code == 400 and "Choose at least one customer account" in nobody.text
    stranger = await staff.post(
        "/admin/notices/announcements", {"title": "T", "body": "B", "audience": "chosen", "customer_ids": "999999"}
    )
    assert stranger.status_code == 400 and "Choose the customer accounts from the list." in stranger.text
    async with scoped(db, Scope(tenant.id)):
        assert (await db.scalar(select(Announcement))) is None


async def test_customers_cannot_publish_and_other_vendors_cannot_touch(
    accounts, tenant, tenant_factory, user_factory, login_as, db
):
    staff = await login_as(accounts.staff)
    await _publish(staff, "Acme private news")
    announcement = await _announcement(db, tenant, "Acme private news")
    north = await login_as(accounts.north_contact)
    assert (await _publish(north, "Fake news")).status_code == 403

    other = await tenant_factory("other", "Other Vendor", "other.portal.test")
    intruder = await login_as(await user_factory(other, VENDOR_ADMIN))
    assert "Acme private news" not in (await intruder.get("/announcements")).text
    assert (await intruder.get(f"/announcements/{announcement.id}")).status_code == 404
    assert (await intruder.get(f"/admin/notices/announcements/{announcement.id}")).status_code == 404
    assert (await intruder.post(f"/admin/notices/announcements/{announcement.id}/withdraw")).status_code == 404
    assert (await _announcement(db, tenant, "Acme private news")).withdrawn_at is None
