"""Portals for tests: one app per plugin set and settings for the whole run, reset per test.

Building a :class:`~core.Portico` and its Litestar app costs about half a second (every route
handler is copied and checked), so :class:`AppCache` builds each combination of plugins and
settings once. Between tests the kit puts back what a test could leave behind in the app: the
sessionmaker (bound to the test's rolled-back connection), the tenant states and theme caches.
"""

from __future__ import annotations

import gc
import uuid
from collections import OrderedDict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from litestar import Litestar
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from core.app import Portico, create_app
from core.plugins import build_plugin_set
from core.settings import Settings
from core.tenancy import TenantStates
from core.web.rendering import ThemedTemplates


@dataclass
class Built:
    """A Portico of the run, its app (made on first use), and the sessionmaker it was built with."""

    portico: Portico
    extra_plugins: tuple[object, ...]  # held so that the ids in the cache key stay theirs
    own_sessionmaker: async_sessionmaker[AsyncSession]
    own_engine: AsyncEngine
    app: Litestar | None = None

    def litestar(self) -> Litestar:
        if self.app is None:
            # The run's PDF workers outlive each live server (starting them costs seconds).
            self.app = create_app(portico=self.portico, stop_pdf_pool=False)
            gc.freeze()  # its start-up hook, which freezes it in production, runs only on a live server
        return self.app


def plugin_key(installed: Sequence[str] | None, extra_plugins: Sequence[object]) -> Hashable:
    """What decides a Portico's plugin set: the discovered plugins chosen and the extra objects."""
    return (tuple(installed) if installed is not None else None, tuple(id(p) for p in extra_plugins))


def _settings_key(values: dict[str, Any]) -> Hashable:
    return tuple(sorted((name, repr(value)) for name, value in values.items()))


@dataclass
class AppCache:
    """The run's Porticos, keyed by database, plugin set and settings; the least recently used
    are let go beyond ``size`` (a test's own plugin objects would otherwise pile up)."""

    folder: Path
    size: int = 24
    built: OrderedDict[Hashable, Built] = field(default_factory=OrderedDict)
    evicted: list[Built] = field(default_factory=list)

    def get(
        self,
        database_url: str,
        installed: Sequence[str] | None,
        extra_plugins: Sequence[object],
        settings: dict[str, Any],
    ) -> Built:
        key = (database_url, plugin_key(installed, extra_plugins), _settings_key(settings))
        found = self.built.get(key)
        if found is None:
            found = self.built[key] = build(
                database_url, installed, extra_plugins, settings, self.folder / uuid.uuid4().hex[:8]
            )
            # The run's Porticos live until it ends: frozen, they leave the collector, which walked
            # their 800,000 objects in every full collection (7 % of a test worker's time).
            gc.freeze()
            while len(self.built) > self.size:
                self.evicted.append(self.built.popitem(last=False)[1])
        self.built.move_to_end(key)
        return found

    async def let_go(self) -> None:
        """Close the engines of Porticos that left the cache (called between tests)."""
        evicted, self.evicted = self.evicted, []
        for built in evicted:
            await built.portico.engine.dispose()

    async def close(self) -> None:
        self.evicted.extend(self.built.values())
        self.built.clear()
        await self.let_go()


def build(
    database_url: str,
    installed: Sequence[str] | None,
    extra_plugins: Sequence[object],
    settings: dict[str, Any],
    data_dir: Path,
) -> Built:
    values: dict[str, Any] = {"data_dir": data_dir, "secret_key": "test-secret-" + uuid.uuid4().hex} | settings
    complete = Settings(
        database_url=database_url,
        plugins=tuple(installed) if installed is not None else None,
        **values,
    )
    portico = Portico.build(complete, plugins=build_plugin_set(only=complete.plugins, extra=extra_plugins))
    return Built(portico, tuple(extra_plugins), portico.sessionmaker, portico.engine)


def attach(built: Built, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    """Ready a cached Portico for one test: its sessions join the test's connection, and the
    caches that remember tenants start empty (a rolled-back tenant's id may come back)."""
    portico = built.portico
    portico.engine = built.own_engine  # a test may have swapped in another (a dead database)
    portico.sessionmaker = sessionmaker
    portico.states = TenantStates(portico.plugins)
    portico.themes = ThemedTemplates(portico.templates, portico.settings.theme_dir)


def detach(built: Built) -> None:
    built.portico.sessionmaker = built.own_sessionmaker
    built.portico.engine = built.own_engine
