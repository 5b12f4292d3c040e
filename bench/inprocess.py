"""In-process look at one page: SQL statements per request, app-only cost, and a cProfile breakdown.

Requests are handed straight to the ASGI app (no socket, no uvicorn, no HTTP client), one at a
time, so the numbers are the app's own cost. cProfile sees only the event-loop thread: the time
aiosqlite's worker thread spends in SQLite shows up as the loop waiting in ``epoll``.
"""

from __future__ import annotations

import cProfile
import pstats
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

REPO = Path(__file__).resolve().parent.parent
CORE_DIR = str(REPO / "core") + "/"
BENCH_DIR = str(REPO / "bench") + "/"


@dataclass
class InProcess:
    statements: list[str] = field(default_factory=list)  # SQL of one warm request
    wall_us: float = 0.0  # per request, median of batches
    cpu_us: float = 0.0  # this process's CPU per request (the aiosqlite thread included)
    profile: dict[str, float] = field(default_factory=dict)  # category -> share of profiled time
    status: int = 0


async def call(app: Any, path: str, host: str, cookie: str) -> tuple[int, bytes]:
    """One GET through the ASGI interface."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [
            (b"host", host.encode()),
            (b"cookie", cookie.encode()),
            (b"accept", b"text/html"),
            (b"user-agent", b"portico-bench"),
        ],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 80),
        "state": {},
    }
    sent = False
    messages: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        messages.append(message)

    await app(scope, receive, send)
    status = next(m["status"] for m in messages if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.response.body")
    return status, body


OTHER = "other (stdlib, builtins)"


def category(filename: str, function: str) -> str:
    if filename == "~":  # a builtin
        if "epoll" in function:
            return "loop idle (waiting for the aiosqlite thread)"
        return OTHER
    if filename.startswith(CORE_DIR) or "/core/templates/" in filename:
        return "Jinja2 (templates)" if filename.endswith(".html") else "Portico kernel (core/)"
    if filename.startswith(BENCH_DIR):
        return "bench harness / bare app"
    for marker, name in (
        ("/sqlalchemy/", "SQLAlchemy"),
        ("/aiosqlite/", "aiosqlite (thread hand-off) + sqlite3"),
        ("/litestar/", "Litestar"),
        ("/msgspec/", "Litestar"),
        ("/jinja2/", "Jinja2 (templates)"),
        ("/markupsafe/", "Jinja2 (templates)"),
        ("/casbin/", "casbin"),
        ("/pluggy/", "pluggy"),
        ("/asyncio/", "asyncio event loop"),
        ("/selectors.py", "asyncio event loop"),
    ):
        if marker in filename:
            return name
    if filename.endswith(".html") or filename == "<template>":
        return "Jinja2 (templates)"
    return OTHER


def attribute(stats: dict[Any, Any]) -> Counter[str]:
    """Own time per category; builtins and plain stdlib are charged to whoever called them
    (by each caller's share), so ``isinstance`` or ``copy.copy`` count for the library using them."""
    memo: dict[Any, dict[str, float]] = {}

    def shares(func: Any, seen: frozenset[Any]) -> dict[str, float]:
        if func in memo:
            return memo[func]
        name = category(func[0], func[2])
        callers = stats[func][4] if func in stats else {}
        if name != OTHER or not callers or func in seen or len(seen) > 12:
            return {name: 1.0}
        weights = {caller: timing[2] or timing[1] for caller, timing in callers.items()}
        total = sum(weights.values()) or 1.0
        out: Counter[str] = Counter()
        for caller, weight in weights.items():
            for cat, part in shares(caller, seen | {func}).items():
                out[cat] += weight / total * part
        memo[func] = dict(out)
        return memo[func]

    result: Counter[str] = Counter()
    for func, (_cc, _nc, tottime, _ct, _callers) in stats.items():
        for cat, part in shares(func, frozenset()).items():
            result[cat] += tottime * part
    return result


async def analyse(
    app: Any,
    engine: AsyncEngine,
    *,
    path: str,
    host: str,
    cookie: str,
    requests: int,
    profile_requests: int,
    batches: int = 5,
) -> InProcess:
    result = InProcess()
    for _ in range(3):  # warm up: tenant state, statement caches, compiled templates
        result.status, _body = await call(app, path, host, cookie)

    statements: list[str] = []

    def before(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(" ".join(statement.split()))

    event.listen(engine.sync_engine, "before_cursor_execute", before)
    try:
        await call(app, path, host, cookie)
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", before)
    result.statements = statements

    per_batch = max(1, requests // batches)
    walls, cpus = [], []
    for _ in range(batches):
        wall, cpu = time.perf_counter(), time.process_time()
        for _ in range(per_batch):
            await call(app, path, host, cookie)
        walls.append((time.perf_counter() - wall) / per_batch * 1e6)
        cpus.append((time.process_time() - cpu) / per_batch * 1e6)
    result.wall_us = sorted(walls)[len(walls) // 2]
    result.cpu_us = sorted(cpus)[len(cpus) // 2]

    if profile_requests:
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(profile_requests):
            await call(app, path, host, cookie)
        profiler.disable()
        stats: dict[Any, Any] = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
        shares = attribute(stats)
        total = sum(shares.values()) or 1.0
        result.profile = {name: seconds / total for name, seconds in shares.most_common()}
    return result
