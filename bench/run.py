"""Portico vs a bare Litestar app, and the cost of a permission check. Run: ``python -m bench.run``.

See bench/README.md for what is measured and how to read the tables.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

if __package__ in (None, ""):  # run as a script: python bench/run.py
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.database import BenchDatabase, prepare  # noqa: E402
from bench.inprocess import InProcess, analyse  # noqa: E402
from bench.load import HOST, Sample, run_load  # noqa: E402
from bench.perm_bench import PermResult, measure  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
CSRF_INPUT = re.compile(r'name="_csrf_token" value="([^"]+)"')
START_TIMEOUT = 30.0


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --- servers ----------------------------------------------------------------------------------


@dataclass
class Server:
    name: str
    process: subprocess.Popen[bytes]
    port: int
    log_path: Path

    def log_tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def start_server(kind: str, bench_db: BenchDatabase, folder: Path) -> Server:
    port = free_port()
    log_path = folder / f"{kind}.log"
    env = {
        **os.environ,
        "PORTICO_SECRET_KEY": bench_db.settings.secret_key,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH", "")])),
    }
    command = [sys.executable, "-m", "bench.serve", kind, "--port", str(port)]
    command += ["--db", bench_db.settings.database_url, "--data-dir", str(bench_db.settings.data_dir)]
    with open(log_path, "wb") as out:
        process = subprocess.Popen(command, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)
    return Server(kind, process, port, log_path)


def wait_ready(server: Server) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    with httpx.Client(timeout=2.0) as client:
        while time.monotonic() < deadline:
            if server.process.poll() is not None:
                raise RuntimeError(f"the {server.name} server exited:\n{server.log_tail()}")
            try:
                if client.get(f"http://{HOST}:{server.port}/healthz").status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
    raise RuntimeError(f"the {server.name} server did not answer within {START_TIMEOUT:.0f} s:\n{server.log_tail()}")


def stop_server(server: Server) -> None:
    if server.process.poll() is None:
        server.process.terminate()
        try:
            server.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait(timeout=5)


# --- signing in ---------------------------------------------------------------------------------


async def sign_in_real(port: int, bench_db: BenchDatabase, path: str) -> tuple[str, int]:
    """Log in through /login with the CSRF token; return the Cookie header and the page size."""
    async with httpx.AsyncClient(
        base_url=f"http://{HOST}:{port}", headers={"host": bench_db.host}, timeout=10.0, follow_redirects=False
    ) as client:
        form = await client.get("/login")
        found = CSRF_INPUT.search(form.text)
        if form.status_code != 200 or found is None:
            raise RuntimeError(f"GET /login gave {form.status_code} without a CSRF field")
        response = await client.post(
            "/login",
            data={"email": bench_db.email, "password": bench_db.password, "next": "/", "_csrf_token": found.group(1)},
        )
        if response.status_code != 302 or "portico_session" not in client.cookies:
            raise RuntimeError(f"login failed: {response.status_code} {response.text[:300]}")
        cookie = "; ".join(f"{name}={value}" for name, value in client.cookies.items())
        page = await client.get(path)
        if page.status_code != 200:
            raise RuntimeError(f"GET {path} on the real app gave {page.status_code}")
        return cookie, len(page.content)


async def check_bare(port: int, host: str, cookie: str) -> int:
    async with httpx.AsyncClient(base_url=f"http://{HOST}:{port}", headers={"host": host}, timeout=10.0) as client:
        page = await client.get("/", headers={"cookie": cookie})
        if page.status_code != 200 or "Dashboard" not in page.text:
            raise RuntimeError(f"GET / on the bare app gave {page.status_code}: {page.text[:300]}")
        return len(page.content)


# --- phases -------------------------------------------------------------------------------------


@dataclass
class Target:
    name: str
    server: Server
    path: str
    cookie: str
    sample: Sample
    inproc: InProcess | None = None


async def http_phase(targets: Sequence[Target], host: str, args: argparse.Namespace) -> None:
    common = {"host_header": host, "concurrency": args.concurrency, "client": args.client}
    for target in targets:
        log(f"warming up {target.name} ({args.warmup} requests)")
        port, path, cookie = target.server.port, target.path, target.cookie
        await run_load(port=port, path=path, cookie=cookie, seconds=10.0, max_requests=args.warmup, **common)
    for round_no in range(args.rounds):
        for target in targets if round_no % 2 == 0 else list(reversed(targets)):
            log(f"round {round_no + 1}/{args.rounds}: loading {target.name}")
            sample = await run_load(
                port=target.server.port,
                path=target.path,
                cookie=target.cookie,
                seconds=args.seconds / args.rounds,
                max_requests=args.requests // args.rounds,
                server_pid=target.server.process.pid,
                **common,
            )
            target.sample.merge(sample)


async def inprocess_phase(bench_db: BenchDatabase, real: Target, bare: Target, args: argparse.Namespace) -> None:
    from bench.bare_app import create_bare_app
    from core.app import create_app

    real_app = create_app(bench_db.settings)
    bare_app = create_bare_app(bench_db.settings.database_url)
    try:
        for target, app, engine in (
            (real, real_app, real_app.state.portico.engine),
            (bare, bare_app, bare_app.state.bench_engine),
        ):
            log(f"in-process: {target.name}")
            target.inproc = await analyse(
                app,
                engine,
                path=target.path,
                host=bench_db.host,
                cookie=target.cookie,
                requests=args.inprocess_requests,
                profile_requests=args.profile_requests,
            )
    finally:
        await real_app.state.portico.engine.dispose()
        await bare_app.state.bench_engine.dispose()


# --- output -------------------------------------------------------------------------------------


def table(title: str, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    cells = [[str(c) for c in header]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]

    def line(row: Sequence[str]) -> str:
        return "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True)))

    rule = "-" * len(line(cells[0]))
    return "\n".join([title, rule, line(cells[0]), rule, *(line(r) for r in cells[1:]), rule])


def fmt(value: float | None, digits: int = 1) -> str:
    return "-" if value is None or value != value else f"{value:,.{digits}f}"


def ratio(real: float | None, bare: float | None, digits: int = 2) -> str:
    return "-" if not real or not bare else f"{real / bare:.{digits}f}x"


def http_report(real: Target, bare: Target, args: argparse.Namespace) -> str:
    def cpu_ms(target: Target) -> float | None:
        s = target.sample
        return s.server_cpu / s.ok * 1e3 if s.server_cpu is not None and s.ok else None

    def client_ms(target: Target) -> float | None:
        s = target.sample
        return s.client_cpu / s.ok * 1e3 if s.ok else None

    def row(t: Target) -> list[str]:
        s = t.sample
        return [
            f"{t.name} GET {t.path}",
            f"{s.ok:,}",
            str(s.errors),
            fmt(s.rps),
            fmt(s.percentile(50) * 1e3, 2),
            fmt(s.percentile(95) * 1e3, 2),
            fmt(s.percentile(99) * 1e3, 2),
            fmt(cpu_ms(t), 2),
            fmt(client_ms(t), 2),
            str(len(t.inproc.statements)) if t.inproc else "-",
            f"{s.body_bytes:,}",
        ]

    rs, bs = real.sample, bare.sample
    ratio_row = [
        "ratio real/bare",
        "",
        "",
        ratio(rs.rps, bs.rps),
        ratio(rs.percentile(50), bs.percentile(50)),
        ratio(rs.percentile(95), bs.percentile(95)),
        ratio(rs.percentile(99), bs.percentile(99)),
        ratio(cpu_ms(real), cpu_ms(bare)),
        "",
        "",
        "",
    ]
    header = ["app", "requests", "errors", "req/s", "p50 ms", "p95 ms", "p99 ms", "server CPU ms/req",
              "client CPU ms/req", "SQL/req", "bytes"]  # fmt: skip
    title = (
        f"HTTP over loopback: uvicorn (1 process each), {args.concurrency} connections, {args.client} client, "
        f"{args.rounds} alternating rounds, <= {args.seconds:g} s or {args.requests:,} requests per app"
    )
    return table(title, header, [row(bare), row(real), ratio_row])


def inprocess_report(real: Target, bare: Target) -> str:
    parts = []
    if real.inproc and bare.inproc:
        ri, bi = real.inproc, bare.inproc
        parts.append(
            table(
                "In process (ASGI call, no socket/uvicorn/client), sequential requests, median of 5 batches",
                ["app", "status", "wall us/req", "CPU us/req", "SQL statements"],
                [
                    [bare.name, bi.status, fmt(bi.wall_us, 0), fmt(bi.cpu_us, 0), len(bi.statements)],
                    [real.name, ri.status, fmt(ri.wall_us, 0), fmt(ri.cpu_us, 0), len(ri.statements)],
                    ["ratio real/bare", "", ratio(ri.wall_us, bi.wall_us), ratio(ri.cpu_us, bi.cpu_us), ""],
                ],
            )
        )
        names = list(dict.fromkeys([*ri.profile, *bi.profile]))
        rows = [
            [
                name,
                fmt(ri.profile.get(name, 0) * 100, 1),
                fmt(ri.profile.get(name, 0) * ri.wall_us, 0),
                fmt(bi.profile.get(name, 0) * 100, 1),
                fmt(bi.profile.get(name, 0) * bi.wall_us, 0),
            ]
            for name in names
        ]
        parts.append(
            table(
                "Where the time goes (cProfile own time by package; ~us/req = share x unprofiled wall time)",
                ["package", f"{real.name} %", f"{real.name} ~us/req", f"{bare.name} %", f"{bare.name} ~us/req"],
                rows,
            )
        )
        parts.append(f"SQL of one warm {real.name} request to {real.path}:")
        parts.extend(f"  {i}. {s[:150]}{'...' if len(s) > 150 else ''}" for i, s in enumerate(ri.statements, 1))
        parts.append(f"SQL of one warm {bare.name} request:")
        parts.extend(f"  {i}. {s[:150]}{'...' if len(s) > 150 else ''}" for i, s in enumerate(bi.statements, 1))
    return "\n".join(parts)


def perm_report(results: Sequence[PermResult]) -> str:
    build = table(
        "Building TenantStates (build_enforcer + resolve_role_permissions), 4 roles and ~36 grants per tenant",
        ["tenants", "built eagerly", "build s", "ms/tenant", "RSS +MB", "shared enforcer build s"],
        [
            [f"{r.tenants:,}", f"{r.eager_built:,}", fmt(r.build_seconds, 2), fmt(r.build_ms_per_tenant, 3),
             fmt(r.rss_delta_mb, 1),
             fmt(r.shared_build_seconds, 2) if r.shared_build_seconds is not None else "skipped"]
            for r in results
        ],
    )  # fmt: skip
    checks = table(
        "Per-check cost in microseconds (median of batches; loop overhead subtracted from (a))",
        ["tenants", "(a) perm in frozenset", "(a) ctx.can()", "(a) state lookup+can", "(b) casbin enforce",
         "(c) rebuild median", "(c) rebuild p95", "(d) shared enforce", "(b)/(a)"],
        [
            [f"{r.tenants:,}", fmt(r.in_frozenset_us, 3), fmt(r.ctx_can_us, 3), fmt(r.lookup_can_us, 3),
             fmt(r.enforce_us, 1), fmt(r.rebuild_us, 0), fmt(r.rebuild_p95_us, 0),
             fmt(r.shared_enforce_us, 0) if r.shared_enforce_us is not None else "skipped",
             f"{r.enforce_us / r.in_frozenset_us:,.0f}x" if r.in_frozenset_us else "-"]
            for r in results
        ],
    )  # fmt: skip
    notes = [note for r in results for note in r.notes]
    mismatches = sum(r.enforce_mismatches for r in results)
    notes.append(
        "casbin enforce agreed with the frozensets on every sampled check"
        if not mismatches
        else f"WARNING: casbin enforce disagreed with the frozensets {mismatches} times"
    )
    return "\n".join([build, checks, *(f"note: {n}" for n in notes)])


# --- main ---------------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__)
    p.add_argument("--seconds", type=float, default=10.0, help="measured seconds per app, all rounds (default 10)")
    p.add_argument("--requests", type=int, default=20_000, help="at most this many requests per app (default 20000)")
    p.add_argument("--concurrency", type=int, default=8, help="concurrent keep-alive connections (default 8)")
    p.add_argument("--rounds", type=int, default=2, help="alternating real/bare rounds (default 2)")
    p.add_argument("--warmup", type=int, default=300, help="unmeasured requests per app first (default 300)")
    p.add_argument("--client", choices=["raw", "httpx"], default="raw", help="load client (default raw asyncio)")
    p.add_argument("--email", default="admin@acme.example", help="demo user to sign in as")
    p.add_argument("--path", default="/", help="page of the real app to load (default / the dashboard)")
    p.add_argument("--tenants", default="1,100,10000", help="tenant counts for the permission benchmark")
    p.add_argument("--build-budget", type=float, default=30.0, help="seconds to build tenant states eagerly")
    p.add_argument("--inprocess-requests", type=int, default=500)
    p.add_argument("--profile-requests", type=int, default=200, help="0 to skip the cProfile breakdown")
    p.add_argument("--skip-http", action="store_true", help="only the permission benchmark")
    p.add_argument("--skip-perm", action="store_true", help="only the HTTP comparison")
    p.add_argument("--keep", action="store_true", help="keep the temporary folder (database, server logs)")
    args = p.parse_args(argv)
    for name in ("seconds", "requests", "concurrency", "rounds"):
        if getattr(args, name) <= 0:
            p.error(f"--{name} must be positive")
    args.seconds = min(args.seconds, 120.0)  # bounded, whatever is asked
    args.concurrency = min(args.concurrency, 256)
    return args


def run_http(args: argparse.Namespace, folder: Path) -> list[str]:
    log("creating the demo database")
    bench_db = prepare(folder, args.email)
    log(f"schema via {bench_db.schema}; starting servers")
    servers: list[Server] = []
    try:
        servers.append(start_server("real", bench_db, folder))
        servers.append(start_server("bare", bench_db, folder))
        for server in servers:
            wait_ready(server)
        real_server, bare_server = servers
        log(f"portico on {HOST}:{real_server.port}, bare on {HOST}:{bare_server.port}; signing in as {args.email}")
        cookie, _size = asyncio.run(sign_in_real(real_server.port, bench_db, args.path))
        bare_cookie = f"portico_session={bench_db.bare_token}"
        asyncio.run(check_bare(bare_server.port, bench_db.host, bare_cookie))
        real = Target("portico", real_server, args.path, cookie, Sample())
        bare = Target("bare", bare_server, "/", bare_cookie, Sample())
        asyncio.run(http_phase([real, bare], bench_db.host, args))
        for server in servers:
            if server.process.poll() is not None:
                raise RuntimeError(f"the {server.name} server died during the run:\n{server.log_tail()}")
    finally:
        for server in servers:
            stop_server(server)
        log("servers stopped")
    asyncio.run(inprocess_phase(bench_db, real, bare, args))
    return [http_report(real, bare, args), "", inprocess_report(real, bare)]


def run_perm(args: argparse.Namespace) -> list[str]:
    results = []
    for count in [int(n) for n in args.tenants.split(",") if n.strip()]:
        log(f"permission benchmark with {count:,} tenants")
        results.append(measure(max(1, min(count, 100_000)), build_budget=args.build_budget))
        gc.collect()
    return [perm_report(results)]


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so the finally blocks stop the servers
    started = time.perf_counter()
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    folder = Path(tempfile.mkdtemp(prefix="portico-bench-"))
    out: list[str] = []
    try:
        if not args.skip_http:
            out += run_http(args, folder)
        if not args.skip_perm:
            out += ["", *run_perm(args)]
    finally:
        if args.keep:
            log(f"kept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)
    import platform

    print()
    print(
        f"Portico benchmark - Python {platform.python_version()}, {os.cpu_count()} CPUs, "
        f"load average at start {', '.join(f'{x:.2f}' for x in load) if load else '?'}, "
        f"total {time.perf_counter() - started:.0f} s"
    )
    print()
    print("\n".join(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
