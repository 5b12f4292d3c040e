"""Pages of the portal settings: the hub, a module's settings form, security, the served logo."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect
from sqlalchemy import select

from core.context import Ctx
from core.declarations import SettingsField
from core.models import Tenant, TenantModule
from core.settings_admin.hub import kernel_links, module_links
from core.settings_admin.logo import logo_version
from core.settings_admin.module_settings import form_values, validate_settings
from core.settings_admin.security import IDLE_MINUTES, MAX_HOURS, validate_security
from core.storage import StorageError
from core.tenancy import bump_config_version
from core.web.forms import form_data, form_lists
from core.web.rendering import Page, render
from core.web.sessions import flash


class SettingsHubController(Controller):
    path = "/admin/settings"
    opt = {"permission": "core.admin.settings"}

    @get("/")
    async def show(self, ctx: Ctx) -> Page:
        return await render(
            ctx, "core/settings_admin/hub.html", links=kernel_links(ctx), module_links=module_links(ctx)
        )


class ModuleSettingsController(Controller):
    """``/admin/modules/<module>/settings``: the form generated from the module's SettingsFields."""

    path = "/admin/modules/{module:str}/settings"
    opt = {"permission": "core.admin.modules"}

    def _fields(self, ctx: Ctx, module: str) -> list[SettingsField]:
        """The module's fields; a module that is off, unknown or has none has no settings page."""
        fields = ctx.portico.plugins.settings_fields.get(module, [])
        if not fields or ctx.portico.plugins.get(module) is None or not ctx.state.is_enabled(module):
            raise NotFoundException()
        return fields

    async def _page(
        self, ctx: Ctx, module: str, values: dict[str, Any], errors: dict[str, str], status: int = 200
    ) -> Page:
        plugin = ctx.portico.plugins.get(module)
        assert plugin is not None
        return await render(
            ctx,
            "core/settings_admin/module_settings.html",
            status_code=status,
            module=module,
            label=plugin.manifest.label,
            fields=self._fields(ctx, module),
            values=values,
            errors=errors,
        )

    @get("/")
    async def show(self, ctx: Ctx, module: FromPath[str]) -> Page:
        fields = self._fields(ctx, module)
        return await self._page(ctx, module, form_values(fields, ctx.state.module_settings.get(module, {})), {})

    @post("/")
    async def save(self, ctx: Ctx, module: FromPath[str], request: Request[Any, Any, Any]) -> Page | Redirect:
        fields = self._fields(ctx, module)
        values, errors = validate_settings(fields, await form_lists(request), ctx._)
        if errors:
            return await self._page(ctx, module, values, errors, status=400)
        row = (await ctx.db.execute(select(TenantModule).where(TenantModule.module == module))).scalar_one_or_none()
        if row is None:  # the kernel ("core") has no module row of its own
            row = TenantModule(tenant_id=ctx.tenant.id, module=module, enabled=True, settings={})
            ctx.db.add(row)
        # Keys no longer declared are kept: a plugin upgrade that brings a field back finds its value.
        row.settings = {**(row.settings or {}), **values}
        await bump_config_version(ctx.db, ctx.tenant.id)
        label = ctx.portico.plugins.get(module).manifest.label  # type: ignore[union-attr]
        flash(ctx.session, ctx._("Settings of {module} saved.", module=ctx._(label)))
        await ctx.db.commit()
        return Redirect(f"/admin/modules/{module}/settings")


class SecurityController(Controller):
    path = "/admin/security"
    opt = {"permission": "core.admin.security"}

    async def _page(self, ctx: Ctx, form: dict[str, Any], errors: dict[str, str], status: int = 200) -> Page:
        return await render(
            ctx,
            "core/settings_admin/security.html",
            status_code=status,
            form=form,
            errors=errors,
            defaults=ctx.portico.settings,
            idle_range=IDLE_MINUTES,
            max_range=MAX_HOURS,
        )

    @get("/")
    async def show(self, ctx: Ctx) -> Page:
        saved = ctx.tenant.settings or {}
        form = {key: saved.get(key) or "" for key in ("session_idle_minutes", "session_max_hours")}
        return await self._page(ctx, form, {})

    @post("/")
    async def save(self, ctx: Ctx, request: Request[Any, Any, Any]) -> Page | Redirect:
        form = await form_data(request)
        values, errors = validate_security(form, ctx.portico.settings, ctx._)
        if errors:
            return await self._page(ctx, form, errors, status=400)
        tenant = await ctx.db.get(Tenant, ctx.tenant.id)
        assert tenant is not None
        saved = {k: v for k, v in (tenant.settings or {}).items() if k not in values}
        tenant.settings = {**saved, **{k: v for k, v in values.items() if v is not None}}
        await bump_config_version(ctx.db, tenant.id)
        flash(ctx.session, ctx._("Security settings saved. They apply to every session from its next page."))
        await ctx.db.commit()
        return Redirect("/admin/security")


@get("/branding/logo/{version:str}", opt={"public": True})
async def branding_logo(ctx: Ctx, version: FromPath[str]) -> Response[bytes]:
    """The tenant's uploaded logo. Its address changes with each upload, so it may be cached for good."""
    branding = ctx.branding
    if not branding.logo_key or logo_version(branding.logo_key) != version:
        raise NotFoundException()
    try:
        data = await ctx.storage.read(branding.logo_key)
    except StorageError as missing:
        raise NotFoundException() from missing
    return Response(
        data,
        media_type=branding.logo_type,
        headers={
            "Cache-Control": "public, max-age=31536000, immutable",
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "default-src 'none'",
        },
    )
