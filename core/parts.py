"""A plugin made of several parts, the way the kernel is made of its services.

Each part is a module of plain functions named like the hooks it contributes to
(``portico_permissions``, ``portico_routes``, ..., async ``portico_seed_demo(db, seed)``,
``portico_translations``). The plugin's hook implementations hand each hook to every part, so one
module never has to know what its siblings declare::

    PARTS = Parts(portal, admin)
    globals().update(PARTS.hooks())  # portico_routes, portico_permissions, ... for this plugin
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import ModuleType
from typing import Any

from core.hookimpl import hookimpl

#: Hooks whose parts are awaited in turn rather than gathered.
_AWAITED = ("portico_seed_demo", "portico_on_enable", "portico_on_disable", "portico_startup")


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

    def hooks(self) -> dict[str, Callable[..., Any]]:
        """The plugin's hook implementations, one per hook some part defines, each handing the hook
        to every part; put them in the plugin module's namespace (``globals().update(...)``)."""
        defined = {name for part in self.modules for name in dir(part) if name.startswith("portico_")}
        found: dict[str, Callable[..., Any]] = {}
        for name in sorted(defined):
            if name == "portico_translations":
                found[name] = hookimpl(self._merging())
            elif name in _AWAITED:
                found[name] = hookimpl(self._awaiting(name))
            else:
                found[name] = hookimpl(self._gathering(name))
        return found

    def _merging(self) -> Callable[[], dict[str, dict[str, str]]]:
        def portico_translations() -> dict[str, dict[str, str]]:
            return self.catalogs()

        return portico_translations

    def _gathering(self, hook: str) -> Callable[[], list[Any]]:
        def gather() -> list[Any]:
            return self.gather(hook)

        gather.__name__ = hook
        return gather

    def _awaiting(self, hook: str) -> Callable[..., Any]:
        # pluggy passes a hook's arguments by name: each forwarder spells them as the spec does.
        async def seed_demo(db: Any, seed: Any) -> None:
            await self.run(hook, db, seed)

        async def switched(db: Any, tenant_id: int) -> None:
            await self.run(hook, db, tenant_id)

        async def startup(app: Any) -> None:
            await self.run(hook, app)

        forwarders: dict[str, Callable[..., Any]] = {"portico_seed_demo": seed_demo, "portico_startup": startup}
        forwarder = forwarders.get(hook, switched)
        forwarder.__name__ = hook
        return forwarder
