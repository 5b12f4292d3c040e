"""SQL statements per page do not grow with the amount of data."""

from __future__ import annotations

import pytest

from core import CUSTOMER_ADMIN
from core.accounts import scoped
from core.db import Scope
from tests.core import example_plugin
from tests.core.example_plugin import Note


@pytest.fixture
def portico_extra_plugins():
    return [example_plugin]


async def _add_notes(db, tenant, customer, count: int) -> None:
    async with scoped(db, Scope(tenant.id)):
        db.add_all(Note(customer_id=customer.id, title=f"n{i}", needs_reply=i % 2 == 0) for i in range(count))
        await db.commit()


@pytest.mark.parametrize("url", ["/", "/notes", "/actions", "/recent"])
async def test_statements_per_page_do_not_grow_with_data(
    url, tenant, customer_factory, user_factory, db, login_as, count_queries
):
    site = await customer_factory(tenant, "Site")
    client = await login_as(await user_factory(tenant, CUSTOMER_ADMIN, site))
    await client.get(url)  # warm the tenant's cached state

    await _add_notes(db, tenant, site, 5)
    with count_queries() as small:
        assert (await client.get(url)).status_code == 200
    await _add_notes(db, tenant, site, 300)
    with count_queries() as large:
        assert (await client.get(url)).status_code == 200
    assert large.count == small.count, large.statements


async def test_dashboard_statement_budget(portico, tenant, customer_factory, user_factory, login_as, count_queries):
    """Tenant, session+user, then one statement per menu badge and per dashboard widget (the kernel's
    services and the notes plugin): a handful, fixed. On PostgreSQL one more sets the request's
    tenant for row-level security."""
    site = await customer_factory(tenant, "Site")
    client = await login_as(await user_factory(tenant, CUSTOMER_ADMIN, site))
    await client.get("/")
    with count_queries() as counter:
        await client.get("/")
    # On PostgreSQL each plugin loader also runs in a savepoint (two more statements each).
    queries = [q for q in counter.statements if "SAVEPOINT" not in q]
    settings = [q for q in queries if "set_config('portico.tenant_id'" in q]
    assert len(settings) == (1 if portico.engine.dialect.name == "postgresql" else 0), queries
    assert len(queries) - len(settings) <= 9, queries
