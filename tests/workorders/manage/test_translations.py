"""Every text of the vendor's work order pages is translated into every language the portal offers."""

from __future__ import annotations

import json
from pathlib import Path

from core.i18n import LANGUAGES, TRANSLATIONS_DIR
from plugins.workorders import models
from plugins.workorders.manage import feature
from tests.core.test_i18n import MSGID, placeholders, python_msgids

PART = Path(feature.__file__).resolve().parent
TEMPLATES = PART.parent / "templates" / "workorders" / "manage"


def part_msgids() -> set[str]:
    found: set[str] = set()
    for path in [*PART.rglob("*.py"), *TEMPLATES.rglob("*.html")]:
        source = path.read_text("utf-8")
        if path.suffix == ".py":
            found.update(python_msgids(source))
        else:
            found.update(m.group(1) if m.group(1) is not None else m.group(2) for m in MSGID.finditer(source))
    # The statuses and kinds the pages show come from the module's models.
    found.update([*models.WORK_ORDER_STATUSES.values(), *models.WORK_ORDER_KINDS.values()])
    found.update(models.STEP_STATUSES.values())
    return found


def test_every_text_of_the_part_is_translated():
    kernel = json.loads((TRANSLATIONS_DIR / "de.json").read_text("utf-8"))
    msgids = part_msgids() - set(kernel)  # the kernel's own texts come with its translation
    assert "Set the current step" in msgids and "Work orders" in msgids  # the scan finds them
    for language in sorted(set(LANGUAGES) - {"en"}):
        catalog = json.loads((PART / "translations" / f"{language}.json").read_text("utf-8"))
        assert sorted(m for m in msgids if not catalog.get(m, "").strip()) == [], language
        assert {m: t for m, t in catalog.items() if placeholders(t) != placeholders(m)} == {}, language
        assert sorted(set(catalog) - msgids) == [], f"{language}.json translates texts the part does not have"


async def test_a_german_admin_sees_german_pages(admin, tenant, db):
    from core import Scope, scoped
    from core.models import Tenant
    from core.tenancy import bump_config_version

    async with scoped(db, Scope(tenant.id)):
        row = await db.get(Tenant, tenant.id)
        row.branding = {**(row.branding or {}), "language": "de"}
        await bump_config_version(db, tenant.id)
        await db.commit()
    page = await admin.get("/admin/workorders")
    assert "Neuer Arbeitsauftrag" in page.text and "Schlagwörter" in page.text
