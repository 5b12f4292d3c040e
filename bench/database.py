"""The benchmark's database: a fresh SQLite file with the demo portal, as ``portico demo`` makes it."""

from __future__ import annotations

import asyncio
import secrets
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from core.accounts import scoped
from core.db import Base, Scope, make_engine, make_sessionmaker
from core.demo import DEMO_PASSWORD, DEMO_SLUG, seed_demo
from core.models import Tenant, User
from core.plugins import build_plugin_set
from core.settings import Settings
from core.web.sessions import start_session


@dataclass(frozen=True)
class BenchDatabase:
    settings: Settings
    host: str  # the Host header that resolves to the demo tenant with one query
    email: str
    password: str
    bare_token: str  # a session token made directly in the database, for the bare app
    schema: str  # how the schema was made


def prepare(folder: Path, email: str) -> BenchDatabase:
    """Create the schema and the demo data. Call outside an event loop (Alembic runs its own)."""
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{folder / 'bench.sqlite3'}",
        secret_key=secrets.token_urlsafe(32),
        data_dir=folder / "data",
    )
    plugins = build_plugin_set(only=settings.plugins)
    try:
        from core.migrate import upgrade

        upgrade(settings.database_url, plugins)
        schema = "alembic upgrade"
    except Exception as exc:  # the migrations may be mid-edit; the metadata is enough for a benchmark
        schema = f"metadata.create_all (alembic failed: {type(exc).__name__})"

        async def create_all() -> None:
            engine = make_engine(settings.database_url)
            async with engine.begin() as conn:
                await conn.run_sync(Base.metadata.create_all)
            await engine.dispose()

        asyncio.run(create_all())

    async def seed() -> str:
        engine = make_engine(settings.database_url)
        try:
            async with make_sessionmaker(engine)() as db:
                async with scoped(db, Scope.system()):
                    await seed_demo(db, plugins)
                    tenant = await db.scalar(select(Tenant).where(Tenant.slug == DEMO_SLUG))
                    assert tenant is not None
                async with scoped(db, Scope(tenant.id)):
                    user = await db.scalar(select(User).where(User.email == email))
                    if user is None:
                        raise SystemExit(f"the demo has no user {email!r}")
                    token = await start_session(db, user, old_token=None, ip="127.0.0.1", user_agent="portico-bench")
                    await db.commit()
                return token
        finally:
            await engine.dispose()

    token = asyncio.run(seed())
    return BenchDatabase(
        settings=settings,
        host=f"{DEMO_SLUG}.localhost",
        email=email,
        password=DEMO_PASSWORD,
        bare_token=token,
        schema=schema,
    )
