"""Every text of this part is translated into every language the portal offers."""

from __future__ import annotations

import json
from pathlib import Path

import plugins.workorders
from core.i18n import LANGUAGES, TRANSLATIONS_DIR
from tests.core.test_i18n import MSGID, placeholders, python_msgids

MODULE = Path(plugins.workorders.__file__).resolve().parent
SOURCES = [
    *sorted((MODULE / "progress").glob("*.py")),
    *sorted((MODULE / "templates/workorders/progress").glob("*.html")),
]
#: Texts of the module's shared models (status and kind names) shown on this part's pages.
SHARED = [MODULE / "models.py"]


def part_msgids() -> dict[str, str]:
    found: dict[str, str] = {}
    for path in [*SOURCES, *SHARED]:
        source = path.read_text("utf-8")
        if path.suffix == ".py":
            msgids = python_msgids(source)
        else:
            msgids = [m.group(1) if m.group(1) is not None else m.group(2) for m in MSGID.finditer(source)]
        for msgid in msgids:
            if path in SHARED and msgid not in USED_SHARED:
                continue
            found.setdefault(msgid, path.name)
    return found


#: Status and kind names this part shows (from models.py).
USED_SHARED = {"Planned", "In Progress", "On Hold", "Completed", "Cancelled", "Production", "Service", "Installation"}


def test_every_text_of_the_part_is_translated():
    msgids = part_msgids()
    assert "Active work orders" in msgids and "Now: {stage}" in msgids and "Planned" in msgids  # the scan finds them
    for language in sorted(set(LANGUAGES) - {"en"}):
        kernel = json.loads((TRANSLATIONS_DIR / f"{language}.json").read_text("utf-8"))
        ours = json.loads((MODULE / "progress" / "translations" / f"{language}.json").read_text("utf-8"))
        missing = sorted(m for m in msgids if not (ours.get(m) or kernel.get(m) or "").strip())
        assert missing == [], f"progress/translations/{language}.json lacks translations"
        broken = {m: t for m, t in ours.items() if placeholders(t) != placeholders(m)}
        assert broken == {}, f"{language}.json changes placeholders"
        assert sorted(set(ours) - set(msgids)) == [], f"{language}.json translates texts the part no longer has"
        assert sorted(set(ours) & set(kernel)) == [], f"{language}.json rewords the kernel's texts"
