"""Every text of the admin part is translated into every portal language, placeholders kept."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.accounts import scoped
from core.db import Scope
from core.models import User
from tests.core.test_i18n import MSGID, placeholders, python_msgids

QUOTES = Path(__file__).resolve().parents[3] / "plugins" / "quotes"
KERNEL = Path(__file__).resolve().parents[3] / "core" / "translations"
LANGUAGES = ("de", "fr", "es", "nl")


def admin_msgids() -> set[str]:
    sources = [*(QUOTES / "admin").rglob("*.py"), *(QUOTES / "templates" / "quotes" / "admin").rglob("*.html")]
    found: set[str] = set()
    for path in sources:
        text = path.read_text("utf-8")
        if path.suffix == ".py":
            found.update(python_msgids(text))
        else:
            found.update(m.group(1) if m.group(1) is not None else m.group(2) for m in MSGID.finditer(text))
    # The statuses the admin pages show come from the module's models.
    found.update(python_msgids((QUOTES / "models.py").read_text("utf-8")))
    return found


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_admin_text_is_translated(language):
    msgids = admin_msgids()
    assert "Quotes and orders" in msgids and "Turn into an order" in msgids  # the scan finds them
    kernel = json.loads((KERNEL / f"{language}.json").read_text("utf-8"))
    mine = json.loads((QUOTES / "admin" / "translations" / f"{language}.json").read_text("utf-8"))
    missing = sorted(m for m in msgids if not (kernel.get(m) or mine.get(m, "")).strip())
    assert missing == []
    assert {m: t for m, t in mine.items() if placeholders(t) != placeholders(m)} == {}
    assert sorted(set(mine) - msgids) == []  # no stale entries


async def test_a_german_admin_reads_german(admin, shop, db):
    async with scoped(db, Scope(shop.tenant.id)):
        user = await db.get(User, shop.admin.id)
        user.language = "de"
        await db.commit()
    page = (await admin.get("/admin/quotes")).text
    assert "Angebote" in page and "Neues Angebot" in page
