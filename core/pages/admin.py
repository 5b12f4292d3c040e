"""The vendor admin's kernel pages: modules, roles, branding, dashboard widgets, customer messages."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException, ValidationException
from litestar.params import FromPath
from litestar.response import Redirect
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from core.accounts import AccountError, set_module_enabled, set_role_permissions
from core.api import create_api_token
from core.branding import DATE_FORMATS, LANGUAGES, Branding, validate_branding
from core.context import Ctx
from core.dashboard import in_tenant_order, move_item
from core.db import utcnow
from core.i18n import N_, resolve_language
from core.integers import is_whole_number
from core.models import ApiToken, ContactRequest, Role, RolePermission, Tenant
from core.settings_admin.logo import IMAGE_TYPES, LogoError, check_logo, uploaded_logo
from core.tenancy import bump_config_version
from core.web.forms import form_data, form_lists
from core.web.rendering import Page, render
from core.web.sessions import flash, stash, unstash


class ModulesController(Controller):
    path = "/admin/modules"
    opt = {"permission": "core.admin.modules"}

    @get("/")
    async def show(self, ctx: Ctx) -> Page:
        modules = [(p, ctx.state.is_enabled(p.name)) for p in ctx.portico.plugins.modules]
        with_settings = {name for name, fields in ctx.portico.plugins.settings_fields.items() if fields}
        return await render(ctx, "core/admin/modules.html", modules=modules, with_settings=with_settings)

    @post("/{module:str}")
    async def toggle(self, ctx: Ctx, module: FromPath[str], request: Request[Any, Any, Any]) -> Redirect:
        form = await form_data(request)
        if form.get("enabled") not in ("0", "1"):
            raise ValidationException(N_("Say whether the module should be on (enabled=1) or off (enabled=0)."))
        enabled = form.get("enabled") == "1"
        plugin = ctx.portico.plugins.get(module)
        if plugin is None or module == "core":
            raise NotFoundException()
        try:
            await set_module_enabled(ctx.db, ctx.portico.plugins, ctx.tenant.id, module, enabled)
        except AccountError as refused:  # a dependency is off, or a dependant is on
            flash(ctx.session, str(refused), "error")
            await ctx.db.commit()
            return Redirect("/admin/modules")
        label = ctx._(plugin.manifest.label)
        message = N_("{module} is now on for your portal.") if enabled else N_("{module} is now off for your portal.")
        flash(ctx.session, ctx._(message, module=label))
        await ctx.db.commit()
        return Redirect("/admin/modules")


class RolesController(Controller):
    path = "/admin/roles"
    opt = {"permission": "core.admin.roles"}

    def _matrix(self, ctx: Ctx) -> list[tuple[str, list[Any]]]:
        """Permissions of enabled modules, grouped by module in plugin order."""
        plugins = ctx.portico.plugins
        groups = []
        for plugin in plugins.plugins:
            if not ctx.state.is_enabled(plugin.name):
                continue
            perms = [p for p in plugins.permissions.values() if p.module == plugin.name]
            if perms:
                groups.append((plugin.manifest.label, perms))
        return groups

    async def _roles(self, ctx: Ctx) -> list[tuple[Role, set[str]]]:
        roles = list((await ctx.db.execute(select(Role).order_by(Role.audience.desc(), Role.id))).scalars())
        grants: dict[int, set[str]] = {}
        for role_id, perm in await ctx.db.execute(select(RolePermission.role_id, RolePermission.permission)):
            grants.setdefault(role_id, set()).add(perm)
        return [(role, grants.get(role.id, set())) for role in roles]

    @get("/")
    async def show(self, ctx: Ctx) -> Page:
        return await render(ctx, "core/admin/roles.html", groups=self._matrix(ctx), roles=await self._roles(ctx))

    @post("/")
    async def save(self, ctx: Ctx, request: Request[Any, Any, Any]) -> Redirect:
        """The form sends ``grant`` values as ``<role id>:<permission>`` for every ticked box.

        Everything is checked before anything is written, so a refused save changes nothing.
        """
        assert ctx.user is not None
        submitted = await form_lists(request)
        wanted: dict[int, set[str]] = {}
        for value in submitted.get("grant", []):
            role_id, _, perm = value.partition(":")
            if is_whole_number(role_id):
                wanted.setdefault(int(role_id), set()).add(perm)
        roles = [role for role, _ in await self._roles(ctx)]
        problem = self._problem(ctx, roles, wanted)
        if problem:
            flash(ctx.session, problem, "error")
            await ctx.db.commit()
            return Redirect("/admin/roles")
        for role in roles:
            await set_role_permissions(
                ctx.db, ctx.portico.plugins, role.id, wanted.get(role.id, set()), ctx.state.enabled_modules
            )
        flash(ctx.session, ctx._("Roles saved. They apply from the next page each user opens."))
        await ctx.db.commit()
        return Redirect("/admin/roles")

    def _problem(self, ctx: Ctx, roles: list[Role], wanted: dict[int, set[str]]) -> str | None:
        permissions = ctx.portico.plugins.permissions
        editable = ctx.state.live_permissions
        if set(wanted) - {role.id for role in roles}:
            return ctx._("That role does not exist.")
        for role in roles:
            asked = wanted.get(role.id, set())
            unknown = asked - editable
            if unknown:
                return ctx._(
                    "Unknown or switched-off permissions: {permissions}.", permissions=", ".join(sorted(unknown))
                )
            wrong = {key for key in asked if permissions[key].audience not in ("any", role.audience)}
            if wrong:
                return ctx._(
                    "{role} cannot hold {permissions}.", role=ctx._(role.name), permissions=", ".join(sorted(wrong))
                )
        assert ctx.user is not None
        if "core.admin.roles" not in wanted.get(ctx.user.role_id, set()):
            return ctx._(
                "Your own role must keep “{permission}”, or nobody could undo this.",
                permission=ctx._("Edit roles and permissions"),
            )
        return None


class BrandingController(Controller):
    path = "/admin/branding"
    opt = {"permission": "core.admin.branding"}

    async def _page(self, ctx: Ctx, form: dict[str, Any], errors: dict[str, str], status: int = 200) -> Page:
        return await render(
            ctx,
            "core/admin/branding.html",
            status_code=status,
            form=form,
            errors=errors,
            date_formats=DATE_FORMATS,
            languages=LANGUAGES,
        )

    @get("/")
    async def show(self, ctx: Ctx) -> Page:
        form = Branding.from_dict(ctx.tenant.branding, default_name=ctx.tenant.name).to_dict()
        form["nav_links"] = "\n".join(f"{label} | {url}" for label, url in form["nav_links"])
        return await self._page(ctx, form, {})

    @post("/")
    async def save(self, ctx: Ctx, request: Request[Any, Any, Any]) -> Page | Redirect:
        """The form is multipart: the texts, plus an optional new logo file or "remove logo"."""
        form = await form_data(request)
        values, errors = validate_branding(form, ctx._)
        upload = await uploaded_logo(request)
        old = Branding.from_dict(ctx.tenant.branding)
        form = {**form, "logo_key": old.logo_key}
        logo: tuple[bytes, str] | None = None
        if upload:
            try:
                logo = (upload, check_logo(upload))
            except LogoError as refused:
                errors["logo_file"] = ctx._(str(refused))
        if errors:
            return await self._page(ctx, form, errors, status=400)
        keep = bool(old.logo_key) and not form.get("remove_logo") and logo is None
        values["logo_key"], values["logo_type"] = (old.logo_key, old.logo_type) if keep else ("", "")
        if logo is not None:
            values["logo_key"] = await ctx.storage.save(ctx.tenant.id, logo[0], suffix=IMAGE_TYPES[logo[1]])
            values["logo_type"] = logo[1]
        tenant = await ctx.db.get(Tenant, ctx.tenant.id)
        assert tenant is not None
        tenant.branding = values
        await bump_config_version(ctx.db, tenant.id)
        # Read on the next page, which is already in the portal's new language (unless the user chose one).
        language = resolve_language(ctx.user.language if ctx.user else None, values["language"])
        flash(ctx.session, ctx.portico.plugins.translations.gettext(language, N_("Branding saved.")))
        await ctx.db.commit()
        if old.logo_key and old.logo_key != values["logo_key"]:
            await ctx.storage.delete(old.logo_key)  # only once the new branding is committed
        return Redirect("/admin/branding")


class DashboardSettingsController(Controller):
    path = "/admin/dashboard"
    opt = {"permission": "core.admin.dashboard"}

    @get("/")
    async def show(self, ctx: Ctx) -> Page:
        widgets = in_tenant_order(ctx, [w for w in ctx.portico.plugins.widgets if ctx.state.is_enabled(w.module)])
        return await render(ctx, "core/admin/dashboard.html", widgets=widgets, hidden=ctx.state.hidden_widgets)

    @post("/")
    async def save(self, ctx: Ctx, request: Request[Any, Any, Any]) -> Redirect:
        submitted = await form_lists(request)
        known = {w.key for w in ctx.portico.plugins.widgets}
        # Only the cards that were on the form change: those of modules switched off keep their
        # saved place and visibility for when the module comes back.
        listed = [key for key in submitted.get("order", []) if key in known]
        # Without JavaScript the arrows are submit buttons: move the card, save, show the form again.
        direction, _, moved = (submitted.get("move") or [""])[0].partition(":")
        if moved in listed and direction in ("up", "down"):
            listed = move_item(listed, moved, -1 if direction == "up" else 1)
        shown = set(submitted.get("show", [])) & set(listed)
        tenant = await ctx.db.get(Tenant, ctx.tenant.id)
        assert tenant is not None
        saved = tenant.settings or {}
        hidden = (set(saved.get("hidden_widgets", ())) - set(listed)) | (set(listed) - shown)
        order = listed + [key for key in saved.get("widget_order", ()) if key not in listed]
        tenant.settings = {**saved, "hidden_widgets": sorted(hidden), "widget_order": order}
        await bump_config_version(ctx.db, tenant.id)
        flash(ctx.session, ctx._("Card moved.") if moved in listed else ctx._("Dashboard settings saved."))
        await ctx.db.commit()
        return Redirect("/admin/dashboard")


class ContactRequestsController(Controller):
    path = "/admin/messages"
    opt = {"permission": "core.admin.contact_requests"}

    @get("/")
    async def show(self, ctx: Ctx) -> Page:
        rows = await ctx.db.execute(
            select(ContactRequest)
            .options(selectinload(ContactRequest.user), selectinload(ContactRequest.customer))
            .order_by(ContactRequest.handled, ContactRequest.created_at.desc())
            .limit(200)
        )
        return await render(ctx, "core/admin/messages.html", messages=list(rows.scalars()))

    @post("/{message_id:int}/handled")
    async def mark_handled(self, ctx: Ctx, message_id: FromPath[int]) -> Redirect:
        message = await ctx.db.get(ContactRequest, message_id)
        if message is None:
            raise NotFoundException()
        message.handled = True
        flash(ctx.session, ctx._("Marked as handled."))
        await ctx.db.commit()
        return Redirect("/admin/messages")


class ApiTokensController(Controller):
    path = "/admin/api-tokens"
    opt = {"permission": "core.admin.api_tokens"}

    def _grantable(self, ctx: Ctx) -> list[Any]:
        """What a token may hold: permissions of enabled modules that are not customer-only and
        that the admin holds themselves (a token never gives more than its creator has)."""
        return [
            perm
            for key, perm in ctx.portico.plugins.permissions.items()
            if key in ctx.state.live_permissions and perm.audience != "customer" and ctx.can(key)
        ]

    async def _page(self, ctx: Ctx, status: int = 200, **context: Any) -> Page:
        tokens = (
            await ctx.db.execute(select(ApiToken).order_by(ApiToken.revoked_at.is_not(None), ApiToken.id))
        ).scalars()
        context.setdefault("form", {})
        context.setdefault("errors", {})
        context.setdefault("chosen", [])
        return await render(
            ctx,
            "core/admin/api_tokens.html",
            status_code=status,
            tokens=list(tokens),
            grantable=self._grantable(ctx),
            **context,
        )

    @get("/")
    async def show(self, ctx: Ctx) -> Page:
        new = unstash(ctx.session, "new_api_token")  # shown on this one page view, then gone
        if new:
            await ctx.db.commit()
            return await self._page(ctx, new_secret=new["secret"], new_name=new["name"])
        return await self._page(ctx)

    @post("/")
    async def create(self, ctx: Ctx, request: Request[Any, Any, Any]) -> Page | Redirect:
        submitted = await form_lists(request)
        name = (submitted.get("name") or [""])[0]
        chosen = submitted.get("permission", [])
        try:
            token, secret = await create_api_token(
                ctx.db,
                name=name,
                permissions=chosen,
                allowed=[p.key for p in self._grantable(ctx)],
                created_by=ctx.user.id if ctx.user else None,
            )
        except AccountError as refused:
            return await self._page(ctx, 400, form={"name": name}, chosen=chosen, errors={"token": ctx._(str(refused))})
        stash(ctx.session, "new_api_token", {"name": token.name, "secret": secret})
        await ctx.db.commit()
        return Redirect("/admin/api-tokens")  # a reload of the result page cannot mint a second token

    @post("/{token_id:int}/revoke")
    async def revoke(self, ctx: Ctx, token_id: FromPath[int]) -> Redirect:
        token = await ctx.db.get(ApiToken, token_id)
        if token is None:
            raise NotFoundException()
        token.revoked_at = token.revoked_at or utcnow()
        flash(
            ctx.session,
            ctx._("Token “{name}” is revoked; requests signed with it are refused from now on.", name=token.name),
        )
        await ctx.db.commit()
        return Redirect("/admin/api-tokens")
