"""Helpers for the import tests: uploading a CSV and waiting for a job to finish."""

from __future__ import annotations

import asyncio
import re

import pytest

from core.accounts import scoped
from core.db import Scope
from core.imports.models import ImportJob

VENDOR = "/admin/contacts/import"
CUSTOMER = "/users/import"


async def upload(client, csv: str | bytes, base: str = VENDOR, filename: str = "people.csv"):
    data = csv.encode() if isinstance(csv, str) else csv
    return await client.post(base, files={"file": (filename, data, "text/csv")})


def job_id_of(response) -> int:
    assert response.status_code == 302, (response.status_code, response.text[:500])
    return int(re.search(r"/(\d+)$", response.headers["location"]).group(1))


async def finished(client, base: str, job_id: int, seconds: float = 30) -> str:
    """Poll the progress fragment, as the page does, until the job is done or failed."""
    for _ in range(int(seconds * 10)):
        fragment = (await client.get(f"{base}/{job_id}/progress")).text
        if 'data-state="done"' in fragment or 'data-state="failed"' in fragment:
            return fragment
        await asyncio.sleep(0.1)
    raise AssertionError(f"import job {job_id} did not finish: {fragment[:300]}")


async def job_of(db, tenant, job_id: int) -> ImportJob:
    async with scoped(db, Scope(tenant.id)):
        return await db.get(ImportJob, job_id, populate_existing=True)


@pytest.fixture
async def accounts(tenant, customer_factory):
    parent = await customer_factory(tenant, "Globex Corporation")
    north = await customer_factory(tenant, "Globex North", parent)
    south = await customer_factory(tenant, "Globex South", parent)
    return parent, north, south
