"""The portal settings' part of the kernel plugin: permissions, the "Settings" menu entry, pages."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from core.declarations import VENDOR_ADMIN, MenuItem, Permission
from core.i18n import N_
from core.settings_admin.pages import (
    ModuleSettingsController,
    SecurityController,
    SettingsHubController,
    branding_logo,
)


def portico_permissions() -> Sequence[Permission]:
    return [
        Permission(
            "core.admin.settings", N_("Open the portal settings"), default_roles=(VENDOR_ADMIN,), audience="staff"
        ),
        Permission(
            "core.admin.security",
            N_("Change sign-in security settings"),
            default_roles=(VENDOR_ADMIN,),
            audience="staff",
        ),
    ]


def portico_menu_items() -> Sequence[MenuItem]:
    return [MenuItem("settings", N_("Settings"), "/admin/settings", "core.admin.settings", order=5, section="admin")]


def portico_routes() -> Sequence[Any]:
    return [SettingsHubController, ModuleSettingsController, SecurityController, branding_logo]
