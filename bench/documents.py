"""Documents benchmark: PDF rendering, PDF downloads, and whether rendering slows other pages.

Run on demand from the repository root (about a minute):

    .venv/bin/python -m bench.documents [--pages 5] [--renders 6] [--requests 60] [--concurrent 2]

Everything is in process: a fresh SQLite database in a temporary folder with the demo vendor
(the example "notes" plugin of the test suite supplies the document type), requests handed to
the ASGI app through httpx. Each number is printed next to a bare baseline measured in the
same run, and their ratio:

* PDF render time per page: ``core.documents.render_document`` (context, template, branding,
  worker process) against WeasyPrint called directly in this process on the same HTML.
* PDF download latency: ``GET /documents/notes.note/<id>/pdf`` as a customer contact against
  reading the same snapshot from storage.
* Page latency while PDFs render: ``GET /notes`` as a contact with ``--concurrent`` renders
  running all the time, against the same page when idle. Rendering in worker processes should
  keep this ratio near 1; rendering on the event loop would multiply it.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from sqlalchemy import select  # noqa: E402

from core.accounts import scoped  # noqa: E402
from core.app import create_app  # noqa: E402
from core.context import context_for  # noqa: E402
from core.db import Base, Scope  # noqa: E402
from core.demo import DEMO_PASSWORD, seed_demo  # noqa: E402
from core.documents import Publication, render_document, render_html  # noqa: E402
from core.documents.render import html_to_pdf_sync, warm_up  # noqa: E402
from core.models import Tenant, User  # noqa: E402
from core.settings import Settings  # noqa: E402
from core.testing import PortalClient  # noqa: E402
from tests.core import example_plugin  # noqa: E402
from tests.core.example_plugin import Note  # noqa: E402

HOST = "acme.localhost"
CONTACT = "north@globex.example"


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


async def timed(work: Callable[[], Awaitable[Any]], times: int) -> list[float]:
    """Wall-clock seconds of each of ``times`` sequential runs."""
    spent = []
    for _ in range(times):
        start = time.perf_counter()
        await work()
        spent.append(time.perf_counter() - start)
    return spent


def row(label: str, measured: float, baseline: float, unit: str = "ms") -> str:
    ratio = measured / baseline if baseline else float("inf")
    return f"{label:<44} {measured * 1000:>9.2f} {unit} {baseline * 1000:>9.2f} {unit} {ratio:>7.2f}x"


async def main(args: argparse.Namespace) -> None:
    folder = Path(tempfile.mkdtemp(prefix="portico-bench-docs-"))
    settings = Settings(database_url=f"sqlite+aiosqlite:///{folder / 'bench.sqlite3'}", data_dir=folder)
    app = create_app(settings, extra_plugins=[example_plugin])
    portico = app.state.portico
    async with portico.engine.begin() as conn:
        await conn.run_sync(Base.metadata.create_all)
    log("seeding the demo vendor (sends two notes: starts the PDF workers)...")
    warm_up()
    async with portico.sessionmaker() as db:
        async with scoped(db, Scope.system()):
            await seed_demo(db, portico.plugins, portico)
    async with portico.sessionmaker() as db:
        async with scoped(db, Scope.system()):
            tenant = await db.scalar(select(Tenant).where(Tenant.slug == "acme"))
            staff = await db.scalar(select(User).where(User.email == "admin@acme.example"))
            published = await db.scalar(select(Publication).order_by(Publication.id))
        assert tenant and staff and published
        record_id, storage_key = published.record_id, published.storage_key
        async with scoped(db, Scope(tenant.id)):
            ctx = await context_for(portico, db, tenant.id, staff.id)
            note = await db.get(Note, record_id)
            assert note is not None
            # A long note, so that the per-page figure is not all fixed cost.
            note.body = "\n".join(f"Line {n}: check the torque of every fastener." for n in range(45 * args.pages))
            document = portico.plugins.document_types["notes.note"]
            html = render_html(ctx, document, note, await document.context(ctx, note))

            log("rendering PDFs...")
            pages = (await render_document(ctx, document, note)).pages
            direct = await timed(lambda: asyncio.sleep(0, html_to_pdf_sync(html)), args.renders)
            pooled = await timed(lambda: render_document(ctx, document, note), args.renders)
            await db.rollback()

    client = PortalClient.for_app(app, HOST)
    async with client.inner:
        await client.login(CONTACT, DEMO_PASSWORD)
        url = f"/documents/notes.note/{record_id}/pdf"
        assert (await client.get(url)).status_code == 200
        log("downloading PDFs...")
        downloads = await timed(lambda: client.get(url), args.requests)
        reads = await timed(lambda: portico.storage.read(storage_key), args.requests)

        log("loading a page, idle and while PDFs render...")
        assert (await client.get("/notes")).status_code == 200
        idle = await timed(lambda: client.get("/notes"), args.requests)
        stop = asyncio.Event()

        async def keep_rendering() -> None:
            from core.documents.render import html_to_pdf

            while not stop.is_set():
                await html_to_pdf(html)

        renderers = [asyncio.create_task(keep_rendering()) for _ in range(args.concurrent)]
        await asyncio.sleep(0.5)  # the workers are busy before the first measured request
        busy = await timed(lambda: client.get("/notes"), args.requests)
        stop.set()
        await asyncio.gather(*renderers)
    await portico.engine.dispose()

    median = statistics.median
    print()
    print(f"Documents benchmark: {pages} pages per PDF, {args.renders} renders, {args.requests} requests")
    print(f"{'':<44} {'measured':>12} {'baseline':>12} {'ratio':>8}")
    print(row("PDF render per page (pool vs direct)", median(pooled) / pages, median(direct) / pages))
    print(row("PDF download (GET vs storage read)", median(downloads), median(reads)))
    print(row(f"GET /notes with {args.concurrent} renders running vs idle", median(busy), median(idle)))
    print(row("  same, 90th percentile", sorted(busy)[int(len(busy) * 0.9)], sorted(idle)[int(len(idle) * 0.9)]))


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=5, help="pages of the benchmark PDF")
    parser.add_argument("--renders", type=int, default=6, help="PDFs rendered per measurement")
    parser.add_argument("--requests", type=int, default=60, help="requests per latency measurement")
    parser.add_argument("--concurrent", type=int, default=2, help="PDF renders kept running during the load")
    return parser.parse_args(argv)


if __name__ == "__main__":
    asyncio.run(main(parse()))
