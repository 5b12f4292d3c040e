"""Every text of the portal part is translated into every language, its placeholders kept."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

from core.i18n import LANGUAGES
from plugins.quotes import models

PART = Path(__file__).resolve().parents[3] / "plugins" / "quotes"
TEMPLATES = PART / "templates" / "quotes" / "portal"
CATALOGS = PART / "portal" / "translations"
KERNEL = Path(__file__).resolve().parents[3] / "core" / "translations"
TEMPLATE_MSGID = re.compile(r"""(?<!\w)(?:N_|_)\(\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')\s*[,)]""")
PLACEHOLDER = re.compile(r"\{\{?\s*(\w+)\s*\}?\}")


def part_msgids() -> set[str]:
    found: set[str] = set()
    for path in TEMPLATES.glob("*.html"):
        found |= {a or b for a, b in TEMPLATE_MSGID.findall(path.read_text())}
    for path in (PART / "portal").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
                name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                if name in ("N_", "_") and isinstance(node.args[0].value, str):
                    found.add(node.args[0].value)
    for statuses in (models.QUOTE_STATUSES, models.ORDER_STATUSES, models.LINE_STATUSES):
        found |= set(statuses.values())
    return found


@pytest.mark.parametrize("language", [code for code in LANGUAGES if code != "en"])
def test_every_text_is_translated(language):
    catalog = json.loads((CATALOGS / f"{language}.json").read_text())
    kernel = json.loads((KERNEL / f"{language}.json").read_text())
    missing = sorted(m for m in part_msgids() if m not in catalog and m not in kernel)
    assert not missing, missing
    for msgid, text in catalog.items():
        assert set(PLACEHOLDER.findall(text)) == set(PLACEHOLDER.findall(msgid)), (msgid, text)


async def test_a_german_contact_reads_the_pages_in_german(shop, make_record, login_as, db):
    from core.accounts import scoped
    from core.db import Scope
    from core.models import User

    quote = await make_record()
    async with scoped(db, Scope(shop.tenant.id)):
        nora = await db.get(User, shop.nora.id)
        nora.language = "de"
        await db.commit()
    client = await login_as(shop.nora)
    listing = (await client.get("/quotes")).text
    assert "Offene Angebote" in listing and "Ihre Aktion erforderlich" in listing
    detail = (await client.get(f"/quotes/{quote.id}")).text
    assert "Ausgewählte Positionen freigeben" in detail and "Zwischensumme" in detail
