"""The settings hub: one page linking every settings page the signed-in admin may open."""

from __future__ import annotations

from dataclasses import dataclass

from core.context import RequestContext
from core.i18n import N_


@dataclass(frozen=True)
class SettingsLink:
    label: str
    url: str
    description: str
    permission: str


KERNEL_LINKS = (
    SettingsLink(
        N_("Modules"), "/admin/modules", N_("Switch modules on and off for your portal."), "core.admin.modules"
    ),
    SettingsLink(N_("Roles"), "/admin/roles", N_("Choose what each role may see and do."), "core.admin.roles"),
    SettingsLink(
        N_("Branding"),
        "/admin/branding",
        N_("Portal name, logo, colour, texts, links and custom CSS."),
        "core.admin.branding",
    ),
    SettingsLink(
        N_("Dashboard cards"),
        "/admin/dashboard",
        N_("Which cards the dashboard shows, and in which order."),
        "core.admin.dashboard",
    ),
    SettingsLink(
        N_("Security"), "/admin/security", N_("How long sign-ins last for your portal."), "core.admin.security"
    ),
    SettingsLink(
        N_("API tokens"), "/admin/api-tokens", N_("Tokens for integrations such as your ERP."), "core.admin.api_tokens"
    ),
    SettingsLink(
        N_("Email templates"),
        "/admin/email-templates",
        N_("The wording of the emails the portal sends."),
        "core.admin.email_templates",
    ),
    SettingsLink(N_("Outbox"), "/admin/outbox", N_("Emails sent and waiting to be sent."), "core.admin.outbox"),
)


def kernel_links(ctx: RequestContext) -> list[SettingsLink]:
    """The kernel's settings pages the user may open; pages of services not installed are left out."""
    declared = ctx.portico.plugins.permissions
    return [link for link in KERNEL_LINKS if link.permission in declared and ctx.can(link.permission)]


def module_links(ctx: RequestContext) -> list[tuple[str, str]]:
    """(module label, settings page) of each enabled module that declares settings fields."""
    if not ctx.can("core.admin.modules"):
        return []
    plugins = ctx.portico.plugins
    return [
        (plugin.manifest.label, f"/admin/modules/{plugin.name}/settings")
        for plugin in plugins.plugins
        if plugins.settings_fields.get(plugin.name) and ctx.state.is_enabled(plugin.name)
    ]
