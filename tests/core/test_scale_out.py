"""Scale-out, proven: several ``portico serve`` and two ``portico worker`` processes on one
PostgreSQL database, deployed as the README's "Running several processes" describes.

One test in phases, so that the processes start once (all at the same time) and the whole takes
a few seconds:

1. three servers and two mail workers start. They share the database (through a role that may only
   read and write rows), the secret key and the file storage, and nothing else; the servers all
   start at the moment an upgrade has brought new permissions, and one of them grants them;
2. a vendor admin posts a message by email to 40 contacts through one server: 40 emails queued
   in one transaction, so both workers then drain a full outbox side by side;
3. meanwhile signed-in contacts send a bounded load (216 requests, 12 at a time) spread over the
   servers, as through a proxy that forwards the vendor's host and the visitor's address, and one
   worker is stopped (SIGTERM, as in a rolling restart) while it is sending;
4. password resets are asked for through different servers, one account twice;
5. a module is switched off and a role loses a permission through one server: every server
   answers its very next request accordingly, and again when both are undone;
6. every email reaches a real SMTP server exactly once, each while its worker held the claim; the
   links name the vendor's configured host, never the address the request came to; and once
   stopped, no process is left behind.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
import random
import re
import sys
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from email import message_from_bytes
from email import policy as email_policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import delete, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from core import CUSTOMER_USER, VENDOR_ADMIN
from core.accounts import create_customer, create_tenant, create_user, scoped
from core.db import Scope
from core.mail.models import OutboxMessage
from core.models import LoginAttempt, PermissionOffer, Role, RolePermission
from core.notices.models import Message
from core.testing import TEST_PASSWORD
from core.testing.database import POSTGRES_ADMIN_URL
from core.testing.mail import free_port
from tests.core.processes import HAS_PROC, descendants, kill, still_running

pytestmark = [pytest.mark.usefixtures("postgresql_only"), pytest.mark.portico_commits]

ROOT = Path(__file__).resolve().parents[2]
SERVERS, WORKERS = 3, 2
EMAILED_CONTACTS = 40  # the message's recipients: 40 emails queued together
BROWSING, RESETTING = 3, 4  # of them, those who send the load, and those who ask for a reset link
LOAD_REQUESTS, LOAD_CONCURRENCY = 216, 12  # 4 x (3 people x 3 servers x 6 pages)
TENANT_HOST = "scale.portal.test"  # the vendor's configured host, which the proxy passes on
BASE_URL = "https://portal.scale.test"  # where people reach the deployment: the proxy
VISITOR = "203.0.113.7"  # the address the proxy saw the visitor come from
SMTP_DELAY = 0.05  # seconds per message: one worker alone would take 2 s for the 40


@pytest.fixture
def postgresql_only(portico_backend: str) -> None:
    if portico_backend != "postgresql":
        pytest.skip("scale-out runs on PostgreSQL; SQLite is the embedded, single-machine database")


@pytest.fixture
def portico_installed() -> tuple[str, ...]:
    return ("quotes",)  # a module to switch off; its tables are made for the servers too


def command_line(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
            return cmdline.read().replace(b"\0", b" ").decode(errors="replace").strip()
    except OSError:
        return "?"


# --- a real SMTP server that notes who held each message's claim -----------------------------


@dataclass
class Delivery:
    outbox_id: int
    state: str  # the outbox row's state while the SMTP server received it
    sender: str  # the pid in the row's claimed_by: the worker process that sent it
    received_at: float  # time.monotonic() as the message arrived
    recipients: list[str]
    message: EmailMessage


class ClaimCheckingSmtp:
    """A real SMTP server on loopback (aiosmtpd, like the kit's ``SmtpServer``) that also reads,
    for each message, the outbox row its Message-ID names: so the test knows which worker sent it,
    and that the worker held the claim while sending."""

    def __init__(self, database_url: str) -> None:
        self.port = free_port()
        self.dsn = make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)
        self.deliveries: list[Delivery] = []
        self._watched: dict[str, Callable[[], None]] = {}
        self._expected: tuple[int, Callable[[], None]] | None = None
        self._conn: Any = None
        self._lock: asyncio.Lock | None = None
        self._controller: Any = None

    def start(self) -> None:
        from aiosmtpd.controller import Controller

        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            if self._conn is not None:
                asyncio.run_coroutine_threadsafe(self._conn.close(), self._controller.loop).result(10)
            self._controller.stop()
            self._controller = None

    def watch(self, pid: int) -> asyncio.Event:
        """An event (of the calling loop), set as the first message sent by process ``pid`` arrives,
        while that message is still being received."""
        event, loop = asyncio.Event(), asyncio.get_running_loop()
        self._watched[str(pid)] = lambda: loop.call_soon_threadsafe(event.set)
        return event

    def expect(self, count: int) -> asyncio.Event:
        """An event (of the calling loop), set once ``count`` messages have arrived."""
        event, loop = asyncio.Event(), asyncio.get_running_loop()
        self._expected = (count, lambda: loop.call_soon_threadsafe(event.set))
        return event

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        import asyncpg

        received_at = time.monotonic()
        parsed: Any = message_from_bytes(envelope.original_content or envelope.content, policy=email_policy.default)
        found = re.search(r"outbox\.\d+\.(\d+)@", parsed["Message-ID"] or "")
        if found is None:
            return "550 no outbox id in the Message-ID"
        outbox_id = int(found.group(1))
        self._lock = self._lock or asyncio.Lock()  # made on the SMTP server's own loop
        async with self._lock:
            if self._conn is None:
                self._conn = await asyncpg.connect(self.dsn)
                # An observer of every vendor's outbox: kernel work, past row-level security.
                await self._conn.execute("SELECT set_config('portico.tenant_id', 'all', false)")
            row = await self._conn.fetchrow("SELECT state, claimed_by FROM core_outbox WHERE id = $1", outbox_id)
        state, claimed_by = (row["state"], row["claimed_by"] or "") if row else ("missing", "")
        sender = claimed_by.split(":")[-2] if claimed_by.count(":") >= 2 else ""  # host:pid:random
        if sender in self._watched:
            self._watched.pop(sender)()
        await asyncio.sleep(SMTP_DELAY)
        self.deliveries.append(Delivery(outbox_id, state, sender, received_at, list(envelope.rcpt_tos), parsed))
        if self._expected is not None and len(self.deliveries) >= self._expected[0]:
            self._expected[1]()
        return "250 OK"


# --- the processes --------------------------------------------------------------------------


@dataclass
class Fleet:
    """The ``portico`` processes of the test, each logging to a file; all of them end with it."""

    folder: Path
    env: dict[str, str]
    processes: dict[str, asyncio.subprocess.Process] = field(default_factory=dict)
    below: dict[int, str] = field(default_factory=dict)  # what they started (pid -> start time)

    async def start(self, name: str, *args: str, **env: str) -> None:
        # A file, not a pipe: an unread pipe fills up and the process blocks on its next write.
        log = open(self.folder / f"{name}.log", "wb")  # noqa: ASYNC230, SIM115 - closed right after the start
        try:
            self.processes[name] = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "core.cli", *args,
                cwd=ROOT, env={**self.env, **env}, stdout=log, stderr=asyncio.subprocess.STDOUT,
            )  # fmt: skip
        finally:
            log.close()  # the child has its own copy

    def pid(self, name: str) -> int:
        return self.processes[name].pid

    def log(self, name: str) -> str:
        return (self.folder / f"{name}.log").read_text(errors="replace")

    def note_children(self) -> None:
        for process in self.processes.values():
            if HAS_PROC and process.returncode is None:
                self.below.update(descendants(process.pid))

    async def wait_healthy(self, name: str, port: int, within: float = 90) -> None:
        deadline = time.monotonic() + within
        async with httpx.AsyncClient() as client:
            while True:
                self._check_alive(name, deadline, "answer /healthz")
                with contextlib.suppress(httpx.TransportError):
                    if (await client.get(f"http://127.0.0.1:{port}/healthz")).status_code == 200:
                        return
                await asyncio.sleep(0.1)

    async def wait_logged(self, name: str, text: str, within: float = 90) -> None:
        """Until the process's log says ``text`` (a mail worker's "started", after its set-up)."""
        deadline = time.monotonic() + within
        while text not in self.log(name):
            self._check_alive(name, deadline, f"log {text!r}")
            await asyncio.sleep(0.1)

    def _check_alive(self, name: str, deadline: float, waiting_to: str) -> None:
        process = self.processes[name]
        if process.returncode is not None or time.monotonic() > deadline:
            ended = f"ended with {process.returncode}" if process.returncode is not None else "timed out"
            raise AssertionError(f"{name} did not {waiting_to} ({ended}):\n{self.log(name)[-3000:]}")

    async def stop(self) -> dict[str, int | None]:
        """SIGTERM to each, as a service manager stops them; what each ended with."""
        self.note_children()
        running = [p for p in self.processes.values() if p.returncode is None]
        for process in running:
            process.terminate()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.gather(*(p.wait() for p in running)), 30)
        return {name: p.returncode for name, p in self.processes.items()}

    async def kill_leftovers(self, grace: float) -> dict[int, str]:
        """SIGKILL what of ours still runs after ``grace`` seconds; returns it, with command lines."""
        deadline = time.monotonic() + grace
        while True:
            left = {p.pid for p in self.processes.values() if p.returncode is None}
            left |= still_running(self.below) if HAS_PROC else set()
            if not left or time.monotonic() > deadline:
                break
            await asyncio.sleep(0.05)
        named = {pid: command_line(pid) for pid in left}
        kill(left)
        for process in self.processes.values():
            if process.returncode is None:
                await process.wait()
        return named


@contextlib.asynccontextmanager
async def serving_role(database_url: str) -> AsyncIterator[str]:
    """A login role that may only read and write rows (all that ``serve`` and ``worker`` need, as
    the README says), and the URL that connects as it; dropped again afterwards."""
    name = f"portico_app_{uuid.uuid4().hex[:8]}"
    # The tests' own role may not create roles: the server's superuser makes it, in the test database.
    on_test_database = make_url(POSTGRES_ADMIN_URL).set(database=make_url(database_url).database)
    admin = create_async_engine(on_test_database, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as conn:
            await conn.execute(text(f'CREATE ROLE "{name}" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE'))
            await conn.execute(text(f'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO "{name}"'))
            await conn.execute(text(f'GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO "{name}"'))
        yield make_url(database_url).set(username=name).render_as_string(hide_password=False)
    finally:
        async with admin.connect() as conn:
            await conn.execute(text(f'DROP OWNED BY "{name}"'))  # its grants in this database
            await conn.execute(text(f'DROP ROLE "{name}"'))
        await admin.dispose()


@dataclass
class Deployment:
    fleet: Fleet
    ports: list[int]
    workers: list[str]
    ready_after: float = 0.0


@contextlib.asynccontextmanager
async def deployment(folder: Path, database_url: str, smtp_port: int) -> AsyncIterator[Deployment]:
    """SERVERS ``portico serve`` and WORKERS ``portico worker``, started at once, ready when
    yielded; every one of them (and what they started) is ended afterwards, whatever happened."""
    started = time.monotonic()
    async with serving_role(database_url) as serving_url:
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),  # this checkout's code, whatever is installed
            "PORTICO_DATABASE_URL": serving_url,
            "PORTICO_SECRET_KEY": "scale-out-" + uuid.uuid4().hex,  # the same on every process
            "PORTICO_DATA_DIR": str(folder / "data"),
            "PORTICO_FILES_DIR": str(folder / "files"),  # the shared file storage
            "PORTICO_PLUGINS": "quotes",
            "PORTICO_BASE_URL": BASE_URL,
            "PORTICO_TRUSTED_PROXIES": "127.0.0.1",
            "PORTICO_SMTP_HOST": "127.0.0.1",
            "PORTICO_SMTP_PORT": str(smtp_port),
            "PORTICO_PDF_WORKERS": "1",
        }
        fleet = Fleet(folder, env)
        ports = [free_port() for _ in range(SERVERS)]
        servers = {f"serve{n}": port for n, port in enumerate(ports)}
        workers = [f"worker{n}" for n in range(WORKERS)]
        try:
            await asyncio.gather(
                *(fleet.start(name, "serve", "--port", str(port), PORTICO_MAIL_WORKER="off")
                  for name, port in servers.items()),
                *(fleet.start(name, "worker", "--interval", "0.2") for name in workers),
            )  # fmt: skip
            await asyncio.gather(
                *(fleet.wait_healthy(name, port) for name, port in servers.items()),
                *(fleet.wait_logged(name, "mail worker") for name in workers),
            )
            fleet.note_children()  # each server's PDF worker, started with it
            yield Deployment(fleet, ports, workers, time.monotonic() - started)
        finally:
            await fleet.stop()
            await fleet.kill_leftovers(grace=0)


# --- people and browsers ----------------------------------------------------------------------


@dataclass
class People:
    admin: str
    contacts: list[str]  # every contact of the account: the message's recipients
    account_id: int

    @property
    def browsing(self) -> list[str]:
        return self.contacts[:BROWSING]

    @property
    def resetting(self) -> list[str]:
        return self.contacts[-RESETTING:]


async def seed(db: Any, plugins: Any) -> People:
    """Only what the test needs, written directly: the vendor, one account and its contacts."""
    tenant = await create_tenant(db, plugins, "scale", "Scale Works", TENANT_HOST)
    await db.commit()
    run = uuid.uuid4().hex[:6]
    async with scoped(db, Scope(tenant.id)):
        account = await create_customer(db, "Bulk Buyer", None)
        admin = await create_user(db, email=f"admin-{run}@scale.test", password=TEST_PASSWORD, role=VENDOR_ADMIN)
        contacts = [
            await create_user(
                db, email=f"c{n}-{run}@buyer.test", password=TEST_PASSWORD, role=CUSTOMER_USER, customer_id=account.id
            )
            for n in range(EMAILED_CONTACTS)
        ]
        # As if an upgrade had just brought the quotes module's permissions: the servers, all
        # starting at once, give their default grants (one of them does; the others find it done).
        for model in (RolePermission, PermissionOffer):
            await db.execute(delete(model).where(model.permission.startswith("quotes.")))
        await db.commit()
    return People(admin.email, [c.email for c in contacts], account.id)


class Browser:
    """One person's browser. Its cookies go to every server: they all sit behind one proxy, which
    passes on the vendor's host and the visitor's address."""

    def __init__(self) -> None:
        self.client = httpx.AsyncClient(
            headers={"Host": TENANT_HOST, "X-Forwarded-For": VISITOR, "X-Forwarded-Proto": "https"},
            follow_redirects=False,
            timeout=30,
        )

    async def get(self, port: int, path: str) -> httpx.Response:
        return await self.client.get(f"http://127.0.0.1:{port}{path}")

    async def post(self, port: int, path: str, data: dict[str, Any]) -> httpx.Response:
        if "csrftoken" not in self.client.cookies:
            await self.get(port, "/login")
        headers = {"x-csrftoken": self.client.cookies["csrftoken"]}
        return await self.client.post(f"http://127.0.0.1:{port}{path}", data=data, headers=headers)

    async def sign_in(self, port: int, email: str) -> None:
        response = await self.post(port, "/login", {"email": email, "password": TEST_PASSWORD, "next": "/"})
        assert response.status_code == 302, f"sign-in of {email} on :{port}: {response.status_code}"


# --- the test -------------------------------------------------------------------------------


async def test_servers_and_workers_on_one_database(make_portico, db, portico_commits_database_url, tmp_path):
    started = time.monotonic()
    portico = await make_portico()  # empties the committing tests' database and makes its tables
    people = await seed(db, portico.plugins)
    smtp = ClaimCheckingSmtp(portico_commits_database_url)
    smtp.start()
    admin, anonymous = Browser(), Browser()
    contacts = [Browser() for _ in people.browsing]
    try:
        async with deployment(tmp_path, portico_commits_database_url, smtp.port) as portal:
            fleet, ports = portal.fleet, portal.ports
            # Signed in on one server each, and known to every other: sessions live in the database.
            await asyncio.gather(
                admin.sign_in(ports[0], people.admin),
                *(
                    c.sign_in(ports[n % SERVERS], email)
                    for n, (c, email) in enumerate(zip(contacts, people.browsing, strict=True))
                ),
            )
            restarted = portal.workers[1]
            sending = smtp.watch(fleet.pid(restarted))
            arrived = smtp.expect(EMAILED_CONTACTS + RESETTING)

            # 2. Forty emails in one transaction.
            posted = await admin.post(
                ports[0],
                "/admin/notices/messages",
                {
                    "customer_id": str(people.account_id),
                    "subject": "Shutdown",
                    "body": "Closed in August.",
                    "email": "1",
                },
            )
            assert posted.status_code == 302, posted.text[:500]
            async with portico.sessionmaker() as session, scoped(session, Scope.system()):
                message_id = await session.scalar(select(Message.id))

            # 3. The load, while the workers drain the outbox and one of them is restarted.
            load_started = time.monotonic()
            (told_to_stop, stopped_after), answered = await asyncio.gather(
                stop_while_sending(fleet, restarted, sending), load(contacts, ports, f"/messages/{message_id}")
            )
            load_seconds = time.monotonic() - load_started

            # 4. Reset links, asked for through different servers; the first account twice.
            for n, email in enumerate([*people.resetting, people.resetting[0]]):
                asked = await anonymous.post(ports[n % SERVERS], "/password/forgot", {"email": email})
                assert asked.status_code == 200

            # 5. A module and a role changed through one server, seen by every server's next request.
            await changes_reach_every_server(admin, contacts[0], ports)

            expected = EMAILED_CONTACTS + RESETTING
            with contextlib.suppress(TimeoutError):  # the checks below say what is missing
                await asyncio.wait_for(arrived.wait(), 30)
            ended = await fleet.stop()
            left = await fleet.kill_leftovers(grace=10)
            logs = {name: fleet.log(name) for name in fleet.processes}
            workers = {name: str(fleet.pid(name)) for name in portal.workers}
    finally:
        for browser in [admin, anonymous, *contacts]:
            await browser.client.aclose()
        smtp.stop()
    total_seconds = time.monotonic() - started

    # The load reached every server, evenly, and every request was answered.
    assert answered == Counter({(port, 200): LOAD_REQUESTS // SERVERS for port in ports}), answered

    async with portico.sessionmaker() as session, scoped(session, Scope.system()):
        outbox = list((await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))).all())
        addresses = set((await session.scalars(select(LoginAttempt.ip))).all())
        quotes_grants = set(
            (
                await session.execute(
                    select(Role.key, RolePermission.permission)
                    .join(Role, Role.id == RolePermission.role_id)
                    .where(RolePermission.permission.startswith("quotes."))
                )
            ).all()
        )

    # 6. Every email arrived once, while its worker held the claim; both workers sent some.
    assert len(outbox) == expected, [(m.event, m.recipients) for m in outbox]
    assert [(m.state, m.attempts) for m in outbox] == [("sent", 1)] * expected, [m.last_error for m in outbox]
    assert Counter(d.outbox_id for d in smtp.deliveries) == Counter({m.id: 1 for m in outbox}), "twice, or never"
    by_id = {d.outbox_id: d for d in smtp.deliveries}
    assert all(by_id[m.id].recipients == m.recipients for m in outbox)
    assert {d.state for d in smtp.deliveries} == {"sending"}
    assert {d.sender for d in smtp.deliveries} == set(workers.values()), "each worker should have sent some"

    batch = [m for m in outbox if m.event == "core.message_posted"]
    assert sorted(r for m in batch for r in m.recipients) == sorted(people.contacts)
    # All queued before any was sent: the workers drained a full outbox side by side.
    assert max(m.created_at for m in batch) <= min(m.sent_at for m in batch if m.sent_at is not None)
    resets = Counter(r for m in outbox if m.event == "core.password_reset" for r in m.recipients)
    assert resets == Counter(people.resetting), "one reset email per account, however often asked"

    # A worker told to stop while sending finishes that email and stops: it does not drain the
    # outbox first (a service manager would kill it, mid-send, and the email would go twice).
    after_stop = [d for d in smtp.deliveries if d.sender == workers[restarted] and d.received_at > told_to_stop]
    assert len(after_stop) <= 1, f"{len(after_stop)} emails sent after SIGTERM, in {stopped_after:.1f} s"
    assert ended[restarted] == 0

    # Links name the vendor's configured host and the deployment's scheme, not 127.0.0.1:<port>.
    for delivery in smtp.deliveries:
        body = delivery.message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
        assert set(re.findall(r"https?://[^\s/]+", body)) == {f"https://{TENANT_HOST}"}, body
    # The proxy's X-Forwarded-For is believed: throttling and the sign-in history see the visitor.
    assert addresses == {VISITOR}
    # The upgrade's new permissions: granted by one of the servers, once, to their default roles.
    defaults = {
        (role, p.key) for p in portico.plugins.permissions.values() if p.module == "quotes" for role in p.default_roles
    }
    assert quotes_grants == defaults
    granted = [name for name, output in logs.items() if "default grants of new permissions given to 1 tenant" in output]
    assert len(granted) == 1, granted

    # Stopped with SIGTERM, every process ended by itself, and nothing they started is left.
    assert None not in ended.values(), ended
    assert not left, f"still running 10 s after SIGTERM: {left}"
    for name, output in logs.items():
        assert not re.search(r"Traceback| ERROR |^ERROR:", output, re.MULTILINE), f"{name}:\n{output[-3000:]}"
    print(
        f"\nscale-out: {SERVERS} servers and {WORKERS} workers ready after {portal.ready_after:.1f} s; "
        f"{LOAD_REQUESTS} requests in {load_seconds:.1f} s; {len(outbox)} emails; {total_seconds:.1f} s in all"
    )


async def stop_while_sending(fleet: Fleet, name: str, sending: asyncio.Event) -> tuple[float, float]:
    """SIGTERM to worker ``name`` while it sends its first email, as a rolling restart would; when
    it was told, and how long it took to end."""
    try:
        await asyncio.wait_for(sending.wait(), 30)
    except TimeoutError:
        raise AssertionError(f"{name} sent no email within 30 s") from None
    told = time.monotonic()
    fleet.processes[name].terminate()
    await asyncio.wait_for(fleet.processes[name].wait(), 30)
    return told, time.monotonic() - told


async def load(contacts: list[Browser], ports: list[int], message: str) -> Counter[tuple[int, int]]:
    """LOAD_REQUESTS pages, LOAD_CONCURRENCY at a time, each person on each server; how many
    answered what on which port. Opening ``message`` marks it read: one person, several servers."""
    pages = ["/", "/quotes", "/messages", message, "/quotes/history", "/profile"]
    every = list(itertools.product(contacts, ports, pages))
    plan = (every * (LOAD_REQUESTS // len(every) + 1))[:LOAD_REQUESTS]
    random.Random(LOAD_REQUESTS).shuffle(plan)
    answered: Counter[tuple[int, int]] = Counter()
    gate = asyncio.Semaphore(LOAD_CONCURRENCY)

    async def one(browser: Browser, port: int, path: str) -> None:
        async with gate:
            response = await browser.get(port, path)
        answered[(port, response.status_code)] += 1

    await asyncio.gather(*(one(*step) for step in plan))
    return answered


async def changes_reach_every_server(admin: Browser, contact: Browser, ports: list[int]) -> None:
    """Through the first server: quotes off, then a permission taken from the contact's role; each
    server's next request shows it; then both undone, and shown again."""
    through, everywhere = ports[0], [*ports[1:], ports[0]]

    async def answers(path: str) -> list[int]:
        return [(await contact.get(port, path)).status_code for port in everywhere]

    assert await answers("/quotes") == [200] * SERVERS  # every server has the tenant's state cached
    assert await answers("/messages") == [200] * SERVERS

    assert (await admin.post(through, "/admin/modules/quotes", {"enabled": "0"})).status_code == 302
    assert await answers("/quotes") == [404] * SERVERS

    matrix = (await admin.get(through, "/admin/roles")).text
    grants = re.findall(r'name="grant" value="(\d+:[\w.]+)"[^>]*checked', matrix)
    kept = [grant for grant in grants if not grant.endswith(":core.messages")]
    assert len(kept) < len(grants), "the customer roles hold core.messages"
    assert (await admin.post(through, "/admin/roles", {"grant": kept})).status_code == 302
    assert await answers("/messages") == [403] * SERVERS

    assert (await admin.post(through, "/admin/roles", {"grant": grants})).status_code == 302
    assert (await admin.post(through, "/admin/modules/quotes", {"enabled": "1"})).status_code == 302
    assert await answers("/messages") == [200] * SERVERS
    assert await answers("/quotes") == [200] * SERVERS
