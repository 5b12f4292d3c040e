"""``portico db upgrade``: Alembic over the kernel's and every installed plugin's version tree.

A plugin keeps its versions in ``<package>/migrations/versions/``; its first revision carries
``branch_labels = ("<plugin name>",)`` and ``depends_on = "core"``.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

from core.plugins import PluginSet

HERE = Path(__file__).resolve().parent / "migrations"


def alembic_config(url: str, plugins: PluginSet) -> Config:
    config = Config()
    config.set_main_option("script_location", str(HERE))
    config.set_main_option("path_separator", "os")
    folders = [str(HERE / "versions")] + [
        str(p.migrations_dir) for p in plugins.plugins if p.name != "core" and p.migrations_dir
    ]
    config.set_main_option("version_locations", ":".join(folders))
    config.attributes["url"] = url
    return config


def upgrade(url: str, plugins: PluginSet) -> None:
    """Bring the database to the newest schema of everything installed. Call outside an event loop.

    On PostgreSQL the upgrade is refused (and rolled back) when a table with a ``tenant_id`` is
    left without row-level security (:mod:`core.row_security`).
    """
    config = alembic_config(url, plugins)
    config.attributes["check_row_security"] = True
    command.upgrade(config, "heads")


def make_revision(url: str, plugins: PluginSet, plugin: str, message: str) -> None:
    """Autogenerate the next revision of ``plugin``'s tree (``portico db revision``)."""
    loaded = plugins.get(plugin)
    if loaded is None:
        raise SystemExit(f"no installed plugin is called {plugin!r}")
    config = alembic_config(url, plugins)
    folder = HERE / "versions" if plugin == "core" else loaded.migrations_dir
    if folder is None:
        raise SystemExit(f"create {plugin}/migrations/versions/ first")
    has_history = any(not p.name.startswith("__") for p in folder.glob("*.py"))
    config.attributes["table_prefix"] = f"{plugin}_"
    command.revision(
        config,
        message=message,
        autogenerate=True,
        head=f"{plugin}@head" if has_history else "base",
        branch_label=None if has_history else plugin,
        version_path=str(folder),
        depends_on=None if has_history or plugin == "core" else "core",
    )
