"""Templates: the Jinja environment (tenant theme, plugins, core) and the page renderer."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import (
    BaseLoader,
    BytecodeCache,
    ChoiceLoader,
    DictLoader,
    Environment,
    FileSystemLoader,
    pass_context,
    select_autoescape,
)
from jinja2.bccache import Bucket
from jinja2.runtime import Context
from litestar import Response
from litestar.enums import MediaType
from litestar.types import Empty
from litestar.utils.scope.state import ScopeState
from markupsafe import Markup, escape

from core.context import RequestContext
from core.declarations import MenuItem
from core.i18n import interpolate
from core.money import format_money, format_quantity
from core.web.security import csp_nonce
from core.web.sessions import pop_flashes

log = logging.getLogger("portico.web")
#: What a page handler returns: ``async def index(self, ctx: Ctx) -> Page: return await render(...)``.
Page = Response[str]
CORE_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


class SharedBytecode(BytecodeCache):
    """Compiled templates shared by every environment in the process, keyed by template file and
    source checksum: each app built in one process (a test, a worker's overlay) would otherwise
    compile every template again on first use."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


_BYTECODE = SharedBytecode()


def make_environment(plugin_dirs: Sequence[Path], inline: dict[str, str] | None = None) -> Environment:
    """Templates are looked up in each plugin's folder, then the kernel's (a tenant's theme comes
    first through :class:`ThemedTemplates`)."""
    loaders: list[BaseLoader] = [FileSystemLoader(str(f)) for f in [*plugin_dirs, CORE_TEMPLATES]]
    if inline:
        loaders.insert(0, DictLoader(inline))
    env = Environment(
        loader=ChoiceLoader(loaders),
        autoescape=select_autoescape(default=True, default_for_string=True),
        auto_reload=False,  # templates ship with the code; no stat() per render
        bytecode_cache=_BYTECODE,
    )
    env.filters["date"] = format_date
    env.filters["datetime"] = format_datetime
    env.filters["safe_url"] = safe_url
    env.filters["money"] = format_money  # {{ quote.total_minor | money(quote.currency) }}
    env.filters["quantity"] = format_quantity  # {{ line.quantity | quantity }}: 40, 2.5, never 4E+1
    env.filters["nl2br"] = lambda text: Markup("<br>").join(escape(text or "").split("\n"))
    env.globals["_"] = translate
    env.globals["csp_nonce"] = template_nonce
    return env


@pass_context
def template_nonce(context: Context) -> str:
    """``<script nonce="{{ csp_nonce() }}">``: an inline script or style the page's policy lets run."""
    request = context.get("request") or getattr(context.get("ctx"), "request", None)
    return csp_nonce(request.scope) if request is not None else ""


class ThemedTemplates:
    """The environment for each tenant: its theme folder (if it has one) in front of the base.

    Each themed tenant gets an overlay environment with its own template cache, so one vendor's
    override never leaks into another's pages.
    """

    def __init__(self, base: Environment, theme_dir: Path | None) -> None:
        self.base = base
        self.theme_dir = theme_dir
        self._overlays: dict[str, Environment] = {}

    def for_tenant(self, slug: str) -> Environment:
        if self.theme_dir is None:
            return self.base
        env = self._overlays.get(slug)
        if env is None:
            folder = self.theme_dir / slug
            env = self.base
            if folder.is_dir():
                loaders: list[BaseLoader] = [FileSystemLoader(str(folder))]
                loaders += [self.base.loader] if self.base.loader else []
                env = self.base.overlay(loader=ChoiceLoader(loaders))
            self._overlays[slug] = env
        return env


def html_response(
    env: Environment, template: str, context: dict[str, Any], request: Any, status_code: int = 200
) -> Response[str]:
    """Render a page with what Litestar's template responses provide (request, CSRF token)."""
    token = ScopeState.from_scope(request.scope).csrf_token if request is not None else None
    token = "" if token is Empty or token is None else str(token)
    html = env.get_template(template).render(
        **context,
        request=request,
        csrf_input=Markup('<input type="hidden" name="_csrf_token" value="%s">') % token,
        csrf_token=lambda: token,
    )
    return Response(html, media_type=MediaType.HTML, status_code=status_code)


@pass_context
def translate(context: Context, msgid: str, /, **values: Any) -> str:
    """``{{ _("Welcome, {name}.", name=user.first_name) }}`` in the language of the template's ``ctx``.

    A template without a ``ctx`` (or a macro imported without ``with context``) shows English.
    In an autoescaping template the result is Markup with the values escaped, so a value may be
    Markup itself (``name="<b>%s</b>"|safe % user.name``) to keep its tags.
    """
    if not isinstance(msgid, str):  # data that may be missing (None) shows as it would without _()
        return msgid
    ctx = context.get("ctx")
    if ctx is None:
        text = msgid
    else:
        # A plugin's templates live under "<plugin>/...": they get the plugin's own wording first.
        module = context.name.split("/", 1)[0] if context.name else None
        text = ctx.portico.plugins.translations.lookup(ctx.language, msgid, module)
    return interpolate(text, msgid, values, markup=context.eval_ctx.autoescape)


def safe_url(url: str | None) -> str:
    """A link target from data: a same-site path or an http(s) address, never ``javascript:``."""
    url = (url or "").strip()
    if url.startswith("/") and not url.startswith("//"):
        return url
    if url.lower().startswith(("https://", "http://")):
        return url
    return "#"


def format_date(value: dt.date | dt.datetime | None, fmt: str | None = None) -> str:
    if value is None:
        return ""
    return value.strftime(fmt or "%Y-%m-%d")


def format_datetime(value: dt.datetime | None, ctx: RequestContext | None = None) -> str:
    """A timestamp in the user's time zone and the vendor's date format."""
    if value is None:
        return ""
    fmt = "%Y-%m-%d"
    zone = "UTC"
    if ctx is not None:
        fmt = ctx.branding.date_format
        zone = ctx.user.timezone if ctx.user else "UTC"
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    try:
        value = value.astimezone(ZoneInfo(zone))
    except Exception:  # an unknown zone in old data must not break a page
        value = value.astimezone(dt.UTC)
    return value.strftime(f"{fmt} %H:%M")


@dataclass(frozen=True)
class MenuEntry:
    item: MenuItem
    badge: int | None
    active: bool
    failed: bool = False
    #: The entries grouped under this one, and whether the group is unfolded (it or one of them is active).
    children: tuple[MenuEntry, ...] = ()
    open: bool = False


async def menu_for(ctx: RequestContext, section: str) -> list[MenuEntry]:
    """The menu entries of enabled modules the user may see, with their badges awaited, grouped
    under their parents. The active entry is the one whose address matches the page most closely."""
    path = ctx.request.url.path if ctx.request is not None else ""
    items = [
        item
        for item in ctx.portico.plugins.menu_items
        if item.section == section and ctx.state.is_enabled(item.module) and ctx.can(item.permission)
    ]
    matching = [item for item in items if _leads_to(path, item.url)]
    current = max(matching, key=lambda item: len(item.url)) if matching else None
    flat: dict[str, MenuEntry] = {}
    for item in items:
        badge, failed = None, False
        if item.badge is not None:
            try:
                badge = await ctx.isolated(item.badge)
            except Exception:
                log.exception("menu badge %r of plugin %r failed", item.key, item.module)
                failed = True
        flat[f"{item.module}.{item.key}"] = MenuEntry(item=item, badge=badge, active=item is current, failed=failed)
    children: dict[str, list[MenuEntry]] = {}
    for name, entry in flat.items():
        parent = _parent_of(entry.item, flat)
        if parent is not None and parent != name:
            children.setdefault(parent, []).append(entry)
    nested = {id(child) for group in children.values() for child in group}
    return [
        replace(entry, children=tuple(group), open=entry.active or any(child.active for child in group))
        for name, entry in flat.items()
        if id(entry) not in nested
        for group in [children.get(name, [])]
    ]


def _parent_of(item: MenuItem, visible: dict[str, MenuEntry]) -> str | None:
    """The visible entry ``item.parent`` names: ``"key"`` in the item's own module, or ``"module.key"``."""
    if not item.parent:
        return None
    for name in (f"{item.module}.{item.parent}", item.parent):
        if name in visible:
            return name
    return None


def _leads_to(path: str, url: str) -> bool:
    """``/quotes`` leads to ``/quotes/7`` but not to ``/quotes-archive``; ``/`` only to itself."""
    base = url.split("?", 1)[0].rstrip("/")
    return path == url or (bool(base) and (path == base or path.startswith(base + "/")))


async def render(ctx: RequestContext, template: str, *, status_code: int = 200, **context: Any) -> Page:
    """A full page: the template inside the base layout, with menu, branding and messages."""
    flashes = pop_flashes(ctx.session)
    if flashes:
        await ctx.db.commit()
    layout = {
        "menu": await menu_for(ctx, "portal") if ctx.user else [],
        "admin_menu": await menu_for(ctx, "admin") if ctx.user else [],
        "flashes": flashes,
    }
    return html_response(
        ctx.templates,
        template,
        {"ctx": ctx, "layout": layout, "branding": ctx.branding, **context},
        ctx.request,
        status_code,
    )
