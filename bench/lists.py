"""Does a list page slow down with the number of records? Run: ``python -m bench.lists``.

The demo portal is built once per size; the demo contact's site then gets N sent, open quotes
(Core multi-row inserts, as an ERP import would leave them). The first page of /quotes and a deep
page (keyset, near the oldest record) are loaded in-process through the ASGI interface, and the
medians are printed against the smallest size measured in the same run, the baseline.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
from sqlalchemy import event, insert, select

if __package__ in (None, ""):  # run as a script: python bench/lists.py
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.database import BenchDatabase, prepare  # noqa: E402

CSRF_INPUT = re.compile(r'name="_csrf_token" value="([^"]+)"')
EMAIL = "north@globex.example"


@dataclass
class Row:
    size: int
    first_ms: float
    deep_ms: float
    statements: int


async def add_quotes(bench_db: BenchDatabase, count: int) -> int:
    """``count`` sent, open quotes for the contact's site; returns the id of the 51st oldest."""
    from core.db import make_engine
    from core.documents import Publication
    from core.models import User
    from plugins.quotes.models import Quote

    engine = make_engine(bench_db.settings.database_url)
    try:
        async with engine.begin() as conn:
            user = (await conn.execute(select(User.tenant_id, User.customer_id).where(User.email == EMAIL))).one()
            tenant_id, customer_id = user
            first = (await conn.execute(select(Quote.id).order_by(Quote.id.desc()).limit(1))).scalar() or 0
            batch = 5_000
            for start in range(0, count, batch):
                numbers = range(start + 1, min(count, start + batch) + 1)
                rows = [
                    {
                        "tenant_id": tenant_id,
                        "customer_id": customer_id,
                        "kind": "quote",
                        "number": f"B-{i:07d}",
                        "name": f"Bulk quote {i}",
                        "status": "open",
                        "awaiting_approval": i % 7 == 0,
                        "total_minor": i * 100,
                    }
                    for i in numbers
                ]
                await conn.execute(insert(Quote.__table__), rows)
            ids = (await conn.execute(select(Quote.id).where(Quote.id > first).order_by(Quote.id))).scalars().all()
            for start in range(0, len(ids), batch):
                await conn.execute(
                    insert(Publication.__table__),
                    [
                        {
                            "tenant_id": tenant_id,
                            "customer_id": customer_id,
                            "doc_type": "quotes.quote",
                            "record_id": record_id,
                            "version": 1,
                            "storage_key": "bench/none.pdf",
                            "filename": "bench.pdf",
                            "size": 1,
                            "recipients": [],
                        }
                        for record_id in ids[start : start + batch]
                    ],
                )
        return ids[min(50, len(ids) - 1)]
    finally:
        await engine.dispose()


async def measure(bench_db: BenchDatabase, deep_id: int, requests: int) -> tuple[float, float, int]:
    from core.app import create_app

    app = create_app(bench_db.settings)
    engine = app.state.portico.engine
    statements: list[str] = []
    event.listen(engine.sync_engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url=f"http://{bench_db.host}") as client:
        form = await client.get("/login")
        token = CSRF_INPUT.search(form.text)
        assert token, "no CSRF field on /login"
        signed = await client.post(
            "/login", data={"email": EMAIL, "password": bench_db.password, "next": "/", "_csrf_token": token.group(1)}
        )
        assert signed.status_code == 302, signed.text[:300]

        async def median_ms(path: str) -> float:
            for _ in range(3):  # warm the tenant state and the templates
                assert (await client.get(path)).status_code == 200, path
            times = []
            for _ in range(requests):
                started = time.perf_counter()
                response = await client.get(path)
                times.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, path
            return statistics.median(times)

        first = await median_ms("/quotes")
        deep = await median_ms(f"/quotes?after={deep_id}")
        statements.clear()
        await client.get(f"/quotes?after={deep_id}")
        count = len(statements)
    await engine.dispose()
    return first, deep, count


def run_size(size: int, requests: int) -> Row:
    folder = Path(tempfile.mkdtemp(prefix="portico-bench-lists-"))
    try:
        print(f"[bench] {size:,} quotes: building the demo portal", file=sys.stderr, flush=True)
        bench_db = prepare(folder, EMAIL)
        started = time.perf_counter()
        deep_id = asyncio.run(add_quotes(bench_db, size))
        print(f"[bench] {size:,} quotes written in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        first, deep, statements = asyncio.run(measure(bench_db, deep_id, requests))
        return Row(size, first, deep, statements)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes", default="1000,100000", help="comma-separated quote counts; the first is the baseline"
    )
    parser.add_argument("--requests", type=int, default=30, help="measured requests per page")
    args = parser.parse_args(argv)
    rows = [run_size(int(size), args.requests) for size in args.sizes.split(",")]
    base = rows[0]
    print(f"\n{'quotes':>10} {'first page':>12} {'deep page':>12} {'vs baseline':>12} {'statements':>11}")
    for row in rows:
        ratio = max(row.first_ms, row.deep_ms) / max(base.first_ms, base.deep_ms)
        print(f"{row.size:>10,} {row.first_ms:>10.1f}ms {row.deep_ms:>10.1f}ms {ratio:>11.2f}x {row.statements:>11}")
    print("\nbaseline: the same pages with the first size's quotes; medians of in-process requests.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
