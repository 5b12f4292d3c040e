"""Starting and answering discussions, unread marking, archiving, emails and validation."""

from __future__ import annotations

import re

from sqlalchemy import delete, select

from core import CUSTOMER_USER, VENDOR_ADMIN
from core.discussions.models import DiscussionParticipant
from core.models import Role, RolePermission
from core.tenancy import bump_config_version
from tests.core.discussions.conftest import recipients_of, reply_emails, start


def subjects(html: str) -> list[str]:
    return re.findall(r'<a href="/discussions/\d+">([^<]+)</a>', html)


def unread_subjects(html: str) -> list[str]:
    return re.findall(r'<strong><a href="/discussions/\d+">([^<]+)</a></strong>', html)


def badge(html: str) -> str | None:
    found = re.search(r'data-menu="core.discussions">.*?(?:<span class="badge">(\d+)</span>)?\s*</a>', html, re.S)
    return found.group(1) if found else None


async def test_a_contact_starts_a_thread_and_staff_answer_it(shop, login_as, db):
    nora = await login_as(shop.nora)
    thread = await start(nora, subject="Pump seals", participant=[str(shop.ned.id)], staff_group="1")

    first = await reply_emails(db)
    # Everyone in the thread hears of it, one email each, except the author.
    assert recipients_of(first) == sorted([shop.ned.email, shop.ada.email, shop.sam.email])
    assert all(len(m.recipients) == 1 for m in first)
    assert "Nora North" in first[0].subject and "Pump seals" in first[0].subject
    assert "The seals leak again." in first[0].text_body and f"/discussions/{thread}" in first[0].text_body

    sam = await login_as(shop.sam)
    listing = (await sam.get("/discussions")).text
    assert unread_subjects(listing) == ["Pump seals"] and badge(listing) == "1"
    detail = await sam.get(f"/discussions/{thread}")
    assert detail.status_code == 200 and "The seals leak again." in detail.text and "Globex North Plant" in detail.text
    for name in ("Nora North", "Ned North", "Ada Admin", "Sam Staff"):
        assert name in detail.text
    listing = (await sam.get("/discussions")).text
    assert unread_subjects(listing) == [] and subjects(listing) == ["Pump seals"] and badge(listing) is None

    replied = await sam.post(f"/discussions/{thread}/reply", {"body": "New seals ship <b>today</b>."})
    assert replied.status_code == 302
    second = (await reply_emails(db))[len(first) :]
    assert recipients_of(second) == sorted([shop.nora.email, shop.ned.email, shop.ada.email])

    page = (await nora.get("/discussions")).text
    assert unread_subjects(page) == ["Pump seals"] and badge(page) == "1"
    opened = (await nora.get(f"/discussions/{thread}")).text
    assert "New seals ship &lt;b&gt;today&lt;/b&gt;." in opened and "<b>today</b>" not in opened
    assert badge(opened) is None  # read as soon as it is opened


async def test_archiving_hides_a_thread_until_someone_else_replies(shop, login_as, db):
    nora = await login_as(shop.nora)
    thread = await start(nora, subject="Quarterly review", staff_group="1")
    assert (await nora.post(f"/discussions/{thread}/archive", {"archived": "1"})).status_code == 302
    assert "Quarterly review" not in subjects((await nora.get("/discussions")).text)
    assert subjects((await nora.get("/discussions?show=archived")).text) == ["Quarterly review"]

    sam = await login_as(shop.sam)
    await sam.post(f"/discussions/{thread}/archive", {"archived": "1"})
    await sam.post(f"/discussions/{thread}/reply", {"body": "Monday at 10?"})
    # The reply brings the thread back to the others' lists, unread; its author's archive stays.
    back = (await nora.get("/discussions")).text
    assert unread_subjects(back) == ["Quarterly review"]
    assert subjects((await nora.get("/discussions?show=archived")).text) == []
    assert subjects((await sam.get("/discussions?show=archived")).text) == ["Quarterly review"]
    assert "Quarterly review" not in subjects((await sam.get("/discussions")).text)

    await nora.post(f"/discussions/{thread}/archive", {"archived": "1"})
    await nora.post(f"/discussions/{thread}/archive", {"archived": "0"})
    assert "Quarterly review" in subjects((await nora.get("/discussions")).text)


async def test_filters_and_search(shop, login_as):
    nora = await login_as(shop.nora)
    await start(nora, subject="Invoice 100% wrong", staff_group="1")
    await start(nora, subject="Drawing revision", staff_group="1")
    assert subjects((await nora.get("/discussions?q=drawing")).text) == ["Drawing revision"]
    assert subjects((await nora.get("/discussions?q=100%25")).text) == ["Invoice 100% wrong"]
    assert subjects((await nora.get("/discussions?q=_")).text) == []  # no wildcards
    assert subjects((await nora.get("/discussions?show=unread")).text) == []  # her own posts are read
    sam = await login_as(shop.sam)
    assert sorted(subjects((await sam.get("/discussions?show=unread")).text)) == [
        "Drawing revision",
        "Invoice 100% wrong",
    ]
    assert (await sam.get("/discussions?show=bogus")).status_code == 200


async def test_bad_input_is_refused_with_a_message(shop, login_as, db):
    nora = await login_as(shop.nora)
    empty = await nora.post("/discussions/new", {"subject": "Hi", "body": "  ", "staff_group": "1"})
    assert empty.status_code == 400 and "Write your message." in empty.text
    nosubject = await nora.post("/discussions/new", {"subject": "", "body": "x", "staff_group": "1"})
    assert nosubject.status_code == 400 and "Say in a few words what this is about." in nosubject.text
    stranger = await nora.post(
        "/discussions/new", {"subject": "Hi", "body": "x", "participant": str(shop.sid.id), "staff_group": "1"}
    )
    assert stranger.status_code == 400 and "Only contacts of this customer account can take part." in stranger.text
    assert "Sid South" not in stranger.text
    one_staff = await nora.post("/discussions/new", {"subject": "Hi", "body": "x", "participant": str(shop.sam.id)})
    assert one_staff.status_code == 400 and "Add the vendor&#39;s staff as a group, not one by one." in one_staff.text
    nobody = await nora.post("/discussions/new", {"subject": "Hi", "body": "x"})
    assert nobody.status_code == 400 and "Choose who takes part in the discussion." in nobody.text
    garbage = await nora.post("/discussions/new", {"subject": "Hi", "body": "x", "participant": "abc"})
    assert garbage.status_code == 400
    other_account = await nora.post(
        "/discussions/new", {"subject": "Hi", "body": "x", "staff_group": "1", "customer_id": str(shop.south.id)}
    )
    assert (
        other_account.status_code == 400
        and "You can start discussions for your own account only." in other_account.text
    )

    ada = await login_as(shop.ada)
    no_account = await ada.post("/discussions/new", {"subject": "Hi", "body": "x"})
    assert no_account.status_code == 400 and "Choose the customer account this discussion concerns." in no_account.text
    wrong_contact = await ada.post(
        "/discussions/new",
        {"subject": "Hi", "body": "x", "customer_id": str(shop.north.id), "participant": str(shop.sid.id)},
    )
    assert (
        wrong_contact.status_code == 400
        and "Only contacts of this customer account can take part." in wrong_contact.text
    )

    thread = await start(nora, staff_group="1")
    blank = await nora.post(f"/discussions/{thread}/reply", {"body": ""})
    assert blank.status_code == 400 and "Write your message." in blank.text
    outsider = await nora.post(f"/discussions/{thread}/participants", {"participant": str(shop.sid.id)})
    assert outsider.status_code == 400 and "Only contacts of this customer account can take part." in outsider.text
    assert len(await reply_emails(db)) == 2  # the one thread's first post, to Ada and Sam


async def test_people_are_added_within_the_account(shop, login_as, db):
    ada = await login_as(shop.ada)
    thread = await start(ada, customer_id=str(shop.north.id), participant=str(shop.nora.id))
    added = await ada.post(f"/discussions/{thread}/participants", {"participant": [str(shop.ned.id), str(shop.sam.id)]})
    assert added.status_code == 302
    people = set(
        (
            await db.execute(select(DiscussionParticipant.user_id).where(DiscussionParticipant.thread_id == thread))
        ).scalars()
    )
    assert people == {shop.ada.id, shop.nora.id, shop.ned.id, shop.sam.id}
    ned = await login_as(shop.ned)
    assert "Pump seals" in (await ned.get("/discussions")).text


async def test_only_participants_and_discussion_staff_see_a_thread(shop, login_as, user_factory, tenant_factory):
    nora = await login_as(shop.nora)
    thread = await start(nora, subject="Only for Nora and staff", staff_group="1")
    ned = await login_as(shop.ned)  # same account, not in the thread
    sid = await login_as(shop.sid)  # sibling site
    for client in (ned, sid):
        assert (await client.get(f"/discussions/{thread}")).status_code == 404
        assert (await client.post(f"/discussions/{thread}/reply", {"body": "me too"})).status_code == 404
        assert (await client.post(f"/discussions/{thread}/archive", {"archived": "1"})).status_code == 404
        assert "Only for Nora and staff" not in (await client.get("/discussions")).text
    other = await tenant_factory("rival", "Rival Parts")
    rival_admin = await user_factory(other, VENDOR_ADMIN)
    rival = await login_as(rival_admin)
    assert (await rival.get(f"/discussions/{thread}")).status_code == 404
    assert (await rival.post(f"/discussions/{thread}/reply", {"body": "hello"})).status_code == 404
    assert "Only for Nora and staff" not in (await rival.get("/discussions")).text


async def test_the_list_runs_the_same_queries_however_many_threads(shop, login_as, count_queries):
    ada = await login_as(shop.ada)
    for number in range(2):
        await start(
            ada,
            subject=f"Thread {number}",
            customer_id=str(shop.north.id),
            record_type="notes.note",
            record_id=str(shop.north_note),
            participant=str(shop.nora.id),
        )
    with count_queries() as few:
        assert (await ada.get("/discussions")).status_code == 200
    for number in range(2, 10):
        await start(
            ada,
            subject=f"Thread {number}",
            customer_id=str(shop.south.id),
            record_type="notes.note",
            record_id=str(shop.south_note),
            participant=str(shop.sid.id),
        )
    with count_queries() as many:
        page = await ada.get("/discussions")
    assert len(subjects(page.text)) == 10
    assert many.count == few.count


async def test_a_contact_without_the_permission_has_no_discussions(shop, login_as, db):
    role_id = await db.scalar(select(Role.id).where(Role.tenant_id == shop.tenant.id, Role.key == CUSTOMER_USER))
    await db.execute(
        delete(RolePermission).where(RolePermission.role_id == role_id, RolePermission.permission == "core.discussions")
    )
    await bump_config_version(db, shop.tenant.id)
    await db.commit()
    ned = await login_as(shop.ned)
    assert (await ned.get("/discussions")).status_code == 403
    assert (await ned.post("/discussions/new", {"subject": "x", "body": "y", "staff_group": "1"})).status_code == 403
    assert 'data-menu="core.discussions"' not in (await ned.get("/")).text
