"""Per-request context (tenant, user, scope) and the one guard every route passes through."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from litestar.connection import ASGIConnection
from litestar.exceptions import HTTPException, NotAuthorizedException, NotFoundException
from litestar.handlers.base import BaseRouteHandler
from litestar.types import ASGIApp, Receive, Scope, Send

from core.api import find_api_token
from core.context import RequestContext
from core.db import Scope as DbScope
from core.db import open_request, pin_tenant, set_scope, valid_customer_path
from core.hosts import parse_host
from core.integers import MAX_INT
from core.settings_admin.security import session_settings
from core.tenancy import resolve_tenant
from core.web.inputs import IntegerInputError, integer_inputs, problems_in
from core.web.sessions import COOKIE_NAME, load_session

if TYPE_CHECKING:
    from litestar import Litestar

    from core.app import Portico

log = logging.getLogger("portico.web")
STATE_KEY = "portico_ctx"
API_PREFIX = "/api/"


class LoginRequiredError(NotAuthorizedException):
    """Raised for an anonymous request to a page that needs a user; answered with a redirect."""

    status_code = 401


class ForbiddenError(NotAuthorizedException):
    status_code = 403


class UnknownHostError(HTTPException):
    """A ``Host`` header that is malformed or names no portal of this deployment."""

    status_code = 400


class ApiAuthError(NotAuthorizedException):
    """An API request without a valid token."""

    status_code = 401


class ContextMiddleware:
    """Opens the request's database session and fills in :class:`RequestContext`.

    Routes marked ``opt={"tenantless": True}`` (health check, static files) skip it.
    """

    def __init__(self, app: ASGIApp, portico: Portico) -> None:
        self.app = app
        self.portico = portico

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        handler = scope.get("route_handler")
        if scope["type"] != "http" or (handler is not None and handler.opt.get("tenantless")):
            await self.app(scope, receive, send)
            return
        async with self.portico.sessionmaker() as db:
            open_request(db)
            scope.setdefault("state", {})[STATE_KEY] = await self._context(db, scope)
            await self.app(scope, receive, send)

    async def _context(self, db: Any, scope: Scope) -> RequestContext:
        portico = self.portico
        raw = scope.get("headers", [])
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in raw}
        hosts = [v.decode("latin-1") for k, v in raw if k == b"host"]
        host = parse_host(hosts[0]) if len(hosts) == 1 else None
        if host is None:
            raise UnknownHostError("This address is not valid.")
        set_scope(db, DbScope.system())
        tenant = await resolve_tenant(db, host, portico.settings)
        if tenant is None:
            log.info("no portal is served at host %r (a vendor's host, PORTICO_BASE_URL or a slug subdomain)", host)
            raise UnknownHostError("No portal is served at this address.")
        set_scope(db, DbScope(tenant.id))
        pin_tenant(db, tenant.id)  # on PostgreSQL row-level security shows only its rows from now on
        state = await portico.states.get(db, tenant)
        ctx = RequestContext(portico=portico, db=db, tenant=tenant, state=state)
        if scope["path"].startswith(API_PREFIX):
            # The API authenticates by bearer token only, never by the browser's session cookie.
            scheme, _, secret = headers.get("authorization", "").partition(" ")
            if scheme.lower() == "bearer" and secret.strip():
                ctx.api_token = await find_api_token(db, secret.strip())
                if ctx.api_token is not None:
                    ctx.permissions = frozenset(ctx.api_token.permissions) & state.live_permissions
            return ctx
        token = _cookie(headers.get("cookie", ""), COOKIE_NAME)
        if token:
            found = await load_session(db, token, session_settings(portico.settings, tenant))
            if found is not None:
                session, user, customer = found
                if user.customer_id is not None:
                    if customer is None or not valid_customer_path(customer.path):
                        return ctx  # a contact without a sound account sees nothing: anonymous
                    set_scope(db, DbScope(tenant.id, customer_path=customer.path))
                ctx.session, ctx.user = session, user
                ctx.permissions = state.permissions_of(user.role_id)
        return ctx


def _cookie(header: str, name: str) -> str | None:
    """The cookie's value; with duplicates the last wins, as in Litestar's parser (logout uses it)."""
    found = None
    for part in header.split(";"):
        key, _, value = part.strip().partition("=")
        if key == name:
            found = value or None
    return found


def context_of(connection: ASGIConnection[Any, Any, Any, Any]) -> RequestContext:
    ctx = connection.scope.get("state", {}).get(STATE_KEY)
    if ctx is None:
        raise RuntimeError("this route is tenantless and has no request context")
    ctx.request = connection  # type: ignore[assignment]
    return ctx  # type: ignore[no-any-return]


async def access_guard(connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler) -> None:
    """Deny by default: module switched on, user signed in, permission held.

    A coroutine although it awaits nothing: Litestar runs a plain function guard in a worker
    thread, a thread hop on every request (a fifth of a request's time on the walk of all routes)."""
    opt = handler.opt
    if opt.get("tenantless") or _is_auto_options(handler):
        return
    ctx = context_of(connection)
    if any(isinstance(v, int) and not -MAX_INT <= v <= MAX_INT for v in connection.path_params.values()):
        raise NotFoundException()  # no row has such an id, and the database would refuse to compare
    module = opt.get("module")
    if module and not ctx.state.is_enabled(module):
        raise NotFoundException()
    if opt.get("public"):
        _check_query_integers(connection, handler)
        return
    if connection.scope["path"].startswith(API_PREFIX):
        if ctx.api_token is None:
            raise ApiAuthError("Send a valid API token: 'Authorization: Bearer <token>'.")
    elif ctx.user is None:
        raise LoginRequiredError("Please sign in.")
    permission = opt.get("permission")
    if not permission or not any(ctx.can(key) for key in _any_of(permission)):
        if ctx.api_token is not None:
            raise ForbiddenError(f"This API token does not hold the permission {permission!r}.")
        raise ForbiddenError("Your role does not allow this. Ask your administrator if you need it.")
    _check_query_integers(connection, handler)


def _check_query_integers(connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler) -> None:
    """The route's integers in the query string (core.web.inputs), before the handler reads them."""
    problems = problems_in(connection.query_params, integer_inputs(handler), "query", skip=connection.path_params)
    if problems:
        raise IntegerInputError(problems)


def _any_of(permission: str | tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """A route's ``permission``: one key, or several of which the user needs any one
    (a customer page staff may open too: ``("tickets.view", "tickets.manage")``)."""
    return (permission,) if isinstance(permission, str) else tuple(permission)


def _is_auto_options(handler: BaseRouteHandler) -> bool:
    """Litestar adds an OPTIONS handler to every path; it reveals nothing and needs no permission."""
    return set(getattr(handler, "http_methods", ())) == {"OPTIONS"}


class RouteWithoutPermissionError(RuntimeError):
    pass


def check_route_permissions(app: Litestar) -> None:
    """Refuse to start when a route is neither public nor guarded by a known permission."""
    known = set(app.state.portico.plugins.permissions)
    problems = []
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            opt = handler.opt
            if opt.get("public") or opt.get("tenantless") or _is_auto_options(handler):
                continue
            permission = opt.get("permission")
            methods = ",".join(sorted(getattr(handler, "http_methods", []) or ["WS"]))
            if not permission:
                problems.append(f"{methods} {route.path} declares no permission")
            elif unknown := [key for key in _any_of(permission) if key not in known]:
                problems.append(f"{methods} {route.path} needs unknown permission {', '.join(unknown)!r}")
    if problems:
        raise RouteWithoutPermissionError(
            "routes must declare opt={'permission': ...} or opt={'public': True}:\n  " + "\n  ".join(problems)
        )
