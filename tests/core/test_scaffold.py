"""`portico plugin new` writes a plugin that installs, migrates, serves and passes its own test."""

from __future__ import annotations

import asyncio
import importlib
import subprocess
import sys

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.ext.asyncio import create_async_engine

from core import CUSTOMER_USER
from core.accounts import scoped
from core.db import Base, Scope
from core.migrate import upgrade
from core.plugins import build_plugin_set


@pytest.fixture(scope="session")
def tickets(tmp_path_factory):
    folder = tmp_path_factory.mktemp("scaffold") / "portico-tickets"
    done = subprocess.run(
        [sys.executable, "-m", "core.cli", "plugin", "new", "tickets", "--path", str(folder)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert 'tickets = "portico_tickets"' in (folder / "pyproject.toml").read_text()
    sys.path.insert(0, str(folder))
    try:
        yield importlib.import_module("portico_tickets"), folder
    finally:
        sys.path.remove(str(folder))


@pytest.fixture
def portico_extra_plugins(tickets):
    return [tickets[0]]


async def test_scaffolded_plugin_serves_its_page_to_the_right_site(
    tickets, tenant, customer_factory, user_factory, login_as, db
):
    model = tickets[0].models.TicketsItem
    site = await customer_factory(tenant, "North")
    other = await customer_factory(tenant, "South")
    async with scoped(db, Scope(tenant.id)):
        db.add_all([model(customer_id=site.id, title="Ours"), model(customer_id=other.id, title="Theirs")])
        await db.commit()
    client = await login_as(await user_factory(tenant, CUSTOMER_USER, site))
    page = await client.get("/tickets")
    assert page.status_code == 200 and "Ours" in page.text and "Theirs" not in page.text
    assert 'data-menu="tickets.tickets"' in page.text
    assert 'data-widget="tickets.tickets"' in (await client.get("/")).text


async def test_scaffolded_migration_matches_its_model(tickets, fresh_database_url):
    plugins = build_plugin_set(extra=[tickets[0]])
    await asyncio.to_thread(upgrade, fresh_database_url, plugins)
    engine = create_async_engine(fresh_database_url)

    def diff(conn):
        context = MigrationContext.configure(
            conn,
            opts={
                "include_object": lambda o, name, kind, r, c: kind != "table" or name.startswith(("core_", "tickets_"))
            },
        )
        return compare_metadata(context, Base.metadata)

    async with engine.connect() as conn:
        assert await conn.run_sync(diff) == []
    await engine.dispose()


def test_scaffold_refuses_a_bad_name_or_a_full_folder(tmp_path):
    from core.scaffold import scaffold

    with pytest.raises(ValueError, match="lowercase"):
        scaffold("Bad-Name", tmp_path / "x")
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "file").write_text("x")
    with pytest.raises(ValueError, match="not empty"):
        scaffold("fine", tmp_path / "full")


def test_the_scaffold_is_in_the_documented_shape(tickets):
    """Handlers in pages.py, each declaring its own permission; translations shipped as package data."""
    _, folder = tickets
    pages = (folder / "portico_tickets" / "pages.py").read_text()
    assert not (folder / "portico_tickets" / "controllers.py").exists()
    assert pages.count("@get(") == pages.count('opt={"permission": "tickets.view"}') == 2
    assert "translations/*.json" in (folder / "pyproject.toml").read_text()
    first = next((folder / "portico_tickets" / "migrations" / "versions").glob("0001_*.py")).read_text()
    assert "portico db revision --plugin tickets" in first
