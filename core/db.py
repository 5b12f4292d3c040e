"""The one metadata, the ownership mixins and the central visibility rules.

Every ORM select, update and delete of a tenant-owned model gets the current tenant's criteria
from one ``do_orm_execute`` listener; for a customer contact, customer-owned rows are further
restricted to the contact's account and the sites below it. The scope lives on the session
(``session.info["scope"]``), so a query on a session without a scope fails instead of leaking.
On PostgreSQL, row-level security (:mod:`core.row_security`) holds the same line in the database.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    JSON,
    BindParameter,
    DateTime,
    Dialect,
    ForeignKey,
    MetaData,
    TypeDecorator,
    event,
    inspect,
    select,
)
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    ORMExecuteState,
    Session,
    mapped_column,
    with_loader_criteria,
)

from core.row_security import PINNED_TENANT, REQUEST, secure_created_tables

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class AwareDateTime(TypeDecorator[dt.datetime]):
    """A moment in UTC, with its zone, from either database: SQLite keeps no offset and gave naive
    datetimes back (an API answer then broke its schema's ``date-time``); PostgreSQL keeps one."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)

    def process_result_value(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None or value.tzinfo is not None:
            return value
        return value.replace(tzinfo=dt.UTC)


class Base(DeclarativeBase):
    """Declarative base shared by the kernel and every plugin (one metadata for the app)."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {
        dt.datetime: AwareDateTime(),
        dict[str, Any]: JSON,
        list[Any]: JSON,
    }


event.listen(Base.metadata, "after_create", secure_created_tables)


class TenantOwned:
    """Rows that belong to one vendor. ``tenant_id`` is filled from the session's scope."""

    tenant_id: Mapped[int] = mapped_column(ForeignKey("core_tenant.id", ondelete="CASCADE"), index=True)


class CustomerOwned(TenantOwned):
    """Rows that belong to one customer account (a parent customer or one of its sites)."""

    customer_id: Mapped[int] = mapped_column(ForeignKey("core_customer.id"), index=True)


_PATH = re.compile(r"^/(?:[0-9]+/)+$")


def valid_customer_path(path: str | None) -> bool:
    return bool(path) and _PATH.match(path or "") is not None


class ScopeMissingError(RuntimeError):
    """A tenant-owned model was queried on a session that has no scope."""


class ScopeViolationError(PermissionError):
    """A write would put a row outside the session's tenant or the contact's accounts."""


@dataclass(frozen=True)
class Scope:
    """What a session may see.

    ``tenant_id`` None means the whole database (CLI, migrations, workers); ``customer_path``
    is set for a customer contact and is the materialised path of their account (``/3/``), so
    that account and every site below it (``/3/7/``) are visible.
    """

    tenant_id: int | None
    customer_path: str | None = None

    def __post_init__(self) -> None:
        # An empty or malformed path would be a prefix of every account: refuse it outright.
        if self.customer_path is not None and not _PATH.match(self.customer_path):
            raise ScopeViolationError(f"invalid customer path {self.customer_path!r}")
        if self.customer_path is not None and self.tenant_id is None:
            raise ScopeViolationError("a customer scope needs a tenant")

    @classmethod
    def system(cls) -> Scope:
        return cls(tenant_id=None)

    @property
    def is_system(self) -> bool:
        return self.tenant_id is None


def set_scope(session: AsyncSession | Session, scope: Scope) -> None:
    pinned = session.info.get(PINNED_TENANT)
    if pinned is not None and scope.tenant_id != pinned:
        raise ScopeViolationError(f"this request's session belongs to tenant {pinned}: it cannot change to {scope}")
    session.info["scope"] = scope


def open_request(session: AsyncSession | Session) -> None:
    """Mark ``session`` as a request's: it never sees every tenant in the database (see
    :func:`pin_tenant`); until then, while the kernel finds the tenant, it sees none."""
    session.info[REQUEST] = True


def pin_tenant(session: AsyncSession | Session, tenant_id: int) -> None:
    """From now on ``session`` belongs to ``tenant_id``: on PostgreSQL its transactions are set to
    that tenant (row-level security) and :func:`set_scope` refuses a system scope or another
    tenant's, so a request cannot drop into the unrestricted kernel mode."""
    scope = session.info.get("scope")
    if scope is None or scope.tenant_id != tenant_id:
        raise ScopeViolationError("scope the session to the tenant before pinning it")
    session.info[PINNED_TENANT] = tenant_id


def get_scope(session: Session) -> Scope:
    scope = session.info.get("scope")
    if scope is None:
        raise ScopeMissingError("this session has no scope: call core.db.set_scope() first")
    return scope  # type: ignore[no-any-return]


@event.listens_for(Session, "do_orm_execute")
def _apply_visibility(state: ORMExecuteState) -> None:
    scope = get_scope(state.session)
    if scope.is_system:
        return
    if state.is_insert or state.is_update or state.is_delete:
        _check_dml(state, scope)
    if not (state.is_select or state.is_update or state.is_delete):
        return
    # Relationship and column loads are filtered too: an object added in this session (not
    # loaded through a filtered query) must not open a path into another tenant's rows.
    tenant_id = scope.tenant_id
    options = [with_loader_criteria(TenantOwned, lambda cls: cls.tenant_id == tenant_id, include_aliases=True)]
    if scope.customer_path is not None:
        from core.models import Customer, User

        # Paths hold only digits and slashes, so a plain LIKE prefix needs no escaping (and the
        # lambda's tracked parameters cannot be escaped anyway).
        prefix = scope.customer_path
        options.append(
            with_loader_criteria(
                CustomerOwned,
                lambda cls: cls.customer_id.in_(
                    select(Customer.id).where(Customer.tenant_id == tenant_id, Customer.path.startswith(prefix))
                ),
                include_aliases=True,
            )
        )
        options.append(with_loader_criteria(Customer, lambda cls: cls.path.startswith(prefix), include_aliases=True))
        # A contact sees the vendor's staff (a sales rep's name) and the people of their own
        # accounts, never another customer's contacts.
        options.append(
            with_loader_criteria(
                User,
                lambda cls: (
                    cls.customer_id.is_(None)
                    | cls.customer_id.in_(
                        select(Customer.id).where(Customer.tenant_id == tenant_id, Customer.path.startswith(prefix))
                    )
                ),
                include_aliases=True,
            )
        )
    state.statement = state.statement.options(*options)


def _check_dml(state: ORMExecuteState, scope: Scope) -> None:
    """ORM insert/update/delete statements may not name another tenant or an invisible account."""
    mapper = state.bind_mapper
    if mapper is None or not issubclass(mapper.class_, TenantOwned):
        return
    name = mapper.class_.__name__
    statement: Any = state.statement
    if isinstance(state.parameters, list) and not state.is_insert:
        raise ScopeViolationError(f"bulk {name} updates by primary key are not scoped: load the rows instead")
    if getattr(statement, "_multi_values", None):
        raise ScopeViolationError(f"multi-row VALUES for {name} are not scoped: add the objects to the session")
    base = {getattr(key, "key", key): value for key, value in (getattr(statement, "_values", None) or {}).items()}
    params: Any = state.parameters
    rows = [dict(base, **p) for p in params] if isinstance(params, list) else [dict(base, **(params or {}))]
    for row in rows:
        if state.is_insert:
            if _literal(row.get("tenant_id")) != scope.tenant_id:
                raise ScopeViolationError(f"an inserted {name} must carry this tenant's tenant_id")
        elif "tenant_id" in row:
            raise ScopeViolationError(f"{name}.tenant_id cannot be changed")
        if "customer_id" in row and issubclass(mapper.class_, CustomerOwned):
            customer_id = _literal(row["customer_id"])
            if not isinstance(customer_id, int):
                raise ScopeViolationError(f"{name}.customer_id must be a plain id here")
            _check_customer_visible(state.session, scope, customer_id)


def _literal(value: Any) -> Any:
    return value.value if isinstance(value, BindParameter) else value


@event.listens_for(Session, "before_flush")
def _stamp_and_check_writes(session: Session, flush_context: Any, instances: Any) -> None:
    scope = session.info.get("scope")
    if scope is None or scope.is_system:
        return
    for obj in list(session.new) + list(session.dirty):
        if not isinstance(obj, TenantOwned):
            continue
        if obj.tenant_id is None:
            obj.tenant_id = scope.tenant_id  # type: ignore[assignment]
        elif obj.tenant_id != scope.tenant_id:
            raise ScopeViolationError(f"{type(obj).__name__} belongs to another tenant")
        if isinstance(obj, CustomerOwned) and _changed(obj, "customer_id"):
            _check_customer_visible(session, scope, obj.customer_id)


def _changed(obj: Any, attribute: str) -> bool:
    state = inspect(obj)
    return bool(state.pending or state.attrs[attribute].history.has_changes())


def _check_customer_visible(session: Session, scope: Scope, customer_id: int | None) -> None:
    """The account must be this tenant's and, for a contact, theirs or one below it.

    A model may make ``customer_id`` optional for rows that belong to no account (comments on a
    vendor-internal record): only staff may write those, and contacts never see them.
    """
    from core.models import Customer

    if customer_id is None and scope.customer_path is None:
        return

    with session.no_autoflush:
        path = session.execute(
            select(Customer.path).where(Customer.id == customer_id, Customer.tenant_id == scope.tenant_id)
        ).scalar_one_or_none()
    if path is None or (scope.customer_path is not None and not path.startswith(scope.customer_path)):
        raise ScopeViolationError("that customer account is not visible here")


def make_engine(url: str) -> AsyncEngine:
    if url.startswith("sqlite"):
        engine = create_async_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine.sync_engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            cursor = dbapi_conn.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        return engine
    # asyncpg prepares every statement; SQLAlchemy keeps 100 prepared per connection by default,
    # fewer than the distinct statements of two modules' pages, so a connection that served many
    # pages prepared most statements again (a round trip each).
    return create_async_engine(
        url,
        pool_size=10,
        max_overflow=20,
        pool_pre_ping=True,
        connect_args={"prepared_statement_cache_size": 2000},
    )


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)
