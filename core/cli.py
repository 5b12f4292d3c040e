"""The ``portico`` command."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any, TypeVar

from alembic.util.exc import CommandError
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from core.accounts import AccountError, create_customer, create_tenant, create_user, find_customer, scoped
from core.db import Scope, make_engine, make_sessionmaker
from core.models import Tenant
from core.plugins import PluginError, PluginSet, build_plugin_set
from core.settings import Settings
from core.web.access import RouteWithoutPermissionError

if TYPE_CHECKING:
    import uvicorn

T = TypeVar("T")


def _settings(args: argparse.Namespace) -> Settings:
    return Settings.from_env(database_url=getattr(args, "db", None)).with_secret()


def _plugins(settings: Settings) -> PluginSet:
    return build_plugin_set(only=settings.plugins, skip_broken=settings.skip_broken_plugins)


def _with_db(settings: Settings, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    async def run() -> T:
        engine = make_engine(settings.database_url)
        try:
            async with make_sessionmaker(engine)() as db:
                async with scoped(db, Scope.system()):
                    return await work(db)
        finally:
            await engine.dispose()

    return asyncio.run(run())


def _prepare_sqlite_dir(settings: Settings) -> None:
    url = settings.database_url
    if url.startswith("sqlite") and ":///" in url:
        from pathlib import Path

        path = url.split(":///", 1)[1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    from core.migrate import upgrade

    settings = _settings(args)
    _prepare_sqlite_dir(settings)
    upgrade(settings.database_url, _plugins(settings))
    print("database is up to date")
    return 0


def cmd_db_revision(args: argparse.Namespace) -> int:
    from core.migrate import make_revision

    settings = _settings(args)
    make_revision(settings.database_url, _plugins(settings), args.plugin, args.message)
    return 0


def cmd_plugins(args: argparse.Namespace) -> int:
    plugins = _plugins(Settings.from_env())
    rows = [
        {
            "name": p.name,
            "label": p.manifest.label,
            "version": p.manifest.version,
            "depends": list(p.manifest.depends),
            "hooks": list(p.hooks),
        }
        for p in plugins.plugins
    ]
    if args.json:
        print(json.dumps(rows, indent=2))
    else:
        for row in rows:
            depends = ", ".join(row["depends"]) or "-"
            print(f"{row['name']:<16} {row['version']:<10} depends: {depends:<20} hooks: {', '.join(row['hooks'])}")
    return 0


def cmd_tenant_create(args: argparse.Namespace) -> int:
    settings = _settings(args)
    plugins = _plugins(settings)

    async def work(db: AsyncSession) -> Tenant:
        tenant = await create_tenant(db, plugins, args.slug, args.name, args.host)
        await db.commit()
        return tenant

    tenant = _with_db(settings, work)
    print(f"created tenant {tenant.slug} ({tenant.name})" + (f" at {tenant.host}" if tenant.host else ""))
    return 0


async def _tenant_by_slug(db: AsyncSession, slug: str) -> Tenant:
    from sqlalchemy import select

    tenant = await db.scalar(select(Tenant).where(Tenant.slug == slug))
    if tenant is None:
        raise AccountError(f"There is no tenant {slug!r}.")
    return tenant


async def _customer_id(db: AsyncSession, slug: str, name: str | None) -> int | None:
    """The id of the tenant's customer account called ``name`` (None when no name is given)."""
    if not name:
        return None
    customer = await find_customer(db, name)
    if customer is None:
        raise AccountError(f"Tenant {slug!r} has no customer account {name!r}.")
    return customer.id


def cmd_user_create(args: argparse.Namespace) -> int:
    settings = _settings(args)

    async def work(db: AsyncSession) -> str:
        tenant = await _tenant_by_slug(db, args.tenant)
        async with scoped(db, Scope(tenant.id)):
            customer_id = await _customer_id(db, args.tenant, args.customer)
            user = await create_user(
                db,
                email=args.email,
                password=args.password,
                role=args.role,
                customer_id=customer_id,
                first_name=args.first_name or "",
                last_name=args.last_name or "",
            )
            await db.commit()
            return f"created {'staff user' if customer_id is None else 'contact'} {user.email}"

    print(_with_db(settings, work))
    return 0


def cmd_plugin_new(args: argparse.Namespace) -> int:
    from pathlib import Path

    from core.scaffold import scaffold

    target = Path(args.path or f"portico-{args.name.replace('_', '-')}")
    try:
        written = scaffold(args.name, target, args.label)
    except ValueError as error:
        print(f"portico: {error}", file=sys.stderr)
        return 2
    print(f"created plugin {args.name!r} in {target} ({len(written)} files). Next:")
    print(f"  pip install -e {target}")
    print("  portico db upgrade && portico demo")
    return 0


def cmd_customer_create(args: argparse.Namespace) -> int:
    settings = _settings(args)

    async def work(db: AsyncSession) -> str:
        tenant = await _tenant_by_slug(db, args.tenant)
        async with scoped(db, Scope(tenant.id)):
            parent_id = await _customer_id(db, args.tenant, args.parent)
            if await find_customer(db, args.name) is not None:
                raise AccountError(f"Tenant {args.tenant!r} already has a customer account {args.name!r}.")
            customer = await create_customer(db, args.name, parent_id)
            await db.commit()
            return f"created customer account {customer.name}" + (f" under {args.parent}" if args.parent else "")

    print(_with_db(settings, work))
    return 0


def server_config(app: Any, settings: Settings, host: str, port: int) -> uvicorn.Config:
    """The uvicorn configuration of ``portico serve``.

    X-Forwarded-For and X-Forwarded-Proto are believed only from ``PORTICO_TRUSTED_PROXIES``
    (none by default), never from uvicorn's own default of 127.0.0.1: a visitor who reaches the
    server through some other local hop could otherwise pick the address sign-in throttling sees.
    """
    import uvicorn

    trusted = list(settings.trusted_proxies)
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level="info",
        proxy_headers=bool(trusted),
        forwarded_allow_ips=trusted or [],
    )


def _serve(settings: Settings, host: str, port: int) -> None:
    import uvicorn

    from core.app import create_app

    if not settings.base_url and not settings.base_domain:
        logging.getLogger("portico").warning(
            "PORTICO_BASE_URL is not set: emailed links of vendors without a host of their own point to "
            "<slug>.localhost, and only localhost serves the default vendor"
        )
    uvicorn.Server(server_config(create_app(settings), settings, host, port)).run()


def cmd_serve(args: argparse.Namespace) -> int:
    settings = _settings(args)
    _serve(settings, args.host, args.port)
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    """Deliver the outbox: on its own, beside web processes that run with PORTICO_MAIL_WORKER=off."""
    import signal

    from core.app import Portico
    from core.mail.worker import MailWorker

    settings = _settings(args)

    async def run() -> int:
        portico = Portico.build(settings)
        worker = MailWorker(portico)
        try:
            if args.once:
                outcomes = await worker.run_once()
                sent = sum(1 for o in outcomes if o.state == "sent")
                print(f"{sent} sent, {len(outcomes) - sent} not sent")
                return 0
            stop = asyncio.Event()
            loop = asyncio.get_running_loop()
            for signum in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(signum, stop.set)
            await worker.run(stop, interval=args.interval)
            return 0
        finally:
            await portico.engine.dispose()

    return asyncio.run(run())


def cmd_demo(args: argparse.Namespace) -> int:
    from core.demo import DEMO_PASSWORD, seed_demo
    from core.migrate import upgrade

    settings = _settings(args)
    shown_host = "localhost" if args.host in ("0.0.0.0", "127.0.0.1") else args.host
    # The demo's emails link to where it is served.
    address = (settings.base_url or f"http://{shown_host}:{args.port}").rstrip("/")
    settings = replace(settings, base_url=address)
    _prepare_sqlite_dir(settings)
    plugins = _plugins(settings)
    upgrade(settings.database_url, plugins)

    async def work(db: AsyncSession) -> Any:
        from core.app import Portico

        # The demo sends a few documents, which needs the portal's templates and file storage.
        portico = Portico.build(settings, plugins=plugins)
        try:
            return await seed_demo(db, plugins, portico)
        finally:
            await portico.engine.dispose()

    logins = _with_db(settings, work)
    print()
    print(f"Portico demo is ready on {settings.database_url}")
    print(f"Open {address}/ and sign in with password {DEMO_PASSWORD!r} as:")
    for login in logins:
        print(f"  {login.email:<24} {login.role:<16} {login.account}")
    print()
    sys.stdout.flush()
    if not args.no_serve:
        _serve(settings, args.host, args.port)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="portico", description="Portico customer portal")
    sub = parser.add_subparsers(dest="command", required=True)

    def with_db(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
        p.add_argument("--db", help="database URL (default: PORTICO_DATABASE_URL or the SQLite file)")
        return p

    def with_server(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
        p.add_argument("--host", default="127.0.0.1")
        p.add_argument("--port", type=int, default=8000)
        return p

    demo = with_server(with_db(sub.add_parser("demo", help="create the demo portal and serve it")))
    demo.add_argument("--no-serve", action="store_true", help="only create the database")
    demo.set_defaults(func=cmd_demo)
    with_server(with_db(sub.add_parser("serve", help="serve the portal"))).set_defaults(func=cmd_serve)

    worker = with_db(sub.add_parser("worker", help="deliver queued email until stopped"))
    worker.add_argument("--interval", type=float, default=5.0, help="seconds between looks at the outbox")
    worker.add_argument("--once", action="store_true", help="deliver what is due now, then exit")
    worker.set_defaults(func=cmd_worker)

    db = sub.add_parser("db", help="database schema").add_subparsers(dest="db_command", required=True)
    with_db(db.add_parser("upgrade", help="migrate to the newest schema")).set_defaults(func=cmd_db_upgrade)
    revision = with_db(db.add_parser("revision", help="autogenerate a migration for a plugin"))
    revision.add_argument("--plugin", required=True)
    revision.add_argument("-m", "--message", required=True)
    revision.set_defaults(func=cmd_db_revision)

    plugins = sub.add_parser("plugins", help="list installed plugins")
    plugins.add_argument("--json", action="store_true")
    plugins.set_defaults(func=cmd_plugins)

    plugin = sub.add_parser("plugin", help="plugin authoring").add_subparsers(dest="plugin_command", required=True)
    new = plugin.add_parser("new", help="create a working plugin package to start from")
    new.add_argument("name")
    new.add_argument("--path", help="folder to create (default: ./portico-NAME)")
    new.add_argument("--label", help="what vendors see (default: from the name)")
    new.set_defaults(func=cmd_plugin_new)

    tenant = sub.add_parser("tenant", help="vendors").add_subparsers(dest="tenant_command", required=True)
    create = with_db(tenant.add_parser("create", help="create a vendor"))
    create.add_argument("slug")
    create.add_argument("--name", required=True)
    create.add_argument("--host")
    create.set_defaults(func=cmd_tenant_create)

    customer = sub.add_parser("customer", help="customer accounts").add_subparsers(
        dest="customer_command", required=True
    )
    ccreate = with_db(customer.add_parser("create", help="create a customer account, or a site under one"))
    ccreate.add_argument("--tenant", required=True)
    ccreate.add_argument("--name", required=True)
    ccreate.add_argument("--parent", help="the parent customer's name (makes this a site of it)")
    ccreate.set_defaults(func=cmd_customer_create)

    user = sub.add_parser("user", help="people").add_subparsers(dest="user_command", required=True)
    ucreate = with_db(user.add_parser("create", help="create staff or a customer contact"))
    ucreate.add_argument("--tenant", required=True)
    ucreate.add_argument("--email", required=True)
    ucreate.add_argument("--password", required=True)
    ucreate.add_argument("--role", required=True)
    ucreate.add_argument("--customer", help="customer account name (staff when omitted)")
    ucreate.add_argument("--first-name")
    ucreate.add_argument("--last-name")
    ucreate.set_defaults(func=cmd_user_create)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from core.documents.render import shutdown_pool

    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        return int(args.func(args))
    except (PluginError, AccountError, RouteWithoutPermissionError, CommandError) as error:
        print(f"portico: {error}", file=sys.stderr)
        return 2
    except DBAPIError as error:
        print(f"portico: the database refused: {error.orig}", file=sys.stderr)
        print("portico: if its tables are missing, run `portico db upgrade` first.", file=sys.stderr)
        return 2
    finally:
        shutdown_pool()  # the PDF workers a command started (demo seeding sends documents)


if __name__ == "__main__":
    raise SystemExit(main())
