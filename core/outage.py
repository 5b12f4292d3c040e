"""The database cannot be reached: every page and API call answers 503 with ``Retry-After``, and
the log says so once rather than with a traceback per request.

:class:`DatabaseOutage` (one per :class:`core.Portico`) logs the first failure, then a reminder
every few minutes while it lasts, and a line when a connection is made again.
"""

from __future__ import annotations

import errno
import logging
import socket
import time
from collections.abc import Callable

from sqlalchemy import event
from sqlalchemy import exc as sa
from sqlalchemy.ext.asyncio import AsyncEngine

log = logging.getLogger("portico.database")

RETRY_AFTER = 30  # seconds: what a 503 asks clients to wait before trying again
REMIND_EVERY = 300.0  # seconds between the "still unreachable" lines of one outage
_UNREACHABLE = {errno.ECONNREFUSED, errno.ECONNRESET, errno.EHOSTUNREACH, errno.ENETUNREACH, errno.ETIMEDOUT}
# PostgreSQL's SQLSTATE classes for a server out of reach: connection exception, operator
# intervention (shutting down, starting up), insufficient resources (too many connections).
_PG_UNAVAILABLE = ("08", "57P", "53")
# SQLite's words for a file it cannot use; its other OperationalErrors ("no such table") are bugs.
_SQLITE_UNUSABLE = ("unable to open database", "disk i/o error", "database is locked", "readonly database")


def is_outage(error: BaseException) -> bool:
    """Whether ``error`` says the database cannot be reached or used now, rather than that a
    statement was wrong: a refused or lost connection, a pool with none to give, an unusable file."""
    if isinstance(error, sa.TimeoutError):  # the pool: every connection busy, or none can be made
        return True
    if isinstance(error, sa.DBAPIError):
        sqlstate = getattr(error.orig, "sqlstate", None) or ""
        message = str(error.orig).lower()
        return (
            error.connection_invalidated
            or (isinstance(error, sa.InterfaceError) and "connection" in message)  # "connection is closed"
            or sqlstate.startswith(_PG_UNAVAILABLE)
            or (isinstance(error, sa.OperationalError) and any(words in message for words in _SQLITE_UNUSABLE))
        )
    if isinstance(error, ConnectionError | socket.gaierror | TimeoutError):
        return True
    # asyncio's "Multiple exceptions: [Errno 111] Connect call failed" when every address refused
    return isinstance(error, OSError) and (error.errno in _UNREACHABLE or "Connect call failed" in str(error))


class DatabaseOutage:
    """Whether the database is down, and the log lines that say so: one when it starts, a reminder
    every :data:`REMIND_EVERY` seconds, one when it ends."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.since: float | None = None
        self.failures = 0  # requests answered 503 (and worker passes that failed) since it started
        self._reminded = 0.0

    @property
    def down(self) -> bool:
        return self.since is not None

    def failed(self, error: BaseException) -> None:
        now = self.clock()
        self.failures += 1
        if self.since is None:
            self.since, self._reminded, self.failures = now, now, 1
            log.error("the database cannot be reached; answering 503 until it can: %s", error, exc_info=error)
        elif now - self._reminded >= REMIND_EVERY:
            self._reminded = now
            log.error(
                "the database is still unreachable after %d s (%d failures): %s",
                now - self.since,
                self.failures,
                error,
            )

    def recovered(self) -> None:
        if self.since is not None:
            log.warning(
                "the database is reachable again after %d s (%d failures)",
                self.clock() - self.since,
                self.failures,
            )
            self.since = None

    def watch(self, engine: AsyncEngine) -> None:
        """Notice the end of an outage: the pool hands out a connection again."""
        event.listen(engine.sync_engine, "checkout", lambda *_: self.recovered())
