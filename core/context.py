"""What a request knows about who is asking, for which vendor, and what they may do."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, TypeAlias, TypeVar

from jinja2 import Environment
from litestar.di import NamedDependency
from sqlalchemy.ext.asyncio import AsyncSession

from core.branding import Branding
from core.hosts import portal_origin
from core.i18n import resolve_language
from core.models import ApiToken, Tenant, User, WebSession
from core.storage import Storage
from core.tenancy import TenantState

T = TypeVar("T")

if TYPE_CHECKING:
    from litestar import Request

    from core.app import Portico


class RequestContext:
    """Handed to every page handler, widget loader, badge counter and action-item loader.

    A plain class, not a dataclass, so that Litestar does not try to model its fields.
    """

    def __init__(
        self,
        portico: Portico,
        db: AsyncSession,
        tenant: Tenant,
        state: TenantState,
        user: User | None = None,
        session: WebSession | None = None,
        permissions: frozenset[str] = frozenset(),
        request: Request[Any, Any, Any] | None = None,
    ) -> None:
        self.portico = portico
        self.db = db
        self.tenant = tenant
        self.state = state
        self.user = user
        self.session = session
        self.permissions = permissions
        self.request = request
        #: The API token that signed this request (``/api/`` routes), instead of a user.
        self.api_token: ApiToken | None = None
        #: Per-request memo for plugins (e.g. a count computed once for a badge and a widget).
        self.extras: dict[str, Any] = {}

    def can(self, permission: str) -> bool:
        """Whether the user holds ``permission`` (always false for a module that is switched off)."""
        return permission in self.permissions

    @property
    def is_staff(self) -> bool:
        return self.user is not None and self.user.is_staff

    @property
    def is_contact(self) -> bool:
        return self.user is not None and not self.user.is_staff

    @property
    def branding(self) -> Branding:
        return self.state.branding

    @property
    def language(self) -> str:
        """The language pages are shown in: the user's own choice, else the portal's, else English."""
        return resolve_language(self.user.language if self.user else None, self.branding.language)

    def _(self, msgid: str, /, **values: Any) -> str:
        """``msgid`` in the request's language, then formatted: ``ctx._("Welcome, {name}.", name=n)``."""
        return self.portico.plugins.translations.gettext(self.language, msgid, **values)

    gettext = _

    async def isolated(self, load: Callable[[RequestContext], Awaitable[T]]) -> T:
        """Await a plugin's loader so that its failure cannot spoil the page's transaction.

        On PostgreSQL a failed statement aborts the whole transaction, so the loader runs inside a
        savepoint there; SQLite carries on after a failed statement and needs none.
        """
        if self.portico.engine.dialect.name != "postgresql":
            return await load(self)
        async with self.db.begin_nested():
            return await load(self)

    async def rollback(self) -> None:
        """Undo the request's unsaved changes and still be able to render a page afterwards.

        A plain ``db.rollback()`` expires every loaded row, the signed-in user and the tenant
        included, and the page layout would then load them lazily (which async SQLAlchemy refuses).
        """
        await self.db.rollback()
        for loaded in (self.tenant, self.user, self.session):
            if loaded is not None and loaded in self.db:
                await self.db.refresh(loaded)

    def portal_url(self, path: str = "") -> str:
        """The absolute address of ``path`` on this vendor's portal, for emails, PDFs and API
        answers: ``ctx.portal_url(f"/tickets/{t.id}")``. Built from the deployment's configuration
        (:func:`core.hosts.portal_origin`), never from the request's ``Host`` header, which the
        visitor chooses; it works outside a request too (a scheduled job, the demo)."""
        return portal_origin(self.portico.settings, self.tenant) + path

    @property
    def storage(self) -> Storage:
        """Where files are kept (:mod:`core.storage`)."""
        return self.portico.storage

    @property
    def templates(self) -> Environment:
        """The template environment of this tenant (its theme folder first, if it has one)."""
        return self.portico.themes.for_tenant(self.tenant.slug)

    def module_settings(self, module: str) -> dict[str, Any]:
        """The tenant's saved settings of ``module``, with declared defaults filled in."""
        saved = self.state.module_settings.get(module, {})
        fields = self.portico.plugins.settings_fields.get(module, [])
        return {f.key: saved.get(f.key, f.default) for f in fields} | {
            k: v for k, v in saved.items() if k not in {f.key for f in fields}
        }


#: Annotation for a route handler's ``ctx`` parameter: ``async def page(self, ctx: Ctx)``.
Ctx: TypeAlias = NamedDependency[RequestContext]


async def context_for(portico: Portico, db: AsyncSession, tenant_id: int, user_id: int | None = None) -> RequestContext:
    """A context outside any web request (demo data, a background job), for one tenant and,
    if given, one of its users with their role's permissions. ``db`` must be scoped to the tenant.
    """
    tenant = await db.get(Tenant, tenant_id)
    if tenant is None:
        raise LookupError(f"no tenant {tenant_id}")
    state = await portico.states.get(db, tenant)
    user = await db.get(User, user_id) if user_id is not None else None
    if user_id is not None and user is None:
        raise LookupError(f"no user {user_id} in tenant {tenant_id}")
    permissions = state.permissions_of(user.role_id) if user else frozenset()
    return RequestContext(portico=portico, db=db, tenant=tenant, state=state, user=user, permissions=permissions)
