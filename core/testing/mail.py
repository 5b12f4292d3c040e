"""A real SMTP server on loopback for tests, and delivering the outbox on demand."""

from __future__ import annotations

import datetime as dt
import socket
from collections.abc import Iterator
from email import message_from_bytes
from email import policy as email_policy
from email.message import EmailMessage
from typing import Any

import pytest

from core.app import Portico
from core.mail.worker import MailWorker, Outcome


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class SmtpServer:
    """A real SMTP server (aiosmtpd) on a loopback port that keeps what it receives.

    ``messages`` are parsed :class:`email.message.EmailMessage` objects (``msg["Subject"]``,
    ``msg.get_body(("plain",)).get_content()``, ``msg.iter_attachments()``); ``envelopes`` hold
    the SMTP sender and recipients. ``stop()`` / ``start()`` simulate an outage; ``refuse(address)``
    answers 550 for that recipient (a permanent failure).
    """

    def __init__(self) -> None:
        self.host = "127.0.0.1"
        self.port = free_port()
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.refused: set[str] = set()
        self._controller: Any = None

    @property
    def settings(self) -> dict[str, Any]:
        """The Portico settings that send email here."""
        return {"smtp_host": self.host, "smtp_port": self.port, "smtp_security": "none", "smtp_username": ""}

    def start(self) -> None:
        from aiosmtpd.controller import Controller

        if self._controller is None:  # a stopped controller's loop is closed: start a new one
            self._controller = Controller(_SmtpCollector(self), hostname=self.host, port=self.port)
            self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def refuse(self, address: str) -> None:
        self.refused.add(address.lower())

    def clear(self) -> None:
        """Forget what was received and refused (between tests)."""
        self.messages.clear()
        self.envelopes.clear()
        self.refused.clear()

    def to(self, address: str) -> list[EmailMessage]:
        """The messages whose envelope included ``address``."""
        return [m for m, (_, rcpts) in zip(self.messages, self.envelopes, strict=True) if address in rcpts]


class _SmtpCollector:
    def __init__(self, server: SmtpServer) -> None:
        self.server = server

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if address.lower() in self.server.refused:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        raw = envelope.original_content or envelope.content
        parsed = message_from_bytes(raw, policy=email_policy.default)
        self.server.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        self.server.messages.append(parsed)  # type: ignore[arg-type]
        return "250 OK"


@pytest.fixture(scope="session")
def portico_smtp_server() -> Iterator[SmtpServer]:
    """The run's SMTP server: one port for the whole run keeps the test apps' settings equal."""
    server = SmtpServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def smtp_server(portico_smtp_server: SmtpServer) -> Iterator[SmtpServer]:
    """A running :class:`SmtpServer` holding only this test's messages; the test's portals send
    their email to it. ``stop()``/``start()`` in a test simulate an outage on the same port."""
    portico_smtp_server.clear()
    portico_smtp_server.start()
    yield portico_smtp_server
    portico_smtp_server.start()  # running again for the next test, if this one stopped it
    portico_smtp_server.clear()


async def deliver_mail(portico: Portico, *, now: dt.datetime | None = None) -> list[Outcome]:
    """Run the mail worker until nothing is due (at ``now``, default the present); returns the
    outcome of each attempt (``.message_id``, ``.state``: sent, queued or failed, ``.error``).
    Pass a later ``now`` to reach messages whose retry is scheduled in the future."""
    return await MailWorker(portico).run_once(now)
