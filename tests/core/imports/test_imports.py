"""Importing people from a CSV file: the dry run's report, the all-or-nothing import, who may
import whom, and the cost of the check."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from core import CUSTOMER_ADMIN, CUSTOMER_USER, VENDOR_ADMIN, VENDOR_STAFF
from core.accounts import scoped
from core.db import Scope
from core.mail.models import OutboxMessage
from core.models import Tenant, User
from tests.core.imports.conftest import CUSTOMER, VENDOR, finished, job_id_of, job_of, upload

HEADER = "email,first_name,last_name,title,phone,site,role,send_invitation\n"

# Imports run in a background task beside the requests that follow their progress: two
# sessions at once, so these tests commit for real (one rolled-back connection cannot hold both).
pytestmark = pytest.mark.portico_commits


async def people(db, tenant) -> dict[str, User]:
    async with scoped(db, Scope(tenant.id)):
        return {
            u.email: u for u in (await db.execute(select(User).execution_options(populate_existing=True))).scalars()
        }


async def outbox(db, tenant) -> list[OutboxMessage]:
    async with scoped(db, Scope(tenant.id)):
        return list((await db.execute(select(OutboxMessage))).scalars())


async def test_the_dry_run_reports_every_problem_and_writes_nothing(login_as, user_factory, tenant, accounts, db):
    _, north, south = accounts
    admin = await user_factory(tenant, VENDOR_ADMIN)
    await user_factory(tenant, CUSTOMER_USER, south, email="taken@globex.test")
    client = await login_as(admin)
    before = await people(db, tenant)
    csv = HEADER + (
        "good@globex.test,Gina,Good,Buyer,+1 555,Globex North,,yes\n"  # line 2
        ",No,Email,,,Globex North,,\n"  # 3
        "not-an-address,,,,,Globex North,,\n"  # 4
        "lost@globex.test,,,,,Atlantis Ltd,,\n"  # 5
        "role@globex.test,,,,,Globex North,wizard,\n"  # 6
        "GOOD@globex.test,,,,,Globex North,,\n"  # 7: the same as line 2
        "taken@globex.test,,,,,Globex South,,\n"  # 8
        "nosite@globex.test,,,,,,,\n"  # 9
        f"byid@globex.test,Ida,,,,{south.id},customer_admin,maybe\n"  # 10
        "staffrole@globex.test,,,,,Globex North,vendor_admin,no\n"  # 11
        f"fine@globex.test,Fay,,,,{south.id},Customer admin,no\n"  # 12
    )
    response = await upload(client, csv)
    job_id = job_id_of(response)
    page = (await client.get(f"{VENDOR}/{job_id}")).text
    for expected in (
        "The email is missing.",
        "“not-an-address” is not an email address.",
        "No customer account is called or numbered “Atlantis Ltd”.",
        "There is no customer role “wizard”.",
        "The same email is already on line 2.",
        "Someone with this email is already registered.",
        "The site is missing.",
        "send_invitation must be yes or no, not “maybe”.",
        "There is no customer role “vendor_admin”.",
        "11 rows checked: 2 can be imported, 9 have problems.",
    ):
        assert expected in page, expected
    for line in (3, 4, 5, 6, 7, 8, 9, 10, 11):
        assert f'data-line="{line}"' in page
    assert 'data-line="2"' not in page and 'data-line="12"' not in page
    assert await people(db, tenant) == before
    assert await outbox(db, tenant) == []


async def test_a_file_with_a_bad_row_imports_nothing_unless_told_to_skip(login_as, user_factory, tenant, accounts, db):
    admin = await user_factory(tenant, VENDOR_ADMIN)
    client = await login_as(admin)
    csv = HEADER + (
        "ann@globex.test,Ann,Able,Buyer,+49 30 1234,Globex North,customer_admin,yes\n"
        "bad-address,,,,,Globex North,,\n"
        "bob@globex.test,Bob,Baker,,,Globex South,,no\n"
    )
    job_id = job_id_of(await upload(client, csv))

    refused = await client.post(f"{VENDOR}/{job_id}/run", {})
    assert refused.status_code == 400
    assert "Some rows have problems, so nothing was imported." in refused.text
    assert not {"ann@globex.test", "bob@globex.test"} & set(await people(db, tenant))
    assert (await job_of(db, tenant, job_id)).state == "checked"

    started = await client.post(f"{VENDOR}/{job_id}/run", {"skip": "1"})
    assert started.status_code == 302
    result = await finished(client, VENDOR, job_id)
    assert "Import finished (100%): 2 created, 1 skipped." in result
    assert "“bad-address” is not an email address." in result
    everyone = await people(db, tenant)
    ann, bob = everyone["ann@globex.test"], everyone["bob@globex.test"]
    _, north, south = accounts
    assert (ann.customer_id, ann.first_name, ann.last_name, ann.title, ann.phone) == (
        north.id,
        "Ann",
        "Able",
        "Buyer",
        "+49 30 1234",
    )
    assert bob.customer_id == south.id and ann.password_hash is None and bob.password_hash is None
    async with scoped(db, Scope(tenant.id)):
        roles = dict((await db.execute(select(User.email, User.role_id))).all())
    assert roles["ann@globex.test"] != roles["bob@globex.test"]  # customer_admin vs the default customer_user

    # Invitations are queued for send_invitation=yes only, with a working link.
    mails = await outbox(db, tenant)
    assert [m.recipients for m in mails] == [["ann@globex.test"]]
    assert "/invite/" in mails[0].text_body and mails[0].event == "core.invitation"

    job = await job_of(db, tenant, job_id)
    assert (job.state, job.created, job.skipped, job.done, job.file_key) == ("done", 2, 1, 2, None)
    again = await client.post(f"{VENDOR}/{job_id}/run", {"skip": "1"})  # a second click does nothing
    assert again.status_code == 302
    assert len(await people(db, tenant)) == len(everyone)


async def test_all_good_rows_import_without_ticking_anything(login_as, user_factory, tenant, accounts, db):
    admin = await user_factory(tenant, VENDOR_ADMIN)
    client = await login_as(admin)
    # A spreadsheet in German: semicolons, a BOM, and headers in capitals.
    csv = "\ufeffEMAIL;First_Name;SITE\ncarl@globex.test;Carl;Globex North\ndora@globex.test;Dora;Globex South\n"
    job_id = job_id_of(await upload(client, csv.encode("utf-8")))
    assert (await client.post(f"{VENDOR}/{job_id}/run", {})).status_code == 302
    assert "2 created, 0 skipped" in await finished(client, VENDOR, job_id)
    assert (await people(db, tenant))["carl@globex.test"].first_name == "Carl"
    assert await outbox(db, tenant) == []


async def test_files_that_are_not_csv_are_refused(login_as, user_factory, tenant, accounts, db):
    admin = await user_factory(tenant, VENDOR_ADMIN)
    client = await login_as(admin)
    cases = [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "people.csv", "This is not a CSV file"),
        (b"email\nann@globex.test\n", "people.xlsx", "Upload a CSV file"),
        ("email\nann@glöbex.test\n".encode("latin-1"), "people.csv", "The file is not UTF-8 text"),
        (b"name,phone\nAnn,1\n", "people.csv", "among them “email”"),
        (b"email,fax\nann@globex.test,1\n", "people.csv", "Unknown columns: fax."),
        (b"email\n" + b"x@globex.test\n" * 400_000, "people.csv", "The file is larger than 5 MB."),
        (b"email\n" + b"a@b.cd\n" * 10_001, "people.csv", "more than 10000 rows"),
        (b"", "people.csv", "The file is empty."),
        (b"email,site\n", "people.csv", "The file has a header but no people."),
    ]
    for data, name, message in cases:
        response = await upload(client, data, filename=name)
        assert response.status_code == 400, (name, message, response.status_code)
        assert message in response.text, (message, response.text[:2000])
    nothing = await client.post(VENDOR, {"file": "not a file"})
    assert nothing.status_code == 400 and "Choose a CSV file to upload." in nothing.text
    async with scoped(db, Scope(tenant.id)):
        from core.imports.models import ImportJob

        assert await db.scalar(select(func.count(ImportJob.id))) == 0


async def test_the_sample_file_and_the_column_description(login_as, user_factory, tenant, accounts):
    admin = await user_factory(tenant, VENDOR_ADMIN)
    client = await login_as(admin)
    page = (await client.get(VENDOR)).text
    assert 'href="/admin/contacts/import/sample.csv"' in page and "send_invitation" in page
    sample = await client.get(f"{VENDOR}/sample.csv")
    assert sample.status_code == 200 and sample.headers["content-type"].startswith("text/csv")
    assert "attachment" in sample.headers["content-disposition"]
    lines = sample.text.splitlines()
    assert lines[0] == "email,first_name,last_name,title,phone,site,role,send_invitation"
    assert len(lines) == 3 and "Globex North" in lines[1]
    # The sample passes the check as it is.
    job_id = job_id_of(await upload(client, sample.content))
    assert "2 can be imported, 0 have problems" in (await client.get(f"{VENDOR}/{job_id}")).text


async def test_a_customer_admin_imports_only_into_their_own_accounts(login_as, user_factory, tenant, accounts, db):
    parent, north, south = accounts
    async with scoped(db, Scope(tenant.id)):
        row = await db.get(Tenant, tenant.id)
        row.settings = {**(row.settings or {}), "customer_assignable_roles": [CUSTOMER_USER]}
        await db.commit()
    admin = await user_factory(tenant, CUSTOMER_ADMIN, north)
    client = await login_as(admin)
    assert (await client.get(VENDOR)).status_code == 403  # the vendor's page is not theirs
    sample = await client.get(f"{CUSTOMER}/sample.csv")
    assert "Globex North" in sample.text and "Globex South" not in sample.text
    csv = HEADER + (
        "own@globex.test,Olga,,,,,,yes\n"  # 2: no site: their own account
        "sister@globex.test,,,,,Globex South,,\n"  # 3: a sibling site
        f"parent@globex.test,,,,,{parent.id},,\n"  # 4: the account above theirs
        "boss@globex.test,,,,,Globex North,customer_admin,\n"  # 5: a role the vendor keeps to itself
        "staff@globex.test,,,,,Globex North,vendor_staff,\n"  # 6: a staff role
        "named@globex.test,,,,,Globex North,Customer user,no\n"  # 7
    )
    job_id = job_id_of(await upload(client, csv, base=CUSTOMER))
    page = (await client.get(f"{CUSTOMER}/{job_id}")).text
    assert "“Globex South” is not your account or one of its sites." in page
    assert f"“{parent.id}” is not your account or one of its sites." in page
    assert "The role “customer_admin” cannot be given here." in page
    assert "There is no customer role “vendor_staff”." in page
    assert "6 rows checked: 2 can be imported, 4 have problems." in page
    assert (await client.post(f"{CUSTOMER}/{job_id}/run", {"skip": "1"})).status_code == 302
    assert "2 created, 4 skipped" in await finished(client, CUSTOMER, job_id)
    everyone = await people(db, tenant)
    assert everyone["own@globex.test"].customer_id == north.id
    assert everyone["named@globex.test"].customer_id == north.id
    assert not {"sister@globex.test", "parent@globex.test", "boss@globex.test"} & set(everyone)
    assert [m.recipients for m in await outbox(db, tenant)] == [["own@globex.test"]]


async def test_someone_elses_import_answers_404(login_as, user_factory, tenant, tenant_factory, accounts, db):
    _, north, _ = accounts
    admin = await user_factory(tenant, VENDOR_ADMIN)
    client = await login_as(admin)
    job_id = job_id_of(await upload(client, HEADER + "eve@globex.test,,,,,Globex North,,\n"))
    other_tenant = await tenant_factory("rival", "Rival Corp")
    strangers = [
        await login_as(await user_factory(other_tenant, VENDOR_ADMIN)),  # another vendor
        await login_as(await user_factory(tenant, VENDOR_ADMIN)),  # a colleague: imports are personal
    ]
    for stranger in strangers:
        for url in (f"{VENDOR}/{job_id}", f"{VENDOR}/{job_id}/progress"):
            assert (await stranger.get(url)).status_code == 404
        assert (await stranger.post(f"{VENDOR}/{job_id}/run", {"skip": "1"})).status_code == 404
    contact = await login_as(await user_factory(tenant, CUSTOMER_ADMIN, north))
    assert (await contact.get(f"{CUSTOMER}/{job_id}")).status_code == 404  # a vendor job, on their page
    assert (await contact.post(f"{CUSTOMER}/{job_id}/run", {"skip": "1"})).status_code == 404
    assert (await job_of(db, tenant, job_id)).state == "checked"
    assert "eve@globex.test" not in await people(db, tenant)
    staff = await login_as(await user_factory(tenant, VENDOR_STAFF))
    assert (await staff.get(VENDOR)).status_code == 403  # only vendor admins hold the permission by default


async def test_the_check_costs_the_same_queries_for_5_or_200_rows(
    login_as, user_factory, tenant, accounts, count_queries
):
    _, north, south = accounts
    admin = await user_factory(tenant, VENDOR_ADMIN)
    client = await login_as(admin)
    await client.get(VENDOR)  # warm up: tenant state, CSRF cookie

    def csv(rows: int) -> str:
        sites = ["Globex North", str(south.id), "Nowhere"]
        return HEADER + "".join(
            f"p{i}@globex.test,P,{i},,,{sites[i % 3]},{'customer_admin' if i % 2 else ''},{'yes' if i % 4 else 'no'}\n"
            for i in range(rows)
        )

    counts = []
    for rows in (5, 200):
        with count_queries() as counter:
            job_id = job_id_of(await upload(client, csv(rows)))
        counts.append(counter.count)
        with count_queries() as counter:
            await client.get(f"{VENDOR}/{job_id}")
        counts.append(counter.count)
    assert counts[0] == counts[2] and counts[1] == counts[3], counts


async def test_the_background_run_checks_again_and_fails_cleanly(portico, login_as, user_factory, tenant, accounts, db):
    from core.imports.models import ImportJob
    from core.imports.runner import run_job

    admin = await user_factory(tenant, VENDOR_ADMIN)
    client = await login_as(admin)
    csv = HEADER + "late@globex.test,,,,,Globex North,,yes\nkeen@globex.test,,,,,Globex North,,yes\n"
    job_id = job_id_of(await upload(client, csv))

    async def queue() -> ImportJob:
        async with scoped(db, Scope(tenant.id)):
            job = await db.get(ImportJob, job_id, populate_existing=True)
            job.state = "queued"
            await db.commit()
        return job

    # Someone registers one of the emails between the check and the run: nothing is imported.
    await queue()
    await user_factory(tenant, CUSTOMER_USER, accounts[1], email="late@globex.test")
    await run_job(portico, Scope(tenant.id), job_id)
    job = await job_of(db, tenant, job_id)
    assert job.state == "checked" and job.errors[0]["problems"][0]["code"] == "registered"
    page = (await client.get(f"{VENDOR}/{job_id}")).text
    assert "Some rows have problems now: nothing was imported." in page
    assert "keen@globex.test" not in await people(db, tenant)

    # The stored file is gone (a lost disk): the job fails and says so, and nothing is written.
    await portico.storage.delete(job.file_key)
    await queue()
    await run_job(portico, Scope(tenant.id), job_id)
    assert "The import failed and nothing was imported." in await finished(client, VENDOR, job_id)
    assert (await job_of(db, tenant, job_id)).state == "failed"
    assert "keen@globex.test" not in await people(db, tenant)
    assert await outbox(db, tenant) == []


async def test_the_people_lists_link_to_their_import(login_as, user_factory, tenant, accounts):
    parent, _, _ = accounts
    vendor = await login_as(await user_factory(tenant, VENDOR_ADMIN))
    assert 'href="/admin/contacts/import"' in (await vendor.get("/admin/contacts")).text
    customer_admin = await login_as(await user_factory(tenant, CUSTOMER_ADMIN, parent))
    assert 'href="/users/import"' in (await customer_admin.get("/users")).text
    staff = await login_as(await user_factory(tenant, VENDOR_STAFF))
    listing = await staff.get("/admin/contacts")
    assert listing.status_code != 200 or 'href="/admin/contacts/import"' not in listing.text
