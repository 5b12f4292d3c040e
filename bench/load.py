"""A bounded HTTP load generator for loopback servers, in pure Python.

Two clients: ``raw`` (asyncio streams speaking HTTP/1.1 keep-alive, the default: it costs the
client ~10x less CPU than httpx, which matters when client and server share a small machine)
and ``httpx`` (``httpx.AsyncClient``). Each of ``concurrency`` workers sends one request at a
time; the run stops at ``max_requests`` or after ``seconds``, whichever comes first, and every
request has its own timeout.
"""

from __future__ import annotations

import asyncio
import os
import time
from dataclasses import dataclass, field

HOST = "127.0.0.1"
REQUEST_TIMEOUT = 10.0


@dataclass
class Sample:
    """What one load phase (or several, merged) measured."""

    latencies: list[float] = field(default_factory=list)  # seconds, successful requests only
    errors: int = 0
    seconds: float = 0.0  # wall time of the measured phases
    body_bytes: int = 0  # of the last good response
    server_cpu: float | None = 0.0  # server process CPU seconds during the phases
    client_cpu: float = 0.0  # this process's CPU seconds during the phases

    @property
    def ok(self) -> int:
        return len(self.latencies)

    @property
    def rps(self) -> float:
        return self.ok / self.seconds if self.seconds else 0.0

    def percentile(self, q: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q / 100 * len(ordered)))]

    def merge(self, other: Sample) -> None:
        self.latencies.extend(other.latencies)
        self.errors += other.errors
        self.seconds += other.seconds
        self.body_bytes = other.body_bytes or self.body_bytes
        self.client_cpu += other.client_cpu
        if self.server_cpu is None or other.server_cpu is None:
            self.server_cpu = None
        else:
            self.server_cpu += other.server_cpu


def process_cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of another process (Linux /proc), or None where unavailable."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


class _Budget:
    def __init__(self, requests: int, seconds: float) -> None:
        self.remaining = requests
        self.deadline = time.perf_counter() + seconds

    def take(self) -> bool:
        if self.remaining <= 0 or time.perf_counter() >= self.deadline:
            return False
        self.remaining -= 1
        return True


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, int, bool]:
    """(status, body length, keep-alive) of one HTTP/1.1 response."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    if "content-length" in headers:
        size = int(headers["content-length"])
        await reader.readexactly(size)
    elif headers.get("transfer-encoding", "").lower() == "chunked":
        size = 0
        while True:
            chunk = int((await reader.readuntil(b"\r\n")).split(b";", 1)[0], 16)
            if chunk == 0:
                await reader.readuntil(b"\r\n")  # no trailers are expected
                break
            await reader.readexactly(chunk + 2)
            size += chunk
    else:
        raise ValueError("response without a length")
    return status, size, headers.get("connection", "").lower() != "close"


async def _raw_worker(port: int, request: bytes, budget: _Budget, sample: Sample) -> None:
    writer: asyncio.StreamWriter | None = None
    reader: asyncio.StreamReader | None = None
    try:
        while budget.take():
            started = time.perf_counter()
            try:
                async with asyncio.timeout(REQUEST_TIMEOUT):
                    if writer is None:
                        reader, writer = await asyncio.open_connection(HOST, port)
                    assert reader is not None
                    writer.write(request)
                    status, size, keep_alive = await _read_response(reader)
            except (OSError, TimeoutError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError):
                sample.errors += 1
                if writer is not None:
                    writer.close()
                writer = reader = None
                continue
            if status == 200:
                sample.latencies.append(time.perf_counter() - started)
                sample.body_bytes = size
            else:
                sample.errors += 1
            if not keep_alive:
                writer.close()
                writer = reader = None
    finally:
        if writer is not None:
            writer.close()


async def _httpx_worker(client: object, path: str, budget: _Budget, sample: Sample) -> None:
    import httpx

    assert isinstance(client, httpx.AsyncClient)
    while budget.take():
        started = time.perf_counter()
        try:
            response = await client.get(path)
        except httpx.HTTPError:
            sample.errors += 1
            continue
        if response.status_code == 200:
            sample.latencies.append(time.perf_counter() - started)
            sample.body_bytes = len(response.content)
        else:
            sample.errors += 1


async def run_load(
    *,
    port: int,
    host_header: str,
    path: str,
    cookie: str,
    concurrency: int,
    seconds: float,
    max_requests: int,
    client: str = "raw",
    server_pid: int | None = None,
) -> Sample:
    """Load ``http://127.0.0.1:port{path}`` (sent as ``Host: host_header``) and measure it."""
    sample = Sample()
    cpu_before = process_cpu_seconds(server_pid) if server_pid else None
    client_before = time.process_time()
    started = time.perf_counter()
    if client == "raw":
        request = (
            f"GET {path} HTTP/1.1\r\nHost: {host_header}\r\nCookie: {cookie}\r\n"
            "Accept: text/html\r\nUser-Agent: portico-bench\r\n\r\n"
        ).encode("latin-1")
        budget = _Budget(max_requests, seconds)
        await asyncio.gather(*(_raw_worker(port, request, budget, sample) for _ in range(concurrency)))
    elif client == "httpx":
        import httpx

        async with httpx.AsyncClient(
            base_url=f"http://{HOST}:{port}",
            headers={"host": host_header, "cookie": cookie, "accept": "text/html", "user-agent": "portico-bench"},
            limits=httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency),
            timeout=REQUEST_TIMEOUT,
            follow_redirects=False,
        ) as http:
            budget = _Budget(max_requests, seconds)
            await asyncio.gather(*(_httpx_worker(http, path, budget, sample) for _ in range(concurrency)))
    else:
        raise ValueError(f"unknown client {client!r}")
    sample.seconds = time.perf_counter() - started
    sample.client_cpu = time.process_time() - client_before
    cpu_after = process_cpu_seconds(server_pid) if server_pid else None
    sample.server_cpu = cpu_after - cpu_before if cpu_before is not None and cpu_after is not None else None
    return sample
