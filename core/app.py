"""The application factory: one :class:`Portico` (plugins, database, caches) per app instance."""

from __future__ import annotations

import asyncio
import gc
import inspect
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlencode

from jinja2 import Environment
from litestar import Litestar, Request, Response, Router
from litestar.config.csrf import CSRFConfig
from litestar.datastructures import State
from litestar.di import Provide
from litestar.exceptions import HTTPException, NotFoundException
from litestar.middleware.base import DefineMiddleware
from litestar.openapi.config import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme
from litestar.response import Redirect
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from core.context import RequestContext
from core.db import ScopeViolationError, make_engine, make_sessionmaker
from core.documents.render import shutdown_pool
from core.grants import offer_new_permissions
from core.i18n import N_
from core.mail.worker import BackgroundMailWorker
from core.outage import RETRY_AFTER, DatabaseOutage, is_outage
from core.plugins import PluginSet, build_plugin_set
from core.settings import Settings
from core.storage import LocalStorage, Storage
from core.tenancy import TenantStates
from core.uploads import request_body_limit
from core.version import __version__
from core.web.access import (
    API_PREFIX,
    STATE_KEY,
    ContextMiddleware,
    LoginRequiredError,
    access_guard,
    check_route_permissions,
    context_of,
)
from core.web.inputs import IntegerInputError, refuse_nul_in_json
from core.web.openapi import complete_api_schema
from core.web.rendering import ThemedTemplates, html_response, make_environment
from core.web.security import FreshCsrfCookie, security_headers
from core.web.sessions import COOKIE_NAME

log = logging.getLogger("portico")

# Messages raised as exceptions elsewhere (core.web.access) that people read on an error page;
# marked here so that they are in the catalogs; _error_page translates them.
SHOWN_ERRORS = (N_("Your role does not allow this. Ask your administrator if you need it."),)
DATABASE_DOWN = N_("The portal cannot reach its database right now. Please try again in a minute.")


@dataclass
class Portico:
    """Everything one running portal holds: settings, plugins, database, per-tenant caches."""

    settings: Settings
    plugins: PluginSet
    engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]
    states: TenantStates
    templates: Environment
    themes: ThemedTemplates
    storage: Storage
    #: Whether the database is down now, and the log lines that say so (once, not per request).
    outage: DatabaseOutage = field(default_factory=DatabaseOutage)

    @classmethod
    def build(
        cls,
        settings: Settings | None = None,
        *,
        plugins: PluginSet | None = None,
        extra_plugins: Sequence[ModuleType | object] = (),
    ) -> Portico:
        settings = (settings or Settings.from_env()).with_secret()
        if plugins is None:
            plugins = build_plugin_set(
                only=settings.plugins, extra=extra_plugins, skip_broken=settings.skip_broken_plugins
            )
        engine = make_engine(settings.database_url)
        template_dirs = [p.template_dir for p in plugins.plugins if p.template_dir and p.name != "core"]
        inline = {name: source for p in plugins.plugins for name, source in p.inline_templates.items()}
        templates = make_environment([d for d in template_dirs if d], inline)
        portico = cls(
            settings=settings,
            plugins=plugins,
            engine=engine,
            sessionmaker=make_sessionmaker(engine),
            states=TenantStates(plugins),
            templates=templates,
            themes=ThemedTemplates(templates, settings.theme_dir),
            storage=LocalStorage(settings.files_path),
        )
        portico.outage.watch(engine)
        return portico


def _provide_ctx(request: Request[Any, Any, Any]) -> RequestContext:
    return context_of(request)


def _provide_db(request: Request[Any, Any, Any]) -> AsyncSession:
    return context_of(request).db


def _path(request: Request[Any, Any, Any]) -> str:
    """The request's path, read without ``request.url``, which parses the Host header and raises
    on a malformed one (the error page for that very header must still render)."""
    return str(request.scope["path"])


def _wants_json(request: Request[Any, Any, Any]) -> bool:
    return _path(request).startswith("/api/") or "application/json" in request.headers.get("accept", "")


def _error_page(request: Request[Any, Any, Any], status: int, message: str, *, bare: bool = False) -> Response[Any]:
    """The message as JSON or as a page; ``bare``: without the user's layout, which may need the database."""
    if _wants_json(request):
        return Response({"status_code": status, "detail": message}, status_code=status)
    ctx = None if bare else request.scope.get("state", {}).get(STATE_KEY)
    # The message is English (the API gets it so); a page shows it in the reader's language.
    context: dict[str, Any] = {
        "status": status,
        "message": ctx._(message) if ctx is not None else message,
        "ctx": ctx,
        "layout": {"menu": [], "admin_menu": []},
    }
    if ctx is not None:
        context["branding"] = ctx.branding
    env = ctx.templates if ctx is not None else request.app.state.portico.templates
    return html_response(env, "core/error.html", context, request, status)


def _handle_http_error(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    if isinstance(exc, LoginRequiredError) and not _wants_json(request):
        query = request.scope.get("query_string", b"").decode("latin-1")
        target = _path(request) + (f"?{query}" if query else "")
        return Redirect(f"/login?{urlencode({'next': target})}")
    if isinstance(exc, IntegerInputError) and not _wants_json(request):
        ctx = request.scope.get("state", {}).get(STATE_KEY)
        errors = exc.errors(ctx) if ctx is not None else {p.name: p.english() for p in exc.problems}
        return _error_page(request, exc.status_code, " ".join(f"{name}: {text}" for name, text in errors.items()))
    if _wants_json(request) and exc.extra:
        return Response(
            {"status_code": exc.status_code, "detail": exc.detail, "extra": exc.extra},
            status_code=exc.status_code,
        )
    messages = {
        404: N_("There is nothing here."),
        405: N_("That is not allowed here."),
        413: N_("That is more than this portal accepts in one go."),
    }
    detail = (
        exc.detail if exc.detail and exc.detail != _default_detail(exc) else messages.get(exc.status_code, exc.detail)
    )
    return _error_page(request, exc.status_code, detail)


def _default_detail(exc: HTTPException) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(exc.status_code).phrase
    except ValueError:
        return ""


def _handle_scope_violation(request: Request[Any, Any, Any], exc: ScopeViolationError) -> Response[Any]:
    """A write aimed outside the tenant or the contact's accounts: for them, that record does not exist."""
    log.warning("refused %s %s: %s", request.method, _path(request), exc)
    return _error_page(request, 404, "There is nothing here.")


def _handle_database_error(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """The database out of reach: 503 and when to try again, logged once for the whole outage."""
    if not is_outage(exc):
        return _handle_crash(request, exc)
    request.app.state.portico.outage.failed(exc)
    response = _error_page(request, 503, DATABASE_DOWN, bare=True)
    response.headers["Retry-After"] = str(RETRY_AFTER)
    return response


def _handle_crash(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    log.exception("unhandled error on %s %s", request.method, _path(request), exc_info=exc)
    return _error_page(request, HTTP_500_INTERNAL_SERVER_ERROR, N_("Something went wrong on our side."))


def create_app(
    settings: Settings | None = None,
    *,
    portico: Portico | None = None,
    extra_plugins: Sequence[ModuleType | object] = (),
    stop_pdf_pool: bool = True,
) -> Litestar:
    """Build the portal: every installed plugin's routes behind the kernel's guard.

    ``stop_pdf_pool=False`` leaves the process's PDF workers running when the app shuts down, for
    a process that serves app after app (the test kit); they still end with the process."""
    portico = portico or Portico.build(settings, extra_plugins=extra_plugins)
    routers = [router for module, handlers in portico.plugins.routes for router in _routers_of(module, handlers)]

    mail_worker = BackgroundMailWorker(portico) if portico.settings.mail_worker == "app" else None

    async def startup(app: Litestar) -> None:
        if mail_worker is not None:
            mail_worker.start()
        try:
            await offer_new_permissions(portico.sessionmaker, portico.plugins)
        except Exception:  # a database not migrated yet must not stop the portal from answering
            log.exception("could not give the default grants of new permissions")
        for name, result in portico.plugins.call_each("portico_startup", app=app):
            if inspect.isawaitable(result):
                await result
            log.debug("plugin %s started", name)
        # What start-up built (routes, templates, plugin declarations: 150,000 objects) lives as
        # long as the process: frozen, it leaves the collector, whose full passes over it paused
        # every request in flight for a tenth of a second.
        gc.freeze()

    async def shutdown(app: Litestar) -> None:
        if mail_worker is not None:
            await mail_worker.stop()
        await portico.engine.dispose()
        # The process usually ends next, and on SIGTERM without running atexit (uvicorn re-raises
        # the signal); another app in this process that renders later starts a new pool.
        if stop_pdf_pool:
            await asyncio.to_thread(shutdown_pool)

    csrf = CSRFConfig(
        secret=portico.settings.secret_key,
        cookie_secure=portico.settings.secure_cookies,
        cookie_samesite="lax",
        cookie_httponly=True,
        exclude=["^/api/"],  # anchored: only the token-authenticated API, never "/x/api/"
    )
    app = Litestar(
        route_handlers=routers,
        middleware=[
            DefineMiddleware(
                FreshCsrfCookie, secret=csrf.secret, cookie_name=csrf.cookie_name, safe_methods=csrf.safe_methods
            ),
            DefineMiddleware(ContextMiddleware, portico=portico),
        ],
        guards=[access_guard],
        before_send=[security_headers(portico.settings)],
        before_request=refuse_nul_in_json,
        dependencies={
            "ctx": Provide(_provide_ctx, sync_to_thread=False),
            "db": Provide(_provide_db, sync_to_thread=False),
        },
        csrf_config=csrf,
        exception_handlers={
            HTTPException: _handle_http_error,
            ScopeViolationError: _handle_scope_violation,
            SQLAlchemyError: _handle_database_error,
            OSError: _handle_database_error,  # a refused connection arrives as ConnectionRefusedError
            Exception: _handle_crash,
        },
        # Room for one upload (PORTICO_MAX_UPLOAD_MB): Litestar refuses a larger body while reading it.
        request_max_body_size=request_body_limit(portico.settings),
        on_startup=[startup],
        on_shutdown=[shutdown],
        state=State({"portico": portico}),
        openapi_config=_openapi_config(),
        logging_config=None,  # the process configures logging (the CLI does); an app must not reset it
        debug=False,
    )
    check_route_permissions(app)
    complete_api_schema(app, API_PREFIX)
    return app


def _openapi_config() -> OpenAPIConfig:
    """The integration API's schema at ``/api/v1/schema/openapi.json``."""
    return OpenAPIConfig(
        title="Portico API",
        version=__version__,
        description="JSON API for integrations. Authenticate with 'Authorization: Bearer <token>'; "
        "vendor admins create tokens under Administration → API tokens.",
        render_plugins=[JsonRenderPlugin()],
        openapi_router=Router(
            path="/api/v1/schema", route_handlers=[], opt={"tenantless": True}, include_in_schema=False
        ),
        components=Components(security_schemes={"BearerToken": SecurityScheme(type="http", scheme="bearer")}),
        security=[{"BearerToken": []}],
    )


def _paths_of(item: Any) -> set[str]:
    if isinstance(item, type):  # a Controller class
        return {str(getattr(item, "path", "/"))}
    return {str(p) for p in (getattr(item, "paths", None) or {getattr(item, "path", "/")})}


def _routers_of(module: str, handlers: Sequence[Any]) -> list[Router]:
    """A plugin's handlers, tagged with its name; only ``/api/`` ones go into the OpenAPI schema."""
    api = [h for h in handlers if all(p.startswith(API_PREFIX) for p in _paths_of(h))]
    pages = [h for h in handlers if not any(h is a for a in api)]
    routers = []
    if pages:
        routers.append(Router(path="/", route_handlers=pages, opt={"module": module}, include_in_schema=False))
    if api:
        routers.append(Router(path="/", route_handlers=api, opt={"module": module}))
    return routers


def static_dir() -> Path:
    return Path(__file__).resolve().parent / "static"


__all__ = ["COOKIE_NAME", "Portico", "create_app", "NotFoundException"]
