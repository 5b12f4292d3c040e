"""Delivering the outbox: claim a due message, send it over SMTP, record the outcome.

Several workers may run at once (one per web process and ``portico worker`` processes), so a
message is claimed before it is sent: on PostgreSQL with ``FOR UPDATE SKIP LOCKED``, on SQLite
(which serialises writers) with a compare-and-set UPDATE whose row count says who won. A claim
is a lease: a message left in 'sending' longer than :attr:`MailWorker.lease` (its worker
crashed) is claimed again. Delivery is therefore at least once, never twice from healthy workers.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
import socket
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.access.links import send_requested_resets
from core.branding import Branding
from core.db import Scope, set_scope, utcnow
from core.mail.models import FAILED, QUEUED, SENDING, SENT, OutboxMessage
from core.mail.smtp import PermanentFailure, TemporaryFailure, build_message, reply_text, smtp_send
from core.models import Tenant
from core.outage import is_outage

if TYPE_CHECKING:
    from core.app import Portico

log = logging.getLogger("portico.mail")


@dataclass(frozen=True)
class Outcome:
    message_id: int
    state: str
    error: str = ""


class MailWorker:
    """Delivers due outbox messages of every tenant; :meth:`run_once` is one pass."""

    def __init__(
        self,
        portico: Portico,
        *,
        name: str | None = None,
        lease: dt.timedelta = dt.timedelta(minutes=10),
        max_attempts: int = 8,
        first_retry: dt.timedelta = dt.timedelta(minutes=1),
        last_retry: dt.timedelta = dt.timedelta(hours=2),
    ) -> None:
        self.portico = portico
        self.name = name or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.lease = lease
        self.max_attempts = max_attempts
        self.first_retry = first_retry
        self.last_retry = last_retry

    def backoff(self, attempts: int) -> dt.timedelta:
        """The wait before attempt ``attempts + 1``: doubling from one minute, at most two hours."""
        return min(self.first_retry * (2 ** max(attempts - 1, 0)), self.last_retry)

    async def _session(self) -> AsyncSession:
        session = self.portico.sessionmaker()
        set_scope(session, Scope.system())  # the outbox of every tenant
        return session

    def _due(self, now: dt.datetime) -> Any:
        return or_(
            and_(OutboxMessage.state == QUEUED, OutboxMessage.next_attempt_at <= now),
            and_(OutboxMessage.state == SENDING, OutboxMessage.claimed_at < now - self.lease),
        )

    async def claim(self, now: dt.datetime | None = None) -> int | None:
        """Take one due message for this worker; its id, or None when nothing is due."""
        now = now or utcnow()
        async with await self._session() as db:
            if self.portico.engine.dialect.name == "postgresql":
                candidate = (
                    select(OutboxMessage.id)
                    .where(self._due(now))
                    .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
                    .limit(1)
                    .with_for_update(skip_locked=True)
                    .scalar_subquery()
                )
                claimed = await db.scalar(
                    update(OutboxMessage)
                    .where(OutboxMessage.id == candidate)
                    .values(state=SENDING, claimed_at=now, claimed_by=self.name)
                    .returning(OutboxMessage.id)
                    .execution_options(synchronize_session=False)
                )
                await db.commit()
                return claimed
            for _ in range(20):  # another worker may win each candidate; try the next one
                candidate_id = await db.scalar(
                    select(OutboxMessage.id)
                    .where(self._due(now))
                    .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
                    .limit(1)
                )
                if candidate_id is None:
                    return None
                result: Any = await db.execute(
                    update(OutboxMessage)
                    .where(OutboxMessage.id == candidate_id, self._due(now))
                    .values(state=SENDING, claimed_at=now, claimed_by=self.name)
                    .execution_options(synchronize_session=False)
                )
                await db.commit()
                if result.rowcount == 1:
                    return int(candidate_id)
            return None

    async def deliver(self, message_id: int, now: dt.datetime | None = None) -> Outcome:
        """Send a message this worker has claimed and record what happened."""
        async with await self._session() as db:
            message = await db.get(OutboxMessage, message_id)
            assert message is not None
            tenant = await db.get(Tenant, message.tenant_id)
            assert tenant is not None  # the outbox row goes with its tenant (ON DELETE CASCADE)
            portal_name = Branding.from_dict(tenant.branding, default_name=tenant.name).portal_name
            settings = self.portico.settings
            error = ""
            refused: dict[str, Any] = {}
            try:
                attachments = [
                    (a["filename"], a["content_type"], await self.portico.storage.read(a["key"]))
                    for a in message.attachments
                ]
                email = build_message(message, settings.mail_from, portal_name, attachments)
                refused = await asyncio.to_thread(smtp_send, settings, email, list(message.recipients))
                state = SENT
            except PermanentFailure as exc:
                state, error = FAILED, str(exc)
            except TemporaryFailure as exc:
                error = str(exc)
                state = FAILED if message.attempts + 1 >= self.max_attempts else QUEUED
            except (OSError, KeyError, ValueError) as exc:  # a missing attachment file, a broken row
                error = f"{type(exc).__name__}: {exc}"
                state = FAILED if message.attempts + 1 >= self.max_attempts else QUEUED
            if refused:
                error = "refused: " + "; ".join(f"{a} ({c} {reply_text(text)})" for a, (c, text) in refused.items())
            now = now or utcnow()
            values: dict[str, Any] = {
                "state": state,
                "attempts": OutboxMessage.attempts + 1,
                "last_error": error[:2000],
                "claimed_at": None,
                "claimed_by": None,
            }
            if state == SENT:
                values["sent_at"] = now
            elif state == QUEUED:
                values["next_attempt_at"] = now + self.backoff(message.attempts + 1)
            # Only while the lease is still ours: a worker that took it over decides instead.
            result: Any = await db.execute(
                update(OutboxMessage)
                .where(
                    OutboxMessage.id == message_id,
                    OutboxMessage.state == SENDING,
                    OutboxMessage.claimed_by == self.name,
                )
                .values(**values)
                .execution_options(synchronize_session=False)
            )
            await db.commit()
            if result.rowcount != 1:
                log.warning("outbox message %s was taken over by another worker while sending", message_id)
            elif state != SENT:
                log.warning("outbox message %s: %s (%s)", message_id, error, state)
            return Outcome(message_id, state, error)

    async def run_once(self, now: dt.datetime | None = None, stop: asyncio.Event | None = None) -> list[Outcome]:
        """Deliver every message due at ``now``, or until ``stop`` is set; returns what happened to each.

        Emails that are written off the request path (password resets) are written first. Once
        ``stop`` is set, the message being sent is finished and no other is claimed: the rest wait
        for another worker or the next start, rather than holding up a shutdown until the outbox is
        empty (a service manager would kill the process meanwhile, perhaps in the middle of an
        email, which then goes again once its lease has run out).
        """
        await send_requested_resets(self.portico)
        outcomes: list[Outcome] = []
        while not (stop is not None and stop.is_set()) and (message_id := await self.claim(now)) is not None:
            outcomes.append(await self.deliver(message_id, now))
        return outcomes

    async def run(self, stop: asyncio.Event, interval: float = 5.0) -> None:
        """Poll every ``interval`` seconds until ``stop`` is set; a database hiccup is logged, not fatal."""
        log.info("mail worker %s started", self.name)
        while not stop.is_set():
            try:
                await self.run_once(stop=stop)
            except Exception as error:
                if not is_outage(error):
                    log.exception("mail worker %s: delivery pass failed", self.name)
                else:  # said once for the whole process, not every few seconds
                    self.portico.outage.failed(error)
            try:
                await asyncio.wait_for(stop.wait(), timeout=interval)
            except TimeoutError:
                pass
        log.info("mail worker %s stopped", self.name)


class BackgroundMailWorker:
    """The worker as a task of the web process (``PORTICO_MAIL_WORKER=app``), stopped at shutdown."""

    def __init__(self, portico: Portico, interval: float = 5.0) -> None:
        self.worker = MailWorker(portico)
        self.interval = interval
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self.worker.run(self._stop, self.interval))

    async def stop(self) -> None:
        self._stop.set()
        if self._task is not None:
            # A message being sent finishes (smtplib runs in a thread and cannot be interrupted).
            await self._task
            self._task = None
