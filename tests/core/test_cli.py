"""The ``portico`` command, run as a user runs it."""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import os
import re
import socket
import sys

import httpx
import pytest

from core.cli import main
from core.demo import DEMO_PASSWORD
from core.documents import render
from tests.core.processes import HAS_PROC, descendants, kill, still_running

pytestmark = pytest.mark.usefixtures("portico_backend")


async def portico(*args: str, db: str | None = None, wait: float = 120) -> tuple[int, str, str]:
    """``portico ...`` as a new process, as a user runs it."""
    env = {**os.environ, "PORTICO_DATA_DIR": os.environ.get("PORTICO_TEST_DATA_DIR", "/tmp/portico-cli-test")}
    full = [sys.executable, "-m", "core.cli", *args] + (["--db", db] if db else [])
    process = await asyncio.create_subprocess_exec(
        *full, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    out, err = await asyncio.wait_for(process.communicate(), wait)
    return process.returncode, out.decode(), err.decode()


@pytest.fixture
def cli_db(fresh_database_url):
    return fresh_database_url


@pytest.fixture
def run_portico(monkeypatch):
    """``portico ...`` through ``core.cli.main``, the console script's entry point, in this process.

    The same parsing, commands, messages and exit codes as the command, without starting an
    interpreter for each (about 1.2 s of imports a time); the demo test below starts real ones."""
    monkeypatch.setenv("PORTICO_DATA_DIR", os.environ.get("PORTICO_TEST_DATA_DIR", "/tmp/portico-cli-test"))
    # main() stops the PDF workers a command started; the kit's own pool serves the other tests.
    monkeypatch.setattr(render, "shutdown_pool", lambda: None)

    def run(*args: str, db: str | None = None) -> tuple[int, str, str]:
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main([*args, *(["--db", db] if db else [])])
            except SystemExit as exit:  # argparse refusing the arguments
                code = int(exit.code or 0)
        return code, out.getvalue(), err.getvalue()

    async def in_thread(*args: str, db: str | None = None) -> tuple[int, str, str]:
        return await asyncio.to_thread(run, *args, db=db)  # commands start an event loop of their own

    return in_thread


async def test_tenant_and_user_create(cli_db, run_portico):
    code, _, err = await run_portico("tenant", "create", "beta", "--name", "Beta Works", db=cli_db)
    assert code == 2 and "run `portico db upgrade` first" in err  # an empty database is explained
    assert (await run_portico("db", "upgrade", db=cli_db))[0] == 0
    code, out, err = await run_portico(
        "tenant", "create", "beta", "--name", "Beta Works", "--host", "beta.example", db=cli_db
    )
    assert code == 0, err
    assert "created tenant beta" in out
    code, out, err = await run_portico(
        "user", "create", "--tenant", "beta", "--email", "boss@beta.example", "--password", "long enough pw",
        "--role", "vendor_admin", db=cli_db,
    )  # fmt: skip
    assert code == 0, err
    assert "created staff user boss@beta.example" in out
    code, out, err = await run_portico(
        "user", "create", "--tenant", "beta", "--email", "c@beta.example", "--password", "long enough pw",
        "--role", "customer_user", "--customer", "Nobody Inc", db=cli_db,
    )  # fmt: skip
    assert code == 2
    assert "has no customer account 'Nobody Inc'" in err
    code, out, err = await run_portico("customer", "create", "--tenant", "beta", "--name", "Initech", db=cli_db)
    assert code == 0 and "created customer account Initech" in out, err
    code, out, err = await run_portico(
        "customer", "create", "--tenant", "beta", "--name", "Initech East", "--parent", "Initech", db=cli_db
    )
    assert code == 0 and "under Initech" in out, err
    code, out, err = await run_portico(
        "user", "create", "--tenant", "beta", "--email", "c@beta.example", "--password", "long enough pw",
        "--role", "customer_user", "--customer", "Initech East", db=cli_db,
    )  # fmt: skip
    assert code == 0 and "created contact c@beta.example" in out, err
    code, _, err = await run_portico("tenant", "create", "Bad Slug!", "--name", "X", db=cli_db)
    assert code == 2 and "slug" in err
    code, _, err = await run_portico("tenant", "frobnicate")
    assert code == 2 and "invalid choice" in err


async def test_plugins_lists_the_kernel_with_its_hooks():
    code, out, err = await portico("plugins", "--json")  # the installed console entry, in a process of its own
    assert code == 0, err
    rows = {row["name"]: row for row in json.loads(out)}
    assert "portico_routes" in rows["core"]["hooks"] and rows["core"]["version"]


async def test_db_upgrade(cli_db, run_portico):
    assert (await run_portico("db", "upgrade", db=cli_db))[0] == 0
    code, out, err = await run_portico("db", "upgrade", db=cli_db)
    assert code == 0, err
    assert "up to date" in out


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def _send_a_document_again(client: httpx.AsyncClient, database_url: str) -> None:
    """Send one of the demo's documents again, so the server renders a PDF in its pool."""
    from sqlalchemy import select

    from core.accounts import scoped
    from core.db import Scope, make_engine, make_sessionmaker
    from core.documents.models import Publication

    engine = make_engine(database_url)
    try:
        async with make_sessionmaker(engine)() as db, scoped(db, Scope.system()):
            sent = await db.scalar(select(Publication).order_by(Publication.id).limit(1))
    finally:
        await engine.dispose()
    if sent is None:
        pytest.skip("no installed module sends documents in the demo")
    url = f"/admin/documents/{sent.doc_type}/{sent.record_id}/send"
    form = (await client.get(url)).text
    token = form.split('name="_csrf_token" value="', 1)[1].split('"', 1)[0]
    contacts = re.findall(r'name="contact" value="(\d+)" checked', form)
    response = await client.post(url, data={"_csrf_token": token, "contact": contacts})
    assert response.status_code == 302, response.text


async def _sign_in(client: httpx.AsyncClient, email: str) -> None:
    login = await client.get("/login")
    token = login.text.split('name="_csrf_token" value="', 1)[1].split('"', 1)[0]
    response = await client.post("/login", data={"_csrf_token": token, "email": email, "password": DEMO_PASSWORD})
    assert response.status_code == 302


async def test_demo_prints_every_login_refreshes_serves_and_leaves_no_process_behind(cli_db, tmp_path):
    """The demo as processes of its own (each run seeds every module, the costly part): the first
    prints every login; the second refreshes the same database and serves it; people sign in to
    it, and SIGTERM, as a service manager stops it, leaves none of its PDF workers running."""
    code, out, err = await portico("demo", "--no-serve", db=cli_db)
    assert code == 0, err
    for email in ("admin@acme.example", "staff@acme.example", "buyer@globex.example", "north@globex.example"):
        assert email in out
    assert DEMO_PASSWORD in out
    port = _free_port()
    env = {**os.environ, "PORTICO_DATA_DIR": "/tmp/portico-cli-test"}
    # The server's output goes to a file: an unread pipe fills up (the demo seeds every module and
    # logs each request) and the server would block on its next write.
    log = open(tmp_path / "demo.log", "wb")  # noqa: ASYNC230, SIM115 - a local file, closed below
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "core.cli", "demo", "--db", cli_db, "--port", str(port),
        env=env, stdout=log, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    try:
        base = f"http://127.0.0.1:{port}"
        async with httpx.AsyncClient(base_url=base) as buyer, httpx.AsyncClient(base_url=base) as admin:
            for _ in range(600):
                try:
                    if (await buyer.get("/healthz")).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.1)
            assert "Portico demo is ready" in (tmp_path / "demo.log").read_text()  # refreshed, then served
            await _sign_in(buyer, "buyer@globex.example")
            dashboard = await buyer.get("/")
            assert "Acme Customer Portal" in dashboard.text and "Welcome, Grace." in dashboard.text
            if not HAS_PROC:
                return
            await _sign_in(admin, "admin@acme.example")
            await _send_a_document_again(admin, cli_db)
        started = descendants(process.pid)
        assert started, "the PDF pool's worker processes should be running"
        process.terminate()
        await asyncio.wait_for(process.wait(), 60)
        for _ in range(100):  # the last of them may take a moment to go
            if not (left := still_running(started)):
                break
            await asyncio.sleep(0.1)
        kill(left)
        assert not left, f"still running after the server stopped: {sorted(left)}"
    finally:
        if process.returncode is None:
            process.terminate()
            await process.wait()
        log.close()
