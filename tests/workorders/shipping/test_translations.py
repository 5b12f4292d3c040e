"""The part speaks the reader's language, and its catalogs keep every placeholder."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from core import CUSTOMER_USER
from core.accounts import scoped
from core.db import Scope
from tests.workorders.shipping.conftest import purchase_order

CATALOGS = Path(__file__).parents[3] / "plugins" / "workorders" / "shipping" / "translations"


@pytest.mark.parametrize("language", ["de", "fr", "es", "nl"])
def test_catalogs_are_complete_and_keep_placeholders(language):
    catalog = json.loads((CATALOGS / f"{language}.json").read_text())
    german = json.loads((CATALOGS / "de.json").read_text())
    assert set(catalog) == set(german) and len(catalog) > 100
    for msgid, text in catalog.items():
        assert text.strip(), msgid
        assert set(re.findall(r"\{\w+\}", msgid)) == set(re.findall(r"\{\w+\}", text)), msgid


async def test_a_german_contact_reads_german(shop, db, user_factory, login_as):
    await purchase_order(db, shop, shop.north, "4500033001", status="partially_shipped")
    reader = await user_factory(shop.tenant, CUSTOMER_USER, shop.north)
    async with scoped(db, Scope(shop.tenant.id)):
        reader.language = "de"
        await db.merge(reader)
        await db.commit()
    client = await login_as(reader)
    page = (await client.get("/workorders/purchase-orders")).text
    assert "Bestellungen" in page and "Teilweise versandt" in page and "Keine passenden" not in page
    sites = (await client.get("/workorders/sites")).text
    assert "Ihre Anmeldung umfasst nur einen Standort" in sites
