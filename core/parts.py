"""A plugin made of several parts, the way the kernel is made of its services.

Each part is a module of plain functions named like the hooks it contributes to
(``portico_permissions``, ``portico_routes``, ..., async ``portico_seed_demo(db, seed)``,
``portico_translations``). The plugin's own hook implementations hand each hook to
:class:`Parts`, so one module never has to know what its siblings declare.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import ModuleType
from typing import Any


class Parts:
    """The parts of one plugin, in the order their declarations are listed."""

    def __init__(self, *modules: ModuleType) -> None:
        self.modules = modules

    def gather(self, hook: str, **kwargs: Any) -> list[Any]:
        """Every part's declarations for ``hook``, concatenated."""
        return [item for part in self.modules if hasattr(part, hook) for item in getattr(part, hook)(**kwargs)]

    async def run(self, hook: str, *args: Any) -> None:
        """Await every part's ``hook(*args)`` in turn (seeding, start-up, enable/disable)."""
        for part in self.modules:
            if hasattr(part, hook):
                await getattr(part, hook)(*args)

    def catalogs(self) -> dict[str, dict[str, str]]:
        """Every part's ``portico_translations()`` merged by language (the first part's text wins)."""
        merged: dict[str, dict[str, str]] = {}
        for part in self.modules:
            if hasattr(part, "portico_translations"):
                found: Mapping[str, Mapping[str, str]] = part.portico_translations()
                for language, entries in found.items():
                    catalog = merged.setdefault(language, {})
                    for msgid, text in entries.items():
                        catalog.setdefault(msgid, text)
        return merged
