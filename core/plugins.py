"""Finding, ordering and registering plugins, and collecting what they declare.

One :class:`PluginSet` per app instance (never a module global), so tests build apps side by side.
"""

from __future__ import annotations

import importlib.metadata
import inspect
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import ModuleType
from typing import Any

import pluggy
from packaging.specifiers import InvalidSpecifier, SpecifierSet

from core import hookspecs
from core.declarations import (
    ActionSource,
    ActivityCounter,
    DocumentType,
    EmailTemplate,
    Manifest,
    MenuItem,
    Permission,
    RecordType,
    SettingsField,
    Widget,
)
from core.i18n import Catalogs
from core.version import __version__

ENTRY_POINT_GROUP = "portico.plugins"
CORE_MODULE = "core"

log = logging.getLogger("portico.plugins")


class PluginError(RuntimeError):
    """Start-up cannot go on: the message names the plugins at fault."""


@dataclass(frozen=True)
class LoadedPlugin:
    manifest: Manifest
    module: Any
    hooks: tuple[str, ...]

    @property
    def name(self) -> str:
        return self.manifest.name

    @property
    def inline_templates(self) -> dict[str, str]:
        """Templates a plugin object carries as ``templates = {"name/page.html": "..."}``."""
        return dict(getattr(self.module, "templates", None) or {})

    @property
    def template_dir(self) -> Path | None:
        source = getattr(self.module, "__file__", None)
        if not source:
            return None
        folder = Path(source).parent / "templates"
        return folder if folder.is_dir() else None

    @property
    def migrations_dir(self) -> Path | None:
        source = getattr(self.module, "__file__", None)
        if not source:
            return None
        folder = Path(source).parent / "migrations" / "versions"
        return folder if folder.is_dir() else None


def discover_entry_points() -> list[tuple[str, Callable[[], Any]]]:
    """(entry point name, loader) for every installed plugin."""
    return [(ep.name, ep.load) for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP)]


def _load(name: str, loader: Callable[[], Any], skip_broken: bool) -> Any | None:
    try:
        return loader()
    except Exception as exc:
        if skip_broken:
            log.error("plugin %r failed to import and is skipped: %s", name, exc)
            return None
        raise PluginError(f"plugin {name!r} failed to import: {type(exc).__name__}: {exc}") from exc


def order_by_depends(manifests: Sequence[Manifest]) -> list[Manifest]:
    """Topological order by ``depends``, stable by name; raise naming missing deps or a cycle."""
    by_name = {m.name: m for m in manifests}
    for manifest in manifests:
        missing = [dep for dep in manifest.depends if dep not in by_name]
        if missing:
            raise PluginError(
                f"plugin {manifest.name!r} depends on {', '.join(repr(d) for d in missing)}, which is not installed"
            )
    ordered: list[Manifest] = []
    state: dict[str, str] = {}

    def visit(name: str, trail: list[str]) -> None:
        if state.get(name) == "done":
            return
        if state.get(name) == "active":
            cycle = trail[trail.index(name) :] + [name]
            raise PluginError("plugins depend on each other in a cycle: " + " -> ".join(cycle))
        state[name] = "active"
        for dep in sorted(by_name[name].depends):
            visit(dep, trail + [name])
        state[name] = "done"
        ordered.append(by_name[name])

    for name in sorted(by_name, key=lambda n: (n != CORE_MODULE, n)):  # the kernel always comes first
        visit(name, [])
    return ordered


@dataclass
class PluginSet:
    """The installed plugins of one app, in dependency order, and everything they declared."""

    pm: pluggy.PluginManager
    plugins: list[LoadedPlugin]
    permissions: dict[str, Permission] = field(default_factory=dict)
    menu_items: list[MenuItem] = field(default_factory=list)
    widgets: list[Widget] = field(default_factory=list)
    action_sources: list[ActionSource] = field(default_factory=list)
    settings_fields: dict[str, list[SettingsField]] = field(default_factory=dict)
    routes: list[tuple[str, list[Any]]] = field(default_factory=list)
    translations: Catalogs = field(default_factory=Catalogs)
    email_templates: dict[str, EmailTemplate] = field(default_factory=dict)
    activity_counters: list[ActivityCounter] = field(default_factory=list)
    record_types: dict[str, RecordType] = field(default_factory=dict)
    document_types: dict[str, DocumentType] = field(default_factory=dict)

    @property
    def names(self) -> list[str]:
        return [p.name for p in self.plugins]

    @property
    def modules(self) -> list[LoadedPlugin]:
        """Plugins a tenant can switch on and off (everything but the kernel's own)."""
        return [p for p in self.plugins if p.name != CORE_MODULE]

    def get(self, name: str) -> LoadedPlugin | None:
        return next((p for p in self.plugins if p.name == name), None)

    def call_for(self, plugin: str, hook: str, **kwargs: Any) -> list[Any]:
        """Call one hook of one plugin only (lifecycle hooks target the module being toggled)."""
        results = []
        for impl in getattr(self.pm.hook, hook).get_hookimpls():
            if self.pm.get_name(impl.plugin) == plugin:
                results.append(impl.function(*[kwargs[a] for a in impl.argnames]))
        return results

    def call_each(self, hook: str, **kwargs: Any) -> list[tuple[str, Any]]:
        """Call a hook on every plugin, in dependency order, returning (plugin name, result)."""
        order = {name: i for i, name in enumerate(self.names)}
        impls = sorted(
            getattr(self.pm.hook, hook).get_hookimpls(),
            key=lambda impl: order.get(self.pm.get_name(impl.plugin) or "", len(order)),
        )
        return [
            (self.pm.get_name(impl.plugin) or "", impl.function(*[kwargs[a] for a in impl.argnames])) for impl in impls
        ]

    def collect(self) -> None:
        """Call the registration hooks once and keep the declarations, tagged with their module."""
        for module, perms in self.call_each("portico_permissions"):
            for perm in perms or ():
                perm = perm if perm.module else replace(perm, module=module)
                if perm.key in self.permissions:
                    raise PluginError(f"permission {perm.key!r} is declared twice (again by {module!r})")
                self.permissions[perm.key] = perm
        for module, items in self.call_each("portico_menu_items"):
            self.menu_items += [i if i.module else replace(i, module=module) for i in items or ()]
        for module, widgets in self.call_each("portico_widgets"):
            self.widgets += [w if w.module else replace(w, module=module) for w in widgets or ()]
        for module, sources in self.call_each("portico_action_items"):
            self.action_sources += [s if s.module else replace(s, module=module) for s in sources or ()]
        for module, fields in self.call_each("portico_settings_fields"):
            self.settings_fields.setdefault(module, []).extend(
                f if f.module else replace(f, module=module) for f in fields or ()
            )
        for module, templates in self.call_each("portico_email_templates"):
            for template in templates or ():
                template = template if template.module else replace(template, module=module)
                if template.key in self.email_templates:
                    raise PluginError(f"email template {template.key!r} is declared twice (again by {module!r})")
                self.email_templates[template.key] = template
        for module, kinds in self.call_each("portico_record_types"):
            for kind in kinds or ():
                kind = kind if kind.module else replace(kind, module=module)
                if kind.key in self.record_types:
                    raise PluginError(f"record type {kind.key!r} is declared twice (again by {module!r})")
                self.record_types[kind.key] = kind
        for module, documents in self.call_each("portico_document_types"):
            for document in documents or ():
                document = document if document.module else replace(document, module=module)
                if document.key in self.document_types:
                    raise PluginError(f"document type {document.key!r} is declared twice (again by {module!r})")
                self.document_types[document.key] = document
        for module, counters in self.call_each("portico_activity_counters"):
            self.activity_counters += [c if c.module else replace(c, module=module) for c in counters or ()]
        # The kernel's catalogs come first (it is ordered first), so its texts keep their wording.
        for module, catalogs in self.call_each("portico_translations"):
            self.translations.add(module, catalogs or {})
        for module, handlers in self.call_each("portico_routes"):
            if handlers:
                self.routes.append((module, list(handlers)))
        self.menu_items.sort(key=lambda i: (i.order, i.label))
        self.widgets.sort(key=lambda w: (w.order, w.title))
        self.action_sources.sort(key=lambda s: (s.order, s.label))
        self._check_references()

    def _check_references(self) -> None:
        declarations: list[MenuItem | Widget | ActionSource | ActivityCounter | RecordType | DocumentType] = [
            *self.menu_items,
            *self.widgets,
            *self.action_sources,
            *self.activity_counters,
            *self.record_types.values(),
            *self.document_types.values(),
        ]
        for decl in declarations:
            if decl.permission not in self.permissions:
                raise PluginError(
                    f"plugin {decl.module!r} declares {type(decl).__name__} {decl.key!r} with "
                    f"unknown permission {decl.permission!r}"
                )
        for kind in self.record_types.values():
            if kind.staff_permission and kind.staff_permission not in self.permissions:
                raise PluginError(
                    f"plugin {kind.module!r} declares RecordType {kind.key!r} with unknown staff permission "
                    f"{kind.staff_permission!r}"
                )
        for document in self.document_types.values():
            self._check_document_type(document)

    def _check_document_type(self, document: DocumentType) -> None:
        from core.db import CustomerOwned

        kind = self.record_types.get(document.record_type)
        if kind is None:
            raise PluginError(
                f"plugin {document.module!r} declares DocumentType {document.key!r} for unknown record type "
                f"{document.record_type!r}"
            )
        if not issubclass(kind.model, CustomerOwned):
            raise PluginError(
                f"plugin {document.module!r} declares DocumentType {document.key!r} for {kind.key!r}, whose "
                "model is not customer-owned: a document is sent to one customer account"
            )
        email = document.email_template or "core.document_sent"
        if email not in self.email_templates:
            raise PluginError(
                f"plugin {document.module!r} declares DocumentType {document.key!r} with unknown email template "
                f"{email!r}"
            )


def _manifest_of(name: str, obj: Any) -> Manifest:
    manifest = getattr(obj, "manifest", None)
    if not isinstance(manifest, Manifest):
        raise PluginError(f"plugin {name!r} has no manifest (a core.Manifest named 'manifest')")
    return manifest


def _check_core_version(manifest: Manifest) -> None:
    try:
        supported = SpecifierSet(manifest.core)
    except InvalidSpecifier as exc:
        raise PluginError(f"plugin {manifest.name!r} has an invalid core range {manifest.core!r}") from exc
    if not supported.contains(__version__, prereleases=True):
        raise PluginError(f"plugin {manifest.name!r} supports Portico {manifest.core}, not {__version__}")


def _hook_names(obj: Any) -> tuple[str, ...]:
    return tuple(
        name
        for name, value in inspect.getmembers(obj)
        if name.startswith("portico_") and callable(value) and hasattr(value, "portico_impl")
    )


def build_plugin_set(
    *,
    only: Iterable[str] | None = None,
    extra: Sequence[ModuleType | object] = (),
    skip_broken: bool = False,
    discover: Callable[[], list[tuple[str, Callable[[], Any]]]] = discover_entry_points,
) -> PluginSet:
    """Build the plugin manager for one app: specs, discovery, ordering, registration, checks.

    ``only`` restricts the installed plugins to those names (the kernel is always installed).
    ``extra`` adds plugin objects that are not installed through entry points (tests).
    """
    from core import builtin

    pm = pluggy.PluginManager("portico")
    pm.add_hookspecs(hookspecs)

    candidates: list[tuple[str, Any]] = []
    for ep_name, loader in discover():
        if only is not None and ep_name not in set(only):
            continue
        obj = _load(ep_name, loader, skip_broken)
        if obj is not None:
            candidates.append((ep_name, obj))
    candidates += [(getattr(obj, "__name__", repr(obj)), obj) for obj in extra]

    objects: dict[str, Any] = {CORE_MODULE: builtin}
    manifests = [builtin.manifest]
    for label, obj in candidates:
        manifest = _manifest_of(label, obj)
        _check_core_version(manifest)
        if manifest.name in objects:
            raise PluginError(f"two plugins are named {manifest.name!r}")
        objects[manifest.name] = obj
        manifests.append(manifest)
    if only is not None:
        unknown = set(only) - {m.name for m in manifests} - {name for name, _ in candidates}
        if unknown:
            raise PluginError(f"configured plugins are not installed: {', '.join(sorted(unknown))}")

    ordered = order_by_depends(manifests)
    loaded: list[LoadedPlugin] = []
    try:
        for manifest in ordered:
            obj = objects[manifest.name]
            pm.register(obj, name=manifest.name)
            loaded.append(LoadedPlugin(manifest=manifest, module=obj, hooks=_hook_names(obj)))
        pm.check_pending()
    except pluggy.PluginValidationError as exc:
        name = pm.get_name(exc.plugin) if exc.plugin is not None else "?"
        raise PluginError(f"plugin {name!r} has a hook implementation that matches no spec: {exc}") from exc
    plugin_set = PluginSet(pm=pm, plugins=loaded)
    plugin_set.collect()
    return plugin_set
