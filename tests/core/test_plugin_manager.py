"""Discovery, ordering and the start-up checks of the plugin manager."""

from __future__ import annotations

import types

import pytest
from litestar import get

from core import Manifest, Permission, hookimpl
from core.app import Portico, create_app
from core.plugins import PluginError, build_plugin_set
from core.web.access import RouteWithoutPermissionError


def plugin(name: str, depends: tuple[str, ...] = (), **hooks) -> types.ModuleType:
    module = types.ModuleType(f"fake_{name}")
    module.manifest = Manifest(name=name, label=name.title(), version="1.0", depends=depends)
    for hook, function in hooks.items():
        setattr(module, hook, hookimpl(function))
    return module


def entry_points(*plugins):
    return lambda: [(p.manifest.name, (lambda p=p: p)) for p in plugins]


def test_plugins_are_ordered_by_depends():
    found = build_plugin_set(
        discover=entry_points(plugin("zeta", ("alpha",)), plugin("alpha"), plugin("mid", ("zeta",)))
    )
    assert found.names == ["core", "alpha", "zeta", "mid"]


def test_missing_dependency_stops_start_up_naming_both():
    with pytest.raises(PluginError, match="'quotes' depends on 'payments', which is not installed"):
        build_plugin_set(discover=entry_points(plugin("quotes", ("payments",))))


def test_dependency_cycle_stops_start_up_naming_the_cycle():
    with pytest.raises(PluginError, match="cycle: a -> b -> a"):
        build_plugin_set(discover=entry_points(plugin("a", ("b",)), plugin("b", ("a",))))


def test_misspelt_hook_stops_start_up_naming_the_plugin():
    broken = plugin("typo", portico_widget=lambda: [])  # the spec is portico_widgets
    with pytest.raises(PluginError, match="'typo' has a hook implementation that matches no spec"):
        build_plugin_set(discover=entry_points(broken))


def test_plugin_that_fails_to_import_stops_start_up_naming_it():
    def explode():
        raise ImportError("No module named 'reportlab'")

    with pytest.raises(PluginError, match="plugin 'fancy' failed to import: ImportError"):
        build_plugin_set(discover=lambda: [("fancy", explode)])


def test_deployment_may_skip_a_broken_plugin(caplog):
    def explode():
        raise ImportError("boom")

    found = build_plugin_set(discover=lambda: [("fancy", explode), ("ok", lambda: plugin("ok"))], skip_broken=True)
    assert found.names == ["core", "ok"]
    assert "fancy" in caplog.text


def test_deployment_restricts_installed_plugins():
    found = build_plugin_set(only=["b"], discover=entry_points(plugin("a"), plugin("b")))
    assert found.names == ["core", "b"]
    with pytest.raises(PluginError, match="not installed: nope"):
        build_plugin_set(only=["nope"], discover=entry_points(plugin("a")))


def test_plugin_without_manifest_is_refused():
    with pytest.raises(PluginError, match="'bare' has no manifest"):
        build_plugin_set(discover=lambda: [("bare", lambda: types.ModuleType("bare"))])


def test_permission_declared_twice_is_refused():
    perms = lambda: [Permission("core.dashboard", "Again")]  # noqa: E731
    with pytest.raises(PluginError, match="declared twice"):
        build_plugin_set(discover=entry_points(plugin("dup", portico_permissions=perms)))


def test_menu_item_with_unknown_permission_is_refused():
    from core import MenuItem

    items = lambda: [MenuItem("x", "X", "/x", "x.nothing")]  # noqa: E731
    with pytest.raises(PluginError, match="unknown permission 'x.nothing'"):
        build_plugin_set(discover=entry_points(plugin("x", portico_menu_items=items)))


def test_permission_module_is_filled_from_the_declaring_plugin():
    perms = lambda: [Permission("shop.buy", "Buy")]  # noqa: E731
    found = build_plugin_set(discover=entry_points(plugin("shop", portico_permissions=perms)))
    assert found.permissions["shop.buy"].module == "shop"


def test_app_refuses_to_start_when_a_route_has_no_permission(tmp_path):
    @get("/open-door", sync_to_thread=False)
    def open_door() -> str:
        return "anyone"

    unguarded = plugin("leaky", portico_routes=lambda: [open_door])
    plugins = build_plugin_set(discover=entry_points(unguarded))
    portico = Portico.build(_settings(tmp_path), plugins=plugins)
    with pytest.raises(RouteWithoutPermissionError, match="GET /open-door declares no permission"):
        create_app(portico=portico)


def test_app_refuses_a_route_guarded_by_an_undeclared_permission(tmp_path):
    @get("/typo", opt={"permission": "leaky.veiw"}, sync_to_thread=False)
    def typo() -> str:
        return "x"

    plugins = build_plugin_set(discover=entry_points(plugin("leaky", portico_routes=lambda: [typo])))
    with pytest.raises(RouteWithoutPermissionError, match="unknown permission 'leaky.veiw'"):
        create_app(portico=Portico.build(_settings(tmp_path), plugins=plugins))


def test_every_route_of_the_installed_app_is_public_or_has_a_known_permission(app, portico):
    known = set(portico.plugins.permissions)
    for route in app.routes:
        for handler in route.route_handlers:
            opt = handler.opt
            if set(handler.http_methods) == {"OPTIONS"}:
                continue
            needed = opt.get("permission")
            needed = (needed,) if isinstance(needed, str) else tuple(needed or ())
            assert opt.get("public") or opt.get("tenantless") or (needed and set(needed) <= known), route.path


def test_two_apps_side_by_side_have_their_own_plugins(tmp_path):
    one = build_plugin_set(discover=entry_points(plugin("one")))
    two = build_plugin_set(discover=entry_points(plugin("two")))
    assert one.pm is not two.pm
    assert one.names == ["core", "one"] and two.names == ["core", "two"]


def _settings(tmp_path):
    from core.settings import Settings

    return Settings(database_url=f"sqlite+aiosqlite:///{tmp_path}/x.db", secret_key="s", data_dir=tmp_path)
