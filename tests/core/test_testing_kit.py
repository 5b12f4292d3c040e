"""The testing kit itself: one test's writes never reach the next, shared data stays pristine,
statement counts are production's, and the opt-out commits for real.

The tests of a pair run in file order, once per database; what the first one wrote is noted per
backend and looked for by the second.
"""

from __future__ import annotations

import types

import pytest
from litestar import get
from sqlalchemy import func, select, text

from core import VENDOR_ADMIN, Ctx, Manifest, Permission, hookimpl
from core.accounts import create_customer, scoped
from core.db import Scope
from core.models import Customer, Tenant, User
from core.row_security import use_every_tenant

written: dict[str, dict[str, int]] = {}


async def test_a_test_writes_through_the_app_and_the_session(standard, login_as, db, portico_backend):
    admin = await login_as(standard.admin)
    answer = await admin.post("/admin/customers", {"name": "Written By One Test"})
    assert answer.status_code in (302, 303), answer.text[:500]
    async with scoped(db, Scope(standard.tenant.id)):
        created = await db.scalar(select(Customer).where(Customer.name == "Written By One Test"))
        assert created is not None  # the request's commit is real to the rest of the test
        standard.north_contact.first_name = "Renamed"
        await create_customer(db, "Written Directly", None)
        await db.commit()
    written[portico_backend] = {"customer": created.id}


async def test_the_next_test_sees_none_of_it(standard, db, portico_backend):
    assert portico_backend in written, "runs after the test above"
    async with scoped(db, Scope(standard.tenant.id)):
        names = set((await db.scalars(select(Customer.name))).all())
        assert await db.get(Customer, written[portico_backend]["customer"]) is None
    assert names == {"Globex Holdings", "Globex North Plant", "Globex South Plant"}
    assert standard.north_contact.first_name == "Nora"  # fresh objects, from the rolled-back row


async def test_tenant_alone_brings_no_people(tenant, db):
    async with scoped(db, Scope(tenant.id)):
        assert await db.scalar(select(func.count()).select_from(User)) == 0
        assert await db.scalar(select(func.count()).select_from(Customer)) == 0
    assert (tenant.slug, tenant.name, tenant.host) == ("acme", "Acme Parts", "acme.portal.test")


async def test_without_shared_data_the_database_is_empty(db, tenant_factory):
    assert await db.scalar(select(func.count()).select_from(Tenant)) == 0
    await tenant_factory("acme", "A Test's Own Acme")  # the shared vendor's slug is free here


@pytest.mark.portico_commits
async def test_a_committing_test_writes_for_real(standard, portico, portico_backend):
    # Another connection (the engine's own pool, not the test's) sees the commit.
    async with portico.engine.connect() as conn:
        await conn.run_sync(use_every_tenant)  # a connection of its own sees no vendor's rows otherwise
        count = await conn.scalar(text("SELECT count(*) FROM core_customer"))
    assert count == 3
    written[portico_backend]["committed_tenant"] = standard.tenant.id


async def test_the_shared_database_never_saw_the_committing_test(standard, db, portico_backend):
    assert "committed_tenant" in written[portico_backend]
    assert await db.scalar(select(func.count()).select_from(Tenant)) == 1


# --- statement counts -------------------------------------------------------------------------

nested = types.ModuleType("kit_nested")
nested.manifest = Manifest(name="kitnested", label="Kit nested", version="1.0.0")


@get("/kit/nested", opt={"permission": "kitnested.view"}, sync_to_thread=False)
async def with_a_savepoint(ctx: Ctx) -> dict[str, int]:
    async with ctx.db.begin_nested():
        await ctx.db.execute(select(1))
    return {"ok": 1}


@get("/api/v1/kit", opt={"permission": "kitnested.view"}, sync_to_thread=False)
async def kit_api() -> dict[str, str]:
    return {"kit": "ok"}


nested.portico_routes = hookimpl(lambda: [with_a_savepoint, kit_api])
nested.portico_permissions = hookimpl(
    lambda: [Permission("kitnested.view", "View", default_roles=(VENDOR_ADMIN,), audience="staff")]
)


@pytest.fixture
def portico_extra_plugins():
    return [nested]


async def test_counts_leave_out_the_kits_savepoints_and_keep_the_apps(standard, login_as, count_queries):
    admin = await login_as(standard.admin)
    with count_queries() as counted:
        assert (await admin.get("/kit/nested")).status_code == 200
    savepoints = [s for s in counted.statements if "SAVEPOINT" in s.upper()]
    assert len(savepoints) == 2, counted.statements  # the page's own SAVEPOINT and its RELEASE
    assert any(s.strip() == "SELECT 1" for s in counted.statements)


# --- sign-in and tokens -----------------------------------------------------------------------


async def test_login_as_signs_in_without_the_form(standard, login_as, count_queries):
    with count_queries() as counted:
        nora = await login_as(standard.north_contact)
    assert not any("core_login_attempt" in s for s in counted.statements)  # no form, no attempt row
    page = await nora.get("/")
    assert page.status_code == 200 and "Nora" in page.text


async def test_api_token_gives_a_working_token(standard, api_token, client_factory):
    allowed, other = await api_token("kitnested.view"), await api_token("core.admin.api_tokens")
    client = await client_factory("acme.portal.test")

    async def call(secret: str) -> int:
        return (await client.inner.get("/api/v1/kit", headers={"authorization": f"Bearer {secret}"})).status_code

    assert (await call(allowed), await call(other), await call("wrong")) == (200, 403, 401)


def test_under_xdist_a_files_tests_on_each_database_are_one_unit_of_work():
    from core.testing import unit_of_work

    assert unit_of_work("tests/a.py::test_x[sqlite]") == "tests/a.py[sqlite]"
    assert unit_of_work("tests/a.py::test_y[postgresql-admin]") == "tests/a.py[postgresql]"
    assert unit_of_work("tests/a.py::test_z[postgresql]") == unit_of_work("tests/a.py::test_y[postgresql-admin]")
    assert unit_of_work("tests/a.py::test_z[postgresql]") != unit_of_work("tests/a.py::test_x[sqlite]")
    assert unit_of_work("tests/a.py::test_plain") == "tests/a.py"
    assert unit_of_work("tests/a.py::Case::test_in_class[sqlite]") == "tests/a.py[sqlite]"


def test_under_xdist_the_files_named_to_start_first_lead_the_queue_postgresql_half_first():
    from core.testing import start_order

    first = ["tests/walk.py", "tests/cli.py"]
    queue = ["tests/a.py[sqlite]", "tests/cli.py[sqlite]", "tests/b.py", "tests/walk.py[sqlite]"]
    queue += ["tests/walk.py[postgresql]", "tests/a.py[postgresql]", "tests/cli.py[postgresql]"]
    assert sorted(queue, key=lambda unit: start_order(unit, first)) == [
        "tests/walk.py[postgresql]",
        "tests/walk.py[sqlite]",
        "tests/cli.py[postgresql]",
        "tests/cli.py[sqlite]",
        "tests/a.py[sqlite]",  # the rest keep the order xdist gave them
        "tests/b.py",
        "tests/a.py[postgresql]",
    ]


def test_the_files_this_project_starts_first_exist(pytestconfig):
    first = pytestconfig.getini("portico_start_first")
    assert first and all((pytestconfig.rootpath / file).is_file() for file in first), first


async def test_the_browser_waits_for_a_chromium_install_running_beside_the_tests(tmp_path, monkeypatch):
    import asyncio
    import time

    from core.testing.browser import _installed

    executable = tmp_path / "chromium"
    installer = await asyncio.create_subprocess_exec("sh", "-c", f"sleep 0.5 && touch {executable}")
    monkeypatch.setenv("PORTICO_CHROMIUM_INSTALLER", str(installer.pid))
    started = time.monotonic()
    await _installed(str(executable))
    assert executable.exists() and time.monotonic() - started >= 0.4
    await installer.wait()
    executable.unlink()  # the install ended without a browser: a clear failure, at once
    started = time.monotonic()
    with pytest.raises(pytest.fail.Exception, match="Chromium is not installed"):
        await _installed(str(executable))
    assert time.monotonic() - started < 5
