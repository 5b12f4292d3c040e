"""Internal threads never reach a customer; links to records are checked and shown."""

from __future__ import annotations

from tests.core.discussions.conftest import recipients_of, reply_emails, start
from tests.core.discussions.test_threads import badge, subjects


async def test_an_internal_thread_never_reaches_a_customer(shop, login_as, db):
    nora = await login_as(shop.nora)
    thread = await start(
        nora,
        subject="Seal supplier choice",
        staff_group="1",
        record_type="notes.note",
        record_id=str(shop.north_note),
    )
    sam = await login_as(shop.sam)
    assert (await sam.post(f"/discussions/{thread}/internal", {"internal": "1"})).status_code == 302
    before = len(await reply_emails(db))
    await sam.post(f"/discussions/{thread}/reply", {"body": "Staff only: we switch to the cheaper supplier."})
    assert recipients_of((await reply_emails(db))[before:]) == [shop.ada.email]  # Nora is left out

    # Nowhere for the customer: list, filters, search, badge, page, actions, record helper.
    for url in ("/discussions", "/discussions?show=unread", "/discussions?show=archived", "/discussions?q=Seal", "/"):
        page = (await nora.get(url)).text
        assert "Seal supplier choice" not in page and "cheaper supplier" not in page, url
        assert badge(page) is None
    assert (await nora.get(f"/discussions/{thread}")).status_code == 404
    for action, data in (("reply", {"body": "hi"}), ("archive", {"archived": "1"}), ("participants", {})):
        assert (await nora.post(f"/discussions/{thread}/{action}", data)).status_code == 404
    assert (await nora.post(f"/discussions/{thread}/internal", {"internal": "0"})).status_code == 403
    assert "Seal supplier choice" not in (await nora.get(f"/notes/{shop.north_note}/discussions")).text
    ada = await login_as(shop.ada)  # sam's role may not see notes at all
    assert "Seal supplier choice" in (await ada.get(f"/notes/{shop.north_note}/discussions")).text

    # Staff see it, marked; contacts cannot be brought into it.
    staff_view = (await sam.get("/discussions")).text
    assert "Seal supplier choice" in staff_view and "Internal" in staff_view
    refused = await sam.post(f"/discussions/{thread}/participants", {"participant": str(shop.ned.id)})
    assert refused.status_code == 400 and "Only staff take part in an internal discussion." in refused.text

    # Made visible again, the customer participants have it back, unread.
    await sam.post(f"/discussions/{thread}/internal", {"internal": "0"})
    assert subjects((await nora.get("/discussions")).text) == ["Seal supplier choice"]


async def test_staff_start_internal_threads_and_contacts_cannot(shop, login_as, db):
    ada = await login_as(shop.ada)
    thread = await start(
        ada, subject="Credit hold for North", customer_id=str(shop.north.id), participant=str(shop.sam.id), internal="1"
    )
    assert recipients_of(await reply_emails(db)) == [shop.sam.email]
    with_contact = await ada.post(
        "/discussions/new",
        {
            "subject": "x",
            "body": "y",
            "customer_id": str(shop.north.id),
            "participant": str(shop.nora.id),
            "internal": "1",
        },
    )
    assert with_contact.status_code == 400 and "Only staff take part in an internal discussion." in with_contact.text
    nora = await login_as(shop.nora)
    assert (await nora.get(f"/discussions/{thread}")).status_code == 404
    # A contact's "internal" box is ignored: the thread is an ordinary one.
    own = await start(nora, subject="Not internal", staff_group="1", internal="1")
    assert (await nora.get(f"/discussions/{own}")).status_code == 200


async def test_a_linked_record_is_checked_and_shown(shop, login_as):
    nora = await login_as(shop.nora)
    prefilled = await nora.get(f"/discussions/new?record=notes.note&id={shop.north_note}")
    assert prefilled.status_code == 200 and "North pump overhaul note" in prefilled.text
    sibling = await nora.get(f"/discussions/new?record=notes.note&id={shop.south_note}")
    assert sibling.status_code == 200 and "South boiler secret note" not in sibling.text
    assert (await nora.get("/discussions/new?record=nope&id=1")).status_code == 200  # an unknown type: no record
    refused = await nora.get("/discussions/new?record=nope&id=abc")
    assert refused.status_code == 400 and "id: Enter a whole number from 0 to 2147483647." in refused.text

    thread = await start(
        nora, subject="About the pump", staff_group="1", record_type="notes.note", record_id=str(shop.north_note)
    )
    detail = (await nora.get(f"/discussions/{thread}")).text
    assert f'href="/notes/{shop.north_note}"' in detail and "North pump overhaul note" in detail
    listing = (await nora.get("/discussions")).text
    assert "North pump overhaul note" in listing

    stolen = await nora.post(
        "/discussions/new",
        {
            "subject": "x",
            "body": "y",
            "staff_group": "1",
            "record_type": "notes.note",
            "record_id": str(shop.south_note),
        },
    )
    assert stolen.status_code == 400 and "That record cannot be found." in stolen.text
    assert "South boiler secret note" not in stolen.text
    for record_type, record_id, message in (
        ("notes.unknown", str(shop.north_note), "That record cannot be found."),
        ("notes.note", "999999", "That record cannot be found."),
        ("notes.note", "x", "Enter a whole number from 0 to 2147483647."),  # the kernel's check of the id
    ):
        bad = await nora.post(
            "/discussions/new",
            {"subject": "x", "body": "y", "staff_group": "1", "record_type": record_type, "record_id": record_id},
        )
        assert bad.status_code == 400 and message in bad.text

    ada = await login_as(shop.ada)
    mismatched = await ada.post(
        "/discussions/new",
        {
            "subject": "x",
            "body": "y",
            "customer_id": str(shop.north.id),
            "record_type": "notes.note",
            "record_id": str(shop.south_note),
        },
    )
    assert mismatched.status_code == 400 and "That record belongs to another customer account." in mismatched.text
    staff_prefill = await ada.get(f"/discussions/new?record=notes.note&id={shop.south_note}")
    assert (
        "Globex South Plant" in staff_prefill.text
        and f'name="customer_id" value="{shop.south.id}"' in staff_prefill.text
    )


async def test_the_record_page_macro_lists_threads_and_links_to_start_one(shop, login_as):
    nora = await login_as(shop.nora)
    page = (await nora.get(f"/notes/{shop.north_note}/discussions")).text
    assert "Discussions about this record" in page and "No discussions about this record yet." in page
    assert f'href="/discussions/new?record=notes.note&amp;id={shop.north_note}"' in page
    thread = await start(
        nora, subject="Pump noise", staff_group="1", record_type="notes.note", record_id=str(shop.north_note)
    )
    page = (await nora.get(f"/notes/{shop.north_note}/discussions")).text
    assert f'href="/discussions/{thread}">Pump noise</a>' in page
